#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build a test kernel, Landlock's kselftests (static) and
# the guest's initramfs, out of tree and incrementally.
#
#   ws/build.sh ours|stock
#
# Outputs in $WORK/build-<kind>/: arch/x86/boot/bzImage, kselftest/,
# initramfs.cpio.gz.
set -euo pipefail

kind=${1:?usage: build.sh ours|stock}
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
B=$WORK/build-$kind
JOBS=${JOBS:-$(nproc)}
log() { printf '[build:%s] %s\n' "$kind" "$*" >&2; }
die() { printf '[build:%s] ERROR: %s\n' "$kind" "$*" >&2; exit 1; }

# shellcheck disable=SC1091
. <(sed 's/ *:= */=/' "$CACHE/env.mk")
export RUST_LIB_SRC LIBCLANG_PATH PATH=$HOME/.cargo/bin:$PATH
src=$("$repo/ws/tree.sh" "$kind")
mkdir -p "$B"
kmake() { make -C "$src" O="$B" -j"$JOBS" -s "$@"; }

# ---------------------------------------------------------------- config
frags=("$repo/ws/vm.config" "$src/tools/testing/selftests/landlock/config"
	"$repo/ws/test.config")
want=$(cat "${frags[@]}" | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)/\1/p' | sort -u)
stamp=$(cat "${frags[@]}" | sha256sum | cut -c1-16)
if [ ! -f "$B/.config" ] || [ "$(cat "$B/.config.stamp" 2>/dev/null)" != "$stamp" ] ||
	[ "$src/security/landlock/Kconfig" -nt "$B/.config" ] ||
	[ "$src/init/Kconfig" -nt "$B/.config" ]; then
	log "configuring (allnoconfig + $(basename -a "${frags[@]}" | tr '\n' ' '))"
	kmake allnoconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "${frags[@]}" >/dev/null
	kmake olddefconfig >/dev/null
	dropped=$(echo "$want" | while IFS= read -r line; do
		grep -qxF "$line" "$B/.config" || echo "  $line"
	done)
	[ -z "$dropped" ] ||
		die "requested options missing from the final .config:"$'\n'"$dropped"$'\n'"(for CONFIG_RUST, see 'make -C $src O=$B rustavailable')"
	echo "$stamp" >"$B/.config.stamp"
fi

# ---------------------------------------------------------------- kernel
log "building the kernel (incremental; a cold build takes ~10 min)"
kmake bzImage || die "kernel build failed"
kmake headers_install >/dev/null || die "headers_install failed"

# ------------------------------------------------------------ kselftests
log "building Landlock's kselftests (static)"
K=$B/kselftest
mkdir -p "$K"
make -C "$src/tools/testing/selftests/landlock" -s -j"$JOBS" OUTPUT="$K" \
	KHDR_INCLUDES="-isystem $B/usr/include" LDFLAGS=-static all >/dev/null ||
	die "kselftest build failed"

# ------------------------------------------------------------- initramfs
"$repo/ws/initramfs.sh" "$B" "$src"
