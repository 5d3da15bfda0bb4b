#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make series: export this repository as a git format-patch series against
# the base, one commit per series/NN-*.msg (see ws/patches.sh), with the
# cover letter of series/cover-letter.txt.
#
#   ws/series.sh [OUT]       write OUT (default out/series), signed off by
#                            git's user.name and user.email (as "git
#                            format-patch -s" does; a placeholder identity
#                            is refused), To/Cc from get_maintainer.pl, and
#                            check that "git am" of it onto the pristine
#                            base gives the very tree that "make check" tests
#   ws/series.sh --check DIR the same, into DIR, signed off by a test
#                            identity: what "make lint" checks
#   ws/series.sh --bisect    the same as --check (into $WORK/bisect/series),
#                            then build every
#                            commit in the default and the norust
#                            configurations and boot each kernel: its
#                            Landlock KUnit suites and base_test must pass
#                            (logs in $WORK/bisect/)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
mode=send
case "${1:-}" in
--check) mode=check; shift ;;
--bisect) mode=bisect; shift ;;
esac
out=$(realpath -m "${1:-$repo/out/series}")
log() { printf '[series] %s\n' "$*" >&2; }
die() { printf '[series] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------ identity
if [ $mode != send ]; then
	# Nothing to send: a test identity, and the output elsewhere.
	name="Series Check" email="series-check@localhost"
	[ -n "${1:-}" ] || out=$WORK/bisect/series
else
	name=$(git -C "$repo" config user.name || true)
	email=$(git -C "$repo" config user.email || true)
	[ -n "$name" ] && [ -n "$email" ] ||
		die "set git's user.name and user.email: the series is signed off with them"
	# RFC 2606/6761 names, no-reply and local addresses cannot receive
	# a reviewer's answer: a Signed-off-by must be a real identity.
	case "${email,,}" in
	*@*.example | *@example.* | *@*.example.* | *.invalid | *.test | *@localhost* | \
	*.localhost | *.local | *noreply* | *no-reply* | *@users.noreply.* | *@*.localdomain)
		die "git's user.email ($email) is a placeholder: set your own (git config user.email)" ;;
	*@*.*) ;;
	*) die "git's user.email ($email) is not an address" ;;
	esac
	case "${name,,}" in
	*placeholder* | *maintainers* | *developers* | *"your name"* | root | landlock-udp)
		die "git's user.name ($name) is a placeholder: set your own (git config user.name)" ;;
	esac
fi
sob="Signed-off-by: $name <$email>"

src=$("$repo/ws/tree.sh" ours)
ours_tree=$(git -C "$src" rev-parse 'HEAD^{tree}')
wt=$WORK/series-tree
git -C "$src" worktree remove -f "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$src" worktree prune
git -C "$src" worktree add -q --detach "$wt" base
g() { git -C "$wt" -c user.name="$name" -c user.email="$email" "$@"; }

# --------------------------------------------------------------- commits
for msg in "$repo"/series/[0-9]*.msg; do
	for p in $(sed -n 's/^Patches: *//p' "$msg"); do
		g apply --index "$repo/patches/$p" || die "$p does not apply ($(basename "$msg"))"
	done
	for f in $(sed -n 's/^Files: *//p' "$msg"); do
		mkdir -p "$wt/$(dirname "$f")"
		cp "$repo/$f" "$wt/$f"
		g add -f "$f"
	done
	# The message's own trailers (Suggested-by, Link, Cc), then ours, in
	# one trailer block.
	sed '1,/^$/d' "$msg" | g interpret-trailers --trailer "$sob" |
		g commit -q --cleanup=verbatim -F -
done
# Every patch of patches/series is in a commit (ws/patches.sh keeps them
# one for one).
for p in $(grep -v '^#' "$repo/patches/series"); do
	grep -qx "Patches: $p" "$repo"/series/[0-9]*.msg || die "patch $p is in no commit of series/"
done
series_tree=$(g rev-parse 'HEAD^{tree}')
if [ "$series_tree" != "$ours_tree" ]; then
	git -C "$src" diff --stat "$series_tree" "$ours_tree" >&2
	die "the series does not give the tested tree (a file missing from series/*.msg?)"
fi

# ------------------------------------------------------- format-patch
cover_text=$repo/series/cover-letter.txt
prefix=$(sed -n 's/^Subject-Prefix: *//p' "$cover_text")
version=$(sed -n 's/^Version: *//p' "$cover_text")
[ -n "$prefix" ] && [ -n "$version" ] || die "$cover_text: no Subject-Prefix: or Version: header"
# To: the maintainers of what the series touches, Cc: the reviewers and
# lists, as scripts/get_maintainer.pl says; then the Cc trailers.
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
g format-patch -q -o "$tmpd" base..HEAD
(cd "$wt" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --rolestats \
	"$tmpd"/*.patch) >"$tmpd/maintainers"
to=() cc=()
while IFS= read -r line; do
	addr=${line% (*}
	case "$line" in
	*"(maintainer:"*) to+=(--to="$addr") ;;
	*) cc+=(--cc="$addr") ;;
	esac
done <"$tmpd/maintainers"
while IFS= read -r addr; do
	cc+=(--cc="$addr")
done < <(sed -n 's/^Cc: *//p' "$repo"/series/[0-9]*.msg | sort -u)
# Each address once, in To if it is there.
mapfile -t cc < <(printf '%s\n' "${cc[@]}" | awk -v to="$(printf '%s\n' "${to[@]}")" '
	BEGIN { n = split(to, t, "\n"); for (i = 1; i <= n; i++) { a = t[i]; sub(/.*</, "", a); sub(/>.*/, "", a); sub(/^--to=/, "", a); seen[tolower(a)] = 1 } }
	{ a = $0; sub(/^--cc=/, "", a); if (a ~ /</) { sub(/.*</, "", a); sub(/>.*/, "", a) } a = tolower(a); if (!seen[a]++) print }')

rm -rf "$out"
mkdir -p "$out"
g format-patch -q --cover-letter --subject-prefix="$prefix" -v "$version" \
	--thread=shallow "${to[@]}" "${cc[@]}" -o "$out" base..HEAD
cover=$(ls "$out"/*0000-cover-letter.patch)
python3 - "$cover" "$cover_text" "$repo/BENCH.md" <<'EOF'
import sys
cover, text, bench = sys.argv[1:4]
c = open(cover).read()
t = open(text).read()
# Headers of cover-letter.txt (Subject-Prefix:, Version:) up to a blank line.
t = t.split('\n\n', 1)[1]
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
git -C "$chk" -c user.name=am -c user.email=am@localhost am -q \
	$(ls "$out"/*.patch | grep -v 0000-cover-letter) || die "git am of the series failed"
[ "$(git -C "$chk" rev-parse 'HEAD^{tree}')" = "$ours_tree" ] ||
	die "git am of the series does not give the tested tree"
log "$(ls "$out" | wc -l) files in $out; git am onto the base gives the tested tree ($ours_tree)"
git -C "$src" worktree remove -f "$chk"

if [ $mode = bisect ]; then
	"$repo/ws/bisect.sh" "$wt"
fi
git -C "$src" worktree remove -f "$wt"
