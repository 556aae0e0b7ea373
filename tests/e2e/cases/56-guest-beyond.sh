# SPDX-License-Identifier: GPL-2.0
# A read of guest-physical 0x80000000 in a 16 MiB guest stops the VM with
# that address.
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


assert_exists "$G/beyond.bin"
assert_status 1 minivmmctl run --mem 16M "$G/beyond.bin"
assert_match "$OUT" "reading 0x80000000" "console"
assert_no_match "$OUT" "succeeded" "console"
assert_match "$ERR" "guest-physical address 0x80000000 outside RAM" "stderr"
assert_ok minivmmctl info
no_vms_left
