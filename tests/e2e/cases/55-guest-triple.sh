# SPDX-License-Identifier: GPL-2.0
# A guest that triple-faults stops its own VM only: run exits 1 and says
# crashed, the module keeps working.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/triple.bin"
assert_status 1 minivmmctl run "$G/triple.bin"
assert_match "$OUT" "about to triple fault" "console"
assert_match "$ERR" "crashed \\(triple fault\\)" "stderr"
assert_ok minivmmctl info
assert_match "$OUT" "^vendor: $MV_ARCH\$" "info after the crash"
# And a well-behaved guest still runs.
assert_status 17 minivmmctl run "$G/hello.bin"
no_vms_left
