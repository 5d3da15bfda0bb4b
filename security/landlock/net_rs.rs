// SPDX-License-Identifier: GPL-2.0-only

//! Landlock - Network hooks.
//!
//! This implements the `socket_bind`, `socket_connect` and `socket_sendmsg` LSM hooks, which
//! restrict TCP and UDP sockets according to the `LANDLOCK_ACCESS_NET_*` rights of the current
//! task's domain.
//!
//! The address parsing and the decision order (i.e. which error is returned for which malformed
//! address) are implemented by the pure function `parse()`, which is tested by KUnit.  The
//! domain lookup, the rule check and the logging stay in C (see `net.c` and `net_rs.h`): they are
//! reached through `Subject`, with a request described by scalars.
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
    prelude::*,
    sync::atomic::{
        Atomic,
        Full,
        Relaxed, //
    }, //
};

/// Log prefix for the `pr_*!` macros, which are only used by the KUnit tests.
#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
const __LOG_PREFIX: &[u8] = b"landlock\0";

const AF_UNSPEC: u16 = bindings::AF_UNSPEC as u16;
const AF_INET: u16 = bindings::AF_INET as u16;
const AF_INET6: u16 = bindings::AF_INET6 as u16;

/// `offsetofend(struct sockaddr, sa_family)`: minimal length to read `sa_family`.
const SA_FAMILY_END: c_int = 2;
/// `sizeof(struct sockaddr_in)`: minimal length of an IPv4 address.
const SOCKADDR_IN_LEN: c_int = 16;
/// `SIN6_LEN_RFC2133`: minimal length of an IPv6 address, i.e. the size of an RFC 2133
/// `struct sockaddr_in6`, which had no `sin6_scope_id`.
const SIN6_LEN_RFC2133: c_int = 24;
/// Offset of `sin_port` and `sin6_port`.
const PORT_OFFSET: usize = 2;
/// Offset of `sin_addr`.
const SIN_ADDR_OFFSET: usize = 4;
/// Offset of `sin6_addr`.
#[cfg_attr(not(CONFIG_IPV6), allow(dead_code))]
const SIN6_ADDR_OFFSET: usize = 8;
/// `htonl(INADDR_ANY)`.
const INADDR_ANY: [u8; 4] = [0; 4];

static_assert!(offset_of!(bindings::sockaddr, sa_family) == 0);
static_assert!(size_of::<bindings::sa_family_t>() == SA_FAMILY_END as usize);
static_assert!(size_of::<bindings::sockaddr_in>() == SOCKADDR_IN_LEN as usize);
static_assert!(offset_of!(bindings::sockaddr_in, sin_port) == PORT_OFFSET);
static_assert!(offset_of!(bindings::sockaddr_in, sin_addr) == SIN_ADDR_OFFSET);
static_assert!(offset_of!(bindings::sockaddr_in6, sin6_port) == PORT_OFFSET);
static_assert!(offset_of!(bindings::sockaddr_in6, sin6_addr) == SIN6_ADDR_OFFSET);
static_assert!(offset_of!(bindings::sockaddr_in6, sin6_scope_id) == SIN6_LEN_RFC2133 as usize);

/// Socket operation checked by a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operation {
    /// `bind(2)`, or the implicit bind of an unbound UDP socket (autobind).
    Bind,
    /// `connect(2)`.
    Connect,
    /// `sendmsg(2)` and friends (with an explicit address, or with `MSG_FASTOPEN` for TCP).
    SendMsg,
}

/// Kind of socket, cf. `sk_is_tcp()` and `sk_is_udp()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SockKind {
    Tcp,
    Udp,
}

/// Network access right (one `LANDLOCK_ACCESS_NET_*` bit) required by a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NetAccess {
    BindTcp,
    ConnectTcp,
    BindUdp,
    ConnectSendUdp,
}

impl NetAccess {
    /// Returns the access right required by `op` on a socket of kind `kind`.
    fn of(op: Operation, kind: SockKind) -> Self {
        match (op, kind) {
            (Operation::Bind, SockKind::Tcp) => Self::BindTcp,
            (Operation::Bind, SockKind::Udp) => Self::BindUdp,
            // TCP Fast Open connects with sendmsg(2).
            (Operation::Connect | Operation::SendMsg, SockKind::Tcp) => Self::ConnectTcp,
            (Operation::Connect | Operation::SendMsg, SockKind::Udp) => Self::ConnectSendUdp,
        }
    }

    /// Returns the `LANDLOCK_ACCESS_NET_*` bit.
    fn mask(self) -> u32 {
        match self {
            Self::BindTcp => bindings::LANDLOCK_ACCESS_NET_BIND_TCP,
            Self::ConnectTcp => bindings::LANDLOCK_ACCESS_NET_CONNECT_TCP,
            Self::BindUdp => bindings::LANDLOCK_ACCESS_NET_BIND_UDP,
            Self::ConnectSendUdp => bindings::LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
        }
    }

    /// Returns whether the checked port is the local one (otherwise, it is the remote one).
    fn is_bind(self) -> bool {
        matches!(self, Self::BindTcp | Self::BindUdp)
    }
}

/// IP address of a checked endpoint, in network byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IpAddr<'a> {
    V4(&'a [u8; 4]),
    #[cfg_attr(not(CONFIG_IPV6), allow(dead_code))]
    V6(&'a [u8; 16]),
}

/// Which endpoint of the communication a request designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Intent {
    /// Local endpoint (bind).
    Src,
    /// Remote endpoint (connect or send).
    Dst,
}

/// A port to check against the domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Request<'a> {
    /// `sa_family` of the address: `AF_INET`, `AF_INET6`, or `AF_UNSPEC` when the network stack
    /// treats it as `AF_INET`.
    family: u16,
    /// Port, in network byte order (i.e. the raw `sin_port` or `sin6_port` value, which is also
    /// the rule key).
    port: u16,
    /// IP address, only used for logging.
    addr: IpAddr<'a>,
    /// Endpoint designated by `port` and `addr`.
    intent: Intent,
}

/// Verdict of the address parser, when it does not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision<'a> {
    /// Allowed without checking any rule.
    Allow,
    /// Allowed if the domain allows the port.
    Check(Request<'a>),
    /// Explicit `AF_UNSPEC` destination for a UDP datagram on an IPv6 socket: "no address" for
    /// the IPv6 stack, but an IPv4 destination if the socket becomes IPv4 under us.  Decided by
    /// the ADDRFORM protocol, see [`SockState`].
    UnspecOnInet6,
}

/// Returns the `N` bytes at `offset` in `addr`.
///
/// The callers only read fields that `addrlen` covers, and `addr` holds at least
/// `min(addrlen, SOCKADDR_STORAGE_SIZE)` bytes (cf. `SockAddrRef`), so this never fails for
/// addresses coming from a hook.  It fails with `EINVAL` otherwise.
fn field<const N: usize>(addr: &[u8], offset: usize) -> Result<&[u8; N]> {
    addr.get(offset..offset + N)
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(EINVAL)
}

/// Parses an IPv4 (or `AF_UNSPEC` treated as IPv4) address.
fn parse_in(addr: &[u8], addrlen: c_int) -> Result<(u16, IpAddr<'_>)> {
    if addrlen < SOCKADDR_IN_LEN {
        return Err(EINVAL);
    }
    let port = u16::from_ne_bytes(*field::<2>(addr, PORT_OFFSET)?);
    Ok((port, IpAddr::V4(field::<4>(addr, SIN_ADDR_OFFSET)?)))
}

/// Parses an IPv6 address.
#[cfg(CONFIG_IPV6)]
fn parse_in6(addr: &[u8], addrlen: c_int) -> Result<(u16, IpAddr<'_>)> {
    if addrlen < SIN6_LEN_RFC2133 {
        return Err(EINVAL);
    }
    let port = u16::from_ne_bytes(*field::<2>(addr, PORT_OFFSET)?);
    Ok((port, IpAddr::V6(field::<16>(addr, SIN6_ADDR_OFFSET)?)))
}

/// Parses the address of a request and decides how to check it.
///
/// - `addr`: readable bytes of the address (at least `min(addrlen, SOCKADDR_STORAGE_SIZE)` of
///   them for a well-formed call).
/// - `addrlen`: length of the address as given by the caller.
/// - `sock_family`: snapshot of the socket's family.
/// - `op` and `kind`: checked operation and socket kind.
///
/// This must only be called if the current domain handles `NetAccess::of(op, kind)`: the
/// length checks happen after the domain check, so that non-sandboxed tasks get the errors of
/// the network stack.
///
/// The order of the checks, and thus the returned error for malformed addresses, is the one of
/// the network stack, so that Landlock does not return `EACCES` instead of `EINVAL` or
/// `EAFNOSUPPORT`.
fn parse(
    addr: &[u8],
    addrlen: c_int,
    sock_family: u16,
    op: Operation,
    kind: SockKind,
) -> Result<Decision<'_>> {
    let access = NetAccess::of(op, kind);

    // Checks for minimal header length to safely read sa_family.
    if addrlen < SA_FAMILY_END {
        return Err(EINVAL);
    }
    let sa_family = u16::from_ne_bytes(*field::<2>(addr, 0)?);

    let (port, ip) = match sa_family {
        AF_UNSPEC => {
            match access {
                // Connecting to an AF_UNSPEC address dissolves the remote association while
                // retaining the socket object (i.e. the file descriptor).  For TCP, it has the
                // same effect as closing the connection.  For UDP, it removes any preset remote
                // address.  As for dropping privileges, these actions are always allowed.  Let
                // the network stack handle potential inconsistencies and return -EINVAL if
                // needed.
                NetAccess::ConnectTcp => return Ok(Decision::Allow),
                NetAccess::ConnectSendUdp if op == Operation::Connect => {
                    return Ok(Decision::Allow)
                }
                NetAccess::ConnectSendUdp => {
                    // IPv6 sockets treat an AF_UNSPEC destination as "no address", but the
                    // socket's family can change under our feet (if another thread calls
                    // setsockopt(IPV6_ADDRFORM)) to IPv4, which would then treat it as AF_INET.
                    // The caller resolves this with the socket's state.
                    if sock_family == AF_INET6 {
                        return Ok(Decision::UnspecOnInet6);
                    }
                }
                NetAccess::BindTcp | NetAccess::BindUdp => {
                    // Binding to an AF_UNSPEC address is treated differently by IPv4 and IPv6
                    // sockets.  The socket's family may change under our feet due to
                    // setsockopt(IPV6_ADDRFORM), but that's ok: we either reject entirely for
                    // IPv6 or require the bind access right for IPv4, so it cannot be used to
                    // bypass the policy.
                    //
                    // IPv4 sockets map AF_UNSPEC to AF_INET for retrocompatibility for bind
                    // accesses, only if the address is INADDR_ANY (cf. __inet_bind).  IPv6
                    // sockets always reject it.
                    //
                    // Checking the address is required to not wrongfully return -EACCES instead
                    // of -EAFNOSUPPORT or -EINVAL.
                    if sock_family == AF_INET {
                        if addrlen < SOCKADDR_IN_LEN {
                            return Err(EINVAL);
                        }
                        if *field::<4>(addr, SIN_ADDR_OFFSET)? != INADDR_ANY {
                            return Err(EAFNOSUPPORT);
                        }
                    } else if addrlen < SIN6_LEN_RFC2133 {
                        return Err(EINVAL);
                    } else {
                        return Err(EAFNOSUPPORT);
                    }
                }
            }
            // AF_UNSPEC is treated as AF_INET only in bind(AF_UNSPEC+INADDR_ANY) on IPv4
            // sockets and when sending to AF_UNSPEC addresses on IPv4 sockets.
            parse_in(addr, addrlen)?
        }
        AF_INET if sock_family == AF_INET6 && access == NetAccess::ConnectSendUdp => {
            // Dual-stack: an IPv6 UDP socket connects or sends to an IPv4 destination as an
            // IPv4 socket would (cf. udpv6_pre_connect() and udpv6_sendmsg()), so the port is
            // checked as an IPv4 one.  A v6-only socket, or an address too short for
            // struct sockaddr_in, is rejected by the stack whatever the port: let it give its
            // own error.  This stays true if the socket becomes IPv4 under us.
            if addrlen < SOCKADDR_IN_LEN {
                return Ok(Decision::Allow);
            }
            let (port, ip) = parse_in(addr, addrlen)?;
            return Ok(Decision::Check(Request {
                family: AF_INET,
                port,
                addr: ip,
                intent: Intent::Dst,
            }));
        }
        AF_INET => parse_in(addr, addrlen)?,
        #[cfg(CONFIG_IPV6)]
        AF_INET6 => parse_in6(addr, addrlen)?,
        _ => return Ok(Decision::Allow),
    };

    // Checks sa_family consistency to not wrongfully return -EACCES instead of -EINVAL.  Valid
    // sa_family changes are only (from AF_INET or AF_INET6) to AF_UNSPEC.
    if sa_family != sock_family && sa_family != AF_UNSPEC {
        return Err(EINVAL);
    }

    Ok(Decision::Check(Request {
        family: sa_family,
        port,
        addr: ip,
        intent: if access.is_bind() {
            Intent::Src
        } else {
            Intent::Dst
        },
    }))
}

/// Returns whether `connect(2)` on a UDP socket may autobind it, given the `sa_family` of the
/// destination (`None` if unreadable) and the length given by the caller.
///
/// Connecting to an `AF_UNSPEC` address does not trigger an autobind and should never be
/// restricted.
fn connect_may_autobind(family: Option<u16>, addrlen: c_int) -> bool {
    // The C code compares `addrlen` to `offsetofend(struct sockaddr, sa_family)` as a `size_t`,
    // so negative lengths (only possible for in-kernel callers) pass this check.  Their
    // `sa_family` is not readable here, and they are conservatively treated as non-AF_UNSPEC.
    let long_enough = !(0..SA_FAMILY_END).contains(&addrlen);
    long_enough && family != Some(AF_UNSPEC)
}

/// Landlock's state of a socket: one `u32` in the socket's LSM blob (`lbs_sock`).
///
/// # Layout
///
/// The word is zeroed by the LSM core when the socket is allocated (`lsm_sk_alloc()`), and its
/// bits are only ever set, never cleared, for the life of the socket:
///
/// - [`Self::PORT_PINNED`]: the socket has a local port that it keeps until it is released, i.e.
///   `inet_num != 0` with `SOCK_BINDPORT_LOCK` (an explicit `bind(2)` to a non-zero port), as
///   observed under the socket lock by the `socket_connect` or `socket_sendmsg` hook of a task
///   whose domain handles `LANDLOCK_ACCESS_NET_BIND_UDP`.  Such a socket cannot autobind any more,
///   so these hooks skip the autobind check, and the socket lock, with one atomic load.
///   Autobound ports (and ports bound to 0) are not pinned: a disconnect releases them (cf.
///   `__udp_disconnect()`), and the next connect or send autobinds again.
/// - [`Self::ADDRFORM`]: `setsockopt(IPV6_ADDRFORM)` was called on this IPv6 UDP socket, by any
///   task, whether or not the conversion to IPv4 then succeeded.  Set by the `socket_setsockopt`
///   hook before the conversion can happen.
/// - [`Self::UNSPEC_SENT`]: a task whose domain handles `LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP`
///   sent a datagram to an explicit `AF_UNSPEC` destination on this IPv6 UDP socket, and it was
///   allowed as "no address".  Set by the `socket_sendmsg` hook.
///
/// `sk_clone_security` copies the word, except [`Self::PORT_PINNED`]: a clone does not inherit
/// `SOCK_BINDPORT_LOCK` (cf. `sk_clone_lock()`).
///
/// # The ADDRFORM protocol
///
/// An IPv6 UDP socket treats an `AF_UNSPEC` destination as "no address" (the connected peer,
/// already checked by `socket_connect`, or `EDESTADDRREQ`), but an IPv4 one treats it as
/// `AF_INET`, and `IPV6_ADDRFORM` turns the former into the latter at any time, the socket being
/// unlocked in `socket_sendmsg`.  Allowing such a send without checking any port is only safe if
/// the socket cannot become IPv4 before the stack reads its family.  So:
///
/// - `socket_sendmsg` sets [`Self::UNSPEC_SENT`] and reads [`Self::ADDRFORM`] in the same atomic
///   read-modify-write: if it is set, the destination is checked as `AF_INET`; otherwise it is
///   allowed as "no address".
/// - `socket_setsockopt(IPV6_ADDRFORM)` sets [`Self::ADDRFORM`] and reads [`Self::UNSPEC_SENT`]
///   in the same way: if it is set, the conversion is denied (with the `net.ipv6_addrform_udp`
///   blocker) to a task whose domain handles `LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP`.
///
/// Both read-modify-writes are on the same word, so they are totally ordered: the later one
/// always sees the earlier one's bit.  Either the send is checked as `AF_INET`, or the
/// conversion is denied, or both; a datagram can never reach an unchecked IPv4 port.  No other
/// ordering is needed, and a send that finds [`Self::UNSPEC_SENT`] already set may skip the write
/// (a load that sees it set is ordered after the write that set it).  The price of this
/// simplicity is that the flags are sticky: once an `AF_UNSPEC` send was allowed on a socket, a
/// sandboxed task can no longer convert it, and once a conversion was attempted, `AF_UNSPEC`
/// destinations are checked as `AF_INET` even if the socket stayed IPv6.
///
/// A task whose domain does not handle the right may still convert the socket: it could send to
/// any port itself, and Landlock does not restrict it.
struct SockState<'a>(&'a Atomic<u32>);

/// How to treat an explicit `AF_UNSPEC` destination on an IPv6 UDP socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UnspecAs {
    /// As the IPv6 stack does: no address.
    NoAddress,
    /// As an `AF_INET` destination (`struct sockaddr_in` layout).
    Inet,
}

impl<'a> SockState<'a> {
    const PORT_PINNED: u32 = 1 << 0;
    const ADDRFORM: u32 = 1 << 1;
    const UNSPEC_SENT: u32 = 1 << 2;
    /// Bits that a clone inherits.
    const CLONED: u32 = Self::ADDRFORM | Self::UNSPEC_SENT;

    /// Returns the state of `sk`.
    fn of(sk: &'a Sock) -> Self {
        // SAFETY: `sk` is valid, and this only computes the address of its Landlock blob.
        let ptr = unsafe { bindings::landlock_net_rs_sock_state(sk.as_ptr()) };
        // SAFETY: The blob is allocated with the socket and freed with it, so it lives as long as
        // `sk` is borrowed; it is aligned (LSM blob offsets are aligned to pointers), initialised
        // (zeroed), and only accessed through this type, with atomic operations, so there is no
        // data race.
        Self(unsafe { Atomic::from_ptr(ptr) })
    }

    /// Sets `bits` and returns the previous value of the word.
    fn set(&self, bits: u32) -> u32 {
        let mut old = self.0.load(Relaxed);
        while old & bits != bits {
            match self.0.cmpxchg(old, old | bits, Full) {
                Ok(_) => break,
                Err(cur) => old = cur,
            }
        }
        old
    }

    /// Returns whether the socket is known to keep its local port.
    fn port_pinned(&self) -> bool {
        self.0.load(Relaxed) & Self::PORT_PINNED != 0
    }

    /// Records that the socket keeps its local port.
    fn pin_port(&self) {
        self.set(Self::PORT_PINNED);
    }

    /// The `socket_sendmsg` side of the ADDRFORM protocol.
    fn send_unspec(&self) -> UnspecAs {
        unspec_as(self.set(Self::UNSPEC_SENT))
    }

    /// The `socket_setsockopt(IPV6_ADDRFORM)` side of the ADDRFORM protocol: returns whether a
    /// task whose domain handles `LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP` must be denied.
    fn convert(&self) -> bool {
        addrform_conflicts(self.set(Self::ADDRFORM))
    }

    /// Copies the inheritable state to a clone.
    fn clone_to(&self, new: &SockState<'_>) {
        new.0.store(self.0.load(Relaxed) & Self::CLONED, Relaxed);
    }
}

/// Decides how an `AF_UNSPEC` destination is treated, given the state word before the send set
/// [`SockState::UNSPEC_SENT`].
fn unspec_as(prev: u32) -> UnspecAs {
    if prev & SockState::ADDRFORM != 0 {
        UnspecAs::Inet
    } else {
        UnspecAs::NoAddress
    }
}

/// Decides whether an `IPV6_ADDRFORM` conversion conflicts with an allowed `AF_UNSPEC` send, given
/// the state word before the conversion set [`SockState::ADDRFORM`].
fn addrform_conflicts(prev: u32) -> bool {
    prev & SockState::UNSPEC_SENT != 0
}

/// Returns whether a socket with this local port keeps it until it is released.
fn is_pinned(port: kernel::net::socket::LocalPort) -> bool {
    port.num != 0 && port.user_locked
}

/// Checks that the current task may convert the IPv6 UDP socket `sk` to IPv4.
fn check_addrform(sk: &Sock) -> Result {
    if !SockState::of(sk).convert() {
        return Ok(());
    }
    match Subject::get(NetAccess::ConnectSendUdp) {
        Some(subject) => subject.deny_addrform(sk),
        None => Ok(()),
    }
}

/// Landlock credential of the current task, whose domain handles some network access right.
///
/// # Invariants
///
/// `self.0` is a non-null pointer returned by `landlock_net_rs_get_subject()` during the
/// current LSM hook call.  It points into the current task's credentials, which the task cannot
/// replace while running the hook, so it stays valid for the lifetime of this value, which never
/// outlives the hook call.
struct Subject(*const bindings::landlock_cred_security);

impl Subject {
    /// Returns the current subject if its domain handles `access`.
    fn get(access: NetAccess) -> Option<Self> {
        // SAFETY: `landlock_net_rs_get_subject()` only requires to be called in task context,
        // which is the case of the socket hooks.
        let ptr = unsafe { bindings::landlock_net_rs_get_subject(access.mask()) };
        // INVARIANT: `ptr` is checked to be non-null, and `Subject` values are only created and
        // dropped within a hook call.
        (!ptr.is_null()).then_some(Self(ptr))
    }

    /// Returns whether the domain allows `port` (network byte order) for `access`.
    fn port_allowed(&self, access: NetAccess, port: u16) -> bool {
        // SAFETY: `self.0` is a valid subject by the type invariant, obtained for `access` (cf.
        // `check_access_socket()`).
        unsafe { bindings::landlock_net_rs_port_allowed(self.0, access.mask(), port) }
    }

    /// Logs the denial of `req` (denied by [`Self::port_allowed`]) and returns `EACCES`.
    fn deny_port(&self, req: &bindings::landlock_net_rs_request) -> Result {
        // SAFETY: `self.0` is a valid subject by the type invariant, obtained for `req.access`
        // (cf. `check_access_socket()`).  `req` is a valid reference, whose `sk` and `address`
        // (with `addrlen`) come from the views of the hook arguments (or from a live
        // `SockAddrStorage`), which outlive this call.
        to_result(unsafe { bindings::landlock_net_rs_deny_port(self.0, req) })
    }

    /// Logs a denial of `setsockopt(IPV6_ADDRFORM)` on `sk` and returns `EACCES`.
    fn deny_addrform(&self, sk: &Sock) -> Result {
        // SAFETY: `self.0` is a valid subject by the type invariant, obtained for
        // `NetAccess::ConnectSendUdp` (cf. `check_addrform()`), and `sk` is valid for the
        // duration of the call.
        to_result(unsafe { bindings::landlock_net_rs_deny_addrform(self.0, sk.as_ptr()) })
    }
}

/// Builds the C description of a denied request for `landlock_net_rs_deny_port()`.
fn c_request(
    sk: &Sock,
    addr: SockAddrRef<'_>,
    sock_family: u16,
    access: NetAccess,
    req: &Request<'_>,
) -> bindings::landlock_net_rs_request {
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

    bindings::landlock_net_rs_request {
        address: addr.as_ptr(),
        addrlen: addr.addrlen(),
        sk: sk.as_ptr(),
        access: access.mask(),
        socket_family: sock_family,
        family,
        port: req.port,
        bind: req.intent == Intent::Src,
        ipv6,
        ip,
    }
}

/// Checks that the current task may do `op` with the address `addr` on the socket `sk` of kind
/// `kind`.
fn check_access_socket(sk: &Sock, addr: SockAddrRef<'_>, op: Operation, kind: SockKind) -> Result {
    let access = NetAccess::of(op, kind);
    let Some(subject) = Subject::get(access) else {
        return Ok(());
    };

    // The socket is not locked, so sk_family can change concurrently due to e.g.
    // setsockopt(IPV6_ADDRFORM).
    let sock_family = sk.family();

    let req = match parse(addr.as_bytes(), addr.addrlen(), sock_family, op, kind)? {
        Decision::Allow => return Ok(()),
        Decision::Check(req) => req,
        Decision::UnspecOnInet6 => match SockState::of(sk).send_unspec() {
            UnspecAs::NoAddress => return Ok(()),
            UnspecAs::Inet => {
                let (port, ip) = parse_in(addr.as_bytes(), addr.addrlen())?;
                Request {
                    family: AF_UNSPEC,
                    port,
                    addr: ip,
                    intent: Intent::Dst,
                }
            }
        },
    };
    if subject.port_allowed(access, req.port) {
        return Ok(());
    }
    // Only a denial needs the description of the request, for the audit record.
    subject.deny_port(&c_request(sk, addr, sock_family, access, &req))
}

/// Checks that the current task may autobind the UDP socket `sk` to an ephemeral port, if it is
/// not bound yet.
///
/// On UDP sockets, if a local port has not already been bound, calling connect() or sending a
/// first datagram has the side effect of autobinding an ephemeral port: we also have to check
/// that the process would have had the right to bind(0) explicitly.
fn check_autobind_udp_socket(sk: &Sock) -> Result {
    // The common case, whoever the caller is: one atomic load.  A socket that keeps its port
    // cannot autobind.
    let state = SockState::of(sk);
    if state.port_pinned() {
        return Ok(());
    }

    // Quick return for non-Landlocked tasks.
    if Subject::get(NetAccess::BindUdp).is_none() {
        return Ok(());
    }

    // Read under the socket lock, see `Sock::locked_local_port()`.
    let port = sk.locked_local_port();
    if port.num != 0 {
        if is_pinned(port) {
            state.pin_port();
        }
        return Ok(());
    }

    // Pretends the process tried to bind() on the wildcard address with port 0.
    let port0 = SockAddrStorage::with_family(sk.family());
    check_access_socket(sk, port0.as_addr(), Operation::Bind, SockKind::Udp)
}

/// Returns the kind of `sk`, or `None` if Landlock does not restrict it.
fn sock_kind(sk: &Sock) -> Option<SockKind> {
    if sk.is_tcp() {
        Some(SockKind::Tcp)
    } else if sk.is_udp() {
        Some(SockKind::Udp)
    } else {
        None
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
/// Must only be called by the LSM framework as the `socket_bind` hook: `sock` is a valid socket
/// with a `struct sock`, and `address` is valid for reads of `addrlen` bytes (or of
/// `sizeof(struct sockaddr_storage)` bytes if `addrlen` is larger), for the duration of the call.
#[export]
pub unsafe extern "C" fn landlock_rs_socket_bind(
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
) -> c_int {
    // SAFETY: The LSM framework calls this hook with the arguments that `addr_hook_args()`
    // requires, valid for the duration of the call (see the safety requirements above).
    let Some((sk, addr, kind)) = (unsafe { addr_hook_args(sock, address, addrlen) }) else {
        return 0;
    };
    to_c(check_access_socket(sk, addr, Operation::Bind, kind))
}

/// The `socket_connect` LSM hook.
///
/// # Safety
///
/// Must only be called by the LSM framework as the `socket_connect` hook: `sock` is a valid
/// socket with a `struct sock`, and `address` is valid for reads of `addrlen` bytes (or of
/// `sizeof(struct sockaddr_storage)` bytes if `addrlen` is larger), for the duration of the call.
#[export]
pub unsafe extern "C" fn landlock_rs_socket_connect(
    sock: *mut bindings::socket,
    address: *mut bindings::sockaddr,
    addrlen: c_int,
) -> c_int {
    // SAFETY: The LSM framework calls this hook with the arguments that `addr_hook_args()`
    // requires, valid for the duration of the call (see the safety requirements above).
    let Some((sk, addr, kind)) = (unsafe { addr_hook_args(sock, address, addrlen) }) else {
        return 0;
    };
    let mut ret = check_access_socket(sk, addr, Operation::Connect, kind);

    // connect()ing to an AF_UNSPEC address does not trigger an autobind and should never be
    // restricted.
    if ret.is_ok() && kind == SockKind::Udp && connect_may_autobind(addr.family(), addr.addrlen()) {
        ret = check_autobind_udp_socket(sk);
    }

    to_c(ret)
}

/// The `socket_sendmsg` LSM hook.
///
/// # Safety
///
/// Must only be called by the LSM framework as the `socket_sendmsg` hook: `sock` is a valid
/// socket with a `struct sock`, and `msg` is a valid message header whose `msg_name`, if not
/// null, is a kernel buffer valid for reads of `msg_namelen` bytes (or of
/// `sizeof(struct sockaddr_storage)` bytes if `msg_namelen` is larger), for the duration of the
/// call.
#[export]
pub unsafe extern "C" fn landlock_rs_socket_sendmsg(
    sock: *mut bindings::socket,
    msg: *mut bindings::msghdr,
    _size: c_int,
) -> c_int {
    // SAFETY: Per the safety requirements, `sock` and its `sk` are valid for the duration of the
    // call (the caller holds a reference on the socket's file).
    let sk = unsafe { Socket::from_raw(sock) }.sk();

    // SAFETY: Per the safety requirements, `msg` is valid, and its `msg_name` is a kernel copy of
    // the destination address (cf. `copy_msghdr_from_user()` and `__sys_sendto()`) valid for
    // reads of the required bytes.  None of them is written during the call.
    let msg = unsafe { MsgHdr::from_raw(msg) };
    let address = msg.name();

    if msg.flags() & bindings::MSG_FASTOPEN != 0 {
        if let Some(addr) = address {
            if sk.is_tcp() {
                if let Err(err) = check_access_socket(sk, addr, Operation::SendMsg, SockKind::Tcp) {
                    return err.to_errno();
                }
            }
        }
    }

    if !sk.is_udp() {
        return 0;
    }

    let mut ret = match address {
        Some(addr) => check_access_socket(sk, addr, Operation::SendMsg, SockKind::Udp),
        None => Ok(()),
    };

    if ret.is_ok() {
        ret = check_autobind_udp_socket(sk);
    }

    to_c(ret)
}

/// The `socket_setsockopt` LSM hook.
///
/// # Safety
///
/// Must only be called by the LSM framework as the `socket_setsockopt` hook: `sock` is a valid
/// socket with a `struct sock`, for the duration of the call.
#[export]
pub unsafe extern "C" fn landlock_rs_socket_setsockopt(
    sock: *mut bindings::socket,
    level: c_int,
    optname: c_int,
) -> c_int {
    if level != bindings::SOL_IPV6 as c_int || optname != bindings::IPV6_ADDRFORM as c_int {
        return 0;
    }

    // SAFETY: Per the safety requirements, `sock` and its `sk` are valid for the duration of the
    // call (the caller holds a reference on the socket's file).
    let sk = unsafe { Socket::from_raw(sock) }.sk();
    if !sk.is_udp() || sk.family() != AF_INET6 {
        return 0;
    }
    to_c(check_addrform(sk))
}

/// The `sk_clone_security` LSM hook.
///
/// # Safety
///
/// Must only be called by the LSM framework as the `sk_clone_security` hook: `sk` and `newsk`
/// are valid sockets, for the duration of the call.
#[export]
pub unsafe extern "C" fn landlock_rs_sk_clone_security(
    sk: *const bindings::sock,
    newsk: *mut bindings::sock,
) {
    // SAFETY: Per the safety requirements, `sk` and `newsk` are valid for the duration of the
    // call.
    let (sk, newsk) = unsafe { (Sock::from_raw(sk), Sock::from_raw(newsk)) };
    SockState::of(sk).clone_to(&SockState::of(newsk));
}

#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
#[kunit_tests(landlock_net_rust)]
mod tests {
    use super::*;
    use kernel::net::socket::SOCKADDR_STORAGE_SIZE;

    const AF_UNIX: u16 = bindings::AF_UNIX as u16;
    /// Not an address family.
    const AF_BOGUS: u16 = 0xffff;

    const FAMILIES: [u16; 5] = [AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, AF_BOGUS];
    const LENGTHS: [c_int; 9] = [0, 1, 2, 15, 16, 23, 24, 28, 128];
    const OPERATIONS: [Operation; 3] = [Operation::Bind, Operation::Connect, Operation::SendMsg];
    const KINDS: [SockKind; 2] = [SockKind::Tcp, SockKind::Udp];
    const SOCK_FAMILIES: [u16; 2] = [AF_INET, AF_INET6];

    /// Raw port of the test addresses (network byte order: 0x1234 = 4660).
    const PORT_BYTES: [u8; 2] = [0x12, 0x34];

    /// Returns a full-size test address: `family`, port 4660, and either a non-wildcard address
    /// (bytes 4 to 23 covering both `sin_addr` and `sin6_addr`) or the wildcard one.
    fn test_addr(family: u16, wildcard: bool) -> [u8; SOCKADDR_STORAGE_SIZE] {
        let mut buf = [0u8; SOCKADDR_STORAGE_SIZE];
        for (i, byte) in buf.iter_mut().enumerate() {
            // Never zero, and different for each offset.
            *byte = 0x40 + (i as u8 & 0x7f);
        }
        buf[..2].copy_from_slice(&family.to_ne_bytes());
        buf[2..4].copy_from_slice(&PORT_BYTES);
        if wildcard {
            buf[4..24].fill(0);
        }
        buf
    }

    /// Summary of a parser outcome, independent of the address bytes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Outcome {
        Allow,
        /// Mainline only: denied without checking any rule.
        DenyUnspec,
        UnspecOnInet6,
        Check {
            family: u16,
            v6: bool,
            intent: Intent,
        },
        Fail(Error),
        /// The port or the IP address of a `Check` does not come from the right offsets.
        BadFields,
    }

    /// Mainline's verdict for a domain handling the requested access, transcribed from
    /// `current_check_access_socket()` in Linux 7.3.
    fn mainline(
        family: u16,
        addrlen: c_int,
        op: Operation,
        kind: SockKind,
        sock_family: u16,
        wildcard: bool,
    ) -> Outcome {
        let intent = if op == Operation::Bind {
            Intent::Src
        } else {
            Intent::Dst
        };

        if addrlen < 2 {
            return Outcome::Fail(EINVAL);
        }

        match family {
            AF_UNSPEC => match (op, kind) {
                // Disconnection (connect), or TCP Fast Open (sendmsg on TCP).
                (Operation::Connect, _) | (Operation::SendMsg, SockKind::Tcp) => Outcome::Allow,
                (Operation::SendMsg, SockKind::Udp) => {
                    if sock_family == AF_INET6 {
                        Outcome::DenyUnspec
                    } else if addrlen < 16 {
                        Outcome::Fail(EINVAL)
                    } else {
                        Outcome::Check {
                            family: AF_UNSPEC,
                            v6: false,
                            intent,
                        }
                    }
                }
                (Operation::Bind, _) => {
                    if sock_family != AF_INET {
                        if addrlen < 24 {
                            Outcome::Fail(EINVAL)
                        } else {
                            Outcome::Fail(EAFNOSUPPORT)
                        }
                    } else if addrlen < 16 {
                        Outcome::Fail(EINVAL)
                    } else if !wildcard {
                        Outcome::Fail(EAFNOSUPPORT)
                    } else {
                        Outcome::Check {
                            family: AF_UNSPEC,
                            v6: false,
                            intent,
                        }
                    }
                }
            },
            AF_INET => {
                if addrlen < 16 || sock_family != AF_INET {
                    Outcome::Fail(EINVAL)
                } else {
                    Outcome::Check {
                        family: AF_INET,
                        v6: false,
                        intent,
                    }
                }
            }
            AF_INET6 if cfg!(CONFIG_IPV6) => {
                if addrlen < 24 || sock_family != AF_INET6 {
                    Outcome::Fail(EINVAL)
                } else {
                    Outcome::Check {
                        family: AF_INET6,
                        v6: true,
                        intent,
                    }
                }
            }
            // Unknown families, and AF_INET6 without IPv6 support.
            _ => Outcome::Allow,
        }
    }

    /// Our verdict: mainline's, but for the two cases where this series follows the network
    /// stack instead of refusing.
    fn expected(
        family: u16,
        addrlen: c_int,
        op: Operation,
        kind: SockKind,
        sock_family: u16,
        wildcard: bool,
    ) -> Outcome {
        let udp_dst = kind == SockKind::Udp && op != Operation::Bind;
        match mainline(family, addrlen, op, kind, sock_family, wildcard) {
            // AF_UNSPEC destination on an IPv6 UDP socket: resolved by the ADDRFORM protocol.
            Outcome::DenyUnspec => Outcome::UnspecOnInet6,
            // Dual-stack: IPv4 destination on an IPv6 UDP socket.
            Outcome::Fail(_)
                if udp_dst && family == AF_INET && sock_family == AF_INET6 && addrlen >= 2 =>
            {
                if addrlen < 16 {
                    Outcome::Allow
                } else {
                    Outcome::Check {
                        family: AF_INET,
                        v6: false,
                        intent: Intent::Dst,
                    }
                }
            }
            outcome => outcome,
        }
    }

    /// Summarises a parser outcome, checking that the port and address of a `Check` are read at
    /// the right offsets of `buf`.
    fn outcome(result: Result<Decision<'_>>, buf: &[u8]) -> Outcome {
        match result {
            Err(err) => Outcome::Fail(err),
            Ok(Decision::Allow) => Outcome::Allow,
            Ok(Decision::UnspecOnInet6) => Outcome::UnspecOnInet6,
            Ok(Decision::Check(req)) => {
                let (v6, ip_ok) = match req.addr {
                    IpAddr::V4(ip) => (false, ip[..] == buf[4..8]),
                    IpAddr::V6(ip) => (true, ip[..] == buf[8..24]),
                };
                if req.port != u16::from_ne_bytes(PORT_BYTES) || !ip_ok {
                    return Outcome::BadFields;
                }
                Outcome::Check {
                    family: req.family,
                    v6,
                    intent: req.intent,
                }
            }
        }
    }

    #[test]
    fn parse_matches_mainline() {
        let mut checked = 0u32;
        let mut failures = 0u32;

        for family in FAMILIES {
            for wildcard in [false, true] {
                let buf = test_addr(family, wildcard);
                for addrlen in LENGTHS {
                    let bytes = &buf[..addrlen as usize];
                    for op in OPERATIONS {
                        for kind in KINDS {
                            for sock_family in SOCK_FAMILIES {
                                let got =
                                    outcome(parse(bytes, addrlen, sock_family, op, kind), &buf);
                                let want =
                                    expected(family, addrlen, op, kind, sock_family, wildcard);
                                checked += 1;
                                if got != want {
                                    failures += 1;
                                    pr_err!(
                                        "family={} wildcard={} addrlen={} op={:?} kind={:?} \
                                         sock_family={}: got {:?}, want {:?}\n",
                                        family,
                                        wildcard,
                                        addrlen,
                                        op,
                                        kind,
                                        sock_family,
                                        got,
                                        want
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }

        assert_eq!(checked, 5 * 2 * 9 * 3 * 2 * 2);
        assert_eq!(failures, 0);
    }

    #[test]
    fn unspec_disconnect_is_always_allowed() {
        let buf = test_addr(AF_UNSPEC, false);
        for kind in KINDS {
            for sock_family in SOCK_FAMILIES {
                for addrlen in [2, 16, 128] {
                    let bytes = &buf[..addrlen as usize];
                    assert_eq!(
                        parse(bytes, addrlen, sock_family, Operation::Connect, kind),
                        Ok(Decision::Allow)
                    );
                }
            }
        }
    }

    #[test]
    fn unspec_udp_send() {
        let buf = test_addr(AF_UNSPEC, false);
        let port = u16::from_ne_bytes(PORT_BYTES);

        // Left to the ADDRFORM protocol on IPv6 sockets, whatever the length.
        for addrlen in [2, 16, 24, 128] {
            assert_eq!(
                parse(
                    &buf[..addrlen as usize],
                    addrlen,
                    AF_INET6,
                    Operation::SendMsg,
                    SockKind::Udp
                ),
                Ok(Decision::UnspecOnInet6)
            );
        }

        // Treated as AF_INET on IPv4 sockets.
        assert_eq!(
            parse(&buf[..15], 15, AF_INET, Operation::SendMsg, SockKind::Udp),
            Err(EINVAL)
        );
        let ip = [buf[4], buf[5], buf[6], buf[7]];
        assert_eq!(
            parse(&buf[..16], 16, AF_INET, Operation::SendMsg, SockKind::Udp),
            Ok(Decision::Check(Request {
                family: AF_UNSPEC,
                port,
                addr: IpAddr::V4(&ip),
                intent: Intent::Dst,
            }))
        );
    }

    #[test]
    fn unspec_bind() {
        let any = test_addr(AF_UNSPEC, true);
        let not_any = test_addr(AF_UNSPEC, false);
        let port = u16::from_ne_bytes(PORT_BYTES);

        for kind in KINDS {
            // IPv4 sockets: only INADDR_ANY is accepted (as AF_INET).
            assert_eq!(
                parse(&any[..15], 15, AF_INET, Operation::Bind, kind),
                Err(EINVAL)
            );
            assert_eq!(
                parse(&not_any[..16], 16, AF_INET, Operation::Bind, kind),
                Err(EAFNOSUPPORT)
            );
            assert_eq!(
                parse(&any[..16], 16, AF_INET, Operation::Bind, kind),
                Ok(Decision::Check(Request {
                    family: AF_UNSPEC,
                    port,
                    addr: IpAddr::V4(&INADDR_ANY),
                    intent: Intent::Src,
                }))
            );

            // IPv6 sockets: always rejected, with an error depending on the length.
            assert_eq!(
                parse(&any[..23], 23, AF_INET6, Operation::Bind, kind),
                Err(EINVAL)
            );
            assert_eq!(
                parse(&any[..24], 24, AF_INET6, Operation::Bind, kind),
                Err(EAFNOSUPPORT)
            );
        }
    }

    #[test]
    fn family_mismatch() {
        let in4 = test_addr(AF_INET, false);
        let in6 = test_addr(AF_INET6, false);

        assert_eq!(
            parse(&in4[..16], 16, AF_INET6, Operation::Connect, SockKind::Tcp),
            Err(EINVAL)
        );
        assert_eq!(
            parse(&in6[..24], 24, AF_INET, Operation::Connect, SockKind::Tcp),
            if cfg!(CONFIG_IPV6) {
                Err(EINVAL)
            } else {
                Ok(Decision::Allow)
            }
        );
    }

    #[test]
    fn unknown_families_are_allowed() {
        for family in [AF_UNIX, AF_BOGUS] {
            let buf = test_addr(family, false);
            for op in OPERATIONS {
                for kind in KINDS {
                    assert_eq!(parse(&buf[..2], 2, AF_INET, op, kind), Ok(Decision::Allow));
                }
            }
        }
    }

    #[test]
    fn addrlen_out_of_range() {
        let buf = test_addr(AF_INET, false);

        // Negative lengths are rejected before reading anything.
        assert_eq!(
            parse(&[], -1, AF_INET, Operation::Bind, SockKind::Tcp),
            Err(EINVAL)
        );

        // Lengths larger than the readable bytes (only possible for in-kernel callers) behave as
        // the full-size address.
        assert_eq!(
            parse(&buf, 1000, AF_INET, Operation::Bind, SockKind::Tcp),
            parse(&buf, 128, AF_INET, Operation::Bind, SockKind::Tcp)
        );

        // Inconsistent views (fewer bytes than the fields covered by addrlen) fail instead of
        // reading out of bounds.
        assert_eq!(
            parse(&buf[..6], 16, AF_INET, Operation::Bind, SockKind::Tcp),
            Err(EINVAL)
        );
        assert_eq!(
            parse(&buf[..1], 2, AF_INET, Operation::Bind, SockKind::Tcp),
            Err(EINVAL)
        );
    }

    #[test]
    fn autobind_address() {
        let in4 = SockAddrStorage::with_family(AF_INET);
        let addr = in4.as_addr();
        assert_eq!(addr.addrlen(), SOCKADDR_STORAGE_SIZE as c_int);
        assert_eq!(addr.family(), Some(AF_INET));
        assert_eq!(
            parse(
                addr.as_bytes(),
                addr.addrlen(),
                AF_INET,
                Operation::Bind,
                SockKind::Udp
            ),
            Ok(Decision::Check(Request {
                family: AF_INET,
                port: 0,
                addr: IpAddr::V4(&INADDR_ANY),
                intent: Intent::Src,
            }))
        );

        let in6 = SockAddrStorage::with_family(AF_INET6);
        let addr = in6.as_addr();
        if cfg!(CONFIG_IPV6) {
            assert_eq!(
                parse(
                    addr.as_bytes(),
                    addr.addrlen(),
                    AF_INET6,
                    Operation::Bind,
                    SockKind::Udp
                ),
                Ok(Decision::Check(Request {
                    family: AF_INET6,
                    port: 0,
                    addr: IpAddr::V6(&[0; 16]),
                    intent: Intent::Src,
                }))
            );
            // The socket family changed (IPV6_ADDRFORM) between the two reads.
            assert_eq!(
                parse(
                    addr.as_bytes(),
                    addr.addrlen(),
                    AF_INET,
                    Operation::Bind,
                    SockKind::Udp
                ),
                Err(EINVAL)
            );
        }
    }

    #[test]
    fn connect_autobind_condition() {
        assert!(!connect_may_autobind(None, 0));
        assert!(!connect_may_autobind(None, 1));
        assert!(!connect_may_autobind(Some(AF_UNSPEC), 2));
        assert!(!connect_may_autobind(Some(AF_UNSPEC), 128));
        assert!(connect_may_autobind(Some(AF_INET), 2));
        assert!(connect_may_autobind(Some(AF_INET6), 28));
        assert!(connect_may_autobind(Some(AF_UNIX), 2));
        assert!(connect_may_autobind(None, -1));
    }

    #[test]
    fn access_rights() {
        assert_eq!(NetAccess::of(Operation::Bind, SockKind::Tcp).mask(), 1 << 0);
        assert_eq!(
            NetAccess::of(Operation::Connect, SockKind::Tcp).mask(),
            1 << 1
        );
        assert_eq!(
            NetAccess::of(Operation::SendMsg, SockKind::Tcp).mask(),
            1 << 1
        );
        assert_eq!(NetAccess::of(Operation::Bind, SockKind::Udp).mask(), 1 << 2);
        assert_eq!(
            NetAccess::of(Operation::Connect, SockKind::Udp).mask(),
            1 << 3
        );
        assert_eq!(
            NetAccess::of(Operation::SendMsg, SockKind::Udp).mask(),
            1 << 3
        );
    }

    #[test]
    fn sockaddr_view() {
        let buf = test_addr(AF_INET6, false);

        let addr = SockAddrRef::from_bytes(&buf[..1]);
        assert_eq!(addr.family(), None);
        assert_eq!(addr.addrlen(), 1);

        let addr = SockAddrRef::from_bytes(&buf[..2]);
        assert_eq!(addr.family(), Some(AF_INET6));

        // SAFETY: `buf` is valid for reads of `SOCKADDR_STORAGE_SIZE` initialised bytes, which
        // are not written while `addr` lives.
        let addr = unsafe { SockAddrRef::from_raw(buf.as_ptr().cast(), 1000) };
        assert_eq!(addr.addrlen(), 1000);
        assert_eq!(addr.as_bytes().len(), SOCKADDR_STORAGE_SIZE);
        assert!(core::ptr::eq(addr.as_ptr(), buf.as_ptr().cast()));

        // SAFETY: Nothing is read for negative lengths.
        let addr = unsafe { SockAddrRef::from_raw(buf.as_ptr().cast(), -5) };
        assert_eq!(addr.addrlen(), -5);
        assert!(addr.as_bytes().is_empty());

        // SAFETY: Null pointers are accepted.
        let addr = unsafe { SockAddrRef::from_raw(core::ptr::null(), 16) };
        assert!(addr.as_bytes().is_empty());
    }

    #[test]
    fn dual_stack() {
        let in4 = test_addr(AF_INET, false);
        let port = u16::from_ne_bytes(PORT_BYTES);
        let ip = [in4[4], in4[5], in4[6], in4[7]];

        for op in [Operation::Connect, Operation::SendMsg] {
            // Checked as IPv4, not refused with EINVAL.
            assert_eq!(
                parse(&in4[..16], 16, AF_INET6, op, SockKind::Udp),
                Ok(Decision::Check(Request {
                    family: AF_INET,
                    port,
                    addr: IpAddr::V4(&ip),
                    intent: Intent::Dst,
                }))
            );
            // Too short for the stack: its own error.
            assert_eq!(
                parse(&in4[..15], 15, AF_INET6, op, SockKind::Udp),
                Ok(Decision::Allow)
            );
            // TCP is unchanged.
            assert_eq!(
                parse(&in4[..16], 16, AF_INET6, op, SockKind::Tcp),
                Err(EINVAL)
            );
        }
        // The stack never binds an IPv6 socket to an IPv4 address.
        assert_eq!(
            parse(&in4[..16], 16, AF_INET6, Operation::Bind, SockKind::Udp),
            Err(EINVAL)
        );
    }

    #[test]
    fn state_starts_empty_and_bits_are_sticky() {
        let word = Atomic::new(0u32);
        let state = SockState(&word);

        assert!(!state.port_pinned());
        state.pin_port();
        assert!(state.port_pinned());
        state.pin_port();
        assert_eq!(word.load(Relaxed), SockState::PORT_PINNED);
    }

    #[test]
    fn addrform_protocol_send_first() {
        let word = Atomic::new(0u32);
        let state = SockState(&word);

        // A send before any conversion: no address, as the IPv6 stack does.
        assert_eq!(state.send_unspec(), UnspecAs::NoAddress);
        assert_eq!(state.send_unspec(), UnspecAs::NoAddress);
        // The conversion that follows conflicts with it.
        assert!(state.convert());
        // Later sends are checked as AF_INET.
        assert_eq!(state.send_unspec(), UnspecAs::Inet);
    }

    #[test]
    fn addrform_protocol_convert_first() {
        let word = Atomic::new(0u32);
        let state = SockState(&word);

        // A conversion before any send does not conflict...
        assert!(!state.convert());
        // ...and makes sends checked as AF_INET.
        assert_eq!(state.send_unspec(), UnspecAs::Inet);
        // A second conversion attempt now sees the send.
        assert!(state.convert());
    }

    #[test]
    fn addrform_protocol_exhaustive() {
        // Whatever the state a send and a conversion start from, and whichever goes first, at
        // least one of them sees the other: the send is checked, or the conversion denied.
        for start in 0..8u32 {
            for send_first in [true, false] {
                let word = Atomic::new(start);
                let state = SockState(&word);
                let (unspec, conflict) = if send_first {
                    let unspec = state.send_unspec();
                    (unspec, state.convert())
                } else {
                    let conflict = state.convert();
                    (state.send_unspec(), conflict)
                };
                assert!(unspec == UnspecAs::Inet || conflict);
                // The port bit is independent.
                assert_eq!(
                    word.load(Relaxed) & SockState::PORT_PINNED,
                    start & SockState::PORT_PINNED
                );
            }
        }
    }

    #[test]
    fn pinned_ports() {
        use kernel::net::socket::LocalPort;

        assert!(!is_pinned(LocalPort {
            num: 0,
            user_locked: false
        }));
        // Autobound (or bound to port 0): released by a disconnect.
        assert!(!is_pinned(LocalPort {
            num: 40000,
            user_locked: false
        }));
        // Explicitly bound: kept until the socket is released.
        assert!(is_pinned(LocalPort {
            num: 53,
            user_locked: true
        }));
    }

    #[test]
    fn clone_keeps_addrform_state_only() {
        let old =
            Atomic::new(SockState::PORT_PINNED | SockState::ADDRFORM | SockState::UNSPEC_SENT);
        let new = Atomic::new(0u32);

        SockState(&old).clone_to(&SockState(&new));
        assert_eq!(
            new.load(Relaxed),
            SockState::ADDRFORM | SockState::UNSPEC_SENT
        );
        assert!(!SockState(&new).port_pinned());
    }
}
