// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock network benchmark
 *
 * This program measures the time per call of the socket operations that
 * Landlock's network hooks check, unsandboxed and sandboxed, with 1, 100 and
 * 10000 port rules and with 16 layers of 10000 rules each (the deepest
 * domain Landlock allows), over IPv4 and IPv6:
 *
 * - send: send() on a socket bound (bind(2), before sandboxing) and
 *   connected, the path of every datagram of a server;
 * - send-auto: send() on a socket connected without bind(), i.e. autobound
 *   (the path of most UDP clients), the domain allowing bind(0);
 * - send-auto-no0: the same, the domain not allowing bind(0);
 * - sendto: sendto() with an address on a bound socket;
 * - sendto-auto: sendto() with an address on a socket never bound: the
 *   first (sandboxed, warm-up) call autobinds it; the domain allows bind(0);
 * - connect: connect() again on a bound socket;
 * - connect-auto: connect() on a socket never bound: the first (warm-up)
 *   call autobinds it; the domain allows bind(0);
 * - bind: bind() on a bound socket, which the stack refuses (EINVAL) right
 *   after the hook, so that only the hook and the syscall are timed, not the
 *   socket's creation and release;
 * - tcp-connect: connect() on a connected TCP socket (EISCONN after the
 *   hook);
 * - tcp-bind: bind() on a bound TCP socket (EINVAL after the hook).
 *
 * Every sandbox handles the four network rights and allows the ports the
 * operation uses (the destination, the source, and port 0 for bind_udp where
 * said), then filler ports: "1 rule" is the used ports alone (two for the
 * modes that also allow port 0).  The rulesets are built once, before the
 * measurements; a sandboxed child only calls landlock_restrict_self(), once
 * per layer.
 *
 * Sandboxing cannot be undone, so each measurement runs in a child process,
 * which lets the deferred work of its sandboxing settle, warms up, then
 * keeps the fastest of three timed runs.
 * Measurements are interleaved in rounds (every mode once per round).  Under
 * QEMU with one vCPU and "-icount shift=0,sleep=off", guest time counts
 * executed instructions, which makes the figures repeatable.
 *
 * Output: one "raw FAMILY OP RULES ROUND NS" line per measurement, RULES
 * being 0 (unsandboxed), 1, 100, 10000 or 16x10000.
 *
 * With -d, it measures instead what a domain costs: the kernel memory that
 * one domain takes (its objects at the size of their slab cache, large
 * kmalloc() pages and vmalloc pages, cf. kernel_memory(), before and after
 * 400 waiting children, 40 for the largest domains, each create and hold
 * their own domain), and the median time of the landlock_restrict_self()
 * call that creates it, for 1 to 4 handled network rights and 1, 100 and
 * 10000 rules allowing all of them.
 * Output: one "domain RIGHTS RULES ROUND BYTES NS" line per measurement.
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
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "wrappers.h"

#define BASE_PORT 20000
#define DST_PORT (BASE_PORT + 1)
#define SRC_PORT (BASE_PORT + 2)
#define FILLER_PORT (BASE_PORT + 100)
/* Timed runs per measurement, of which the fastest counts. */
#define REPEATS 3
/* Idle time before and after each measurement, see run_child(). */
#define SETTLE_US 200000

enum op {
	OP_SEND,
	OP_SEND_AUTO,
	OP_SEND_AUTO_NO0,
	OP_SENDTO,
	OP_SENDTO_AUTO,
	OP_CONNECT,
	OP_CONNECT_AUTO,
	OP_BIND,
	OP_TCP_CONNECT,
	OP_TCP_BIND,
	NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"send",	       "send-auto", "send-auto-no0", "sendto",
	"sendto-auto", "connect",   "connect-auto",  "bind",
	"tcp-connect", "tcp-bind",
};

/* Sandbox configurations: number of rules and of layers (0: none). */
static const struct {
	const char *name;
	int rules, layers;
} configs[] = {
	{ "0", 0, 0 },
	{ "1", 1, 1 },
	{ "100", 100, 1 },
	{ "10000", 10000, 1 },
	{ "16x10000", 10000, 16 },
};

#define NR_CONFIGS ARRAY_SIZE(configs)
static const int families[] = { AF_INET, AF_INET6 };

/* What a mode uses: the ports its sandbox must allow. */
enum need { NEED_DST, NEED_SRC, NEED_DST_PORT0, NR_NEEDS };

static enum need need_of(const enum op op)
{
	switch (op) {
	case OP_SEND_AUTO:
	case OP_SENDTO_AUTO:
	case OP_CONNECT_AUTO:
		return NEED_DST_PORT0;
	case OP_BIND:
	case OP_TCP_BIND:
		return NEED_SRC;
	default:
		return NEED_DST;
	}
}

static bool is_tcp(const enum op op)
{
	return op == OP_TCP_CONNECT || op == OP_TCP_BIND;
}

/* Ruleset file descriptors, per need and configuration, built once. */
static int rulesets[NR_NEEDS][NR_CONFIGS];

/* Receivers on the destination port, outside any sandbox (UDP, TCP). */
static int receivers[2], listeners[2];

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
	size_t o;

	printf("Usage: %s [-r ROUNDS] [-n ITERATIONS] [-o OP] [-d]\n", argv0);
	printf("  -r R	rounds (default 5)\n");
	printf("  -n N	calls per measurement (default 2000)\n");
	printf("  -o OP	only this operation:");
	for (o = 0; o < NR_OPS; o++)
		printf(" %s", op_names[o]);
	printf("\n");
	printf("  -d	what a domain costs: memory and restrict_self() time\n");
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

static void add_port(int fd, __u64 port, __u64 access)
{
	const struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = port,
	};

	if (landlock_add_rule(fd, LANDLOCK_RULE_NET_PORT, &attr, 0))
		err(1, "landlock_add_rule");
}

/*
 * A ruleset handling the four network rights, allowing the ports of @need,
 * then fillers up to @nr_rules rules.
 */
static int make_ruleset(enum need need, int nr_rules)
{
	const __u64 all = LANDLOCK_ACCESS_NET_BIND_TCP |
			  LANDLOCK_ACCESS_NET_CONNECT_TCP |
			  LANDLOCK_ACCESS_NET_BIND_UDP |
			  LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP;
	const struct landlock_ruleset_attr attr = {
		.handled_access_net = all,
	};
	int fd, n = 0;

	fd = landlock_create_ruleset(&attr, sizeof(attr), 0);
	if (fd < 0)
		err(1, "landlock_create_ruleset");
	add_port(fd, need == NEED_SRC ? SRC_PORT : DST_PORT, all);
	n++;
	if (need == NEED_DST_PORT0) {
		add_port(fd, 0, LANDLOCK_ACCESS_NET_BIND_UDP);
		n++;
	}
	for (; n < nr_rules; n++)
		add_port(fd, FILLER_PORT + n, all);
	return fd;
}

static void sandbox(enum op op, size_t config)
{
	int fd = rulesets[need_of(op)][config], i;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err(1, "prctl");
	for (i = 0; i < configs[config].layers; i++)
		if (landlock_restrict_self(fd, 0))
			err(1, "landlock_restrict_self");
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * The socket of a measurement, made before sandboxing as a long-lived
 * program's socket would be: bound to SRC_PORT and connected to DST_PORT
 * where the mode says so.
 */
static int setup_socket(int family, enum op op)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen = make_addr(family, DST_PORT, &dst);
	socklen_t slen = make_addr(family, SRC_PORT, &src);
	const bool bound = op != OP_SEND_AUTO && op != OP_SEND_AUTO_NO0 &&
			   op != OP_SENDTO_AUTO && op != OP_CONNECT_AUTO;
	const bool connected = op == OP_SEND || op == OP_SEND_AUTO ||
			       op == OP_SEND_AUTO_NO0 || op == OP_TCP_CONNECT;
	int s, one = 1;

	s = socket(family, is_tcp(op) ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (s < 0)
		err(1, "socket");
	/* A TCP source port in TIME_WAIT from the previous child. */
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bound && op != OP_TCP_CONNECT &&
	    bind(s, (struct sockaddr *)&src, slen))
		err(1, "bind");
	if (connected && connect(s, (struct sockaddr *)&dst, dlen))
		err(1, "connect");
	return s;
}

/* The call a mode measures, with the result it expects from the stack. */
static void call(int s, enum op op, const struct sockaddr *dst, socklen_t dlen,
		 const struct sockaddr *src, socklen_t slen)
{
	const char byte = 0;
	int ret, expected_errno = 0;

	switch (op) {
	case OP_SEND:
	case OP_SEND_AUTO:
	case OP_SEND_AUTO_NO0:
		ret = send(s, &byte, 1, 0);
		break;
	case OP_SENDTO:
	case OP_SENDTO_AUTO:
		ret = sendto(s, &byte, 1, 0, dst, dlen);
		break;
	case OP_CONNECT:
	case OP_CONNECT_AUTO:
		ret = connect(s, dst, dlen);
		break;
	case OP_TCP_CONNECT:
		ret = connect(s, dst, dlen);
		expected_errno = EISCONN;
		break;
	default:
		ret = bind(s, src, slen);
		expected_errno = EINVAL;
		break;
	}
	if (expected_errno ? ret != -1 || errno != expected_errno : ret < 0)
		err(1, "%s", op_names[op]);
}

/* Runs n calls of op and returns the mean time per call in ns. */
static double measure(int s, int family, enum op op, size_t n)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen = make_addr(family, DST_PORT, &dst);
	socklen_t slen = make_addr(family, SRC_PORT, &src);
	double t0;
	size_t i;

	t0 = now_ns();
	for (i = 0; i < n; i++)
		call(s, op, (struct sockaddr *)&dst, dlen,
		     (struct sockaddr *)&src, slen);
	return (now_ns() - t0) / n;
}

/* Runs one measurement in a sandboxed (or not) child. */
static double run_child(int family, enum op op, size_t config, size_t n)
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
		if (configs[config].layers)
			sandbox(op, config);
		/*
		 * Lets the deferred work of the sandboxing (the release of the
		 * credentials and domains it replaced) run before the timing.
		 */
		usleep(SETTLE_US);
		measure(s, family, op, n / 10 + 1); /* warm-up */
		/*
		 * The fastest of a few runs: a run that a periodic kernel task
		 * (a timer, a kworker) happens to interrupt is discarded.
		 */
		for (int rep = 0; rep < REPEATS; rep++) {
			const double t = measure(s, family, op, n);

			if (result < 0 || t < result)
				result = t;
		}
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
	/*
	 * Lets the deferred work of the child's exit (the release of its
	 * domain and sockets, RCU callbacks) run now, on an idle CPU, rather
	 * than during the next measurement.
	 */
	usleep(SETTLE_US);
	return result;
}

/* Domain costs (-d): rules and rights of each measured domain. */
static const int domain_rules[] = { 1, 100, 10000 };
static const __u64 domain_rights[] = {
	LANDLOCK_ACCESS_NET_BIND_UDP,
	LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
	LANDLOCK_ACCESS_NET_BIND_TCP,
	LANDLOCK_ACCESS_NET_CONNECT_TCP,
};

/* Children holding a domain each: fewer for the largest domains. */
static int nr_domains(const int rules)
{
	return rules > 1000 ? 40 : 400;
}

/* A ruleset handling the first @nr_rights rights, with @nr_rules rules. */
static int make_domain_ruleset(size_t nr_rights, int nr_rules)
{
	struct landlock_ruleset_attr attr = {};
	int fd;

	for (size_t i = 0; i < nr_rights; i++)
		attr.handled_access_net |= domain_rights[i];
	fd = landlock_create_ruleset(&attr, sizeof(attr), 0);
	if (fd < 0)
		err(1, "landlock_create_ruleset");
	for (int n = 0; n < nr_rules; n++)
		add_port(fd, FILLER_PORT + n, attr.handled_access_net);
	return fd;
}

/* Releases the slabs' free pages, so that Slab counts what is allocated. */
static void shrink_slabs(void)
{
	DIR *dir = opendir("/sys/kernel/slab");
	struct dirent *d;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char path[300];
		int fd;

		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		/* An error is not fatal: the reading is only less precise. */
		if (write(fd, "1", 1) != 1)
			warn("%s", path);
		close(fd);
	}
	closedir(dir);
}

/*
 * Returns the kernel memory that allocated objects take, in bytes: the slab
 * objects in use at the size of their cache (/proc/slabinfo, exact once the
 * CPU slabs are flushed by shrink_slabs()), the pages of kmalloc()
 * allocations too large for a cache (the rest of Slab in /proc/meminfo), and
 * VmallocUsed.
 */
static long kernel_memory(void)
{
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");
	long total = 0, slab_pages = 0, kb;
	char line[256];

	/* Folds the CPUs' pending counts into /proc/meminfo's counters. */
	if (f) {
		fputs("1", f);
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (!f)
		err(1, "/proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld kB", &kb) == 1 ||
		    sscanf(line, "VmallocUsed: %ld kB", &kb) == 1)
			total += kb * 1024;
	}
	fclose(f);
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		err(1, "/proc/slabinfo");
	while (fgets(line, sizeof(line), f)) {
		long active, num, size, per_slab, pages, slabs;

		if (sscanf(line,
			   "%*s %ld %ld %ld %ld %ld : tunables %*d %*d %*d : slabdata %*d %ld",
			   &active, &num, &size, &per_slab, &pages,
			   &slabs) != 6)
			continue;
		total += active * size;
		slab_pages += slabs * pages * sysconf(_SC_PAGESIZE);
	}
	fclose(f);
	return total - slab_pages;
}

/* Writes @len bytes of @buf to @fd, or dies. */
static void write_all(const int fd, const void *const buf, const size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		err(1, "write");
}

/* Reads @len bytes from @fd into @buf, or dies. */
static void read_all(const int fd, void *const buf, const size_t len)
{
	size_t done = 0;

	while (done < len) {
		const ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n <= 0)
			errx(1, "a domain holder failed");
		done += n;
	}
}

static int compare_doubles(const void *const a, const void *const b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * A domain holder: once told to go, restricts itself with @ruleset, reports
 * the time this took, and holds its domain until @release is closed.
 */
static void hold_domain(const int ruleset, const int go, const int results,
			const int release)
{
	double t;
	char c;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err(1, "prctl");
	write_all(results, &(double){ 0 }, sizeof(double));
	read_all(go, &c, 1);
	t = now_ns();
	if (landlock_restrict_self(ruleset, 0))
		err(1, "landlock_restrict_self");
	t = now_ns() - t;
	write_all(results, &t, sizeof(t));
	if (read(release, &c, 1) < 0)
		err(1, "read");
	_exit(0);
}

/*
 * Forks @nr children, then lets each create a domain from @ruleset and hold
 * it: the kernel memory taken between the two readings is that of the
 * domains alone (and of the credentials they replace), not of the
 * children.  Returns this memory per domain and, in @ns, the mean time of
 * the landlock_restrict_self() calls.
 */
static long hold_domains(const int ruleset, const int nr, double *const ns)
{
	int go[2], results[2], release[2];
	double *const times = calloc(nr, sizeof(*times));
	long before, after;
	const char go_byte = 0;
	double t;

	if (!times || pipe(go) || pipe(results) || pipe(release))
		err(1, "pipe");
	for (int i = 0; i < nr; i++) {
		const pid_t pid = fork();

		if (pid < 0)
			err(1, "fork");
		if (pid == 0) {
			close(go[1]);
			close(results[0]);
			close(release[1]);
			hold_domain(ruleset, go[0], results[1], release[0]);
		}
	}
	close(go[0]);
	close(results[1]);
	close(release[0]);
	for (int i = 0; i < nr; i++)
		read_all(results[0], &t, sizeof(t));
	usleep(SETTLE_US);
	shrink_slabs();
	before = kernel_memory();
	/*
	 * One at a time: a landlock_restrict_self() call is timed alone, not
	 * with the calls of the other children that the scheduler interleaves.
	 */
	for (int i = 0; i < nr; i++) {
		write_all(go[1], &go_byte, 1);
		read_all(results[0], &times[i], sizeof(times[i]));
	}
	/* The replaced credentials are freed after an RCU grace period. */
	usleep(SETTLE_US);
	shrink_slabs();
	after = kernel_memory();
	close(release[1]);
	close(results[0]);
	close(go[1]);
	while (wait(NULL) > 0)
		;
	/* The children's exit frees their domains in deferred work. */
	usleep(SETTLE_US);
	/* The median: a call that an interrupt delays does not count. */
	qsort(times, nr, sizeof(*times), compare_doubles);
	*ns = times[nr / 2];
	free(times);
	return (after - before) / nr;
}

/* Measures the cost of a domain for each number of rights and rules. */
static void bench_domains(const size_t rounds)
{
	const size_t nr_rules = ARRAY_SIZE(domain_rules);
	int fds[ARRAY_SIZE(domain_rights)][ARRAY_SIZE(domain_rules)];
	double ns;

	for (size_t r = 0; r < ARRAY_SIZE(domain_rights); r++)
		for (size_t k = 0; k < nr_rules; k++)
			fds[r][k] = make_domain_ruleset(r + 1, domain_rules[k]);

	printf("# udp_bench -d: %zu rounds\n", rounds);
	printf("# domain rights rules round bytes ns\n");
	/* Warm-up: the first domains fill the slab caches' pages. */
	hold_domains(fds[0][0], nr_domains(domain_rules[0]), &ns);
	for (size_t round = 0; round < rounds; round++) {
		for (size_t k = 0; k < nr_rules; k++) {
			for (size_t r = 0; r < ARRAY_SIZE(domain_rights); r++) {
				const long mem = hold_domains(
					fds[r][k], nr_domains(domain_rules[k]),
					&ns);

				printf("domain %zu %d %zu %ld %.1f\n", r + 1,
				       domain_rules[k], round, mem, ns);
			}
		}
	}
}

static void setup_receivers(void)
{
	size_t f;

	for (f = 0; f < 2; f++) {
		struct sockaddr_storage dst;
		socklen_t len = make_addr(families[f], DST_PORT, &dst);
		int one = 1;

		receivers[f] = socket(families[f], SOCK_DGRAM, 0);
		/* Non-blocking: drain_listeners() accepts what is pending. */
		listeners[f] =
			socket(families[f], SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (receivers[f] < 0 || listeners[f] < 0)
			err(1, "socket");
		if (families[f] == AF_INET6) {
			setsockopt(receivers[f], IPPROTO_IPV6, IPV6_V6ONLY,
				   &one, sizeof(one));
			setsockopt(listeners[f], IPPROTO_IPV6, IPV6_V6ONLY,
				   &one, sizeof(one));
		}
		setsockopt(listeners[f], SOL_SOCKET, SO_REUSEADDR, &one,
			   sizeof(one));
		if (bind(receivers[f], (struct sockaddr *)&dst, len) ||
		    bind(listeners[f], (struct sockaddr *)&dst, len))
			err(1, "bind receiver");
		if (listen(listeners[f], 4096))
			err(1, "listen");
	}
}

/* Accepts and closes the connections of the tcp-connect children. */
static void drain_listeners(void)
{
	size_t f;
	int c;

	for (f = 0; f < 2; f++)
		while ((c = accept(listeners[f], NULL, NULL)) >= 0)
			close(c);
}

int main(int argc, char *argv[])
{
	size_t rounds = 5, n = 2000, r, f, o, k, i;
	int only = -1, c;
	bool domains = false;

	setbuf(stdout, NULL);
	while ((c = getopt(argc, argv, "dhr:n:o:")) != -1) {
		switch (c) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'd':
			domains = true;
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

	if (domains) {
		bench_domains(rounds);
		return 0;
	}
	setup_receivers();
	for (i = 0; i < NR_NEEDS; i++)
		for (k = 1; k < NR_CONFIGS; k++)
			rulesets[i][k] = make_ruleset(i, configs[k].rules);

	printf("# udp_bench: %zu rounds, %zu calls per measurement\n", rounds,
	       n);
	printf("# raw family op rules round ns\n");
	/*
	 * Each round measures every mode once; the order of the
	 * configurations rotates from round to round so that no mode always
	 * runs at the same position.
	 */
	for (r = 0; r < rounds; r++)
		for (f = 0; f < 2; f++)
			for (o = 0; o < NR_OPS; o++)
				for (i = 0; i < NR_CONFIGS; i++) {
					double ns;

					k = (i + r) % NR_CONFIGS;
					if (only >= 0 && only != (int)o)
						continue;
					ns = run_child(families[f], o, k, n);
					drain_listeners();
					printf("raw %s %s %s %zu %.1f\n",
					       families[f] == AF_INET ? "ipv4" :
									"ipv6",
					       op_names[o], configs[k].name, r,
					       ns);
				}
	return 0;
}
