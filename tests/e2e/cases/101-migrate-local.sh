# SPDX-License-Identifier: GPL-2.0
# Live migration in one host over loopback TCP.  migcount.bin writes the
# numbers 1, 2, 3... into 16 RAM pages (16 a step, each in another page),
# keeps the checksum RAM must have in a register and prints RAM's own
# checksum after each step.  It is migrated while it runs; the receiver
# prints the new VM's id and is the only VM left; the guest goes on there:
# its console (the source's, replayed from the migrated ring, then the
# destination's) shows every step once, in order, never "mig BAD"; the
# last step's checksum is the one this script computes for that many
# numbers, and the guest's own exit status says RAM always agreed.  The
# progress lines and the JSON summary report rounds, bytes and downtime.
# On the way it moves once more, through a pipe (migrate - | receive -,
# the answers through a FIFO), as over ssh.
# Refusals: a bad destination, nobody listening (the VM runs on), a VM
# that is not running, a receiver fed garbage, each with one sentence and
# nothing left behind.
. "$MV_LIB"

RPID=
trap '[ -z "$RPID" ] || kill "$RPID" 2>/dev/null; cleanup_vms' EXIT

mv_loaded || mv_load
assert_exists "$G/migcount.bin"
ip link set lo up
S=/tmp/mig101
rm -rf "$S"
mkdir -p "$S"
printf 'go!!' >"$S/go"
FLAG=0x1fe000
PORT=41101


t0=$(uptime_ms)
assert_ok minivmmctl create src101 --mem 16M
assert_ok minivmmctl load src101 "$G/migcount.bin" --mode long
assert_ok minivmmctl start src101
wait_console_bytes src101 $((31 * 5))		# 5 steps of 31 bytes
note "started: $(($(uptime_ms) - t0)) ms"

minivmmctl receive --listen 127.0.0.1:$PORT --name dst101 \
	>"$S/recv.out" 2>"$S/recv.err" &
RPID=$!
wait_text "$S/recv.err" listening 10 || fail "receive did not listen"
assert_ok minivmmctl migrate src101 127.0.0.1:$PORT --json
wait "$RPID"
rrc=$?
RPID=
sed 's/^/  recv| /' "$S/recv.err" "$S/recv.out"
[ "$rrc" -eq 0 ] || fail "receive exited $rrc"
id=$(cat "$S/recv.out")
[ "$(json_num "$OUT" dest_id)" = "$id" ] ||
	fail "migrate and receive disagree on the new VM's id"
echo "$ERR" | grep -q '^migrate: round 1: ' || fail "no progress line for round 1"
echo "$ERR" | grep -q 'downtime [0-9.]* ms' || fail "no downtime in the report"
rounds=$(json_num "$OUT" rounds)
sent=$(json_num "$OUT" pages_sent)
[ "$rounds" -ge 2 ] || fail "$rounds rounds: the pre-copy did not happen"
[ "$sent" -ge 16 ] || fail "$sent pages sent: fewer than the guest touched"
[ "$sent" -lt 4096 ] || fail "$sent pages sent: expected the touched pages, not all RAM"
note "rounds $rounds, pages $sent, downtime $(echo "$OUT" | sed -n 's/.*"downtime_ms": \([0-9.]*\).*/\1/p') ms"

note "migrated: $(($(uptime_ms) - t0)) ms"
# Only the destination's VM is left, running.
ctl list
[ "$(echo "$OUT" | tail -n +2 | wc -l)" -eq 1 ] || fail "not exactly one VM left"
echo "$OUT" | grep -q "^$id  *dst101  *RUNNING " || fail "dst101 is not running"

# ---- on, through a pipe: what ssh would carry ----
mkfifo "$S/back"
# shellcheck disable=SC2094 # the FIFO carries the answers back: a loop on purpose
minivmmctl migrate dst101 - --json <"$S/back" 2>"$S/pmig.err" |
	minivmmctl receive --listen - --name back101 >"$S/back" 2>"$S/precv.err"
sed 's/^/  pipe| /' "$S/pmig.err" "$S/precv.err"
grep -q '"stop_and_copy": false' "$S/pmig.err" ||
	fail "no JSON summary on stderr from migrate -"
grep -q '^migrate: done: ' "$S/pmig.err" || fail "migrate - did not finish"
ctl list
[ "$(echo "$OUT" | tail -n +2 | wc -l)" -eq 1 ] || fail "not exactly one VM left after the pipe"
echo "$OUT" | grep -q " back101  *RUNNING " || fail "back101 is not running"
note "piped: $(($(uptime_ms) - t0)) ms"

# refusals that leave the running VM as it was
assert_status 2 minivmmctl migrate back101 nocolon
refused "nobody listens" minivmmctl migrate back101 127.0.0.1:$PORT
echo "$ERR" | grep -q "cannot connect to 127.0.0.1:$PORT" || fail "no word on the connection"

assert_ok minivmmctl load back101 "$S/go" --addr $FLAG
minivmmctl console back101 </dev/null >"$S/out" 2>"$S/out.err"
note "finished: $(($(uptime_ms) - t0)) ms"
sed -n '1,3p;$p' "$S/out" | sed 's/^/  | /'
steps=$(migcount_check "$S/out" 16) || fail "$steps"
note "$steps steps, every checksum right"
grep -q "^mig done steps .. failures 00\$" "$S/out" ||
	fail "the guest's own check failed or it did not finish"

# ---- refusals: nothing is left behind ----
refused "not running" minivmmctl migrate back101 127.0.0.1:$PORT
echo "$ERR" | grep -q "'back101' is STOPPED: migrate moves running VMs" ||
	fail "no sentence on the state"
assert_ok minivmmctl destroy back101
# a receiver fed garbage refuses it and creates nothing
head -c 4096 /dev/zero | tr '\0' 'x' >"$S/junk"
refused "garbage" minivmmctl receive --listen - <"$S/junk"
echo "$ERR" | grep -q 'does not start with a minivmm migration header' ||
	fail "the refusal does not say what is wrong"
no_vms_left
