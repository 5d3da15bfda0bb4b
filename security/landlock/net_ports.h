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

#if IS_ENABLED(CONFIG_SECURITY_LANDLOCK_NET_RUST)

int landlock_compile_net_ports(struct landlock_domain *const domain);

size_t landlock_net_ports_size(const struct landlock_domain *const domain);

#else /* IS_ENABLED(CONFIG_SECURITY_LANDLOCK_NET_RUST) */

/* The C hooks walk the rule tree: no port sets. */
static inline int
landlock_compile_net_ports(struct landlock_domain *const domain)
{
	return 0;
}

#endif /* IS_ENABLED(CONFIG_SECURITY_LANDLOCK_NET_RUST) */

#endif /* _SECURITY_LANDLOCK_NET_PORTS_H */
