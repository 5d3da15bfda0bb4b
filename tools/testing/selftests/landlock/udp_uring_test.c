// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock tests - UDP requests submitted through io_uring
 *
 * io_uring can bind, connect, send and set options on UDP sockets without the
 * corresponding system calls.  Landlock must give the same answers as for the
 * system calls: each test compares the result of an io_uring request with the
 * result of the system call on a fresh socket, and checks which receivers
 * actually got datagrams.
 *
 * A request runs with the credentials of the task that submits it, not with
 * those of the task that created the ring: inline requests run in the
 * submitting task, and requests punted to an io-wq worker carry the
 * submitter's credentials (see io_prep_async_work()), even if the worker was
 * created before the submitter sandboxed itself.  A ring created before the
 * sandbox is then still restricted when the sandboxed task submits to it.  The
 * variants test rings created after and before the sandbox, the latter with
 * inline requests and with requests forced to io-wq workers (IOSQE_ASYNC).
 *
 * The rings are driven with the raw io_uring_setup(2) and io_uring_enter(2)
 * system calls, one request at a time.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

/* Each test runs in its own network namespace: fixed ports are fine. */
#define PORT_ALLOWED 3001
#define PORT_DENIED 3002
#define PORT_SRC 3003
/* Denied too, but with no receiver bound to it. */
#define PORT_UNUSED 3004

#define ACCESS_UDP \
	(LANDLOCK_ACCESS_NET_BIND_UDP | LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP)

#include "udp_common.h"

#define URING_ENTRIES 4
#define URING_USER_DATA 0x1a4d
#define URING_SYSCTL "/proc/sys/kernel/io_uring_disabled"

/* How long to wait for a datagram which may still come, in milliseconds. */
#define RECV_TIMEOUT_MS 1000
/* How long to wait for a datagram which should not come, in milliseconds. */
#define NO_RECV_TIMEOUT_MS 100

/* A minimal io_uring, without liburing. */
struct uring {
	int fd;
	/* IOSQE_* flags added to every submitted request. */
	__u8 sqe_flags;
	void *sq_map;
	size_t sq_map_len;
	void *cq_map;
	size_t cq_map_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	__u32 *sq_tail;
	__u32 *sq_mask;
	__u32 *sq_array;
	__u32 *cq_head;
	__u32 *cq_tail;
	__u32 *cq_mask;
	struct io_uring_cqe *cqes;
};

/*
 * Returns the number of datagrams received on @fd until none comes within
 * NO_RECV_TIMEOUT_MS, or -errno.  The datagrams are consumed.
 */
static int count_dgrams(const int fd)
{
	int count = 0;
	int ret;

	while (!(ret = recv_dgram(fd, NO_RECV_TIMEOUT_MS)))
		count++;
	if (ret != -EAGAIN)
		return ret;
	return count;
}

/* Checks that the receivers got exactly the given numbers of datagrams. */
static void expect_dgrams(struct __test_metadata *const _metadata,
			  const struct receivers *const rcv, const int allowed,
			  const int denied, const int allowed6)
{
	if (allowed)
		EXPECT_EQ(0, recv_dgram(rcv->allowed, RECV_TIMEOUT_MS));
	if (allowed6)
		EXPECT_EQ(0, recv_dgram(rcv->allowed6, RECV_TIMEOUT_MS));
	if (denied)
		EXPECT_EQ(0, recv_dgram(rcv->denied, RECV_TIMEOUT_MS));

	EXPECT_EQ(allowed ? allowed - 1 : 0, count_dgrams(rcv->allowed));
	EXPECT_EQ(denied ? denied - 1 : 0, count_dgrams(rcv->denied));
	EXPECT_EQ(allowed6 ? allowed6 - 1 : 0, count_dgrams(rcv->allowed6));
}

/* System calls, returning what io_uring's completions would hold. */

static int sys_connect(const int fd, const struct sockaddr_storage *const addr,
		       const socklen_t len)
{
	if (connect(fd, (const struct sockaddr *)addr, len))
		return -errno;
	return 0;
}

static int sys_bind(const int fd, const struct sockaddr_storage *const addr,
		    const socklen_t len)
{
	if (bind(fd, (const struct sockaddr *)addr, len))
		return -errno;
	return 0;
}

/* Sends one byte with sendmsg(2); returns the sent size or -errno. */
static int sys_sendmsg(const int fd, const struct sockaddr_storage *const addr,
		       const socklen_t len)
{
	char buf = '.';
	struct iovec iov = {
		.iov_base = &buf,
		.iov_len = sizeof(buf),
	};
	const struct msghdr msg = {
		.msg_name = (void *)addr,
		.msg_namelen = len,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	const ssize_t ret = sendmsg(fd, &msg, MSG_NOSIGNAL);

	if (ret < 0)
		return -errno;
	return ret;
}

/* Sends one byte with sendto(2); returns the sent size or -errno. */
static int sys_sendto(const int fd, const struct sockaddr_storage *const addr,
		      const socklen_t len)
{
	const ssize_t ret = sendto(fd, ".", 1, MSG_NOSIGNAL,
				   (const struct sockaddr *)addr, len);

	if (ret < 0)
		return -errno;
	return ret;
}

static int sys_addrform(const int fd)
{
	const int family = AF_INET;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &family,
		       sizeof(family)))
		return -errno;
	return 0;
}

/* io_uring helpers. */

static void uring_exit(struct uring *const ring)
{
	if (ring->sqes && ring->sqes != MAP_FAILED)
		munmap(ring->sqes, ring->sqes_len);
	if (ring->cq_map && ring->cq_map != MAP_FAILED &&
	    ring->cq_map != ring->sq_map)
		munmap(ring->cq_map, ring->cq_map_len);
	if (ring->sq_map && ring->sq_map != MAP_FAILED)
		munmap(ring->sq_map, ring->sq_map_len);
	if (ring->fd >= 0)
		close(ring->fd);
	memset(ring, 0, sizeof(*ring));
	ring->fd = -1;
}

static void *uring_mmap(const int fd, const size_t len, const off_t offset)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, offset);
}

/* Sets up @ring; returns 0 or -errno. */
static int uring_init(struct uring *const ring, const __u8 sqe_flags)
{
	struct io_uring_params params = {};
	int err;

	memset(ring, 0, sizeof(*ring));
	ring->fd = syscall(__NR_io_uring_setup, URING_ENTRIES, &params);
	if (ring->fd < 0) {
		err = -errno;
		ring->fd = -1;
		return err;
	}
	ring->sqe_flags = sqe_flags;

	ring->sq_map_len =
		params.sq_off.array + params.sq_entries * sizeof(__u32);
	ring->cq_map_len = params.cq_off.cqes +
			   params.cq_entries * sizeof(struct io_uring_cqe);
	if (params.features & IORING_FEAT_SINGLE_MMAP) {
		if (ring->cq_map_len > ring->sq_map_len)
			ring->sq_map_len = ring->cq_map_len;
		ring->cq_map_len = ring->sq_map_len;
	}

	ring->sq_map =
		uring_mmap(ring->fd, ring->sq_map_len, IORING_OFF_SQ_RING);
	if (ring->sq_map == MAP_FAILED)
		goto err;

	if (params.features & IORING_FEAT_SINGLE_MMAP) {
		ring->cq_map = ring->sq_map;
	} else {
		ring->cq_map = uring_mmap(ring->fd, ring->cq_map_len,
					  IORING_OFF_CQ_RING);
		if (ring->cq_map == MAP_FAILED)
			goto err;
	}

	ring->sqes_len = params.sq_entries * sizeof(struct io_uring_sqe);
	ring->sqes = uring_mmap(ring->fd, ring->sqes_len, IORING_OFF_SQES);
	if (ring->sqes == MAP_FAILED)
		goto err;

	ring->sq_tail = (void *)((char *)ring->sq_map + params.sq_off.tail);
	ring->sq_mask =
		(void *)((char *)ring->sq_map + params.sq_off.ring_mask);
	ring->sq_array = (void *)((char *)ring->sq_map + params.sq_off.array);
	ring->cq_head = (void *)((char *)ring->cq_map + params.cq_off.head);
	ring->cq_tail = (void *)((char *)ring->cq_map + params.cq_off.tail);
	ring->cq_mask =
		(void *)((char *)ring->cq_map + params.cq_off.ring_mask);
	ring->cqes = (void *)((char *)ring->cq_map + params.cq_off.cqes);
	return 0;

err:
	err = -errno;
	uring_exit(ring);
	return err;
}

/*
 * Submits one request and waits for its completion.  Returns the result of
 * the request (cqe->res): a non-negative value or -errno.
 */
static int uring_submit(struct __test_metadata *const _metadata,
			struct uring *const ring,
			const struct io_uring_sqe *const sqe)
{
	/* Only this task writes the SQ tail and the CQ head. */
	const __u32 sq_tail = *ring->sq_tail;
	const __u32 index = sq_tail & *ring->sq_mask;
	const struct io_uring_cqe *cqe;
	__u32 cq_head;
	int ret;

	ASSERT_LE(0, ring->fd);

	ring->sqes[index] = *sqe;
	ring->sqes[index].flags |= ring->sqe_flags;
	ring->sqes[index].user_data = URING_USER_DATA;
	ring->sq_array[index] = index;
	/* Publishes the SQE before the new tail. */
	__atomic_store_n(ring->sq_tail, sq_tail + 1, __ATOMIC_RELEASE);

	ret = syscall(__NR_io_uring_enter, ring->fd, 1, 1,
		      IORING_ENTER_GETEVENTS, NULL, 0);
	ASSERT_EQ(1, ret)
	{
		TH_LOG("io_uring_enter failed: %s", strerror(errno));
	}

	cq_head = *ring->cq_head;
	/* Reads the CQE after the tail which published it. */
	ASSERT_NE(cq_head, __atomic_load_n(ring->cq_tail, __ATOMIC_ACQUIRE));
	cqe = &ring->cqes[cq_head & *ring->cq_mask];
	EXPECT_EQ((__u64)URING_USER_DATA, cqe->user_data);
	ret = cqe->res;
	/* Frees the CQE slot after reading it. */
	__atomic_store_n(ring->cq_head, cq_head + 1, __ATOMIC_RELEASE);
	return ret;
}

static int uring_nop(struct __test_metadata *const _metadata,
		     struct uring *const ring)
{
	const struct io_uring_sqe sqe = {
		.opcode = IORING_OP_NOP,
	};

	return uring_submit(_metadata, ring, &sqe);
}

static int uring_connect(struct __test_metadata *const _metadata,
			 struct uring *const ring, const int fd,
			 const struct sockaddr_storage *const addr,
			 const socklen_t len)
{
	/* Cf. io_connect_prep(). */
	const struct io_uring_sqe sqe = {
		.opcode = IORING_OP_CONNECT,
		.fd = fd,
		.addr = (uintptr_t)addr,
		.addr2 = len,
	};

	return uring_submit(_metadata, ring, &sqe);
}

static int uring_bind(struct __test_metadata *const _metadata,
		      struct uring *const ring, const int fd,
		      const struct sockaddr_storage *const addr,
		      const socklen_t len)
{
	/* Cf. io_bind_prep(). */
	const struct io_uring_sqe sqe = {
		.opcode = IORING_OP_BIND,
		.fd = fd,
		.addr = (uintptr_t)addr,
		.addr2 = len,
	};

	return uring_submit(_metadata, ring, &sqe);
}

/* Sends one byte with IORING_OP_SENDMSG. */
static int uring_sendmsg(struct __test_metadata *const _metadata,
			 struct uring *const ring, const int fd,
			 const struct sockaddr_storage *const addr,
			 const socklen_t len)
{
	char buf = '.';
	struct iovec iov = {
		.iov_base = &buf,
		.iov_len = sizeof(buf),
	};
	const struct msghdr msg = {
		.msg_name = (void *)addr,
		.msg_namelen = len,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	const struct io_uring_sqe sqe = {
		.opcode = IORING_OP_SENDMSG,
		.fd = fd,
		.addr = (uintptr_t)&msg,
		.len = 1,
	};

	return uring_submit(_metadata, ring, &sqe);
}

/* Sends one byte with IORING_OP_SEND, to @addr (cf. io_send_setup()). */
static int uring_send(struct __test_metadata *const _metadata,
		      struct uring *const ring, const int fd,
		      const struct sockaddr_storage *const addr,
		      const socklen_t len)
{
	char buf = '.';
	const struct io_uring_sqe sqe = {
		.opcode = IORING_OP_SEND,
		.fd = fd,
		.addr = (uintptr_t)&buf,
		.len = sizeof(buf),
		.addr2 = (uintptr_t)addr,
		.addr_len = len,
	};

	return uring_submit(_metadata, ring, &sqe);
}

/* IPV6_ADDRFORM with SOCKET_URING_OP_SETSOCKOPT (cf. io_uring/cmd_net.c). */
static int uring_addrform(struct __test_metadata *const _metadata,
			  struct uring *const ring, const int fd)
{
	const int family = AF_INET;
	const struct io_uring_sqe sqe = {
		.opcode = IORING_OP_URING_CMD,
		.fd = fd,
		.cmd_op = SOCKET_URING_OP_SETSOCKOPT,
		.level = IPPROTO_IPV6,
		.optname = IPV6_ADDRFORM,
		.optval = (uintptr_t)&family,
		.optlen = sizeof(family),
	};

	return uring_submit(_metadata, ring, &sqe);
}

/*
 * Handles both UDP rights, allows sending to PORT_ALLOWED, binding to
 * PORT_SRC, and binding to port 0 (i.e. autobind).
 */
static void sandbox_udp(struct __test_metadata *const _metadata)
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

	enforce_rules(_metadata, ACCESS_UDP, rules, ARRAY_SIZE(rules));
}

FIXTURE(udp_uring)
{
	struct receivers rcv;
	struct uring ring;
};

FIXTURE_VARIANT(udp_uring)
{
	/* Creates (and uses) the ring before sandboxing. */
	const bool ring_before_sandbox;
	/* IOSQE_* flags of all requests. */
	const __u8 sqe_flags;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(udp_uring, ring_after_sandbox) {
	/* clang-format on */
	.ring_before_sandbox = false,
	.sqe_flags = 0,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(udp_uring, ring_before_sandbox) {
	/* clang-format on */
	.ring_before_sandbox = true,
	.sqe_flags = 0,
};

/*
 * The io-wq worker created before the sandbox runs the requests of the
 * sandboxed task with the credentials of the latter.
 */
/* clang-format off */
FIXTURE_VARIANT_ADD(udp_uring, ring_before_sandbox_async) {
	/* clang-format on */
	.ring_before_sandbox = true,
	.sqe_flags = IOSQE_ASYNC,
};

FIXTURE_SETUP(udp_uring)
{
	struct sockaddr_storage denied;
	socklen_t denied_len;
	int err, fd;

	self->ring.fd = -1;
	disable_caps(_metadata);

	err = uring_init(&self->ring, variant->sqe_flags);
	/* Without CONFIG_IO_URING, there is neither the syscall nor sysctl. */
	if (err && access(URING_SYSCTL, F_OK))
		SKIP(return, "io_uring is not supported: %s", strerror(-err));
	if (err == -EPERM)
		SKIP(return, "io_uring is disabled by %s", URING_SYSCTL);
	ASSERT_EQ(0, err)
	{
		TH_LOG("io_uring_setup failed: %s", strerror(-err));
	}

	setup_loopback(_metadata);
	setup_receivers(_metadata, &self->rcv);

	if (!variant->ring_before_sandbox) {
		uring_exit(&self->ring);
		return;
	}

	/*
	 * Uses the ring before sandboxing, which also creates an io-wq worker
	 * for IOSQE_ASYNC: the denied port is reachable without sandbox.
	 */
	EXPECT_EQ(0, uring_nop(_metadata, &self->ring));
	denied_len = set_in(&denied, AF_INET, PORT_DENIED);
	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, uring_connect(_metadata, &self->ring, fd, &denied,
				   denied_len));
	EXPECT_EQ(0, close(fd));
}

FIXTURE_TEARDOWN(udp_uring)
{
	uring_exit(&self->ring);
	teardown_receivers(&self->rcv);
}

/* Sandboxes the caller, and creates the ring if it does not exist yet. */
static void sandbox_uring(struct __test_metadata *const _metadata,
			  struct uring *const ring, const __u8 sqe_flags)
{
	sandbox_udp(_metadata);
	if (ring->fd < 0)
		ASSERT_EQ(0, uring_init(ring, sqe_flags));
}

/* IORING_OP_CONNECT is checked as connect(2). */
TEST_F(udp_uring, connect)
{
	struct sockaddr_storage allowed, denied;
	socklen_t allowed_len, denied_len;
	int fd_sys, fd_uring;

	allowed_len = set_in(&allowed, AF_INET, PORT_ALLOWED);
	denied_len = set_in(&denied, AF_INET, PORT_DENIED);
	sandbox_uring(_metadata, &self->ring, variant->sqe_flags);

	/* Allowed port: the sockets are connected to it. */
	fd_sys = udp_socket(AF_INET);
	ASSERT_LE(0, fd_sys);
	fd_uring = udp_socket(AF_INET);
	ASSERT_LE(0, fd_uring);
	EXPECT_EQ(0, sys_connect(fd_sys, &allowed, allowed_len));
	EXPECT_EQ(0, uring_connect(_metadata, &self->ring, fd_uring, &allowed,
				   allowed_len));
	EXPECT_EQ(1, sys_sendto(fd_sys, NULL, 0));
	EXPECT_EQ(1, sys_sendto(fd_uring, NULL, 0));
	expect_dgrams(_metadata, &self->rcv, 2, 0, 0);
	EXPECT_EQ(0, close(fd_sys));
	EXPECT_EQ(0, close(fd_uring));

	/* Denied port: the sockets are not connected. */
	fd_sys = udp_socket(AF_INET);
	ASSERT_LE(0, fd_sys);
	fd_uring = udp_socket(AF_INET);
	ASSERT_LE(0, fd_uring);
	EXPECT_EQ(-EACCES, sys_connect(fd_sys, &denied, denied_len));
	EXPECT_EQ(-EACCES, uring_connect(_metadata, &self->ring, fd_uring,
					 &denied, denied_len));
	EXPECT_EQ(-EDESTADDRREQ, sys_sendto(fd_sys, NULL, 0));
	EXPECT_EQ(-EDESTADDRREQ, sys_sendto(fd_uring, NULL, 0));
	expect_dgrams(_metadata, &self->rcv, 0, 0, 0);
	EXPECT_EQ(0, close(fd_sys));
	EXPECT_EQ(0, close(fd_uring));
}

/* IORING_OP_BIND is checked as bind(2). */
TEST_F(udp_uring, bind)
{
	struct sockaddr_storage src, denied, unused;
	socklen_t src_len, denied_len, unused_len;
	int fd_sys, fd_uring;

	src_len = set_in(&src, AF_INET, PORT_SRC);
	denied_len = set_in(&denied, AF_INET, PORT_DENIED);
	unused_len = set_in(&unused, AF_INET, PORT_UNUSED);
	sandbox_uring(_metadata, &self->ring, variant->sqe_flags);

	/* One socket at a time: both bind to the same port. */
	fd_sys = udp_socket(AF_INET);
	ASSERT_LE(0, fd_sys);
	EXPECT_EQ(0, sys_bind(fd_sys, &src, src_len));
	EXPECT_EQ(PORT_SRC, local_port(fd_sys));
	EXPECT_EQ(0, close(fd_sys));

	fd_uring = udp_socket(AF_INET);
	ASSERT_LE(0, fd_uring);
	EXPECT_EQ(0,
		  uring_bind(_metadata, &self->ring, fd_uring, &src, src_len));
	EXPECT_EQ(PORT_SRC, local_port(fd_uring));
	EXPECT_EQ(0, close(fd_uring));

	/* Denied ports, in use (by a receiver) or not. */
	fd_sys = udp_socket(AF_INET);
	ASSERT_LE(0, fd_sys);
	fd_uring = udp_socket(AF_INET);
	ASSERT_LE(0, fd_uring);
	EXPECT_EQ(-EACCES, sys_bind(fd_sys, &denied, denied_len));
	EXPECT_EQ(-EACCES, uring_bind(_metadata, &self->ring, fd_uring, &denied,
				      denied_len));
	EXPECT_EQ(-EACCES, sys_bind(fd_sys, &unused, unused_len));
	EXPECT_EQ(-EACCES, uring_bind(_metadata, &self->ring, fd_uring, &unused,
				      unused_len));
	EXPECT_EQ(0, local_port(fd_sys));
	EXPECT_EQ(0, local_port(fd_uring));
	EXPECT_EQ(0, close(fd_sys));
	EXPECT_EQ(0, close(fd_uring));
}

/*
 * IORING_OP_SENDMSG to an explicit destination, from an unbound socket, is
 * checked as sendmsg(2).
 */
TEST_F(udp_uring, sendmsg)
{
	struct sockaddr_storage allowed, denied;
	socklen_t allowed_len, denied_len;
	int fd_sys, fd_uring;

	allowed_len = set_in(&allowed, AF_INET, PORT_ALLOWED);
	denied_len = set_in(&denied, AF_INET, PORT_DENIED);
	sandbox_uring(_metadata, &self->ring, variant->sqe_flags);

	fd_sys = udp_socket(AF_INET);
	ASSERT_LE(0, fd_sys);
	fd_uring = udp_socket(AF_INET);
	ASSERT_LE(0, fd_uring);

	EXPECT_EQ(-EACCES, sys_sendmsg(fd_sys, &denied, denied_len));
	EXPECT_EQ(-EACCES, uring_sendmsg(_metadata, &self->ring, fd_uring,
					 &denied, denied_len));
	expect_dgrams(_metadata, &self->rcv, 0, 0, 0);

	EXPECT_EQ(1, sys_sendmsg(fd_sys, &allowed, allowed_len));
	expect_dgrams(_metadata, &self->rcv, 1, 0, 0);
	EXPECT_EQ(1, uring_sendmsg(_metadata, &self->ring, fd_uring, &allowed,
				   allowed_len));
	expect_dgrams(_metadata, &self->rcv, 1, 0, 0);

	/* Still denied from the now autobound sockets. */
	EXPECT_EQ(-EACCES, sys_sendmsg(fd_sys, &denied, denied_len));
	EXPECT_EQ(-EACCES, uring_sendmsg(_metadata, &self->ring, fd_uring,
					 &denied, denied_len));
	expect_dgrams(_metadata, &self->rcv, 0, 0, 0);

	EXPECT_EQ(0, close(fd_sys));
	EXPECT_EQ(0, close(fd_uring));
}

/*
 * IORING_OP_SEND with a destination address, from an unbound socket, is
 * checked as sendto(2).
 */
TEST_F(udp_uring, send)
{
	struct sockaddr_storage allowed, denied;
	socklen_t allowed_len, denied_len;
	int fd_sys, fd_uring;

	allowed_len = set_in(&allowed, AF_INET, PORT_ALLOWED);
	denied_len = set_in(&denied, AF_INET, PORT_DENIED);
	sandbox_uring(_metadata, &self->ring, variant->sqe_flags);

	fd_sys = udp_socket(AF_INET);
	ASSERT_LE(0, fd_sys);
	fd_uring = udp_socket(AF_INET);
	ASSERT_LE(0, fd_uring);

	EXPECT_EQ(-EACCES, sys_sendto(fd_sys, &denied, denied_len));
	EXPECT_EQ(-EACCES, uring_send(_metadata, &self->ring, fd_uring, &denied,
				      denied_len));
	expect_dgrams(_metadata, &self->rcv, 0, 0, 0);

	EXPECT_EQ(1, sys_sendto(fd_sys, &allowed, allowed_len));
	expect_dgrams(_metadata, &self->rcv, 1, 0, 0);
	EXPECT_EQ(1, uring_send(_metadata, &self->ring, fd_uring, &allowed,
				allowed_len));
	expect_dgrams(_metadata, &self->rcv, 1, 0, 0);

	EXPECT_EQ(-EACCES, sys_sendto(fd_sys, &denied, denied_len));
	EXPECT_EQ(-EACCES, uring_send(_metadata, &self->ring, fd_uring, &denied,
				      denied_len));
	expect_dgrams(_metadata, &self->rcv, 0, 0, 0);

	EXPECT_EQ(0, close(fd_sys));
	EXPECT_EQ(0, close(fd_uring));
}

/*
 * Sends to @addr from @fd_sys with sendmsg(2) and sendto(2), and from
 * @fd_uring with IORING_OP_SENDMSG and IORING_OP_SEND: all must return
 * @expected, and each successful send must reach the IPv6 receiver (the
 * connected peer of both sockets).
 */
static void expect_unspec_sends(struct __test_metadata *const _metadata,
				struct uring *const ring,
				const struct receivers *const rcv,
				const int fd_sys, const int fd_uring,
				const struct sockaddr_storage *const addr,
				const socklen_t len, const int expected)
{
	const int port = ntohs(((const struct sockaddr_in *)addr)->sin_port);
	const int allowed6 = expected == 1;

	EXPECT_EQ(expected, sys_sendmsg(fd_sys, addr, len))
	{
		TH_LOG("sendmsg(2): port %d, length %u", port, len);
	}
	expect_dgrams(_metadata, rcv, 0, 0, allowed6);
	EXPECT_EQ(expected, uring_sendmsg(_metadata, ring, fd_uring, addr, len))
	{
		TH_LOG("IORING_OP_SENDMSG: port %d, length %u", port, len);
	}
	expect_dgrams(_metadata, rcv, 0, 0, allowed6);

	EXPECT_EQ(expected, sys_sendto(fd_sys, addr, len))
	{
		TH_LOG("sendto(2): port %d, length %u", port, len);
	}
	expect_dgrams(_metadata, rcv, 0, 0, allowed6);
	EXPECT_EQ(expected, uring_send(_metadata, ring, fd_uring, addr, len))
	{
		TH_LOG("IORING_OP_SEND: port %d, length %u", port, len);
	}
	expect_dgrams(_metadata, rcv, 0, 0, allowed6);
}

/*
 * On an IPv6 socket connected to an IPv6 peer, an AF_UNSPEC destination is "no
 * address" for the stack: the datagram goes to the connected peer.  As the
 * socket may be converted to IPv4 at any time (IPV6_ADDRFORM), whose stack
 * sends to the port of such an address, Landlock checks that port as an IPv4
 * one whatever the socket's family: a denied port is refused, as with
 * sendmsg(2).  Addresses which no stack sends to (port 0, or shorter than a
 * sockaddr_in) and allowed ports are left to the stack.
 */
TEST_F(udp_uring, unspec_ipv6)
{
	struct sockaddr_storage peer, denied, allowed, zero;
	socklen_t peer_len, denied_len, allowed_len, zero_len;
	int fd_sys, fd_uring;

	peer_len = set_in6(&peer, loopback_ipv6, PORT_ALLOWED);
	/* Laid out as sockaddr_in to 127.0.0.1, with AF_UNSPEC. */
	denied_len = set_in(&denied, AF_UNSPEC, PORT_DENIED);
	allowed_len = set_in(&allowed, AF_UNSPEC, PORT_ALLOWED);
	zero_len = set_in(&zero, AF_UNSPEC, 0);
	sandbox_uring(_metadata, &self->ring, variant->sqe_flags);

	fd_sys = udp_socket(AF_INET6);
	ASSERT_LE(0, fd_sys);
	fd_uring = udp_socket(AF_INET6);
	ASSERT_LE(0, fd_uring);
	ASSERT_EQ(0, sys_connect(fd_sys, &peer, peer_len));
	ASSERT_EQ(0, sys_connect(fd_uring, &peer, peer_len));

	/*
	 * Checked as an IPv4 port whatever the socket's family (the socket may
	 * be converted at any time): denied, although the IPv6 stack would
	 * send to the connected peer.
	 */
	expect_unspec_sends(_metadata, &self->ring, &self->rcv, fd_sys,
			    fd_uring, &denied, denied_len, -EACCES);

	/* Allowed IPv4 port: the IPv6 stack sends to the connected peer. */
	expect_unspec_sends(_metadata, &self->ring, &self->rcv, fd_sys,
			    fd_uring, &allowed, allowed_len, 1);

	/* Port 0, which the IPv4 stack refuses: left to the IPv6 stack. */
	expect_unspec_sends(_metadata, &self->ring, &self->rcv, fd_sys,
			    fd_uring, &zero, zero_len, 1);

	/*
	 * Too short for a sockaddr_in, which the IPv4 stack refuses: left to
	 * the IPv6 stack, whatever port bytes the address holds.
	 */
	expect_unspec_sends(_metadata, &self->ring, &self->rcv, fd_sys,
			    fd_uring, &denied, denied_len - 1, 1);

	EXPECT_EQ(AF_INET6, sock_domain(fd_sys));
	EXPECT_EQ(AF_INET6, sock_domain(fd_uring));
	EXPECT_EQ(0, close(fd_sys));
	EXPECT_EQ(0, close(fd_uring));
}

/*
 * Checks that the (sandboxed) caller's AF_UNSPEC destinations on @fd, an IPv4
 * socket converted from IPv6, are checked as AF_INET ones (as they are before
 * the conversion, cf. unspec_ipv6), and that AF_INET6 ones still have their
 * port checked, with IORING_OP_SENDMSG and sendmsg(2).
 */
static void expect_unspec_as_inet(struct __test_metadata *const _metadata,
				  struct uring *const ring,
				  const struct receivers *const rcv,
				  const int fd)
{
	struct sockaddr_storage unspec, inet6;
	socklen_t unspec_len, inet6_len;

	EXPECT_EQ(AF_INET, sock_domain(fd));

	unspec_len = set_in(&unspec, AF_UNSPEC, PORT_DENIED);
	EXPECT_EQ(-EACCES, sys_sendmsg(fd, &unspec, unspec_len));
	EXPECT_EQ(-EACCES,
		  uring_sendmsg(_metadata, ring, fd, &unspec, unspec_len));
	expect_dgrams(_metadata, rcv, 0, 0, 0);

	unspec_len = set_in(&unspec, AF_UNSPEC, PORT_ALLOWED);
	EXPECT_EQ(1, sys_sendmsg(fd, &unspec, unspec_len));
	expect_dgrams(_metadata, rcv, 1, 0, 0);
	EXPECT_EQ(1, uring_sendmsg(_metadata, ring, fd, &unspec, unspec_len));
	expect_dgrams(_metadata, rcv, 1, 0, 0);

	/*
	 * An AF_INET6 destination has its port checked as an IPv6 one whatever
	 * the socket's family reads as: denied.
	 */
	inet6_len = set_in6(&inet6, mapped_ipv4, PORT_DENIED);
	EXPECT_EQ(-EACCES, sys_sendmsg(fd, &inet6, inet6_len));
	EXPECT_EQ(-EACCES,
		  uring_sendmsg(_metadata, ring, fd, &inet6, inet6_len));
	expect_dgrams(_metadata, rcv, 0, 0, 0);

	/* Allowed port: the IPv4 stack refuses the family (udp_sendmsg()). */
	inet6_len = set_in6(&inet6, mapped_ipv4, PORT_ALLOWED);
	EXPECT_EQ(-EAFNOSUPPORT, sys_sendmsg(fd, &inet6, inet6_len));
	EXPECT_EQ(-EAFNOSUPPORT,
		  uring_sendmsg(_metadata, ring, fd, &inet6, inet6_len));
	expect_dgrams(_metadata, rcv, 0, 0, 0);
}

/*
 * SOCKET_URING_OP_SETSOCKOPT(IPV6_ADDRFORM) by a sandboxed task is allowed as
 * setsockopt(2), and AF_UNSPEC destinations on the converted socket are then
 * checked as AF_INET ones, AF_INET6 ones as IPv6 ones.
 */
TEST_F(udp_uring, addrform)
{
	struct sockaddr_storage peer;
	socklen_t peer_len;
	int fd_sys, fd_uring, ret;

	peer_len = set_in6(&peer, mapped_ipv4, PORT_ALLOWED);
	sandbox_uring(_metadata, &self->ring, variant->sqe_flags);

	fd_uring = udp_socket(AF_INET6);
	ASSERT_LE(0, fd_uring);
	ASSERT_EQ(0, sys_connect(fd_uring, &peer, peer_len));
	ret = uring_addrform(_metadata, &self->ring, fd_uring);
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		EXPECT_EQ(0, close(fd_uring));
		SKIP(return, "No io_uring setsockopt: %s", strerror(-ret));
	}
	EXPECT_EQ(0, ret);
	expect_unspec_as_inet(_metadata, &self->ring, &self->rcv, fd_uring);

	fd_sys = udp_socket(AF_INET6);
	ASSERT_LE(0, fd_sys);
	ASSERT_EQ(0, sys_connect(fd_sys, &peer, peer_len));
	EXPECT_EQ(0, sys_addrform(fd_sys));
	expect_unspec_as_inet(_metadata, &self->ring, &self->rcv, fd_sys);

	EXPECT_EQ(0, close(fd_sys));
	EXPECT_EQ(0, close(fd_uring));
}

/*
 * Without sandbox, the same requests to the denied port succeed: the denials
 * above come from Landlock.
 */
TEST_F(udp_uring, unsandboxed)
{
	struct sockaddr_storage denied, unused, unspec;
	socklen_t denied_len, unused_len, unspec_len;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	int fd, ret;

	denied_len = set_in(&denied, AF_INET, PORT_DENIED);
	unused_len = set_in(&unused, AF_INET, PORT_UNUSED);
	unspec_len = set_in(&unspec, AF_UNSPEC, PORT_DENIED);
	peer_len = set_in6(&peer, mapped_ipv4, PORT_ALLOWED);
	if (self->ring.fd < 0)
		ASSERT_EQ(0, uring_init(&self->ring, variant->sqe_flags));

	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1,
		  uring_send(_metadata, &self->ring, fd, &denied, denied_len));
	expect_dgrams(_metadata, &self->rcv, 0, 1, 0);
	EXPECT_EQ(1, uring_sendmsg(_metadata, &self->ring, fd, &denied,
				   denied_len));
	expect_dgrams(_metadata, &self->rcv, 0, 1, 0);
	EXPECT_EQ(0, close(fd));

	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, uring_connect(_metadata, &self->ring, fd, &denied,
				   denied_len));
	EXPECT_EQ(1, sys_sendto(fd, NULL, 0));
	expect_dgrams(_metadata, &self->rcv, 0, 1, 0);
	EXPECT_EQ(0, close(fd));

	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0,
		  uring_bind(_metadata, &self->ring, fd, &unused, unused_len));
	EXPECT_EQ(PORT_UNUSED, local_port(fd));
	EXPECT_EQ(0, close(fd));

	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sys_connect(fd, &peer, peer_len));
	ret = uring_addrform(_metadata, &self->ring, fd);
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		EXPECT_EQ(0, close(fd));
		SKIP(return, "No io_uring setsockopt: %s", strerror(-ret));
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(AF_INET, sock_domain(fd));
	EXPECT_EQ(1, uring_sendmsg(_metadata, &self->ring, fd, &unspec,
				   unspec_len));
	expect_dgrams(_metadata, &self->rcv, 0, 1, 0);
	EXPECT_EQ(0, close(fd));
}

TEST_HARNESS_MAIN
