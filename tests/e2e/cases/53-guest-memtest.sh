# SPDX-License-Identifier: GPL-2.0
# Every 8-byte word of a 64 MiB guest above 2 MiB holds what was written
# (RBX = RAM size at entry).  Exit 0x50 ok, 0x51 mismatch, 0x52 RBX wrong.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/memtest.bin"
run minivmmctl run --mem 64M "$G/memtest.bin"
[ "$RC" -eq 80 ] || fail "memtest exited $RC, expected 80 (0x50): $(echo "$OUT" | tail -n 1)"
assert_match "$OUT" "^memtest: ok\$" "console"
no_vms_left
