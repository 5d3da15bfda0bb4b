// SPDX-License-Identifier: GPL-2.0-only

//! Landlock - Network hooks.
//!
//! This implements the `socket_bind`, `socket_connect` and `socket_sendmsg` LSM hooks, which
//! restrict TCP and UDP sockets according to the `LANDLOCK_ACCESS_NET_*` rights of the current
//! task's domain.
//!
//! The address parsing and the decision order (i.e. which error is returned for which malformed
//! address) are implemented by the pure function `parse()`, which is tested by KUnit against the C
//! implementation of the same semantics (`landlock_net_parse()` in `net.c`, the hooks of kernels
//! built without Rust).  The C side of each hook (`net.c`) registers it and finds the domain:
//! it only calls the Rust one for a task whose domain handles a network right, on a socket that is
//! not a kernel one, with a [`Subject`].  Every decision is then taken here: a port is checked
//! against the domain's port rules ([`PortSets`]: one or two probes of a hash table), and C reads
//! the same slot again only to log a denial, with a request described by scalars (see
//! `net_request.h`), or to emit the `check_rule_net_port` trace event while it is enabled.
//!
//! A send without a destination, most datagrams' path, only needs the autobind check of
//! [`check_autobind_udp_socket()`]: a socket bound explicitly to a port (`SOCK_BINDPORT_LOCK`)
//! and a domain that allows any autobind need no more; an autobound socket, by a domain that does
//! not allow port 0, has its port (`inet_num`) read under the socket lock, as the C hooks do, and
//! only an unbound one is checked as a bind to port 0.
//!
//! # Threat model
//!
//! The sandboxed task is malicious and controls the timing of its threads; tasks that share its
//! sockets without being restricted for UDP (no domain, or a domain that does not handle
//! `LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP`) are not colluding, but may do anything legitimate at
//! any time, such as converting an IPv6 socket to IPv4 with `setsockopt(IPV6_ADDRFORM)`.  A task
//! is only ever restricted for the rights its own domain handles.  So the hooks never rely on
//! the socket's family staying what they read, on any architecture: a destination whose port one
//! of the stacks may use has that port checked, whatever the socket's family reads as (an
//! `AF_UNSPEC` destination with a non-zero port as an IPv4 one, an `AF_INET6` destination on a
//! socket read as IPv4 as an IPv6 one), and the hooks never write to their arguments.
//!
//! The autobind check has windows that the socket lock does not close: it reads the local port
//! under the lock, and the stack autobinds later; a sibling's `connect(AF_UNSPEC)` that starts in
//! between releases an autobound port (`__udp_disconnect()`), and the send then autobinds again
//! without a second check.  Only a port the socket already had, that the domain allowed or that
//! predates the sandbox, can be given back, and the new ephemeral port is chosen by the kernel.
//! `sendmmsg(2)` calls the hook once for consecutive messages to the same destination, and
//! `sendfile(2)` of a file shorter than asked ends in `sock_splice_eof()`, whose
//! `inet_send_prepare()` autobinds with no hook at all (`race.sendfile_eof_autobind` and
//! `race_autobind.disconnect` in `udp_state_test` measure how often).
//!
//! The hooks reach the kernel through `kernel::` abstractions only.  Landlock's own C interface
//! (the entry points that `net.c` calls, the structures it passes, and the functions called back
//! to emit the trace event and log a denial) is wrapped by `c_api`, the one module that names
//! `kernel::bindings`.
//!
//! C header: [`security/landlock/net_rs.h`](srctree/security/landlock/net_rs.h)

use kernel::{
    net::socket::{
        inet_addr,
        ip_proto::{
            IPPROTO_TCP,
            IPPROTO_UDP, //
        },
        msg_flags::MSG_FASTOPEN,
        sock_type::{
            SOCK_DGRAM,
            SOCK_STREAM, //
        },
        MsgHdr,
        Sock,
        SockAddrRef,
        SockAddrStorage,
        Socket, //
    },
    prelude::*, //
};

/// Log prefix of the `pr_*!` macros, which only the KUnit tests use: Landlock's (its C code's
/// `pr_fmt()`).  A crate that is not a module has no `module!` to define it (cf. the kernel
/// crate's own, in `rust/kernel/lib.rs`).
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
const __LOG_PREFIX: &[u8] = b"landlock\0";

#[path = "net_rs/addr.rs"]
mod addr;
#[path = "net_rs/c_api.rs"]
mod c_api;
#[path = "net_rs/check.rs"]
mod check;
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
#[path = "net_rs/tests.rs"]
mod test;

use addr::*;
use c_api::*;
use check::*;

/// Returns the kind of `sk`, or `None` if Landlock does not restrict it.
///
/// Only TCP and UDP sockets are restricted: other inet stream sockets (MPTCP, SMC, SCTP) are not
/// (Landlock erratum 1).
#[inline(always)]
fn sock_kind(sk: &Sock) -> Option<SockKind> {
    // As the C `sk_is_tcp()` and `sk_is_udp()`, with one read of the family.
    if !sk.is_inet() {
        return None;
    }
    match (sk.sk_type(), sk.protocol()) {
        (SOCK_STREAM, IPPROTO_TCP) => Some(SockKind::Tcp),
        (SOCK_DGRAM, IPPROTO_UDP) => Some(SockKind::Udp),
        _ => None,
    }
}

/// The `socket_bind` LSM hook, for `subject` (called by [`landlock_rs_socket_bind()`]).
fn socket_bind(subject: &Subject<'_>, sock: &Socket, addr: SockAddrRef<'_>) -> Result {
    let sk = sock.sk();
    let Some(kind) = sock_kind(sk) else {
        return Ok(());
    };
    check_access_socket(subject, sk, addr, Operation::Bind, kind)
}

/// The `socket_connect` LSM hook, for `subject` (called by [`landlock_rs_socket_connect()`]).
fn socket_connect(subject: &Subject<'_>, sock: &Socket, addr: SockAddrRef<'_>) -> Result {
    let sk = sock.sk();
    let Some(kind) = sock_kind(sk) else {
        return Ok(());
    };
    check_access_socket(subject, sk, addr, Operation::Connect, kind)?;

    // connect()ing to an AF_UNSPEC address does not trigger an autobind and should never be
    // restricted.
    if kind == SockKind::Udp && connect_may_autobind(addr.family(), addr.addrlen()) {
        check_autobind_udp_socket(subject, sk)?;
    }
    Ok(())
}

/// The `socket_sendmsg` LSM hook, for `subject` (called by [`landlock_rs_socket_sendmsg()`]).
#[inline(always)]
fn socket_sendmsg(subject: &Subject<'_>, sock: &Socket, msg: &MsgHdr) -> Result {
    let sk = sock.sk();

    // The common case, a send without a destination (on a connected socket): only the autobind
    // of a UDP socket is checked.
    if msg.name().is_none() {
        if sock_kind(sk) != Some(SockKind::Udp) {
            return Ok(());
        }
        return check_autobind_udp_socket(subject, sk);
    }
    // Only the pointer is read on the common path: the view of the address is built out of line.
    sendmsg_with_address(subject, sk, msg)
}

/// The `socket_sendmsg` hook of a message with a destination address.
#[inline(never)]
fn sendmsg_with_address(subject: &Subject<'_>, sk: &Sock, msg: &MsgHdr) -> Result {
    let Some(addr) = msg.name() else {
        return Ok(());
    };
    match sock_kind(sk) {
        // TCP Fast Open connects with sendmsg(2).
        Some(SockKind::Tcp) if msg.flags() & MSG_FASTOPEN != 0 => {
            check_access_socket(subject, sk, addr, Operation::SendMsg, SockKind::Tcp)
        }
        Some(SockKind::Udp) => {
            check_access_socket(subject, sk, addr, Operation::SendMsg, SockKind::Udp)?;
            check_autobind_udp_socket(subject, sk)
        }
        _ => Ok(()),
    }
}
