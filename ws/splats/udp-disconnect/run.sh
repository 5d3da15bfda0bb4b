ip link set dev lo up
./repro 2>&1 | tail -1
dmesg | grep -c "BUG: KCSAN: data-race in __udp_disconnect / udp_sendmsg"
dmesg | grep "BUG: KCSAN" | sort | uniq -c
