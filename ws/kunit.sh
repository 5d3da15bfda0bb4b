#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make kunit: the Landlock maintainers' own KUnit gate, on the assembled tree:
#
#   ./tools/testing/kunit/kunit.py run --kunitconfig security/landlock --arch um
#
# User-mode Linux, configured by security/landlock/.kunitconfig alone (which
# patch 0002 makes enable CONFIG_RUST and CONFIG_INET, so that the Rust suite
# and the network hooks are built), in $WORK/build-kunit-um (incremental).
# Ends with "N passed, N failed, N skipped" like make check, and fails if a
# suite that must run did not (a .kunitconfig that silently drops Rust).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
B=$WORK/build-kunit-um
log=$WORK/run-kunit-um.log
JOBS=${JOBS:-$(nproc)}

# shellcheck disable=SC1091
. <(sed 's/ *:= */=/' "$CACHE/env.mk")
export RUST_LIB_SRC LIBCLANG_PATH PATH=$HOME/.cargo/bin:$PATH
src=$("$repo/ws/tree.sh" ours)
mkdir -p "$B"

rc=0
(cd "$src" && ./tools/testing/kunit/kunit.py run --kunitconfig security/landlock \
	--arch um --build_dir "$B" --jobs "$JOBS") >"$log" 2>&1 || rc=$?
grep -E '^\[[0-9:]+\] (=+ |\[(PASSED|FAILED|SKIPPED)\])|Testing complete|Elapsed' "$log" |
	sed 's/^\[[0-9:]*\] //' | grep -vE '^\[PASSED\]' || true

# "Testing complete. Ran 46 tests: passed: 46[, failed: N][, skipped: N]"
summary=$(grep -o 'Ran [0-9]* tests:.*' "$log" | tail -n1)
count() { sed -n "s/.*$1: \([0-9]*\).*/\1/p" <<<"$summary"; }
p=$(count passed) f=$(count failed) s=$(count skipped)
p=${p:-0} f=${f:-0} s=${s:-0}
if [ -z "$summary" ]; then
	echo "kunit.py did not run the tests (exit $rc); see $log" >&2
	f=$((f + 1))
fi
# The gate is only worth something if it runs the network suites.
for suite in landlock_net_rust; do
	if ! grep -q "\[PASSED\] $suite\b" "$log"; then
		echo "  FAIL suite $suite did not pass (or did not run)"
		f=$((f + 1))
	fi
done
[ "$rc" = 0 ] || [ "$f" != 0 ] || { echo "  FAIL kunit.py exit $rc"; f=1; }
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
