# SPDX-License-Identifier: GPL-2.0
# Loops, MUL and DIV in long mode: sum of squares 1..100 mod 253 = 89.
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


assert_exists "$G/arith.bin"
assert_status 89 minivmmctl run "$G/arith.bin"
assert_match "$OUT" "mod 253 = 0x59\$" "console"
no_vms_left
