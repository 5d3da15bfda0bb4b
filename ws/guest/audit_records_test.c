// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock's audit records, as the audit tools read them
 *
 * A sandboxed child is denied a UDP bind on an IPv4 and on an IPv6 socket, a
 * connection to an abstract UNIX socket out of its scope, a datagram to an
 * AF_UNSPEC destination on an IPv6 socket (with its own blocker), and one to
 * an AF_INET destination on a dual-stack IPv6 socket.  Each denial's
 * AUDIT_LANDLOCK_ACCESS record is printed as a "# @@LL-RECORD " line, in the
 * format of audit.log; the host (ws/report.py) feeds these lines to
 * "ausearch -i" (auparse) and checks the socket family it prints for each
 * (inet, inet6, unix, inet6, inet6), and the blocker and address of the last
 * two.  The test itself checks that each record ends with the socket's family
 * as Landlock logs it.
 *
 * Not a Landlock kselftest: a check of the records against the audit
 * userspace, run by the project's guest beside them.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "audit.h"

#define ABSTRACT_NAME "ll_audit_records"

FIXTURE(records)
{
	struct audit_filter audit_filter;
	int audit_fd;
};

FIXTURE_SETUP(records)
{
	self->audit_fd = audit_init_with_exe_filter(&self->audit_filter);
	ASSERT_LE(0, self->audit_fd);
}

FIXTURE_TEARDOWN(records)
{
	EXPECT_EQ(0, audit_cleanup(self->audit_fd, &self->audit_filter));
}

/* Enforces a ruleset handling @net (no rule) and scoping @scoped. */
static int sandbox(const __u64 net, const __u64 scoped)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_net = net,
		.scoped = scoped,
	};
	int fd, ret;

	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	ret = syscall(__NR_landlock_restrict_self, fd, 0);
	close(fd);
	return ret ? -errno : 0;
}

/* In a sandboxed child: a UDP bind to loopback:4000, denied. */
static int bind_denied(const int family)
{
	struct sockaddr_in in = {
		.sin_family = AF_INET,
		.sin_port = htons(4000),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sockaddr_in6 in6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(4000),
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
	};
	const int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || sandbox(LANDLOCK_ACCESS_NET_BIND_UDP, 0))
		return 1;
	if (family == AF_INET)
		return !(bind(fd, (struct sockaddr *)&in, sizeof(in)) &&
			 errno == EACCES);
	return !(bind(fd, (struct sockaddr *)&in6, sizeof(in6)) &&
		 errno == EACCES);
}

/*
 * In a sandboxed child: a datagram to port 4000 of 127.0.0.1, denied, on an
 * IPv6 socket, as an AF_UNSPEC destination (@family), or as an AF_INET one on
 * a dual-stack socket.
 */
static int send_denied_on_inet6(const int family)
{
	struct sockaddr_in in = {
		.sin_family = family,
		.sin_port = htons(4000),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	const int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	const int off = 0;

	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	    sandbox(LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP, 0))
		return 1;
	return !(sendto(fd, ".", 1, 0, (struct sockaddr *)&in, sizeof(in)) < 0 &&
		 errno == EACCES);
}

/* In a sandboxed child: a connection to @addr, out of scope, denied. */
static int unix_connect_denied(const struct sockaddr_un *const addr,
			       const socklen_t len)
{
	const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || sandbox(0, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET))
		return 1;
	return !(connect(fd, (const struct sockaddr *)addr, len) &&
		 errno == EPERM);
}

/*
 * Prints the next AUDIT_LANDLOCK_ACCESS record as audit.log has it, and
 * returns whether it ends with " fam=@fam".
 */
static bool print_access_record(const int audit_fd, const char *const fam)
{
	struct audit_message msg;
	char tail[32];
	size_t len;

	snprintf(tail, sizeof(tail), " fam=%s", fam);
	for (int i = 0; i < 16; i++) {
		memset(&msg, 0, sizeof(msg));
		if (audit_recv(audit_fd, &msg))
			return false;
		if (msg.header.nlmsg_type != AUDIT_LANDLOCK_ACCESS)
			continue;
		len = strnlen(msg.data, sizeof(msg.data));
		printf("# @@LL-RECORD type=UNKNOWN[%u] msg=%.*s\n",
		       AUDIT_LANDLOCK_ACCESS, (int)len, msg.data);
		return len >= strlen(tail) &&
		       !strcmp(msg.data + len - strlen(tail), tail);
	}
	return false;
}

static int run_child(int (*const fn)(int), const int arg)
{
	const pid_t child = fork();
	int status;

	if (child == 0)
		_exit(fn(arg));
	if (child < 0 || waitpid(child, &status, 0) != child)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(records, inet)
{
	ASSERT_EQ(0, run_child(bind_denied, AF_INET));
	EXPECT_TRUE(print_access_record(self->audit_fd, "inet"));
}

TEST_F(records, inet6)
{
	ASSERT_EQ(0, run_child(bind_denied, AF_INET6));
	EXPECT_TRUE(print_access_record(self->audit_fd, "inet6"));
}

TEST_F(records, unix)
{
	struct sockaddr_un addr = {
		.sun_family = AF_UNIX,
	};
	const socklen_t len =
		offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ABSTRACT_NAME);
	const int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t child;
	int status;

	/* An abstract name: a leading NUL byte. */
	memcpy(addr.sun_path + 1, ABSTRACT_NAME, strlen(ABSTRACT_NAME));
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, bind(srv, (struct sockaddr *)&addr, len));
	ASSERT_EQ(0, listen(srv, 1));

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(unix_connect_denied(&addr, len));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(print_access_record(self->audit_fd, "unix"));
	EXPECT_EQ(0, close(srv));
}

TEST_F(records, unspec_on_inet6)
{
	ASSERT_EQ(0, run_child(send_denied_on_inet6, AF_UNSPEC));
	EXPECT_TRUE(print_access_record(self->audit_fd, "inet6"));
}

TEST_F(records, dual_stack_inet)
{
	ASSERT_EQ(0, run_child(send_denied_on_inet6, AF_INET));
	EXPECT_TRUE(print_access_record(self->audit_fd, "inet6"));
}

TEST_HARNESS_MAIN
