# SPDX-License-Identifier: GPL-2.0
# Loops, MUL and DIV in long mode: sum of squares 1..100 mod 253 = 89.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/arith.bin"
assert_status 89 minivmmctl run "$G/arith.bin"
assert_match "$OUT" "mod 253 = 0x59\$" "console"
no_vms_left
