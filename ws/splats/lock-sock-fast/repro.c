// SPDX-License-Identifier: GPL-2.0
/*
 * A KCSAN report of the base (ws/known-splats): sandboxed UDP sends without
 * address (Landlock's autobind check: lock_sock_fast()) racing with
 * setsockopt() (lock_sock(), whose 7.3 fast path is a cmpxchg on
 * sk_lock.combined) on the same socket; __lock_sock_fast() reads
 * sk_lock.owned without marking.  Run it on the stock twin:
 *
 *   gcc -O2 -static -pthread -o ws/splats/lock-sock-fast/repro \
 *	ws/splats/lock-sock-fast/repro.c
 *   make vm STOCK=1 VARIANT=kcsan DIR=ws/splats/lock-sock-fast CMD='sh ./run.sh'
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fd;
static volatile int stop;

static void *opts(void *arg)
{
	int v = 65536;

	while (!stop)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	return NULL;
}

int main(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(5353) };
	pthread_t t;
	time_t end = time(NULL) + 20;
	long n = 0;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(fd, (void *)&sin, sizeof(sin)))
		perror("connect");
	pthread_create(&t, NULL, opts, NULL);
	while (time(NULL) < end) {
		send(fd, "x", 1, MSG_DONTWAIT);
		n++;
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("sends: %ld\n", n);
	return 0;
}
