// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock - Per-domain port sets for the network hooks
 *
 * A domain is immutable, and so is the answer of its rule tree for a port:
 * when the domain is created, the answer for every port and every network
 * right the domain handles is computed once (struct landlock_net_ports in
 * net_ports.h).  The hooks then check a port with one or two probes of a
 * table, or one bitmap access, and only walk the rule tree again to describe
 * a denial (audit record and trace event) or when the check_rule_net_port
 * trace event is enabled.
 *
 * The compiled form takes what the policy needs: a hash table of the allowed
 * ports (3 bytes a slot: the key and the rights allowing it, at most two
 * thirds of the slots used, as many as fit the allocator's size class), one
 * kmalloc object with its header, where a check takes one or two probes
 * whatever the number of rules.  Only when this table would cost the
 * allocator more than one 8 KiB bitmap per handled right (a few thousand
 * ports) does each handled right get a bitmap instead.
 */

#include <kunit/static_stub.h>
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
#include "ruleset.h"

static_assert(LANDLOCK_NET_PORTS_NUM_ACCESS == LANDLOCK_NUM_ACCESS_NET);
/* A bitmap has one bit per port. */
#define BITMAP_SIZE (LANDLOCK_NET_PORTS_SET_WORDS * sizeof(u64))
static_assert(BITMAP_SIZE == (1 << BITS_PER_TYPE(__be16)) / BITS_PER_BYTE);

/* The forms of compile(): the domains get the cheaper, the tests force one. */
enum form {
	FORM_CHEAPER,
	FORM_TABLE,
	FORM_BITMAPS,
};

/*
 * The compiler packs the network rights of each layer of a domain (or of a
 * rule) into a u64: the rights of level N in bits 4(N-1) to 4(N-1)+3, as
 * their LANDLOCK_ACCESS_NET_* bits.
 */
#define NIBBLE_BITS 4
static_assert(NIBBLE_BITS >= LANDLOCK_NUM_ACCESS_NET);
/* The rights of a port fit in a u8 of landlock_net_ports.rights. */
static_assert(sizeof(u8) * BITS_PER_BYTE >= LANDLOCK_NUM_ACCESS_NET);

/* Returns the rights of @access at @level in the packed form. */
static u64 at_level(const access_mask_t access, const size_t level)
{
	return (u64)(access & LANDLOCK_MASK_ACCESS_NET)
	       << (NIBBLE_BITS * (level - 1));
}

/* Returns the rights that some level of @packed holds. */
static u8 any_level(u64 packed)
{
	/* Folds the 16 levels onto the first, in halves. */
	static_assert(NIBBLE_BITS * LANDLOCK_MAX_NUM_LAYERS == 64);
	packed |= packed >> 32;
	packed |= packed >> 16;
	packed |= packed >> 8;
	packed |= packed >> 4;
	return packed & LANDLOCK_MASK_ACCESS_NET;
}

/* What compile() knows of a domain before it walks the rules. */
struct compiler {
	/* @handling: the rights that each layer of the domain handles. */
	u64 handling;
	/* @handled: the rights that some layer handles. */
	u8 handled;
};

/* Finds which layers of @domain handle which network rights. */
static void init_compiler(struct compiler *const c,
			  const struct landlock_domain *const domain)
{
	c->handling = 0;
	for (size_t i = 0; i < domain->num_layers; i++)
		c->handling |= at_level(landlock_get_net_access_mask(domain, i),
					i + 1);
	c->handled = any_level(c->handling);
}

/*
 * Returns the rights that all the handling layers of @rule grant.  This is
 * the decision of landlock_unmask_layers() for one rule, written for all the
 * rights and layers at once, so that the KUnit test below compares two
 * formulations: a right is denied if some layer handles it and the rule's
 * layer of the same level does not grant it (or the rule has none).
 */
static u8 rule_rights(const struct compiler *const c,
		      const struct landlock_rule *const rule)
{
	u64 granting = 0;

	for (size_t i = 0; i < rule->num_layers; i++)
		granting |=
			at_level(rule->layers[i].access, rule->layers[i].level);
	return c->handled & ~any_level(c->handling & ~granting);
}

/* Returns the size of the header followed by a table of @slots slots. */
static size_t table_size(const size_t slots)
{
	return sizeof(struct landlock_net_ports) +
	       slots * (sizeof(u16) + sizeof(u8));
}

/*
 * Returns the number of slots of a table of @num ports: at least one and a
 * half per port, and all that fit in the kmalloc size class of those.
 */
static u32 table_slots(const size_t num)
{
	if (!num)
		return 0;
	return (kmalloc_size_roundup(table_size(DIV_ROUND_UP(num * 3, 2))) -
		table_size(0)) /
	       (sizeof(u16) + sizeof(u8));
}

/*
 * Returns whether a table of @num ports costs the allocator no more than a
 * bitmap for each of @num_rights rights does (kmalloc rounds a request up to
 * its size class, or to a power-of-two number of pages).
 */
static bool table_is_cheaper(const size_t num, const size_t num_rights)
{
	const size_t size = table_size(DIV_ROUND_UP(num * 3, 2));

	/* The common case, without asking the allocator. */
	if (size <= BITMAP_SIZE)
		return true;
	return kmalloc_size_roundup(size) <=
	       kmalloc_size_roundup(table_size(0)) +
		       num_rights * kmalloc_size_roundup(BITMAP_SIZE);
}

/* Allocates memory for port sets; the KUnit tests make it fail. */
static void *alloc_ports(const size_t size, const gfp_t gfp)
{
	KUNIT_STATIC_STUB_REDIRECT(alloc_ports, size, gfp);
	return kvmalloc(size, gfp);
}

/**
 * landlock_free_net_ports - Free the port sets of a domain
 *
 * @ports: Port sets built by landlock_compile_net_ports(), or NULL.
 */
void landlock_free_net_ports(const struct landlock_net_ports *const ports)
{
	if (!ports)
		return;
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++)
		kvfree(ports->bits[right]);
	kvfree(ports);
}

/* The allowed ports of a domain, in the rule tree's order. */
struct entries {
	u16 *keys;
	u8 *rights;
	u32 num;
};

/*
 * Walks @domain's port rules once and stores each port that some right
 * allows in @e, which has room for @max entries.
 *
 * Return: 0, or -EINVAL if @max is too small (a bug).
 */
static int collect(const struct compiler *const c,
		   const struct landlock_domain *const domain, const u32 max,
		   struct entries *const e)
{
	u16 *const keys = e->keys;
	u8 *const rights = e->rights;
	u32 num = 0;

	for (struct rb_node *node = rb_first(&domain->rules.root_net_port);
	     node; node = rb_next(node)) {
		const struct landlock_rule *const rule =
			rb_entry(node, struct landlock_rule, node);
		const u8 allowed = rule_rights(c, rule);

		if (!allowed)
			continue;
		/* @max is at least the number of rules of the domain. */
		if (WARN_ON_ONCE(num >= max))
			return -EINVAL;
		keys[num] = (u16)rule->key.data;
		rights[num] = allowed;
		num++;
	}
	e->num = num;
	return 0;
}

/* Gives @ports a bitmap for each handled right, filled from @e. */
static int fill_bitmaps(struct landlock_net_ports *const ports,
			const struct entries *const e)
{
	u64 *bits[LANDLOCK_NUM_ACCESS_NET] = {};

	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		if (!(ports->handled & BIT(right)))
			continue;
		bits[right] = alloc_ports(BITMAP_SIZE,
					  GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!bits[right])
			return -ENOMEM;
		ports->bits[right] = bits[right];
	}
	for (u32 i = 0; i < e->num; i++) {
		const u16 key = e->keys[i];

		/*
		 * Each right of the port, lowest first.  The readers test u64
		 * words (also on 32-bit kernels): no unsigned long bitops.
		 */
		for (u8 rights = e->rights[i]; rights; rights &= rights - 1)
			bits[__ffs(rights)][key / 64] |= BIT_ULL(key % 64);
	}
	return 0;
}

/* Gives @ports a table of @slots slots, with the ports of @e. */
static void fill_table(struct landlock_net_ports *const ports, const u32 slots,
		       const struct entries *const e)
{
	u16 *const keys = (u16 *)(ports + 1);
	u8 *const rights = (u8 *)(keys + slots);

	ports->keys = keys;
	ports->rights = rights;
	ports->slots = slots;
	for (u32 i = 0; i < e->num; i++) {
		u32 slot;

		if (!e->keys[i]) {
			ports->port0 = e->rights[i];
			continue;
		}
		slot = landlock_net_ports_slot(ports, e->keys[i]);

		/* Keys are distinct, and the table has free slots. */
		while (rights[slot])
			if (++slot == slots)
				slot = 0;
		keys[slot] = e->keys[i];
		rights[slot] = e->rights[i];
	}
}

/* Allowed ports that compile() collects on the stack, without allocating. */
#define STACK_ENTRIES 32

/*
 * Returns the port sets of @domain in @form, NULL if @domain handles no
 * network right, or an ERR_PTR().
 */
static struct landlock_net_ports *compile(const struct landlock_domain *domain,
					  const enum form form)
{
	struct compiler c;
	u16 stack_keys[STACK_ENTRIES];
	u8 stack_rights[STACK_ENTRIES];
	struct entries e = {
		.keys = stack_keys,
		.rights = stack_rights,
	};
	/*
	 * The rules of both trees: at least the port rules, whose keys are
	 * distinct u16 values.
	 */
	const u32 num_rules =
		min_t(u32, domain->rules.num_rules, 1 << BITS_PER_TYPE(u16));
	struct landlock_net_ports *ports = NULL;
	void *heap = NULL;
	bool table;
	u32 slots;
	int err;

	init_compiler(&c, domain);
	if (!c.handled)
		return NULL;

	/* One walk of the rules, into a buffer with room for all. */
	if (num_rules > STACK_ENTRIES) {
		heap = alloc_ports(num_rules * (sizeof(u16) + sizeof(u8)),
				   GFP_KERNEL_ACCOUNT);
		if (!heap)
			return ERR_PTR(-ENOMEM);
		e.keys = heap;
		e.rights = (u8 *)(e.keys + num_rules);
	}
	err = collect(&c, domain, heap ? num_rules : STACK_ENTRIES, &e);
	if (err)
		goto out;

	table = form == FORM_TABLE ||
		(form == FORM_CHEAPER &&
		 table_is_cheaper(e.num, hweight8(c.handled)));
	slots = table ? table_slots(e.num) : 0;
	/* Ports not in any rule are denied: every set starts empty. */
	ports = alloc_ports(table_size(slots), GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!ports) {
		err = -ENOMEM;
		goto out;
	}
	ports->handled = c.handled;
	if (table)
		fill_table(ports, slots, &e);
	else
		err = fill_bitmaps(ports, &e);

out:
	kvfree(heap);
	if (err) {
		landlock_free_net_ports(ports);
		return ERR_PTR(err);
	}
	return ports;
}

/**
 * landlock_compile_net_ports - Compile the port sets of a new domain
 *
 * @domain: Domain whose layers and rules are all merged, not yet enforced.
 *
 * Sets @domain->net_ports, left NULL if no layer handles a network right:
 * such a domain takes no memory for them.
 *
 * Return: 0, -ENOMEM, or -EINVAL if the rules outnumber the domain's count
 * of them (a bug).
 */
int landlock_compile_net_ports(struct landlock_domain *const domain)
{
	const struct landlock_net_ports *const ports =
		compile(domain, FORM_CHEAPER);

	if (IS_ERR(ports))
		return PTR_ERR(ports);
	domain->net_ports = ports;
	return 0;
}

#ifdef CONFIG_SECURITY_LANDLOCK_KUNIT_TEST

/*
 * Returns the answer of @ports for @port (a rule key) and @right, as the C
 * hooks read it.
 */
static bool compiled_allows(const struct landlock_net_ports *const ports,
			    const size_t right, const u16 port)
{
	return !ports || landlock_net_ports_allow(ports, BIT(right),
						  (__force __be16)port);
}

/*
 * Checks the invariants of struct landlock_net_ports, and returns the number
 * of ports in its table.
 */
static u32 check_form(struct kunit *const test,
		      const struct landlock_net_ports *const ports)
{
	u32 used = 0;

	if (!ports)
		return 0;
	KUNIT_EXPECT_NE(test, ports->handled, 0);
	KUNIT_EXPECT_EQ(test, ports->handled & ~LANDLOCK_MASK_ACCESS_NET, 0);
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		if (!(ports->handled & BIT(right)))
			KUNIT_EXPECT_NULL(test, ports->bits[right]);
	}
	if (ports->port0) {
		KUNIT_EXPECT_NOT_NULL(test, ports->keys);
		KUNIT_EXPECT_EQ(test, ports->port0 & ~ports->handled, 0);
		used++;
	}
	for (u32 slot = 0; slot < ports->slots; slot++) {
		const u8 rights = ports->rights[slot];

		if (!rights)
			continue;
		used++;
		/* Port 0 is in the header. */
		KUNIT_EXPECT_NE(test, ports->keys[slot], 0);
		KUNIT_EXPECT_EQ(test, rights & ~ports->handled, 0);
		/* Each port is where a probe finds it. */
		KUNIT_EXPECT_EQ(test, rights,
				landlock_net_ports_find(ports,
							ports->keys[slot]));
	}
	/* At most two thirds full: probes end early. */
	KUNIT_EXPECT_LE(test, used * 3, ports->slots * 2);
	return used;
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

/* Compares the port sets of @domain in every form with its rule tree. */
static void compare_forms(struct kunit *const test,
			  const struct landlock_domain *const domain,
			  const u16 *const ports, const size_t num_ports,
			  u32 *const cases, u32 *const denied)
{
	const struct landlock_net_ports *const forms[] = {
		domain->net_ports,
		compile(domain, FORM_TABLE),
		compile(domain, FORM_BITMAPS),
	};

	for (size_t f = 0; f < ARRAY_SIZE(forms); f++) {
		KUNIT_ASSERT_FALSE(test, IS_ERR(forms[f]));
		check_form(test, forms[f]);
	}
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		for (size_t i = 0; i < num_ports; i++) {
			const bool tree = tree_allows(domain, right, ports[i]);

			for (size_t f = 0; f < ARRAY_SIZE(forms); f++)
				KUNIT_EXPECT_EQ_MSG(
					test, tree,
					compiled_allows(forms[f], right,
							ports[i]),
					"form %zu, right %zu, port %#x", f,
					right, ports[i]);
			(*cases)++;
			*denied += !tree;
		}
	}
	landlock_free_net_ports(forms[1]);
	landlock_free_net_ports(forms[2]);
}

/*
 * The compiled sets, in both forms, give the rule tree's answer for every
 * right and port: every rule port, the ports next to them, and random ones,
 * on random domains of 1 to 16 layers.
 */
static void test_compiled_ports_match_tree(struct kunit *const test)
{
	struct rnd_state state;
	u32 cases = 0, denied = 0;

	prandom_seed_state(&state, 0x4c616e646c6f636bULL);
	for (u32 d = 0; d < TEST_DOMAINS; d++) {
		struct landlock_domain *const domain =
			random_domain(test, &state);
		u16 ports[ARRAY_SIZE(test_ports) * 3 + TEST_RANDOM_PORTS];
		size_t num_ports = 0;

		for (size_t i = 0; i < ARRAY_SIZE(test_ports); i++) {
			ports[num_ports++] = test_ports[i] - 1;
			ports[num_ports++] = test_ports[i];
			ports[num_ports++] = test_ports[i] + 1;
		}
		for (size_t i = 0; i < TEST_RANDOM_PORTS; i++)
			ports[num_ports++] = prandom_u32_state(&state);

		compare_forms(test, domain, ports, num_ports, &cases, &denied);
		landlock_put_domain(domain);
	}
	kunit_info(test, "%u cases (%u denied) on %u domains", cases, denied,
		   TEST_DOMAINS);
	/* Both answers are well represented. */
	KUNIT_EXPECT_GT(test, denied, cases / 10);
	KUNIT_EXPECT_GT(test, cases - denied, cases / 10);
}

/* Returns a one-layer domain handling @handled, with @num_rules rules. */
static struct landlock_domain *make_domain(struct kunit *const test,
					   const access_mask_t handled,
					   const u16 *const keys,
					   const access_mask_t *const access,
					   const size_t num_rules)
{
	struct landlock_ruleset *const ruleset =
		landlock_create_ruleset(LANDLOCK_ACCESS_FS_EXECUTE, handled, 0);
	struct landlock_domain *domain;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ruleset));
	for (size_t i = 0; i < num_rules; i++)
		KUNIT_ASSERT_EQ(test, 0,
				landlock_append_net_rule(
					ruleset, ntohs((__force __be16)keys[i]),
					access[i], 0));
	mutex_lock(&ruleset->lock);
	domain = landlock_merge_ruleset(NULL, ruleset);
	mutex_unlock(&ruleset->lock);
	landlock_put_ruleset(ruleset);
	KUNIT_ASSERT_FALSE(test, IS_ERR(domain));
	return domain;
}

/*
 * Every port of every right, in both forms, on a domain whose rules are on
 * the first and last keys and next to a byte boundary.
 */
static void test_compiled_ports_every_port(struct kunit *const test)
{
	static const u16 keys[] = {
		0, 1, 0x00ff, 0x0100, 0x3412, 0xfffe, 0xffff
	};
	static const access_mask_t access[] = {
		LANDLOCK_ACCESS_NET_BIND_UDP,
		LANDLOCK_MASK_ACCESS_NET,
		LANDLOCK_ACCESS_NET_CONNECT_TCP,
		LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
		LANDLOCK_MASK_ACCESS_NET,
		LANDLOCK_ACCESS_NET_BIND_TCP,
		LANDLOCK_ACCESS_NET_BIND_UDP |
			LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
	};
	struct landlock_domain *const domain = make_domain(
		test, LANDLOCK_MASK_ACCESS_NET, keys, access, ARRAY_SIZE(keys));
	u16 *const ports =
		kunit_kmalloc_array(test, 1 << 16, sizeof(*ports), GFP_KERNEL);
	u32 cases = 0, denied = 0;

	KUNIT_ASSERT_NOT_NULL(test, ports);
	for (u32 port = 0; port < 1 << 16; port++)
		ports[port] = port;
	compare_forms(test, domain, ports, 1 << 16, &cases, &denied);
	KUNIT_EXPECT_EQ(test, cases, 4 << 16);
	/* The (port, right) pairs of the rules: 3, 3, 4 and 4 per right. */
	KUNIT_EXPECT_EQ(test, cases - denied, 14);
	landlock_put_domain(domain);
}

#define END_RULES 32

/*
 * Compares the forms of @domain with its rule tree on the ports of its
 * first and last rules (@keys, @num of them) and next to them, in the large
 * tables whose ports compile() collects in its buffer.
 */
static void check_ends(struct kunit *const test,
		       const struct landlock_domain *const domain,
		       const u16 *const keys, const u32 num)
{
	u16 ports[2 * END_RULES * 3 + 2] = { 0, U16_MAX };
	size_t num_ports = 2;
	u32 cases = 0, denied = 0;

	for (u32 i = 0; i < num; i++) {
		if (i == END_RULES && num > 2 * END_RULES)
			i = num - END_RULES;
		ports[num_ports++] = keys[i] - 1;
		ports[num_ports++] = keys[i];
		ports[num_ports++] = keys[i] + 1;
	}
	compare_forms(test, domain, ports, num_ports, &cases, &denied);
	/* Every rule allows its port for every handled right. */
	if (num)
		KUNIT_EXPECT_GE(test, cases - denied,
				min_t(u32, num, 2 * END_RULES) *
					hweight8(domain->net_ports->handled));
}

/*
 * Returns the memory in bytes that the allocator spends on @domain's port
 * sets, from their shape: 0 if it handles no network right.
 */
static size_t compiled_size(const struct landlock_domain *const domain)
{
	const struct landlock_net_ports *const ports = domain->net_ports;
	size_t size;

	if (!ports)
		return 0;
	size = kmalloc_size_roundup(table_size(ports->slots));
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		if (ports->bits[right])
			size += kmalloc_size_roundup(BITMAP_SIZE);
	}
	return size;
}

/* Returns what the allocator spends on @ports, as ksize() tells. */
static size_t allocated(const struct landlock_net_ports *const ports)
{
	size_t size;

	if (!ports)
		return 0;
	/* ksize() knows only kmalloc() memory: kvmalloc() may fall back. */
	if (is_vmalloc_addr(ports))
		size = kmalloc_size_roundup(table_size(ports->slots));
	else
		size = ksize(ports);
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		if (is_vmalloc_addr(ports->bits[right]))
			size += BITMAP_SIZE;
		else if (ports->bits[right])
			size += ksize(ports->bits[right]);
	}
	return size;
}

/*
 * The port sets take what the allocator spends on the cheaper form (as
 * ksize() reports it): nothing without network rights, a few hundred bytes
 * for 100 rules on 4 rights, 8 KiB per handled right for many rules.
 */
static void test_compiled_ports_size(struct kunit *const test)
{
	static const struct {
		access_mask_t handled;
		u32 num_rules;
		bool bitmaps;
		size_t max_size;
	} domains[] = {
		{ 0, 0, false, 0 },
		{ LANDLOCK_ACCESS_NET_BIND_UDP, 1, false, 64 },
		{ LANDLOCK_MASK_ACCESS_NET, 1, false, 64 },
		{ LANDLOCK_MASK_ACCESS_NET, 100, false, 512 },
		{ LANDLOCK_MASK_ACCESS_NET, 1000, false, 8192 },
		{ LANDLOCK_ACCESS_NET_BIND_UDP, 10000, true, 8192 + 64 },
		{ LANDLOCK_MASK_ACCESS_NET, 10000, true, 4 * 8192 + 64 },
		{ LANDLOCK_MASK_ACCESS_NET, 20000, true, 4 * 8192 + 64 },
	};
	u16 *const keys =
		kunit_kmalloc_array(test, 20000, sizeof(*keys), GFP_KERNEL);
	access_mask_t *const access =
		kunit_kmalloc_array(test, 20000, sizeof(*access), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, keys);
	KUNIT_ASSERT_NOT_NULL(test, access);
	for (size_t c = 0; c < ARRAY_SIZE(domains); c++) {
		const size_t num_rights = hweight32(domains[c].handled);
		struct landlock_domain *domain;
		const struct landlock_net_ports *ports;

		for (u32 i = 0; i < domains[c].num_rules; i++) {
			/* Spread over the key space, as real ports are. */
			keys[i] = i * 3 + 7;
			access[i] = domains[c].handled;
		}
		domain = make_domain(test, domains[c].handled, keys, access,
				     domains[c].num_rules);
		ports = domain->net_ports;
		KUNIT_EXPECT_EQ(test, compiled_size(domain), allocated(ports));
		KUNIT_EXPECT_LE_MSG(test, compiled_size(domain),
				    domains[c].max_size, "case %zu", c);
		/* Never more than a bitmap per right and a header. */
		KUNIT_EXPECT_LE(test, compiled_size(domain),
				num_rights * 8192 +
					kmalloc_size_roundup(table_size(0)));
		if (ports) {
			const u32 listed = ports->keys ? domains[c].num_rules :
							 0;

			KUNIT_EXPECT_EQ_MSG(test, !ports->keys,
					    domains[c].bitmaps, "case %zu", c);
			KUNIT_EXPECT_EQ(test, check_form(test, ports), listed);
		}
		check_ends(test, domain, keys, domains[c].num_rules);
		landlock_put_domain(domain);
	}
}

/* Allocations of alloc_ports() to let through, in the KUnit test's priv. */
static void *fail_alloc_ports(const size_t size, const gfp_t gfp)
{
	struct kunit *const test = kunit_get_current_test();
	int *const allowed = test->priv;

	if (!(*allowed)--)
		return NULL;
	return kvmalloc(size, gfp);
}

/*
 * Compiles @domain in @form with each of its allocations failing in turn:
 * every failure gives -ENOMEM and stops there.  Returns the number of
 * allocations.
 */
static int check_enomem(struct kunit *const test,
			const struct landlock_domain *const domain,
			const enum form form)
{
	int *const allowed = test->priv;
	const struct landlock_net_ports *ports;
	int num_allocs;

	*allowed = INT_MAX;
	ports = compile(domain, form);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ports));
	landlock_free_net_ports(ports);
	num_allocs = INT_MAX - *allowed;

	for (int failing = 0; failing < num_allocs; failing++) {
		*allowed = failing;
		ports = compile(domain, form);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(ports), -ENOMEM,
				    "form %d, allocation %d", form, failing);
		/* No allocation after the failing one. */
		KUNIT_EXPECT_EQ(test, *allowed, -1);
	}
	return num_allocs;
}

/*
 * A failing allocation of port sets fails the domain's creation with
 * -ENOMEM, in both forms and at each allocation, and frees what was taken
 * (checked by kmemleak).
 */
static void test_compile_enomem(struct kunit *const test)
{
	u16 keys[STACK_ENTRIES + 8];
	access_mask_t access[ARRAY_SIZE(keys)];
	struct landlock_domain *few, *many, *child;
	struct landlock_ruleset *ruleset;
	int allowed;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		keys[i] = 1000 + i;
		access[i] = LANDLOCK_MASK_ACCESS_NET;
	}
	/* Collected on the stack, or in a buffer of the size of the rules. */
	few = make_domain(test, LANDLOCK_MASK_ACCESS_NET, keys, access, 1);
	many = make_domain(test, LANDLOCK_MASK_ACCESS_NET, keys, access,
			   ARRAY_SIZE(keys));
	ruleset = landlock_create_ruleset(LANDLOCK_ACCESS_FS_EXECUTE,
					  LANDLOCK_ACCESS_NET_BIND_UDP, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ruleset));
	test->priv = &allowed;
	kunit_activate_static_stub(test, alloc_ports, fail_alloc_ports);

	/* restrict_self(): the merge fails. */
	allowed = 0;
	mutex_lock(&ruleset->lock);
	child = landlock_merge_ruleset(few, ruleset);
	mutex_unlock(&ruleset->lock);
	KUNIT_EXPECT_PTR_EQ(test, child, ERR_PTR(-ENOMEM));

	/* The table; the header, then each of the 4 bitmaps; and the buffer. */
	KUNIT_EXPECT_EQ(test, check_enomem(test, few, FORM_TABLE), 1);
	KUNIT_EXPECT_EQ(test, check_enomem(test, few, FORM_BITMAPS), 5);
	KUNIT_EXPECT_EQ(test, check_enomem(test, many, FORM_TABLE), 2);
	KUNIT_EXPECT_EQ(test, check_enomem(test, many, FORM_BITMAPS), 6);

	kunit_deactivate_static_stub(test, alloc_ports);
	landlock_put_ruleset(ruleset);
	landlock_put_domain(many);
	landlock_put_domain(few);
}

/*
 * The first slot of a few keys: known answers, which any other reader of the
 * table must give too.
 */
static void test_compiled_ports_slot(struct kunit *const test)
{
	static const struct {
		u16 key;
		u32 slots, first;
	} known[] = {
		{ 0, 13, 0 },	   { 1, 13, 4 },	 { 0x3412, 13, 7 },
		{ 0xffff, 13, 1 }, { 0x5000, 322, 213 }, { 0xffff, 322, 45 },
		{ 80, 2, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		const struct landlock_net_ports ports = {
			.slots = known[i].slots,
		};

		KUNIT_EXPECT_EQ(test,
				landlock_net_ports_slot(&ports, known[i].key),
				known[i].first);
	}
}

static struct kunit_case test_cases[] = {
	/* clang-format off */
	KUNIT_CASE(test_compiled_ports_match_tree),
	KUNIT_CASE(test_compiled_ports_every_port),
	KUNIT_CASE(test_compiled_ports_slot),
	KUNIT_CASE(test_compiled_ports_size),
	KUNIT_CASE(test_compile_enomem),
	{}
	/* clang-format on */
};

static struct kunit_suite test_suite = {
	.name = "landlock_net_ports",
	.test_cases = test_cases,
};

kunit_test_suite(test_suite);

#endif /* CONFIG_SECURITY_LANDLOCK_KUNIT_TEST */
