#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The series as commits: edit it with git, write it back here.
#
# The repository holds the series in three places, one commit each:
#   series/NN-slug.msg      the commit message, after two headers:
#                           "Patches:" its patch of patches/ (or nothing) and
#                           "Files:" the files it adds whole
#   patches/NNNN-slug.patch its changes to files the base has (git diff)
#   the files it adds       as source, at their place in the kernel tree
#                           (security/landlock/net_rs.rs, ...)
# A file that a commit adds enters whole, and no later commit changes it:
# what the repository shows is what that commit adds.
#
#   ws/patches.sh import   branch "edit" in $WORK/linux: the base, then one
#                          commit per series/*.msg
#   ws/patches.sh export   write each commit of "edit" back: its message, its
#                          patch, the files it adds; patches/series in order
#
# In between, change the commits with git, e.g.:
#   git -C $WORK/linux checkout edit
#   (edit files)  git commit --fixup=<commit>
#   git rebase -i --autosquash base
# or "git rebase -i base" to reword, split, reorder or add commits.  Export
# refuses a commit that changes a file an earlier commit added: fold the
# change into that commit instead.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
src=$WORK/linux
git_() { git -C "$src" -c user.name=landlock-udp -c user.email=landlock-udp@localhost "$@"; }
die() { printf '[patches] ERROR: %s\n' "$*" >&2; exit 1; }

case "${1:-}" in
import)
	"$repo/ws/tree.sh" ours >/dev/null
	git_ checkout -q -f -B edit base
	for msg in "$repo"/series/[0-9]*.msg; do
		for p in $(sed -n 's/^Patches: *//p' "$msg"); do
			git_ apply --index "$repo/patches/$p" ||
				die "$p does not apply"
		done
		for f in $(sed -n 's/^Files: *//p' "$msg"); do
			mkdir -p "$src/$(dirname "$f")"
			cp "$repo/$f" "$src/$f"
			git_ add -f "$f"
		done
		sed '1,/^$/d' "$msg" | git_ commit -q -F -
	done
	[ "$(git_ rev-parse 'edit^{tree}')" = "$(git_ rev-parse 'HEAD^{tree}')" ]
	echo "branch edit in $src: $(git_ rev-list --count base..edit) commits"
	;;
export)
	commits=$(git_ rev-list --reverse base..edit)
	[ -n "$commits" ] || die "no commit on branch edit"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/series" "$tmp/patches"
	added=" "
	n=0
	for c in $commits; do
		subject=$(git_ log -1 --format=%s "$c")
		# As git format-patch names patches: the subject, in at most
		# 52 characters, cut between words.
		slug=$(tr 'A-Z' 'a-z' <<<"$subject" | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//')
		[ ${#slug} -le 52 ] || slug=$(cut -c1-53 <<<"$slug" | sed 's/-[^-]*$//')
		nn=$(printf '%02d' "$n")
		patch=$(printf '%04d' "$n")-$slug.patch
		new=() changed=()
		while IFS=$'\t' read -r st f; do
			case "$added" in *" $f "*) die "$(git_ log -1 --format=%h "$c") ($subject) changes $f, which an earlier commit adds" ;; esac
			if [ "$st" = A ]; then new+=("$f"); else changed+=("$f"); fi
		done < <(git_ diff --no-renames --name-status "$c^" "$c")
		for f in "${new[@]}"; do added+="$f "; done
		if [ ${#changed[@]} -gt 0 ]; then
			git_ diff --no-color --no-renames "$c^" "$c" -- "${changed[@]}" >"$tmp/patches/$patch"
			echo "$patch" >>"$tmp/patches/series"
		else
			patch=
		fi
		{
			echo "Patches: $patch"
			echo "Files: ${new[*]}"
			echo
			git_ log -1 --format=%B "$c" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
		} >"$tmp/series/$nn-$slug.msg"
		for f in "${new[@]}"; do
			mkdir -p "$repo/$(dirname "$f")"
			git_ show "$c:$f" >"$repo/$f"
		done
		n=$((n + 1))
	done
	rm -f "$repo"/series/[0-9]*.msg "$repo"/patches/*.patch "$repo/patches/series"
	cp "$tmp"/series/* "$repo/series/"
	{
		echo "# The series' patches to files the base has, in order (see ws/patches.sh)."
		cat "$tmp/patches/series"
	} >"$repo/patches/series"
	cp "$tmp"/patches/*.patch "$repo/patches/"
	echo "series/ and patches/ rewritten from branch edit ($n commits)"
	;;
*)
	echo "usage: ws/patches.sh import|export" >&2
	exit 2
	;;
esac
