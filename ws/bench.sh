#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the cost of Landlock's network checks, stock and ours, side by
# side.
#
# Builds tools/testing/selftests/landlock/udp_bench.c once (static), then
# boots the stock kernel, ours (Rust hooks) and ours without Rust (the C
# hooks of the same semantics, VARIANT=norust) in turn, BOOTS times each
# (interleaved: stock, ours, C, stock, ours, C, ...), running the same binary
# in each, and prints one table (ws/bench_report.py).
#
# Under TCG, the guest has one vCPU and its time counts executed
# instructions (-icount shift=0,sleep=off): repeatable to about 0.1 %.  Two
# vCPUs under -icount are scheduled round-robin in an order that changes
# from run to run (whole runs shifted by 16 % on some paths), and
# wall-clock time under TCG moves by several percent between boots.  With
# ACCEL=kvm, wall-clock time is used (and CPUS=2 may be set).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
BOOTS=${BOOTS:-2} ROUNDS=${ROUNDS:-5} N=${N:-2000} DOMAIN_ROUNDS=${DOMAIN_ROUNDS:-3}
log() { printf '[bench] %s\n' "$*" >&2; }

src=$("$repo/ws/tree.sh" ours)
dir=$WORK/bench
rm -rf "$dir"
mkdir -p "$dir/boots"
gcc -O2 -Wall -static -isystem "$WORK/build-ours/usr/include" \
	-I"$src/tools/testing/selftests/landlock" \
	-o "$dir/udp_bench" "$src/tools/testing/selftests/landlock/udp_bench.c"
cp "$repo/ws/bench/guest.sh" "$dir/"

accel=$(cat "$WORK/accel" 2>/dev/null || echo tcg)
[ -n "${ACCEL:-}" ] && accel=$ACCEL
if [ "$accel" = kvm ]; then
	clock="wall-clock (KVM)"
	qemu_extra=
else
	clock="instructions (TCG, -icount shift=0,sleep=off: 1 ns = 1 instruction)"
	qemu_extra="-icount shift=0,sleep=off"
fi
log "time base: $clock; $BOOTS boots per kernel, $ROUNDS rounds, $N calls per measurement"

bench_dir=$(mktemp -d)
trap 'rm -rf "$bench_dir"' EXIT
cp "$dir/udp_bench" "$dir/guest.sh" "$bench_dir/"
for b in $(seq 1 "$BOOTS"); do
	for kind in stock ours c; do
		log "boot $b/$BOOTS: $kind"
		vm_kind=$kind variant=
		[ "$kind" = c ] && vm_kind=ours variant=norust
		VARIANT=$variant CPUS=${CPUS:-1} QEMU_EXTRA=$qemu_extra KERNEL_EXTRA=lsm.debug ACCEL=$accel \
			"$repo/ws/vm.sh" "$vm_kind" vm "sh ./guest.sh $ROUNDS $N $DOMAIN_ROUNDS" "$bench_dir" \
			>"$dir/boots/$b-$kind.log" ||
			{ log "boot $b ($kind) failed, see $dir/boots/$b-$kind.log"; exit 1; }
	done
done
"$repo/ws/bench_report.py" --clock "$clock" --calls "$N" "$dir/boots" |
	tee "$dir/report.txt"
