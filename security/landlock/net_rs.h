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
 * struct landlock_net_rs_request - Network access request built by Rust
 *
 * Everything the C side needs to check a port against a domain and, on
 * denial, to fill the audit record and the trace event.  All the address
 * parsing is done by the Rust side; this structure only carries its result.
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
	 * @family: sa_family of @address (AF_UNSPEC, AF_INET or AF_INET6).
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

/* Implemented in C (net.c), called from Rust (net_rs.rs). */

const struct landlock_cred_security *landlock_net_rs_get_subject(u32 access);

bool landlock_net_rs_port_allowed(const struct landlock_cred_security *subject,
				  u32 access, __be16 port);

int landlock_net_rs_deny_port(const struct landlock_cred_security *subject,
			      const struct landlock_net_rs_request *req);

u32 *landlock_net_rs_sock_state(const struct sock *sk);

/* Implemented in Rust (net_rs.rs), registered as LSM hooks by net.c. */

int landlock_rs_socket_bind(struct socket *sock, struct sockaddr *address,
			    int addrlen);

int landlock_rs_socket_connect(struct socket *sock, struct sockaddr *address,
			       int addrlen);

int landlock_rs_socket_sendmsg(struct socket *sock, struct msghdr *msg,
			       int size);

#endif /* _SECURITY_LANDLOCK_NET_RS_H */
