# SPDX-License-Identifier: GPL-2.0
# CPUID as the guest sees it: hypervisor bit set, VMX and SVM hidden,
# leaf 0x40000000 says MiniVMMiniVM.  Exit 0x40 | failed checks.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/cpuid.bin"
run minivmmctl run "$G/cpuid.bin"
assert_match "$OUT" "hypervisor signature: MiniVMMiniVM" "console"
[ "$RC" -eq 64 ] || fail "cpuid guest exited $RC = 0x$(printf %x "$RC"), expected 0x40 (bits: 1 no hypervisor bit, 2 VMX visible, 4 SVM visible, 8 bad signature)"
no_vms_left
