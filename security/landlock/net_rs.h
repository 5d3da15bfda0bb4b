/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - Interface between the C and Rust parts of the network hooks
 *
 * This header is included both by net.c and, through
 * rust/bindings/bindings_helper.h, by bindgen, with the headers it includes.
 * They must therefore stay self-contained and only use types that bindgen can
 * represent: scalars, pointers to forward-declared structures, and plain
 * structures.
 */

#ifndef _SECURITY_LANDLOCK_NET_RS_H
#define _SECURITY_LANDLOCK_NET_RS_H

#include <linux/types.h>
/*
 * For bindgen: net_rs/c_api.rs uses the LANDLOCK_ACCESS_NET_* values, and
 * net_rs/c_api/layout.rs checks its view of struct sockaddr_in and struct
 * sockaddr_in6 at build time.
 */
#include <uapi/linux/landlock.h>

#include "net_ports.h"
#include "net_request.h"

struct landlock_cred_security;
struct msghdr;
struct sockaddr;
struct socket;

/**
 * struct landlock_net_rs_subject - The current task, as the hooks see it
 *
 * Filled by the C side of each hook, only for a task whose domain handles
 * at least one network right, and only valid during the hook call.
 */
struct landlock_net_rs_subject {
	/**
	 * @cred: The task's Landlock credential, for the denials and the trace
	 * events.
	 */
	const struct landlock_cred_security *cred;
	/**
	 * @ports: The port rules of the task's domain.
	 */
	const struct landlock_net_ports *ports;
	/**
	 * @trace: The check_rule_net_port trace event is enabled: the hooks
	 * then also call landlock_net_trace_port() and
	 * landlock_net_trace_autobind(), which emit it.
	 */
	bool trace;
};

/*
 * Implemented in Rust (net_rs/c_api.rs), called by net.c's LSM hooks for the
 * tasks whose domain handles a network right.
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
