#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs: static busybox, ws/guest/init, Landlock's
# kselftests and the Landlock sandboxer sample.
#
#   ws/initramfs.sh BUILD_DIR SRC_DIR
set -euo pipefail
B=${1:?} src=${2:?}
repo=$(cd "$(dirname "$0")/.." && pwd)
root=$B/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,host,ll} \
	"$root/kselftest/landlock"
cp /bin/busybox "$root/bin/busybox"
cp "$repo/ws/guest/init" "$root/init"
chmod 755 "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

K=$B/kselftest
find "$K" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/kselftest/landlock/" \;
# The suites to run: every *_test binary (fs_bench is a benchmark).
(cd "$K" && ls | grep '_test$' | sort) >"$root/kselftest/landlock/TESTS"

# The kernel's sandboxer sample, static, for "make run".
gcc -O2 -static -Wall -isystem "$B/usr/include" -o "$root/bin/sandboxer" \
	"$src/samples/landlock/sandboxer.c"
gcc -O2 -static -Wall -o "$root/bin/udp" "$repo/ws/demo/udp.c"

# Other LSMs' network records (ws/guest/lsm_records_test.c), with AppArmor's
# parser (dynamic: the host's loader and libc come along).
sel=$src/tools/testing/selftests
gcc -O2 -static -Wall -Wno-unused-function -isystem "$B/usr/include" \
	-I "$sel" -I "$sel/landlock" -o "$root/kselftest/landlock/lsm_records_test" \
	"$repo/ws/guest/lsm_records_test.c"
echo lsm_records_test >>"$root/kselftest/landlock/TESTS"
# Landlock's records, which ws/report.py feeds to ausearch -i on the host.
# They check fam= and the AF_UNSPEC blocker, which the second series adds: a
# tree without them (the fixes series alone, stock) does not run them.
if grep -q 'fam=inet6' "$src/security/landlock/audit.c"; then
	gcc -O2 -static -Wall -Wno-unused-function -isystem "$B/usr/include" \
		-I "$sel" -I "$sel/landlock" -o "$root/kselftest/landlock/audit_records_test" \
		"$repo/ws/guest/audit_records_test.c"
	echo audit_records_test >>"$root/kselftest/landlock/TESTS"
else
	echo "[initramfs] no fam= in this tree's records: audit_records_test not run" >&2
fi
aa=${CACHE:-$HOME/.cache/landlock-udp}/apparmor
if [ -x "$aa/sbin/apparmor_parser" ]; then
	cp -a "$aa/." "$root/"
	for lib in $(ldd "$aa/sbin/apparmor_parser" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$B/initramfs.cpio.gz.tmp"
mv "$B/initramfs.cpio.gz.tmp" "$B/initramfs.cpio.gz"
