/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - Per-domain port sets for the network hooks
 *
 * The structure and constants below only use types that bindgen can
 * represent: any implementation of the hooks can read them.
 */

#ifndef _SECURITY_LANDLOCK_NET_PORTS_H
#define _SECURITY_LANDLOCK_NET_PORTS_H

#include <linux/types.h>

struct landlock_cred_security;
struct landlock_domain;
struct sock;

/* Number of network access rights (LANDLOCK_NUM_ACCESS_NET, cf. net.c). */
#define LANDLOCK_NET_PORTS_NUM_ACCESS 4
/* 64-bit words of a port bitmap: one bit per port. */
#define LANDLOCK_NET_PORTS_SET_WORDS (65536 / 64)
/*
 * Multiplier of the port table's hash (GOLDEN_RATIO_32 of <linux/hash.h>):
 * a port is first looked for in slot
 * ((u32)key * LANDLOCK_NET_PORTS_HASH * (u64)slots) >> 32, cf.
 * landlock_net_ports_slot().
 */
#define LANDLOCK_NET_PORTS_HASH 0x61C88647U

/**
 * struct landlock_net_ports - The ports a domain allows, per network right
 *
 * Compiled from the domain's rules when the domain is created, and as
 * immutable as the domain: a port is allowed for a handled right iff every
 * layer of the domain that handles this right allows the port for it, i.e.
 * iff the rule tree walk (landlock_unmask_layers()) allows it.  The rule tree
 * stays the source of truth: a denial walks it again, for the audit record
 * and the trace event.  A domain that handles no network right has none.
 *
 * A port is a rule key: its value in network byte order, read as a native
 * u16.  The sets take one of two forms, whichever the allocator spends less
 * on for the domain (cf. net_ports.c): a hash table of the ports that some
 * right allows, with the rights allowing each, or a 65536-bit bitmap for
 * each handled right.  The readers only assume that a right without a
 * bitmap is looked up in the table.
 */
struct landlock_net_ports {
	/**
	 * @bits: For each network right, by its bit number in
	 * LANDLOCK_ACCESS_NET_*: its bitmap (bit (port % 64) of word
	 * (port / 64), LANDLOCK_NET_PORTS_SET_WORDS words), or NULL if the right
	 * is not handled or is looked up in the table.
	 */
	const u64 *bits[LANDLOCK_NET_PORTS_NUM_ACCESS];
	/**
	 * @keys: The table's ports, @slots of them, stored after this header:
	 * open addressing, linear probing from landlock_net_ports_slot(), at
	 * most two thirds full, so that every probe ends.
	 */
	const u16 *keys;
	/**
	 * @rights: For each slot of @keys, the LANDLOCK_ACCESS_NET_* rights that
	 * allow its port, or 0 if the slot is empty; after @keys.
	 */
	const u8 *rights;
	/**
	 * @slots: Number of slots of @keys and @rights (0 without a table).
	 */
	u32 slots;
	/**
	 * @handled: The LANDLOCK_ACCESS_NET_* rights that some layer of the
	 * domain handles; the others are not restricted.
	 */
	u8 handled;
	/**
	 * @port0: The rights that allow port 0, which the table never holds:
	 * the autobind check of every send without a destination asks for
	 * it, and an absent key would probe to the end of its cluster.
	 */
	u8 port0;
};

#if IS_ENABLED(CONFIG_INET)

#include <linux/bitops.h>

int landlock_compile_net_ports(struct landlock_domain *const domain);

void landlock_free_net_ports(const struct landlock_net_ports *const ports);

/* Rule tree walks for the check_rule_net_port trace event (cf. net.c). */

bool landlock_net_walk_port(const struct landlock_cred_security *subject,
			    u32 access, __be16 port);

void landlock_net_trace_autobind(const struct landlock_cred_security *subject,
				 struct sock *sk);

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
	return ((u32)key * LANDLOCK_NET_PORTS_HASH * (u64)ports->slots) >> 32;
}

/*
 * Returns the rights that allow @key (a port in network byte order read as a
 * native u16) in @ports' table, 0 if it is not there.
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
 * @access (one right).
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
