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
//! against the domain's compiled port sets ([`PortSets`]: a bit test, or one or two probes of a
//! hash table), and C walks the rule tree again only to log a denial, with a request described by
//! scalars (see `net_rs.h`), or to emit the `check_rule_net_port` trace event while it is
//! enabled.
//!
//! A send without a destination, most datagrams' path, only needs the autobind check of
//! [`check_autobind_udp_socket()`]: a socket bound explicitly to a port (`SOCK_BINDPORT_LOCK`)
//! and a domain that allows any autobind need no more; an autobound socket, by a domain that does
//! not allow port 0, has its port (`inet_sport`) read, and only an unbound one is checked as a
//! bind to port 0.  None of these reads takes the socket lock (see `Sock::local_port()` for why
//! `inet_sport` needs none).
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
//! The autobind check has a window that the socket lock would not close either: it reads the
//! local port, and the stack autobinds later; a sandboxed sibling's `connect(AF_UNSPEC)` in
//! between releases an autobound port (`__udp_disconnect()`), and the send then autobinds again
//! without a second check.  Only a
//! port the socket already had, that the domain allowed or that predates the sandbox, can be
//! given back, and the new ephemeral port is chosen by the kernel.  `sendfile(2)` of a file
//! shorter than asked has the same window: it ends in `sock_splice_eof()`, whose
//! `inet_send_prepare()` autobinds with no hook at all (`race.sendfile_eof_autobind` in
//! `udp_state_test` measures how often).
//!
//! C header: [`security/landlock/net_rs.h`](srctree/security/landlock/net_rs.h)

use core::mem::offset_of;
use kernel::{
    bindings,
    error::to_result,
    net::socket::{
        MsgHdr,
        Sock,
        SockAddrRef,
        SockAddrStorage,
        Socket, //
    },
    prelude::*, //
};

/// Log prefix for the `pr_*!` macros, which are only used by the KUnit tests.
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
const __LOG_PREFIX: &[u8] = b"landlock\0";

#[path = "net_rs/addr.rs"]
mod addr;
#[path = "net_rs/check.rs"]
mod check;
#[path = "net_rs/layout.rs"]
mod layout;
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
#[path = "net_rs/tests.rs"]
mod test;

use addr::*;
use check::*;

/// Returns the kind of `sk`, or `None` if Landlock does not restrict it.
///
/// MPTCP sockets are restricted as TCP ones: MPTCP falls back to plain TCP on the wire, so
/// leaving them out would let any sandbox bypass the TCP rights.  SCTP sockets are not restricted
/// (no right covers them).
#[inline(always)]
fn sock_kind(sk: &Sock) -> Option<SockKind> {
    // As the C `sk_is_tcp()` (or MPTCP) and `sk_is_udp()`, with one read of the family.
    if !sk.is_inet() {
        return None;
    }
    match (u32::from(sk.sk_type()), u32::from(sk.protocol())) {
        (bindings::sock_type_SOCK_STREAM, bindings::IPPROTO_TCP | bindings::IPPROTO_MPTCP) => {
            Some(SockKind::Tcp)
        }
        (bindings::sock_type_SOCK_DGRAM, bindings::IPPROTO_UDP) => Some(SockKind::Udp),
        _ => None,
    }
}

/// Converts a hook result to the C convention.
fn to_c(ret: Result) -> c_int {
    match ret {
        Ok(()) => 0,
        Err(err) => err.to_errno(),
    }
}

/// Returns views of the arguments of the `socket_bind` and `socket_connect` hooks, or `None` if
/// Landlock does not restrict this kind of socket.
///
/// # Safety
///
/// `sock` is a valid socket with a `struct sock`, and `address` is valid for reads of `addrlen`
/// bytes (or of `sizeof(struct sockaddr_storage)` bytes if `addrlen` is larger), for `'a`.
unsafe fn addr_hook_args<'a>(
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
) -> Option<(&'a Sock, SockAddrRef<'a>, SockKind)> {
    // SAFETY: Per the safety requirements, `sock` and its `sk` are valid for `'a` (the hook's
    // caller holds a reference on the socket's file).
    let sk = unsafe { Socket::from_raw(sock) }.sk();
    let kind = sock_kind(sk)?;

    // SAFETY: Per the safety requirements, `address` is a kernel copy of the address (cf.
    // `move_addr_to_kernel()`) valid for reads of the required bytes, which are not written
    // during `'a`.
    let addr = unsafe { SockAddrRef::from_raw(address, addrlen) };
    Some((sk, addr, kind))
}

/// The `socket_bind` LSM hook.
///
/// # Safety
///
/// Must only be called by the C side of the `socket_bind` hook (`net.c`), with its subject
/// (`subject`, valid for the duration of the call), and the hook's arguments: `sock` is a valid
/// socket with a `struct sock`, and `address` is valid for reads of `addrlen` bytes (or of
/// `sizeof(struct sockaddr_storage)` bytes if `addrlen` is larger), for the duration of the call.
#[export]
pub unsafe extern "C" fn landlock_rs_socket_bind(
    subject: *const bindings::landlock_net_rs_subject,
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
) -> c_int {
    // SAFETY: Per the safety requirements, the C side of the hook passes the arguments that
    // `addr_hook_args()` requires, valid for the duration of the call.
    let Some((sk, addr, kind)) = (unsafe { addr_hook_args(sock, address, addrlen) }) else {
        return 0;
    };
    // SAFETY: Per the safety requirements, `subject` is the hook's, valid during the call.
    let subject = unsafe { Subject::from_raw(subject) };
    to_c(check_access_socket(
        &subject,
        sk,
        addr,
        Operation::Bind,
        kind,
    ))
}

/// The `socket_connect` LSM hook.
///
/// # Safety
///
/// Must only be called by the C side of the `socket_connect` hook (`net.c`), with its subject
/// (`subject`, valid for the duration of the call), and the hook's arguments: `sock` is a valid
/// socket with a `struct sock`, and `address` is valid for reads of `addrlen` bytes (or of
/// `sizeof(struct sockaddr_storage)` bytes if `addrlen` is larger), for the duration of the call.
#[export]
pub unsafe extern "C" fn landlock_rs_socket_connect(
    subject: *const bindings::landlock_net_rs_subject,
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
) -> c_int {
    // SAFETY: Per the safety requirements, the C side of the hook passes the arguments that
    // `addr_hook_args()` requires, valid for the duration of the call.
    let Some((sk, addr, kind)) = (unsafe { addr_hook_args(sock, address, addrlen) }) else {
        return 0;
    };
    // SAFETY: Per the safety requirements, `subject` is the hook's, valid during the call.
    let subject = unsafe { Subject::from_raw(subject) };
    let mut ret = check_access_socket(&subject, sk, addr, Operation::Connect, kind);

    // connect()ing to an AF_UNSPEC address does not trigger an autobind and should never be
    // restricted.
    if ret.is_ok() && kind == SockKind::Udp && connect_may_autobind(addr.family(), addr.addrlen()) {
        ret = check_autobind_udp_socket(&subject, sk);
    }

    to_c(ret)
}

/// The `socket_sendmsg` LSM hook.
///
/// # Safety
///
/// Must only be called by the C side of the `socket_sendmsg` hook (`net.c`), with its subject
/// (`subject`, valid for the duration of the call), and the hook's arguments: `sock` is a valid
/// socket with a `struct sock`, and `msg` is a valid message header whose `msg_name`, if not
/// null, is a kernel buffer valid for reads of `msg_namelen` bytes (or of
/// `sizeof(struct sockaddr_storage)` bytes if `msg_namelen` is larger), which are not written
/// for the duration of the call.
#[export]
pub unsafe extern "C" fn landlock_rs_socket_sendmsg(
    subject: *const bindings::landlock_net_rs_subject,
    sock: *mut bindings::socket,
    msg: *mut bindings::msghdr,
    _size: c_int,
) -> c_int {
    // SAFETY: Per the safety requirements, `sock` and its `sk` are valid for the duration of the
    // call (the caller holds a reference on the socket's file).
    let sk = unsafe { Socket::from_raw(sock) }.sk();

    // SAFETY: Per the safety requirements, `msg` is valid, and its `msg_name` is a kernel copy of
    // the destination address (cf. `copy_msghdr_from_user()`, `__sys_sendto()` and
    // `sock_sendmsg()`) valid for reads of the required bytes, which are not written during the
    // call.
    let msg = unsafe { MsgHdr::from_raw(msg) };
    // SAFETY: Per the safety requirements, `subject` is the hook's, valid during the call.
    let subject = unsafe { Subject::from_raw(subject) };

    // The common case, a send without a destination (on a connected socket): only the autobind
    // of a UDP socket is checked.
    if msg.name().is_none() {
        if sock_kind(sk) != Some(SockKind::Udp) {
            return 0;
        }
        return to_c(check_autobind_udp_socket(&subject, sk));
    }
    sendmsg_with_address(&subject, sk, msg)
}

/// The `socket_sendmsg` hook of a message with a destination address.
#[inline(never)]
fn sendmsg_with_address(subject: &Subject<'_>, sk: &Sock, msg: &MsgHdr) -> c_int {
    let Some(addr) = msg.name() else {
        return 0;
    };
    let ret = match sock_kind(sk) {
        // TCP Fast Open connects with sendmsg(2).
        Some(SockKind::Tcp) if msg.flags() & bindings::MSG_FASTOPEN != 0 => {
            check_access_socket(subject, sk, addr, Operation::SendMsg, SockKind::Tcp)
        }
        Some(SockKind::Udp) => {
            check_access_socket(subject, sk, addr, Operation::SendMsg, SockKind::Udp)
                .and_then(|()| check_autobind_udp_socket(subject, sk))
        }
        _ => Ok(()),
    };
    to_c(ret)
}
