# SPDX-License-Identifier: GPL-2.0
# nlfuzz: 10000 iterations of malformed netlink messages, ioctls and
# pread/pwrite on /dev/minivmm and VM fds, with VMs destroyed concurrently.
# Afterwards the kernel log has no WARNING/BUG/Oops, and info and a hello
# run still work.
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

[ -x "$MV_ADD/nlfuzz" ] || fail "the nlfuzz helper is missing from $MV_ADD"
seed=${MV_SEED:-$(( $(date +%s) % 100000 + ${RANDOM:-0} ))}
echo "nlfuzz seed: $seed (rerun: MV_SEED=$seed)"
dmesg_mark
run "$MV_ADD/nlfuzz" 10000 "$seed"
[ "$RC" -eq 0 ] || fail "nlfuzz exited $RC (seed $seed): $(echo "$ERR" | tail -n 1)"
assert_match "$OUT" "^nlfuzz: [0-9]+ messages, [0-9]+ ioctls, done\$" "nlfuzz summary"

bad=$(dmesg_since | grep -E "WARNING|BUG|Oops|general protection|RIP:" || true)
[ -z "$bad" ] || {
	dmesg_since | tail -n 40 | sed 's/^/  dmesg| /'
	fail "kernel log after fuzzing (seed $seed): $(echo "$bad" | head -n 1)"
}
assert_ok minivmmctl info
assert_match "$OUT" "^vendor: $MV_ARCH\$" "info after fuzzing"
assert_status 17 minivmmctl run "$G/hello.bin"
assert_match "$OUT" "Hello" "hello after fuzzing"
no_vms_left
