# Base 7.3's Landlock thread sync (security/landlock/tsync.c, untouched by
# this series) under KCSAN: run on the stock twin with
#   make vm STOCK=1 VARIANT=kcsan CMD='sh run.sh' DIR=ws/splats/tsync
# Its own selftests (trace_test's enforce tests, tsync_test) make sibling
# threads commit credentials concurrently; 4 rounds gave 2 reports.
cd /kselftest/landlock || exit 1
for i in 1 2 3 4; do
	./trace_test >/dev/null 2>&1
	./tsync_test >/dev/null 2>&1
done
dmesg | grep "BUG: KCSAN" | sort | uniq -c
