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
 * ``EDESTADDRREQ``).  It is now handled as the stack does.  A per-socket state
 * detects a concurrent conversion of the socket to IPv4 with
 * ``setsockopt(IPV6_ADDRFORM)``, which would turn such a destination into an
 * IPv4 one: such destinations are then checked as %AF_INET, and a sandboxed
 * task cannot convert a socket on which it already sent to an %AF_UNSPEC
 * destination (``EACCES``, logged with the ``net.ipv6_addrform_udp`` blocker).
 * Second, an %AF_INET destination on a dual-stack (not v6-only) IPv6 UDP
 * socket, which the stack accepts, was refused with ``EINVAL``; its port is
 * now checked as an IPv4 one.
 *
 * Impact:
 *
 * Programs that pass a generic "unspecified" destination to
 * :manpage:`sendmsg(2)`, or that use IPv4 destinations on dual-stack IPv6 UDP
 * sockets (a common way to serve both families with one socket), failed under
 * a policy handling %LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP even when the port
 * was allowed.
 */
LANDLOCK_ERRATUM(5)
