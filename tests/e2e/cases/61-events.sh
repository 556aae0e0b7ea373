# SPDX-License-Identifier: GPL-2.0
# "minivmmctl events" prints lifecycle events as they happen, one line each:
# created/started/exited code=17/destroyed for hello.bin, crashed
# reason=triple-fault for triple.bin, paused/resumed/stopped for spin.bin,
# with the same id and name throughout; --json prints one object per line.
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

# state_of NAME: the VM's state from "list --json" (empty if not listed).
state_of() {
	minivmmctl list --json | grep "\"name\": \"$1\"" |
		sed -n 's/.*"state": "\([A-Z]*\)".*/\1/p'
}

# assert_state NAME STATE
assert_state() {
	_st=$(state_of "$1")
	echo "  state of $1: ${_st:-<not listed>}"
	[ "$_st" = "$2" ] || fail "$1 is '${_st:-not listed}', expected $2"
}

# refused WHAT CMD...: CMD must exit 1 with a sentence on stderr.
refused() {
	_what=$1
	shift
	run "$@"
	[ "$RC" -eq 1 ] || fail "$_what: '$*' exited $RC, expected 1 (refused)"
	[ -n "$ERR" ] || fail "$_what: refused without a message"
}

# json_num JSON KEY: the number after "KEY": in JSON (first match).
json_num() {
	echo "$1" | sed -n "s/.*\"$2\": \([0-9][0-9]*\).*/\1/p" | head -n 1
}

# wait_text FILE TEXT SECONDS
wait_text() {
	_n=$(($3 * 10))
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

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
# Joining the group races with the first event: give the listeners time.
sleep 1
kill -0 "$epid" 2>/dev/null || fail "events exited at once: $(cat /tmp/ev61.err)"

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
