# SPDX-License-Identifier: GPL-2.0
# minivmmctl stop takes the CPU back from a spinning guest within 1 s; the
# VM is STOPPED (reason: stop request) and run reports it and cleans up.
. "$MV_LIB"

# Guest programs: tests/e2e/run ships tests/guests (built) as /add/guests.
G=$MV_ADD/guests/out
[ -d "$G" ] || G=$MV_ADD/guests

# Destroy every VM still listed, then unload (also on failure).
destroy_all() {
	for id in $(minivmmctl list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		minivmmctl destroy --force "$id" >/dev/null 2>&1
	done
}
cleanup() { destroy_all; mv_unload_quiet; }
trap cleanup EXIT

# no_vms_left: "minivmmctl list" must show nothing.
no_vms_left() {
	ctl list
	[ "$RC" -eq 0 ] || fail "minivmmctl list exited $RC"
	[ -z "$OUT" ] || fail "VMs left behind: $(echo "$OUT" | tail -n +2 | tr "\n" ";")"
}

mv_loaded || mv_load


# centiseconds since boot
now_cs() { awk "{ printf \"%d\\n\", \$1 * 100 }" /proc/uptime; }

# wait_text FILE TEXT SECONDS
wait_text() {
	_n=$(($3 * 10))
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

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
[ $((t1 - t0)) -le 100 ] || fail "stop took $(((t1 - t0) * 10)) ms, more than 1 s"

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
