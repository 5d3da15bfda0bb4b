// SPDX-License-Identifier: GPL-2.0-only

//! The decision of a network request: everything a hook answers, and what it logs.

use crate::{
    access::{
        NetAccess,
        Operation,
        SockKind, //
    },
    addr::{
        connect_may_autobind,
        parse,
        Decision,
        Request, //
    },
    c_api::MAX_CHECKS,
    ports::PortSets,
};
use kernel::{
    net::socket::{
        ip_proto::{
            IPPROTO_TCP,
            IPPROTO_UDP, //
        },
        msg_flags::MSG_FASTOPEN,
        sock_type::{
            SOCK_DGRAM,
            SOCK_STREAM, //
        },
        Sock,
        SockAddrRef, //
    },
    prelude::*,
};

/// A hook's request, as the hook got it (`struct landlock_net_call`).
#[derive(Clone, Copy)]
pub(crate) struct Call<'a> {
    /// The address given to the hook, `None` for a message sent without a destination.
    pub(crate) addr: Option<SockAddrRef<'a>>,
    /// The operation of the hook.
    pub(crate) op: Operation,
    /// The flags of a sent message, 0 for the other operations.
    pub(crate) msg_flags: u32,
}

/// A port check, for the trace event (`struct landlock_net_check`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Check {
    /// The right checked.
    pub(crate) access: NetAccess,
    /// The port checked, in network byte order.
    pub(crate) port: u16,
    /// Port 0 allowed an autobind without the socket's port being read.
    pub(crate) autobind: bool,
}

/// The port checks of a decision, listed if the trace event asks for them.
pub(crate) struct Checks {
    enabled: bool,
    list: [Option<Check>; MAX_CHECKS],
}

impl Checks {
    /// Returns an empty list, which records checks if `enabled`.
    #[inline(always)]
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            list: [None; MAX_CHECKS],
        }
    }

    /// Records a check, if enabled (a request checks at most two ports).
    #[inline(always)]
    fn note(&mut self, access: NetAccess, port: u16, autobind: bool) {
        if !self.enabled {
            return;
        }
        if let Some(free) = self.list.iter_mut().find(|c| c.is_none()) {
            *free = Some(Check {
                access,
                port,
                autobind,
            });
        }
    }

    /// Returns the recorded checks, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Check> {
        self.list.iter().flatten()
    }
}

/// The description of a denied request, for its record.
#[derive(Clone, Copy)]
pub(crate) struct Denial<'a> {
    /// The denied right.
    pub(crate) access: NetAccess,
    /// The socket's family, as the decision read it.
    pub(crate) sock_family: u16,
    /// The address of the request, `None` for an autobind.
    pub(crate) addr: Option<SockAddrRef<'a>>,
    /// The denied port, and its endpoint.
    pub(crate) request: Request<'a>,
}

/// What a hook answers.
pub(crate) enum Verdict<'a> {
    /// The request is allowed.
    Allow,
    /// The request fails with the error the network stack would return.
    Fail(Error),
    /// The domain denies the port of the request.
    Deny(Denial<'a>),
}

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

/// Decides `call` on the socket `sk`, under the port rules `ports`: the Rust implementation of
/// `landlock_net_decide()` (`net.c`), with the same answers, which the C KUnit suite
/// `landlock_net_decide` compares.  Lists the ports checked in `checks`.
#[inline(always)]
pub(crate) fn decide<'a>(
    ports: PortSets<'_>,
    sk: &Sock,
    call: &Call<'a>,
    checks: &mut Checks,
) -> Verdict<'a> {
    let Some(kind) = sock_kind(sk) else {
        return Verdict::Allow;
    };
    match (kind, call.op, call.addr) {
        (SockKind::Udp, Operation::Connect | Operation::SendMsg, None) => {
            // The common case, a send without a destination (on a connected socket): only the
            // autobind is checked.
            check_autobind(ports, sk, checks)
        }
        (SockKind::Udp, Operation::Connect | Operation::SendMsg, Some(addr)) => {
            match check_address(ports, sk, addr, call.op, kind, checks) {
                Verdict::Allow => {}
                verdict => return verdict,
            }
            // connect()ing to an AF_UNSPEC address does not trigger an autobind and should never
            // be restricted.
            if call.op == Operation::Connect && !connect_may_autobind(addr.family(), addr.addrlen())
            {
                return Verdict::Allow;
            }
            check_autobind(ports, sk, checks)
        }
        // Only TCP Fast Open connects with sendmsg(2).
        (SockKind::Tcp, Operation::SendMsg, Some(addr)) if call.msg_flags & MSG_FASTOPEN != 0 => {
            check_address(ports, sk, addr, call.op, kind, checks)
        }
        (SockKind::Tcp, Operation::SendMsg, _) => Verdict::Allow,
        (_, _, Some(addr)) => check_address(ports, sk, addr, call.op, kind, checks),
        // Never given by the hooks: bind(2) and connect(2) have an address.
        (_, _, None) => Verdict::Allow,
    }
}

/// Checks that `op` may use the address `addr` on the socket `sk` of kind `kind`.
#[inline(always)]
fn check_address<'a>(
    ports: PortSets<'_>,
    sk: &Sock,
    addr: SockAddrRef<'a>,
    op: Operation,
    kind: SockKind,
    checks: &mut Checks,
) -> Verdict<'a> {
    let access = NetAccess::of(op, kind);
    if !ports.handles(access) {
        return Verdict::Allow;
    }
    // The socket is not locked, so sk_family can change concurrently due to e.g.
    // setsockopt(IPV6_ADDRFORM): the parser only uses it where any family is safe.
    let sock_family = sk.family();
    let request = match parse(addr, sock_family, op, kind) {
        Err(err) => return Verdict::Fail(err),
        Ok(Decision::Allow) => return Verdict::Allow,
        Ok(Decision::Check(request)) => request,
    };
    checks.note(access, request.port, false);
    if ports.allows(access, request.port) {
        return Verdict::Allow;
    }
    Verdict::Deny(Denial {
        access,
        sock_family,
        addr: Some(addr),
        request,
    })
}

/// Checks that the current task may autobind the UDP socket `sk` to an ephemeral port, if it is
/// not bound yet.
///
/// On UDP sockets, if a local port has not already been bound, calling connect() or sending a
/// first datagram has the side effect of autobinding an ephemeral port: we also have to check
/// that the process would have had the right to bind(0) explicitly.
#[inline(always)]
fn check_autobind<'a>(ports: PortSets<'_>, sk: &Sock, checks: &mut Checks) -> Verdict<'a> {
    if !ports.handles(NetAccess::BindUdp) {
        return Verdict::Allow;
    }

    // A socket bound explicitly to a port keeps it until it is released, and cannot autobind:
    // one load, without the socket lock (see `Sock::bindport_locked()`).
    if sk.bindport_locked() {
        return Verdict::Allow;
    }

    // A domain that allows bind(0) allows an autobind whatever the socket's state: no need for
    // the socket's port.
    if ports.allows(NetAccess::BindUdp, 0) {
        checks.note(NetAccess::BindUdp, 0, true);
        return Verdict::Allow;
    }

    // A socket that has a port (autobound) cannot autobind either: read under the socket lock,
    // which excludes a failing reuseport bind and a disconnection in progress (see
    // `SockGuard::has_port()`).
    let has_port = sk.lock_fast().has_port();
    if has_port {
        return Verdict::Allow;
    }
    check_autobind_port0(ports, sk, checks)
}

/// Checks that the socket `sk`, which has no local port, may be bound to port 0.
#[cold]
#[inline(never)]
fn check_autobind_port0<'a>(ports: PortSets<'_>, sk: &Sock, checks: &mut Checks) -> Verdict<'a> {
    // Checks what bind() on the wildcard address with port 0 would be, as a request built from
    // one read of the family: port 0 is checked the same whatever the socket becomes
    // (IPV6_ADDRFORM), and the record describes the family read.
    let family = sk.family();
    checks.note(NetAccess::BindUdp, 0, false);
    if ports.allows(NetAccess::BindUdp, 0) {
        return Verdict::Allow;
    }
    Verdict::Deny(Denial {
        access: NetAccess::BindUdp,
        sock_family: family,
        addr: None,
        request: Request::autobind(family),
    })
}
