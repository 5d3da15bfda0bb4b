// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock tests - UDP destinations and autobind
 *
 * Landlock checks explicit AF_UNSPEC and AF_INET destinations of UDP sockets
 * the way the network stack uses them, without being fooled by a concurrent
 * setsockopt(IPV6_ADDRFORM), which Landlock never denies:
 *
 * - on an IPv6 socket, an AF_UNSPEC destination is "no address" (as for the
 *   IPv6 stack) if the IPv4 stack would refuse it too (shorter than a
 *   sockaddr_in, or port 0); otherwise, its port is checked as an IPv4 one,
 *   as the socket may be converted to IPv4 before the stack reads it;
 * - on an IPv4 socket, including a converted one (whoever converted it), an
 *   AF_UNSPEC destination is checked as an AF_INET one (as for the IPv4
 *   stack);
 * - on a dual-stack IPv6 socket, AF_INET destinations are checked as IPv4
 *   ports;
 * - implicit autobinds are still checked as bind(0);
 * - every network audit record logs the socket's family, and a denied AF_UNSPEC
 *   destination on an IPv6 socket has a blocker of its own.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "common.h"

/* Each test runs in its own network namespace: fixed ports are fine. */
#define PORT_ALLOWED 2001
#define PORT_DENIED 2002
#define PORT_SRC 2003

#define ACCESS_UDP \
	(LANDLOCK_ACCESS_NET_BIND_UDP | LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP)

#include "udp_common.h"

/* Number of messages of the sendmmsg() tests. */
#define MMSG_VLEN 8

/*
 * How long race.unspec_vs_addrform runs by default, in milliseconds (see
 * LL_RACE_MS), and at most; race.sendfile_eof_autobind and
 * race_autobind.disconnect run a third of it.  The race tests count what they
 * reached, and fail only on a wrong result, never because a race was not
 * reached.
 */
#define RACE_DURATION_MS 3000
#define RACE_MAX_DURATION_MS 3000000
#define RACE_TIMEOUT_S 3600
#define RACE_MAX_SENDERS 2
/* Maximum number of send calls of a sender per conversion. */
#define RACE_MAX_SENDS 8
#define RACE_MMSG_VLEN 4

/*
 * On an IPv6 socket connected to an IPv4-mapped address, the IPv6 stack
 * treats an AF_UNSPEC destination as no address but, unlike a send without
 * address, does not hand the datagram to the IPv4 stack (cf. udpv6_sendmsg()):
 * it is routed as IPv6, and the test's network namespace has no route to
 * ::ffff:0:0/96.  This is the stack's answer to such sends when Landlock lets
 * them through.
 */
#define ERR_UNSPEC_MAPPED (-ENETUNREACH)

/*
 * Sets a destination that reaches the IPv4 receivers from a socket of
 * @family: 127.0.0.1 for IPv4, ::ffff:127.0.0.1 for IPv6.
 */
static socklen_t set_dst(struct sockaddr_storage *const ss, const int family,
			 const uint16_t port)
{
	if (family == AF_INET6)
		return set_in6(ss, mapped_ipv4, port);
	return set_in(ss, AF_INET, port);
}

/* Returns the number of queued datagrams, which are consumed. */
static int drain(const int fd)
{
	char buf;
	int count = 0;

	while (recv(fd, &buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		count++;
	return count;
}

/* Sends one byte to @addr (or to no address if NULL); returns 0 or -errno. */
static int send_to(const int fd, const struct sockaddr_storage *const addr,
		   const socklen_t len)
{
	const ssize_t ret = sendto(fd, ".", 1, MSG_NOSIGNAL,
				   (const struct sockaddr *)addr, len);

	if (ret < 0)
		return -errno;
	if (ret != 1)
		return -EIO;
	return 0;
}

/*
 * Sends @vlen one-byte datagrams to @addr with a single sendmmsg() call;
 * returns the number of sent datagrams, or -errno.
 */
static int send_mmsg(const int fd, const struct sockaddr_storage *const addr,
		     const socklen_t len, const unsigned int vlen)
{
	struct mmsghdr msgs[MMSG_VLEN] = {};
	char buf = '.';
	struct iovec iov = {
		.iov_base = &buf,
		.iov_len = sizeof(buf),
	};
	unsigned int i;
	int ret;

	if (vlen > ARRAY_SIZE(msgs))
		return -E2BIG;

	for (i = 0; i < vlen; i++) {
		msgs[i].msg_hdr.msg_name = (void *)addr;
		msgs[i].msg_hdr.msg_namelen = len;
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	ret = sendmmsg(fd, msgs, vlen, MSG_NOSIGNAL);
	if (ret < 0)
		return -errno;
	return ret;
}

static int connect_to(const int fd, const struct sockaddr_storage *const addr,
		      const socklen_t len)
{
	if (connect(fd, (const struct sockaddr *)addr, len))
		return -errno;
	return 0;
}

static int bind_to(const int fd, const struct sockaddr_storage *const addr,
		   const socklen_t len)
{
	if (bind(fd, (const struct sockaddr *)addr, len))
		return -errno;
	return 0;
}

/* Dissolves the remote association of a UDP socket. */
static int disconnect(const int fd)
{
	const struct sockaddr_storage unspec = {
		.ss_family = AF_UNSPEC,
	};

	return connect_to(fd, &unspec, sizeof(struct sockaddr));
}

static int addrform(const int fd)
{
	const int family = AF_INET;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &family,
		       sizeof(family)))
		return -errno;
	return 0;
}

/*
 * Handles both UDP rights, allows sending to PORT_ALLOWED and binding to
 * PORT_SRC, and binding to port 0 (i.e. autobind) if @port0.
 */
static void sandbox_udp(struct __test_metadata *const _metadata,
			const bool port0)
{
	const struct port_rule rules[] = {
		{
			.access = LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
			.port = PORT_ALLOWED,
		},
		{
			.access = LANDLOCK_ACCESS_NET_BIND_UDP,
			.port = PORT_SRC,
		},
		{
			.access = LANDLOCK_ACCESS_NET_BIND_UDP,
			.port = 0,
		},
	};

	enforce_rules(_metadata, ACCESS_UDP, rules,
		      port0 ? ARRAY_SIZE(rules) : ARRAY_SIZE(rules) - 1);
}

/*
 * sandbox_udp() for the threads that a test creates: the harness's assertions
 * may only fail in the test's own thread, so this one returns 0 or -errno, for
 * that thread to check.
 */
static int sandbox_udp_thread(void)
{
	const struct landlock_ruleset_attr ruleset_attr = {
		.handled_access_net = ACCESS_UDP,
	};
	const struct landlock_net_port_attr send = {
		.allowed_access = LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
		.port = PORT_ALLOWED,
	};
	int ruleset_fd, err = 0;

	ruleset_fd =
		landlock_create_ruleset(&ruleset_attr, sizeof(ruleset_attr), 0);
	if (ruleset_fd < 0)
		return -errno;
	if (landlock_add_rule(ruleset_fd, LANDLOCK_RULE_NET_PORT, &send, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    landlock_restrict_self(ruleset_fd, 0))
		err = -errno;
	close(ruleset_fd);
	return err;
}

static void wait_child(struct __test_metadata *const _metadata,
		       const pid_t child)
{
	int status;

	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(1, WIFEXITED(status));
	EXPECT_EQ(EXIT_SUCCESS, WEXITSTATUS(status));
}

/*
 * AF_UNSPEC destinations on IPv6 sockets are "no address" for the stack, and
 * for Landlock too when the IPv4 stack would refuse them (too short, or port
 * 0); any other is checked as the AF_INET one the socket would read if it were
 * converted to IPv4 at any time (IPV6_ADDRFORM).
 */

FIXTURE(unspec_ipv6)
{
	struct receivers rcv;
};

FIXTURE_VARIANT(unspec_ipv6)
{
	/* Connects to [::1] instead of ::ffff:127.0.0.1. */
	const bool ipv6_peer;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(unspec_ipv6, mapped_peer) {
	/* clang-format on */
	.ipv6_peer = false,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(unspec_ipv6, ipv6_peer) {
	/* clang-format on */
	.ipv6_peer = true,
};

FIXTURE_SETUP(unspec_ipv6)
{
	disable_caps(_metadata);
	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);
}

FIXTURE_TEARDOWN(unspec_ipv6)
{
	teardown_receivers(&self->rcv);
}

/*
 * Unconnected socket: the IPv6 stack answers -EDESTADDRREQ, but for a denied
 * port (mainline Landlock denied every AF_UNSPEC destination with -EACCES).
 */
TEST_F(unspec_ipv6, unconnected)
{
	struct sockaddr_storage unspec;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	/* Too short to hold sa_family: rejected by Landlock and the stack. */
	set_in(&unspec, AF_UNSPEC, PORT_DENIED);
	EXPECT_EQ(-EINVAL, send_to(fd, &unspec, sizeof(sa_family_t) - 1));

	/* A bare family. */
	EXPECT_EQ(-EDESTADDRREQ, send_to(fd, &unspec, sizeof(sa_family_t)));

	/* Too short for a sockaddr_in: harmless for the IPv4 stack too. */
	EXPECT_EQ(-EDESTADDRREQ,
		  send_to(fd, &unspec, sizeof(struct sockaddr_in) - 1));

	/* Laid out as a sockaddr_in with a denied port: checked as AF_INET. */
	EXPECT_EQ(-EACCES, send_to(fd, &unspec, sizeof(struct sockaddr_in)));
	EXPECT_EQ(-EACCES, send_to(fd, &unspec, sizeof(unspec)));

	/* Port 0: refused by the IPv4 stack, so no address for Landlock. */
	set_in(&unspec, AF_UNSPEC, 0);
	EXPECT_EQ(-EDESTADDRREQ,
		  send_to(fd, &unspec, sizeof(struct sockaddr_in)));

	/* Laid out as a sockaddr_in with an allowed port. */
	set_in(&unspec, AF_UNSPEC, PORT_ALLOWED);
	EXPECT_EQ(-EDESTADDRREQ,
		  send_to(fd, &unspec, sizeof(struct sockaddr_in)));

	/* Full-size. */
	EXPECT_EQ(-EDESTADDRREQ, send_to(fd, &unspec, sizeof(unspec)));

	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, close(fd));
}

/*
 * Connected socket: the datagram goes to the connected peer, whose port was
 * checked by connect(), if the AF_UNSPEC address holds no port or an allowed
 * one.  It reaches an IPv6 peer; for an IPv4-mapped peer, see
 * ERR_UNSPEC_MAPPED.
 */
TEST_F(unspec_ipv6, connected)
{
	const int expected = variant->ipv6_peer ? 0 : ERR_UNSPEC_MAPPED;
	struct sockaddr_storage peer, unspec;
	socklen_t peer_len;
	int fd;

	if (variant->ipv6_peer)
		peer_len = set_in6(&peer, loopback_ipv6, PORT_ALLOWED);
	else
		peer_len = set_in6(&peer, mapped_ipv4, PORT_ALLOWED);
	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);
	ASSERT_EQ(0, connect_to(fd, &peer, peer_len));

	/* A bare family. */
	set_in(&unspec, AF_UNSPEC, PORT_DENIED);
	EXPECT_EQ(expected, send_to(fd, &unspec, sizeof(sa_family_t)));

	/*
	 * Laid out as a sockaddr_in with a denied port: not used by the IPv6
	 * stack, but checked, as the IPv4 stack would use it.
	 */
	EXPECT_EQ(-EACCES, send_to(fd, &unspec, sizeof(struct sockaddr_in)));

	/* Full-size, with an allowed port, and with port 0. */
	set_in(&unspec, AF_UNSPEC, PORT_ALLOWED);
	EXPECT_EQ(expected, send_to(fd, &unspec, sizeof(unspec)));
	set_in(&unspec, AF_UNSPEC, 0);
	EXPECT_EQ(expected, send_to(fd, &unspec, sizeof(unspec)));

	if (variant->ipv6_peer) {
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed6, 1000));
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed6, 1000));
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed6, 1000));
		/* A send without address, for comparison. */
		EXPECT_EQ(0, send_to(fd, NULL, 0));
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed6, 1000));
	} else {
		/* A send without address reaches the IPv4 peer. */
		EXPECT_EQ(0, send_to(fd, NULL, 0));
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	}

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, drain(self->rcv.allowed6));
	EXPECT_EQ(AF_INET6, sock_domain(fd));
	EXPECT_EQ(0, close(fd));
}

/* IPV6_ADDRFORM: never denied, AF_UNSPEC follows the socket's family. */

FIXTURE(addrform)
{
	struct receivers rcv;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	/* Laid out as sockaddr_in, sin_family = AF_UNSPEC. */
	struct sockaddr_storage unspec_allowed, unspec_denied;
};

FIXTURE_SETUP(addrform)
{
	disable_caps(_metadata);
	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);

	self->peer_len = set_in6(&self->peer, mapped_ipv4, PORT_ALLOWED);
	set_in(&self->unspec_allowed, AF_UNSPEC, PORT_ALLOWED);
	set_in(&self->unspec_denied, AF_UNSPEC, PORT_DENIED);
}

FIXTURE_TEARDOWN(addrform)
{
	teardown_receivers(&self->rcv);
}

/*
 * Checks that the (sandboxed) caller's AF_UNSPEC destinations on @fd, an IPv4
 * socket converted from IPv6, are checked as AF_INET ones: denied to
 * PORT_DENIED, delivered to PORT_ALLOWED.
 */
static void expect_unspec_as_inet(struct __test_metadata *const _metadata,
				  const struct receivers *const rcv,
				  const int fd)
{
	struct sockaddr_storage unspec;

	EXPECT_EQ(AF_INET, sock_domain(fd));

	set_in(&unspec, AF_UNSPEC, PORT_DENIED);
	EXPECT_EQ(-EACCES, send_to(fd, &unspec, sizeof(struct sockaddr_in)));
	EXPECT_EQ(-EACCES, send_to(fd, &unspec, sizeof(unspec)));

	set_in(&unspec, AF_UNSPEC, PORT_ALLOWED);
	EXPECT_EQ(0, send_to(fd, &unspec, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, recv_dgram(rcv->allowed, 1000));
	EXPECT_EQ(0, drain(rcv->denied));
}

/*
 * From a sandboxed child, sends to @fd (an IPv6 socket connected to an
 * IPv4-mapped peer) an AF_UNSPEC destination with the bytes of a denied port,
 * which is denied, and one with an allowed port, which goes through as "no
 * address".
 */
static void
unspec_from_sandbox(struct __test_metadata *const _metadata,
		    const struct sockaddr_storage *const unspec_denied,
		    const struct sockaddr_storage *const unspec_allowed,
		    const int fd)
{
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		sandbox_udp(_metadata, true);
		EXPECT_EQ(-EACCES, send_to(fd, unspec_denied,
					   sizeof(struct sockaddr_in)));
		EXPECT_EQ(ERR_UNSPEC_MAPPED,
			  send_to(fd, unspec_allowed,
				  sizeof(struct sockaddr_in)));
		EXPECT_EQ(AF_INET6, sock_domain(fd));
		_exit(_metadata->exit_code);
		return;
	}
	wait_child(_metadata, child);
}

/*
 * Sending to an AF_UNSPEC destination from a sandbox does not prevent the
 * sandbox from converting the socket to IPv4: AF_UNSPEC destinations are
 * checked as AF_INET ones before and after.
 */
TEST_F(addrform, unspec_then_sandboxed_convert_allowed)
{
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));

	/* Denied port, whatever the socket's family. */
	EXPECT_EQ(-EACCES, send_to(fd, &self->unspec_denied,
				   sizeof(struct sockaddr_in)));
	/* Allowed by Landlock (no address), refused by the stack. */
	EXPECT_EQ(ERR_UNSPEC_MAPPED, send_to(fd, &self->unspec_allowed,
					     sizeof(struct sockaddr_in)));

	ASSERT_EQ(0, addrform(fd));
	expect_unspec_as_inet(_metadata, &self->rcv, fd);

	/* Sends without address are not affected. */
	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/* Explicit destinations do not matter either. */
TEST_F(addrform, sandboxed_convert_allowed)
{
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));

	EXPECT_EQ(0, send_to(fd, &self->peer, self->peer_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));

	ASSERT_EQ(0, addrform(fd));

	/* The socket is now IPv4: AF_UNSPEC is AF_INET, as in mainline. */
	expect_unspec_as_inet(_metadata, &self->rcv, fd);

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, close(fd));
}

/*
 * A socket converted before sandboxing checks AF_UNSPEC destinations as
 * AF_INET ones (i.e. as a sockaddr_in).
 */
TEST_F(addrform, convert_then_unspec_checked)
{
	struct sockaddr_storage unspec;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));
	ASSERT_EQ(0, addrform(fd));

	sandbox_udp(_metadata, true);

	/* A bare family is a truncated sockaddr_in. */
	set_in(&unspec, AF_UNSPEC, PORT_ALLOWED);
	EXPECT_EQ(-EINVAL, send_to(fd, &unspec, sizeof(sa_family_t)));
	EXPECT_EQ(-EINVAL,
		  send_to(fd, &unspec, sizeof(struct sockaddr_in) - 1));

	/* The port is checked. */
	expect_unspec_as_inet(_metadata, &self->rcv, fd);

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/*
 * A conversion that the stack refuses (socket not connected), by an
 * unsandboxed or a sandboxed task, changes nothing: the socket is still IPv6,
 * and AF_UNSPEC destinations are still "no address" for the stack.
 */
TEST_F(addrform, failed_convert_unchanged)
{
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTCONN, addrform(fd));

	sandbox_udp(_metadata, true);
	EXPECT_EQ(-ENOTCONN, addrform(fd));
	EXPECT_EQ(AF_INET6, sock_domain(fd));

	EXPECT_EQ(-EDESTADDRREQ, send_to(fd, &self->unspec_allowed,
					 sizeof(struct sockaddr_in)));
	EXPECT_EQ(-EACCES, send_to(fd, &self->unspec_denied,
				   sizeof(struct sockaddr_in)));
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));

	/* A bare family is not a truncated sockaddr_in. */
	EXPECT_EQ(ERR_UNSPEC_MAPPED,
		  send_to(fd, &self->unspec_denied, sizeof(sa_family_t)));
	EXPECT_EQ(-EACCES, send_to(fd, &self->unspec_denied,
				   sizeof(struct sockaddr_in)));
	EXPECT_EQ(ERR_UNSPEC_MAPPED, send_to(fd, &self->unspec_allowed,
					     sizeof(struct sockaddr_in)));
	EXPECT_EQ(AF_INET6, sock_domain(fd));

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/*
 * A socket sent on with AF_UNSPEC destinations by a sandboxed task can be
 * converted by an unsandboxed task, after which AF_UNSPEC is AF_INET for the
 * stack too.
 */
TEST_F(addrform, unsandboxed_convert_allowed)
{
	pid_t child;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));

	unspec_from_sandbox(_metadata, &self->unspec_denied,
			    &self->unspec_allowed, fd);
	EXPECT_EQ(AF_INET6, sock_domain(fd));

	/* The parent is not sandboxed. */
	ASSERT_EQ(0, addrform(fd));
	EXPECT_EQ(AF_INET, sock_domain(fd));

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		sandbox_udp(_metadata, true);
		expect_unspec_as_inet(_metadata, &self->rcv, fd);
		_exit(_metadata->exit_code);
		return;
	}
	wait_child(_metadata, child);

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/*
 * A socket shared by a sandboxed process with an unsandboxed one, which
 * converts it: AF_UNSPEC destinations are then checked as AF_INET ones for
 * the sandboxed process, although it did not request the conversion.
 */
TEST_F(addrform, shared_convert_by_unsandboxed)
{
	int go[2], fd;
	pid_t child;
	char buf;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));

	/* Forked before sandboxing: the child stays unsandboxed. */
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		EXPECT_EQ(0, close(go[1]));
		ASSERT_EQ(1, read(go[0], &buf, 1));
		EXPECT_EQ(0, addrform(fd));
		_exit(_metadata->exit_code);
		return;
	}
	EXPECT_EQ(0, close(go[0]));

	sandbox_udp(_metadata, true);

	/* Still IPv6: no address, but for a denied port. */
	EXPECT_EQ(ERR_UNSPEC_MAPPED, send_to(fd, &self->unspec_allowed,
					     sizeof(struct sockaddr_in)));
	EXPECT_EQ(-EACCES, send_to(fd, &self->unspec_denied,
				   sizeof(struct sockaddr_in)));

	ASSERT_EQ(1, write(go[1], ".", 1));
	wait_child(_metadata, child);
	EXPECT_EQ(0, close(go[1]));

	expect_unspec_as_inet(_metadata, &self->rcv, fd);

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/* Domains not handling LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP change nothing. */
TEST_F(addrform, convert_by_domain_without_send_udp)
{
	pid_t child;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));

	unspec_from_sandbox(_metadata, &self->unspec_denied,
			    &self->unspec_allowed, fd);

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		const struct port_rule bind0 = {
			.access = LANDLOCK_ACCESS_NET_BIND_UDP,
			.port = 0,
		};

		enforce_rules(_metadata, LANDLOCK_ACCESS_NET_BIND_UDP, &bind0,
			      1);
		EXPECT_EQ(0, addrform(fd));
		EXPECT_EQ(AF_INET, sock_domain(fd));
		_exit(_metadata->exit_code);
		return;
	}
	wait_child(_metadata, child);

	sandbox_udp(_metadata, true);
	expect_unspec_as_inet(_metadata, &self->rcv, fd);

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/*
 * With sendmmsg(), which may skip the hook for a message with the same address
 * as the previous one, an AF_UNSPEC destination with the bytes of a denied
 * port stops it at the first message on an IPv6 socket too, and one with an
 * allowed port is "no address": each message goes to the connected peer.
 */
TEST_F(addrform, sendmmsg_unspec_ipv6)
{
	struct sockaddr_storage peer;
	socklen_t peer_len;
	unsigned int i;
	int fd;

	peer_len = set_in6(&peer, loopback_ipv6, PORT_ALLOWED);
	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);
	ASSERT_EQ(0, connect_to(fd, &peer, peer_len));

	EXPECT_EQ(-EACCES, send_mmsg(fd, &self->unspec_denied,
				     sizeof(struct sockaddr_in), MMSG_VLEN));
	EXPECT_EQ(0, drain(self->rcv.allowed6));

	/* No address: every message goes to the connected peer. */
	EXPECT_EQ(MMSG_VLEN, send_mmsg(fd, &self->unspec_allowed,
				       sizeof(struct sockaddr_in), MMSG_VLEN));
	for (i = 0; i < MMSG_VLEN; i++)
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed6, 1000));

	EXPECT_EQ(0, drain(self->rcv.allowed6));
	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(AF_INET6, sock_domain(fd));
	EXPECT_EQ(0, close(fd));
}

/*
 * ...and is checked as AF_INET on a converted socket: a denied port stops
 * sendmmsg() at the first message, an allowed one lets every message through.
 */
TEST_F(addrform, sendmmsg_unspec_converted)
{
	unsigned int i;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);
	ASSERT_EQ(0, connect_to(fd, &self->peer, self->peer_len));
	ASSERT_EQ(0, addrform(fd));

	/* Checked as AF_INET: the first message is denied, nothing is sent. */
	EXPECT_EQ(-EACCES, send_mmsg(fd, &self->unspec_denied,
				     sizeof(struct sockaddr_in), MMSG_VLEN));
	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));

	EXPECT_EQ(MMSG_VLEN, send_mmsg(fd, &self->unspec_allowed,
				       sizeof(struct sockaddr_in), MMSG_VLEN));
	for (i = 0; i < MMSG_VLEN; i++)
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));

	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, close(fd));
}

/* AF_UNSPEC sends racing with IPV6_ADDRFORM by an unsandboxed thread. */

struct race_ctx {
	/* The main thread, the converter and the senders. */
	pthread_barrier_t start, done;
	int fd;
	unsigned int iteration;
	bool stop;
	/*
	 * Set by the converter once its IPV6_ADDRFORM returned: the senders
	 * read it instead of the socket's family, which getsockopt() would
	 * read racily (a data race of the base, not Landlock's).
	 */
	int converted;
};

struct race_thread {
	struct race_ctx *ctx;
	unsigned int index;
	/*
	 * Senders' outcomes: denied (checked as AF_INET, whatever the family),
	 * denied before the conversion returned (the socket was still IPv6
	 * when the send started),
	 * let through as no address (ERR_UNSPEC_MAPPED), refused by the IPv4
	 * stack (-EINVAL), sent datagrams, and other errors (also for the
	 * converter).  Only denials are expected.
	 */
	int denied, denied_ipv6, no_addr, einval, sent, other, other_errno;
	/* Converter: successful conversions. */
	int conversions;
};

/* Varies the interleavings from one iteration to the next. */
static void delay(const unsigned int loops)
{
	unsigned int i;

	for (i = 0; i < loops; i++)
		syscall(__NR_getppid);
}

/*
 * Sends AF_UNSPEC datagrams with the bytes of a sockaddr_in to
 * 127.0.0.1:PORT_DENIED, alternating sendto() and sendmmsg(), while the socket
 * is converted.
 */
static void *race_sender(void *const arg)
{
	struct race_thread *const t = arg;
	struct race_ctx *const ctx = t->ctx;
	struct sockaddr_storage dst;
	int i, ret;

	set_in(&dst, AF_UNSPEC, PORT_DENIED);

	for (;;) {
		pthread_barrier_wait(&ctx->start);
		if (ctx->stop)
			break;

		delay((ctx->iteration + t->index) % 4);
		for (i = 0; i < RACE_MAX_SENDS; i++) {
			const int converted = __atomic_load_n(&ctx->converted,
							      __ATOMIC_ACQUIRE);

			if ((ctx->iteration + t->index + i) % 2) {
				ret = send_mmsg(ctx->fd, &dst,
						sizeof(struct sockaddr_in),
						RACE_MMSG_VLEN);
			} else {
				ret = send_to(ctx->fd, &dst,
					      sizeof(struct sockaddr_in));
				if (ret == 0)
					ret = 1;
			}

			if (ret == -EACCES) {
				t->denied++;
				if (!converted)
					t->denied_ipv6++;
				continue;
			}

			if (ret > 0) {
				t->sent += ret;
			} else if (ret == ERR_UNSPEC_MAPPED) {
				t->no_addr++;
			} else if (ret == -EINVAL) {
				t->einval++;
			} else {
				t->other++;
				t->other_errno = -ret;
			}
		}
		pthread_barrier_wait(&ctx->done);
	}
	return NULL;
}

static void *race_converter(void *const arg)
{
	struct race_thread *const t = arg;
	struct race_ctx *const ctx = t->ctx;
	int ret;

	for (;;) {
		pthread_barrier_wait(&ctx->start);
		if (ctx->stop)
			break;

		delay(ctx->iteration % 7);
		ret = addrform(ctx->fd);
		__atomic_store_n(&ctx->converted, 1, __ATOMIC_RELEASE);
		if (ret == 0) {
			t->conversions++;
		} else {
			t->other++;
			t->other_errno = -ret;
		}
		pthread_barrier_wait(&ctx->done);
	}
	return NULL;
}

static long long elapsed_ms(const struct timespec *const start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* RACE_DURATION_MS, or LL_RACE_MS from the environment. */
static long race_duration_ms(void)
{
	const char *const env = getenv("LL_RACE_MS");
	char *end;
	long ms;

	if (!env || !*env)
		return RACE_DURATION_MS;

	errno = 0;
	ms = strtol(env, &end, 10);
	if (errno || *end || ms <= 0)
		return RACE_DURATION_MS;
	return ms < RACE_MAX_DURATION_MS ? ms : RACE_MAX_DURATION_MS;
}

FIXTURE(race)
{
	struct receivers rcv;
};

FIXTURE_SETUP(race)
{
	disable_caps(_metadata);
	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);
}

FIXTURE_TEARDOWN(race)
{
	teardown_receivers(&self->rcv);
}

/*
 * Whatever the interleaving of the AF_UNSPEC sends (with the bytes of a
 * sockaddr_in to a denied port) from sandboxed threads, and of the
 * conversion to IPv4 by an unsandboxed thread, every send is denied (and
 * logged): Landlock checks such a port as an IPv4 one whatever the family it
 * reads, so no datagram reaches the denied port, and no send depends on the
 * race.  The test counts the denials of sends made while the socket was still
 * IPv6 (those that mainline refused as AF_UNSPEC on IPv6, and that a hook
 * trusting the family it read would let through as "no address"), and reports
 * how many there were: a run that reached none saw no wrong result.
 */
TEST_F_TIMEOUT(race, unspec_vs_addrform, RACE_TIMEOUT_S)
{
	const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const long duration = race_duration_ms();
	struct race_thread threads[RACE_MAX_SENDERS + 1] = {};
	pthread_t tids[RACE_MAX_SENDERS + 1];
	struct race_thread *const converter = &threads[0];
	int iterations = 0, leaked = 0, denied_ipv6 = 0, einval = 0;
	int no_addr = 0, denied = 0, sent = 0, other = 0, other_errno = 0;
	unsigned int i, num_threads;
	struct sockaddr_storage peer;
	struct race_ctx ctx = {};
	struct timespec start;
	long long elapsed;
	socklen_t peer_len;

	if (cpus < 2)
		SKIP(return, "need 2 online CPUs, found %ld", cpus);
	/* The converter and at least one sender. */
	num_threads = cpus - 1 < RACE_MAX_SENDERS ? cpus : RACE_MAX_SENDERS + 1;

	peer_len = set_in6(&peer, mapped_ipv4, PORT_ALLOWED);
	ASSERT_EQ(0, pthread_barrier_init(&ctx.start, NULL, num_threads + 1));
	ASSERT_EQ(0, pthread_barrier_init(&ctx.done, NULL, num_threads + 1));

	for (i = 0; i < num_threads; i++) {
		threads[i].ctx = &ctx;
		threads[i].index = i;
	}

	/*
	 * Created before sandboxing: landlock_restrict_self() only sandboxes
	 * the calling thread, and the threads it creates afterwards.
	 */
	ASSERT_EQ(0, pthread_create(&tids[0], NULL, race_converter, converter));

	sandbox_udp(_metadata, true);

	for (i = 1; i < num_threads; i++)
		ASSERT_EQ(0, pthread_create(&tids[i], NULL, race_sender,
					    &threads[i]));

	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &start));
	do {
		ctx.fd = udp_socket(AF_INET6);
		ASSERT_LE(0, ctx.fd);
		ASSERT_EQ(0, connect_to(ctx.fd, &peer, peer_len));
		ctx.converted = 0;
		ctx.iteration = iterations;

		pthread_barrier_wait(&ctx.start);
		pthread_barrier_wait(&ctx.done);

		denied_ipv6 = 0;
		for (i = 1; i < num_threads; i++)
			denied_ipv6 += threads[i].denied_ipv6;

		EXPECT_EQ(0, close(ctx.fd));
		leaked += drain(self->rcv.denied);
		drain(self->rcv.allowed);
		iterations++;
		elapsed = elapsed_ms(&start);
	} while (elapsed < duration);

	ctx.stop = true;
	pthread_barrier_wait(&ctx.start);
	for (i = 0; i < num_threads; i++)
		ASSERT_EQ(0, pthread_join(tids[i], NULL));

	/* Late deliveries. */
	if (recv_dgram(self->rcv.denied, 100) == 0)
		leaked += 1 + drain(self->rcv.denied);

	for (i = 0; i < num_threads; i++) {
		einval += threads[i].einval;
		no_addr += threads[i].no_addr;
		denied += threads[i].denied;
		sent += threads[i].sent;
		other += threads[i].other;
		if (threads[i].other)
			other_errno = threads[i].other_errno;
	}

	/*
	 * What the race reached is reported, not asserted: a run that sent
	 * nothing while the socket was still IPv6 saw no wrong result.
	 */
	TH_LOG("iterations: %d in %lld ms, conversions: %d, denied: %d (%d on IPv6)",
	       iterations, elapsed, converter->conversions, denied,
	       denied_ipv6);
	TH_LOG("no address: %d, einval: %d, sent: %d, leaked: %d, other: %d",
	       no_addr, einval, sent, leaked, other);

	EXPECT_EQ(0, leaked);
	EXPECT_EQ(0, sent);
	EXPECT_EQ(0, no_addr);
	EXPECT_EQ(0, einval);
	EXPECT_EQ(0, other)
	{
		TH_LOG("Unexpected error: %s", strerror(other_errno));
	}
	EXPECT_EQ(0, pthread_barrier_destroy(&ctx.start));
	EXPECT_EQ(0, pthread_barrier_destroy(&ctx.done));
}

/*
 * sendfile() of a file shorter than asked ends in sock_splice_eof(), whose
 * inet_send_prepare() autobinds an unbound socket without any LSM hook.  The
 * sendmsg hook checked the autobind of the file's first bytes, so only a
 * socket that loses its port in between autobinds behind its back: a
 * disconnection by a sibling, as for the window of a plain sendmsg() between
 * its hook and the stack.  Landlock cannot close these windows without a hook
 * where the stack autobinds; this measures them.  The datagram is corked
 * (MSG_MORE, the file being shorter than asked) and leaves at the EOF, from
 * the new port.
 */

#define EOF_FILE_SIZE 64

/*
 * A sandboxed sender and a sandboxed thread that disconnects the same socket
 * (@fd), in rounds that the test's thread starts (@start) and waits for
 * (@done).
 */
struct disconnect_race {
	pthread_barrier_t start, done;
	/* sandbox_udp_thread() of the sender and of the disconnecter. */
	int sandboxed[2];
	int fd;
	unsigned int iteration;
	bool stop;
	/* The disconnecter's last result: 0 or -errno. */
	int disconnected;
};

/* Sandboxed too: a disconnection is always allowed. */
static void *race_disconnecter(void *const arg)
{
	struct disconnect_race *const race = arg;

	race->sandboxed[1] = sandbox_udp_thread();
	for (;;) {
		pthread_barrier_wait(&race->start);
		if (race->stop)
			break;

		delay(race->iteration % 5);
		race->disconnected = disconnect(race->fd);
		pthread_barrier_wait(&race->done);
	}
	return NULL;
}

/*
 * Starts the sender, @sender with @arg (whose race is @race), and the
 * disconnecter, in @threads.
 */
static void start_disconnect_race(struct __test_metadata *const _metadata,
				  struct disconnect_race *const race,
				  void *(*const sender)(void *),
				  void *const arg, pthread_t threads[2])
{
	ASSERT_EQ(0, pthread_barrier_init(&race->start, NULL, 3));
	ASSERT_EQ(0, pthread_barrier_init(&race->done, NULL, 3));
	ASSERT_EQ(0, pthread_create(&threads[0], NULL, sender, arg));
	ASSERT_EQ(0,
		  pthread_create(&threads[1], NULL, race_disconnecter, race));
}

/*
 * Runs round @iteration on a new UDP socket connected to @peer, and thus
 * autobound, by the test's thread, which stays unsandboxed to give the socket
 * a port again at each round (an autobind that the sandbox may not do).
 */
static void run_disconnect_round(struct __test_metadata *const _metadata,
				 struct disconnect_race *const race,
				 const struct sockaddr_storage *const peer,
				 const socklen_t peer_len,
				 const unsigned int iteration)
{
	race->fd = udp_socket(AF_INET);
	ASSERT_LE(0, race->fd);
	ASSERT_EQ(0, connect_to(race->fd, peer, peer_len));
	race->iteration = iteration;
	pthread_barrier_wait(&race->start);
	pthread_barrier_wait(&race->done);
}

/* Stops the threads of @race, and checks that they were sandboxed. */
static void stop_disconnect_race(struct __test_metadata *const _metadata,
				 struct disconnect_race *const race,
				 const pthread_t threads[2])
{
	race->stop = true;
	pthread_barrier_wait(&race->start);
	ASSERT_EQ(0, pthread_join(threads[0], NULL));
	ASSERT_EQ(0, pthread_join(threads[1], NULL));
	EXPECT_EQ(0, race->sandboxed[0]);
	EXPECT_EQ(0, race->sandboxed[1]);
	EXPECT_EQ(0, pthread_barrier_destroy(&race->start));
	EXPECT_EQ(0, pthread_barrier_destroy(&race->done));
}

struct eof_ctx {
	struct disconnect_race race;
	int memfd;
	/* Sender: sendfile() calls that sent the file, and other errors. */
	int sent, other, other_errno;
	/* The last sendfile() sent the file. */
	bool last_sent;
};

/* Sandboxed: no port 0 rule, so that an autobind is denied. */
static void *eof_sender(void *const arg)
{
	struct eof_ctx *const ctx = arg;
	off_t off;
	ssize_t ret;

	ctx->race.sandboxed[0] = sandbox_udp_thread();
	for (;;) {
		pthread_barrier_wait(&ctx->race.start);
		if (ctx->race.stop)
			break;

		off = 0;
		ret = sendfile(ctx->race.fd, ctx->memfd, &off,
			       2 * EOF_FILE_SIZE);
		ctx->last_sent = ret == EOF_FILE_SIZE;
		if (ctx->last_sent) {
			ctx->sent++;
		} else if (ret >= 0 || (errno != EACCES && errno != ENOTCONN &&
					errno != EDESTADDRREQ)) {
			ctx->other++;
			ctx->other_errno = ret < 0 ? errno : 0;
		}
		pthread_barrier_wait(&ctx->race.done);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, sendfile_eof_autobind, RACE_TIMEOUT_S)
{
	const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const long duration = race_duration_ms() / 3;
	int iterations = 0, unchecked = 0, unchecked_sendmsg = 0;
	int denied_port = 0;
	struct sockaddr_storage peer;
	struct eof_ctx ctx = {};
	pthread_t threads[2];
	struct timespec start;
	socklen_t peer_len;
	char buf[EOF_FILE_SIZE];

	if (cpus < 2)
		SKIP(return, "need 2 online CPUs, found %ld", cpus);

	memset(buf, 'x', sizeof(buf));
	ctx.memfd = memfd_create("eof", 0);
	ASSERT_LE(0, ctx.memfd);
	ASSERT_EQ(sizeof(buf), write(ctx.memfd, buf, sizeof(buf)));
	peer_len = set_in(&peer, AF_INET, PORT_ALLOWED);
	start_disconnect_race(_metadata, &ctx.race, eof_sender, &ctx, threads);

	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &start));
	do {
		run_disconnect_round(_metadata, &ctx.race, &peer, peer_len,
				     iterations);

		/*
		 * The disconnection released the autobound port: a port now is
		 * one autobound after it, by the stack, with no hook to deny it
		 * to the sandboxed sender.  Only a sendfile() that sent the file
		 * reached sock_splice_eof(); the others' autobinds (behind the
		 * sendmsg hook) are the other window.
		 */
		if (local_port(ctx.race.fd) > 0) {
			if (ctx.last_sent)
				unchecked++;
			else
				unchecked_sendmsg++;
		}
		EXPECT_EQ(0, close(ctx.race.fd));
		denied_port += drain(self->rcv.denied);
		drain(self->rcv.allowed);
		iterations++;
	} while (elapsed_ms(&start) < duration);

	stop_disconnect_race(_metadata, &ctx.race, threads);

	/* A run whose sendfile() calls never reached the EOF is reported. */
	TH_LOG("iterations: %d, files sent: %d", iterations, ctx.sent);
	TH_LOG("unchecked autobinds: %d at EOF, %d behind sendmsg()", unchecked,
	       unchecked_sendmsg);

	/* The destination stays the checked one. */
	EXPECT_EQ(0, denied_port);
	EXPECT_EQ(0, ctx.other)
	{
		TH_LOG("Unexpected sendfile() result: %s",
		       strerror(ctx.other_errno));
	}
	EXPECT_EQ(0, close(ctx.memfd));
}

/*
 * A sandboxed thread sends a datagram to an allowed destination on a socket
 * that was autobound before the sandbox, whose domain does not allow port 0,
 * while a sibling disconnects the socket, which releases its port.  A send
 * whose hook saw the disconnection, even in progress, is denied as an
 * autobind; one whose hook ran before it sends from the old port.  A port
 * that the socket has afterwards was autobound, unchecked, by a send whose
 * hook said the socket had a port, and whose stack found none: the window
 * between the hook and the stack, which the socket lock does not close
 * either.  The test counts such ports (on stock kernels too), and fails only
 * on a wrong result (another error, or a port after a denial).
 */

FIXTURE(race_autobind)
{
	struct receivers rcv;
};

FIXTURE_SETUP(race_autobind)
{
	disable_caps(_metadata);
	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);
}

FIXTURE_TEARDOWN(race_autobind)
{
	teardown_receivers(&self->rcv);
}

struct autobind_ctx {
	struct disconnect_race race;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	/* The sender's last result: 0 or -errno. */
	int ret;
};

/* Sandboxed: no port 0 rule, so that an autobind is denied. */
static void *autobind_sender(void *const arg)
{
	struct autobind_ctx *const ctx = arg;

	ctx->race.sandboxed[0] = sandbox_udp_thread();
	for (;;) {
		pthread_barrier_wait(&ctx->race.start);
		if (ctx->race.stop)
			break;

		delay(ctx->race.iteration % 3);
		ctx->ret = send_to(ctx->race.fd, &ctx->dst, ctx->dst_len);
		pthread_barrier_wait(&ctx->race.done);
	}
	return NULL;
}

TEST_F_TIMEOUT(race_autobind, disconnect, RACE_TIMEOUT_S)
{
	const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const long duration = race_duration_ms() / 3;
	int iterations = 0, unchecked = 0, denied = 0, before = 0;
	int other = 0, other_errno = 0, port_after_denial = 0;
	struct autobind_ctx ctx = {};
	struct sockaddr_storage peer;
	pthread_t threads[2];
	struct timespec start;
	socklen_t peer_len;

	if (cpus < 2)
		SKIP(return, "need 2 online CPUs, found %ld", cpus);

	ctx.dst_len = set_in(&ctx.dst, AF_INET, PORT_ALLOWED);
	peer_len = set_in(&peer, AF_INET, PORT_ALLOWED);
	start_disconnect_race(_metadata, &ctx.race, autobind_sender, &ctx,
			      threads);

	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &start));
	do {
		int port;

		run_disconnect_round(_metadata, &ctx.race, &peer, peer_len,
				     iterations);
		port = local_port(ctx.race.fd);
		if (ctx.race.disconnected) {
			other++;
			other_errno = -ctx.race.disconnected;
		} else if (ctx.ret == -EACCES) {
			denied++;
			if (port)
				port_after_denial++;
		} else if (ctx.ret == 0 && port > 0) {
			unchecked++;
		} else if (ctx.ret == 0 && port == 0) {
			before++;
		} else {
			other++;
			other_errno = ctx.ret < 0 ? -ctx.ret : 0;
		}
		EXPECT_EQ(0, close(ctx.race.fd));
		drain(self->rcv.allowed);
		iterations++;
	} while (elapsed_ms(&start) < duration);

	stop_disconnect_race(_metadata, &ctx.race, threads);

	TH_LOG("iterations: %d, sent before the disconnection: %d, denied: %d",
	       iterations, before, denied);
	TH_LOG("unchecked autobinds: %d", unchecked);

	EXPECT_EQ(0, port_after_denial);
	EXPECT_EQ(0, other)
	{
		TH_LOG("Unexpected send result: %s", strerror(other_errno));
	}
}

/* AF_INET destinations on IPv6 sockets. */

FIXTURE(dual_stack)
{
	struct receivers rcv;
	struct sockaddr_storage inet_allowed, inet_denied;
};

FIXTURE_VARIANT(dual_stack)
{
	const int v6only;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(dual_stack, dual) {
	/* clang-format on */
	.v6only = 0,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(dual_stack, v6only) {
	/* clang-format on */
	.v6only = 1,
};

FIXTURE_SETUP(dual_stack)
{
	disable_caps(_metadata);
	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);

	set_in(&self->inet_allowed, AF_INET, PORT_ALLOWED);
	set_in(&self->inet_denied, AF_INET, PORT_DENIED);
}

FIXTURE_TEARDOWN(dual_stack)
{
	teardown_receivers(&self->rcv);
}

static int dual_stack_socket(struct __test_metadata *const _metadata,
			     const int v6only)
{
	const int fd = udp_socket(AF_INET6);

	EXPECT_LE(0, fd);
	if (fd >= 0)
		EXPECT_EQ(0, set_v6only(fd, v6only));
	return fd;
}

TEST_F(dual_stack, connect)
{
	int fd, ret;

	sandbox_udp(_metadata, true);

	/* Allowed port: the stack's answer. */
	fd = dual_stack_socket(_metadata, variant->v6only);
	ASSERT_LE(0, fd);
	ret = connect_to(fd, &self->inet_allowed, sizeof(struct sockaddr_in));
	if (variant->v6only) {
		EXPECT_EQ(-EAFNOSUPPORT, ret);
	} else {
		EXPECT_EQ(0, ret);
		EXPECT_EQ(0, send_to(fd, NULL, 0));
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	}
	EXPECT_EQ(0, close(fd));

	/* Denied port. */
	fd = dual_stack_socket(_metadata, variant->v6only);
	ASSERT_LE(0, fd);
	ret = connect_to(fd, &self->inet_denied, sizeof(struct sockaddr_in));
	if (variant->v6only) {
		/* Denied by Landlock or refused by the stack: both are safe. */
		EXPECT_TRUE(ret == -EACCES || ret == -EAFNOSUPPORT)
		{
			TH_LOG("Unexpected connect error: %s", strerror(-ret));
		}
	} else {
		EXPECT_EQ(-EACCES, ret);
		/* Still not connected. */
		EXPECT_EQ(-EDESTADDRREQ, send_to(fd, NULL, 0));
	}

	/* Truncated sockaddr_in: the stack's answer. */
	if (!variant->v6only)
		EXPECT_EQ(-EINVAL, connect_to(fd, &self->inet_allowed,
					      sizeof(struct sockaddr_in) - 1));
	EXPECT_EQ(0, close(fd));

	EXPECT_EQ(0, drain(self->rcv.denied));
}

TEST_F(dual_stack, sendto)
{
	int fd, ret;

	fd = dual_stack_socket(_metadata, variant->v6only);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	/* Allowed port: the stack's answer. */
	ret = send_to(fd, &self->inet_allowed, sizeof(struct sockaddr_in));
	if (variant->v6only) {
		EXPECT_EQ(-ENETUNREACH, ret);
	} else {
		EXPECT_EQ(0, ret);
		EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	}

	/* Denied port. */
	ret = send_to(fd, &self->inet_denied, sizeof(struct sockaddr_in));
	if (variant->v6only) {
		/* Denied by Landlock or refused by the stack: both are safe. */
		EXPECT_TRUE(ret == -EACCES || ret == -ENETUNREACH)
		{
			TH_LOG("Unexpected sendto error: %s", strerror(-ret));
		}
	} else {
		EXPECT_EQ(-EACCES, ret);
	}

	/* Truncated sockaddr_in: the stack's answer. */
	if (!variant->v6only)
		EXPECT_EQ(-EINVAL, send_to(fd, &self->inet_allowed,
					   sizeof(struct sockaddr_in) - 1));

	/* Full-size address. */
	ret = send_to(fd, &self->inet_denied, sizeof(self->inet_denied));
	if (!variant->v6only)
		EXPECT_EQ(-EACCES, ret);

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/* A connected dual-stack socket still checks explicit AF_INET destinations. */
TEST_F(dual_stack, sendto_connected)
{
	struct sockaddr_storage peer;
	socklen_t peer_len;
	int fd;

	if (variant->v6only)
		SKIP(return, "cannot connect a v6only socket to an IPv4 peer");

	peer_len = set_in6(&peer, mapped_ipv4, PORT_ALLOWED);
	fd = dual_stack_socket(_metadata, variant->v6only);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);
	ASSERT_EQ(0, connect_to(fd, &peer, peer_len));

	EXPECT_EQ(-EACCES,
		  send_to(fd, &self->inet_denied, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0,
		  send_to(fd, &self->inet_allowed, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));

	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, close(fd));
}

/* bind() with an AF_INET address on an IPv6 socket is still -EINVAL. */
TEST_F(dual_stack, bind_inet_unchanged)
{
	struct sockaddr_storage src;
	int fd;

	fd = dual_stack_socket(_metadata, variant->v6only);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	/* Shorter than a sockaddr_in6: Landlock and the stack agree. */
	set_in(&src, AF_INET, PORT_SRC);
	EXPECT_EQ(-EINVAL, bind_to(fd, &src, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, local_port(fd));
	EXPECT_EQ(0, close(fd));
}

/*
 * An IPv4 address given to bind() on an IPv6 socket: the IPv6 stack refuses
 * it, but would not if the socket became IPv4 (IPV6_ADDRFORM) between the
 * Landlock hook and the stack.  Its port is therefore checked as an IPv4 one
 * (a denied port is denied), and an allowed port gets the stack's own answer
 * (mainline Landlock answered EINVAL for both).
 */
TEST_F(dual_stack, bind_inet_checked)
{
	struct sockaddr_storage src;
	int fd;

	fd = dual_stack_socket(_metadata, variant->v6only);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	set_in(&src, AF_INET, PORT_DENIED);
	EXPECT_EQ(-EACCES, bind_to(fd, &src, sizeof(struct sockaddr_in6)));
	set_in(&src, AF_INET, PORT_SRC);
	EXPECT_EQ(-EAFNOSUPPORT,
		  bind_to(fd, &src, sizeof(struct sockaddr_in6)));
	EXPECT_EQ(0, local_port(fd));
	EXPECT_EQ(0, close(fd));
}

/* IPv4-mapped IPv6 destinations are checked as before. */
TEST_F(dual_stack, mapped_denied)
{
	struct sockaddr_storage dst;
	socklen_t dst_len;
	int fd;

	dst_len = set_in6(&dst, mapped_ipv4, PORT_DENIED);
	fd = dual_stack_socket(_metadata, variant->v6only);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	EXPECT_EQ(-EACCES, connect_to(fd, &dst, dst_len));
	EXPECT_EQ(-EACCES, send_to(fd, &dst, dst_len));
	EXPECT_EQ(0, drain(self->rcv.denied));
	EXPECT_EQ(0, close(fd));
}

/* Implicit autobinds. */

FIXTURE(autobind)
{
	struct receivers rcv;
	struct sockaddr_storage dst, src;
	socklen_t dst_len, src_len;
};

FIXTURE_VARIANT(autobind)
{
	const int family;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(autobind, ipv4) {
	/* clang-format on */
	.family = AF_INET,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(autobind, ipv6) {
	/* clang-format on */
	.family = AF_INET6,
};

FIXTURE_SETUP(autobind)
{
	disable_caps(_metadata);
	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);

	self->dst_len = set_dst(&self->dst, variant->family, PORT_ALLOWED);
	self->src_len = set_dst(&self->src, variant->family, PORT_SRC);
}

FIXTURE_TEARDOWN(autobind)
{
	teardown_receivers(&self->rcv);
}

/* Without a port 0 rule, an unbound socket cannot send nor connect. */
TEST_F(autobind, unbound_denied)
{
	int fd;

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, false);

	EXPECT_EQ(-EACCES, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(-EACCES, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, local_port(fd));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

TEST_F(autobind, unbound_port0_allowed)
{
	int fd;

	sandbox_udp(_metadata, true);

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_LT(0, local_port(fd));
	EXPECT_EQ(0, close(fd));

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, close(fd));
}

/*
 * AF_UNSPEC destinations: "no address" on IPv6 sockets, AF_INET on IPv4
 * ones.  Either way, the socket would be autobound, as for a send without
 * address.
 */
TEST_F(autobind, unspec_needs_port0)
{
	struct sockaddr_storage unspec;
	int fd;

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, false);

	EXPECT_EQ(-EACCES, send_to(fd, NULL, 0));
	set_in(&unspec, AF_UNSPEC, PORT_ALLOWED);
	EXPECT_EQ(-EACCES, send_to(fd, &unspec, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, local_port(fd));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

TEST_F(autobind, bound_before_sandbox)
{
	int fd;

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind_to(fd, &self->src, self->src_len));
	sandbox_udp(_metadata, false);

	EXPECT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, close(fd));
}

TEST_F(autobind, bound_after_sandbox)
{
	int fd;

	sandbox_udp(_metadata, false);
	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind_to(fd, &self->src, self->src_len));

	EXPECT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, close(fd));
}

TEST_F(autobind, autobound_before_sandbox)
{
	int fd;

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_LT(0, local_port(fd));
	sandbox_udp(_metadata, false);

	EXPECT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, close(fd));
}

/*
 * Disconnecting releases an autobound port: the next send autobinds again,
 * which needs a port 0 rule.
 */
TEST_F(autobind, disconnect_releases_autobind)
{
	int fd;

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_LT(0, local_port(fd));
	sandbox_udp(_metadata, false);

	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));

	/* Always allowed. */
	ASSERT_EQ(0, disconnect(fd));
	EXPECT_EQ(0, local_port(fd));

	EXPECT_EQ(-EACCES, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(-EACCES, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, local_port(fd));
	EXPECT_EQ(0, drain(self->rcv.allowed));
	EXPECT_EQ(0, close(fd));
}

/* An explicitly bound port is kept across a disconnection. */
TEST_F(autobind, disconnect_keeps_explicit_bind)
{
	int fd;

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind_to(fd, &self->src, self->src_len));
	ASSERT_EQ(0, connect_to(fd, &self->dst, self->dst_len));
	sandbox_udp(_metadata, false);

	ASSERT_EQ(0, disconnect(fd));
	EXPECT_EQ(PORT_SRC, local_port(fd));

	EXPECT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, close(fd));
}

/*
 * A send with a destination is checked whatever its autobind needs: on a
 * socket that keeps its port, and by a domain that allows any autobind, the
 * two cases where a send without a destination needs no check at all.
 */
TEST_F(autobind, pinned_destination_checked)
{
	struct sockaddr_storage denied;
	const socklen_t denied_len =
		set_dst(&denied, variant->family, PORT_DENIED);
	int fd;

	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind_to(fd, &self->src, self->src_len));
	/* Without port 0, the first send sees the bound port: kept for good. */
	sandbox_udp(_metadata, false);
	EXPECT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));

	EXPECT_EQ(-EACCES, send_to(fd, &denied, denied_len));
	EXPECT_EQ(-EDESTADDRREQ, send_to(fd, NULL, 0));
	EXPECT_EQ(0, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(-EACCES, send_to(fd, &denied, denied_len));
	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, drain(self->rcv.denied));
}

TEST_F(autobind, autobind_allowed_destination_checked)
{
	struct sockaddr_storage denied;
	const socklen_t denied_len =
		set_dst(&denied, variant->family, PORT_DENIED);
	int fd;

	sandbox_udp(_metadata, true);
	fd = udp_socket(variant->family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EACCES, send_to(fd, &denied, denied_len));
	EXPECT_EQ(0, send_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_LT(0, local_port(fd));
	EXPECT_EQ(-EACCES, send_to(fd, &denied, denied_len));
	EXPECT_EQ(0, connect_to(fd, &self->dst, self->dst_len));
	EXPECT_EQ(-EACCES, send_to(fd, &denied, denied_len));
	EXPECT_EQ(0, send_to(fd, NULL, 0));
	EXPECT_EQ(0, recv_dgram(self->rcv.allowed, 1000));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, drain(self->rcv.denied));
}

/* Answers on allowed ports. */

enum grid_op {
	GRID_BIND,
	GRID_CONNECT,
	GRID_SENDTO,
	GRID_NUM_OPS,
};

struct grid_addr {
	/* Family written in the address. */
	sa_family_t family;
	/* 0.0.0.0 instead of 127.0.0.1 (only with AF_UNSPEC). */
	bool wildcard;
};

static const int grid_types[] = { SOCK_STREAM, SOCK_DGRAM };
static const int grid_families[] = { AF_INET, AF_INET6 };

static const struct grid_addr grid_addrs[] = {
	{ .family = AF_UNSPEC },
	{ .family = AF_INET },
	{ .family = AF_INET6 },
	{ .family = AF_UNIX },
	/* bind(AF_UNSPEC, INADDR_ANY) is accepted by IPv4 sockets. */
	{ .family = AF_UNSPEC, .wildcard = true },
};

/*
 * Around the minimum lengths checked by the stack and by Landlock: the family
 * (2), a sockaddr_in (16), an RFC 2133 sockaddr_in6 (24), a sockaddr_in6 (28).
 */
static const socklen_t grid_lens[] = { 0, 1, 2, 15, 16, 23, 24, 28 };

#define GRID_SIZE                                                            \
	(ARRAY_SIZE(grid_types) * ARRAY_SIZE(grid_families) * GRID_NUM_OPS * \
	 ARRAY_SIZE(grid_addrs) * ARRAY_SIZE(grid_lens))

/* Never an answer: marks the entries that the sandboxed child missed. */
#define GRID_NOT_RUN 1

struct grid_entry {
	int type;
	int family;
	enum grid_op op;
	const struct grid_addr *addr;
	socklen_t len;
};

static void grid_entry(size_t i, struct grid_entry *const e)
{
	e->len = grid_lens[i % ARRAY_SIZE(grid_lens)];
	i /= ARRAY_SIZE(grid_lens);
	e->addr = &grid_addrs[i % ARRAY_SIZE(grid_addrs)];
	i /= ARRAY_SIZE(grid_addrs);
	e->op = i % GRID_NUM_OPS;
	i /= GRID_NUM_OPS;
	e->family = grid_families[i % ARRAY_SIZE(grid_families)];
	i /= ARRAY_SIZE(grid_families);
	e->type = grid_types[i];
}

/*
 * The bytes of 127.0.0.1:PORT_ALLOWED (or 0.0.0.0) for AF_UNSPEC and AF_INET,
 * of [::1]:PORT_ALLOWED for AF_INET6 and AF_UNIX, whatever the socket.
 */
static void grid_set_addr(struct sockaddr_storage *const ss,
			  const struct grid_addr *const addr)
{
	if (addr->family == AF_INET6 || addr->family == AF_UNIX)
		set_in6(ss, loopback_ipv6, PORT_ALLOWED);
	else
		set_in(ss, addr->family, PORT_ALLOWED);
	if (addr->wildcard)
		((struct sockaddr_in *)ss)->sin_addr.s_addr = htonl(INADDR_ANY);
	ss->ss_family = addr->family;
}

/* Returns 0 or -errno. */
static int grid_call(const int fd, const struct grid_entry *const e)
{
	struct sockaddr_storage ss;
	const struct sockaddr *const addr = (struct sockaddr *)&ss;
	ssize_t ret;

	grid_set_addr(&ss, e->addr);
	switch (e->op) {
	case GRID_BIND:
		ret = bind(fd, addr, e->len);
		break;
	case GRID_CONNECT:
		ret = connect(fd, addr, e->len);
		break;
	default:
		/* Without MSG_FASTOPEN, TCP ignores the address. */
		ret = sendto(fd, ".", 1, MSG_DONTWAIT | MSG_NOSIGNAL, addr,
			     e->len);
		break;
	}
	if (ret < 0)
		return -errno;
	return 0;
}

/*
 * Each request uses a fresh socket, closed right away: a successful bind()
 * does not hold PORT_ALLOWED for the next entries.
 */
static void grid_run(struct __test_metadata *const _metadata,
		     int *const answers)
{
	struct grid_entry e;
	size_t i;
	int fd;

	for (i = 0; i < GRID_SIZE; i++) {
		grid_entry(i, &e);
		fd = socket(e.family, e.type | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, fd);
		answers[i] = grid_call(fd, &e);
		ASSERT_EQ(0, close(fd));
	}
}

static const char *grid_op_name(const enum grid_op op)
{
	switch (op) {
	case GRID_BIND:
		return "bind";
	case GRID_CONNECT:
		return "connect";
	default:
		return "sendto";
	}
}

static const char *grid_family_name(const int family)
{
	switch (family) {
	case AF_UNSPEC:
		return "AF_UNSPEC";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_UNIX:
		return "AF_UNIX";
	default:
		return "?";
	}
}

static const char *grid_answer_name(const int answer)
{
	if (answer == GRID_NOT_RUN)
		return "not run";
	return strerror(-answer);
}

/* clang-format off */
FIXTURE(stack_answer) {};
/* clang-format on */

FIXTURE_SETUP(stack_answer)
{
	/*
	 * No receivers: the grid binds PORT_ALLOWED, and TCP connections to it
	 * are refused whether sandboxed or not.
	 */
	disable_caps(_metadata);
	setup_loopback(_metadata);
}

FIXTURE_TEARDOWN(stack_answer)
{
}

/*
 * Where the policy allows a request, a sandboxed program must get the network
 * stack's own answer, whatever the address: Landlock must neither deny it nor
 * refuse it with an error of its own.  The grid compares, on allowed ports,
 * the answers of an unsandboxed and of a sandboxed run for TCP and UDP, IPv4
 * and IPv6 sockets, bind(), connect() and sendto(), every address family and
 * lengths around the sizes of the address structures.  It covers addresses of
 * the other family (an AF_INET6 address on an IPv4 socket, AF_INET given to
 * bind() or TCP connect() on an IPv6 socket), where mainline Landlock
 * answered EINVAL instead of the stack's EAFNOSUPPORT.
 */
TEST_F(stack_answer, allowed_ports_grid)
{
	const __u64 handled = LANDLOCK_ACCESS_NET_BIND_TCP |
			      LANDLOCK_ACCESS_NET_CONNECT_TCP | ACCESS_UDP;
	const struct port_rule rules[] = {
		{
			.access = handled,
			.port = PORT_ALLOWED,
		},
		{
			/* Autobinds of unbound sockets, and bind(0). */
			.access = LANDLOCK_ACCESS_NET_BIND_TCP |
				  LANDLOCK_ACCESS_NET_BIND_UDP,
			.port = 0,
		},
	};
	int stack[GRID_SIZE], *sandboxed;
	int mismatches = 0;
	struct grid_entry e;
	pid_t child;
	size_t i;

	/* Shared with the sandboxed child. */
	sandboxed = mmap(NULL, sizeof(stack), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sandboxed);
	for (i = 0; i < GRID_SIZE; i++)
		sandboxed[i] = GRID_NOT_RUN;

	grid_run(_metadata, stack);

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		enforce_rules(_metadata, handled, rules, ARRAY_SIZE(rules));
		grid_run(_metadata, sandboxed);
		_exit(_metadata->exit_code);
		return;
	}
	wait_child(_metadata, child);

	for (i = 0; i < GRID_SIZE; i++) {
		if (stack[i] == sandboxed[i])
			continue;

		mismatches++;
		grid_entry(i, &e);
		TH_LOG("%s %s %s(%s%s, len %u): stack: %s, sandboxed: %s",
		       e.type == SOCK_STREAM ? "TCP" : "UDP",
		       e.family == AF_INET ? "IPv4" : "IPv6",
		       grid_op_name(e.op), grid_family_name(e.addr->family),
		       e.addr->wildcard ? " wildcard" : "", e.len,
		       grid_answer_name(stack[i]),
		       grid_answer_name(sandboxed[i]));
	}
	TH_LOG("%zu entries compared, %d mismatches", (size_t)GRID_SIZE,
	       mismatches);
	EXPECT_EQ(0, mismatches);
	EXPECT_EQ(0, munmap(sandboxed, sizeof(stack)));
}

/* Audit records. */

/*
 * Matches an access record whose blockers and LSM data (a regex) are @tail,
 * e.g. "net\\.bind_udp src=0 fam=inet$".
 */
static int matches_net_record(const int audit_fd, const char *const tail)
{
	static const char prefix[] = REGEX_LANDLOCK_PREFIX " blockers=";
	char pattern[sizeof(prefix) + 200];
	int len;

	len = snprintf(pattern, sizeof(pattern), "%s%s", prefix, tail);
	if (len >= sizeof(pattern))
		return -E2BIG;

	return audit_match_record(audit_fd, AUDIT_LANDLOCK_ACCESS, pattern,
				  NULL);
}

/* The blocker of a denied destination, and that of an AF_UNSPEC one on IPv6. */
#define BLOCKER_SEND "net\\.connect_send_udp"
#define BLOCKER_SEND_UNSPEC "net\\.connect_send_udp_unspec"

/*
 * Matches the denial of a datagram to 127.0.0.1:PORT_DENIED, checked as
 * AF_INET, from an unbound and unconnected socket of family @fam ("inet" or
 * "inet6"), with @blocker.
 */
static int matches_send_inet_denied(const int audit_fd,
				    const char *const blocker,
				    const char *const fam)
{
	static const char tmpl[] = "%s daddr=127\\.0\\.0\\.1 dest=%u fam=%s$";
	char tail[sizeof(tmpl) + 50];

	snprintf(tail, sizeof(tail), tmpl, blocker, PORT_DENIED, fam);
	return matches_net_record(audit_fd, tail);
}

/* Expects that no more access record was logged. */
static void expect_no_access_record(struct __test_metadata *const _metadata,
				    const int audit_fd)
{
	struct audit_records records;

	EXPECT_EQ(0, audit_count_records(audit_fd, &records));
	EXPECT_EQ(0, records.access);
}

FIXTURE(audit)
{
	struct receivers rcv;
	struct audit_filter audit_filter;
	int audit_fd;
	char tail[200];
};

FIXTURE_SETUP(audit)
{
	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);

	set_cap(_metadata, CAP_AUDIT_CONTROL);
	self->audit_fd = audit_init_with_exe_filter(&self->audit_filter);
	ASSERT_LE(0, self->audit_fd);
	disable_caps(_metadata);
}

FIXTURE_TEARDOWN(audit)
{
	teardown_receivers(&self->rcv);
	set_cap(_metadata, CAP_AUDIT_CONTROL);
	EXPECT_EQ(0, audit_cleanup(self->audit_fd, &self->audit_filter));
	clear_cap(_metadata, CAP_AUDIT_CONTROL);
}

/* The family is logged last, as "fam", for IPv4... */
TEST_F(audit, inet_family)
{
	struct sockaddr_storage addr;
	int fd;

	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	set_in(&addr, AF_INET, PORT_DENIED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, matches_send_inet_denied(self->audit_fd, BLOCKER_SEND,
					      "inet"));
	expect_no_access_record(_metadata, self->audit_fd);

	EXPECT_EQ(-EACCES, bind_to(fd, &addr, sizeof(struct sockaddr_in)));
	snprintf(self->tail, sizeof(self->tail),
		 "net\\.bind_udp saddr=127\\.0\\.0\\.1 src=%u fam=inet$",
		 PORT_DENIED);
	EXPECT_EQ(0, matches_net_record(self->audit_fd, self->tail));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));
}

/* ...for IPv6... */
TEST_F(audit, inet6_family)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	len = set_in6(&addr, loopback_ipv6, PORT_DENIED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, len));
	snprintf(self->tail, sizeof(self->tail),
		 "net\\.connect_send_udp daddr=::1 dest=%u fam=inet6$",
		 PORT_DENIED);
	EXPECT_EQ(0, matches_net_record(self->audit_fd, self->tail));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));
}

/*
 * ...and for autobinds, which have no address: their port is the ephemeral
 * one asked for (0), logged so that the record is not one without a port.
 */
TEST_F(audit, autobind_family)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;

	sandbox_udp(_metadata, false);

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	len = set_in6(&addr, mapped_ipv4, PORT_ALLOWED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, len));
	EXPECT_EQ(0, matches_net_record(self->audit_fd,
					"net\\.bind_udp src=0 fam=inet6$"));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));

	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	len = set_in(&addr, AF_INET, PORT_ALLOWED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, len));
	EXPECT_EQ(0, matches_net_record(self->audit_fd,
					"net\\.bind_udp src=0 fam=inet$"));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));
}

/* AF_UNSPEC on an IPv4 socket is logged as the AF_INET it is. */
TEST_F(audit, unspec_as_inet)
{
	struct sockaddr_storage addr;
	int fd;

	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	set_in(&addr, AF_UNSPEC, PORT_DENIED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, matches_send_inet_denied(self->audit_fd, BLOCKER_SEND,
					      "inet"));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));
}

/*
 * On an IPv6 socket, the IPv6 stack ignores an AF_UNSPEC destination, whose
 * port is checked as the IPv4 one it is if the socket is converted: its denial
 * has a blocker of its own, and the record says which IPv4 address and port
 * were checked, and the socket's family.  After the conversion to IPv4 (which
 * is not logged), it is an ordinary IPv4 destination.
 */
TEST_F(audit, unspec_on_inet6)
{
	struct sockaddr_storage addr;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	sandbox_udp(_metadata, true);

	set_in(&addr, AF_UNSPEC, PORT_DENIED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, matches_send_inet_denied(self->audit_fd,
					      BLOCKER_SEND_UNSPEC, "inet6"));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));
}

/* Same on a connected IPv6 socket, before and after its conversion. */
TEST_F(audit, unspec_as_inet_after_addrform)
{
	static const char loopback[] = "127\\.0\\.0\\.1";
	struct sockaddr_storage peer, addr;
	socklen_t peer_len;
	int fd, len;

	peer_len = set_in6(&peer, mapped_ipv4, PORT_ALLOWED);
	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_to(fd, &peer, peer_len));
	sandbox_udp(_metadata, true);

	set_in(&addr, AF_UNSPEC, PORT_DENIED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, sizeof(struct sockaddr_in)));
	snprintf(self->tail, sizeof(self->tail),
		 "net\\.connect_send_udp_unspec .*daddr=%s dest=%u fam=inet6$",
		 loopback, PORT_DENIED);
	EXPECT_EQ(0, matches_net_record(self->audit_fd, self->tail));
	expect_no_access_record(_metadata, self->audit_fd);

	ASSERT_EQ(0, addrform(fd));
	expect_no_access_record(_metadata, self->audit_fd);

	/* The record also describes the (now IPv4) connected socket. */
	EXPECT_EQ(-EACCES, send_to(fd, &addr, sizeof(struct sockaddr_in)));
	len = snprintf(self->tail, sizeof(self->tail),
		       "net\\.connect_send_udp laddr=%s", loopback);
	snprintf(self->tail + len, sizeof(self->tail) - len,
		 " lport=[0-9]\\+ faddr=%s fport=%u daddr=%s dest=%u fam=inet$",
		 loopback, PORT_ALLOWED, loopback, PORT_DENIED);
	EXPECT_EQ(0, matches_net_record(self->audit_fd, self->tail));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));
}

/*
 * An AF_INET destination on a dual-stack IPv6 socket is logged with its IPv4
 * address and port, and the socket's family.
 */
TEST_F(audit, dual_stack_inet)
{
	struct sockaddr_storage addr;
	int fd;

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_v6only(fd, 0));
	sandbox_udp(_metadata, true);

	set_in(&addr, AF_INET, PORT_DENIED);
	EXPECT_EQ(-EACCES, send_to(fd, &addr, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, matches_send_inet_denied(self->audit_fd, BLOCKER_SEND,
					      "inet6"));
	expect_no_access_record(_metadata, self->audit_fd);

	EXPECT_EQ(-EACCES, connect_to(fd, &addr, sizeof(struct sockaddr_in)));
	EXPECT_EQ(0, matches_send_inet_denied(self->audit_fd, BLOCKER_SEND,
					      "inet6"));
	expect_no_access_record(_metadata, self->audit_fd);
	EXPECT_EQ(0, close(fd));
}

TEST_HARNESS_MAIN
