# SPDX-License-Identifier: GPL-2.0
# CPUID as the guest sees it: hypervisor bit set, VMX and SVM hidden,
# leaf 0x40000000 says MiniVMMiniVM.  Exit 0x40 | failed checks.
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


assert_exists "$G/cpuid.bin"
run minivmmctl run "$G/cpuid.bin"
assert_match "$OUT" "hypervisor signature: MiniVMMiniVM" "console"
[ "$RC" -eq 64 ] || fail "cpuid guest exited $RC = 0x$(printf %x "$RC"), expected 0x40 (bits: 1 no hypervisor bit, 2 VMX visible, 4 SVM visible, 8 bad signature)"
no_vms_left
