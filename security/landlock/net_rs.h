/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - Interface between the C and Rust parts of the network hooks
 *
 * This header is included both by net.c and, through
 * rust/bindings/bindings_helper.h, by bindgen.  It must therefore stay
 * self-contained and only use types that bindgen can represent: scalars,
 * pointers to forward-declared structures, and the plain structure below.
 */

#ifndef _SECURITY_LANDLOCK_NET_RS_H
#define _SECURITY_LANDLOCK_NET_RS_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/types.h>
/*
 * For bindgen: net_rs.rs uses the LANDLOCK_ACCESS_NET_* values and checks its
 * view of struct sockaddr_in and struct sockaddr_in6 at build time.
 */
#include <uapi/linux/landlock.h>

struct landlock_cred_security;
struct msghdr;
struct sock;
struct sockaddr;
struct socket;

/**
 * struct landlock_net_rs_request - Parsed network access request
 *
 * Everything needed to log the denial of a port, for the audit record and
 * the trace event: the result of parse() in net_rs.rs, or of its C twin
 * landlock_net_parse() in kernels without Rust.
 */
struct landlock_net_rs_request {
	/**
	 * @address: Address as passed to the hook, only used for the trace
	 * event, which copies @addrlen bytes from it.
	 */
	const struct sockaddr *address;
	/**
	 * @addrlen: Length of @address as passed to the hook.
	 */
	int addrlen;
	/**
	 * @sk: Socket being checked, for the audit record.
	 */
	const struct sock *sk;
	/**
	 * @access: Single LANDLOCK_ACCESS_NET_* right requested.
	 */
	u32 access;
	/**
	 * @socket_family: sk_family snapshot used by the verdict.
	 */
	u16 socket_family;
	/**
	 * @family: Address family of @port and @ip: AF_INET (also for an
	 * AF_UNSPEC address read as one) or AF_INET6.
	 */
	u16 family;
	/**
	 * @port: Port in network byte order (also the rule key).
	 */
	__be16 port;
	/**
	 * @bind: True if @port and @ip are the local (source) endpoint, false
	 * if they are the remote (destination) one.
	 */
	bool bind;
	/**
	 * @ipv6: True if @ip holds an IPv6 address (16 bytes), false if it
	 * holds an IPv4 address (first 4 bytes).
	 */
	bool ipv6;
	/**
	 * @ip: IP address in network byte order.
	 */
	u8 ip[16];
};

/* Number of network access rights (LANDLOCK_NUM_ACCESS_NET, cf. net.c). */
#define LANDLOCK_NET_RS_NUM_ACCESS 4
/* 64-bit words of a port bitmap: one bit per port. */
#define LANDLOCK_NET_RS_SET_WORDS (65536 / 64)
/*
 * Multiplier of the port table's hash (GOLDEN_RATIO_32 of <linux/hash.h>):
 * a port is first looked for in slot
 * ((u32)key * LANDLOCK_NET_RS_HASH * (u64)slots) >> 32, cf.
 * landlock_net_ports_slot().
 */
#define LANDLOCK_NET_RS_HASH 0x61C88647U

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
	 * (port / 64), LANDLOCK_NET_RS_SET_WORDS words), or NULL if the right
	 * is not handled or is looked up in the table.
	 */
	const u64 *bits[LANDLOCK_NET_RS_NUM_ACCESS];
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

/**
 * struct landlock_net_rs_subject - The current task, as the hooks see it
 *
 * Filled by the C side of each hook, only for a task whose domain handles
 * at least one network right, and only valid during the hook call.
 */
struct landlock_net_rs_subject {
	/**
	 * @cred: The task's Landlock credential, for the rule tree walks
	 * (denials and trace events).
	 */
	const struct landlock_cred_security *cred;
	/**
	 * @ports: The port sets of the task's domain.
	 */
	const struct landlock_net_ports *ports;
	/**
	 * @trace: The check_rule_net_port trace event is enabled: the hooks
	 * then also walk the rule tree, with landlock_net_rs_port_allowed() and
	 * landlock_net_rs_trace_autobind(), which emit it.  The decision is
	 * still @ports'.
	 */
	bool trace;
};

/**
 * enum landlock_net_op - Socket operation checked by a hook
 *
 * @LANDLOCK_NET_OP_BIND: bind(2).
 * @LANDLOCK_NET_OP_CONNECT: connect(2).
 * @LANDLOCK_NET_OP_SENDMSG: sendmsg(2) and friends, with a destination.
 */
enum landlock_net_op {
	LANDLOCK_NET_OP_BIND,
	LANDLOCK_NET_OP_CONNECT,
	LANDLOCK_NET_OP_SENDMSG,
};

/* Implemented in C (net.c), called by the Rust and the C hooks. */

bool landlock_net_rs_port_allowed(const struct landlock_cred_security *subject,
				  u32 access, __be16 port);

void landlock_net_rs_trace_autobind(
	const struct landlock_cred_security *subject, const struct sock *sk);

int landlock_net_rs_deny_port(const struct landlock_cred_security *subject,
			      const struct landlock_net_rs_request *req);

/*
 * The decision of the C hooks, built without CONFIG_RUST, or for the KUnit
 * test that compares it with the Rust one.
 */
int landlock_net_parse(const struct sockaddr *address, int addrlen,
		       u16 sock_family, u32 access, enum landlock_net_op op,
		       struct landlock_net_rs_request *req);

/*
 * Implemented in Rust (net_rs.rs), called by net.c's LSM hooks for the tasks
 * whose domain handles a network right.
 */

int landlock_rs_socket_bind(const struct landlock_net_rs_subject *subject,
			    struct socket *sock, struct sockaddr *address,
			    int addrlen);

int landlock_rs_socket_connect(const struct landlock_net_rs_subject *subject,
			       struct socket *sock, struct sockaddr *address,
			       int addrlen);

int landlock_rs_socket_sendmsg(const struct landlock_net_rs_subject *subject,
			       struct socket *sock, struct msghdr *msg,
			       int size);

#endif /* _SECURITY_LANDLOCK_NET_RS_H */
