// SPDX-License-Identifier: GPL-2.0-only

//! Socket addresses, and how a hook reads them: [`parse()`], the one parser of the Rust hooks.

use crate::access::{
    NetAccess,
    Operation,
    SockKind, //
};
use kernel::{
    ffi::c_int,
    net::socket::{
        family::{
            AF_INET,
            AF_INET6,
            AF_UNSPEC, //
        },
        inet_addr,
        SockAddrRef, //
    },
    prelude::*,
};

// CAST: The lengths of `inet_addr` are those of the uapi structures (2, 16 and 24 bytes, asserted
// at build time there), which fit in a `c_int`.

/// `offsetofend(struct sockaddr, sa_family)`: minimal length to read `sa_family`.
pub(crate) const SA_FAMILY_END: c_int = inet_addr::SA_FAMILY_END as c_int;
/// `sizeof(struct sockaddr_in)`: minimal length of an IPv4 address.
pub(crate) const SOCKADDR_IN_LEN: c_int = inet_addr::SOCKADDR_IN_SIZE as c_int;
/// `SIN6_LEN_RFC2133`: minimal length of an IPv6 address, i.e. the size of an RFC 2133
/// `struct sockaddr_in6`, which had no `sin6_scope_id`.
pub(crate) const SIN6_LEN_RFC2133: c_int = inet_addr::SIN6_LEN_RFC2133 as c_int;
/// Offset of `sin_port` and `sin6_port`.
pub(crate) const PORT_OFFSET: usize = inet_addr::PORT_OFFSET;
/// Offset of `sin_addr`.
pub(crate) const SIN_ADDR_OFFSET: usize = inet_addr::SIN_ADDR_OFFSET;
/// Offset of `sin6_addr`.
#[cfg_attr(not(CONFIG_IPV6), allow(dead_code))]
pub(crate) const SIN6_ADDR_OFFSET: usize = inet_addr::SIN6_ADDR_OFFSET;
/// `htonl(INADDR_ANY)`.
pub(crate) const INADDR_ANY: [u8; 4] = [0; 4];

/// IP address of a checked endpoint, in network byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IpAddr<'a> {
    V4(&'a [u8; 4]),
    #[cfg_attr(not(CONFIG_IPV6), allow(dead_code))]
    V6(&'a [u8; 16]),
}

/// Which endpoint of the communication a request designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Intent {
    /// Local endpoint (bind).
    Src,
    /// Remote endpoint (connect or send).
    Dst,
}

impl Intent {
    /// Returns the endpoint whose port `access` checks.
    pub(crate) fn of(access: NetAccess) -> Self {
        if access.is_bind() {
            Self::Src
        } else {
            Self::Dst
        }
    }
}

/// A port to check against the domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Request<'a> {
    /// `sa_family` of the address: `AF_INET`, `AF_INET6`, or `AF_UNSPEC` when the network stack
    /// treats it as `AF_INET`.
    pub(crate) family: u16,
    /// Port, in network byte order (i.e. the raw `sin_port` or `sin6_port` value, which is also
    /// the rule key).
    pub(crate) port: u16,
    /// IP address, only used for logging.
    pub(crate) addr: IpAddr<'a>,
    /// Endpoint designated by `port` and `addr`.
    pub(crate) intent: Intent,
}

/// Verdict of the address parser, when it does not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision<'a> {
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
pub(crate) fn field<const N: usize>(addr: &[u8], offset: usize) -> Result<&[u8; N]> {
    addr.get(offset..offset + N)
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(EINVAL)
}

impl Request<'static> {
    /// Returns the request of an implicit bind (autobind) of a socket of the family `family`:
    /// port 0 on the wildcard address, as an explicit `bind()` would ask for it.
    pub(crate) fn autobind(family: u16) -> Self {
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
pub(crate) fn parse_in(addr: &[u8], addrlen: c_int) -> Result<(u16, IpAddr<'_>)> {
    if addrlen < SOCKADDR_IN_LEN {
        return Err(EINVAL);
    }
    let port = u16::from_ne_bytes(*field::<2>(addr, PORT_OFFSET)?);
    Ok((port, IpAddr::V4(field::<4>(addr, SIN_ADDR_OFFSET)?)))
}

/// Parses an IPv6 address.
#[cfg(CONFIG_IPV6)]
pub(crate) fn parse_in6(addr: &[u8], addrlen: c_int) -> Result<(u16, IpAddr<'_>)> {
    if addrlen < SIN6_LEN_RFC2133 {
        return Err(EINVAL);
    }
    let port = u16::from_ne_bytes(*field::<2>(addr, PORT_OFFSET)?);
    Ok((port, IpAddr::V6(field::<16>(addr, SIN6_ADDR_OFFSET)?)))
}

/// Parses the address of a request and decides how to check it.
///
/// - `addr`: the address, as the caller gave it (its readable bytes and its length).
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
#[inline(always)]
pub(crate) fn parse(
    addr: SockAddrRef<'_>,
    sock_family: u16,
    op: Operation,
    kind: SockKind,
) -> Result<Decision<'_>> {
    let access = NetAccess::of(op, kind);
    let (addrlen, addr) = (addr.addrlen(), addr.as_bytes());

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
            // operations with WRITE_ONCE() stores and no barrier, and a weakly ordered CPU may
            // show this hook the new family while the caller still goes through the IPv6
            // operations, which would use the port.  So the port is checked as an IPv6 one, and
            // if it is allowed the stack gives its own answer.  An address too short for an IPv6
            // one is refused by both stacks whatever its port: let them give their own error.
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
pub(crate) fn connect_may_autobind(family: Option<u16>, addrlen: c_int) -> bool {
    // The C code compares `addrlen` to `offsetofend(struct sockaddr, sa_family)` as a `size_t`,
    // so negative lengths (only possible for in-kernel callers) pass this check.  Their
    // `sa_family` is not readable here, and they are conservatively treated as non-AF_UNSPEC.
    let long_enough = !(0..SA_FAMILY_END).contains(&addrlen);
    long_enough && family != Some(AF_UNSPEC)
}
