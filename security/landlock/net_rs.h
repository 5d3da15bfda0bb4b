/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock - Interface between the C and Rust parts of the network hooks
 *
 * The C hooks (net.c) find the domain, skip kernel sockets, and ask the Rust
 * implementation of the decision (net_rs.rs) what to answer; they then log
 * and trace what it says.  The Rust code calls no C function of Landlock's.
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
/* For bindgen: net_rs/c_api.rs uses the LANDLOCK_ACCESS_NET_* values. */
#include <uapi/linux/landlock.h>

#include "net_decide.h"
#include "net_ports.h"

struct sock;

/*
 * Implemented in Rust (net_rs/c_api.rs): the Rust implementation of
 * landlock_net_decide() (net.c), with the same arguments and answers.
 */
int landlock_rs_net_decide(const struct landlock_net_ports *ports,
			   struct sock *sk,
			   const struct landlock_net_call *call,
			   struct landlock_net_verdict *verdict);

#endif /* _SECURITY_LANDLOCK_NET_RS_H */
