/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - Per-domain port sets for the network hooks
 *
 * Copyright © 2026 The landlock-udp developers
 */

#ifndef _SECURITY_LANDLOCK_NET_PORTS_H
#define _SECURITY_LANDLOCK_NET_PORTS_H

#include <linux/types.h>

struct landlock_domain;

#if IS_ENABLED(CONFIG_INET)

#include <linux/bitops.h>

#include "net_rs.h"

int landlock_compile_net_ports(struct landlock_domain *const domain);

size_t landlock_net_ports_size(const struct landlock_domain *const domain);

/* Returns whether @ports' domain restricts @access (one right). */
static inline bool
landlock_net_ports_handles(const struct landlock_net_ports *const ports,
			   const u32 access)
{
	return ports->set[__ffs(access)];
}

/*
 * Returns whether @ports' domain allows @port (network byte order) for
 * @access (one right), cf. PortSets::allows() in net_rs.rs.
 */
static inline bool
landlock_net_ports_allow(const struct landlock_net_ports *const ports,
			 const u32 access, const __be16 port)
{
	const u16 key = (__force u16)port;
	const u8 set = ports->set[__ffs(access)];

	return !set || (ports->bits[set - 1][key / 64] & BIT_ULL(key % 64));
}

#else /* IS_ENABLED(CONFIG_INET) */

/* No network hooks: no port sets. */
static inline int
landlock_compile_net_ports(struct landlock_domain *const domain)
{
	return 0;
}

#endif /* IS_ENABLED(CONFIG_INET) */

#endif /* _SECURITY_LANDLOCK_NET_PORTS_H */
