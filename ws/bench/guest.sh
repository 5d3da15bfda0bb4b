#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for ws/bench.sh: socket lock count, what a domain costs,
# then the benchmark of the checks.
ROUNDS=${1:-5} N=${2:-2000} DOMAIN_ROUNDS=${3:-3}

echo "@@BENCH-KERNEL $(uname -r)"
echo "@@BENCH-CPUS $(grep -c '^processor' /proc/cpuinfo)"
dmesg | sed -n 's/.*blob(sock) size \([0-9]*\).*/@@BENCH-SOCK-BLOB \1/p' | head -n1

# Socket lock acquisitions (__lock_sock_fast) during the sandboxed calls of
# one round (4 sandboxed configurations, 2 families, 3 runs of 1000 calls and the
# warm-up's 101 each).
T=/sys/kernel/tracing
if echo 'p:llsock __lock_sock_fast' >$T/kprobe_events 2>/dev/null; then
	for op in send send-auto sendto-auto; do
		echo >$T/trace
		echo 1 >$T/events/kprobes/llsock/enable
		./udp_bench -o $op -r 1 -n 1000 >/dev/null
		echo 0 >$T/events/kprobes/llsock/enable
		echo "@@BENCH-LOCKS $op $(grep -c 'llsock:' $T/trace) $((2 * 4 * 3101))"
	done
	echo >$T/kprobe_events
fi

./udp_bench -d -r "$DOMAIN_ROUNDS"
./udp_bench -r "$ROUNDS" -n "$N"
