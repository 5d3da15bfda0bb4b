#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-all: build and test every variant in turn ("default" is the
# plain "make check", "kunit-um" the maintainers' UML KUnit gate, make
# kunit), then print one summary line per variant and the total
# "N passed, N failed".
#
#   ws/check-all.sh ours|stock VARIANT...
set -uo pipefail
kind=${1:?} && shift
repo=$(cd "$(dirname "$0")/.." && pwd)
logs=${CACHE:-$HOME/.cache/landlock-udp}/work/check-all
mkdir -p "$logs"
stock=; [ "$kind" = stock ] && stock=1
p=0 f=0 s=0 lines=()
for v in "$@"; do
	var=$v; [ "$v" = default ] && var=
	start=$(date +%s)
	if [ "$v" = kunit-um ]; then
		make -C "$repo" --no-print-directory kunit >"$logs/$v.log" 2>&1
	else
		make -C "$repo" --no-print-directory check STOCK=$stock VARIANT="$var" \
			>"$logs/$v.log" 2>&1
	fi
	rc=$?
	t=$(($(date +%s) - start))
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/$v.log" | tail -n1)
	if [ -z "$last" ]; then
		last="0 passed, 1 failed, 0 skipped"
		printf '[check-all] %s: no result (exit %s); see %s\n' "$v" "$rc" "$logs/$v.log" >&2
	fi
	read -r vp _ vf _ vs _ <<<"${last//,/}"
	[ "$rc" = 0 ] || [ "$vf" != 0 ] || vf=1
	p=$((p + vp)) f=$((f + vf)) s=$((s + ${vs:-0}))
	lines+=("$(printf '%-9s %5d passed %4d failed %4d skipped  (%ds)' "$v" "$vp" "$vf" "${vs:-0}" "$t")")
	grep -E '^  (FAIL|known)' "$logs/$v.log" | sed "s/^/  [$v]/" | head -n 20
done
printf '%s\n' "${lines[@]}"
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
