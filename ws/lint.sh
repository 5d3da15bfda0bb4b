#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the checks Landlock's and Rust-for-Linux's maintainers run.
#
#  - checkpatch.pl --strict --codespell on every patch of the series as
#    "make series" exports it, and on every C file this repository adds;
#  - clang-format (the kernel's .clang-format) on the C files we touch;
#  - no change to what other LSMs log (security/lsm_audit.c, other LSMs);
#  - W=1 and sparse (C=2) on security/landlock/ and security/lsm_audit.o;
#  - coccinelle (the kernel's semantic patches, report mode) on
#    security/landlock/, and kernel-doc -Wall on the files we change;
#  - W=1 on security/landlock/ with clang, and with gcc for i386, 32-bit
#    arm and big-endian s390x;
#  - rustfmtcheck, CLIPPY=1 (the kernel's .clippy.toml) and rustdoc with
#    -Dwarnings, of the kernel crate and of Landlock's Rust crate;
#  - Landlock's Rust names kernel::bindings only in its wrapper of
#    Landlock's own C interface (net_rs/c_api.rs and its submodules), and
#    no bindgen anonymous member (__bindgen_anon_*) outside rust/kernel/.
#
# Findings listed in ws/lint-allowed (with the reason they stay) are
# reported but do not fail; any other finding fails.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
WORK=${WORK:-$CACHE/work}
B=$WORK/build-ours
fail=0
log() { printf '[lint] %s\n' "$*"; }

# shellcheck disable=SC1091
. <(sed 's/ *:= */=/' "$CACHE/env.mk")
export RUST_LIB_SRC LIBCLANG_PATH PATH=$HOME/.cargo/bin:$PATH
src=$("$repo/ws/tree.sh" ours) || exit 1
[ -f "$B/vmlinux" ] || { log "build first (make build)"; exit 1; }
kmake() { make -C "$src" O="$B" -j"$(nproc)" "$@"; }
allowed=$(grep -v '^#' "$repo/ws/lint-allowed" | cut -f1 | grep -v '^$')

# report NAME FILE: print findings, fail on those not allowed.
report() {
	local name=$1 out=$2 bad
	bad=$(sed 's/ (x[0-9]*)$//' "$out" | grep -vxF -f <(printf '%s\n' "$allowed") || true)
	if [ -s "$out" ]; then
		sed 's/^/    /' "$out"
	fi
	if [ -n "$bad" ]; then
		log "$name: FAIL ($(grep -c . <<<"$bad") finding(s) not in ws/lint-allowed)"
		fail=1
	else
		log "$name: ok ($(grep -c . "$out") allowed finding(s))"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------ checkpatch
# Debian's codespell keeps its dictionary with its Python module.
dict=$(/usr/bin/python3 -c 'import codespell_lib, os; print(os.path.join(os.path.dirname(codespell_lib.__file__), "data", "dictionary.txt"))' 2>/dev/null)
[ -f "$dict" ] || { log "codespell dictionary not found (apt-get install codespell)"; fail=1; }
cp_opts=(--strict --no-tree -q --codespell ${dict:+--codespellfile "$dict"})
mapfile -t newc < <(cd "$repo" && git ls-files '*.c' '*.h' | grep -v '^ws/')
# The series as a reviewer receives it (commit messages included), signed
# off by a test identity.
"$repo/ws/series.sh" --check "$tmp/series" 2>"$tmp/series.log" ||
	{ cat "$tmp/series.log"; log "series: FAIL (ws/series.sh --check)"; fail=1; }
{
	for p in "$tmp"/series/*/*.patch; do
		case "$p" in *-0000-cover-letter.patch) continue ;; esac
		"$src/scripts/checkpatch.pl" "${cp_opts[@]}" "$p"
	done
	for f in "${newc[@]}"; do
		"$src/scripts/checkpatch.pl" "${cp_opts[@]}" -f "$src/$f"
	done
} 2>&1 | grep -E '^(ERROR|WARNING|CHECK):' | sed 's/^\([A-Z]*: [^#]*\).*/\1/' | sort | uniq -c |
	sed 's/^ *\([0-9]*\) \(.*\)/\2 (x\1)/' >"$tmp/checkpatch"
report checkpatch "$tmp/checkpatch"

# ---------------------------------------------------------- clang-format
: >"$tmp/clang-format"
for f in $(git -C "$src" diff --name-only base -- '*.c' '*.h'); do
	case "$f" in security/*|tools/testing/selftests/landlock/*) ;; *) continue ;; esac
	# Only files that the base keeps clang-format clean.
	if git -C "$src" cat-file -e "base:$f" 2>/dev/null; then
		n=$(cd "$src" && git show "base:$f" |
			clang-format-19 --dry-run --assume-filename="$f" 2>&1 | grep -c 'warning:')
		[ "$n" = 0 ] || continue
	fi
	n=$(cd "$src" && clang-format-19 --dry-run "$f" 2>&1 | grep -c 'warning:')
	[ "$n" = 0 ] || echo "clang-format: $f: $n line(s) to reformat" >>"$tmp/clang-format"
done
report clang-format "$tmp/clang-format"

# ------------------------------------------------- other LSMs' records
# audit_log_lsm_data() writes the network records of every LSM (SELinux's
# AVCs, AppArmor's, Smack's): Landlock's own fields (fam=, src=0) are
# logged by security/landlock/audit.c, so that no other LSM's record
# changes.  Fails if the series touches the common formatter or another
# LSM.
git -C "$src" diff --name-only base -- security/lsm_audit.c \
	include/linux/lsm_audit.h security/selinux security/apparmor \
	security/smack security/tomoyo |
	sed 's/^/changes what other LSMs log: /' >"$tmp/other-lsms"
report "other LSMs' records" "$tmp/other-lsms"

# ------------------------------------------------------- W=1, sparse
targets=(security/landlock/ security/lsm_audit.o)
(cd "$src" && touch security/landlock/*.c security/lsm_audit.c)
kmake W=1 C=2 "${targets[@]}" 2>&1 | grep -E 'warning:|error:' >"$tmp/w1" || true
report "W=1 + sparse" "$tmp/w1"

# --------------------------------------------------------- coccinelle
# The kernel's semantic patches in report mode on security/landlock/, as
# "make coccicheck MODE=report M=security/landlock" runs them, without the
# few that need an OCaml compiler (none is about code like ours).
: >"$tmp/cocci"
for c in $(grep -rl '^virtual report' "$src/scripts/coccinelle" --include='*.cocci' |
	xargs grep -L 'script:ocaml' | sort); do
	(cd "$src" && spatch -D report --no-show-diff --very-quiet --cocci-file "$c" \
		--no-includes --include-headers --dir security/landlock \
		-I arch/x86/include -I "$B/arch/x86/include/generated" -I include \
		-I "$B/include" -I arch/x86/include/uapi \
		-I "$B/arch/x86/include/generated/uapi" -I include/uapi \
		-I "$B/include/generated/uapi" --include include/linux/compiler-version.h \
		--include include/linux/kconfig.h 2>&1) |
		grep -vE '^[0-9]+ files match$|should .* be a metavariable\?$|^$' |
		sed "s|^|coccinelle $(basename "$c"): |" >>"$tmp/cocci" || true
done
report coccinelle "$tmp/cocci"

# ---------------------------------------------------------- kernel-doc
(cd "$src" && scripts/kernel-doc -none -Wall $(git diff --name-only base -- \
	'security/landlock/*.[ch]' 'security/landlock/*/*.h' include/uapi/linux/landlock.h) 2>&1) |
	sed 's/^/kernel-doc: /' >"$tmp/kernel-doc" || true
report "kernel-doc -Wall" "$tmp/kernel-doc"

# ------------------------------------- clang, and 32-bit and big-endian
# What the kernel test robot builds first: W=1 on security/landlock/ with
# clang (x86_64, the C hooks), and with gcc for i386, 32-bit arm and
# big-endian s390x (Rust is not built there: the C hooks, and the port
# table's keys in network byte order).  Each has its build directory, configured once: the arch's
# defconfig, the Landlock selftests' config and the KUnit tests.
xw1() { # NAME MAKE-ARGS...: W=1 of security/landlock/ in $WORK/build-lint-NAME
	local name=$1 o=$WORK/build-lint-$1
	shift
	mkdir -p "$o"
	if [ ! -f "$o/.lint-configured" ]; then
		make -C "$src" O="$o" "$@" -s defconfig >/dev/null 2>&1 &&
			printf '%s\n' CONFIG_KUNIT=y CONFIG_SECURITY_LANDLOCK_KUNIT_TEST=y \
				'# CONFIG_RUST is not set' >"$o/lint.fragment" &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" \
				"$src/tools/testing/selftests/landlock/config" \
				"$o/lint.fragment" >/dev/null 2>&1 ||
			{ echo "$name: cannot configure"; return; }
		make -C "$src" O="$o" "$@" -s olddefconfig >/dev/null 2>&1 ||
			{ echo "$name: cannot configure"; return; }
		grep -q '^CONFIG_SECURITY_LANDLOCK=y' "$o/.config" ||
			{ echo "$name: Landlock not enabled by its config"; return; }
		touch "$o/.lint-configured"
	fi
	(cd "$src" && touch security/landlock/*.c)
	make -C "$src" O="$o" "$@" -j"$(nproc)" -s W=1 security/landlock/ 2>&1 |
		grep -E 'warning:|error:' | grep 'security/landlock/' | sed "s/^/$name: /"
	[ "${PIPESTATUS[0]}" = 0 ] || echo "$name: security/landlock/ does not build"
}
{
	xw1 clang LLVM=-19
	xw1 i386 ARCH=i386 CROSS_COMPILE=i686-linux-gnu-
	xw1 arm ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-
	xw1 s390x ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-
} >"$tmp/xw1"
report "W=1: clang, i386, arm, s390x" "$tmp/xw1"

# ---------------------------------------------------------------- Rust
kmake rustfmtcheck 2>&1 | grep -vE '^make|^  ' >"$tmp/rustfmt" || true
report rustfmtcheck "$tmp/rustfmt"

(cd "$src" && touch security/landlock/net_rs.rs rust/kernel/net/socket.rs)
kmake CLIPPY=1 rust/ security/landlock/ 2>&1 | grep -E '^(warning|error)' >"$tmp/clippy" || true
report clippy "$tmp/clippy"

kmake rustdoc KRUSTFLAGS=-Dwarnings 2>&1 | grep -E '^(warning|error)' >"$tmp/rustdoc" || true
report "rustdoc (kernel crate)" "$tmp/rustdoc"

# make rustdoc only documents rust/: run rustdoc on Landlock's crate with
# the flags Kbuild compiled it with.
"$repo/ws/rustdoc-crate.sh" "$B" security/landlock/net_rs.o "$tmp/rustdoc-ll" 2>&1 |
	grep -E '^(warning|error)' >"$tmp/rustdoc-ll.out" || true
report "rustdoc (Landlock)" "$tmp/rustdoc-ll.out"

# Landlock's Rust reaches the kernel through kernel:: abstractions; only
# the wrapper of its own C interface names bindings.
ours_rs=$(git -C "$src" diff --name-only --diff-filter=AM base -- '*.rs')
(cd "$src" && grep -Hn 'bindings::' $(grep '^security/landlock/' <<<"$ours_rs" |
	grep -vE '^security/landlock/net_rs/c_api(\.rs|/)') /dev/null |
	sed 's/^/bindings:: outside the wrapper module: /') >"$tmp/bindings" || true
(cd "$src" && grep -Hn '__bindgen_anon' $(grep -v '^rust/kernel/' <<<"$ours_rs") /dev/null |
	sed 's/^/bindgen anonymous member outside rust\/kernel: /') >>"$tmp/bindings" || true
report "kernel:: abstractions" "$tmp/bindings"

# Back to the objects "make build" makes.
kmake -s bzImage >/dev/null 2>&1 || { log "rebuild after lint failed"; fail=1; }

if [ $fail = 0 ]; then
	log "all clean (allowed findings are listed with their reason in ws/lint-allowed)"
else
	log "FAILED"
fi
exit $fail
