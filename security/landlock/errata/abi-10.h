/* SPDX-License-Identifier: GPL-2.0-only */

/**
 * DOC: erratum_5
 *
 * Erratum 5: UDP destinations handled as the network stack does
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 *
 * This fix relaxes over-restrictive checks of
 * %LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP.  First, an explicit %AF_UNSPEC
 * destination given to :manpage:`sendmsg(2)` on an IPv6 UDP socket was always
 * denied with ``EACCES``, although the IPv6 stack treats it as "no address"
 * (the connected peer, which :manpage:`connect(2)` already checked, or
 * ``EDESTADDRREQ``).  Because another task may convert the socket to IPv4
 * with ``setsockopt(IPV6_ADDRFORM)`` at any time, and the IPv4 stack reads
 * such a destination as a ``struct sockaddr_in``, it is now handled as
 * follows, whatever the socket's family: a destination shorter than
 * ``struct sockaddr_in`` or whose port is 0, which the IPv4 stack refuses,
 * gets the stack's own answer; any other has its port checked as an IPv4
 * one, and is denied with ``EACCES`` (and logged) if that port is denied.
 * Second, an %AF_INET destination given to :manpage:`connect(2)` or
 * :manpage:`sendmsg(2)` on a dual-stack (not v6-only) IPv6 UDP socket, which
 * the stack accepts, was refused with ``EINVAL``; its port is now checked as
 * an IPv4 one.  On a v6-only socket, an allowed port now gets the stack's own
 * error (``EAFNOSUPPORT`` for :manpage:`connect(2)`, ``ENETUNREACH`` for
 * :manpage:`sendmsg(2)`) instead of ``EINVAL``.
 *
 * Every kernel configuration reports this erratum.
 *
 * Impact:
 *
 * Programs that pass a generic "unspecified" destination to
 * :manpage:`sendmsg(2)`, or that use IPv4 destinations on dual-stack IPv6 UDP
 * sockets (a common way to serve both families with one socket), failed under
 * a policy handling %LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP even when the port
 * was allowed.  An %AF_UNSPEC destination that holds a denied IPv4 port is
 * still denied on an IPv6 socket.
 */
LANDLOCK_ERRATUM(5)
