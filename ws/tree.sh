#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble a kernel source tree from the base and this repository.
#
#   ws/tree.sh ours   -> $WORK/linux       (base + our files + patches/series)
#   ws/tree.sh stock  -> $WORK/linux-stock (the pristine base)
#
# $WORK/linux is a git repository whose first commit ("base") is the
# pristine base, so "git -C $WORK/linux diff base" shows our whole change.
# The "ours" commit is built in a private index and checked out on top of
# the previous one: git rewrites only the files that changed, so their
# timestamps, and hence the out-of-tree build, stay incremental.
set -euo pipefail

kind=${1:?usage: tree.sh ours|stock}
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
src=$WORK/linux
log() { printf '[tree] %s\n' "$*" >&2; }
die() { printf '[tree] ERROR: %s\n' "$*" >&2; exit 1; }
git_() { git -C "$src" -c user.name=landlock-udp -c user.email=landlock-udp@localhost \
	-c core.autocrlf=false -c gc.auto=0 "$@"; }

# ------------------------------------------------------------------ base
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/security/landlock" ] ||
		die "KSRC=$KSRC does not look like a Linux source tree"
	base_id="ksrc:$(cd "$KSRC" && pwd)"
else
	# shellcheck disable=SC1091
	. <(sed 's/ *:= */=/' "$CACHE/env.mk")
	base_id="tarball:$(cat "$CACHE/linux-source-7.3.version")"
fi
if [ "$(cat "$src/.git/landlock-udp-base" 2>/dev/null)" != "$base_id" ]; then
	log "importing the base ($base_id) into $src (once; takes a minute)"
	rm -rf "$src" "$WORK/linux-stock" "$WORK"/build-*
	mkdir -p "$src"
	if [ -n "${KSRC:-}" ]; then
		(cd "$KSRC" && tar -c --exclude=.git .) | tar -x -C "$src"
	else
		tar -x -C "$src" --strip-components=1 -f "$LINUX_TARBALL"
	fi
	git_ init -q -b base
	git_ add -A -f .
	git_ commit -q -m "Linux base ($base_id)"
	echo "$base_id" >"$src/.git/landlock-udp-base"
fi

if [ "$kind" = stock ]; then
	if [ ! -d "$WORK/linux-stock" ]; then
		git_ worktree prune
		git_ worktree add -q --detach "$WORK/linux-stock" base
	fi
	echo "$WORK/linux-stock"
	exit 0
fi
[ "$kind" = ours ] || die "unknown kind '$kind'"

# ------------------------------------------------------------------ ours
# Our files: what this repository tracks (or would track) under a
# top-level directory that the kernel also has.
export GIT_INDEX_FILE=$src/.git/index.ours
git_ read-tree base
cd "$repo"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
	top=${f%%/*}
	[ "$top" != "$f" ] && [ -d "$src/$top" ] && [ -f "$f" ] || continue
	mode=100644
	[ -x "$f" ] && mode=100755
	printf '%s %s\t%s\n' "$mode" "$(git -C "$src" hash-object -w --path="$f" "$repo/$f")" "$f"
done | git_ update-index --index-info

# Then the patches, in order.
if [ -f patches/series ]; then
	while read -r p _; do
		case "$p" in ''|'#'*) continue ;; esac
		[ -f "patches/$p" ] || die "patches/series names missing patch $p"
		git_ apply --cached --whitespace=nowarn "$repo/patches/$p" ||
			die "patch $p does not apply (see above)"
	done <patches/series
fi
tree=$(git_ write-tree)
unset GIT_INDEX_FILE
cur=$(git_ rev-parse -q --verify HEAD || true)
if [ "$(git_ rev-parse -q --verify "HEAD^{tree}" || true)" != "$tree" ]; then
	commit=$(git_ commit-tree "$tree" -p base -m "landlock-udp (assembled)")
	git_ checkout -q -f --detach "$commit"
	log "assembled $src ($(git_ diff --shortstat base "$commit" | sed 's/^ //'))"
elif [ "$cur" ] && [ -n "$(git_ status --porcelain --untracked-files=no)" ]; then
	git_ checkout -q -f --detach "$cur"
fi
echo "$src"
