# SPDX-License-Identifier: GPL-2.0
# Resource policy: --max-vms 2 refuses the third VM naming the limit;
# --max-mem 32M refuses a 64M VM with the numbers; the memory comes back on
# destroy (MEM_RESERVED 0); the defaults are restored.
. "$MV_LIB"

cleanup() { cleanup_vms; }
trap cleanup EXIT

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
