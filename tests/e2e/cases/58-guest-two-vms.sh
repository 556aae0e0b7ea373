# SPDX-License-Identifier: GPL-2.0
# Two VMs run the isolation guest at once: each fills 1..2 MiB of its own
# RAM with a pattern derived from its own VM id (hypercall VM_ID) and keeps
# verifying it; neither sees the other's.  The ids each guest printed must be
# the ids list shows, and differ.  Then both are stopped.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/isolation.bin"
minivmmctl run --name iso-a "$G/isolation.bin" >/tmp/iso-a.out 2>/tmp/iso-a.err &
pa=$!
minivmmctl run --name iso-b "$G/isolation.bin" >/tmp/iso-b.out 2>/tmp/iso-b.err &
pb=$!
for v in a b; do
	wait_text /tmp/iso-$v.out "isolation: ready" 60 ||
		fail "iso-$v not ready after 60 s: $(cat /tmp/iso-$v.err)"
done
# The id each guest got from the hypervisor, and the one list shows.
ctl list --json
for v in a b; do
	gid=$(sed -n 's/.*isolation: ready id=\([0-9a-f]*\).*/\1/p' /tmp/iso-$v.out)
	[ -n "$gid" ] || fail "iso-$v printed no id"
	lid=$(echo "$OUT" | grep "\"name\": \"iso-$v\"" | sed -n 's/.*"id": \([0-9]*\).*/\1/p')
	assert_eq "$((0x$gid))" "$lid" "the id iso-$v read through its hypercall"
	eval "id_$v=$lid"
done
[ "$id_a" != "$id_b" ] || fail "both guests got id $id_a"
# Each guest verifies its 1 MiB about every few ms: let both make several
# passes while the other one keeps writing nothing into it.
guest_time 2
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
