# SPDX-License-Identifier: GPL-2.0
# Hypercalls (VMCALL/VMMCALL): ADD(1,2,3,4) = 10, API_VERSION = 1,
# unknown = -ENOSYS.  Exit 0x60 ok, 0x61.. failed-check bits.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/hypercall.bin"
run minivmmctl run "$G/hypercall.bin"
[ "$RC" -eq 96 ] || fail "hypercall guest exited $RC, expected 96 (0x60): $(echo "$OUT" | tail -n 1)"
assert_match "$OUT" "^hypercalls: ok\$" "console"
no_vms_left
