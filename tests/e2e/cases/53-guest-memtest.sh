# SPDX-License-Identifier: GPL-2.0
# Every 8-byte word of a 64 MiB guest above 2 MiB holds what was written
# (RBX = RAM size at entry).  Exit 0x50 ok, 0x51 mismatch, 0x52 RBX wrong.
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


assert_exists "$G/memtest.bin"
run minivmmctl run --mem 64M "$G/memtest.bin"
[ "$RC" -eq 80 ] || fail "memtest exited $RC, expected 80 (0x50): $(echo "$OUT" | tail -n 1)"
assert_match "$OUT" "^memtest: ok\$" "console"
no_vms_left
