# SPDX-License-Identifier: GPL-2.0
# VM lifecycle through minivmmctl on spin.bin: create, load, start, pause,
# resume, stop, destroy, with the state checked after each step; invalid
# transitions are refused with a message and exit 1; destroy --force of a
# running VM works.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/spin.bin"

assert_ok minivmmctl create lc60 --mem 1M
assert_match "$OUT" "^[0-9]+$" "create prints the id"
assert_state lc60 CREATED
refused "pause a created VM" minivmmctl pause lc60
refused "resume a created VM" minivmmctl resume lc60
assert_state lc60 CREATED

assert_ok minivmmctl load --mode long lc60 "$G/spin.bin"
minivmmctl console lc60 >/tmp/lc60.out 2>/tmp/lc60.err &
cpid=$!
assert_ok minivmmctl start lc60
assert_state lc60 RUNNING
wait_text /tmp/lc60.out spinning 60 ||
	fail "no \"spinning\" on the console after 60 s: $(cat /tmp/lc60.err)"

refused "start a running VM" minivmmctl start lc60
refused "resume a running VM" minivmmctl resume lc60
refused "destroy a running VM without --force" minivmmctl destroy lc60
assert_state lc60 RUNNING

assert_ok minivmmctl pause lc60
assert_state lc60 PAUSED
ctl stats --json lc60
assert_match "$OUT" '"state": "PAUSED"' "stats while paused"
refused "pause a paused VM" minivmmctl pause lc60
refused "start a paused VM" minivmmctl start lc60
refused "destroy a paused VM without --force" minivmmctl destroy lc60

assert_ok minivmmctl resume lc60
assert_state lc60 RUNNING

assert_ok minivmmctl stop --timeout 100 lc60
assert_state lc60 STOPPED
ctl list --json
assert_match "$OUT" '"name": "lc60", "state": "STOPPED".*"stop_reason": "stopped"' "list after stop"
refused "start a stopped VM" minivmmctl start lc60
refused "pause a stopped VM" minivmmctl pause lc60
refused "resume a stopped VM" minivmmctl resume lc60

# The console ends once the VM stopped and everything was read.
i=0
while kill -0 "$cpid" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 100 ] || { kill "$cpid"; fail "console did not end within 10 s of stop"; }
	sleep 0.1
done
wait "$cpid" || fail "console exited $?: $(cat /tmp/lc60.err)"

assert_ok minivmmctl destroy lc60
[ -z "$(state_of lc60)" ] || fail "lc60 still listed after destroy"
refused "destroy a VM that is gone" minivmmctl destroy lc60
refused "pause a VM that does not exist" minivmmctl pause nosuch60

# destroy --force of a running VM.
assert_ok minivmmctl create force60 --mem 1M
assert_ok minivmmctl load --mode long force60 "$G/spin.bin"
assert_ok minivmmctl start force60
assert_state force60 RUNNING
assert_ok minivmmctl destroy --force force60
[ -z "$(state_of force60)" ] || fail "force60 still listed after destroy --force"

# And stop --force of a running one.
assert_ok minivmmctl create sf60 --mem 1M
assert_ok minivmmctl load --mode long sf60 "$G/spin.bin"
assert_ok minivmmctl start sf60
assert_ok minivmmctl stop --force sf60
assert_state sf60 STOPPED
assert_ok minivmmctl destroy sf60

# Usage errors exit 2.
assert_status 2 minivmmctl pause
assert_status 2 minivmmctl stop --timeout soon lc60
assert_status 2 minivmmctl resume --force lc60
no_vms_left
