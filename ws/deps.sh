#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing the kernel needs, idempotently.
# A fast no-op when everything is already there.
#
# Outputs (all under $CACHE, outside the work tree):
#   $CACHE/linux-source-<ver>.tar.xz   the base kernel tarball
#   $CACHE/rust-src-<rustc ver>/library the Rust standard library sources
#   $CACHE/env.mk                      variables for the Makefile
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-$HOME/.cache/landlock-udp}
mkdir -p "$CACHE"

pin() { sed -n "s/^$1 *= *//p" "$here/versions.mk"; }
LINUX_SOURCE_VERSION=$(pin LINUX_SOURCE_VERSION)
LINUX_SOURCE_SHA256=$(pin LINUX_SOURCE_SHA256)
BINDGEN_VERSION=$(pin BINDGEN_VERSION)
LLVM_VERSION=$(pin LLVM_VERSION)

log() { printf '[deps] %s\n' "$*" >&2; }
die() { printf '[deps] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- apt
APT_PKGS="gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils
	qemu-system-x86 libcap-dev libclang-${LLVM_VERSION}-dev
	clang-${LLVM_VERSION} lld-${LLVM_VERSION} llvm-${LLVM_VERSION}
	busybox-static python3 git rsync kmod pahole dwarves codespell
	clang-format-${LLVM_VERSION} sparse auditd coccinelle
	gcc-i686-linux-gnu gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu"
missing=
for p in $APT_PKGS; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing="$missing $p"
done
missing=$(echo "$missing" | tr ' ' '\n' | sort -u | grep -v '^$' || true)
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || die "missing packages: $missing (run as root or install them)"
	log "installing: $(echo $missing)"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		$missing >/dev/null || die "apt-get install failed for: $(echo $missing)"
fi

# ------------------------------------------- trixie-backports, looked up privately
# Only for fetching two arch:all .debs; the system's sources stay untouched.
BPO=$CACHE/apt
APT_OPTS=(-o "Dir::Etc::SourceList=$BPO/trixie-backports.sources"
	-o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$BPO/lists" -o "Dir::Cache=$BPO/cache"
	-o Dir::State::Status=/dev/null -o APT::Sandbox::User=root
	-o Debug::NoLocking=1)
bpo_update() {
	mkdir -p "$BPO/lists/partial" "$BPO/cache/archives/partial"
	cat >"$BPO/trixie-backports.sources" <<-EOF
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: trixie-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get "${APT_OPTS[@]}" update -q >/dev/null 2>&1 ||
		die "cannot read trixie-backports from deb.debian.org"
}
bpo_versions() { # package -> available versions, newest first
	apt-cache "${APT_OPTS[@]}" madison "$1" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}'
}
bpo_fetch() { # package version destdir
	(cd "$3" && apt-get "${APT_OPTS[@]}" download -q "$1=$2" >/dev/null 2>&1)
}
bpo_ready=0
bpo() { [ $bpo_ready = 1 ] || { bpo_update; bpo_ready=1; }; }

# ------------------------------------------------------------ linux-source
src_tar=$CACHE/linux-source-7.3.tar.xz
if [ ! -s "$src_tar" ]; then
	bpo
	ver=$LINUX_SOURCE_VERSION
	if ! bpo_versions linux-source-7.3 | grep -qxF "$ver"; then
		new=$(bpo_versions linux-source-7.3 | head -n1)
		[ -n "$new" ] || die "linux-source-7.3 not found in trixie-backports; pass KSRC=/path/to/linux-7.3"
		log "WARNING: pinned linux-source-7.3 $ver is gone; using $new (update scripts/versions.mk)"
		ver=$new
		LINUX_SOURCE_SHA256=
	fi
	tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
	log "downloading linux-source-7.3 $ver (~170 MB)"
	bpo_fetch linux-source-7.3 "$ver" "$tmp" || die "download of linux-source-7.3 $ver failed"
	deb=$(ls "$tmp"/linux-source-7.3_*.deb)
	if [ -n "$LINUX_SOURCE_SHA256" ]; then
		echo "$LINUX_SOURCE_SHA256  $deb" | sha256sum -c --quiet - ||
			die "sha256 mismatch for $deb"
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*/linux-source-7.3.tar.xz'
	mv "$(find "$tmp" -name linux-source-7.3.tar.xz)" "$src_tar"
	echo "$ver" >"$CACHE/linux-source-7.3.version"
	rm -rf "$tmp"
fi

# ---------------------------------------------------------------- rust-src
rustc_ver=$(rustc --version | awk '{print $2}')
rust_lib=$CACHE/rust-src-$rustc_ver/library
if [ ! -d "$rust_lib/core" ]; then
	sysroot_lib=$(rustc --print sysroot)/lib/rustlib/src/rust/library
	if [ -d "$sysroot_lib/core" ]; then
		rust_lib=$sysroot_lib
	else
		bpo
		ver=$(bpo_versions rust-src | grep "^${rustc_ver}+" | head -n1)
		[ -n "$ver" ] || die "no Debian rust-src for rustc $rustc_ver; install it with 'rustup component add rust-src'"
		tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
		log "downloading rust-src $ver"
		bpo_fetch rust-src "$ver" "$tmp" || die "download of rust-src $ver failed"
		dpkg-deb -x "$tmp"/rust-src_*.deb "$tmp/x"
		mkdir -p "$CACHE/rust-src-$rustc_ver"
		mv "$tmp/x/usr/src/rustc-$rustc_ver/library" "$CACHE/rust-src-$rustc_ver/" ||
			die "unexpected layout in rust-src $ver"
		rm -rf "$tmp"
	fi
fi

# ---------------------------------------------------------- apparmor_parser
# For the guest's lsm_records_test (VARIANT=distro): AppArmor's parser,
# from the system's own suite, only unpacked (no AppArmor on this host).
aa=$CACHE/apparmor
if [ ! -x "$aa/sbin/apparmor_parser" ]; then
	tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
	log "downloading apparmor (apparmor_parser, for the distro variant)"
	(cd "$tmp" && apt-get download -q apparmor >/dev/null 2>&1) ||
		die "apt-get download apparmor failed"
	dpkg-deb -x "$tmp"/apparmor_*.deb "$tmp/x"
	rm -rf "$aa" && mkdir -p "$aa/etc/apparmor.d" "$aa/etc/apparmor" "$aa/sbin"
	mv "$tmp/x/sbin/apparmor_parser" "$aa/sbin/"
	mv "$tmp/x/etc/apparmor.d/abi" "$aa/etc/apparmor.d/"
	: >"$aa/etc/apparmor/parser.conf"
	rm -rf "$tmp"
fi

# ----------------------------------------------------------------- bindgen
export PATH=$HOME/.cargo/bin:$PATH
if ! bindgen --version 2>/dev/null | grep -q "$BINDGEN_VERSION"; then
	log "installing bindgen-cli $BINDGEN_VERSION from crates.io"
	cargo install --locked -q --version "$BINDGEN_VERSION" bindgen-cli >&2 ||
		die "cargo install bindgen-cli failed"
fi

cat >"$CACHE/env.mk.tmp" <<EOF
RUST_LIB_SRC := $rust_lib
LIBCLANG_PATH := /usr/lib/llvm-$LLVM_VERSION/lib
LINUX_TARBALL := $src_tar
EOF
mv "$CACHE/env.mk.tmp" "$CACHE/env.mk"
