#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make series: export this repository as a git format-patch series against
# the base, one commit per series/NN-*.msg (see ws/patches.sh), with the
# cover letters of series/cover-N-NAME.txt (three series).
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
# A worktree (and an am check tree) of its own per mode: "make lint" may
# export the series while "make bisect" builds its commits.
wt=$WORK/series-tree-$mode
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
# Three series, each applying on the one before: series/cover-N-NAME.txt
# is the cover letter of series N (out/N-NAME/), whose "Ends-with:" header
# names the subject of its last commit (the last series ends with the
# last commit).  Each has its own Subject-Prefix: and Version:, its own
# To/Cc (scripts/get_maintainer.pl on its patches, then the Cc trailers
# of its commits), and the base-commit: and prerequisite-patch-id:
# trailers of "git format-patch --base".
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
rm -rf "$out"
mkdir -p "$out"
covers=("$repo"/series/cover-[0-9]-*.txt)
[ -f "${covers[0]}" ] || die "no series/cover-N-NAME.txt"
prev=base tips=()
for cover_text in "${covers[@]}"; do
	sname=$(basename "$cover_text" .txt)
	sname=${sname#cover-}
	prefix=$(sed -n '1,/^$/s/^Subject-Prefix: *//p' "$cover_text")
	version=$(sed -n '1,/^$/s/^Version: *//p' "$cover_text")
	ends=$(sed -n '1,/^$/s/^Ends-with: *//p' "$cover_text")
	[ -n "$prefix" ] && [ -n "$version" ] || die "$cover_text: no Subject-Prefix: or Version: header"
	if [ -n "$ends" ]; then
		end=$(g log --reverse --format='%H %s' "$prev..HEAD" |
			awk -v s="$ends" 'substr($0, 42) == s { print $1; exit }')
		[ -n "$end" ] || die "$cover_text: no commit \"$ends\" after $(g log -1 --format=%s "$prev")"
	else
		end=$(g rev-parse HEAD)
	fi
	[ "$cover_text" != "${covers[-1]}" ] || [ "$end" = "$(g rev-parse HEAD)" ] ||
		die "$cover_text: the last series must end with the last commit"
	# To: the maintainers of what the series touches, Cc: the reviewers
	# and lists, as scripts/get_maintainer.pl says; then the Cc trailers.
	rm -f "$tmpd"/*.patch
	g format-patch -q -o "$tmpd" "$prev..$end"
	(cd "$wt" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --no-fixes --rolestats \
		"$tmpd"/*.patch) >"$tmpd/maintainers"
	# The selftests' "clang-format off/on" markers match the CLANG/LLVM
	# keyword: its people are not asked unless a patch says clang or llvm
	# otherwise.
	if ! grep -hiE '^[+-].*\b(clang|llvm)\b' "$tmpd"/*.patch |
		grep -qviE 'clang-format (on|off)'; then
		sed -i '/:Keyword:\\b(?i:clang|llvm)\\b)$/d' "$tmpd/maintainers"
	fi
	to=() cc=()
	while IFS= read -r line; do
		addr=${line%% (*}
		case "$line" in
		*"(maintainer:"*) to+=(--to="$addr") ;;
		*) cc+=(--cc="$addr") ;;
		esac
	done <"$tmpd/maintainers"
	while IFS= read -r addr; do
		cc+=(--cc="$addr")
	done < <(g log --format=%b "$prev..$end" | sed -n 's/^Cc: *//p' |
		grep -v '^stable@vger\.kernel\.org' | sort -u)
	# Not stable@: it takes fixes by their "Cc: stable" trailer once they
	# are merged, and a series' later patches are not for it.
	# Each address once, in To if it is there.
	mapfile -t cc < <(printf '%s\n' "${cc[@]}" | awk -v to="$(printf '%s\n' "${to[@]}")" '
		BEGIN { n = split(to, t, "\n"); for (i = 1; i <= n; i++) { a = t[i]; sub(/.*</, "", a); sub(/>.*/, "", a); sub(/^--to=/, "", a); seen[tolower(a)] = 1 } }
		{ a = $0; sub(/^--cc=/, "", a); if (a ~ /</) { sub(/.*</, "", a); sub(/>.*/, "", a) } a = tolower(a); if (!seen[a]++) print }')

	g format-patch -q --cover-letter --subject-prefix="$prefix" -v "$version" \
		--thread=shallow --base=base "${to[@]}" "${cc[@]}" -o "$out/$sname" "$prev..$end"
	cover=$(ls "$out/$sname"/*0000-cover-letter.patch)
	python3 - "$cover" "$cover_text" "$repo/BENCH.md" <<'EOF'
import sys
cover, text, bench = sys.argv[1:4]
c = open(cover).read()
t = open(text).read()
# Headers of the cover letter text (Subject-Prefix:, ...) up to a blank line.
t = t.split('\n\n', 1)[1]
b = open(bench).read()
# The first table of per-call overheads, stock and ours.
blocks = b.split('```')[1::2]
table = next((x.strip('\n') for x in blocks if 'stock overhead %' in x), '')
t = t.replace('@BENCH@', table)
subject, _, body = t.partition('\n\n')
c = c.replace('*** SUBJECT HERE ***', subject.strip())
c = c.replace('*** BLURB HERE ***', body.strip())
open(cover, 'w').write(c)
EOF
	log "$sname: $(g rev-list --count "$prev..$end") patches in $out/$sname"
	prev=$end
	tips+=("$end")
done

# git am onto a pristine base must reproduce the tested tree.
chk=$WORK/series-am-$mode
git -C "$src" worktree remove -f "$chk" 2>/dev/null || rm -rf "$chk"
git -C "$src" worktree add -q --detach "$chk" base
for d in "$out"/*/; do
	git -C "$chk" -c user.name=am -c user.email=am@localhost am -q \
		$(ls "$d"*.patch | grep -v 0000-cover-letter) || die "git am of $d failed"
done
[ "$(git -C "$chk" rev-parse 'HEAD^{tree}')" = "$ours_tree" ] ||
	die "git am of the series does not give the tested tree"
log "$(ls "$out"/*/*.patch | wc -l) files in $out; git am of its series in order onto the base gives the tested tree ($ours_tree)"
git -C "$src" worktree remove -f "$chk"

if [ $mode = bisect ]; then
	SERIES_TIPS="${tips[*]}" "$repo/ws/bisect.sh" "$wt"
fi
git -C "$src" worktree remove -f "$wt"
