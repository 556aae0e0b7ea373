# SPDX-License-Identifier: GPL-2.0
# 1000 create/destroy cycles (no start) leak no slab memory: the slab use
# before and after (after 20 warm-up cycles, caches dropped) differs by less
# than 64 KiB.  Both figures are printed.  50 cycles go through minivmmctl,
# the rest through nlfuzz --cycles (same requests, one process: fast).
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

N=${MV_CYCLES:-1000}
LIMIT_KB=64

# slab_bytes: bytes in slab objects: active objects x object size over all
# caches from /proc/slabinfo, else the Slab: line of /proc/meminfo.
slab_bytes() {
	sync
	echo 2 >/proc/sys/vm/drop_caches 2>/dev/null
	sleep 1		# RCU-freed objects
	echo 2 >/proc/sys/vm/drop_caches 2>/dev/null
	if [ -r /proc/slabinfo ]; then
		awk 'NR > 2 { s += $2 * $4 } END { printf "%d\n", s }' /proc/slabinfo
	else
		awk '/^Slab:/ { printf "%d\n", $2 * 1024 }' /proc/meminfo
	fi
}
if [ -r /proc/slabinfo ]; then
	note "measuring /proc/slabinfo (active objects x size)"
else
	note "measuring the Slab: line of /proc/meminfo (no /proc/slabinfo)"
fi

# cycles COUNT TAG: COUNT create/destroy cycles of VM cd64-TAG through
# minivmmctl.
cycles() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		minivmmctl create "cd64-$2" --mem 64K >/dev/null 2>/tmp/cd64.err ||
			fail "create cd64-$2 in cycle $_i: $(cat /tmp/cd64.err)"
		minivmmctl destroy "cd64-$2" 2>/tmp/cd64.err ||
			fail "destroy cd64-$2 in cycle $_i: $(cat /tmp/cd64.err)"
		_i=$((_i + 1))
	done
}

[ -x "$MV_ADD/nlfuzz" ] || fail "the nlfuzz helper is missing from $MV_ADD"
cycles 20 warm
before=$(slab_bytes)
# minivmmctl costs ~0.5 s a cycle in the emulated machine: 50 cycles go
# through the tool, the other N - 50 through one process making the same
# netlink requests (nlfuzz --cycles).
t0=$(date +%s)
cycles 50 tool
run "$MV_ADD/nlfuzz" --cycles $((N - 50)) cd64-nl
[ "$RC" -eq 0 ] || fail "nlfuzz --cycles: $(echo "$ERR" | tail -n 1)"
note "$N cycles took $(($(date +%s) - t0)) s"
after=$(slab_bytes)
growth=$((after - before))
echo "slab before: $before bytes, after: $after bytes, growth: $growth bytes"
no_vms_left
assert_ok minivmmctl policy --json
assert_eq "$(json_num "$OUT" mem_reserved)" 0 "mem_reserved after $N cycles"
[ "$growth" -lt $((LIMIT_KB * 1024)) ] ||
	fail "slab grew by $growth bytes over $N create/destroy cycles (limit ${LIMIT_KB} KiB)"
