// SPDX-License-Identifier: GPL-2.0
/*
 * A KCSAN report of the base (ws/known-splats): UDP sends racing with a
 * disconnection (connect(AF_UNSPEC)) of the same socket; udp_sendmsg() reads
 * the connected address without the socket lock while __udp_disconnect()
 * clears it.  udp_state_test's race.sendfile_eof_autobind makes this race on
 * purpose (it measures the autobind window it opens).  Run it on the stock
 * twin, without any sandbox:
 *
 *   gcc -O2 -static -pthread -o ws/splats/udp-disconnect/repro \
 *	ws/splats/udp-disconnect/repro.c
 *   make vm STOCK=1 VARIANT=kcsan DIR=ws/splats/udp-disconnect CMD='sh ./run.sh'
 */
#include <arpa/inet.h>
#include <asm/byteorder.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in peer = {
	.sin_family = AF_INET,
	.sin_port = __constant_htons(5353),
};
static int fd;
static volatile int stop;

static void *disconnecter(void *arg)
{
	const struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	while (!stop) {
		connect(fd, &unspec, sizeof(unspec));
		connect(fd, (void *)&peer, sizeof(peer));
	}
	return NULL;
}

int main(void)
{
	time_t end = time(NULL) + 20;
	pthread_t t;
	long n = 0;

	inet_pton(AF_INET, "127.0.0.1", &peer.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(fd, (void *)&peer, sizeof(peer)))
		perror("connect");
	pthread_create(&t, NULL, disconnecter, NULL);
	while (time(NULL) < end) {
		send(fd, "x", 1, MSG_DONTWAIT);
		n++;
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("sends: %ld\n", n);
	return 0;
}
