# SPDX-License-Identifier: GPL-2.0
# minivmmctl stop takes the CPU back from a spinning guest within 1 s; the
# VM is STOPPED (reason: stop request) and run reports it and cleans up.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

# centiseconds since boot
now_cs() { awk "{ printf \"%d\\n\", \$1 * 100 }" /proc/uptime; }

assert_exists "$G/spin.bin"
minivmmctl run --name spin57 "$G/spin.bin" >/tmp/spin57.out 2>/tmp/spin57.err &
pid=$!
wait_text /tmp/spin57.out spinning 60 ||
	fail "no \"spinning\" on the console after 60 s: $(cat /tmp/spin57.err)"
ctl list
assert_match "$OUT" "spin57 +RUNNING" "list while spinning"

t0=$(now_cs)
run minivmmctl stop spin57
t1=$(now_cs)
[ "$RC" -eq 0 ] || fail "minivmmctl stop exited $RC: $ERR"
note "stop took $(((t1 - t0) * 10)) ms"
# The KASAN kernel runs everything 2-3 times slower (1070 ms seen there on
# a loaded machine): the 1 s promise is judged on the other kernels.
limit=100
[ "${MV_KERNEL:-test}" != test-debug ] || limit=300
[ $((t1 - t0)) -le "$limit" ] ||
	fail "stop took $(((t1 - t0) * 10)) ms, more than $((limit / 100)) s"

# run may already have destroyed it; if it is still listed it must be STOPPED.
ctl list
if echo "$OUT" | grep -q " spin57 "; then
	assert_match "$OUT" "spin57 +STOPPED +[0-9]+ +[0-9]+ +stopped" "list after stop"
fi

i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 100 ] || { kill "$pid"; fail "run did not end within 10 s of stop"; }
	sleep 0.1
done
wait "$pid"
rc=$?
cat /tmp/spin57.err
[ "$rc" -eq 1 ] || fail "run exited $rc after stop, expected 1"
grep -q "VM stopped by request" /tmp/spin57.err || fail "run did not report the stop request"
no_vms_left
