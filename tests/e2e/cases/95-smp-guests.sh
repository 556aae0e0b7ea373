# SPDX-License-Identifier: GPL-2.0
# Multiprocessor guests (issue 18), with smp-<ROUNDS>.bin (tests/guests/smp.S):
# the BSP starts its APs with INIT/SIPI from its own code (a real-mode
# trampoline to long mode), every vCPU adds INCS=20000 to a spinlock-protected
# counter, and ROUNDS fixed IPIs go round the ring of all vCPUs.  The guest
# checks each count and exits 0x40; the host checks the printed counts too:
# - 2 and 4 vCPUs (svm: 10000 round trips with 2, 2000 with 4; vmx, where
#   Bochs is slower and the vCPUs share one host CPU: 2000 and 500);
# - a 4-vCPU VM paused mid-ring, stats shown per vCPU, resumed, still exact;
#   its spins exited on PAUSE where the CPU offers PAUSE-loop exiting;
# - a 4-vCPU VM stopped and destroyed mid-ring, and APs still waiting for
#   their SIPI paused, resumed and stopped: no vCPU thread is left;
# - --vcpus limits: 64 is the maximum, the policy's max-vcpus applies.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

# The paused and the stopped runs must still be running when the pause
# or stop comes, @settle seconds after the start.  Under Bochs (one host
# CPU) a 4-vCPU ring of 10000 round trips takes about 40 s of wall, and
# so does a "sleep 0.3" beside it: there the pause comes right after the
# start (whatever the ring's phase), and the ring is long enough to be
# running then.  KASAN's kernel (svm) runs small rings, with the svm
# settle.
if [ "$MV_ARCH" = vmx ]; then
	big=2000 small=500 paused=10000 settle=0
elif [ "${MV_KERNEL:-test}" = test-debug ]; then
	big=2000 small=500 paused=2000 settle=2
else
	big=10000 small=2000 paused=2000 settle=2
fi
for r in $big $small $paused; do
	assert_exists "$G/smp-$r.bin"
done

t0=$(date +%s)
assert_status 64 timeout 200 minivmmctl run --vcpus 2 "$G/smp-$big.bin"
smp_expect 2 $big
echo "  2 vCPUs, $big round trips: $(($(date +%s) - t0)) s"

t0=$(date +%s)
assert_status 64 timeout 200 minivmmctl run --vcpus 4 "$G/smp-$small.bin"
smp_expect 4 $small
echo "  4 vCPUs, $small round trips: $(($(date +%s) - t0)) s"

# One vCPU: the guest refuses to run (bit 0), the VM still works.
assert_status 65 timeout 100 minivmmctl run "$G/smp-$small.bin"

# Pause and resume a 4-vCPU VM in the middle: nothing is lost.
assert_ok minivmmctl create smp95 --mem 16M --vcpus 4
assert_ok minivmmctl load --mode long smp95 "$G/smp-$paused.bin"
minivmmctl console smp95 >/tmp/smp95.out 2>/tmp/smp95.err &
cpid=$!
console_attached "$cpid" || fail "console did not attach"
assert_ok minivmmctl start smp95
sleep "$settle"
assert_ok minivmmctl pause smp95
assert_state smp95 PAUSED
ctl stats --json smp95
assert_match "$OUT" '"vcpu_stats": \[\{"vcpu": 0, "exits": [1-9].*\{"vcpu": 3, "exits": [0-9]+' \
	"per-vCPU stats of a 4-vCPU VM"
ctl stats smp95
assert_match "$OUT" "per vCPU:" "stats text"
assert_match "$OUT" "^    3 +[0-9]+ " "stats text, vCPU 3"
echo "$OUT" | tail -n 5
guest_time 1
assert_ok minivmmctl resume smp95
assert_state smp95 RUNNING
n=0
until [ "$(state_of smp95)" = STOPPED ]; do
	n=$((n + 1))
	[ "$n" -le 240 ] || fail "smp95 did not finish in 120 s after resume"
	sleep 0.5
done
wait "$cpid"
OUT=$(cat /tmp/smp95.out)
smp_expect 4 $paused
ctl list --json
assert_match "$OUT" '"name": "smp95", "state": "STOPPED".*"stop_reason": "exited"' "smp95 exited"
# PAUSE-loop exits: the BSP spins on PAUSE while its APs start and count,
# and they share the host's CPUs with it (one under Bochs).  Where the CPU
# offers PAUSE-loop exiting (or the pause filter) the spin exits and the
# BSP's thread yields to a sibling; where it does not, none may be counted.
ctl stats --json smp95
pauses=$(json_num "$OUT" pause)
[ -n "$pauses" ] || fail "stats --json lacks the pause exit count"
ctl info --json
if echo "$OUT" | grep -q '"pause-loop"'; then
	[ "$pauses" -gt 0 ] || fail "pause-loop exiting is on, yet no PAUSE-loop exit in a 4-vCPU spinlock run"
	echo "  PAUSE-loop exits: $pauses"
else
	[ "$pauses" -eq 0 ] || fail "$pauses PAUSE-loop exits without the feature"
	note "the CPU has no PAUSE-loop exiting (QEMU's SVM offers no pause filter): not exercised"
fi
assert_ok minivmmctl destroy smp95

# Stop and destroy a 4-vCPU VM mid-ring.
assert_ok minivmmctl create smpstop --mem 16M --vcpus 4
assert_ok minivmmctl load --mode long smpstop "$G/smp-$paused.bin"
assert_ok minivmmctl start smpstop
sleep "$settle"
assert_state smpstop RUNNING
assert_ok minivmmctl stop --force smpstop
assert_state smpstop STOPPED
assert_ok minivmmctl destroy smpstop

# APs that never get a SIPI: spin.bin on the BSP, three APs waiting.
assert_ok minivmmctl create smpwait --mem 1M --vcpus 4
assert_ok minivmmctl load --mode long smpwait "$G/spin.bin"
assert_ok minivmmctl start smpwait
guest_time 1
assert_ok minivmmctl pause smpwait
ctl stats --json smpwait
assert_match "$OUT" '"vcpu": 3, [^}]*"mp_state": "wait-for-sipi"' "AP 3 waits for SIPI"
assert_ok minivmmctl resume smpwait
assert_ok minivmmctl destroy --force smpwait
left=$(cat /proc/[0-9]*/comm 2>/dev/null | grep '^minivmm/')
[ -z "$left" ] || fail "vCPU threads left: $left"

# Limits.
refused "65 vCPUs" minivmmctl create big95 --mem 1M --vcpus 65
assert_ok minivmmctl create max95 --mem 1M --vcpus 64
assert_ok minivmmctl destroy max95
assert_ok minivmmctl policy set --max-vcpus 2
refused "more vCPUs than the policy allows" minivmmctl create pol95 --mem 1M --vcpus 3
assert_match "$ERR" "vCPU" "policy refusal names vCPUs"
assert_ok minivmmctl create pol95 --mem 1M --vcpus 2
assert_ok minivmmctl destroy pol95
assert_ok minivmmctl policy set --max-vcpus 64
no_vms_left
