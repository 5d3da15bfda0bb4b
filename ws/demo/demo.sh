#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# "make run": Landlock UDP at work, with the kernel's sandboxer sample.
# Runs as root in the test guest (see ws/guest/init).
say() { printf '\n== %s\n' "$*"; }

say "kernel $(uname -r); Landlock ABI $(sandboxer 2>&1 | sed -n 's/.*ABI version \([0-9]*\).*/\1/p' | head -n1)"
dmesg -n 1

sandbox() {
	LL_FS_RO=/ LL_FS_RW=/dev:/tmp LL_TCP_BIND= LL_TCP_CONNECT= \
	LL_UDP_BIND=0 LL_UDP_CONNECT_SEND=5353 LL_FORCE_LOG=1 \
		sandboxer "$@" 2>&1 | grep -v '^Executing the sandboxed command'
}
exchange() { # port: unsandboxed receiver, sandboxed sender
	udp recv 127.0.0.1 "$1" 3 &
	sleep 0.3
	sandbox udp send 127.0.0.1 "$1" "hello from the sandbox"
	wait $!
}

say "sandbox: LL_UDP_BIND=0 (ephemeral source ports) LL_UDP_CONNECT_SEND=5353 (the only destination)"
say "allowed: send to 127.0.0.1:5353"
exchange 5353 && ok=1
say "denied: send to 127.0.0.1:5454"
exchange 5454 || denied=1
say "audit record of the denial (from the kernel log)"
sleep 0.5 # kauditd prints asynchronously
dmesg | grep -E "type=1423" | sed "s/^\[[ 0-9.]*\] //" | tail -n 1

# UDP destinations as the stack reads them (Landlock erratum 5); stock 7.3
# refuses the first with EACCES.
say "AF_UNSPEC destination on an IPv6 socket connected to the allowed [::1]:5353"
udp recv ::1 5353 3 &
sleep 0.3
sandbox udp unspec6 5353 "hello over IPv6, no address"
wait $!
say "IPV6_ADDRFORM on a socket that sent to an AF_UNSPEC destination: never denied"
sandbox udp unspec-then-addrform 5353
say "a socket converted to IPv4: its AF_UNSPEC destination is checked as IPv4 (port 5454)"
sandbox udp addrform 5353 5454
say "audit record of this denial (fam=inet, the port of the AF_UNSPEC bytes)"
sleep 0.5 # kauditd prints asynchronously
dmesg | grep -E "type=1423" | sed "s/^\[[ 0-9.]*\] //" | tail -n 1

[ "${ok:-0}" = 1 ] && [ "${denied:-0}" = 1 ] && { say "OK: one exchange allowed, one denied"; exit 0; }
say "UNEXPECTED result"
exit 1
