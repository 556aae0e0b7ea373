# SPDX-License-Identifier: GPL-2.0
# A guest that triple-faults stops its own VM only: run exits 1 and says
# crashed, the module keeps working.
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


assert_exists "$G/triple.bin"
assert_status 1 minivmmctl run "$G/triple.bin"
assert_match "$OUT" "about to triple fault" "console"
assert_match "$ERR" "crashed \\(triple fault\\)" "stderr"
assert_ok minivmmctl info
assert_match "$OUT" "^vendor: $MV_ARCH\$" "info after the crash"
# And a well-behaved guest still runs.
assert_status 17 minivmmctl run "$G/hello.bin"
no_vms_left
