/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Landlock tests - UDP helpers shared by udp_state_test.c and udp_uring_test.c
 *
 * Each includer includes common.h, and defines PORT_ALLOWED and PORT_DENIED,
 * the ports of its receivers, before including this file.
 */

#ifndef _SELFTESTS_LANDLOCK_UDP_COMMON_H
#define _SELFTESTS_LANDLOCK_UDP_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char loopback_ipv4[] __maybe_unused = "127.0.0.1";

static const char loopback_ipv6[] __maybe_unused = "::1";

static const char mapped_ipv4[] __maybe_unused = "::ffff:127.0.0.1";

struct port_rule {
	__u64 access;
	__u64 port;
};

/* Unsandboxed receivers, created before any sandboxing. */
struct receivers {
	/* IPv4, bound to 127.0.0.1:PORT_ALLOWED. */
	int allowed;
	/* IPv4, bound to 127.0.0.1:PORT_DENIED. */
	int denied;
	/* IPv6 (v6only), bound to [::1]:PORT_ALLOWED. */
	int allowed6;
};

static void __maybe_unused
setup_loopback(struct __test_metadata *const _metadata)
{
	set_cap(_metadata, CAP_SYS_ADMIN);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	clear_cap(_metadata, CAP_SYS_ADMIN);

	set_ambient_cap(_metadata, CAP_NET_ADMIN);
	ASSERT_EQ(0, system("ip link set dev lo up"));
	clear_ambient_cap(_metadata, CAP_NET_ADMIN);
}

static socklen_t __maybe_unused set_in(struct sockaddr_storage *const ss,
				       const sa_family_t family,
				       const uint16_t port)
{
	struct sockaddr_in *const sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = family;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, loopback_ipv4, &sin->sin_addr);
	return sizeof(*sin);
}

static socklen_t __maybe_unused set_in6(struct sockaddr_storage *const ss,
					const char *const addr,
					const uint16_t port)
{
	struct sockaddr_in6 *const sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &sin6->sin6_addr);
	return sizeof(*sin6);
}

static int __maybe_unused udp_socket(const int family)
{
	const int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	return fd;
}

static int __maybe_unused set_v6only(const int fd, const int v6only)
{
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)))
		return -errno;
	return 0;
}

static int __maybe_unused bind_receiver(const int family,
					const char *const addr,
					const uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;

	if (family == AF_INET6) {
		if (set_v6only(fd, 1))
			goto err;
		len = set_in6(&ss, addr, port);
	} else {
		len = set_in(&ss, AF_INET, port);
	}
	if (bind(fd, (struct sockaddr *)&ss, len))
		goto err;
	return fd;

err:
	close(fd);
	return -errno;
}

static void __maybe_unused setup_receivers(
	struct __test_metadata *const _metadata, struct receivers *const rcv)
{
	rcv->allowed = bind_receiver(AF_INET, loopback_ipv4, PORT_ALLOWED);
	ASSERT_LE(0, rcv->allowed);
	rcv->denied = bind_receiver(AF_INET, loopback_ipv4, PORT_DENIED);
	ASSERT_LE(0, rcv->denied);
	rcv->allowed6 = bind_receiver(AF_INET6, loopback_ipv6, PORT_ALLOWED);
	ASSERT_LE(0, rcv->allowed6);
}

static void __maybe_unused teardown_receivers(struct receivers *const rcv)
{
	close(rcv->allowed);
	close(rcv->denied);
	close(rcv->allowed6);
}

/* Returns 0 if one datagram was received within @timeout_ms, or -errno. */
static int __maybe_unused recv_dgram(const int fd, const int timeout_ms)
{
	struct pollfd pfd = {
		.fd = fd,
		.events = POLLIN,
	};
	char buf;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -EAGAIN;
	if (recv(fd, &buf, sizeof(buf), MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static int __maybe_unused sock_domain(const int fd)
{
	int domain = -1;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len))
		return -errno;
	return domain;
}

/* Returns the local port of @fd, in host endianness, or -errno. */
static int __maybe_unused local_port(const int fd)
{
	struct sockaddr_storage ss = {};
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -errno;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void __maybe_unused
enforce_rules(struct __test_metadata *const _metadata, const __u64 handled,
	      const struct port_rule *const rules, const size_t num_rules)
{
	const struct landlock_ruleset_attr ruleset_attr = {
		.handled_access_net = handled,
	};
	int ruleset_fd;
	size_t i;

	ruleset_fd =
		landlock_create_ruleset(&ruleset_attr, sizeof(ruleset_attr), 0);
	ASSERT_LE(0, ruleset_fd)
	{
		TH_LOG("Failed to create a ruleset: %s", strerror(errno));
	}

	for (i = 0; i < num_rules; i++) {
		const struct landlock_net_port_attr port_attr = {
			.allowed_access = rules[i].access,
			.port = rules[i].port,
		};

		ASSERT_EQ(0,
			  landlock_add_rule(ruleset_fd, LANDLOCK_RULE_NET_PORT,
					    &port_attr, 0));
	}

	enforce_ruleset(_metadata, ruleset_fd);
	EXPECT_EQ(0, close(ruleset_fd));
}

#endif /* _SELFTESTS_LANDLOCK_UDP_COMMON_H */
