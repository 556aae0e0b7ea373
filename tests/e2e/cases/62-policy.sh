# SPDX-License-Identifier: GPL-2.0
# Resource policy: --max-vms 2 refuses the third VM naming the limit;
# --max-mem 32M refuses a 64M VM with the numbers; the memory comes back on
# destroy (MEM_RESERVED 0); the defaults are restored.
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

assert_ok minivmmctl policy --json
P0=$OUT
max_vms=$(json_num "$P0" max_vms)
max_mem=$(json_num "$P0" max_mem)
max_vcpus=$(json_num "$P0" max_vcpus)
[ -n "$max_vms" ] && [ -n "$max_mem" ] && [ -n "$max_vcpus" ] ||
	fail "policy --json lacks a limit: $P0"
assert_eq "$(json_num "$P0" nr_vms)" 0 "nr_vms at the start"
assert_eq "$(json_num "$P0" mem_reserved)" 0 "mem_reserved at the start"
restore() {
	minivmmctl policy set --max-vms "$max_vms" --max-mem "$max_mem" \
		--max-vcpus "$max_vcpus"
}
cleanup() { destroy_all; restore; mv_unload_quiet; }
assert_ok minivmmctl policy
assert_match "$OUT" "^vms +$max_vms +0\$" "policy table"

assert_status 2 minivmmctl policy set
assert_status 2 minivmmctl policy set --max-mem lots

# At most 2 VMs.
assert_ok minivmmctl policy set --max-vms 2
assert_ok minivmmctl policy --json
assert_eq "$(json_num "$OUT" max_vms)" 2 "max_vms after set"
assert_ok minivmmctl create a62 --mem 1M
assert_ok minivmmctl create b62 --mem 1M
refused "third VM with --max-vms 2" minivmmctl create c62 --mem 1M
assert_match "$ERR" "limit 2" "the refusal names the limit"
[ -z "$(state_of c62)" ] || fail "c62 exists although refused"
assert_ok minivmmctl destroy a62
assert_ok minivmmctl create c62 --mem 1M
assert_ok minivmmctl destroy b62
assert_ok minivmmctl destroy c62
assert_ok minivmmctl policy set --max-vms "$max_vms"

# At most 32M of guest RAM in all.
assert_ok minivmmctl policy set --max-mem 32M
refused "64M VM with --max-mem 32M" minivmmctl create big62 --mem 64M
assert_match "$ERR" "asked 64M, limit 32M, in use 0" "the refusal gives the numbers"
assert_ok minivmmctl create s62 --mem 16M
assert_ok minivmmctl policy --json
assert_eq "$(json_num "$OUT" mem_reserved)" 16777216 "mem_reserved with s62"
assert_eq "$(json_num "$OUT" nr_vms)" 1 "nr_vms with s62"
refused "20M more with 16M of 32M in use" minivmmctl create t62 --mem 20M
assert_match "$ERR" "asked 20M, limit 32M, in use 16M" "the refusal gives the numbers"
assert_ok minivmmctl create u62 --mem 16M
assert_ok minivmmctl destroy s62
assert_ok minivmmctl destroy u62
assert_ok minivmmctl policy --json
assert_eq "$(json_num "$OUT" mem_reserved)" 0 "mem_reserved after destroy"
assert_eq "$(json_num "$OUT" nr_vms)" 0 "nr_vms after destroy"

# A started and stopped VM gives its memory back too.
assert_status 17 minivmmctl run --mem 16M --name h62 "$G/hello.bin"
assert_ok minivmmctl policy --json
assert_eq "$(json_num "$OUT" mem_reserved)" 0 "mem_reserved after run"

# Restore and compare.
assert_ok restore
assert_ok minivmmctl policy --json
assert_eq "$(json_num "$OUT" max_vms)" "$max_vms" "max_vms restored"
assert_eq "$(json_num "$OUT" max_mem)" "$max_mem" "max_mem restored"
assert_eq "$(json_num "$OUT" max_vcpus)" "$max_vcpus" "max_vcpus restored"
no_vms_left
