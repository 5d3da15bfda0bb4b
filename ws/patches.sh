#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Edit patches/ as commits.
#
#   ws/patches.sh import   branch "edit" in $WORK/linux: base + one commit
#                          per patch of patches/series (subject = file name)
#   ws/patches.sh export   write each commit of "edit" back to its patch file
#
# In between, change the commits with git (e.g. "git commit --fixup=<commit>"
# then "git rebase -i --autosquash base").  Files this repository owns
# (security/landlock/net_rs.rs, ...) are not in these commits: edit them here.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
src=$WORK/linux
git_() { git -C "$src" -c user.name=landlock-udp -c user.email=landlock-udp@localhost "$@"; }

case "${1:-}" in
import)
	"$repo/ws/tree.sh" ours >/dev/null
	git_ checkout -q -f -B edit base
	grep -v '^#' "$repo/patches/series" | while read -r p _; do
		[ -n "$p" ] || continue
		git_ apply --index "$repo/patches/$p"
		git_ commit -q -m "$p"
	done
	echo "branch edit in $src: $(git_ rev-list --count base..edit) commits"
	;;
export)
	for c in $(git_ rev-list --reverse base..edit); do
		name=$(git_ log -1 --format=%s "$c")
		[ -f "$repo/patches/$name" ] || { echo "unknown patch $name" >&2; exit 1; }
		git_ diff --no-color "$c^" "$c" >"$repo/patches/$name"
	done
	echo "patches/ rewritten from branch edit"
	;;
*)
	echo "usage: ws/patches.sh import|export" >&2
	exit 2
	;;
esac
