# SPDX-License-Identifier: GPL-2.0
# Live migration of a guest that dirties memory faster than the link
# carries it: migcount-fast.bin rewrites all 16 pages of its area every
# 10 ms tick, the link is limited to 256 KiB/s, so the dirty set (16
# pages and more, 250 ms of transfer) never fits a 100 ms downtime: after 3
# rounds migrate stops and copies, says so, and reports a downtime of at
# least the time those pages need at 256 KiB/s.  The guest finishes on
# the destination with every step once, its RAM check passing, and the
# last checksum the one computed here.
. "$MV_LIB"

RPID=
trap '[ -z "$RPID" ] || kill "$RPID" 2>/dev/null; cleanup_vms' EXIT

mv_loaded || mv_load
assert_exists "$G/migcount-fast.bin"
ip link set lo up
S=/tmp/mig103
rm -rf "$S"
mkdir -p "$S"
printf 'go!!' >"$S/go"
FLAG=0x1fe000
PORT=41103

assert_ok minivmmctl create src103 --mem 16M
assert_ok minivmmctl load src103 "$G/migcount-fast.bin" --mode long
assert_ok minivmmctl start src103
wait_console_bytes src103 $((31 * 3))

minivmmctl receive --listen 127.0.0.1:$PORT --name dst103 >"$S/recv.out" 2>"$S/recv.err" &
RPID=$!
wait_text "$S/recv.err" listening 10 || fail "receive did not listen"
assert_ok minivmmctl migrate src103 127.0.0.1:$PORT --json \
	--bandwidth 256K --max-downtime 100 --max-rounds 3
wait "$RPID" || fail "receive failed: $(tail -n 1 "$S/recv.err")"
RPID=
echo "$ERR" | grep -q 'not converging, stop-and-copy' ||
	fail "migrate does not say it stopped and copied"
echo "$OUT" | grep -q '"stop_and_copy": true' || fail "the summary hides the stop-and-copy"
[ "$(json_num "$OUT" rounds)" -eq 4 ] || fail "expected 3 pre-copy rounds and the final one"
final=$(json_num "$OUT" final_pages)
down=$(json_num "$OUT" downtime_ms)
[ "$final" -ge 16 ] || fail "only $final pages while paused: the area is 16 pages"
# final pages at 256 KiB/s, in ms, at the least
min=$((final * 4096 * 1000 / 262144))
note "stop-and-copy: $final pages while paused, downtime $down ms (>= $min ms at 256 KiB/s)"
[ "$down" -ge $((min * 8 / 10)) ] || fail "downtime $down ms is less than the link allows"

# one VM left, the receiver's (the id receive printed)
ctl list
[ "$(echo "$OUT" | tail -n +2 | wc -l)" -eq 1 ] || fail "not exactly one VM left"
[ "$(echo "$OUT" | awk 'NR == 2 { print $1 }')" = "$(cat "$S/recv.out")" ] ||
	fail "the VM left is not the receiver's"
assert_state dst103 RUNNING
assert_ok minivmmctl load dst103 "$S/go" --addr $FLAG
minivmmctl console dst103 </dev/null >"$S/out" 2>"$S/out.err"
steps=$(migcount_check "$S/out" 64) || fail "$steps"
note "$steps steps, every checksum right"
grep -q "^mig done steps .. failures 00\$" "$S/out" ||
	fail "the guest's own check failed or it did not finish"
assert_ok minivmmctl destroy dst103
no_vms_left
