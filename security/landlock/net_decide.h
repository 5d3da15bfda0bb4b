/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - The decision of a network hook
 *
 * A network hook asks one function what to answer a request on a socket,
 * under a domain's port rules, and gets a verdict: the answer, and what to
 * log.  The hook finds the domain, logs and traces; the decision only reads
 * its arguments and the socket.  This header only uses types that bindgen can
 * represent (scalars, pointers to forward-declared structures, plain
 * structures), so that any implementation of the decision can take and fill
 * them.
 */

#ifndef _SECURITY_LANDLOCK_NET_DECIDE_H
#define _SECURITY_LANDLOCK_NET_DECIDE_H

#include <linux/types.h>

#include "net_request.h"

struct sockaddr;

/**
 * struct landlock_net_call - A network hook's request, as the hook got it
 */
struct landlock_net_call {
	/**
	 * @address: Address given to the hook, readable up to @addrlen bytes
	 * (or sizeof(struct sockaddr_storage) if @addrlen is larger), or NULL
	 * for a message sent without a destination.
	 */
	const struct sockaddr *address;
	/**
	 * @addrlen: Length of @address, as given to the hook.
	 */
	int addrlen;
	/**
	 * @op: Operation of the hook (enum landlock_net_op).
	 */
	u32 op;
	/**
	 * @msg_flags: Flags of a sent message (e.g. MSG_FASTOPEN), 0 for the
	 * other operations.
	 */
	u32 msg_flags;
	/**
	 * @trace: The check_rule_net_port trace event is enabled: the decision
	 * lists the ports it checks in the verdict.
	 */
	bool trace;
};

/**
 * struct landlock_net_check - A port check, for the trace event
 */
struct landlock_net_check {
	/**
	 * @access: Single LANDLOCK_ACCESS_NET_* right checked.
	 */
	u32 access;
	/**
	 * @port: Port checked, in network byte order.
	 */
	__be16 port;
	/**
	 * @autobind: Port 0 allowed an autobind without the socket's port
	 * being read: traced only if the socket has no local port, as the
	 * check of a bind to port 0 would be.
	 */
	bool autobind;
};

/* A request checks at most two ports: its address's and an autobind's. */
#define LANDLOCK_NET_MAX_CHECKS 2

/**
 * struct landlock_net_verdict - What a decision tells its hook to log
 *
 * The decision writes the fields it reports, and only those.
 */
struct landlock_net_verdict {
	/**
	 * @denied: The denied request, if the decision returned
	 * LANDLOCK_NET_DENIED.  Its address is NULL for an autobind, which the
	 * record shows as port 0 on the wildcard address of its family.
	 */
	struct landlock_net_request denied;
	/**
	 * @checks: The ports checked, in order, if the call asked for them.
	 */
	struct landlock_net_check checks[LANDLOCK_NET_MAX_CHECKS];
	/**
	 * @num_checks: Number of @checks, if the call asked for them.
	 */
	u8 num_checks;
};

/*
 * The answer of a decision that denies a port, besides 0 (allowed) and the
 * negative error codes the network stack would return.
 */
#define LANDLOCK_NET_DENIED 1

#endif /* _SECURITY_LANDLOCK_NET_DECIDE_H */
