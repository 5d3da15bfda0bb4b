/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - A domain's network port rules, as one hash table
 *
 * The structures and constants below only use types that bindgen can
 * represent: any implementation of the hooks can read them.
 */

#ifndef _SECURITY_LANDLOCK_NET_PORTS_H
#define _SECURITY_LANDLOCK_NET_PORTS_H

#include <linux/bitops.h>
#include <linux/types.h>

struct landlock_domain;
struct landlock_ruleset;
struct layer_masks;

/* Number of network access rights (LANDLOCK_NUM_ACCESS_NET, cf. net.c). */
#define LANDLOCK_NET_PORTS_NUM_ACCESS 4
/*
 * Multiplier of the port table's hash (GOLDEN_RATIO_32 of <linux/hash.h>):
 * a port is first looked for in slot
 * ((u32)key * LANDLOCK_NET_PORTS_HASH * (u64)slots) >> 32, cf.
 * landlock_net_ports_slot().
 */
#define LANDLOCK_NET_PORTS_HASH 0x61C88647U

/**
 * struct landlock_net_port_slot - The rules of a domain for one port
 *
 * What every reader needs: the layers that allow the port, per right, which
 * give the answer (every layer handling the right allows it) and, on a
 * denial, the denying layers; and the layers whose rule is quiet.  Layer
 * level N is bit N - 1 of a mask.
 */
struct landlock_net_port_slot {
	/**
	 * @key: The port, a rule key: its value in network byte order, read as
	 * a native u16.  0 marks an empty slot of the table, which never holds
	 * port 0 (cf. &landlock_net_ports.port0).
	 */
	u16 key;
	/**
	 * @quiet: The layers whose rule for this port has the
	 * %LANDLOCK_ADD_RULE_QUIET flag.
	 */
	u16 quiet;
	/**
	 * @layers: For each network right, by its bit number in
	 * LANDLOCK_ACCESS_NET_*: the layers whose rule for this port grants it.
	 */
	u16 layers[LANDLOCK_NET_PORTS_NUM_ACCESS];
};

/**
 * struct landlock_net_ports - The network port rules of a domain
 *
 * Built when the domain is created, from its parent's table and the new
 * layer's ruleset (cf. net_ports.c), and as immutable as the domain.  The
 * domain's rule tree holds no network key: this is the only copy of its
 * port rules.  A domain that handles no network right has none.
 *
 * A port is allowed for a right iff every layer handling the right allows
 * it: iff its slot's layers for the right are @handling's.  The table uses
 * open addressing and linear probing from landlock_net_ports_slot(), and is
 * at most two thirds full, so that every probe ends on an empty slot, after
 * a few slots on average.
 */
struct landlock_net_ports {
	/**
	 * @handling: For each network right, by its bit number: the layers of
	 * the domain that handle it.
	 */
	u16 handling[LANDLOCK_NET_PORTS_NUM_ACCESS];
	/**
	 * @port0: The rules for port 0, which the table never holds: the
	 * autobind check of every send without a destination asks for it, and
	 * an absent key would probe to the end of its cluster.
	 */
	struct landlock_net_port_slot port0;
	/**
	 * @handled: The LANDLOCK_ACCESS_NET_* rights that some layer of the
	 * domain handles; the others are not restricted.
	 */
	u8 handled;
	/**
	 * @slots: Number of slots of @table.
	 */
	u32 slots;
	/**
	 * @table: The ports with a rule in some layer, other than port 0.
	 */
	struct landlock_net_port_slot table[] __counted_by(slots);
};

#if IS_ENABLED(CONFIG_INET)

struct landlock_net_ports *
landlock_build_net_ports(const struct landlock_domain *parent,
			 const struct landlock_domain *domain,
			 const struct landlock_ruleset *ruleset);

void landlock_free_net_ports(const struct landlock_net_ports *const ports);

void landlock_net_ports_unmask(const struct landlock_net_ports *ports,
			       __be16 port, struct layer_masks *masks);

const struct landlock_net_port_slot *
landlock_net_ports_rule(const struct landlock_net_ports *ports, __be16 port);

void landlock_net_ports_grants(const struct landlock_domain *domain,
			       const struct landlock_net_port_slot *slot,
			       u32 *grants);

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
 * Returns the rules of @ports for @key (a port in network byte order read as
 * a native u16), or NULL if no layer has a rule for it.
 */
static inline const struct landlock_net_port_slot *
landlock_net_ports_find(const struct landlock_net_ports *const ports,
			const u16 key)
{
	u32 slot = landlock_net_ports_slot(ports, key);

	if (!key)
		return &ports->port0;
	/* An empty slot ends the probe; there is one, but bound it anyway. */
	for (u32 i = 0; i < ports->slots; i++) {
		const struct landlock_net_port_slot *const s =
			&ports->table[slot];

		if (s->key == key)
			return s;
		if (!s->key)
			return NULL;
		if (++slot == ports->slots)
			slot = 0;
	}
	return NULL;
}

/*
 * Returns whether @ports' domain allows @port (network byte order) for
 * @access (one right).
 */
static inline bool
landlock_net_ports_allow(const struct landlock_net_ports *const ports,
			 const u32 access, const __be16 port)
{
	const unsigned int right = __ffs(access);
	const struct landlock_net_port_slot *s;

	if (!landlock_net_ports_handles(ports, access))
		return true;
	s = landlock_net_ports_find(ports, (__force u16)port);
	return s && s->layers[right] == ports->handling[right];
}

#endif /* IS_ENABLED(CONFIG_INET) */

#endif /* _SECURITY_LANDLOCK_NET_PORTS_H */
