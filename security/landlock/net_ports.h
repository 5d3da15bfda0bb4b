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

void landlock_free_net_ports(const struct landlock_net_ports *const ports);

/* Returns whether @ports' domain restricts @access (one right). */
static inline bool
landlock_net_ports_handles(const struct landlock_net_ports *const ports,
			   const u32 access)
{
	return ports->handled & access;
}

/* Returns the slot of @ports' table where @key is first looked for. */
static inline u32
landlock_net_ports_slot(const struct landlock_net_ports *const ports,
			const u16 key)
{
	return ((u32)key * LANDLOCK_NET_RS_HASH * (u64)ports->slots) >> 32;
}

/*
 * Returns the rights that allow @key (a port in network byte order read as a
 * native u16) in @ports' table, 0 if it is not there, cf. PortSets::allows()
 * in net_rs.rs.
 */
static inline u8
landlock_net_ports_find(const struct landlock_net_ports *const ports,
			const u16 key)
{
	u32 slot = landlock_net_ports_slot(ports, key);

	/* An empty slot ends the probe; there is one, but bound it anyway. */
	for (u32 i = 0; i < ports->slots; i++) {
		const u8 rights = ports->rights[slot];

		if (!rights || ports->keys[slot] == key)
			return rights;
		if (++slot == ports->slots)
			slot = 0;
	}
	return 0;
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
	const u64 *const bits = ports->bits[__ffs(access)];

	if (!landlock_net_ports_handles(ports, access))
		return true;
	if (bits)
		return bits[key / 64] & BIT_ULL(key % 64);
	if (!key)
		return ports->port0 & access;
	return landlock_net_ports_find(ports, key) & access;
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
