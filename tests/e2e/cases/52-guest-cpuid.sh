# SPDX-License-Identifier: GPL-2.0
# CPUID as the guest sees it: hypervisor bit set, VMX and SVM hidden,
# leaf 0x40000000 says MiniVMMiniVM, leaf 0x15 (where offered) names the
# local APIC timer's 1 GHz clock, no thermal monitoring.  Exit 0x40 |
# failed checks.  The same guest under run --cpu-model baseline sees the
# baseline CPU's vendor; run --detach leaves it running and prints its id.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/cpuid.bin"
run minivmmctl run "$G/cpuid.bin"
assert_match "$OUT" "hypervisor signature: MiniVMMiniVM" "console"
[ "$RC" -eq 64 ] || fail "cpuid guest exited $RC = 0x$(printf %x "$RC"), expected 0x40 (bits: 1 no hypervisor bit, 2 VMX visible, 4 SVM visible, 8 bad signature, 16 leaf 0x15 not our 1 GHz timer clock, 32 thermal bits shown)"
assert_no_match "$OUT" "^cpu vendor: MinivmmBasic" "vendor of the host model"
no_vms_left

assert_status 64 minivmmctl run --cpu-model baseline "$G/cpuid.bin"
assert_match "$OUT" "^cpu vendor: MinivmmBasic" "vendor under run --cpu-model baseline"
assert_status 2 minivmmctl run --cpu-model nosuch "$G/cpuid.bin"
assert_match "$ERR" "--cpu-model 'nosuch' is not host or baseline" "a bad --cpu-model"
no_vms_left

# --detach: the id, a running (or already stopped) VM, its console kept.
assert_ok minivmmctl run --detach --name det52 --cpu-model baseline "$G/cpuid.bin"
id=$OUT
[ -n "$id" ] && [ "$id" -gt 0 ] 2>/dev/null || fail "run --detach printed '$id', not an id"
wait_state det52 STOPPED 10
ctl list --json
assert_match "$OUT" "\"id\": $id, \"name\": \"det52\", \"state\": \"STOPPED\".*\"exit_code\": 64" "the detached VM's exit"
ctl stats det52
assert_match "$OUT" "cpu model: +baseline" "stats of the detached VM"
assert_status 2 minivmmctl run --detach --rng "$G/cpuid.bin"
assert_match "$ERR" "--detach leaves no process to serve" "--detach with a device"
assert_ok minivmmctl destroy det52
no_vms_left
