// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock UDP benchmark
 *
 * This program measures the time per call of the UDP operations that
 * Landlock's network hooks check: send() on a connected socket, sendto()
 * with an explicit address, connect() and bind() (timed as whole
 * socket()+bind()+close() cycles).  Each operation runs unsandboxed and
 * sandboxed (UDP access rights handled, the used ports allowed) with 1, 100
 * and 10000 port rules, over IPv4 and IPv6.
 *
 * Sandboxing cannot be undone, so each measurement runs in a child
 * process.  Measurements are interleaved in rounds (every mode once per
 * round) so that slow drifts of the machine hit all modes alike, and the
 * median and spread over rounds are reported.  Under QEMU with
 * "-icount shift=0", guest time counts executed instructions, which makes
 * the figures reproducible.
 *
 * Output: one "raw" line per measurement, then one "mode" line per
 * (family, operation, rules) with the median time per call in ns, the
 * spread (min and max over rounds) and, for sandboxed modes, the overhead
 * over the unsandboxed median in percent.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "wrappers.h"

#define BASE_PORT 20000
#define DST_PORT (BASE_PORT + 1)
#define SRC_PORT (BASE_PORT + 2)

enum op { OP_SEND, OP_SENDTO, OP_CONNECT, OP_BIND, NR_OPS };
static const char *const op_names[NR_OPS] = { "send", "sendto", "connect",
					      "bind" };
static const int rule_counts[] = { 0, 1, 100, 10000 };
#define NR_RULES ARRAY_SIZE(rule_counts)
static const int families[] = { AF_INET, AF_INET6 };

/* Receivers on the destination port, outside any sandbox. */
static int receivers[2];

/*
 * Empties the receivers, so that every measurement starts with the same
 * (empty) receive queues: a full queue makes the stack drop datagrams early,
 * which is cheaper than delivering them.
 */
static void drain_receivers(void)
{
	char buf[64];
	size_t f;

	for (f = 0; f < 2; f++)
		while (recv(receivers[f], buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			;
}

static void usage(const char *const argv0)
{
	printf("Usage: %s [-r ROUNDS] [-n ITERATIONS] [-o OP]\n", argv0);
	printf("  -r R	rounds (default 5)\n");
	printf("  -n N	calls per measurement (default 2000)\n");
	printf("  -o OP	only this operation (send, sendto, connect, bind)\n");
}

static socklen_t make_addr(int family, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in4 = (struct sockaddr_in *)ss;

		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*in4);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	in6->sin6_addr = in6addr_loopback;
	return sizeof(*in6);
}

/*
 * Handles both UDP rights and allows nr_rules ports: the one the measured
 * operation uses, then fillers that the lookup has to get past.
 */
static void sandbox(int nr_rules, int used_port)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_UDP |
				      LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
	};
	struct landlock_net_port_attr port = {
		.allowed_access = LANDLOCK_ACCESS_NET_BIND_UDP |
				  LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
	};
	int fd, i;

	fd = landlock_create_ruleset(&attr, sizeof(attr), 0);
	if (fd < 0)
		err(1, "landlock_create_ruleset");
	for (i = 0; i < nr_rules; i++) {
		port.port = i ? BASE_PORT + 100 + i : used_port;
		if (landlock_add_rule(fd, LANDLOCK_RULE_NET_PORT, &port, 0))
			err(1, "landlock_add_rule");
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err(1, "prctl");
	if (landlock_restrict_self(fd, 0))
		err(1, "landlock_restrict_self");
	close(fd);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * For send, sendto and connect: a socket bound to SRC_PORT (and connected
 * to DST_PORT for send), made before sandboxing as a long-lived server's
 * socket would be.
 */
static int setup_socket(int family, enum op op)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen = make_addr(family, DST_PORT, &dst);
	socklen_t slen = make_addr(family, SRC_PORT, &src);
	int s;

	if (op == OP_BIND)
		return -1;
	s = socket(family, SOCK_DGRAM, 0);
	if (s < 0)
		err(1, "socket");
	if (bind(s, (struct sockaddr *)&src, slen))
		err(1, "bind");
	if (op == OP_SEND && connect(s, (struct sockaddr *)&dst, dlen))
		err(1, "connect");
	return s;
}

/* Runs n calls of op and returns the mean time per call in ns. */
static double measure(int s, int family, enum op op, size_t n)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen = make_addr(family, DST_PORT, &dst);
	socklen_t slen = make_addr(family, SRC_PORT, &src);
	const char byte = 0;
	double total = 0, t0;
	size_t i;

	if (op == OP_SEND || op == OP_SENDTO || op == OP_CONNECT) {
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			int ret;

			if (op == OP_SEND)
				ret = send(s, &byte, 1, 0);
			else if (op == OP_SENDTO)
				ret = sendto(s, &byte, 1, 0,
					     (struct sockaddr *)&dst, dlen);
			else
				ret = connect(s, (struct sockaddr *)&dst, dlen);
			if (ret < 0)
				err(1, "%s", op_names[op]);
		}
		total = now_ns() - t0;
	} else {
		/*
		 * A socket can only be bound once: time whole
		 * socket()+bind()+close() cycles.  Timing bind() alone, call by
		 * call, mostly measures the deferred work of the previous
		 * close() and the timer.
		 */
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			s = socket(family, SOCK_DGRAM, 0);
			if (s < 0)
				err(1, "socket");
			if (bind(s, (struct sockaddr *)&src, slen))
				err(1, "bind");
			close(s);
		}
		total = now_ns() - t0;
	}
	return total / n;
}

/* Runs one measurement in a sandboxed (or not) child. */
static double run_child(int family, enum op op, int nr_rules, size_t n)
{
	int pipefd[2], status;
	double result = -1;
	pid_t pid;

	if (pipe(pipefd))
		err(1, "pipe");
	drain_receivers();
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		int s = setup_socket(family, op);

		close(pipefd[0]);
		if (nr_rules)
			sandbox(nr_rules, op == OP_BIND ? SRC_PORT : DST_PORT);
		measure(s, family, op, n / 10 + 1); /* warm-up */
		result = measure(s, family, op, n);
		if (write(pipefd[1], &result, sizeof(result)) != sizeof(result))
			err(1, "write");
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &result, sizeof(result)) != sizeof(result))
		result = -1;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || result < 0)
		errx(1, "measurement of %s failed", op_names[op]);
	return result;
}

static int cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char *argv[])
{
	size_t rounds = 5, n = 2000, r, f, o, i, k;
	int only = -1, c;
	double *res;

	setbuf(stdout, NULL);
	while ((c = getopt(argc, argv, "hr:n:o:")) != -1) {
		switch (c) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'o':
			for (only = 0; only < NR_OPS; only++)
				if (!strcmp(optarg, op_names[only]))
					break;
			if (only == NR_OPS)
				errx(1, "unknown operation %s", optarg);
			break;
		default:
			usage(argv[0]);
			return c == 'h' ? EXIT_SUCCESS : EXIT_FAILURE;
		}
	}
	if (!rounds || !n)
		errx(1, "rounds and iterations must be positive");

	/* Receivers on the destination port, outside any sandbox. */
	for (f = 0; f < 2; f++) {
		struct sockaddr_storage dst;
		socklen_t len = make_addr(families[f], DST_PORT, &dst);
		int one = 1;

		receivers[f] = socket(families[f], SOCK_DGRAM, 0);
		if (receivers[f] < 0)
			err(1, "socket");
		if (families[f] == AF_INET6)
			setsockopt(receivers[f], IPPROTO_IPV6, IPV6_V6ONLY,
				   &one, sizeof(one));
		if (bind(receivers[f], (struct sockaddr *)&dst, len))
			err(1, "bind receiver");
	}

	res = calloc(2 * NR_OPS * NR_RULES * rounds, sizeof(*res));
	if (!res)
		err(1, "calloc");
#define RES(f, o, k, r) \
	res[(((f) * NR_OPS + (o)) * NR_RULES + (k)) * rounds + (r)]

	printf("# udp_bench: %zu rounds, %zu calls per measurement\n", rounds,
	       n);
	/*
	 * Each round measures every mode once; the order of the rule counts
	 * rotates from round to round so that no mode always runs at the same
	 * position.
	 */
	for (r = 0; r < rounds; r++)
		for (f = 0; f < 2; f++)
			for (o = 0; o < NR_OPS; o++)
				for (i = 0; i < NR_RULES; i++) {
					const int nr =
						rule_counts[(i + r) % NR_RULES];

					k = (i + r) % NR_RULES;
					if (only >= 0 && only != (int)o)
						continue;
					RES(f, o, k, r) = run_child(families[f],
								    o, nr, n);
				}

	/* Raw values, for tools that pair rounds (e.g. overhead per round). */
	printf("# raw family op rules round ns\n");
	for (f = 0; f < 2; f++)
		for (o = 0; o < NR_OPS; o++)
			for (k = 0; k < NR_RULES; k++)
				for (r = 0; r < rounds; r++)
					if (only < 0 || only == (int)o)
						printf("raw %s %s %d %zu %.1f\n",
						       families[f] == AF_INET ?
							       "ipv4" :
							       "ipv6",
						       op_names[o],
						       rule_counts[k], r,
						       RES(f, o, k, r));

	printf("# family op rules median_ns min_ns max_ns overhead_pct\n");
	for (f = 0; f < 2; f++) {
		for (o = 0; o < NR_OPS; o++) {
			double base = 0;

			if (only >= 0 && only != (int)o)
				continue;
			for (k = 0; k < NR_RULES; k++) {
				double *v = &RES(f, o, k, 0), med;

				qsort(v, rounds, sizeof(*v), cmp_double);
				med = rounds % 2 ? v[rounds / 2] :
						   (v[rounds / 2 - 1] +
						    v[rounds / 2]) /
							   2;
				if (k == 0)
					base = med;
				printf("mode %s %s %d %.1f %.1f %.1f %+.2f\n",
				       families[f] == AF_INET ? "ipv4" : "ipv6",
				       op_names[o], rule_counts[k], med, v[0],
				       v[rounds - 1],
				       k ? (med / base - 1) * 100 : 0.0);
			}
		}
	}
	free(res);
	return 0;
}
