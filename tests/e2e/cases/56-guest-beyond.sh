# SPDX-License-Identifier: GPL-2.0
# A read of guest-physical 0x80000000 in a 16 MiB guest stops the VM with
# that address.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/beyond.bin"
assert_status 1 minivmmctl run --mem 16M "$G/beyond.bin"
assert_match "$OUT" "reading 0x80000000" "console"
assert_no_match "$OUT" "succeeded" "console"
assert_match "$ERR" "guest-physical address 0x80000000 outside RAM" "stderr"
assert_ok minivmmctl info
no_vms_left
