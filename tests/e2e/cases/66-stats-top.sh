# SPDX-License-Identifier: GPL-2.0
# stats and top: spin.bin runs ~1 s; stats --json counts I/O exits (it
# printed), nested page faults (it touched memory) and host interrupts,
# memory touched, run time and console bytes; the cpuid guest counts CPUID
# exits; the text form and the dump work; top --once prints a line for the
# VM without escape codes.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/spin.bin"
assert_exists "$G/cpuid.bin"

assert_ok minivmmctl create st66 --mem 1M
assert_ok minivmmctl stats --json st66
S=$OUT
assert_match "$S" '"state": "CREATED"' "stats before start"
assert_eq "$(json_num "$S" run_time_ns)" 0 "run time before start"

assert_ok minivmmctl load --mode long st66 "$G/spin.bin"
assert_ok minivmmctl start st66
guest_time 1
assert_ok minivmmctl stats --json st66
S=$OUT
assert_match "$S" '^\{"id": [0-9]+, "name": "st66", "state": "RUNNING"' "stats --json"
for key in io npf; do
	v=$(json_num "$S" "$key")
	note "$key exits: ${v:-missing}"
	[ -n "$v" ] && [ "$v" -gt 0 ] || fail "stats: $key exits are '${v:-missing}', expected > 0"
done
# The host takes the CPU back from the spinning guest: through host
# interrupts (intr) and, on VT-x, the preemption timer's 1 ms slices
# (preempt), which fire before the 4 ms timer tick does.
intr=$(json_num "$S" intr)
preempt=$(json_num "$S" preempt)
note "intr exits: ${intr:-missing}, preempt exits: ${preempt:-missing}"
[ -n "$intr" ] && [ -n "$preempt" ] && [ $((intr + preempt)) -gt 0 ] ||
	fail "stats: no intr or preempt exits from a spinning guest"
for key in mem_touched run_time_ns console_bytes; do
	v=$(json_num "$S" "$key")
	[ -n "$v" ] && [ "$v" -gt 0 ] || fail "stats: $key is '${v:-missing}', expected > 0"
done
[ "$(json_num "$S" console_bytes)" -ge 9 ] || fail "console_bytes < 9 (\"spinning\\n\")"
assert_eq "$(json_num "$S" mem)" 1048576 "mem"
v=$(json_num "$S" mem_touched)
[ "$v" -le 1048576 ] || fail "mem_touched $v is more than the 1M granted"
assert_match "$S" '"exits": \{"intr": [0-9]+, "nmi": [0-9]+, "cpuid": [0-9]+, "hlt": [0-9]+, "io": [0-9]+, "msr": [0-9]+, "hypercall": [0-9]+, "npf": [0-9]+, "shutdown": [0-9]+, "exception": [0-9]+, "preempt": [0-9]+, "other": [0-9]+, "pause": [0-9]+\}, "vcpu_stats": \[\{"vcpu": 0, "exits": [0-9]+, ' "exits object and the per-vCPU figures"

# Text form.
assert_ok minivmmctl stats st66
assert_match "$OUT" "^VM [0-9]+ \\(st66\\)\$" "stats header"
assert_match "$OUT" "state: +RUNNING" "stats state"
assert_match "$OUT" "^ +io +[1-9][0-9]*\$" "stats io line"

# top --once: one plain sample.
interval=1
[ "$MV_ARCH" != vmx ] || interval=0.2
run minivmmctl top --once --interval $interval
[ "$RC" -eq 0 ] || fail "top --once exited $RC: $ERR"
assert_match "$OUT" "^[0-9]+ +st66 +RUNNING " "top line for st66"
esc=$(printf '\033')
case $OUT in *"$esc"*) fail "top --once printed escape codes" ;; esac
assert_status 2 minivmmctl top --interval 0

# The cpuid guest: CPUID exits, stopped.
assert_ok minivmmctl create cp66 --mem 1M
assert_ok minivmmctl load --mode long cp66 "$G/cpuid.bin"
assert_ok minivmmctl start cp66
i=0
until [ "$(state_of cp66)" = STOPPED ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "cpuid guest not STOPPED after 10 s"
	sleep 0.1
done
assert_ok minivmmctl stats --json cp66
v=$(json_num "$OUT" cpuid)
note "cpuid exits: ${v:-missing}"
[ -n "$v" ] && [ "$v" -gt 0 ] || fail "cpuid exits are '${v:-missing}', expected > 0"

# Dump: an array with both.
assert_ok minivmmctl stats --json
assert_match "$(echo "$OUT" | head -n 1)" '^\[$' "stats --json dump starts an array"
assert_match "$(echo "$OUT" | tail -n 1)" '^\]$' "stats --json dump ends the array"
assert_match "$OUT" '"name": "st66"' "dump"
assert_match "$OUT" '"name": "cp66"' "dump"
refused "stats of a missing VM" minivmmctl stats nosuch66

assert_ok minivmmctl destroy --force st66
assert_ok minivmmctl destroy cp66
no_vms_left
