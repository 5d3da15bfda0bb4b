/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - Network access requests, as the network hooks parse them
 *
 * This header only uses types that bindgen can represent (scalars, pointers
 * to forward-declared structures, plain structures): a request is plain data,
 * which any implementation of the hooks can fill and read.
 */

#ifndef _SECURITY_LANDLOCK_NET_REQUEST_H
#define _SECURITY_LANDLOCK_NET_REQUEST_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/types.h>

struct sock;
struct sockaddr;

/**
 * struct landlock_net_request - Parsed network access request
 *
 * Everything needed to log the denial of a port, for the audit record and
 * the trace event, as landlock_net_parse() fills it.
 */
struct landlock_net_request {
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

#endif /* _SECURITY_LANDLOCK_NET_REQUEST_H */
