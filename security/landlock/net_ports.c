// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock - Per-domain port sets for the network hooks
 *
 * A domain is immutable, and so is the answer of its rule tree for a port:
 * when the domain is created, the answer for every port and every network
 * right the domain handles is computed once, into a 65536-bit set per
 * handled right (struct landlock_net_ports in net_rs.h).  The Rust hooks then
 * check a port with one memory access, and only walk the rule tree again to
 * describe a denial (audit record and trace event) or when the
 * check_rule_net_port trace event is enabled.
 *
 * Copyright © 2026 The landlock-udp developers
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/prandom.h>
#include <linux/rbtree.h>
#include <linux/slab.h>

#include "access.h"
#include "domain.h"
#include "limits.h"
#include "net.h"
#include "net_ports.h"
#include "net_rs.h"
#include "ruleset.h"

static_assert(LANDLOCK_NET_RS_NUM_ACCESS == LANDLOCK_NUM_ACCESS_NET);
/* The layers of a domain fit in the u16 masks of add_rule(). */
static_assert(sizeof(u16) * BITS_PER_BYTE >= LANDLOCK_MAX_NUM_LAYERS);
static_assert(sizeof_field(struct landlock_net_ports, bits[0]) *
		      BITS_PER_BYTE ==
	      1 << BITS_PER_TYPE(__be16));

/* Returns the set of layers (bit N-1 for level N) of @domain handling @right. */
static u16 handling_layers(const struct landlock_domain *const domain,
			   const size_t right)
{
	u16 layers = 0;

	for (size_t i = 0; i < domain->num_layers; i++) {
		if (landlock_get_net_access_mask(domain, i) & BIT(right))
			layers |= BIT(i);
	}
	return layers;
}

/*
 * Sets the bit of @rule's port in the set of each right that all its
 * handling layers grant.  This is the decision of landlock_unmask_layers()
 * for one rule, written per right rather than per layer, so that the KUnit
 * test below compares two formulations.
 */
static void add_rule(struct landlock_net_ports *const ports,
		     const u16 handling[LANDLOCK_NUM_ACCESS_NET],
		     const struct landlock_rule *const rule)
{
	const u16 port = (u16)rule->key.data;

	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		u16 granting = 0;

		if (!ports->set[right])
			continue;
		for (size_t i = 0; i < rule->num_layers; i++) {
			const struct landlock_layer *const layer =
				&rule->layers[i];

			if (layer->access & BIT(right))
				granting |= BIT(layer->level - 1);
		}
		if (!(handling[right] & ~granting))
			__set_bit(port, (unsigned long *)ports
						->bits[ports->set[right] - 1]);
	}
}

/**
 * landlock_compile_net_ports - Compile the port sets of a new domain
 *
 * @domain: Domain whose layers and rules are all merged, not yet enforced.
 *
 * Sets @domain->net_ports, left NULL if no layer handles a network right:
 * such a domain takes no memory for them.
 *
 * Return: 0, or -ENOMEM.
 */
int landlock_compile_net_ports(struct landlock_domain *const domain)
{
	u16 handling[LANDLOCK_NUM_ACCESS_NET];
	struct landlock_net_ports *ports;
	struct landlock_rule *rule, *next;
	size_t num_sets = 0;

	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		handling[right] = handling_layers(domain, right);
		if (handling[right])
			num_sets++;
	}
	if (!num_sets)
		return 0;

	/* Ports not in any rule are denied: every set starts empty. */
	ports = kvzalloc(struct_size(ports, bits, num_sets),
			 GFP_KERNEL_ACCOUNT);
	if (!ports)
		return -ENOMEM;

	ports->size = struct_size(ports, bits, num_sets);
	num_sets = 0;
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		if (handling[right])
			ports->set[right] = ++num_sets;
	}

	rbtree_postorder_for_each_entry_safe(rule, next,
					     &domain->rules.root_net_port, node)
		add_rule(ports, handling, rule);

	domain->net_ports = ports;
	return 0;
}

/**
 * landlock_net_ports_size - Memory taken by the port sets of a domain
 *
 * @domain: Domain.
 *
 * Return: The size in bytes of @domain's port sets (its header and 8 KiB per
 * network right that a layer handles), 0 if it handles none.
 */
size_t landlock_net_ports_size(const struct landlock_domain *const domain)
{
	return domain->net_ports ? domain->net_ports->size : 0;
}

#ifdef CONFIG_SECURITY_LANDLOCK_KUNIT_TEST

/* Returns the answer of @ports for @port (a rule key) and @right. */
static bool compiled_allows(const struct landlock_net_ports *const ports,
			    const size_t right, const u16 port)
{
	if (!ports || !ports->set[right])
		return true;
	return test_bit(
		port,
		(const unsigned long *)ports->bits[ports->set[right] - 1]);
}

/* Returns the rule tree's answer, as the C hooks compute it. */
static bool tree_allows(const struct landlock_domain *const domain,
			const size_t right, const u16 port)
{
	const struct landlock_id id = {
		.key.data = port,
		.type = LANDLOCK_KEY_NET_PORT,
	};
	struct layer_masks masks = {};

	if (!landlock_init_layer_masks(domain, BIT(right), &masks,
				       LANDLOCK_KEY_NET_PORT))
		return true;
	return landlock_unmask_layers(domain, id, &masks, NULL);
}

/* Ports of the random rules: few, so that layers share some. */
static const u16 test_ports[] = { 0,	 1,	22,	53,    80,
				  443,	 1024,	4660,	8080,  32768,
				  49152, 65535, 0x3412, 0x0100 };

static u32 rnd(struct rnd_state *const state, const u32 n)
{
	return prandom_u32_state(state) % n;
}

/* A ruleset handling random network rights, with random port rules. */
static struct landlock_ruleset *random_ruleset(struct kunit *const test,
					       struct rnd_state *const state)
{
	const access_mask_t net = rnd(state, LANDLOCK_MASK_ACCESS_NET + 1);
	struct landlock_ruleset *ruleset;
	/* Dense enough that deep domains still allow some ports. */
	const u32 num_rules = 8 + rnd(state, 24);

	/* A layer may handle no network right, but must handle something. */
	ruleset = landlock_create_ruleset(net ? 0 : LANDLOCK_ACCESS_FS_EXECUTE,
					  net, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ruleset));
	for (u32 i = 0; i < num_rules && net; i++) {
		const u16 port = test_ports[rnd(state, ARRAY_SIZE(test_ports))];
		const access_mask_t access =
			rnd(state, 4) ?
				net :
				rnd(state, LANDLOCK_MASK_ACCESS_NET + 1) & net;

		if (access)
			KUNIT_ASSERT_EQ(test, 0,
					landlock_append_net_rule(
						ruleset,
						ntohs((__force __be16)port),
						access, 0));
	}
	return ruleset;
}

/* Merges 1 to 16 random layers, as landlock_restrict_self() does. */
static struct landlock_domain *random_domain(struct kunit *const test,
					     struct rnd_state *const state)
{
	const u32 num_layers = 1 + rnd(state, LANDLOCK_MAX_NUM_LAYERS);
	struct landlock_domain *domain = NULL;

	for (u32 i = 0; i < num_layers; i++) {
		struct landlock_ruleset *const ruleset =
			random_ruleset(test, state);
		struct landlock_domain *child;

		mutex_lock(&ruleset->lock);
		child = landlock_merge_ruleset(domain, ruleset);
		mutex_unlock(&ruleset->lock);
		landlock_put_ruleset(ruleset);
		landlock_put_domain(domain);
		KUNIT_ASSERT_FALSE(test, IS_ERR(child));
		domain = child;
	}
	return domain;
}

#define TEST_DOMAINS 300
#define TEST_RANDOM_PORTS 16

/*
 * The compiled sets give the rule tree's answer for every right and port:
 * every rule port, the ports next to them, and random ones, on random
 * domains of 1 to 16 layers.
 */
static void test_compiled_ports_match_tree(struct kunit *const test)
{
	struct rnd_state state;
	u32 cases = 0, denied = 0;

	prandom_seed_state(&state, 0x4c616e646c6f636bULL);
	for (u32 d = 0; d < TEST_DOMAINS; d++) {
		struct landlock_domain *const domain =
			random_domain(test, &state);
		u16 ports[ARRAY_SIZE(test_ports) * 2 + TEST_RANDOM_PORTS];
		size_t num_ports = 0;

		for (size_t i = 0; i < ARRAY_SIZE(test_ports); i++) {
			ports[num_ports++] = test_ports[i];
			ports[num_ports++] = test_ports[i] + 1;
		}
		for (size_t i = 0; i < TEST_RANDOM_PORTS; i++)
			ports[num_ports++] = prandom_u32_state(&state);

		for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET;
		     right++) {
			for (size_t i = 0; i < num_ports; i++) {
				const bool tree =
					tree_allows(domain, right, ports[i]);

				KUNIT_EXPECT_EQ_MSG(
					test, tree,
					compiled_allows(domain->net_ports,
							right, ports[i]),
					"domain %u, right %zu, port %#x", d,
					right, ports[i]);
				cases++;
				denied += !tree;
			}
		}
		landlock_put_domain(domain);
	}
	kunit_info(test, "%u cases (%u denied) on %u domains", cases, denied,
		   TEST_DOMAINS);
	/* Both answers are well represented. */
	KUNIT_EXPECT_GT(test, denied, cases / 10);
	KUNIT_EXPECT_GT(test, cases - denied, cases / 10);
}

/* 8 KiB per handled right and a small header; nothing without network rights. */
static void test_compiled_ports_size(struct kunit *const test)
{
	const access_mask_t handled[] = {
		0,
		LANDLOCK_ACCESS_NET_BIND_UDP,
		LANDLOCK_ACCESS_NET_BIND_UDP |
			LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
		LANDLOCK_MASK_ACCESS_NET,
	};

	for (size_t i = 0; i < ARRAY_SIZE(handled); i++) {
		struct landlock_ruleset *const ruleset =
			landlock_create_ruleset(LANDLOCK_ACCESS_FS_EXECUTE,
						handled[i], 0);
		const size_t sets = hweight32(handled[i]);
		struct landlock_domain *domain;

		KUNIT_ASSERT_FALSE(test, IS_ERR(ruleset));
		mutex_lock(&ruleset->lock);
		domain = landlock_merge_ruleset(NULL, ruleset);
		mutex_unlock(&ruleset->lock);
		landlock_put_ruleset(ruleset);
		KUNIT_ASSERT_FALSE(test, IS_ERR(domain));

		KUNIT_EXPECT_EQ(test, landlock_net_ports_size(domain),
				sets ? sizeof(struct landlock_net_ports) +
						sets * 8192 :
				       0);
		KUNIT_EXPECT_LE(test, landlock_net_ports_size(domain),
				sizeof(struct landlock_net_ports) +
					sets * 8192);
		landlock_put_domain(domain);
	}
}

static struct kunit_case test_cases[] = {
	/* clang-format off */
	KUNIT_CASE(test_compiled_ports_match_tree),
	KUNIT_CASE(test_compiled_ports_size),
	{}
	/* clang-format on */
};

static struct kunit_suite test_suite = {
	.name = "landlock_net_ports",
	.test_cases = test_cases,
};

kunit_test_suite(test_suite);

#endif /* CONFIG_SECURITY_LANDLOCK_KUNIT_TEST */
