// SPDX-License-Identifier: GPL-2.0-only

//! The current task, its domain's port rules, and the checks of ports and autobinds.

use super::*;

impl<'a> PortSets<'a> {
    /// Returns whether the domain restricts `access`.
    #[inline(always)]
    pub(crate) fn handles(&self, access: NetAccess) -> bool {
        self.handled() & access.mask() != 0
    }

    /// Returns the rules of `port` (network byte order), if some slot holds them: port 0's are
    /// in the header, the others in the table, probed from the slot that `slot()` gives (cf.
    /// `landlock_net_ports_find()`).  A table without an empty slot (which the C side never
    /// builds) ends the probe after one round.
    #[inline(always)]
    pub(crate) fn find(&self, port: u16) -> Option<&'a PortSlot> {
        if port == 0 {
            // The autobind check of every send without a destination.
            return Some(self.port0());
        }
        let table = self.table();
        let mut i = slot(port, table.len());
        for _ in 0..table.len() {
            let s = table.get(i)?;
            if s.key == port {
                return Some(s);
            }
            if s.key == 0 {
                return None;
            }
            i = if i + 1 == table.len() { 0 } else { i + 1 };
        }
        None
    }

    /// Returns whether the domain allows `port` (network byte order) for `access`: whether every
    /// layer handling `access` allows it (cf. `landlock_net_ports_allow()`).  A right that the
    /// domain does not handle is allowed.
    #[inline(always)]
    pub(crate) fn allows(&self, access: NetAccess, port: u16) -> bool {
        if !self.handles(access) {
            return true;
        }
        self.find(port)
            .is_some_and(|s| s.layers[access.bit()] == self.handling(access))
    }
}

/// Returns the slot of a table of `slots` slots where `key` is first looked for (cf.
/// `landlock_net_ports_slot()`).
#[inline(always)]
pub(crate) fn slot(key: u16, slots: usize) -> usize {
    let hash = u32::from(key).wrapping_mul(PORTS_HASH);
    // The product of two 32-bit numbers fits in 64 bits; the result is below `slots`.
    ((u64::from(hash) * slots as u64) >> 32) as usize
}

impl Subject<'_> {
    /// Returns whether the domain restricts `access`.
    #[inline(always)]
    pub(crate) fn handles(&self, access: NetAccess) -> bool {
        self.sets().handles(access)
    }

    /// Returns whether the domain allows `port` (network byte order) for `access`, which it
    /// handles.
    pub(crate) fn port_allowed(&self, access: NetAccess, port: u16) -> bool {
        self.trace_port(access, port);
        self.sets().allows(access, port)
    }

    /// Emits the trace event of the check of `port` for `access`, if the event is enabled.
    #[inline(always)]
    pub(crate) fn trace_port(&self, access: NetAccess, port: u16) {
        if self.tracing() {
            self.emit_trace_port(access, port);
        }
    }

    /// Emits the trace event of an autobind check of `sk` allowed by port 0, if it is enabled.
    #[inline(always)]
    pub(crate) fn trace_autobind(&self, sk: &Sock) {
        if self.tracing() {
            self.emit_trace_autobind(sk);
        }
    }
}

/// The fields of the C description of a request (`struct landlock_net_request`) that come from
/// the address, as the C parser (`landlock_net_parse()`) fills them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RequestFields {
    /// The `LANDLOCK_ACCESS_NET_*` right requested.
    pub(crate) access: u32,
    /// The family of the address, as the stack uses it (`AF_INET` for an `AF_UNSPEC` one).
    pub(crate) family: u16,
    /// The port, in network byte order.
    pub(crate) port: u16,
    /// Whether the port is the local one.
    pub(crate) bind: bool,
    /// Whether `ip` is an IPv6 address (otherwise, its first 4 bytes are an IPv4 one).
    pub(crate) ipv6: bool,
    /// The IP address, in network byte order.
    pub(crate) ip: [u8; 16],
}

/// Returns the fields of the C description of `req` that come from the address, as the C
/// parser (`landlock_net_parse()`) fills them.
pub(crate) fn c_request_fields(access: NetAccess, req: &Request<'_>) -> RequestFields {
    let mut ip = [0u8; 16];
    let ipv6 = match req.addr {
        IpAddr::V4(v4) => {
            ip[..4].copy_from_slice(v4);
            false
        }
        IpAddr::V6(v6) => {
            ip = *v6;
            true
        }
    };
    // The audit record gives the family the stack uses: an AF_UNSPEC address that is checked is
    // read as AF_INET, so that the record shows its address and port.
    let family = if req.family == AF_UNSPEC {
        AF_INET
    } else {
        req.family
    };

    RequestFields {
        access: access.mask(),
        family,
        port: req.port,
        bind: req.intent == Intent::Src,
        ipv6,
        ip,
    }
}

/// Returns the port that [`parse`] checks for the address `addr` (whose length is `addrlen`),
/// if it is a complete `AF_INET` or `AF_INET6` one, which [`parse`] checks whatever the socket's
/// family: the common case, decided without building a request (KUnit `fast_port_is_parse_s`).
/// `None` for every other address, which is left to [`parse`].
#[inline(always)]
pub(crate) fn fast_port(addr: &[u8], addrlen: c_int) -> Option<u16> {
    let sa_family = u16::from_ne_bytes(*field::<2>(addr, 0).ok()?);
    let complete = match sa_family {
        AF_INET => addrlen >= SOCKADDR_IN_LEN,
        #[cfg(CONFIG_IPV6)]
        AF_INET6 => addrlen >= SIN6_LEN_RFC2133,
        _ => false,
    };
    if !complete {
        return None;
    }
    Some(u16::from_ne_bytes(*field::<2>(addr, PORT_OFFSET).ok()?))
}

/// Checks that `subject` may do `op` with the address `addr` on the socket `sk` of kind `kind`.
#[inline(always)]
pub(crate) fn check_access_socket(
    subject: &Subject<'_>,
    sk: &Sock,
    addr: SockAddrRef<'_>,
    op: Operation,
    kind: SockKind,
) -> Result {
    let access = NetAccess::of(op, kind);
    if !subject.handles(access) {
        return Ok(());
    }

    // The common case: an allowed port of a complete address.
    if let Some(port) = fast_port(addr.as_bytes(), addr.addrlen()) {
        if subject.sets().allows(access, port) {
            subject.trace_port(access, port);
            return Ok(());
        }
    }
    check_access_parsed(subject, sk, addr, op, kind)
}

/// Checks a request that [`fast_port`] does not allow: parses it, and checks its port if it has
/// one to check.
#[inline(never)]
pub(crate) fn check_access_parsed(
    subject: &Subject<'_>,
    sk: &Sock,
    addr: SockAddrRef<'_>,
    op: Operation,
    kind: SockKind,
) -> Result {
    // The socket is not locked, so sk_family can change concurrently due to e.g.
    // setsockopt(IPV6_ADDRFORM): the parser only uses it where any family is safe.
    let sock_family = sk.family();
    let req = match parse(addr.as_bytes(), addr.addrlen(), sock_family, op, kind)? {
        Decision::Allow => return Ok(()),
        Decision::Check(req) => req,
    };
    let access = NetAccess::of(op, kind);
    check_port(subject, sk, addr, sock_family, access, &req)
}

/// Checks the port of `req`, the request of `addr` on the socket `sk` read as being of the family
/// `sock_family`.
pub(crate) fn check_port(
    subject: &Subject<'_>,
    sk: &Sock,
    addr: SockAddrRef<'_>,
    sock_family: u16,
    access: NetAccess,
    req: &Request<'_>,
) -> Result {
    if subject.port_allowed(access, req.port) {
        return Ok(());
    }
    // Only a denial needs the description of the request, for the audit record.
    let fields = c_request_fields(access, req);
    subject.deny(&NetRequest::new(sk, addr, sock_family, &fields))
}

/// Checks that the current task may autobind the UDP socket `sk` to an ephemeral port, if it is
/// not bound yet.
///
/// On UDP sockets, if a local port has not already been bound, calling connect() or sending a
/// first datagram has the side effect of autobinding an ephemeral port: we also have to check
/// that the process would have had the right to bind(0) explicitly.
#[inline(always)]
pub(crate) fn check_autobind_udp_socket(subject: &Subject<'_>, sk: &Sock) -> Result {
    if !subject.handles(NetAccess::BindUdp) {
        return Ok(());
    }

    // A socket bound explicitly to a port keeps it until it is released, and cannot autobind:
    // one load, without the socket lock (see `Sock::bindport_locked()`).
    if sk.bindport_locked() {
        return Ok(());
    }

    // A domain that allows bind(0) allows an autobind whatever the socket's state: no need for
    // the socket's port.
    if subject.sets().allows(NetAccess::BindUdp, 0) {
        subject.trace_autobind(sk);
        return Ok(());
    }

    // A socket that has a port (autobound) cannot autobind either: read under the socket lock,
    // which excludes a failing reuseport bind and a disconnection in progress (see
    // `SockGuard::has_port()`).  A disconnection that starts after it may still release the port
    // before the stack autobinds, a window that the socket lock does not close either.
    let has_port = sk.lock_fast().has_port();
    if has_port {
        return Ok(());
    }
    check_autobind_port0(subject, sk)
}

/// Checks that `subject` may bind the socket `sk` to port 0, which has no local port.
#[cold]
#[inline(never)]
pub(crate) fn check_autobind_port0(subject: &Subject<'_>, sk: &Sock) -> Result {
    // Checks what bind() on the wildcard address with port 0 would be, as a request built from
    // one read of the family: port 0 is checked the same whatever the socket becomes
    // (IPV6_ADDRFORM), and the record describes the family read.
    let family = sk.family();
    let port0 = SockAddrStorage::with_family(family);
    check_port(
        subject,
        sk,
        port0.as_addr(),
        family,
        NetAccess::BindUdp,
        &Request::autobind(family),
    )
}
