# SPDX-License-Identifier: GPL-2.0
# The local APIC through MMIO emulation and MSRs:
# - mb-apic.elf (32-bit, paging on) checks xAPIC registers through many
#   MOV forms, IA32_APIC_BASE, x2APIC MSRs and the accesses that raise #GP;
# - apic64.bin (long mode) checks REX/SIB/MOVSX forms on the xAPIC page;
# - mb-mmio-bad.elf makes accesses the VMM must refuse: the xAPIC page
#   after switching to x2APIC, an OR to an APIC register (not emulated) and
#   an instruction fetch from the APIC page.  Each stops that VM only, with
#   the reason on the host side, and the module keeps serving.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/mb-apic.elf"
assert_exists "$G/apic64.bin"
assert_exists "$G/mb-mmio-bad.elf"

assert_status 66 minivmmctl run "$G/mb-apic.elf"
assert_no_match "$OUT" "FAIL" "console"
assert_match "$OUT" "^ok xapic-version-high-byte$" "console"
assert_match "$OUT" "^ok x2apic-gp-count$" "console"
assert_match "$OUT" "^apic checks failed: 0$" "console"

assert_status 64 minivmmctl run "$G/apic64.bin"
assert_match "$OUT" "apic64 failures: 00" "console"

assert_status 1 minivmmctl run --append "mode=x" "$G/mb-mmio-bad.elf"
assert_match "$OUT" "^mode x$" "console"
assert_no_match "$OUT" "FAIL" "console"
assert_match "$ERR" "guest-physical address 0xfee00030 outside RAM" "stderr"

dmesg_mark
assert_status 1 minivmmctl run --append "mode=o" "$G/mb-mmio-bad.elf"
assert_no_match "$OUT" "FAIL" "console"
assert_match "$ERR" "internal error" "stderr"
assert_dmesg "MMIO at 0xfee000f0.*instruction not emulated"

assert_status 1 minivmmctl run --append "mode=f" "$G/mb-mmio-bad.elf"
assert_no_match "$OUT" "FAIL" "console"
assert_match "$ERR" "guest-physical address 0xfee00000 outside RAM" "stderr"

assert_ok minivmmctl info
no_vms_left
