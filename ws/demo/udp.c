// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal UDP peer for the demo (busybox's nc has no UDP mode here).
 *
 *   udp recv ADDR PORT [SECONDS]   print the first datagram, exit 0;
 *                                  exit 1 on timeout
 *   udp send ADDR PORT MESSAGE     send one datagram; on error print
 *                                  strerror and exit 1
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

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[512];
	int fd;

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
