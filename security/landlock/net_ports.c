// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock - A domain's network port rules, as one hash table
 *
 * A domain is immutable, and so are its rules for a port.  Instead of a rule
 * tree, a domain keeps its port rules in one hash table (struct
 * landlock_net_ports in net_ports.h), built when the domain is created from
 * its parent's table and the new layer's ruleset: a slot holds, for one port,
 * the layers that allow each right and the layers whose rule is quiet.  One
 * lookup (a few probes on average, whatever the number of rules) gives the
 * answer,
 * and, on a denial, the layer masks that the audit record and the trace
 * event need, as the rule tree walk (landlock_unmask_layers()) gives them.
 *
 * A slot takes 12 bytes, with at most two thirds of the slots used and as
 * many slots as fit the allocator's size class, in one kvmalloc() object with
 * its header: less than the kmalloc-64 object of a rule in a tree.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/hash.h>
#include <linux/lockdep.h>
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
static_assert(LANDLOCK_NET_PORTS_HASH == GOLDEN_RATIO_32);
/* landlock_net_ports_grants() fills access masks. */
static_assert(__same_type(access_mask_t, u32));
/* A slot's masks have a bit for each layer. */
static_assert(sizeof_field(struct landlock_net_port_slot, quiet) *
		      BITS_PER_BYTE >=
	      LANDLOCK_MAX_NUM_LAYERS);
/* A slot's key is a port in network byte order. */
static_assert(sizeof_field(struct landlock_net_port_slot, key) ==
	      sizeof(__be16));

/* Returns the size of the header followed by a table of @slots slots. */
static size_t table_size(const size_t slots)
{
	return struct_size_t(struct landlock_net_ports, table, slots);
}

/*
 * Returns the number of slots of a table of @num ports (counted with their
 * duplicates): at least one and a half per port, and all that fit in the
 * allocator's size class of those (kmalloc rounds a request up to its size
 * class, or to a power-of-two number of pages).
 */
static u32 table_slots(size_t num)
{
	if (!num)
		return 0;
	/* The table never holds port 0, nor twice a port. */
	num = min_t(size_t, num, U16_MAX);
	return (kmalloc_size_roundup(table_size(DIV_ROUND_UP(num * 3, 2))) -
		table_size(0)) /
	       sizeof(struct landlock_net_port_slot);
}

/* Allocates a table; the KUnit tests make it fail. */
static void *alloc_ports(const size_t size, const gfp_t gfp)
{
	KUNIT_STATIC_STUB_REDIRECT(alloc_ports, size, gfp);
	/* The common case, without kvmalloc()'s flag adjustments. */
	if (size <= PAGE_SIZE)
		return kmalloc(size, gfp);
	return kvmalloc(size, gfp);
}

/**
 * landlock_free_net_ports - Free the port rules of a domain
 *
 * @ports: Table built by landlock_build_net_ports(), or NULL.
 */
void landlock_free_net_ports(const struct landlock_net_ports *const ports)
{
	kvfree(ports);
}

/*
 * Fills @handling with the layers of @domain that handle each network right,
 * and returns the rights that some layer handles.
 */
static u8 init_handling(const struct landlock_domain *const domain,
			u16 *const handling)
{
	access_mask_t handled = 0;

	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++)
		handling[right] = 0;
	for (size_t i = 0; i < domain->num_layers; i++) {
		const unsigned long net =
			landlock_get_net_access_mask(domain, i) &
			LANDLOCK_MASK_ACCESS_NET;

		for (unsigned long rights = net; rights; rights &= rights - 1)
			handling[__ffs(rights)] |= BIT(i);
		handled |= net;
	}
	return handled;
}

/* Returns the number of ports in @ports' table. */
static u32 count_ports(const struct landlock_net_ports *const ports)
{
	u32 num = 0;

	for (u32 slot = 0; slot < ports->slots; slot++)
		num += !!ports->table[slot].key;
	return num;
}

/* Returns the number of port rules of @ruleset. */
static u32 count_rules(const struct landlock_ruleset *const ruleset)
{
	u32 num = 0;

	/* The count of both trees, without a walk if one is empty. */
	if (RB_EMPTY_ROOT(&ruleset->rules.root_inode))
		return ruleset->rules.num_rules;

	for (struct rb_node *node = rb_first(&ruleset->rules.root_net_port);
	     node; node = rb_next(node))
		num++;
	return num;
}

/*
 * Returns the slot of @key in @ports, an empty one if it has none yet.  The
 * table has more slots than keys, so that this ends.
 */
static struct landlock_net_port_slot *
get_slot(struct landlock_net_ports *const ports, const u16 key)
{
	u32 slot;

	if (!key)
		return &ports->port0;
	slot = landlock_net_ports_slot(ports, key);
	while (ports->table[slot].key && ports->table[slot].key != key) {
		if (++slot == ports->slots)
			slot = 0;
	}
	ports->table[slot].key = key;
	return &ports->table[slot];
}

/* Adds the port rules of @ruleset to @ports, as the layer of @level. */
static void add_layer(struct landlock_net_ports *const ports,
		      const struct landlock_ruleset *const ruleset,
		      const size_t level, const access_mask_t handled)
{
	const u16 level_bit = BIT(level - 1);

	for (struct rb_node *node = rb_first(&ruleset->rules.root_net_port);
	     node; node = rb_next(node)) {
		const struct landlock_rule *const rule =
			rb_entry(node, struct landlock_rule, node);
		const struct landlock_layer *const layer = &rule->layers[0];
		struct landlock_net_port_slot *slot;
		access_mask_t access;

		slot = get_slot(ports, (u16)rule->key.data);
		/*
		 * A ruleset's rule also holds the rights its ruleset does not
		 * handle (cf. landlock_append_net_rule()): only the handled ones
		 * are the layer's.
		 */
		access = layer->access & handled;
		for (unsigned long rights = access; rights;
		     rights &= rights - 1)
			slot->layers[__ffs(rights)] |= level_bit;
		if (layer->flags.quiet)
			slot->quiet |= level_bit;
	}
}

/**
 * landlock_build_net_ports - Build the port rules of a new domain
 *
 * @parent: Parent of @domain, or NULL.
 * @domain: New domain, whose layers' handled rights are all set.
 * @ruleset: Ruleset of @domain's last layer, whose lock the caller holds.
 *
 * One allocation: the table, sized for the ports of @parent's table and of
 * @ruleset's rules, is filled with the first, then the second.
 *
 * Return: The table, NULL if no layer of @domain handles a network right
 * (such a domain takes no memory for it), or ERR_PTR(-ENOMEM).
 */
struct landlock_net_ports *
landlock_build_net_ports(const struct landlock_domain *const parent,
			 const struct landlock_domain *const domain,
			 const struct landlock_ruleset *const ruleset)
{
	const struct landlock_net_ports *const from =
		parent ? parent->net_ports : NULL;
	u16 handling[LANDLOCK_NUM_ACCESS_NET];
	struct landlock_net_ports *ports;
	u32 slots;
	u8 handled;

	lockdep_assert_held(&ruleset->lock);
	handled = init_handling(domain, handling);
	if (!handled)
		return NULL;

	slots = table_slots((from ? count_ports(from) : 0) +
			    count_rules(ruleset));
	/* Ports without a rule are denied: every slot starts empty. */
	ports = alloc_ports(table_size(slots), GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!ports)
		return ERR_PTR(-ENOMEM);
	memcpy(ports->handling, handling, sizeof(handling));
	ports->handled = handled;
	ports->slots = slots;
	if (from) {
		ports->port0 = from->port0;
		for (u32 slot = 0; slot < from->slots; slot++) {
			if (from->table[slot].key)
				*get_slot(ports, from->table[slot].key) =
					from->table[slot];
		}
	}
	add_layer(ports, ruleset, domain->num_layers,
		  landlock_get_net_access_mask(domain, domain->num_layers - 1));
	return ports;
}

/**
 * landlock_net_ports_unmask - Remove from layer masks what a port's rules grant
 *
 * @ports: Port rules of a domain.
 * @port: Port in network byte order.
 * @masks: Layer masks of a request, from landlock_init_layer_masks().
 *
 * Does what landlock_unmask_layers() does with a rule of the domain's tree:
 * clears in @masks the rights each layer's rule for @port grants, and marks
 * the layers whose rule is quiet.
 */
void landlock_net_ports_unmask(const struct landlock_net_ports *const ports,
			       const __be16 port,
			       struct layer_masks *const masks)
{
	const struct landlock_net_port_slot *const slot =
		landlock_net_ports_find(ports, (__force u16)port);

	if (!slot)
		return;
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		for (unsigned long layers = slot->layers[right]; layers;
		     layers &= layers - 1)
			masks->layers[__ffs(layers)].access &= ~BIT(right);
	}
#ifdef CONFIG_SECURITY_LANDLOCK_LOG
	for (unsigned long layers = slot->quiet; layers; layers &= layers - 1)
		masks->layers[__ffs(layers)].quiet = true;
#endif /* CONFIG_SECURITY_LANDLOCK_LOG */
}

/**
 * landlock_net_ports_rule - Find the rules of a port, as a rule tree would
 *
 * @ports: Port rules of a domain.
 * @port: Port in network byte order.
 *
 * Return: @port's slot if some layer has a rule for @port (which grants a
 * right or is quiet), or NULL: port 0's slot is always there, maybe empty.
 */
const struct landlock_net_port_slot *
landlock_net_ports_rule(const struct landlock_net_ports *const ports,
			const __be16 port)
{
	const struct landlock_net_port_slot *const slot =
		landlock_net_ports_find(ports, (__force u16)port);

	if (!slot || slot->quiet)
		return slot;
	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		if (slot->layers[right])
			return slot;
	}
	return NULL;
}

/**
 * landlock_net_ports_grants - What the rule of each layer for a port grants
 *
 * @domain: Domain whose port rules hold @slot.
 * @slot: Rules of a port, from landlock_net_ports_rule().
 * @grants: Filled with what the rule of each layer of @domain for @slot's
 *          port grants, indexed by level - 1, or 0 for a layer without a
 *          rule: the rights of the rule as a rule tree would hold them, i.e.
 *          with those its layer does not handle (cf.
 *          landlock_append_net_rule()), for the check_rule_net_port trace
 *          event.
 *
 * A layer has a rule for a port if it grants a right or is quiet: a rule
 * grants a handled right or is quiet (cf. add_rule_net_port()).
 */
void landlock_net_ports_grants(const struct landlock_domain *const domain,
			       const struct landlock_net_port_slot *const slot,
			       u32 *const grants)
{
	unsigned long with_rule = slot->quiet;

	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++)
		with_rule |= slot->layers[right];
	for (size_t i = 0; i < domain->num_layers; i++) {
		access_mask_t access = 0;

		if (!(with_rule & BIT(i))) {
			grants[i] = 0;
			continue;
		}
		for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET;
		     right++) {
			if (slot->layers[right] & BIT(i))
				access |= BIT(right);
		}
		grants[i] = access | (LANDLOCK_MASK_ACCESS_NET &
				      ~landlock_get_net_access_mask(domain, i));
	}
}

#ifdef CONFIG_SECURITY_LANDLOCK_KUNIT_TEST

/* Ports of the rules of a reference domain (host byte order). */
#define REF_PORTS 8

/* A layer of a reference domain: its rules, as the rule tree holds them. */
struct ref_layer {
	access_mask_t handled;
	bool has_rule[REF_PORTS];
	/* The handled rights that the rule grants. */
	access_mask_t access[REF_PORTS];
	bool quiet[REF_PORTS];
};

/* A domain as stock Landlock's rule tree sees it, next to the real one. */
struct ref_domain {
	u16 ports[REF_PORTS];
	size_t num_ports;
	size_t num_layers;
	struct ref_layer layers[LANDLOCK_MAX_NUM_LAYERS];
	struct landlock_domain *domain;
};

/* Returns the index of @port in @ref's ports, or -1. */
static int ref_index(const struct ref_domain *const ref, const u16 port)
{
	for (size_t i = 0; i < ref->num_ports; i++) {
		if (ref->ports[i] == port)
			return i;
	}
	return -1;
}

/*
 * Fills @masks as landlock_init_layer_masks() and landlock_unmask_layers()
 * do with the rule tree of @ref for @port and @request.
 */
static void ref_masks(const struct ref_domain *const ref, const u16 port,
		      const access_mask_t request, struct layer_masks *masks)
{
	const int p = ref_index(ref, port);
	access_mask_t handled = 0;

	memset(masks, 0, sizeof(*masks));
	for (size_t i = 0; i < ref->num_layers; i++)
		handled |= request & ref->layers[i].handled;
	/* No layer handles @request: no rule is looked up. */
	if (!handled)
		return;
	for (size_t i = 0; i < ref->num_layers; i++) {
		const struct ref_layer *const layer = &ref->layers[i];

		masks->layers[i].access = request & layer->handled;
		if (p < 0 || !layer->has_rule[p])
			continue;
		masks->layers[i].access &= ~layer->access[p];
#ifdef CONFIG_SECURITY_LANDLOCK_LOG
		masks->layers[i].quiet = layer->quiet[p];
#endif /* CONFIG_SECURITY_LANDLOCK_LOG */
	}
}

/* Fills @masks as the network hooks do, from @domain's table. */
static void table_masks(const struct landlock_domain *const domain,
			const u16 port, const access_mask_t request,
			struct layer_masks *masks)
{
	memset(masks, 0, sizeof(*masks));
	if (!landlock_init_layer_masks(domain, request, masks,
				       LANDLOCK_KEY_NET_PORT))
		return;
	landlock_net_ports_unmask(domain->net_ports, htons(port), masks);
}

/* Returns whether some layer of @ref has a rule for @port. */
static bool ref_has_rule(const struct ref_domain *const ref, const u16 port)
{
	const int p = ref_index(ref, port);

	for (size_t i = 0; p >= 0 && i < ref->num_layers; i++) {
		if (ref->layers[i].has_rule[p])
			return true;
	}
	return false;
}

/* Returns whether @masks leaves nothing to grant. */
static bool masks_allow(const struct layer_masks *const masks)
{
	for (size_t i = 0; i < ARRAY_SIZE(masks->layers); i++) {
		if (masks->layers[i].access)
			return false;
	}
	return true;
}

/*
 * Compares what each layer's rule for @port grants, as the trace event shows
 * it, with what the rule tree holds: the granted rights with those the layer
 * does not handle (cf. landlock_append_net_rule()).
 */
static void compare_grants(struct kunit *const test,
			   const struct ref_domain *const ref, const u16 port)
{
	const struct landlock_net_port_slot *const slot =
		landlock_net_ports_rule(ref->domain->net_ports, htons(port));
	const int p = ref_index(ref, port);
	access_mask_t grants[LANDLOCK_MAX_NUM_LAYERS];

	KUNIT_ASSERT_NOT_NULL(test, slot);
	landlock_net_ports_grants(ref->domain, slot, grants);
	for (size_t i = 0; i < ref->num_layers; i++) {
		const struct ref_layer *const layer = &ref->layers[i];
		const access_mask_t want =
			layer->has_rule[p] ?
				layer->access[p] | (LANDLOCK_MASK_ACCESS_NET &
						    ~layer->handled) :
				0;

		KUNIT_EXPECT_EQ_MSG(test, want, grants[i], "port %u, layer %zu",
				    port, i + 1);
	}
}

/* Counts of compare(). */
struct counts {
	u32 cases;
	u32 denied;
};

/*
 * Compares @ref's domain with the reference for @port: the answer of each
 * right, the layer masks (thus the denying layer and its quietness) of each
 * right and of @request, and whether a rule exists (the trace event's).
 */
static void compare_port(struct kunit *const test,
			 const struct ref_domain *const ref, const u16 port,
			 const access_mask_t request, struct counts *const n)
{
	const struct landlock_net_ports *const ports = ref->domain->net_ports;
	struct layer_masks want, got;

	for (size_t right = 0; right < LANDLOCK_NUM_ACCESS_NET; right++) {
		bool allowed;

		ref_masks(ref, port, BIT(right), &want);
		table_masks(ref->domain, port, BIT(right), &got);
		allowed = !ports || landlock_net_ports_allow(ports, BIT(right),
							     htons(port));
		KUNIT_EXPECT_EQ_MSG(test, masks_allow(&want), allowed,
				    "port %u, right %zu, %zu layers", port,
				    right, ref->num_layers);
		KUNIT_EXPECT_MEMEQ_MSG(test, &want, &got, sizeof(want),
				       "port %u, right %zu", port, right);
		n->cases++;
		n->denied += !allowed;
	}
	ref_masks(ref, port, request, &want);
	table_masks(ref->domain, port, request, &got);
	KUNIT_EXPECT_MEMEQ_MSG(test, &want, &got, sizeof(want),
			       "port %u, request %#x", port, request);
	if (ports)
		KUNIT_EXPECT_EQ_MSG(test, ref_has_rule(ref, port),
				    !!landlock_net_ports_rule(ports,
							      htons(port)),
				    "port %u", port);
	if (ref_has_rule(ref, port))
		compare_grants(test, ref, port);
}

static u32 rnd(struct rnd_state *const state, const u32 n)
{
	return prandom_u32_state(state) % n;
}

/* Ports on the ends of the key space and of its bytes, and random ones. */
static const u16 fixed_ports[] = { 0, 1, 0x00ff, 0x0100, 0xffff };
static_assert(ARRAY_SIZE(fixed_ports) < REF_PORTS);

/*
 * Merges a new layer handling @handled, with the rules of @layer, into @ref,
 * as landlock_restrict_self() does.
 */
static void ref_add_layer(struct kunit *const test,
			  struct ref_domain *const ref,
			  const struct ref_layer *const layer)
{
	struct landlock_ruleset *const ruleset = landlock_create_ruleset(
		layer->handled ? 0 : LANDLOCK_ACCESS_FS_EXECUTE, layer->handled,
		0);
	struct landlock_domain *child;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ruleset));
	for (size_t p = 0; p < ref->num_ports; p++) {
		if (!layer->has_rule[p])
			continue;
		KUNIT_ASSERT_EQ(
			test, 0,
			landlock_append_net_rule(
				ruleset, ref->ports[p], layer->access[p],
				layer->quiet[p] ? LANDLOCK_ADD_RULE_QUIET : 0));
	}
	mutex_lock(&ruleset->lock);
	child = landlock_merge_ruleset(ref->domain, ruleset);
	mutex_unlock(&ruleset->lock);
	landlock_put_ruleset(ruleset);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	landlock_put_domain(ref->domain);
	ref->domain = child;
	ref->layers[ref->num_layers++] = *layer;
	/* The domain's rule tree holds no network key. */
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&child->rules.root_net_port));
}

/* A random layer for @ref's ports: dense enough to allow some of them. */
static void random_layer(struct rnd_state *const state,
			 const struct ref_domain *const ref,
			 struct ref_layer *const layer)
{
	memset(layer, 0, sizeof(*layer));
	layer->handled = rnd(state, LANDLOCK_MASK_ACCESS_NET + 1);
	for (size_t p = 0; p < ref->num_ports && layer->handled; p++) {
		if (rnd(state, 4) == 0)
			continue;
		layer->has_rule[p] = true;
		layer->access[p] =
			rnd(state, 3) ?
				layer->handled :
				rnd(state, LANDLOCK_MASK_ACCESS_NET + 1) &
					layer->handled;
		layer->quiet[p] = rnd(state, 4) == 0;
		/* A rule grants something or is quiet (cf. add_rule_net_port()). */
		if (!layer->access[p])
			layer->quiet[p] = true;
	}
}

#define TEST_DOMAINS 300

/*
 * On random nested domains of 1 to 16 layers, the table gives what the rule
 * tree gives, for every right and request: the answer, the layer masks of a
 * denial (its layer and quietness), and whether a rule exists; on the rule
 * ports, next to them, and on random ports.
 */
static void test_net_ports_match_tree(struct kunit *const test)
{
	struct ref_domain *const ref =
		kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	struct counts n = {};
	struct rnd_state state;

	KUNIT_ASSERT_NOT_NULL(test, ref);
	prandom_seed_state(&state, 0x4c616e646c6f636bULL);
	for (u32 d = 0; d < TEST_DOMAINS; d++) {
		const size_t num_layers =
			1 + rnd(&state, LANDLOCK_MAX_NUM_LAYERS);
		struct ref_layer layer;

		memset(ref, 0, sizeof(*ref));
		for (size_t i = 0; i < ARRAY_SIZE(fixed_ports); i++)
			ref->ports[ref->num_ports++] = fixed_ports[i];
		while (ref->num_ports < REF_PORTS) {
			const u16 port = prandom_u32_state(&state);

			if (ref_index(ref, port) < 0)
				ref->ports[ref->num_ports++] = port;
		}
		for (size_t i = 0; i < num_layers; i++) {
			random_layer(&state, ref, &layer);
			ref_add_layer(test, ref, &layer);
		}
		for (size_t p = 0; p < ref->num_ports; p++) {
			const access_mask_t request =
				rnd(&state, LANDLOCK_MASK_ACCESS_NET) + 1;

			compare_port(test, ref, ref->ports[p], request, &n);
			compare_port(test, ref, ref->ports[p] + 1, request, &n);
			compare_port(test, ref, prandom_u32_state(&state),
				     request, &n);
		}
		landlock_put_domain(ref->domain);
	}
	kunit_info(test, "%u cases (%u denied) on %u domains", n.cases,
		   n.denied, TEST_DOMAINS);
	/* Both answers are well represented. */
	KUNIT_EXPECT_GT(test, n.denied, n.cases / 10);
	KUNIT_EXPECT_GT(test, n.cases - n.denied, n.cases / 10);
}

/*
 * Every port and right, on a two-layer domain whose rules are on the first and
 * last keys and next to a byte boundary.
 */
static void test_net_ports_every_port(struct kunit *const test)
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
	struct ref_domain *const ref =
		kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	struct ref_layer layer = { .handled = LANDLOCK_MASK_ACCESS_NET };
	struct counts n = {};

	static_assert(ARRAY_SIZE(keys) <= REF_PORTS);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	for (size_t p = 0; p < ARRAY_SIZE(keys); p++) {
		ref->ports[ref->num_ports++] = keys[p];
		layer.has_rule[p] = true;
		layer.access[p] = access[p];
	}
	ref_add_layer(test, ref, &layer);
	/* A second layer: every rule but the one of port 1, one quiet. */
	layer.has_rule[1] = false;
	layer.quiet[4] = true;
	ref_add_layer(test, ref, &layer);
	for (u32 port = 0; port <= U16_MAX; port++)
		compare_port(test, ref, port, LANDLOCK_MASK_ACCESS_NET, &n);
	KUNIT_EXPECT_EQ(test, n.cases, 4 << 16);
	/* The (port, right) pairs that both layers allow: 14 - 4 (port 1). */
	KUNIT_EXPECT_EQ(test, n.cases - n.denied, 10);
	landlock_put_domain(ref->domain);
}

/* Returns a one-layer domain handling @handled, with @num_rules rules. */
static struct landlock_domain *make_domain(struct kunit *const test,
					   const access_mask_t handled,
					   const u16 *const ports,
					   const size_t num_rules)
{
	struct landlock_ruleset *const ruleset =
		landlock_create_ruleset(LANDLOCK_ACCESS_FS_EXECUTE, handled, 0);
	struct landlock_domain *domain;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ruleset));
	for (size_t i = 0; i < num_rules; i++)
		KUNIT_ASSERT_EQ(test, 0,
				landlock_append_net_rule(ruleset, ports[i],
							 handled, 0));
	mutex_lock(&ruleset->lock);
	domain = landlock_merge_ruleset(NULL, ruleset);
	mutex_unlock(&ruleset->lock);
	landlock_put_ruleset(ruleset);
	KUNIT_ASSERT_FALSE(test, IS_ERR(domain));
	return domain;
}

/* Returns what the allocator spends on @ports, as ksize() tells. */
static size_t allocated(const struct landlock_net_ports *const ports)
{
	if (!ports)
		return 0;
	/* ksize() knows only kmalloc() memory: kvmalloc() may fall back. */
	if (is_vmalloc_addr(ports))
		return PAGE_ALIGN(table_size(ports->slots));
	return ksize(ports);
}

/*
 * The table takes what the allocator spends on one object for 1.5 slots a
 * port (as ksize() reports it), 12 bytes a slot: nothing without network
 * rights, one kmalloc-64 object for a rule, less than a rule tree's 64 bytes
 * a rule for many.  Every rule's port is found, and the next port is not.
 */
static void test_net_ports_size(struct kunit *const test)
{
	static const struct {
		access_mask_t handled;
		u32 num_rules;
		size_t max_size;
	} domains[] = {
		{ 0, 0, 0 },
		{ LANDLOCK_ACCESS_NET_BIND_UDP, 1, 64 },
		{ LANDLOCK_MASK_ACCESS_NET, 1, 64 },
		{ LANDLOCK_MASK_ACCESS_NET, 100, 2048 },
		{ LANDLOCK_MASK_ACCESS_NET, 1000, 32768 },
		{ LANDLOCK_ACCESS_NET_BIND_UDP, 10000, 262144 },
		{ LANDLOCK_MASK_ACCESS_NET, 10000, 262144 },
	};
	u16 *const ports =
		kunit_kmalloc_array(test, 10000, sizeof(*ports), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ports);
	for (size_t c = 0; c < ARRAY_SIZE(domains); c++) {
		const access_mask_t handled = domains[c].handled;
		/* landlock_net_ports_allow() checks one right. */
		const access_mask_t right = handled & -handled;
		const struct landlock_net_ports *table;
		struct landlock_domain *domain;
		u32 found = 0;

		for (u32 i = 0; i < domains[c].num_rules; i++)
			/* Spread over the key space, as real ports are. */
			ports[i] = i * 3 + 7;
		domain =
			make_domain(test, handled, ports, domains[c].num_rules);
		table = domain->net_ports;
		KUNIT_EXPECT_EQ_MSG(test, !table, !handled, "case %zu", c);
		KUNIT_EXPECT_LE_MSG(test, allocated(table), domains[c].max_size,
				    "case %zu", c);
		if (table) {
			KUNIT_EXPECT_EQ(
				test, allocated(table),
				kmalloc_size_roundup(table_size(table->slots)));
			/* At most two thirds full: probes end early. */
			KUNIT_EXPECT_LE(test, count_ports(table) * 3,
					table->slots * 2);
		}
		for (u32 i = 0; i < domains[c].num_rules; i++) {
			const __be16 port = htons(ports[i]);

			found += landlock_net_ports_allow(table, right, port) &&
				 !landlock_net_ports_allow(table, right,
							   htons(ports[i] + 1));
		}
		KUNIT_EXPECT_EQ(test, found, domains[c].num_rules);
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
 * A failing allocation of the table fails the domain's creation with
 * -ENOMEM, for a first layer and for a nested one, and frees what was taken
 * (which kmemleak would report otherwise).
 */
static void test_net_ports_enomem(struct kunit *const test)
{
	static const u16 ports[] = { 80, 443 };
	struct landlock_domain *const parent = make_domain(
		test, LANDLOCK_MASK_ACCESS_NET, ports, ARRAY_SIZE(ports));
	struct landlock_ruleset *const ruleset = landlock_create_ruleset(
		LANDLOCK_ACCESS_FS_EXECUTE, LANDLOCK_ACCESS_NET_BIND_UDP, 0);
	struct landlock_domain *const parents[] = { NULL, parent };
	int allowed;

	KUNIT_ASSERT_FALSE(test, IS_ERR(ruleset));
	test->priv = &allowed;
	kunit_activate_static_stub(test, alloc_ports, fail_alloc_ports);
	for (size_t i = 0; i < ARRAY_SIZE(parents); i++) {
		struct landlock_domain *child;

		allowed = 0;
		mutex_lock(&ruleset->lock);
		child = landlock_merge_ruleset(parents[i], ruleset);
		mutex_unlock(&ruleset->lock);
		KUNIT_EXPECT_PTR_EQ(test, child, ERR_PTR(-ENOMEM));
		/* One allocation, the failing one. */
		KUNIT_EXPECT_EQ(test, allowed, -1);
	}
	kunit_deactivate_static_stub(test, alloc_ports);
	landlock_put_ruleset(ruleset);
	landlock_put_domain(parent);
}

/*
 * The first slot of a few keys: known answers, which any other reader of the
 * table must give too.
 */
static void test_net_ports_slot(struct kunit *const test)
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
	KUNIT_CASE(test_net_ports_match_tree),
	KUNIT_CASE(test_net_ports_every_port),
	KUNIT_CASE(test_net_ports_slot),
	KUNIT_CASE(test_net_ports_size),
	KUNIT_CASE(test_net_ports_enomem),
	{}
	/* clang-format on */
};

static struct kunit_suite test_suite = {
	.name = "landlock_net_ports",
	.test_cases = test_cases,
};

kunit_test_suite(test_suite);

#endif /* CONFIG_SECURITY_LANDLOCK_KUNIT_TEST */
