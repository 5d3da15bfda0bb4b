#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make series: export this repository as a git format-patch series against
# the base, in review order, described by series/*.msg (one file a commit:
# "Patches:" and "Files:" headers, a blank line, then the commit message).
#
#   ws/series.sh [OUT]      write OUT (default out/series): NNNN-*.patch,
#                           0000-cover-letter.patch, and check that "git am"
#                           of the series onto the pristine base gives the
#                           very tree that "make check" tests
#   ws/series.sh --bisect   also build every commit of the series in turn
#                           (incrementally, in $WORK/build-bisect)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
bisect=0
[ "${1:-}" = --bisect ] && { bisect=1; shift; }
out=$(realpath -m "${1:-$repo/out/series}")
log() { printf '[series] %s\n' "$*" >&2; }
die() { printf '[series] ERROR: %s\n' "$*" >&2; exit 1; }

src=$("$repo/ws/tree.sh" ours)
ours_tree=$(git -C "$src" rev-parse 'HEAD^{tree}')
wt=$WORK/series-tree
git -C "$src" worktree remove -f "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$src" worktree prune
git -C "$src" worktree add -q --detach "$wt" base
g() { git -C "$wt" -c user.name="${GIT_AUTHOR_NAME:-Landlock UDP developers}" \
	-c user.email="${GIT_AUTHOR_EMAIL:-landlock-udp@example.org}" "$@"; }

# Every patch and every file we own must be in exactly one commit.
used_patches=() used_files=()
for msg in "$repo"/series/[0-9]*.msg; do
	patches=$(sed -n 's/^Patches: *//p' "$msg")
	files=$(sed -n 's/^Files: *//p' "$msg")
	for p in $patches; do
		g apply --index "$repo/patches/$p" || die "$p does not apply in $(basename "$msg")"
		used_patches+=("$p")
	done
	for f in $files; do
		mkdir -p "$wt/$(dirname "$f")"
		cp "$repo/$f" "$wt/$f"
		g add -f "$f"
		used_files+=("$f")
	done
	body=$(sed '1,/^$/d' "$msg")
	sob="Signed-off-by: ${GIT_AUTHOR_NAME:-Landlock UDP developers} <${GIT_AUTHOR_EMAIL:-landlock-udp@example.org}>"
	g commit -q -m "$body" -m "$sob"
done
for p in $(grep -v '^#' "$repo/patches/series"); do
	printf '%s\n' "${used_patches[@]}" | grep -qxF "$p" || die "patch $p is in no commit of series/"
done

# The series must give the tree that make check tests (ws/ and tooling aside).
series_tree=$(g rev-parse 'HEAD^{tree}')
if [ "$series_tree" != "$ours_tree" ]; then
	git -C "$src" diff --stat "$series_tree" "$ours_tree" >&2
	die "the series does not give the tested tree (files missing from series/*.msg?)"
fi

rm -rf "$out"
mkdir -p "$out"
g format-patch -q --cover-letter --subject-prefix="RFC PATCH" -o "$out" base..HEAD
cover=$(ls "$out"/0000-*)
python3 - "$cover" "$repo/series/cover-letter.txt" "$repo/BENCH.md" <<'EOF'
import sys
cover, text, bench = sys.argv[1:4]
c = open(cover).read()
t = open(text).read()
b = open(bench).read()
table = b.split('```')[1].strip('\n') if '```' in b else ''
t = t.replace('@BENCH@', table)
subject, _, body = t.partition('\n\n')
c = c.replace('*** SUBJECT HERE ***', subject.strip())
c = c.replace('*** BLURB HERE ***', body.strip())
open(cover, 'w').write(c)
EOF

# git am onto a pristine base must reproduce the tested tree.
chk=$WORK/series-am
git -C "$src" worktree remove -f "$chk" 2>/dev/null || rm -rf "$chk"
git -C "$src" worktree add -q --detach "$chk" base
git -C "$chk" -c user.name=am -c user.email=am@localhost am -q $(ls "$out"/*.patch | grep -v /0000-cover-letter) ||
	die "git am of the series failed"
[ "$(git -C "$chk" rev-parse 'HEAD^{tree}')" = "$ours_tree" ] ||
	die "git am of the series does not give the tested tree"
log "$(ls "$out" | wc -l) files in $out; git am onto the base gives the tested tree ($ours_tree)"
git -C "$src" worktree remove -f "$chk"

if [ $bisect = 1 ]; then
	# shellcheck disable=SC1091
	. <(sed 's/ *:= */=/' "$CACHE/env.mk")
	export RUST_LIB_SRC LIBCLANG_PATH PATH=$HOME/.cargo/bin:$PATH
	B=$WORK/build-bisect
	mkdir -p "$B"
	cp "$WORK/build-ours/.config" "$B/.config"
	for c in $(g rev-list --reverse base..HEAD); do
		g checkout -q "$c"
		s=$(g log -1 --format=%s "$c")
		if make -C "$wt" O="$B" -j"$(nproc)" -s olddefconfig bzImage >"$B/log" 2>&1; then
			log "builds: $s"
		else
			tail -n 20 "$B/log" >&2
			die "does not build: $s"
		fi
	done
	log "every commit builds"
fi
git -C "$src" worktree remove -f "$wt"
