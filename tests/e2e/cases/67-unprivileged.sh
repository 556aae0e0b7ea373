# SPDX-License-Identifier: GPL-2.0
# As an unprivileged user (uid/gid 65534 through the asuser helper):
# list, info, stats and policy work; create, stop, destroy and policy set are
# refused with a permission message (GENL_ADMIN_PERM); /dev/minivmm (0600)
# cannot be opened.
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

AS=$MV_ADD/asuser
[ -x "$AS" ] || fail "the asuser helper is missing from $MV_ADD"
assert_ok "$AS" id -u
assert_eq "$OUT" 65534 "uid under asuser"

mode=$(stat -c %a /dev/minivmm)
note "/dev/minivmm mode $mode"
assert_eq "$mode" 600 "/dev/minivmm mode"

assert_ok minivmmctl create root67 --mem 1M

assert_ok "$AS" minivmmctl list
assert_match "$OUT" "root67" "list as nobody"
assert_ok "$AS" minivmmctl list --json
assert_ok "$AS" minivmmctl info
assert_ok "$AS" minivmmctl stats root67
assert_ok "$AS" minivmmctl policy

refused "create as nobody" "$AS" minivmmctl create user67 --mem 1M
assert_match "$ERR" "create: .*(Operation not permitted|permission|root)" "create refusal"
[ -z "$(state_of user67)" ] || fail "user67 exists although refused"
refused "destroy as nobody" "$AS" minivmmctl destroy --force root67
assert_match "$ERR" "Operation not permitted" "destroy refusal"
refused "stop as nobody" "$AS" minivmmctl stop root67
refused "pause as nobody" "$AS" minivmmctl pause root67
refused "policy set as nobody" "$AS" minivmmctl policy set --max-vms 1
assert_match "$ERR" "Operation not permitted" "policy set refusal"
assert_state root67 CREATED

# The data plane: the device is root's.
refused "console as nobody" "$AS" minivmmctl console root67
assert_match "$ERR" "Permission denied" "console refusal"
run "$AS" sh -c 'exec 3</dev/minivmm'
[ "$RC" -ne 0 ] || fail "nobody opened /dev/minivmm for reading"
run "$AS" sh -c 'exec 3<>/dev/minivmm'
[ "$RC" -ne 0 ] || fail "nobody opened /dev/minivmm for writing"

assert_ok minivmmctl destroy root67
no_vms_left
