// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock - The C compiler's layout of what the Rust network hooks read
 *
 * The Rust side reads C structures through bindgen's translation of the C
 * headers, which is not made by the C compiler that builds the kernel: a
 * construct that bindgen translates differently (e.g. a tagged anonymous
 * structure member, a Microsoft extension) silently shifts fields, and only
 * in the configurations where the sizes differ.  This file is compiled to
 * assembly by the kernel's C compiler; Kbuild turns its markers into
 * net_rs_layout.rs, and net_rs/c_api/layout.rs asserts at build time that
 * every offset and size the Rust side relies on is the same in bindgen's view.
 * Any field that the Rust side reads must be listed here.
 */

#include <linux/kbuild.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/stddef.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "net_rs.h"

#define SIZE(sym, type) DEFINE(sym, sizeof(type))
#define FIELD_SIZE(sym, str, mem) DEFINE(sym, sizeof_field(struct str, mem))

/* As asm-offsets.c: only the assembly output of this file is used. */
int main(void)
{
	/* struct sock: Sock in rust/kernel/net/socket.rs. */
	OFFSET(SOCK_SKC_FAMILY, sock, __sk_common.skc_family);
	FIELD_SIZE(SOCK_SKC_FAMILY_SIZE, sock, __sk_common.skc_family);
	OFFSET(SOCK_SK_USERLOCKS, sock, sk_userlocks);
	FIELD_SIZE(SOCK_SK_USERLOCKS_SIZE, sock, sk_userlocks);
	OFFSET(SOCK_SKC_NUM, sock, __sk_common.skc_num);
	FIELD_SIZE(SOCK_SKC_NUM_SIZE, sock, __sk_common.skc_num);
	OFFSET(SOCK_SK_PROTOCOL, sock, sk_protocol);
	FIELD_SIZE(SOCK_SK_PROTOCOL_SIZE, sock, sk_protocol);
	OFFSET(SOCK_SK_TYPE, sock, sk_type);
	FIELD_SIZE(SOCK_SK_TYPE_SIZE, sock, sk_type);
	SIZE(SOCK_SIZE, struct sock);

	/* Socket addresses: SockAddrRef and the parser. */
	SIZE(SOCKADDR_STORAGE_SIZE, struct sockaddr_storage);
	SIZE(SOCKADDR_IN_SIZE, struct sockaddr_in);
	OFFSET(SOCKADDR_IN_SIN_PORT, sockaddr_in, sin_port);
	OFFSET(SOCKADDR_IN_SIN_ADDR, sockaddr_in, sin_addr);
	OFFSET(SOCKADDR_IN6_SIN6_PORT, sockaddr_in6, sin6_port);
	OFFSET(SOCKADDR_IN6_SIN6_ADDR, sockaddr_in6, sin6_addr);
	OFFSET(SOCKADDR_IN6_SIN6_SCOPE_ID, sockaddr_in6, sin6_scope_id);

	/* struct landlock_net_request: built by Rust, read by C. */
	OFFSET(REQ_ADDRESS, landlock_net_request, address);
	OFFSET(REQ_ADDRLEN, landlock_net_request, addrlen);
	OFFSET(REQ_SK, landlock_net_request, sk);
	OFFSET(REQ_ACCESS, landlock_net_request, access);
	OFFSET(REQ_SOCKET_FAMILY, landlock_net_request, socket_family);
	OFFSET(REQ_FAMILY, landlock_net_request, family);
	OFFSET(REQ_PORT, landlock_net_request, port);
	OFFSET(REQ_BIND, landlock_net_request, bind);
	OFFSET(REQ_IPV6, landlock_net_request, ipv6);
	OFFSET(REQ_IP, landlock_net_request, ip);
	SIZE(REQ_SIZE, struct landlock_net_request);

	/* struct landlock_net_call: filled by C, read by Rust. */
	OFFSET(CALL_ADDRESS, landlock_net_call, address);
	OFFSET(CALL_ADDRLEN, landlock_net_call, addrlen);
	FIELD_SIZE(CALL_ADDRLEN_SIZE, landlock_net_call, addrlen);
	OFFSET(CALL_OP, landlock_net_call, op);
	OFFSET(CALL_MSG_FLAGS, landlock_net_call, msg_flags);
	OFFSET(CALL_TRACE, landlock_net_call, trace);
	SIZE(CALL_SIZE, struct landlock_net_call);

	/* struct landlock_net_verdict: written by Rust, read by C. */
	OFFSET(CHECK_ACCESS, landlock_net_check, access);
	OFFSET(CHECK_PORT, landlock_net_check, port);
	OFFSET(CHECK_AUTOBIND, landlock_net_check, autobind);
	SIZE(CHECK_SIZE, struct landlock_net_check);
	OFFSET(VERDICT_DENIED, landlock_net_verdict, denied);
	OFFSET(VERDICT_CHECKS, landlock_net_verdict, checks);
	OFFSET(VERDICT_NUM_CHECKS, landlock_net_verdict, num_checks);
	SIZE(VERDICT_SIZE, struct landlock_net_verdict);

	/* struct landlock_net_ports: built by C, read by Rust. */
	OFFSET(PORTS_HANDLING, landlock_net_ports, handling);
	OFFSET(PORTS_PORT0, landlock_net_ports, port0);
	OFFSET(PORTS_HANDLED, landlock_net_ports, handled);
	FIELD_SIZE(PORTS_HANDLED_SIZE, landlock_net_ports, handled);
	OFFSET(PORTS_SLOTS, landlock_net_ports, slots);
	OFFSET(PORTS_TABLE, landlock_net_ports, table);
	OFFSET(SLOT_KEY, landlock_net_port_slot, key);
	OFFSET(SLOT_LAYERS, landlock_net_port_slot, layers);
	SIZE(SLOT_SIZE, struct landlock_net_port_slot);
	SIZE(PORTS_SIZE, struct landlock_net_ports);
	return 0;
}
