#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make kunit: the Landlock maintainers' own KUnit gate, on the assembled
# tree, twice:
#
#   ./tools/testing/kunit/kunit.py run --kunitconfig security/landlock --arch um
#
# with no Rust toolchain (every directory holding rustc, cargo or bindgen is
# taken out of PATH): the C suites, the network ones included; then with
# security/landlock/rust.kunitconfig added, for the Rust suite too.
# User-mode Linux, in $WORK/build-kunit-um{-c,} (incremental).  Ends
# with "N passed, N failed, N skipped" like make check, and fails if a
# suite that must run did not.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
JOBS=${JOBS:-$(nproc)}

# shellcheck disable=SC1091
. <(sed 's/ *:= */=/' "$CACHE/env.mk")
export RUST_LIB_SRC LIBCLANG_PATH PATH=$HOME/.cargo/bin:$PATH
src=$("$repo/ws/tree.sh" ours)

f_total=0 p_total=0 s_total=0
# gate NAME PATH SUITES KUNITCONFIG...: one kunit.py run.
gate() {
	local name=$1 path=$2 suites=$3 rc=0 summary p f s suite
	shift 3
	local B=$WORK/build-kunit-um$name log=$WORK/run-kunit-um$name.log
	mkdir -p "$B"
	echo "kunit.py run --arch um $*"
	(cd "$src" && PATH=$path ./tools/testing/kunit/kunit.py run "$@" \
		--arch um --build_dir "$B" --jobs "$JOBS") >"$log" 2>&1 || rc=$?
	grep -E '^\[[0-9:]+\] (=+ |\[(PASSED|FAILED|SKIPPED)\])|Testing complete|Elapsed' "$log" |
		sed 's/^\[[0-9:]*\] //' | grep -vE '^\[PASSED\]' || true
	# "Testing complete. Ran 46 tests: passed: 46[, failed: N][, skipped: N]"
	summary=$(grep -o 'Ran [0-9]* tests:.*' "$log" | tail -n1 || true)
	p=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$summary")
	f=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$summary")
	s=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<<"$summary")
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ -z "$summary" ]; then
		echo "  FAIL kunit.py did not run the tests (exit $rc); see $log"
		f=$((f + 1))
	fi
	# The gate is only worth something if it runs the network suites.
	for suite in $suites; do
		if ! grep -q "\[PASSED\] $suite\b" "$log"; then
			echo "  FAIL suite $suite did not pass (or did not run)"
			f=$((f + 1))
		fi
	done
	[ "$rc" = 0 ] || [ "$f" != 0 ] || { echo "  FAIL kunit.py exit $rc"; f=1; }
	p_total=$((p_total + p)) f_total=$((f_total + f)) s_total=$((s_total + s))
}

# A PATH without the Rust toolchain.
norust_path=
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
	[ -x "$d/rustc" ] || [ -x "$d/cargo" ] || [ -x "$d/bindgen" ] && continue
	norust_path=${norust_path:+$norust_path:}$d
done
if PATH=$norust_path command -v rustc >/dev/null; then
	echo "  FAIL rustc still in the PATH without Rust"
	f_total=$((f_total + 1))
fi
(
	unset RUST_LIB_SRC LIBCLANG_PATH
	gate -c "$norust_path" "landlock_net landlock_net_ports" \
		--kunitconfig security/landlock
	echo "$p_total $f_total $s_total" >"$WORK/run-kunit-um.counts"
)
read -r p_total f_total s_total <"$WORK/run-kunit-um.counts"
gate "" "$PATH" "landlock_net landlock_net_ports landlock_net_rust" \
	--kunitconfig security/landlock --kunitconfig security/landlock/rust.kunitconfig
echo "$p_total passed, $f_total failed, $s_total skipped"
[ "$f_total" = 0 ]
