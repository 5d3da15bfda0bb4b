#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Called by "make bisect" (ws/series.sh --bisect) with the worktree of the
# exported series: every commit, in the default and the norust
# configurations, must build and boot with its Landlock KUnit suites and
# base_test passing; the last commit of each series ($SERIES_TIPS, from
# ws/series.sh) and the last one run every Landlock test of their tree.
#
#   ws/bisect.sh WORKTREE
#
# Builds in $WORK/bisect/build-{default,norust} (incrementally, from the
# .config of "make build" and "make build VARIANT=norust"; BISECT_FROM=N
# starts at the Nth commit), boots with the
# initramfs of those builds, and writes one log per commit and
# configuration in $WORK/bisect/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
wt=${1:?usage: bisect.sh WORKTREE}
JOBS=${JOBS:-$(nproc)}
D=$WORK/bisect
log() { printf '[bisect] %s\n' "$*" >&2; }
die() { printf '[bisect] ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck disable=SC1091
. <(sed 's/ *:= */=/' "$CACHE/env.mk")
export RUST_LIB_SRC LIBCLANG_PATH PATH=$HOME/.cargo/bin:$PATH
mkdir -p "$D"
for cfg in default norust; do
	ref=$WORK/build-ours$([ $cfg = default ] || echo "-$cfg")
	[ -f "$ref/.config" ] && [ -f "$ref/initramfs.cpio.gz" ] ||
		die "no $ref: run 'make build' and 'make build VARIANT=norust' first"
	mkdir -p "$D/build-$cfg"
	cp "$ref/.config" "$D/build-$cfg/.config"
	cp -a "$ref/initramfs" "$ref/initramfs.cpio.gz" "$D/build-$cfg/"
done

commits=$(git -C "$wt" rev-list --reverse base..HEAD)
last=$(tail -n1 <<<"$commits")
n=0 failed=0
for c in $commits; do
	n=$((n + 1))
	# BISECT_FROM=N: resume at the Nth commit (the earlier ones passed).
	[ "$n" -ge "${BISECT_FROM:-1}" ] || continue
	git -C "$wt" checkout -q "$c"
	s=$(git -C "$wt" log -1 --format=%s "$c")
	for cfg in default norust; do
		B=$D/build-$cfg
		out=$D/$(printf '%02d' "$n")-$cfg
		variant=
		[ $cfg = default ] || variant=$cfg
		if ! make -C "$wt" O="$B" -j"$JOBS" -s olddefconfig bzImage >"$out.build.log" 2>&1; then
			tail -n 20 "$out.build.log" >&2
			log "$n $cfg: does not build: $s"
			failed=$((failed + 1))
			continue
		fi
		tests=base_test
		case " $last ${SERIES_TIPS:-} " in
		*" $c "*)
			# The last commit of a series: every Landlock test, as
			# that commit's tree has them.
			tests=
			rm -rf "$B/kselftest"
			mkdir -p "$B/kselftest"
			{ make -C "$wt" O="$B" -s headers_install &&
				make -C "$wt/tools/testing/selftests/landlock" -s -j"$JOBS" \
					OUTPUT="$B/kselftest" KHDR_INCLUDES="-isystem $B/usr/include" \
					LDFLAGS=-static all &&
				"$repo/ws/initramfs.sh" "$B" "$wt"; } >>"$out.build.log" 2>&1 || {
				log "$n $cfg: the kselftests do not build: $s"
				failed=$((failed + 1))
				continue
			}
			;;
		esac
		rm -rf "$out.run"
		VARIANT=$variant BUILD_DIR=$B RUN_DIR=$out.run LL_TESTS=$tests \
			"$repo/ws/vm.sh" ours check >/dev/null 2>&1 || true
		if "$repo/ws/report.py" "$wt" "$out.run" "$repo/ws/known-failures" >"$out.report" 2>&1; then
			log "$n $cfg: ok, $(tail -n1 "$out.report"): $s"
		else
			grep -E 'FAIL|fail' "$out.report" | head -n 5 >&2 || true
			log "$n $cfg: FAILED, $(tail -n1 "$out.report"): $s"
			failed=$((failed + 1))
		fi
	done
done
[ $failed = 0 ] || die "$failed commit configuration(s) failed (logs in $D)"
log "every commit builds and passes in both configurations (logs in $D)"
