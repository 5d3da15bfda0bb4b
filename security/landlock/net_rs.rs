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
//! bind to port 0.  None of these reads takes the socket lock, which mainline takes on every
//! send (see `Sock::local_port()` for why `inet_sport` needs none).
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
//! The autobind check has a window that predates this implementation (mainline has it too): it
//! reads the local port (mainline under the socket lock), and the stack autobinds later; a
//! sandboxed sibling's `connect(AF_UNSPEC)` in between releases an autobound port
//! (`__udp_disconnect()`), and the send then autobinds again without a second check.  Only a
//! port the socket already had, that the domain allowed or that predates the sandbox, can be
//! given back, and the new ephemeral port is chosen by the kernel.  `sendfile(2)` of a file
//! shorter than asked has the same window: it ends in `sock_splice_eof()`, whose
//! `inet_send_prepare()` autobinds with no hook at all (`race.sendfile_eof_autobind` in
//! `udp_state_test` measures it: 10 such autobinds in 6 647 tries, 1 s on 2 CPUs).
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

/// The C compiler's offsets and sizes of every C field that the network hooks read or write,
/// through the views of `kernel::net::socket` or directly (generated by Kbuild from
/// `net_rs_offsets.c`).
mod c_layout {
    include!(concat!(
        env!("OBJTREE"),
        "/security/landlock/net_rs_layout.rs"
    ));
}

/// Asserts at build time that bindgen's view of the field `$($field).+` of `$type` has the C
/// compiler's offset `c_layout::$offset`.
///
/// bindgen does not use the kernel's C compiler, and may translate a construct differently
/// (e.g. it drops tagged anonymous structure members, a Microsoft extension): the Rust side would
/// then read other bytes than the C code it mirrors, and only in some configurations.  The sizes
/// of the fields that the views read are asserted as the sizes of the Rust types they are read
/// as (bindgen's field types must match them, or the views do not compile).
macro_rules! c_field {
    ($type:ty, $($field:ident).+, $offset:ident) => {
        static_assert!(offset_of!($type, $($field).+) == c_layout::$offset);
    };
}

// `kernel::net::socket::Sock`.
c_field!(bindings::sock, __sk_common.skc_family, SOCK_SKC_FAMILY);
static_assert!(size_of::<u16>() == c_layout::SOCK_SKC_FAMILY_SIZE);
c_field!(bindings::sock, sk_userlocks, SOCK_SK_USERLOCKS);
static_assert!(size_of::<u8>() == c_layout::SOCK_SK_USERLOCKS_SIZE);
c_field!(bindings::inet_sock, sk, INET_SOCK_SK);
c_field!(bindings::inet_sock, inet_sport, INET_SOCK_INET_SPORT);
static_assert!(size_of::<u16>() == c_layout::INET_SOCK_INET_SPORT_SIZE);
c_field!(bindings::sock, sk_protocol, SOCK_SK_PROTOCOL);
static_assert!(size_of::<u16>() == c_layout::SOCK_SK_PROTOCOL_SIZE);
c_field!(bindings::sock, sk_type, SOCK_SK_TYPE);
static_assert!(size_of::<u16>() == c_layout::SOCK_SK_TYPE_SIZE);
static_assert!(size_of::<bindings::sock>() == c_layout::SOCK_SIZE);
// `kernel::net::socket::Socket`.
c_field!(bindings::socket, sk, SOCKET_SK);
static_assert!(size_of::<bindings::socket>() == c_layout::SOCKET_SIZE);
// `kernel::net::socket::MsgHdr`.
c_field!(bindings::msghdr, msg_name, MSGHDR_MSG_NAME);
c_field!(bindings::msghdr, msg_namelen, MSGHDR_MSG_NAMELEN);
static_assert!(size_of::<c_int>() == c_layout::MSGHDR_MSG_NAMELEN_SIZE);
c_field!(bindings::msghdr, msg_flags, MSGHDR_MSG_FLAGS);
static_assert!(size_of::<u32>() == c_layout::MSGHDR_MSG_FLAGS_SIZE);
static_assert!(size_of::<bindings::msghdr>() == c_layout::MSGHDR_SIZE);
// Socket addresses.
static_assert!(size_of::<bindings::__kernel_sockaddr_storage>() == c_layout::SOCKADDR_STORAGE_SIZE);
static_assert!(size_of::<bindings::sockaddr_in>() == c_layout::SOCKADDR_IN_SIZE);
c_field!(bindings::sockaddr_in, sin_port, SOCKADDR_IN_SIN_PORT);
c_field!(bindings::sockaddr_in, sin_addr, SOCKADDR_IN_SIN_ADDR);
c_field!(bindings::sockaddr_in6, sin6_port, SOCKADDR_IN6_SIN6_PORT);
c_field!(bindings::sockaddr_in6, sin6_addr, SOCKADDR_IN6_SIN6_ADDR);
c_field!(
    bindings::sockaddr_in6,
    sin6_scope_id,
    SOCKADDR_IN6_SIN6_SCOPE_ID
);
// `struct landlock_net_request`, built by `c_request()`.
c_field!(bindings::landlock_net_request, address, REQ_ADDRESS);
c_field!(bindings::landlock_net_request, addrlen, REQ_ADDRLEN);
c_field!(bindings::landlock_net_request, sk, REQ_SK);
c_field!(bindings::landlock_net_request, access, REQ_ACCESS);
c_field!(
    bindings::landlock_net_request,
    socket_family,
    REQ_SOCKET_FAMILY
);
c_field!(bindings::landlock_net_request, family, REQ_FAMILY);
c_field!(bindings::landlock_net_request, port, REQ_PORT);
c_field!(bindings::landlock_net_request, bind, REQ_BIND);
c_field!(bindings::landlock_net_request, ipv6, REQ_IPV6);
c_field!(bindings::landlock_net_request, ip, REQ_IP);
static_assert!(size_of::<bindings::landlock_net_request>() == c_layout::REQ_SIZE);
// `struct landlock_net_rs_subject`, read by `Subject`.
c_field!(bindings::landlock_net_rs_subject, cred, SUBJ_CRED);
c_field!(bindings::landlock_net_rs_subject, ports, SUBJ_PORTS);
c_field!(bindings::landlock_net_rs_subject, trace, SUBJ_TRACE);
static_assert!(size_of::<bindings::landlock_net_rs_subject>() == c_layout::SUBJ_SIZE);
// `struct landlock_net_ports`, read by `PortSets`.
c_field!(bindings::landlock_net_ports, bits, PORTS_BITS);
c_field!(bindings::landlock_net_ports, keys, PORTS_KEYS);
c_field!(bindings::landlock_net_ports, rights, PORTS_RIGHTS);
c_field!(bindings::landlock_net_ports, slots, PORTS_SLOTS);
c_field!(bindings::landlock_net_ports, handled, PORTS_HANDLED);
c_field!(bindings::landlock_net_ports, port0, PORTS_PORT0);
static_assert!(size_of::<u8>() == c_layout::PORTS_HANDLED_SIZE);
static_assert!(size_of::<bindings::landlock_net_ports>() == c_layout::PORTS_SIZE);

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

    /// Returns the bit number of the `LANDLOCK_ACCESS_NET_*` bit (the index of its port set).
    fn bit(self) -> usize {
        self.mask().trailing_zeros() as usize
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

impl Intent {
    /// Returns the endpoint whose port `access` checks.
    fn of(access: NetAccess) -> Self {
        if access.is_bind() {
            Self::Src
        } else {
            Self::Dst
        }
    }
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

impl Request<'static> {
    /// Returns the request of an implicit bind (autobind) of a socket of the family `family`:
    /// port 0 on the wildcard address, as an explicit `bind()` would ask for it.
    fn autobind(family: u16) -> Self {
        const IN6ADDR_ANY: [u8; 16] = [0; 16];

        Self {
            family,
            port: 0,
            addr: if family == AF_INET6 {
                IpAddr::V6(&IN6ADDR_ANY)
            } else {
                IpAddr::V4(&INADDR_ANY)
            },
            intent: Intent::Src,
        }
    }
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
/// `EAFNOSUPPORT`.  Landlock only fails itself where the stack fails with the same error, and
/// only lets an address through unchecked where the stack would not use its port, whatever the
/// socket's family becomes (KUnit `errors_are_the_stack_s`): on an allowed port, a sandboxed
/// program gets the stack's own answer.
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
                    // IPv6 sockets treat an AF_UNSPEC destination as "no address", IPv4 ones
                    // as an AF_INET one, and the socket's family can change under our feet (if
                    // another thread calls setsockopt(IPV6_ADDRFORM)), so the family read here
                    // cannot tell which stack will read it.  The IPv4 stack refuses such a
                    // destination (EINVAL, cf. udp_sendmsg()) if it is shorter than struct
                    // sockaddr_in or if its port is 0: it is then harmless whatever the stack,
                    // and gets the stack's own answer.  Otherwise, its port is checked as an
                    // IPv4 one, whatever the socket's family: sound for any interleaving, and
                    // without writing to the address.
                    if addrlen < SOCKADDR_IN_LEN || *field::<2>(addr, PORT_OFFSET)? == [0; 2] {
                        return Ok(Decision::Allow);
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
            // sockets and when sending a UDP datagram to an AF_UNSPEC address with a port.
            parse_in(addr, addrlen)?
        }
        AF_INET if sock_family == AF_INET6 => {
            // An IPv4 address on an IPv6 socket.  A dual-stack UDP socket connects or sends to
            // it as an IPv4 socket would (cf. udpv6_pre_connect() and udpv6_sendmsg()).  The
            // IPv6 stack refuses it otherwise (EINVAL or EAFNOSUPPORT, cf. __inet6_bind() and
            // tcp_v6_connect()), but the socket may become IPv4 under us
            // (setsockopt(IPV6_ADDRFORM)), and the IPv4 stack would then use it.  Either way,
            // the port is checked as an IPv4 one, and if it is allowed the stack gives its own
            // answer.  An address too short for struct sockaddr_in is refused by both stacks
            // whatever its port: let them give their own error.
            if addrlen < SOCKADDR_IN_LEN {
                return Ok(Decision::Allow);
            }
            let (port, ip) = parse_in(addr, addrlen)?;
            return Ok(Decision::Check(Request {
                family: AF_INET,
                port,
                addr: ip,
                intent: Intent::of(access),
            }));
        }
        #[cfg(CONFIG_IPV6)]
        AF_INET6 if sock_family != AF_INET6 => {
            // An IPv6 address on a socket read as IPv4.  The IPv4 stack refuses it whatever its
            // port (EINVAL or EAFNOSUPPORT, cf. inet_bind_sk(), __ip4_datagram_connect(),
            // tcp_v4_connect() and udp_sendmsg()), but the socket may have been IPv6 an instant
            // ago: setsockopt(IPV6_ADDRFORM) writes the family, the protocol and the socket
            // operations with plain stores, and a weakly ordered CPU may show this hook the new
            // family while the caller still goes through the IPv6 operations, which would use the
            // port.  So the port is checked as an IPv6 one, and if it is allowed the stack gives
            // its own answer.  An address too short for an IPv6 one is refused by both stacks
            // whatever its port: let them give their own error.
            if addrlen < SIN6_LEN_RFC2133 {
                return Ok(Decision::Allow);
            }
            parse_in6(addr, addrlen)?
        }
        AF_INET => parse_in(addr, addrlen)?,
        #[cfg(CONFIG_IPV6)]
        AF_INET6 => parse_in6(addr, addrlen)?,
        _ => return Ok(Decision::Allow),
    };

    // An AF_INET or AF_INET6 address (whatever the socket's family, but for the short ones
    // handled above), or an AF_UNSPEC one read as AF_INET.
    Ok(Decision::Check(Request {
        family: sa_family,
        port,
        addr: ip,
        intent: Intent::of(access),
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

/// The compiled port sets of a domain (`struct landlock_net_ports`): which network rights the
/// domain handles and, for each, which ports every layer allows.  The fields are read when a check
/// needs them, as the C reader (`landlock_net_ports_allow()`) does.
///
/// # Invariants
///
/// `raw` is as `landlock_compile_net_ports()` builds it, and neither it nor the memory it points to
/// changes during `'a`: each non-null `bits` entry points to `SET_WORDS` words; `keys` and
/// `rights` point to `slots` entries each (or `slots` is 0).
#[derive(Clone, Copy)]
struct PortSets<'a> {
    raw: &'a bindings::landlock_net_ports,
}

/// 64-bit words of a port bitmap.
const SET_WORDS: usize = bindings::LANDLOCK_NET_PORTS_SET_WORDS as usize;
/// Number of network access rights.
const NUM_ACCESS: usize = bindings::LANDLOCK_NET_PORTS_NUM_ACCESS as usize;

impl<'a> PortSets<'a> {
    /// Returns the view of `raw`.
    ///
    /// # Safety
    ///
    /// `raw` is as `landlock_compile_net_ports()` builds it, and neither it nor the memory it
    /// points to changes during `'a` (cf. the type invariants).
    unsafe fn from_raw(raw: &'a bindings::landlock_net_ports) -> Self {
        // INVARIANT: Per the safety requirements.
        Self { raw }
    }

    /// Returns whether the domain restricts `access`.
    #[inline(always)]
    fn handles(&self, access: NetAccess) -> bool {
        u32::from(self.raw.handled) & access.mask() != 0
    }

    /// Returns the bitmap of `access`, if it has one.
    #[inline(always)]
    fn bitmap(&self, access: NetAccess) -> Option<&'a [u64; SET_WORDS]> {
        let bits = self.raw.bits[access.bit()];
        // SAFETY: A non-null `bits` entry points to `SET_WORDS` initialised words, aligned for
        // `u64`, which do not change during `'a` (cf. the type invariants).
        unsafe { bits.cast::<[u64; SET_WORDS]>().as_ref() }
    }

    /// Returns the slots of the table: their ports and the rights allowing each (0: empty).
    #[inline(always)]
    fn table(&self) -> (&'a [u16], &'a [u8]) {
        let slots = self.raw.slots as usize;
        if slots == 0 || self.raw.keys.is_null() || self.raw.rights.is_null() {
            return (&[], &[]);
        }
        // SAFETY: `keys` and `rights` point to `slots` initialised entries each, in the
        // allocation of `raw`, aligned for their types, which do not change during `'a` (cf. the
        // type invariants).
        unsafe {
            (
                core::slice::from_raw_parts(self.raw.keys, slots),
                core::slice::from_raw_parts(self.raw.rights, slots),
            )
        }
    }

    /// Returns whether the domain allows `port` (network byte order) for `access`: a bit test,
    /// or a probe of the table from the slot that `slot()` gives (cf.
    /// `landlock_net_ports_allow()`).  A right that the domain does not handle is allowed; a
    /// table without an empty slot (which the C side never builds) ends the probe after one
    /// round.
    #[inline(always)]
    fn allows(&self, access: NetAccess, port: u16) -> bool {
        if !self.handles(access) {
            return true;
        }
        if let Some(set) = self.bitmap(access) {
            let port = usize::from(port);
            return set[port / 64] & (1 << (port % 64)) != 0;
        }
        if port == 0 {
            // Not in the table: the autobind check of every send without a destination.
            return u32::from(self.raw.port0) & access.mask() != 0;
        }
        let (keys, rights) = self.table();
        let mut i = slot(port, keys.len());
        for _ in 0..keys.len() {
            let (Some(&key), Some(&r)) = (keys.get(i), rights.get(i)) else {
                return false;
            };
            if r == 0 || key == port {
                return u32::from(r) & access.mask() != 0;
            }
            i = if i + 1 == keys.len() { 0 } else { i + 1 };
        }
        false
    }
}

/// Returns the slot of a table of `slots` slots where `key` is first looked for (cf.
/// `landlock_net_ports_slot()`).
#[inline(always)]
fn slot(key: u16, slots: usize) -> usize {
    let hash = u32::from(key).wrapping_mul(bindings::LANDLOCK_NET_PORTS_HASH);
    // The product of two 32-bit numbers fits in 64 bits; the result is below `slots`.
    ((u64::from(hash) * slots as u64) >> 32) as usize
}

/// The current task, whose domain handles some network access right, as the C side of a hook
/// describes it (`struct landlock_net_rs_subject`).
///
/// # Invariants
///
/// `raw` was filled by `NET_SUBJECT()` (`net.c`) for the current hook call, which `'a` does
/// not outlive: `raw.cred` points into the current task's credentials, which the task cannot
/// replace while running the hook, `raw.ports` to the port sets of its domain (as immutable and
/// long-lived as the domain, which the credentials reference).
struct Subject<'a> {
    raw: &'a bindings::landlock_net_rs_subject,
    ports: &'a bindings::landlock_net_ports,
}

impl<'a> Subject<'a> {
    /// Returns the view of `raw`.
    ///
    /// # Safety
    ///
    /// `raw` is the subject that the C side of the current hook passed, valid for `'a`, which
    /// does not outlive the hook call.
    unsafe fn from_raw(raw: *const bindings::landlock_net_rs_subject) -> Self {
        // SAFETY: Per the safety requirements, `raw` is valid for reads for `'a`.
        let raw = unsafe { &*raw };
        // SAFETY: `raw.ports` is a valid `struct landlock_net_ports` (cf. `get_net_domain()` and
        // `NET_SUBJECT()` in `net.c`), immutable while the domain lives, and the domain outlives
        // the hook call.
        let ports = unsafe { &*raw.ports };
        // INVARIANT: `raw` comes from the C side of the hook, per the safety requirements.
        Self { raw, ports }
    }

    /// Returns the domain's port sets.
    #[inline(always)]
    fn sets(&self) -> PortSets<'a> {
        // SAFETY: `self.ports` was built by `landlock_compile_net_ports()` and is as immutable and
        // long-lived as the domain, which outlives `'a` (cf. the type invariant).
        unsafe { PortSets::from_raw(self.ports) }
    }

    /// Returns whether the domain restricts `access`.
    #[inline(always)]
    fn handles(&self, access: NetAccess) -> bool {
        self.sets().handles(access)
    }

    /// Returns whether the domain allows `port` (network byte order) for `access`, which it
    /// handles.
    fn port_allowed(&self, access: NetAccess, port: u16) -> bool {
        let allowed = self.sets().allows(access, port);
        self.trace_port(access, port, allowed);
        allowed
    }

    /// Emits the trace event of the check of `port` for `access`, whose answer is `allowed`, if
    /// the event is enabled.
    #[inline(always)]
    fn trace_port(&self, access: NetAccess, port: u16, allowed: bool) {
        if self.raw.trace {
            // The check_rule_net_port trace event is enabled: the rule tree walk emits it.
            // SAFETY: `self.raw.cred` is a valid subject by the type invariant, whose domain
            // handles `access`.
            let walked =
                unsafe { bindings::landlock_net_walk_port(self.raw.cred, access.mask(), port) };
            // The port sets are compiled from the rule tree: they must agree (as in the C hooks).
            kernel::warn_on!(walked != allowed);
        }
    }

    /// Emits the trace event of an autobind check of `sk` allowed by port 0, if it is enabled.
    fn trace_autobind(&self, sk: &Sock) {
        if self.raw.trace {
            // SAFETY: `self.raw.cred` is a valid subject by the type invariant, and `sk` is a
            // valid socket.
            unsafe { bindings::landlock_net_trace_autobind(self.raw.cred, sk.as_ptr()) };
        }
    }

    /// Logs the denial of `req` (denied by [`Self::port_allowed`]) and returns `EACCES`.
    fn deny_port(&self, req: &bindings::landlock_net_request) -> Result {
        // SAFETY: `self.raw.cred` is a valid subject by the type invariant, whose domain handles
        // `req.access`.  `req` is a valid reference, whose `sk` and `address` (with `addrlen`)
        // come from the views of the hook arguments (or from a live `SockAddrStorage`), which
        // outlive this call.
        to_result(unsafe { bindings::landlock_net_deny_port(self.raw.cred, req) })
    }
}

/// Builds the C description of a denied request for `landlock_net_deny_port()`.
fn c_request(
    sk: &Sock,
    addr: SockAddrRef<'_>,
    sock_family: u16,
    access: NetAccess,
    req: &Request<'_>,
) -> bindings::landlock_net_request {
    bindings::landlock_net_request {
        address: addr.as_ptr(),
        addrlen: addr.addrlen(),
        sk: sk.as_ptr(),
        socket_family: sock_family,
        ..c_request_fields(access, req)
    }
}

/// Returns the fields of the C description of `req` that come from the address, as the C
/// parser (`landlock_net_parse()`) fills them; the others are null or zero.
fn c_request_fields(access: NetAccess, req: &Request<'_>) -> bindings::landlock_net_request {
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

    bindings::landlock_net_request {
        address: core::ptr::null(),
        addrlen: 0,
        sk: core::ptr::null(),
        access: access.mask(),
        socket_family: 0,
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
fn fast_port(addr: &[u8], addrlen: c_int) -> Option<u16> {
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
fn check_access_socket(
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
            subject.trace_port(access, port, true);
            return Ok(());
        }
    }
    check_access_parsed(subject, sk, addr, op, kind)
}

/// Checks a request that [`fast_port`] does not allow: parses it, and checks its port if it has
/// one to check.
#[inline(never)]
fn check_access_parsed(
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
fn check_port(
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
    subject.deny_port(&c_request(sk, addr, sock_family, access, req))
}

/// Checks that the current task may autobind the UDP socket `sk` to an ephemeral port, if it is
/// not bound yet.
///
/// On UDP sockets, if a local port has not already been bound, calling connect() or sending a
/// first datagram has the side effect of autobinding an ephemeral port: we also have to check
/// that the process would have had the right to bind(0) explicitly.
#[inline(always)]
fn check_autobind_udp_socket(subject: &Subject<'_>, sk: &Sock) -> Result {
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

    // A socket that has a port (autobound) cannot autobind either: one more load, without the
    // socket lock (see `Sock::local_port()`).  A disconnection may release that port before the
    // stack reads it, the window documented above, which the socket lock would not close.
    if sk.local_port() != 0 {
        return Ok(());
    }
    check_autobind_port0(subject, sk)
}

/// Checks that `subject` may bind the socket `sk` to port 0, which has no local port.
#[cold]
#[inline(never)]
fn check_autobind_port0(subject: &Subject<'_>, sk: &Sock) -> Result {
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

#[cfg(CONFIG_SECURITY_LANDLOCK_KUNIT_TEST)]
#[kunit_tests(landlock_net_rust)]
mod tests {
    use super::*;
    use kernel::{init::InPlaceInit, net::socket::SOCKADDR_STORAGE_SIZE};

    const AF_UNIX: u16 = bindings::AF_UNIX as u16;
    /// Not an address family.
    const AF_BOGUS: u16 = 0xffff;

    const FAMILIES: [u16; 5] = [AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, AF_BOGUS];
    /// Address lengths, with a negative one and one larger than the kernel ever copies (both
    /// only possible for in-kernel callers).
    const LENGTHS: [c_int; 11] = [-1, 0, 1, 2, 15, 16, 23, 24, 28, 128, 200];
    const OPERATIONS: [Operation; 3] = [Operation::Bind, Operation::Connect, Operation::SendMsg];
    const KINDS: [SockKind; 2] = [SockKind::Tcp, SockKind::Udp];
    const SOCK_FAMILIES: [u16; 2] = [AF_INET, AF_INET6];

    /// Raw port of the test addresses (network byte order: 0x1234 = 4660).
    const PORT_BYTES: [u8; 2] = [0x12, 0x34];
    /// Raw ports of the grid: 4660 and 0 (which the stacks refuse as a destination).
    const PORTS: [[u8; 2]; 2] = [PORT_BYTES, [0; 2]];

    /// Returns a full-size test address: `family`, port 4660, and either a non-wildcard address
    /// (bytes 4 to 23 covering both `sin_addr` and `sin6_addr`) or the wildcard one.
    fn test_addr(family: u16, wildcard: bool) -> [u8; SOCKADDR_STORAGE_SIZE] {
        test_addr_port(family, wildcard, PORT_BYTES)
    }

    /// Returns [`test_addr`] with the raw port `port`.
    fn test_addr_port(family: u16, wildcard: bool, port: [u8; 2]) -> [u8; SOCKADDR_STORAGE_SIZE] {
        let mut buf = [0u8; SOCKADDR_STORAGE_SIZE];
        for (i, byte) in buf.iter_mut().enumerate() {
            // Never zero, and different for each offset.
            *byte = 0x40 + (i as u8 & 0x7f);
        }
        buf[..2].copy_from_slice(&family.to_ne_bytes());
        buf[2..4].copy_from_slice(&port);
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

    /// Our verdict: mainline's, but for the cases where this series follows the network stack
    /// instead of refusing.
    fn expected(
        family: u16,
        addrlen: c_int,
        op: Operation,
        kind: SockKind,
        sock_family: u16,
        wildcard: bool,
        port_zero: bool,
    ) -> Outcome {
        let intent = Intent::of(NetAccess::of(op, kind));
        match mainline(family, addrlen, op, kind, sock_family, wildcard) {
            // AF_UNSPEC destination of a datagram, on either family: harmless for both stacks if
            // too short for an IPv4 one or with port 0, checked as IPv4 otherwise.
            Outcome::DenyUnspec | Outcome::Fail(_) | Outcome::Check { .. }
                if family == AF_UNSPEC
                    && addrlen >= 2
                    && op == Operation::SendMsg
                    && kind == SockKind::Udp =>
            {
                if addrlen < 16 || port_zero {
                    Outcome::Allow
                } else {
                    Outcome::Check {
                        family: AF_UNSPEC,
                        v6: false,
                        intent,
                    }
                }
            }
            // IPv4 address on an IPv6 socket: checked as IPv4 (dual-stack UDP destination, or
            // the socket becoming IPv4 under us), or refused by both stacks if too short.
            Outcome::Fail(_) if family == AF_INET && sock_family == AF_INET6 && addrlen >= 2 => {
                if addrlen < 16 {
                    Outcome::Allow
                } else {
                    Outcome::Check {
                        family: AF_INET,
                        v6: false,
                        intent,
                    }
                }
            }
            // IPv6 address on a socket read as IPv4, which may still go through the IPv6 stack:
            // checked as IPv6, or refused by both stacks if too short.
            Outcome::Fail(_)
                if family == AF_INET6
                    && sock_family == AF_INET
                    && addrlen >= 2
                    && cfg!(CONFIG_IPV6) =>
            {
                if addrlen < 24 {
                    Outcome::Allow
                } else {
                    Outcome::Check {
                        family: AF_INET6,
                        v6: true,
                        intent,
                    }
                }
            }
            outcome => outcome,
        }
    }

    /// What the network stack does with an address, on a fresh socket (unbound, unconnected,
    /// not v6-only).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Stack {
        /// The stack goes on with the address's port: only a policy check may refuse it.
        UsesPort,
        /// The stack goes on without any port: disconnection, or no destination.
        NoPort,
        /// The stack refuses the address whatever its port, with this error.
        Fails(Error),
    }

    /// The stack's answer in Linux 7.3, transcribed from `inet_bind_sk()` and `__inet_bind()`,
    /// `inet6_bind_sk()` and `__inet6_bind()`, `__inet_stream_connect()` with `tcp_v4_connect()`
    /// and `tcp_v6_connect()`, `inet_dgram_connect()` with `__ip4_datagram_connect()` and
    /// `__ip6_datagram_connect()`, `udp_sendmsg()` and `udpv6_sendmsg()`.  TCP's `sendmsg()`
    /// only uses its address for Fast Open, as `connect()` does.
    fn stack(
        family: u16,
        addrlen: c_int,
        op: Operation,
        kind: SockKind,
        sock_family: u16,
        wildcard: bool,
        port_zero: bool,
    ) -> Stack {
        // Checks the length, then the family, as most of these functions do.
        let check = |min_len: c_int, ok: bool| {
            if addrlen < min_len {
                Stack::Fails(EINVAL)
            } else if !ok {
                Stack::Fails(EAFNOSUPPORT)
            } else {
                Stack::UsesPort
            }
        };

        match (op, kind, sock_family) {
            (Operation::Bind, _, AF_INET) => {
                check(16, family == AF_INET || (family == AF_UNSPEC && wildcard))
            }
            (Operation::Bind, _, _) => check(24, family == AF_INET6),
            // udp_sendmsg() refuses destination port 0.
            (Operation::SendMsg, SockKind::Udp, AF_INET) => {
                match check(16, family == AF_INET || family == AF_UNSPEC) {
                    Stack::UsesPort if port_zero => Stack::Fails(EINVAL),
                    answer => answer,
                }
            }
            (Operation::SendMsg, SockKind::Udp, _) => match family {
                _ if addrlen < 2 => Stack::Fails(EINVAL),
                AF_INET6 => check(24, true),
                AF_INET => check(16, true),
                AF_UNSPEC => Stack::NoPort,
                _ => Stack::Fails(EINVAL),
            },
            // connect(), or TCP Fast Open.
            _ if addrlen < 2 => Stack::Fails(EINVAL),
            _ if family == AF_UNSPEC => Stack::NoPort,
            (_, SockKind::Udp, AF_INET6) if family == AF_INET => check(16, true),
            (_, _, AF_INET) => check(16, family == AF_INET),
            _ => check(24, family == AF_INET6),
        }
    }

    /// Summarises a parser outcome, checking that the port and address of a `Check` are read at
    /// the right offsets of `buf`.
    fn outcome(result: Result<Decision<'_>>, buf: &[u8]) -> Outcome {
        match result {
            Err(err) => Outcome::Fail(err),
            Ok(Decision::Allow) => Outcome::Allow,
            Ok(Decision::Check(req)) => {
                let (v6, ip_ok) = match req.addr {
                    IpAddr::V4(ip) => (false, ip[..] == buf[4..8]),
                    IpAddr::V6(ip) => (true, ip[..] == buf[8..24]),
                };
                if req.port != u16::from_ne_bytes([buf[2], buf[3]]) || !ip_ok {
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

    /// A request of the test grid: an address of `family` (the wildcard one or not) cut to
    /// `addrlen` bytes, for `op` on a socket of kind `kind` and family `sock_family`.
    struct Case<'a> {
        family: u16,
        wildcard: bool,
        port_zero: bool,
        addrlen: c_int,
        op: Operation,
        kind: SockKind,
        sock_family: u16,
        buf: &'a [u8; SOCKADDR_STORAGE_SIZE],
    }

    impl Case<'_> {
        /// Returns the readable bytes of the address, as `SockAddrRef::from_raw()` gives them.
        fn bytes(&self) -> &[u8] {
            let len = self.addrlen.clamp(0, SOCKADDR_STORAGE_SIZE as c_int);
            &self.buf[..len as usize]
        }

        /// Returns the parser's decision for this case.
        fn parse(&self) -> Result<Decision<'_>> {
            let bytes = self.bytes();
            parse(bytes, self.addrlen, self.sock_family, self.op, self.kind)
        }

        /// Logs that this case got `got` where `want` was expected.
        fn fail(&self, got: &dyn core::fmt::Debug, want: &dyn core::fmt::Debug) {
            pr_err!(
                "family={} wildcard={} port_zero={} addrlen={} op={:?} kind={:?} \
                 sock_family={}: got {:?}, want {:?}\n",
                self.family,
                self.wildcard,
                self.port_zero,
                self.addrlen,
                self.op,
                self.kind,
                self.sock_family,
                got,
                want
            );
        }
    }

    /// Runs `check` on every case of the grid (every family, address, length, operation, kind
    /// and socket family), and returns the number of cases and of those it failed.
    fn for_each_case(mut check: impl FnMut(&Case<'_>) -> bool) -> (u32, u32) {
        let (mut checked, mut failures) = (0, 0);

        for (family, wildcard, port) in FAMILIES
            .into_iter()
            .flat_map(|f| [false, true].map(|w| (f, w)))
            .flat_map(|(f, w)| PORTS.map(|p| (f, w, p)))
        {
            {
                let buf = test_addr_port(family, wildcard, port);
                for addrlen in LENGTHS {
                    for op in OPERATIONS {
                        for kind in KINDS {
                            for sock_family in SOCK_FAMILIES {
                                let case = Case {
                                    family,
                                    wildcard,
                                    port_zero: port == [0; 2],
                                    addrlen,
                                    op,
                                    kind,
                                    sock_family,
                                    buf: &buf,
                                };
                                checked += 1;
                                if !check(&case) {
                                    failures += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        (checked, failures)
    }

    /// Number of cases of the grid: families, addresses, ports, lengths, operations, kinds and
    /// socket families.
    const GRID: u32 = 5 * 2 * 2 * 11 * 3 * 2 * 2;

    #[test]
    fn parse_matches_mainline() {
        let (checked, failures) = for_each_case(|c| {
            let got = outcome(c.parse(), &c.buf[..]);
            let want = expected(
                c.family,
                c.addrlen,
                c.op,
                c.kind,
                c.sock_family,
                c.wildcard,
                c.port_zero,
            );
            if got != want {
                c.fail(&got, &want);
            }
            got == want
        });

        assert_eq!(checked, GRID);
        assert_eq!(failures, 0);
    }

    /// The hooks' fast path checks the port that the parser would check, and nothing else.
    #[test]
    fn fast_port_is_parse_s() {
        let mut fast = 0;
        let (checked, failures) = for_each_case(|c| {
            let bytes = c.bytes();
            let Some(port) = fast_port(bytes, c.addrlen) else {
                return true;
            };
            fast += 1;
            let ok = matches!(c.parse(), Ok(Decision::Check(req)) if req.port == port);
            if !ok {
                c.fail(&c.parse(), &port);
            }
            ok
        });

        assert_eq!(checked, GRID);
        assert_eq!(failures, 0);
        // AF_INET of 16 bytes or more (6 lengths) and AF_INET6 of 24 bytes or more (4 lengths),
        // on both socket families, for 2 addresses, 2 ports, 3 operations, 2 kinds.
        let want = if cfg!(CONFIG_IPV6) {
            (6 + 4) * 2 * 2 * 2 * 3 * 2
        } else {
            6 * 2 * 2 * 2 * 3 * 2
        };
        assert_eq!(fast, want);
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
        let ip = [buf[4], buf[5], buf[6], buf[7]];
        let no_port = test_addr_port(AF_UNSPEC, false, [0; 2]);

        for sock_family in SOCK_FAMILIES {
            // Harmless for both stacks: too short for the IPv4 one, or port 0 (EINVAL there),
            // and no address for the IPv6 one.
            for addrlen in [2, 15] {
                assert_eq!(
                    parse(
                        &buf[..addrlen as usize],
                        addrlen,
                        sock_family,
                        Operation::SendMsg,
                        SockKind::Udp
                    ),
                    Ok(Decision::Allow)
                );
            }
            for addrlen in [16, 24, 128] {
                assert_eq!(
                    parse(
                        &no_port[..addrlen as usize],
                        addrlen,
                        sock_family,
                        Operation::SendMsg,
                        SockKind::Udp
                    ),
                    Ok(Decision::Allow)
                );
                // Any other port is checked as an IPv4 one, whatever the socket's family: the
                // socket may be converted to IPv4 (IPV6_ADDRFORM) at any time.
                assert_eq!(
                    parse(
                        &buf[..addrlen as usize],
                        addrlen,
                        sock_family,
                        Operation::SendMsg,
                        SockKind::Udp
                    ),
                    Ok(Decision::Check(Request {
                        family: AF_UNSPEC,
                        port,
                        addr: IpAddr::V4(&ip),
                        intent: Intent::Dst,
                    }))
                );
            }
        }
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
        let port = u16::from_ne_bytes(PORT_BYTES);
        let ip = [in4[4], in4[5], in4[6], in4[7]];

        // The IPv6 stack refuses it, but the IPv4 stack would use it once the socket is
        // converted: checked as IPv4.
        for (op, intent) in [
            (Operation::Bind, Intent::Src),
            (Operation::Connect, Intent::Dst),
        ] {
            assert_eq!(
                parse(&in4[..16], 16, AF_INET6, op, SockKind::Tcp),
                Ok(Decision::Check(Request {
                    family: AF_INET,
                    port,
                    addr: IpAddr::V4(&ip),
                    intent,
                }))
            );
        }
        // Too short for both stacks: their own error.
        assert_eq!(
            parse(&in4[..15], 15, AF_INET6, Operation::Bind, SockKind::Udp),
            Ok(Decision::Allow)
        );
        // A socket read as IPv4 may still go through the IPv6 stack (IPV6_ADDRFORM's stores seen
        // out of order): checked as IPv6, or left to the stacks if too short for both.
        let ip6: [u8; 16] = in6[8..24].try_into().unwrap();
        for op in OPERATIONS {
            let want = if cfg!(CONFIG_IPV6) {
                Ok(Decision::Check(Request {
                    family: AF_INET6,
                    port,
                    addr: IpAddr::V6(&ip6),
                    intent: Intent::of(NetAccess::of(op, SockKind::Tcp)),
                }))
            } else {
                Ok(Decision::Allow)
            };
            assert_eq!(parse(&in6[..24], 24, AF_INET, op, SockKind::Tcp), want);
            assert_eq!(
                parse(&in6[..23], 23, AF_INET, op, SockKind::Tcp),
                Ok(Decision::Allow)
            );
        }
    }

    /// Landlock only refuses an address itself (without checking a port) where the stack
    /// refuses it with the same error, and only lets an address through unchecked where the
    /// stack would not use its port, on the socket's family and, for an IPv6 socket, on the IPv4
    /// one it may become: on an allowed port, a sandboxed program gets the stack's answer.
    #[test]
    fn errors_are_the_stack_s() {
        let (checked, failures) = for_each_case(|c| {
            if c.sock_family == AF_INET6 && !cfg!(CONFIG_IPV6) {
                return true;
            }
            let on = |sock_family| {
                stack(
                    c.family,
                    c.addrlen,
                    c.op,
                    c.kind,
                    sock_family,
                    c.wildcard,
                    c.port_zero,
                )
            };
            let ours = c.parse();
            let ok = match ours {
                Err(err) => on(c.sock_family) == Stack::Fails(err),
                // Neither the socket's stack nor the other one (IPV6_ADDRFORM) uses the port.
                Ok(Decision::Allow) => {
                    on(AF_INET) != Stack::UsesPort
                        && (!cfg!(CONFIG_IPV6) || on(AF_INET6) != Stack::UsesPort)
                }
                Ok(Decision::Check(_)) => true,
            };
            if !ok {
                c.fail(&ours, &on(c.sock_family));
            }
            ok
        });

        assert!(checked > 0);
        assert_eq!(failures, 0);
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
        // The request an autobind checks, without parsing: as an explicit bind(0) on the
        // wildcard address of the socket's family is parsed.
        for family in [AF_INET, AF_INET6] {
            let port0 = SockAddrStorage::with_family(family);
            let addr = port0.as_addr();
            let parsed = parse(
                addr.as_bytes(),
                addr.addrlen(),
                family,
                Operation::Bind,
                SockKind::Udp,
            );
            if family == AF_INET || cfg!(CONFIG_IPV6) {
                assert_eq!(parsed, Ok(Decision::Check(Request::autobind(family))));
            }
        }

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
            // Parsed with another family (the socket converted by IPV6_ADDRFORM between two
            // reads), the same port would be checked.
            assert_eq!(
                parse(
                    addr.as_bytes(),
                    addr.addrlen(),
                    AF_INET,
                    Operation::Bind,
                    SockKind::Udp
                ),
                Ok(Decision::Check(Request::autobind(AF_INET6)))
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
        }
        // The stack never binds an IPv6 socket to an IPv4 address, but would once the socket is
        // converted: checked as IPv4 too (see `family_mismatch`).
        assert_eq!(
            parse(&in4[..16], 16, AF_INET6, Operation::Bind, SockKind::Udp),
            Ok(Decision::Check(Request {
                family: AF_INET,
                port,
                addr: IpAddr::V4(&ip),
                intent: Intent::Src,
            }))
        );
    }

    /// Returns port sets handling `handled`, with `bits` and the table `keys` and `rights`.
    fn raw_sets(
        handled: u32,
        bits: [*const u64; NUM_ACCESS],
        keys: &[u16],
        rights: &[u8],
        port0: u8,
    ) -> bindings::landlock_net_ports {
        bindings::landlock_net_ports {
            bits,
            keys: keys.as_ptr(),
            rights: rights.as_ptr(),
            slots: keys.len().min(rights.len()) as u32,
            handled: handled as u8,
            port0,
        }
    }

    #[test]
    fn port_sets_bitmaps() {
        // A domain handling BIND_UDP and CONNECT_TCP, not the other rights.
        // Zeroed in place: two bitmaps do not fit on the stack.
        let mut bits =
            KBox::<[[u64; SET_WORDS]; 2]>::init(pin_init::init_zeroed(), GFP_KERNEL).unwrap();
        // Bits 0, 63, 64 (word boundaries), 0x3412 (port 4660 in network byte order on little
        // endian) and 65535 of BIND_UDP; only 80 of CONNECT_TCP.
        for port in [0usize, 63, 64, 0x3412, 65535] {
            bits[0][port / 64] |= 1 << (port % 64);
        }
        bits[1][80 / 64] |= 1 << (80 % 64);
        let mut ptrs = [core::ptr::null(); NUM_ACCESS];
        ptrs[NetAccess::BindUdp.bit()] = bits[0].as_ptr();
        ptrs[NetAccess::ConnectTcp.bit()] = bits[1].as_ptr();
        let raw = raw_sets(
            NetAccess::BindUdp.mask() | NetAccess::ConnectTcp.mask(),
            ptrs,
            &[],
            &[],
            0,
        );
        // SAFETY: `raw` points to two bitmaps of `SET_WORDS` words and no table, and neither
        // changes while `sets` lives.
        let sets = unsafe { PortSets::from_raw(&raw) };

        assert!(sets.handles(NetAccess::BindUdp));
        assert!(sets.handles(NetAccess::ConnectTcp));
        assert!(!sets.handles(NetAccess::BindTcp));
        assert!(!sets.handles(NetAccess::ConnectSendUdp));
        for port in 0..=u16::MAX {
            let bind_udp = matches!(port, 0 | 63 | 64 | 0x3412 | 65535);
            assert_eq!(sets.allows(NetAccess::BindUdp, port), bind_udp);
            assert_eq!(sets.allows(NetAccess::ConnectTcp, port), port == 80);
            // Not handled: not restricted.
            assert!(sets.allows(NetAccess::BindTcp, port));
            assert!(sets.allows(NetAccess::ConnectSendUdp, port));
        }
    }

    /// The first slot of a key, as C computes it (`landlock_net_ports_slot()`): the same values
    /// are checked by the C KUnit test `test_compiled_ports_slot`.
    #[test]
    fn slot_known_answers() {
        for (key, slots, first) in [
            (0u16, 13usize, 0usize),
            (1, 13, 4),
            (0x3412, 13, 7),
            (0xffff, 13, 1),
            (0x5000, 322, 213),
            (0xffff, 322, 45),
            (80, 2, 1),
        ] {
            assert_eq!(slot(key, slots), first);
        }
    }

    #[test]
    fn port_sets_table() {
        // A domain handling every right but BIND_TCP; the first and last keys are in the table.
        let bind_udp = NetAccess::BindUdp.mask() as u8;
        let send_udp = NetAccess::ConnectSendUdp.mask() as u8;
        let connect_tcp = NetAccess::ConnectTcp.mask() as u8;
        let entries = [
            (0u16, bind_udp),
            (1, send_udp),
            (0x00ff, connect_tcp),
            (0x0100, bind_udp | send_udp),
            (0x3412, bind_udp | send_udp | connect_tcp),
            (0xfffe, send_udp),
            (0xffff, bind_udp),
        ];
        // 13 slots, filled as the C side does: linear probing from `slot()`, port 0 aside.
        let mut keys = [0u16; 13];
        let mut rights = [0u8; 13];
        for (key, r) in entries.into_iter().filter(|(key, _)| *key != 0) {
            let mut i = slot(key, keys.len());
            while rights[i] != 0 {
                i = (i + 1) % keys.len();
            }
            keys[i] = key;
            rights[i] = r;
        }
        let raw = raw_sets(
            u32::from(bind_udp | send_udp | connect_tcp),
            [core::ptr::null(); NUM_ACCESS],
            &keys,
            &rights,
            bind_udp,
        );
        // SAFETY: `raw` points to a table of 13 slots and no bitmap, and neither changes while
        // `sets` lives.
        let sets = unsafe { PortSets::from_raw(&raw) };
        for port in 0..=u16::MAX {
            let listed = entries
                .iter()
                .find(|(key, _)| *key == port)
                .map_or(0, |(_, r)| *r);
            for access in [
                NetAccess::BindUdp,
                NetAccess::ConnectSendUdp,
                NetAccess::ConnectTcp,
            ] {
                assert_eq!(
                    sets.allows(access, port),
                    u32::from(listed) & access.mask() != 0
                );
            }
            // Not handled: not restricted.
            assert!(sets.allows(NetAccess::BindTcp, port));
        }

        // A full table (never built by C): a missing port ends the probe, denied.
        let full_keys = [1u16, 2, 3];
        let full_rights = [bind_udp; 3];
        let raw = raw_sets(
            u32::from(bind_udp),
            [core::ptr::null(); NUM_ACCESS],
            &full_keys,
            &full_rights,
            0,
        );
        // SAFETY: `raw` points to a table of 3 slots and no bitmap, and neither changes while
        // `sets` lives.
        let sets = unsafe { PortSets::from_raw(&raw) };
        for port in 1..=3 {
            assert!(sets.allows(NetAccess::BindUdp, port));
        }
        assert!(!sets.allows(NetAccess::BindUdp, 4));
    }

    #[test]
    fn access_bits() {
        for (access, bit) in [
            (NetAccess::BindTcp, 0),
            (NetAccess::ConnectTcp, 1),
            (NetAccess::BindUdp, 2),
            (NetAccess::ConnectSendUdp, 3),
        ] {
            assert_eq!(access.bit(), bit);
            assert!(bit < bindings::LANDLOCK_NET_PORTS_NUM_ACCESS as usize);
        }
    }

    /// The C implementation of the decision (`landlock_net_parse()`, the hooks of kernels
    /// built without Rust) and the Rust one give the same answer to every request of the grid:
    /// same error, or same port, endpoint, family and address to check.
    #[test]
    fn c_parse_is_rust_s() {
        let mut checks = 0;
        let (checked, failures) = for_each_case(|c| {
            let access = NetAccess::of(c.op, c.kind);
            let op = match c.op {
                Operation::Bind => bindings::landlock_net_op_LANDLOCK_NET_OP_BIND,
                Operation::Connect => bindings::landlock_net_op_LANDLOCK_NET_OP_CONNECT,
                Operation::SendMsg => bindings::landlock_net_op_LANDLOCK_NET_OP_SENDMSG,
            };
            // SAFETY: `bindings::landlock_net_request` is a plain C structure of scalars,
            // pointers and arrays, for which all-zero bytes are valid.
            let mut c_req: bindings::landlock_net_request = unsafe { core::mem::zeroed() };
            // SAFETY: `c.buf` is valid for reads of `SOCKADDR_STORAGE_SIZE` bytes, at least
            // `addrlen` of them, and `c_req` for writes.
            let c_ret = unsafe {
                bindings::landlock_net_parse(
                    c.buf.as_ptr().cast(),
                    c.addrlen,
                    c.sock_family,
                    access.mask(),
                    op,
                    &mut c_req,
                )
            };
            let rust = c.parse();
            let ok = match (&rust, c_ret) {
                (Err(err), _) => c_ret == err.to_errno(),
                (Ok(Decision::Allow), 0) => true,
                (Ok(Decision::Check(req)), 1) => {
                    checks += 1;
                    // The fields that the C side fills from the address, as `c_request()`
                    // fills them from the Rust request.
                    let want = c_request_fields(access, req);
                    c_req.access == want.access
                        && c_req.family == want.family
                        && c_req.port == want.port
                        && c_req.bind == want.bind
                        && c_req.ipv6 == want.ipv6
                        && c_req.ip == want.ip
                }
                _ => false,
            };
            if !ok {
                c.fail(&rust, &c_ret);
            }
            ok
        });

        assert_eq!(checked, GRID);
        assert_eq!(failures, 0);
        // Ports checked: AF_INET of 16 bytes or more (6 lengths) and AF_INET6 of 24 bytes or more
        // (4 lengths), for 2 socket families, 2 addresses, 2 ports, 3 operations and 2 kinds;
        // AF_UNSPEC bind of INADDR_ANY on IPv4 sockets (6 lengths, 2 ports, 2 kinds); and AF_UNSPEC
        // datagram destinations with a port (6 lengths, 2 socket families, 2 addresses).
        let inet6 = if cfg!(CONFIG_IPV6) { 4 } else { 0 };
        assert_eq!(
            checks,
            (6 + inet6) * 2 * 2 * 2 * 3 * 2 + 6 * 2 * 2 + 6 * 2 * 2
        );
    }
}
