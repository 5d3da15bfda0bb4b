LL_FS_RO=/ LL_FS_RW=/dev:/tmp:/proc LL_UDP_BIND=0 LL_UDP_CONNECT_SEND=5353 sandboxer ./repro 2>&1 | tail -2
dmesg | grep -c "BUG: KCSAN: data-race in __lock_sock_fast / lock_sock_nested"
dmesg | grep "BUG: KCSAN" | sort | uniq -c
