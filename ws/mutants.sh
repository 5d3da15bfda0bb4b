#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make mutants: check that the tests catch a broken guard.  Each mutant,
# ws/mutants/NN-name.patch, is a small git-style diff against the assembled
# tree that removes or inverts one guard; its first lines say which:
#
#   # guard: <what it breaks>
#   # tests: <kselftest binaries that must catch it> [kunit]
#   # variant: <a ws/variants/ name>   (optional: default configuration)
#
# For each mutant (or only those named: NN, NN-name or a path): assemble
# the clean tree, apply the mutant, build it in $WORK/build-mutant (seeded
# from build-ours, so incremental; build-mutant-<variant> from
# build-ours-<variant> for a mutant of a variant), boot it with only its kselftests (the
# KUnit suites run at every boot) and judge with ws/report.py: any failure
# (failed case, guest crash, timeout, splat) catches it.  A mutant that does
# not apply or does not build is an error of the mutant file.  The tree is
# always left clean.  Logs in $WORK/mutants/NN-name/.
#
#   ws/mutants.sh [MUTANT...]
#
# Prints one line per mutant, then "N mutants, N caught"; exits non-zero if
# any survived or failed to apply or build.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
export CACHE WORK
# Mutants are judged on the default configuration, unless they name a
# variant (a guard only that configuration exercises).
export VARIANT= BUILD_DIR= RUN_DIR=$WORK/run-mutant-check
logs=$WORK/mutants
log() { printf '[mutants] %s\n' "$*" >&2; }
die() { printf '[mutants] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------- selection
mutants=()
if [ $# = 0 ]; then
	for p in "$repo"/ws/mutants/*.patch; do
		[ -f "$p" ] && mutants+=("$p")
	done
else
	for a in "$@"; do
		a=$(basename "${a%.patch}")
		p=("$repo/ws/mutants/$a".patch "$repo/ws/mutants/$a"-*.patch)
		found=
		for f in "${p[@]}"; do
			[ -f "$f" ] && found=$f && break
		done
		[ -n "$found" ] || die "no mutant '$a' in ws/mutants/"
		mutants+=("$found")
	done
fi
[ ${#mutants[@]} -gt 0 ] || die "no mutant in ws/mutants/"

# header FILE KEY: the value of the "# KEY:" line before the diff.
header() {
	awk -v key="# $2:" '/^diff --git/ { exit }
		index($0, key) == 1 { sub(/^# [a-z]+: */, ""); print; exit }' "$1"
}

src=$WORK/linux
restore() { git -C "$src" checkout -q -f HEAD 2>/dev/null || true; }
trap 'restore; "$repo/ws/tree.sh" ours >/dev/null 2>&1 || true' EXIT

# Seed the mutants' build directory from the normal one: a warm start.
seed() {
	local from=$WORK/build-ours${VARIANT:+-$VARIANT}
	if [ ! -d "$BUILD_DIR" ] && [ -d "$from" ]; then
		log "seeding $BUILD_DIR from $from"
		cp -a "$from" "$BUILD_DIR"
	fi
}
mkdir -p "$logs"

# For the current mutant ($name, $l, $start):
elapsed() { echo "$(($(date +%s) - start))s"; }
error() {
	printf 'ERROR    %-36s (%s; see %s)  %s\n' "$name" "$1" "$l" "$(elapsed)"
	bad=$((bad + 1))
	restore
}

total=0 caught=0 bad=0
for patch in "${mutants[@]}"; do
	name=$(basename "$patch" .patch)
	l=$logs/$name
	rm -rf "$l"
	mkdir -p "$l"
	total=$((total + 1))
	start=$(date +%s)

	read -r -a tests <<<"$(header "$patch" tests)"
	selftests=()
	for t in "${tests[@]}"; do
		[ "$t" = kunit ] || selftests+=("$t")
	done
	if [ -z "$(header "$patch" guard)" ] || [ ${#selftests[@]} = 0 ]; then
		error "no '# guard:' line, or no kselftest in '# tests:'"
		continue
	fi

	VARIANT=$(header "$patch" variant)
	BUILD_DIR=$WORK/build-mutant${VARIANT:+-$VARIANT}
	if [ -n "$VARIANT" ] && [ ! -f "$repo/ws/variants/$VARIANT.config" ]; then
		error "unknown variant '$VARIANT'"
		continue
	fi
	seed
	log "$name: $(header "$patch" guard)${VARIANT:+ (VARIANT=$VARIANT)}"
	src=$("$repo/ws/tree.sh" ours 2>"$l/tree.log") || die "tree assembly failed (see $l/tree.log)"
	if ! git -C "$src" apply "$patch" 2>"$l/apply.log"; then
		error "does not apply"
		continue
	fi
	if ! NO_TREE=1 "$repo/ws/build.sh" ours >"$l/build.log" 2>&1; then
		error "does not build"
		continue
	fi
	unknown=
	for t in "${selftests[@]}"; do
		grep -qxF "$t" "$BUILD_DIR/initramfs/kselftest/landlock/TESTS" || unknown+=" $t"
	done
	if [ -n "$unknown" ]; then
		error "unknown kselftest(s):$unknown"
		continue
	fi
	csv=$(IFS=,; echo "${selftests[*]}")
	if ! LL_TESTS=$csv "$repo/ws/vm.sh" ours check >"$l/vm.log" 2>&1; then
		error "could not boot"
		continue
	fi
	rc=0
	"$repo/ws/report.py" "$src" "$RUN_DIR" "$repo/ws/known-failures" >"$l/report.log" 2>&1 || rc=$?
	cp -a "$RUN_DIR/." "$l/"
	restore
	if [ $rc = 0 ]; then
		printf 'SURVIVED %-36s  %s\n' "$name" "$(elapsed)"
		continue
	fi
	caught=$((caught + 1))
	first=$(sed -n '/^  FAIL: /{s///p;q;}' "$l/report.log")
	[ -n "$first" ] || first="report exit status $rc"
	# Was it caught by the tests the mutant names?
	by_listed=
	for t in "${tests[@]}"; do
		pat="kselftest:landlock:$t[.:]"
		[ "$t" = kunit ] && pat='kunit'
		grep -Eq "^  FAIL: $pat" "$l/report.log" && by_listed=1
	done
	note=
	[ -n "$by_listed" ] || note=" [not by its listed tests]"
	printf 'caught   %-36s (%s)%s  %s\n' "$name" "$first" "$note" "$(elapsed)"
done

"$repo/ws/tree.sh" ours >/dev/null
echo "$total mutants, $caught caught"
[ "$caught" = "$total" ] && [ "$bad" = 0 ]
