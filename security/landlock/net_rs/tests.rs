// SPDX-License-Identifier: GPL-2.0-only

//! KUnit tests of the Rust parts of the network hooks (`landlock_net_rust`): the parser against
//! mainline's and the network stack's answers, and the port rules' lookups.  The whole decision
//! is compared with the C one by the C suite `landlock_net_decide` (`net.c`).

use kernel::prelude::*;

#[kunit_tests(landlock_net_rust)]
mod tests {
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
            Intent,
            IpAddr,
            Request,
            INADDR_ANY, //
        },
        c_api::{
            PortSlot,
            RawPortSets,
            NUM_ACCESS, //
        },
        ports::{
            slot,
            PortSets, //
        },
    };
    use kernel::{
        ffi::c_int,
        net::socket::{
            family::{
                AF_INET,
                AF_INET6,
                AF_UNIX,
                AF_UNSPEC, //
            },
            SockAddrRef,
            SOCKADDR_STORAGE_SIZE, //
        },
        prelude::*,
    };

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
        /// Returns the address, as a hook gets it.
        fn addr(&self) -> SockAddrRef<'_> {
            SockAddrRef::from_storage(self.buf, self.addrlen)
        }

        /// Returns the parser's decision for this case.
        fn parse(&self) -> Result<Decision<'_>> {
            parse(self.addr(), self.sock_family, self.op, self.kind)
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

    #[test]
    fn unspec_disconnect_is_always_allowed() {
        let buf = test_addr(AF_UNSPEC, false);
        for kind in KINDS {
            for sock_family in SOCK_FAMILIES {
                for addrlen in [2, 16, 128] {
                    let addr = SockAddrRef::from_storage(&buf, addrlen);
                    assert_eq!(
                        parse(addr, sock_family, Operation::Connect, kind),
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
                        SockAddrRef::from_storage(&buf, addrlen),
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
                        SockAddrRef::from_storage(&no_port, addrlen),
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
                        SockAddrRef::from_storage(&buf, addrlen),
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
                parse(
                    SockAddrRef::from_storage(&any, 15),
                    AF_INET,
                    Operation::Bind,
                    kind
                ),
                Err(EINVAL)
            );
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&not_any, 16),
                    AF_INET,
                    Operation::Bind,
                    kind
                ),
                Err(EAFNOSUPPORT)
            );
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&any, 16),
                    AF_INET,
                    Operation::Bind,
                    kind
                ),
                Ok(Decision::Check(Request {
                    family: AF_UNSPEC,
                    port,
                    addr: IpAddr::V4(&INADDR_ANY),
                    intent: Intent::Src,
                }))
            );

            // IPv6 sockets: always rejected, with an error depending on the length.
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&any, 23),
                    AF_INET6,
                    Operation::Bind,
                    kind
                ),
                Err(EINVAL)
            );
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&any, 24),
                    AF_INET6,
                    Operation::Bind,
                    kind
                ),
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
                parse(
                    SockAddrRef::from_storage(&in4, 16),
                    AF_INET6,
                    op,
                    SockKind::Tcp
                ),
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
            parse(
                SockAddrRef::from_storage(&in4, 15),
                AF_INET6,
                Operation::Bind,
                SockKind::Udp
            ),
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
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&in6, 24),
                    AF_INET,
                    op,
                    SockKind::Tcp
                ),
                want
            );
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&in6, 23),
                    AF_INET,
                    op,
                    SockKind::Tcp
                ),
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
                    assert_eq!(
                        parse(SockAddrRef::from_storage(&buf, 2), AF_INET, op, kind),
                        Ok(Decision::Allow)
                    );
                }
            }
        }
    }

    #[test]
    fn addrlen_out_of_range() {
        let buf = test_addr(AF_INET, false);

        // Negative lengths are rejected before reading anything.
        assert_eq!(
            parse(
                SockAddrRef::from_storage(&buf, -1),
                AF_INET,
                Operation::Bind,
                SockKind::Tcp
            ),
            Err(EINVAL)
        );

        // Lengths larger than the readable bytes (only possible for in-kernel callers) behave as
        // the full-size address.
        assert_eq!(
            parse(
                SockAddrRef::from_storage(&buf, 1000),
                AF_INET,
                Operation::Bind,
                SockKind::Tcp
            ),
            parse(
                SockAddrRef::from_storage(&buf, 128),
                AF_INET,
                Operation::Bind,
                SockKind::Tcp
            )
        );

        // A view of a null address (nothing readable, whatever addrlen says) fails instead of
        // reading out of bounds.
        // SAFETY: A null pointer is accepted, and nothing is read.
        let null = unsafe { SockAddrRef::from_raw(core::ptr::null(), 16) };
        assert_eq!(
            parse(null, AF_INET, Operation::Bind, SockKind::Tcp),
            Err(EINVAL)
        );
    }

    /// Returns the wildcard address of `family` with port 0, as an explicit `bind(0)` gives it.
    fn port0(family: u16) -> [u8; SOCKADDR_STORAGE_SIZE] {
        let mut buf = [0u8; SOCKADDR_STORAGE_SIZE];
        buf[..2].copy_from_slice(&family.to_ne_bytes());
        buf
    }

    #[test]
    fn autobind_address() {
        // The request an autobind checks, without parsing: as an explicit bind(0) on the
        // wildcard address of the socket's family is parsed.
        for family in [AF_INET, AF_INET6] {
            let buf = port0(family);
            let parsed = parse(
                SockAddrRef::from_storage(&buf, SOCKADDR_STORAGE_SIZE as c_int),
                family,
                Operation::Bind,
                SockKind::Udp,
            );
            if family == AF_INET || cfg!(CONFIG_IPV6) {
                assert_eq!(parsed, Ok(Decision::Check(Request::autobind(family))));
            }
        }
        assert_eq!(
            Request::autobind(AF_INET),
            Request {
                family: AF_INET,
                port: 0,
                addr: IpAddr::V4(&INADDR_ANY),
                intent: Intent::Src,
            }
        );
        assert_eq!(
            Request::autobind(AF_INET6),
            Request {
                family: AF_INET6,
                port: 0,
                addr: IpAddr::V6(&[0; 16]),
                intent: Intent::Src,
            }
        );
        if cfg!(CONFIG_IPV6) {
            // Parsed with another family (the socket converted by IPV6_ADDRFORM between two
            // reads), the same port would be checked.
            let buf = port0(AF_INET6);
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&buf, SOCKADDR_STORAGE_SIZE as c_int),
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
                parse(
                    SockAddrRef::from_storage(&in4, 16),
                    AF_INET6,
                    op,
                    SockKind::Udp
                ),
                Ok(Decision::Check(Request {
                    family: AF_INET,
                    port,
                    addr: IpAddr::V4(&ip),
                    intent: Intent::Dst,
                }))
            );
            // Too short for the stack: its own error.
            assert_eq!(
                parse(
                    SockAddrRef::from_storage(&in4, 15),
                    AF_INET6,
                    op,
                    SockKind::Udp
                ),
                Ok(Decision::Allow)
            );
        }
        // The stack never binds an IPv6 socket to an IPv4 address, but would once the socket is
        // converted: checked as IPv4 too (see `family_mismatch`).
        assert_eq!(
            parse(
                SockAddrRef::from_storage(&in4, 16),
                AF_INET6,
                Operation::Bind,
                SockKind::Udp
            ),
            Ok(Decision::Check(Request {
                family: AF_INET,
                port,
                addr: IpAddr::V4(&ip),
                intent: Intent::Src,
            }))
        );
    }

    /// The first slot of a key, as C computes it (`landlock_net_ports_slot()`): the same values
    /// are checked by the C KUnit test `test_net_ports_slot`.
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

    /// Returns an empty slot.
    fn empty_slot() -> PortSlot {
        PortSlot {
            key: 0,
            quiet: 0,
            layers: [0; NUM_ACCESS],
        }
    }

    /// Returns the header of port rules handling `handled`, by the layers `handling` (indexed by
    /// [`NetAccess::bit()`]), with the rules `port0` of port 0, for the table `table`.
    fn raw_port_sets(
        handled: u8,
        handling: [u16; NUM_ACCESS],
        port0: PortSlot,
        table: &[PortSlot],
    ) -> RawPortSets {
        // SAFETY: `struct landlock_net_ports` is a plain C structure of integers and an empty
        // array, for which all-zero bytes are valid.
        let mut raw: RawPortSets = unsafe { core::mem::zeroed() };
        raw.handled = handled;
        raw.handling = handling;
        raw.port0 = port0;
        raw.slots = u32::try_from(table.len()).expect("a small table");
        raw
    }

    #[test]
    fn port_sets_table() {
        let (bind_udp, send_udp, connect_tcp) = (
            NetAccess::BindUdp,
            NetAccess::ConnectSendUdp,
            NetAccess::ConnectTcp,
        );
        // Two layers: BIND_UDP handled by both, CONNECT_SEND_UDP by the first, CONNECT_TCP by the
        // second, BIND_TCP by none.
        let layers = |b: u16, s: u16, c: u16| {
            let mut l = [0u16; NUM_ACCESS];
            l[bind_udp.bit()] = b;
            l[send_udp.bit()] = s;
            l[connect_tcp.bit()] = c;
            l
        };
        let handling = layers(0b11, 0b01, 0b10);
        let handled = (bind_udp.mask() | send_udp.mask() | connect_tcp.mask()) as u8;
        // The layers allowing each right, per port; the first and last keys are in the table.
        let entries = [
            (0u16, layers(0b11, 0, 0)),
            (1, layers(0b01, 0b01, 0)),
            (0x00ff, layers(0, 0, 0b10)),
            (0x0100, layers(0b10, 0b01, 0)),
            (0x3412, layers(0b11, 0b01, 0b10)),
            (0xfffe, layers(0, 0, 0)),
            (0xffff, layers(0b11, 0, 0)),
        ];
        // 13 slots, filled as the C side does: linear probing from `slot()`, port 0 aside.
        let mut table: [PortSlot; 13] = core::array::from_fn(|_| empty_slot());
        let mut port0 = empty_slot();
        for (key, l) in entries {
            if key == 0 {
                port0.layers = l;
                continue;
            }
            let mut i = slot(key, table.len());
            while table[i].key != 0 {
                i = (i + 1) % table.len();
            }
            table[i].key = key;
            table[i].layers = l;
        }
        let raw = raw_port_sets(handled, handling, port0, &table);
        let sets = PortSets::from_parts(&raw, &table).expect("a table of raw.slots slots");
        for port in 0..=u16::MAX {
            let listed = entries
                .iter()
                .find(|(key, _)| *key == port)
                .map_or([0; NUM_ACCESS], |(_, l)| *l);
            for access in [bind_udp, send_udp, connect_tcp] {
                assert_eq!(
                    sets.allows(access, port),
                    listed[access.bit()] == handling[access.bit()]
                );
            }
            // Not handled: not restricted.
            assert!(sets.allows(NetAccess::BindTcp, port));
        }
        // Known answers: every handling layer must allow.
        assert!(sets.allows(bind_udp, 0));
        assert!(!sets.allows(bind_udp, 1));
        assert!(sets.allows(send_udp, 1));
        assert!(sets.allows(connect_tcp, 0x00ff));
        assert!(!sets.allows(bind_udp, 0x0100));
        assert!(!sets.allows(send_udp, 0xfffe));
        assert!(!sets.allows(bind_udp, 2));

        // A full table (never built by C): a missing port ends the probe, denied.
        let mut full: [PortSlot; 3] = core::array::from_fn(|_| empty_slot());
        for (i, s) in full.iter_mut().enumerate() {
            s.key = i as u16 + 1;
            s.layers[bind_udp.bit()] = 1;
        }
        let mut handling = [0u16; NUM_ACCESS];
        handling[bind_udp.bit()] = 1;
        let raw = raw_port_sets(bind_udp.mask() as u8, handling, empty_slot(), &full);
        let sets = PortSets::from_parts(&raw, &full).expect("a table of raw.slots slots");
        // A header that does not give the table's length has no view.
        assert!(PortSets::from_parts(&raw, &full[..2]).is_none());
        for port in 1..=3 {
            assert!(sets.allows(bind_udp, port));
        }
        assert!(!sets.allows(bind_udp, 4));
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
            assert!(bit < NUM_ACCESS);
        }
    }
}
