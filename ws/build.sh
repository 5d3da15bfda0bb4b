#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build a test kernel, Landlock's kselftests (static) and
# the guest's initramfs, out of tree and incrementally.
#
#   [VARIANT=name] ws/build.sh ours|stock
#
# BUILD_DIR=dir builds in dir instead; NO_TREE=1 builds the source tree as
# it is, without reassembling it (ws/mutants.sh: a mutant applied on top).
#
# Outputs in $WORK/build-<kind>[-<variant>]/: arch/x86/boot/bzImage,
# kselftest/, initramfs.cpio.gz.  A variant adds its fragment
# ws/variants/<variant>.config last; its "#make: ARGS" lines are extra
# make arguments (e.g. LLVM=-19).
set -euo pipefail

kind=${1:?usage: build.sh ours|stock}
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
. "$repo/ws/variant.sh"
B=${BUILD_DIR:-$WORK/build-$kind$variant_suffix}
JOBS=${JOBS:-$(nproc)}
log() { printf '[build:%s%s] %s\n' "$kind" "$variant_suffix" "$*" >&2; }
die() { printf '[build:%s%s] ERROR: %s\n' "$kind" "$variant_suffix" "$*" >&2; exit 1; }

# shellcheck disable=SC1091
. <(sed 's/ *:= */=/' "$CACHE/env.mk")
export RUST_LIB_SRC LIBCLANG_PATH PATH=$HOME/.cargo/bin:$PATH
if [ "${NO_TREE:-}" = 1 ]; then
	src=$WORK/linux
	[ "$kind" = stock ] && src=$WORK/linux-stock
	[ -d "$src/.git" ] || die "NO_TREE=1: no assembled tree in $src"
else
	src=$("$repo/ws/tree.sh" "$kind")
fi
mkdir -p "$B"
kmake() { make -C "$src" O="$B" -j"$JOBS" -s "${variant_make[@]}" "$@"; }

# ---------------------------------------------------------------- config
frags=("$repo/ws/vm.config" "$src/tools/testing/selftests/landlock/config"
	"$repo/ws/test.config" ${variant_config:+"$variant_config"})
# What the last fragment says wins (a variant may turn an option off).
want=$(cat "${frags[@]}" |
	sed -n 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)/\1/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1=n/p' |
	tac | awk -F= '!seen[$1]++' | sort)
stamp=$(cat "${frags[@]}" | sha256sum | cut -c1-16)
if [ ! -f "$B/.config" ] || [ "$(cat "$B/.config.stamp" 2>/dev/null)" != "$stamp" ] ||
	[ "$src/security/landlock/Kconfig" -nt "$B/.config" ] ||
	[ "$src/init/Kconfig" -nt "$B/.config" ]; then
	log "configuring (allnoconfig + $(basename -a "${frags[@]}" | tr '\n' ' '))"
	kmake allnoconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "${frags[@]}" >/dev/null
	kmake olddefconfig >/dev/null
	dropped=$(echo "$want" | while IFS= read -r line; do
		case "$line" in
		*=n) grep -qxF "# ${line%=n} is not set" "$B/.config" ||
			! grep -q "^${line%=n}=" "$B/.config" || echo "  $line" ;;
		*) grep -qxF "$line" "$B/.config" ||
			# An option of our series that the stock base lacks.
			{ sym=${line%%=*} && [ "$kind" = stock ] && ! grep -rqx "config ${sym#CONFIG_}" \
				--include='Kconfig*' "$src/security"; } || echo "  $line" ;;
		esac
	done)
	[ -z "$dropped" ] ||
		die "requested options missing from the final .config:"$'\n'"$dropped"$'\n'"(for CONFIG_RUST, see 'make -C $src O=$B rustavailable')"
	echo "$stamp" >"$B/.config.stamp"
fi

# ---------------------------------------------------------------- kernel
# KTARGETS: build only these kernel targets (e.g. an object file), and stop.
if [ -n "${KTARGETS:-}" ]; then
	log "building $KTARGETS"
	# shellcheck disable=SC2086
	kmake $KTARGETS || die "building $KTARGETS failed"
	exit 0
fi
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
