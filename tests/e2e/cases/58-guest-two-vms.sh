# SPDX-License-Identifier: GPL-2.0
# Two VMs run the isolation guest at once: each fills 1..2 MiB of its own
# RAM and keeps verifying it; neither sees the other.  Then both are stopped.
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


wait_text() {
	_n=$(($3 * 10))
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

assert_exists "$G/isolation.bin"
minivmmctl run --name iso-a "$G/isolation.bin" >/tmp/iso-a.out 2>/tmp/iso-a.err &
pa=$!
minivmmctl run --name iso-b "$G/isolation.bin" >/tmp/iso-b.out 2>/tmp/iso-b.err &
pb=$!
for v in a b; do
	wait_text /tmp/iso-$v.out "isolation: ready" 60 ||
		fail "iso-$v not ready after 60 s: $(cat /tmp/iso-$v.err)"
done
sleep 2
for v in a b; do
	! grep -q changed /tmp/iso-$v.out || fail "iso-$v saw its memory change"
done
kill -0 "$pa" 2>/dev/null || fail "iso-a ended early: $(cat /tmp/iso-a.err)"
kill -0 "$pb" 2>/dev/null || fail "iso-b ended early: $(cat /tmp/iso-b.err)"
ctl list
assert_match "$OUT" "iso-a +RUNNING" "list"
assert_match "$OUT" "iso-b +RUNNING" "list"

assert_ok minivmmctl stop iso-a
assert_ok minivmmctl stop iso-b
wait "$pa"
ra=$?
wait "$pb"
rb=$?
cat /tmp/iso-a.err /tmp/iso-b.err
[ "$ra" -eq 1 ] && [ "$rb" -eq 1 ] || fail "run exited $ra and $rb, expected 1 and 1 (113 = memory changed)"
grep -q "stopped by request" /tmp/iso-a.err || fail "iso-a: no stop report"
grep -q "stopped by request" /tmp/iso-b.err || fail "iso-b: no stop report"
no_vms_left
