# SPDX-License-Identifier: GPL-2.0
# "minivmmctl events" prints lifecycle events as they happen, one line each:
# created/started/exited code=17/destroyed for hello.bin, crashed
# reason=triple-fault for triple.bin, paused/resumed/stopped for spin.bin,
# with the same id and name throughout; --json prints one object per line.
. "$MV_LIB"

cleanup() { cleanup_vms; }
trap cleanup EXIT

mv_loaded || mv_load

assert_exists "$G/hello.bin"
assert_exists "$G/triple.bin"
assert_exists "$G/spin.bin"

minivmmctl events >/tmp/ev61 2>/tmp/ev61.err &
epid=$!
minivmmctl events --json >/tmp/ev61.json 2>/tmp/ev61j.err &
jpid=$!
stop_listeners() { kill "$epid" "$jpid" 2>/dev/null; }
cleanup() { stop_listeners; destroy_all; mv_unload_quiet; }
# Every event after the "listening" line reaches the listener.
wait_text /tmp/ev61.err "listening for events" 30 ||
	fail "events did not start listening: $(cat /tmp/ev61.err)"
wait_text /tmp/ev61j.err "listening for events" 30 ||
	fail "events --json did not start listening: $(cat /tmp/ev61j.err)"

assert_status 17 minivmmctl run --name hello61 "$G/hello.bin"
assert_status 1 minivmmctl run --name triple61 "$G/triple.bin"
assert_ok minivmmctl create spin61 --mem 1M
assert_ok minivmmctl load --mode long spin61 "$G/spin.bin"
assert_ok minivmmctl start spin61
assert_ok minivmmctl pause spin61
assert_ok minivmmctl resume spin61
assert_ok minivmmctl stop spin61
assert_ok minivmmctl destroy spin61

wait_text /tmp/ev61 "destroyed .*name=spin61" 10 ||
	fail "no destroyed event for spin61 within 10 s"
wait_text /tmp/ev61.json '"destroyed".*"spin61"' 10 ||
	fail "no JSON destroyed event for spin61 within 10 s"
stop_listeners
echo "events:"
sed 's/^/  | /' /tmp/ev61
echo "events --json:"
sed 's/^/  | /' /tmp/ev61.json
EV=$(cat /tmp/ev61)

# id_of NAME: the id in the "created" line of NAME
id_of() {
	echo "$EV" | sed -n "s/^created id=\([0-9]*\) name=$1\$/\1/p" | head -n 1
}
h=$(id_of hello61)
t=$(id_of triple61)
s=$(id_of spin61)
[ -n "$h" ] || fail "no 'created id=N name=hello61' line"
[ -n "$t" ] || fail "no 'created id=N name=triple61' line"
[ -n "$s" ] || fail "no 'created id=N name=spin61' line"
assert_match "$EV" "^started id=$h name=hello61\$" "events"
assert_match "$EV" "^exited id=$h name=hello61 code=17\$" "events"
assert_match "$EV" "^destroyed id=$h name=hello61\$" "events"
assert_match "$EV" "^started id=$t name=triple61\$" "events"
assert_match "$EV" "^crashed id=$t name=triple61 reason=triple-fault\$" "events"
assert_match "$EV" "^destroyed id=$t name=triple61\$" "events"
assert_match "$EV" "^paused id=$s name=spin61\$" "events"
assert_match "$EV" "^resumed id=$s name=spin61\$" "events"
assert_match "$EV" "^stopped id=$s name=spin61\$" "events"
assert_match "$EV" "^destroyed id=$s name=spin61\$" "events"
assert_no_match "$EV" "^exited id=$t " "events (triple61 crashed, it did not exit)"

# Order for hello61: created < started < exited < destroyed.
order=$(echo "$EV" | grep " id=$h " | awk '{ print $1 }' | tr '\n' ' ')
assert_eq "$order" "created started exited destroyed " "hello61 event order"

# JSON: one object per line, same facts.
bad=$(grep -v '^{.*}$' /tmp/ev61.json || true)
[ -z "$bad" ] || fail "events --json printed a line that is not an object: $bad"
JS=$(cat /tmp/ev61.json)
assert_match "$JS" "^\\{\"event\": \"exited\", \"id\": $h, \"name\": \"hello61\", \"code\": 17\\}\$" "events --json"
assert_match "$JS" "^\\{\"event\": \"crashed\", \"id\": $t, \"name\": \"triple61\", \"reason\": \"triple-fault\"" "events --json"
no_vms_left
