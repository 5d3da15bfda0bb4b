// SPDX-License-Identifier: GPL-2.0

#include <net/sock.h>

#ifdef CONFIG_NET

__rust_helper bool rust_helper_lock_sock_fast(struct sock *sk)
	__acquires(&sk->sk_lock.slock)
{
	return lock_sock_fast(sk);
}

__rust_helper void rust_helper_unlock_sock_fast(struct sock *sk, bool slow)
	__releases(&sk->sk_lock.slock)
{
	unlock_sock_fast(sk, slow);
}

#endif /* CONFIG_NET */
