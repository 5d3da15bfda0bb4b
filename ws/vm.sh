#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a built test kernel in QEMU.
#
#   ws/vm.sh KIND check           run the tests; logs in
#                                 $WORK/run-KIND[-VARIANT]-check/
#   ws/vm.sh KIND vm CMD [DIR]    run CMD as root in /host (a copy of DIR),
#                                 stream its output, exit with its status
#
# KVM is used only when a probe boot under KVM really reaches user space
# (nested KVM can hang silently at boot); otherwise TCG. Every boot has a
# timeout (BOOT_TIMEOUT seconds, default 1800).  QEMU_EXTRA and KERNEL_EXTRA
# add QEMU options and kernel command line arguments (see ws/bench.sh).
# BUILD_DIR and RUN_DIR replace the build directory and the check mode's log
# directory; LL_TESTS=a,b runs only these kselftests in check mode (the
# report then expects only them; see ws/mutants.sh).
set -euo pipefail

kind=${1:?usage: vm.sh ours|stock check|vm [CMD [DIR]]} mode=${2:?}
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
. "$repo/ws/variant.sh"
kind=$kind$variant_suffix
B=${BUILD_DIR:-$WORK/build-$kind}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800}
# vCPUs of the guest; the report fails a run whose guest saw fewer.
CPUS=${CPUS:-2}
log() { printf '[vm:%s] %s\n' "$kind" "$*" >&2; }
die() { printf '[vm:%s] ERROR: %s\n' "$kind" "$*" >&2; exit 1; }

kernel=$B/arch/x86/boot/bzImage
[ -f "$kernel" ] && [ -f "$B/initramfs.cpio.gz" ] ||
	die "no built kernel in $B (run 'make build${kind/ours/}' first)"

run=$(mktemp -d "$WORK/run-$kind-$mode.XXXXXX")
trap 'rm -rf "$run"' EXIT

# boot ACCEL MODE TIMEOUT INITRD [EXTRA_QEMU_ARGS...]: console in
# $run/console.log, results in $run/out.log.
boot() {
	local accel=$1 m=$2 t=$3 initrd=$4 extra=
	shift 4
	# The tests switch audit on and off themselves; elsewhere, audit
	# records of denials are worth seeing.
	[ "$m" = vm ] && extra=audit=1
	if [ "$m" = check ] && [ -n "${LL_TESTS:-}" ]; then
		extra="$extra ll.tests=$LL_TESTS"
	fi
	extra="$extra $variant_cmdline ${KERNEL_EXTRA:-}"
	local cpu=max
	[ "$accel" = kvm ] && cpu=host
	: >"$run/console.log"
	: >"$run/out.log"
	timeout --foreground -k 5 "$t" qemu-system-x86_64 \
		-accel "$accel" -cpu "$cpu" -smp "$CPUS" -m 2G -no-reboot \
		-display none -monitor none -nodefaults -vga none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=7 ll.mode=$m $extra" \
		-serial "file:$run/console.log" -serial "file:$run/out.log" \
		${QEMU_EXTRA:-} "$@" </dev/null
}

pick_accel() {
	local f=$WORK/accel
	if [ -n "${ACCEL:-}" ]; then
		echo "$ACCEL"
		return
	fi
	if [ ! -s "$f" ]; then
		local a=tcg
		if [ -w /dev/kvm ]; then
			log "probing KVM (a boot that must reach user space in 60 s)"
			boot kvm probe 60 "$B/initramfs.cpio.gz" >/dev/null 2>&1 || true
			grep -q '@@LL-READY' "$run/out.log" && a=kvm
			[ $a = kvm ] || log "KVM does not boot here; using TCG"
		fi
		echo $a >"$f"
	fi
	cat "$f"
}

accel=$(pick_accel)
case "$mode" in
check)
	dest=${RUN_DIR:-$WORK/run-$kind-check}
	log "booting under $accel; kernel messages in $dest/console.log"
	rc=0
	boot "$accel" check "$BOOT_TIMEOUT" "$B/initramfs.cpio.gz" || rc=$?
	[ $rc = 124 ] && echo "@@LL-TIMEOUT after ${BOOT_TIMEOUT}s" >>"$run/out.log"
	echo "$accel" >"$run/accel"
	echo "$CPUS" >"$run/cpus"
	if [ -n "${LL_TESTS:-}" ]; then
		tr ',' '\n' <<<"$LL_TESTS" >"$run/TESTS"
	else
		cp "$B/initramfs/kselftest/landlock/TESTS" "$run/TESTS"
	fi
	rm -rf "$dest"
	mv "$run" "$dest"
	mkdir -p "$run"
	;;
vm)
	cmd=${3:?vm mode needs CMD}
	dir=${4:-}
	x=$run/extra
	mkdir -p "$x/ll" "$x/host"
	printf '%s\n' "$cmd" >"$x/ll/cmd"
	if [ -n "$dir" ]; then
		[ -d "$dir" ] || die "DIR=$dir is not a directory"
		cp -a "$dir/." "$x/host/"
	fi
	(cd "$x" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$run/extra.cpio.gz"
	cat "$B/initramfs.cpio.gz" "$run/extra.cpio.gz" >"$run/initrd.gz"
	log "booting under $accel (console: $run/console.log)"
	# tail must find the file before the background boot() truncates it.
	: >"$run/out.log"
	boot "$accel" vm "$BOOT_TIMEOUT" "$run/initrd.gz" &
	qpid=$!
	# Stream the command's output as it comes.
	tail -n +1 -s 0.2 --pid=$qpid -f "$run/out.log" | tr -d '\r' | grep --line-buffered -v '^@@LL-'
	rc=0
	wait $qpid || rc=$?
	status=$(tr -d '\r' <"$run/out.log" | sed -n 's/^@@LL-EXIT //p' | tail -n1)
	if [ -z "$status" ]; then
		[ $rc = 124 ] && log "timed out after ${BOOT_TIMEOUT}s"
		log "the guest ended without an exit status; last console lines:"
		tail -n 20 "$run/console.log" | tr -d '\r' >&2
		exit 125
	fi
	exit "$status"
	;;
*) die "unknown mode '$mode'" ;;
esac
