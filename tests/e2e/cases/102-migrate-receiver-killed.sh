# SPDX-License-Identifier: GPL-2.0
# Live migration that fails half-way.  migcount.bin (see 101) is migrated
# at 64 KiB/s, so the first round takes seconds; the receiver is killed
# in the middle of it: with SIGTERM it destroys the VM it made, and the
# source says the stream failed and that the VM kept running.  The source
# VM stays RUNNING; dirty logging was turned off again (a second migration
# may start).  Then a receiver killed with SIGKILL cannot clean
# up: the source is unharmed, the half-made VM it leaves is paused (the
# receiver starts it paused before any page comes) and never ran.
# Last, migrate itself is killed (SIGKILL) mid-transfer: the receiver
# frees its VM, the source runs on, and a new migration (its dirty log
# went with the dead migrate's VM fd) moves it.  It finishes there with
# every step once, in order, every checksum right and its own RAM check
# passing.
. "$MV_LIB"

RPID=
trap '[ -z "$RPID" ] || kill -9 "$RPID" 2>/dev/null; cleanup_vms' EXIT

mv_loaded || mv_load
assert_exists "$G/migcount.bin"
ip link set lo up
S=/tmp/mig102
rm -rf "$S"
mkdir -p "$S"
printf 'go!!' >"$S/go"
FLAG=0x1fe000
PORT=41102

# migrate_and_kill SIGNAL: start a receiver and a slow migration, kill the
# receiver with SIGNAL once round 1 is under way; migrate must fail.  The
# receiver's old stderr goes first: its "listening" line from the round
# before once sent migrate to a port no one listened on yet.
migrate_and_kill() {
	rm -f "$S/recv.out" "$S/recv.err"	# no stale "listening" or "created"
	minivmmctl receive --listen 127.0.0.1:$PORT --name dst102 \
		>"$S/recv.out" 2>"$S/recv.err" &
	RPID=$!
	wait_text "$S/recv.err" listening 10 || fail "receive did not listen"
	minivmmctl migrate src102 127.0.0.1:$PORT --bandwidth 64K \
		>"$S/mig.out" 2>"$S/mig.err" &
	MPID=$!
	wait_text "$S/recv.err" created 10 ||
		fail "the receiver made no VM: receive: $(tail -n 2 "$S/recv.err" | tr '\n' ' ') migrate: $(tail -n 2 "$S/mig.err" | tr '\n' ' ')"
	sleep 0.5
	kill -"$1" "$RPID"
	wait "$RPID"
	RPID=
	wait "$MPID"
	mrc=$?
	sed 's/^/  recv| /' "$S/recv.err"
	sed 's/^/  mig| /' "$S/mig.err"
	[ "$mrc" -eq 1 ] || fail "migrate exited $mrc after the receiver died"
	grep -q "VM 'src102' kept running here" "$S/mig.err" ||
		fail "migrate does not say the VM kept running"
	assert_state src102 RUNNING
}

assert_ok minivmmctl create src102 --mem 16M
assert_ok minivmmctl load src102 "$G/migcount.bin" --mode long
assert_ok minivmmctl start src102
wait_console_bytes src102 $((31 * 5))

migrate_and_kill TERM
grep -q 'the receiver refused the migration: the receiver was interrupted' "$S/mig.err" ||
	fail "migrate does not pass on the receiver's reason"
grep -q 'receive: VM [0-9]* destroyed' "$S/recv.err" ||
	fail "the receiver did not destroy its VM"
ctl list
[ "$(echo "$OUT" | tail -n +2 | wc -l)" -eq 1 ] || fail "the receiver left a VM"

migrate_and_kill KILL
assert_state dst102 PAUSED
assert_ok minivmmctl stats --json dst102
assert_match "$OUT" '"run_time_ns": 0[,}]' "the half-made VM never ran"
assert_ok minivmmctl destroy --force dst102
note "SIGKILL leaves the receiver's paused, never-run VM behind (destroyed here)"

# migrate itself killed: the receiver frees its VM, the source runs on,
# and its dirty log went with migrate's VM fd: a new migration works
rm -f "$S/recv.out" "$S/recv.err"	# no stale "listening" or "created"
minivmmctl receive --listen 127.0.0.1:$PORT --name dst102 \
	>"$S/recv.out" 2>"$S/recv.err" &
RPID=$!
wait_text "$S/recv.err" listening 10 || fail "receive did not listen"
minivmmctl migrate src102 127.0.0.1:$PORT --bandwidth 64K >/dev/null 2>"$S/mig.err" &
MPID=$!
wait_text "$S/recv.err" created 10 ||
	fail "the receiver made no VM: receive: $(tail -n 2 "$S/recv.err" | tr '\n' ' ') migrate: $(tail -n 2 "$S/mig.err" | tr '\n' ' ')"
kill -KILL "$MPID"
wait "$RPID"
RPID=
grep -q 'receive: VM [0-9]* destroyed' "$S/recv.err" ||
	fail "the receiver did not destroy its VM when migrate died"
assert_state src102 RUNNING
rm -f "$S/recv.out" "$S/recv.err"	# no stale "listening" or "created"
minivmmctl receive --listen 127.0.0.1:$PORT --name dst102 \
	>"$S/recv.out" 2>"$S/recv.err" &
RPID=$!
wait_text "$S/recv.err" listening 10 || fail "receive did not listen"
assert_ok minivmmctl migrate src102 127.0.0.1:$PORT
wait "$RPID" || fail "receive failed: $(tail -n 1 "$S/recv.err")"
RPID=

# the guest goes on there and finishes consistent
assert_ok minivmmctl load dst102 "$S/go" --addr $FLAG
minivmmctl console dst102 </dev/null >"$S/out" 2>"$S/out.err"
steps=$(migcount_check "$S/out" 16) || fail "$steps"
note "$steps steps, every checksum right"
grep -q "^mig done steps .. failures 00\$" "$S/out" ||
	fail "the guest's own check failed or it did not finish"
assert_ok minivmmctl destroy dst102
no_vms_left
