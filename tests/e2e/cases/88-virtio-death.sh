# SPDX-License-Identifier: GPL-2.0
# The device process of a VM dies: "minivmmctl serve --rng" serves
# virtio-rng to tests/guests/virtio.S (rng variant), which counts its
# answers on the console.  serve is killed with SIGKILL: the VM pauses with
# the reason "device-gone" (list, stats, the "device-gone" event), its
# console stops growing; a second device process is refused while the first
# one lives; a new "serve" attaches and resumes the VM, whose guest carries
# on counting from where it stopped (its RAM kept).
. "$MV_LIB"

cleanup88() {
	[ -z "${spid:-}" ] || kill "$spid" 2>/dev/null
	[ -z "${epid:-}" ] || kill "$epid" 2>/dev/null
	cleanup_vms
}
trap cleanup88 EXIT

mv_loaded || mv_load
assert_exists "$G/virtio-rng.bin"

assert_ok minivmmctl create vd88 --mem 16M
assert_ok minivmmctl load --mode long vd88 "$G/virtio-rng.bin"
assert_status 2 minivmmctl serve vd88
minivmmctl serve vd88 --rng 2>/tmp/vd88.s1 &
spid=$!
wait_text /tmp/vd88.s1 "serving 1 device" 30 || fail "serve did not attach: $(cat /tmp/vd88.s1)"
refused "a second device process" minivmmctl serve vd88 --rng
assert_match "$ERR" "another process serves its devices" "second attach refused"
minivmmctl events --json >/tmp/vd88.ev 2>&1 &
epid=$!
minivmmctl console vd88 >/tmp/vd88.out 2>/dev/null &
assert_ok minivmmctl start vd88
wait_text /tmp/vd88.out "rng 00000003" 60 || fail "no third rng answer: $(cat /tmp/vd88.out)"

kill -KILL "$spid"
wait "$spid" 2>/dev/null
spid=""
n=50
until [ "$(state_of vd88)" = PAUSED ]; do
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "VM not paused 5 s after its device process died"
	sleep 0.1
done
ctl list --json
assert_match "$OUT" '"name": "vd88", "state": "PAUSED".*"pause_reason": "device-gone"' "list after the kill"
ctl list
assert_match "$OUT" "vd88 .*PAUSED .*device-gone" "list (text)"
ctl stats vd88
assert_match "$OUT" "PAUSED \\(device process gone\\)" "stats"
wait_text /tmp/vd88.ev '"device-gone"' 5 || note "events: $(cat /tmp/vd88.ev)"
assert_match "$(cat /tmp/vd88.ev)" "device-gone" "the device-gone event"
b0=$(console_bytes vd88)
guest_time 2
assert_eq "$(console_bytes vd88)" "$b0" "console while paused"
# The last whole answer line, once the console reader has copied all the
# guest wrote (the pause may cut a line in two).
n=50
until [ "$(wc -c </tmp/vd88.out)" -ge "$b0" ] || [ "$n" -eq 0 ]; do
	n=$((n - 1))
	sleep 0.1
done
last=$(grep -x 'rng [0-9a-f]\{8\}' /tmp/vd88.out | tail -n 1)
[ -n "$last" ] || fail "no whole 'rng' line before the pause: $(cat /tmp/vd88.out)"

minivmmctl serve vd88 --rng 2>/tmp/vd88.s2 &
spid=$!
wait_text /tmp/vd88.s2 "resumed" 30 || fail "serve did not resume the VM: $(cat /tmp/vd88.s2)"
guest_time 1
sed 's/^/  serve| /' /tmp/vd88.s2
tail -n 3 /tmp/vd88.out | sed 's/^/  guest| /'
ctl list
assert_state vd88 RUNNING
# The count goes on from where it stopped: nothing lost, nothing repeated.
next=$(printf 'rng %08x' $(( 0x${last#rng } + 1 )))
wait_text /tmp/vd88.out "$next" 60 || fail "no '$next' after the resume: $(tail -n 3 /tmp/vd88.out)"
assert_eq "$(grep -c "^$last\$" /tmp/vd88.out)" 1 "'$last' printed once"
assert_progress vd88 30

assert_ok minivmmctl destroy --force vd88
wait "$spid"
src=$?
spid=""
assert_eq "$src" 0 "serve's status once its VM is gone"
no_vms_left
