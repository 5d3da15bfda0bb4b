/* SPDX-License-Identifier: GPL-2.0-only */

/**
 * DOC: erratum_5
 *
 * Erratum 5: UDP destinations handled as the network stack does
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 *
 * This fix relaxes two over-restrictive checks of
 * %LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP.  First, an explicit %AF_UNSPEC
 * destination given to :manpage:`sendmsg(2)` on an IPv6 UDP socket was always
 * denied with ``EACCES``, although the IPv6 stack treats it as "no address"
 * (the connected peer, which :manpage:`connect(2)` already checked, or
 * ``EDESTADDRREQ``).  It is now handled as the stack does.  If another task
 * converts the socket to IPv4 with ``setsockopt(IPV6_ADDRFORM)`` while such a
 * datagram is being sent, the send fails with ``EINVAL`` instead of reaching
 * a port that was never checked; once the socket is IPv4, such destinations
 * are checked as %AF_INET ones.
 * Second, an %AF_INET destination on a dual-stack (not v6-only) IPv6 UDP
 * socket, which the stack accepts, was refused with ``EINVAL``; its port is
 * now checked as an IPv4 one.
 *
 * The same kernels also apply %LANDLOCK_ACCESS_NET_BIND_TCP and
 * %LANDLOCK_ACCESS_NET_CONNECT_TCP to MPTCP sockets (``IPPROTO_MPTCP``),
 * which fall back to plain TCP on the wire and were not restricted at all.
 * This makes restrictions stricter, not looser: it needs no erratum of its
 * own, but programs that rely on MPTCP under a TCP policy now need rules for
 * the ports they use.  SCTP sockets stay unrestricted: no right covers them.
 *
 * Kernels built without ``CONFIG_RUST`` keep the previous behaviour and do not
 * report this erratum.
 *
 * Impact:
 *
 * Programs that pass a generic "unspecified" destination to
 * :manpage:`sendmsg(2)`, or that use IPv4 destinations on dual-stack IPv6 UDP
 * sockets (a common way to serve both families with one socket), failed under
 * a policy handling %LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP even when the port
 * was allowed.
 */
/* Only the Rust network hooks (CONFIG_RUST) behave so. */
#if IS_ENABLED(CONFIG_SECURITY_LANDLOCK_NET_RUST)
LANDLOCK_ERRATUM(5)
#endif /* IS_ENABLED(CONFIG_SECURITY_LANDLOCK_NET_RUST) */
