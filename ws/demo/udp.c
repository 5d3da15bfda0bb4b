// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal UDP peer for the demo (busybox's nc has no UDP mode here).
 *
 *   udp recv ADDR PORT [SECONDS]   print the first datagram, exit 0;
 *                                  exit 1 on timeout
 *   udp send ADDR PORT MESSAGE     send one datagram; on error print
 *                                  strerror and exit 1
 *   udp unspec6 PORT MESSAGE       IPv6 socket connected to [::1]:PORT,
 *                                  sendto() with an AF_UNSPEC destination
 *   udp addrform PORT DPORT        IPv6 socket connected to
 *                                  ::ffff:127.0.0.1:PORT, converted to IPv4
 *                                  with IPV6_ADDRFORM, then sendto() an
 *                                  AF_UNSPEC destination whose bytes say
 *                                  127.0.0.1:DPORT
 *   udp unspec-then-addrform PORT  IPv6 socket connected to
 *                                  ::ffff:127.0.0.1:PORT, an AF_UNSPEC send,
 *                                  then IPV6_ADDRFORM
 *
 * ADDR is numeric IPv4 or IPv6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static socklen_t parse_addr(const char *host, const char *port,
			    struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(atoi(port));
		return sizeof(*in4);
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(atoi(port));
		return sizeof(*in6);
	}
	fprintf(stderr, "udp: bad address %s\n", host);
	exit(2);
}

static int mapped_socket(int port)
{
	struct sockaddr_in6 peer = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
	};
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	inet_pton(AF_INET6, "::ffff:127.0.0.1", &peer.sin6_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&peer, sizeof(peer))) {
		perror("udp: IPv4-mapped socket");
		exit(1);
	}
	return fd;
}

static int addrform(int fd)
{
	int v4 = AF_INET;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &v4, sizeof(v4))) {
		printf("setsockopt(IPV6_ADDRFORM): %s\n", strerror(errno));
		return 1;
	}
	printf("setsockopt(IPV6_ADDRFORM): socket is now IPv4\n");
	return 0;
}

/* An AF_UNSPEC destination laid out as a struct sockaddr_in. */
static int send_unspec(int fd, int port, socklen_t len, const char *msg)
{
	struct sockaddr_in dst = {
		.sin_family = AF_UNSPEC,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&dst, len) < 0) {
		printf("sendto(AF_UNSPEC%s): %s\n", port ? " with a port" : "",
		       strerror(errno));
		return 1;
	}
	printf("sendto(AF_UNSPEC%s): sent\n", port ? " with a port" : "");
	return 0;
}

static int extra_commands(int argc, char **argv)
{
	if (!strcmp(argv[1], "unspec6") && argc == 4) {
		struct sockaddr_in6 peer = {
			.sin6_family = AF_INET6,
			.sin6_port = htons(atoi(argv[2])),
			.sin6_addr = IN6ADDR_LOOPBACK_INIT,
		};
		int fd = socket(AF_INET6, SOCK_DGRAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&peer,
				      sizeof(peer))) {
			perror("udp: connect");
			return 1;
		}
		return send_unspec(fd, 0, sizeof(sa_family_t), argv[3]);
	}
	if (!strcmp(argv[1], "addrform") && argc == 4) {
		int fd = mapped_socket(atoi(argv[2]));

		if (addrform(fd))
			return 1;
		return send_unspec(fd, atoi(argv[3]), sizeof(struct sockaddr_in),
				   "hello");
	}
	if (!strcmp(argv[1], "unspec-then-addrform") && argc == 3) {
		int fd = mapped_socket(atoi(argv[2]));

		/* "No address": the connected peer (unroutable as IPv6 here). */
		send_unspec(fd, 0, sizeof(sa_family_t), "hello");
		return addrform(fd);
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[512];
	int fd;

	if (argc >= 3) {
		int ret = extra_commands(argc, argv);

		if (ret >= 0)
			return ret;
	}
	if (argc < 4 || (strcmp(argv[1], "recv") && strcmp(argv[1], "send"))) {
		fprintf(stderr, "usage: udp recv ADDR PORT [SECONDS] | udp send ADDR PORT MSG\n");
		return 2;
	}
	len = parse_addr(argv[2], argv[3], &ss);
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp: socket");
		return 1;
	}
	if (!strcmp(argv[1], "recv")) {
		struct timeval tv = { .tv_sec = argc > 4 ? atoi(argv[4]) : 5 };
		ssize_t n;

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (bind(fd, (struct sockaddr *)&ss, len)) {
			printf("bind(%s): %s\n", argv[3], strerror(errno));
			return 1;
		}
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			printf("recv(%s): %s\n", argv[3], strerror(errno));
			return 1;
		}
		buf[n] = '\0';
		printf("received on port %s: %s\n", argv[3], buf);
		return 0;
	}
	if (sendto(fd, argv[4], strlen(argv[4]), 0, (struct sockaddr *)&ss,
		   len) < 0) {
		printf("sendto(port %s): %s\n", argv[3], strerror(errno));
		return 1;
	}
	printf("sent to port %s: %s\n", argv[3], argv[4]);
	return 0;
}
