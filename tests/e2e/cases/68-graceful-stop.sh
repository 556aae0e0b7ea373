# SPDX-License-Identifier: GPL-2.0
# A guest that polls MINIVMM_HC_STOP_REQUESTED gets to end itself when
# "minivmmctl stop" asks: it exits with its own code (0x33), it is not
# forced.  A guest that never polls is forced at once (case 57).
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load

minivmmctl run --name graceful "$G/stopwait.bin" >/tmp/gs.out 2>/tmp/gs.err &
pid=$!
wait_text /tmp/gs.out "waiting for stop" 30 ||
	fail "the guest never printed 'waiting for stop'"

assert_ok minivmmctl stop --timeout 5000 graceful
wait "$pid"
rc=$?
cat /tmp/gs.out /tmp/gs.err
[ "$rc" -eq 51 ] || fail "run exited $rc, expected 51 (0x33, the guest's own exit)"
assert_match "$(cat /tmp/gs.out)" "stop requested" "guest console"
assert_match "$(cat /tmp/gs.err)" "VM exited with code 51" "run's report"
exit 0
