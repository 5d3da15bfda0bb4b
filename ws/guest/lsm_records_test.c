// SPDX-License-Identifier: GPL-2.0
/*
 * Other LSMs' network audit records, byte for byte
 *
 * Landlock's network records carry the address family (fam=), but
 * the shared formatter of LSM_AUDIT_DATA_NET (security/lsm_audit.c) is left
 * as it is: AppArmor already prints family="inet", and SELinux fills the
 * data from the socket alone (family 0).  This test pins that: a process
 * confined by an AppArmor profile with "audit network" rules binds,
 * connects and sends, and the AVC records AppArmor emits must be exactly
 * the base kernel's (the same test passes on the stock 7.3 twin).  The
 * part between comm= and family= is dump_common_audit_data()'s: a field
 * added there for every LSM (" family=%u", " src=0") makes it fail (mutant
 * ws/mutants/14).
 *
 * Needs AppArmor enabled (VARIANT=distro; LL_NEED=apparmor makes its
 * absence a failure) and apparmor_parser in the guest (ws/deps.sh fetches
 * Debian's, ws/initramfs.sh installs it).  Skips elsewhere.
 *
 * Not a Landlock kselftest: a check of this series' effect on its
 * neighbours, run by the project's guest beside them.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "audit.h"

#define PROFILE "ll_lsm_records"
#define PROFILE_PATH "/tmp/" PROFILE ".aa"
#define AA_DIR "/sys/kernel/security/apparmor"
#define PARSER "/sbin/apparmor_parser"
#define MAX_RECORDS 16
#define RECORD_SIZE (PATH_MAX + 200)

/* Every inet and inet6 operation of the profile is allowed and audited. */
static const char profile_text[] = "abi <abi/3.0>,\n"
				   "profile " PROFILE " {\n"
				   "  /** rwmix,\n"
				   "  audit network inet,\n"
				   "  audit network inet6,\n"
				   "}\n";

static bool apparmor_needed(void)
{
	const char *need = getenv("LL_NEED");

	return need && strstr(need, "apparmor");
}

static bool apparmor_enabled(void)
{
	if (access(AA_DIR, F_OK) && errno == ENOENT)
		mount("securityfs", "/sys/kernel/security", "securityfs", 0,
		      NULL);
	return !access(AA_DIR "/.replace", W_OK);
}

static int parser(const char *const op)
{
	char cmd[128];
	int ret;

	snprintf(cmd, sizeof(cmd), "%s %s -q %s 2>&1", PARSER, op,
		 PROFILE_PATH);
	ret = system(cmd);
	return WIFEXITED(ret) ? WEXITSTATUS(ret) : -1;
}

static int write_file(const char *const path, const char *const text)
{
	const size_t len = strlen(text);
	const int fd =
		open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	close(fd);
	return n == len ? 0 : -EIO;
}

struct sockaddr_any {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	};
	socklen_t len;
};

static struct sockaddr_any addr(const int family, const int port)
{
	struct sockaddr_any a = {};

	if (family == AF_INET) {
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons(port);
		a.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.len = sizeof(a.in);
	} else {
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons(port);
		a.in6.sin6_addr = in6addr_loopback;
		a.len = sizeof(a.in6);
	}
	return a;
}

/* The operations a confined child performs; results do not matter. */
enum scenario {
	UDP_BOUND,
	UDP_PORT_ZERO,
	UDP_AUTOBIND,
	TCP_CONNECT,
};

static void run_scenario(const int family, const enum scenario scenario)
{
	const struct sockaddr_any local = addr(family, 4000);
	const struct sockaddr_any zero = addr(family, 0);
	const struct sockaddr_any peer = addr(family, 5000);
	const int type = scenario == TCP_CONNECT ? SOCK_STREAM : SOCK_DGRAM;
	const int fd = socket(family, type | SOCK_CLOEXEC, 0);

	switch (scenario) {
	case UDP_BOUND:
		bind(fd, &local.sa, local.len);
		sendto(fd, "x", 1, 0, &peer.sa, peer.len);
		connect(fd, &peer.sa, peer.len);
		send(fd, "x", 1, 0);
		break;
	case UDP_PORT_ZERO:
		bind(fd, &zero.sa, zero.len);
		break;
	case UDP_AUTOBIND:
		sendto(fd, "x", 1, 0, &peer.sa, peer.len);
		break;
	case TCP_CONNECT:
		connect(fd, &peer.sa, peer.len);
		break;
	}
	close(fd);
}

/*
 * The records the base kernel (7.3) writes for each scenario, after
 * "audit(...): ", with %d for the child's PID.  The comm is the test's
 * name, cut to 15 characters.
 */
#define AVC(op, fields, fam, st, proto, req)                         \
	"apparmor=\"AUDIT\" operation=\"" op                         \
	"\" class=\"net\" profile=\"" PROFILE                        \
	"\" pid=%d comm=\"lsm_records_tes\"" fields " family=\"" fam \
	"\" sock_type=\"" st "\" protocol=" proto " requested=\"" req "\""

/* A UDP socket bound to port 4000 sends to port 5000, connects, sends. */
#define UDP_BOUND(a, f)                                                       \
	{                                                                     \
		AVC("create", "", f, "dgram", "0", "create"),                 \
		AVC("bind", " saddr=" a " src=4000", f, "dgram", "17",        \
		    "bind"),                                                  \
		AVC("sendmsg",                                                \
		    " laddr=" a " lport=4000 saddr=" a " src=4000 daddr=" a   \
		    " dest=5000",                                             \
		    f, "dgram", "17", "send"),                                \
		AVC("connect",                                                \
		    " laddr=" a " lport=4000 saddr=" a " src=4000 daddr=" a   \
		    " dest=5000",                                             \
		    f, "dgram", "17", "connect"),                             \
		AVC("sendmsg",                                                \
		    " laddr=" a " lport=4000 faddr=" a " fport=5000 saddr=" a \
		    " src=4000",                                              \
		    f, "dgram", "17", "send"),                                \
		NULL,                                                         \
	}

/* bind() to port 0: the base prints no src= for a zero port. */
#define UDP_PORT_ZERO(a, f)                                         \
	{                                                           \
		AVC("create", "", f, "dgram", "0", "create"),       \
		AVC("bind", " saddr=" a, f, "dgram", "17", "bind"), \
		NULL,                                               \
	}

/* sendto() on a socket never bound: no local address yet. */
#define UDP_AUTOBIND(a, f)                                                 \
	{                                                                  \
		AVC("create", "", f, "dgram", "0", "create"),              \
		AVC("sendmsg", " daddr=" a " dest=5000", f, "dgram", "17", \
		    "send"),                                               \
		NULL,                                                      \
	}

#define TCP_CONNECT(a, f)                                                  \
	{                                                                  \
		AVC("create", "", f, "stream", "0", "create"),             \
		AVC("connect", " daddr=" a " dest=5000", f, "stream", "6", \
		    "connect"),                                            \
		NULL,                                                      \
	}

static const char *const udp4_bound[] = UDP_BOUND("127.0.0.1", "inet");
static const char *const udp6_bound[] = UDP_BOUND("::1", "inet6");
static const char *const udp4_port_zero[] = UDP_PORT_ZERO("127.0.0.1", "inet");
static const char *const udp6_port_zero[] = UDP_PORT_ZERO("::1", "inet6");
static const char *const udp4_autobind[] = UDP_AUTOBIND("127.0.0.1", "inet");
static const char *const udp6_autobind[] = UDP_AUTOBIND("::1", "inet6");
static const char *const tcp4_connect[] = TCP_CONNECT("127.0.0.1", "inet");
static const char *const tcp6_connect[] = TCP_CONNECT("::1", "inet6");

FIXTURE(apparmor)
{
	int audit_fd;
};

FIXTURE_VARIANT(apparmor)
{
	int family;
	enum scenario scenario;
	const char *const *expected;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, udp4_bound) {
	/* clang-format on */
	.family = AF_INET,
	.scenario = UDP_BOUND,
	.expected = udp4_bound,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, udp4_port_zero) {
	/* clang-format on */
	.family = AF_INET,
	.scenario = UDP_PORT_ZERO,
	.expected = udp4_port_zero,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, udp4_autobind) {
	/* clang-format on */
	.family = AF_INET,
	.scenario = UDP_AUTOBIND,
	.expected = udp4_autobind,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, tcp4_connect) {
	/* clang-format on */
	.family = AF_INET,
	.scenario = TCP_CONNECT,
	.expected = tcp4_connect,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, udp6_bound) {
	/* clang-format on */
	.family = AF_INET6,
	.scenario = UDP_BOUND,
	.expected = udp6_bound,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, udp6_port_zero) {
	/* clang-format on */
	.family = AF_INET6,
	.scenario = UDP_PORT_ZERO,
	.expected = udp6_port_zero,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, udp6_autobind) {
	/* clang-format on */
	.family = AF_INET6,
	.scenario = UDP_AUTOBIND,
	.expected = udp6_autobind,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(apparmor, tcp6_connect) {
	/* clang-format on */
	.family = AF_INET6,
	.scenario = TCP_CONNECT,
	.expected = tcp6_connect,
};

FIXTURE_SETUP(apparmor)
{
	self->audit_fd = -1;
	if (!apparmor_enabled()) {
		if (apparmor_needed())
			ASSERT_TRUE(false)
			{
				TH_LOG("AppArmor is not enabled, but this "
				       "kernel's variant enables it");
			}
		SKIP(return, "AppArmor is not enabled");
	}
	ASSERT_EQ(0, access(PARSER, X_OK))
	{
		TH_LOG("%s is missing: run ws/deps.sh", PARSER);
	}
	ASSERT_EQ(0, write_file(PROFILE_PATH, profile_text));
	ASSERT_EQ(0, parser("-r"));
	self->audit_fd = audit_init();
	ASSERT_LE(0, self->audit_fd)
	{
		TH_LOG("audit_init: %s", strerror(-self->audit_fd));
	}
}

FIXTURE_TEARDOWN(apparmor)
{
	if (self->audit_fd >= 0) {
		audit_set_status(self->audit_fd, AUDIT_STATUS_ENABLED, 0);
		close(self->audit_fd);
	}
	if (!access(PROFILE_PATH, F_OK)) {
		parser("-R");
		unlink(PROFILE_PATH);
	}
}

/*
 * Collects the AVC records of @pid's profile, in order, until none comes
 * for a second.  Returns how many.
 */
static int collect(const int audit_fd, const pid_t pid,
		   char records[][RECORD_SIZE], const int max)
{
	char tag[64];
	int n = 0;

	snprintf(tag, sizeof(tag), " pid=%d comm=", pid);
	while (true) {
		struct audit_message msg = {};
		const char *text;

		if (audit_recv(audit_fd, &msg))
			break;
		if (msg.header.nlmsg_type != AUDIT_AVC ||
		    !strstr(msg.data, "profile=\"" PROFILE "\"") ||
		    !strstr(msg.data, tag))
			continue;
		/* Drops "audit(<time>:<serial>): ". */
		text = strstr(msg.data, "): ");
		text = text ? text + 3 : msg.data;
		if (n < max)
			snprintf(records[n], RECORD_SIZE, "%s", text);
		n++;
	}
	return n;
}

TEST_F(apparmor, records)
{
	static char records[MAX_RECORDS][RECORD_SIZE];
	char expected[RECORD_SIZE];
	int status, n, i, want;
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		char cmd[] = "changeprofile " PROFILE;
		const int fd = open("/proc/self/attr/current", O_WRONLY);

		if (fd < 0 || write(fd, cmd, strlen(cmd)) != strlen(cmd))
			_exit(2);
		close(fd);
		run_scenario(variant->family, variant->scenario);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
	{
		TH_LOG("the child could not change to profile %s", PROFILE);
	}

	n = collect(self->audit_fd, child, records, MAX_RECORDS);
	for (want = 0; variant->expected[want]; want++)
		;
	ASSERT_EQ(want, n)
	{
		for (i = 0; i < n && i < MAX_RECORDS; i++)
			TH_LOG("record %d: %s", i, records[i]);
	}
	for (i = 0; i < want; i++) {
		snprintf(expected, sizeof(expected), variant->expected[i],
			 child);
		EXPECT_STREQ(expected, records[i]);
	}
}

TEST_HARNESS_MAIN
