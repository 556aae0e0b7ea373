# SPDX-License-Identifier: GPL-2.0
# The module loads, reports vendor and CPU count (text and JSON), creates
# /dev/minivmm, and unloads.
. "$MV_LIB"
trap mv_unload_quiet EXIT

mv_load
assert_exists /dev/minivmm

ctl info
[ "$RC" -eq 0 ] || fail "minivmmctl info exited $RC"
assert_match "$OUT" "^vendor: $MV_ARCH\$" "minivmmctl info"
assert_match "$OUT" "^cpus: $MV_CPUS\$" "minivmmctl info"

ctl info --json
[ "$RC" -eq 0 ] || fail "minivmmctl info --json exited $RC"
assert_match "$OUT" "\"vendor\": *\"$MV_ARCH\"" "info --json"
assert_match "$OUT" "\"cpus_enabled\": *$MV_CPUS[,} ]" "info --json"
assert_match "$OUT" '^[[:space:]]*\{.*\}[[:space:]]*$' "info --json (one JSON object)"

mv_unload
[ ! -e /dev/minivmm ] || fail "/dev/minivmm still exists after rmmod"
