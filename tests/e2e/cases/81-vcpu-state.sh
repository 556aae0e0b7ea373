# SPDX-License-Identifier: GPL-2.0
# The whole vCPU state through the VM fd (MINIVMM_VM_GET_STATE/SET_STATE,
# minivmmctl state).  statecalc.bin counts i = 1, 2, ... into R8, R9, XMM0
# and a quadword in memory; paused mid-count, its state is read (RCX = i),
# a target a little past i is written into guest RAM, and the state goes
# through a file: saved, spoiled (R8 = 0, RIP elsewhere), loaded back
# unchanged.  Malformed states (CR0, CR4, EFER, CS, SS, RFLAGS, RIP, PAT,
# LSTAR, DR7, the pending event) are each refused with a sentence naming
# the field, and change nothing.  Resumed, the guest finishes: its sum is
# T(T+1)/2 in every place it kept it, checked by the guest and here.
# --vcpu, on a 2-vCPU VM with smp-500.bin (tests/guests/smp.S): vCPU 1 is
# an AP waiting for its SIPI before the start; after the guest's run (svm
# only: minutes under Bochs) it holds the AP's own state (its stack,
# x2APIC, no BSP flag); a field set on vCPU 1 stays there; a vCPU the VM
# lacks is refused.
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load
assert_exists "$G/statecalc.bin"

assert_ok minivmmctl create s81 --mem 1M
assert_ok minivmmctl load --mode long s81 "$G/statecalc.bin"
# A fresh vCPU: the long-mode set-up of load, the reset values of the rest.
assert_ok minivmmctl state --json s81
assert_eq "$(json_num "$OUT" pat)" 1974748653749254 "PAT after reset (0x0007040600070406)"
assert_eq "$(json_num "$OUT" mxcsr)" 8064 "MXCSR after reset (0x1f80)"
assert_eq "$(json_num "$OUT" dr7)" 1024 "DR7 after reset (0x400)"

assert_ok minivmmctl start s81
n=0
until [ "$(console_bytes s81)" -gt 0 ] 2>/dev/null; do
	n=$((n + 1))
	[ "$n" -lt 60 ] || fail "statecalc printed nothing"
	assert_state s81 RUNNING
	sleep 0.2
done
sleep 0.5
run minivmmctl state s81
[ "$RC" -eq 1 ] || fail "state of a running VM exited $RC, expected a refusal"
assert_match "$ERR" "running; pause it first" "refusal while running"

assert_ok minivmmctl pause s81
assert_ok minivmmctl state --json s81
before=$OUT
i=$(json_num "$before" rcx)
rip=$(json_num "$before" rip)
[ -n "$i" ] && [ "$i" -gt 0 ] || fail "no count in RCX ('$i')"
# The pause may fall between "inc %rcx" and "inc %r9": R9 is RCX or one less.
r9=$(json_num "$before" r9)
[ "$r9" = "$i" ] || [ "$r9" = $((i - 1)) ] ||
	fail "R9 (iterations) is $r9 with RCX $i"
note "paused at i = $i, rip = $rip"

# Malformed states: each refused, naming its field.
bad() {
	_field=$1
	shift
	refused "$_field" minivmmctl state s81 "$@"
	assert_match "$ERR" "^minivmmctl: state: the vCPU state was refused: $_field is invalid\$" "refusal of $*"
}
bad CR0 --set cr0=0x80000010			# PG without PE
bad CR4 --set cr4=0				# long mode without PAE
bad EFER --set efer=0x100			# LME off, paging on: LMA stays
bad CS --set cs.type=1				# a data segment in CS
bad SS --set ss.dpl=3				# SS.DPL != CPL
bad RFLAGS --set rflags=0x8002			# reserved bit 15
bad RIP --set rip=0x0000800000000000		# not canonical
bad PAT --set pat=0x02				# memory type 2 is reserved
bad LSTAR --set lstar=0x0000900000000000	# not canonical
bad DR7 --set dr7=0x100000400			# upper half reserved
bad "the pending event" --set event.pending=1 --set event.type=3 --set event.vector=2
assert_ok minivmmctl state --json s81
[ "$OUT" = "$before" ] || fail "a refused state changed the vCPU"

# Round trip through a file, spoiling the live state in between.
t=$((i + 50000))
b=$t
: >/tmp/t81
for _k in 1 2 3 4 5 6 7 8; do
	# shellcheck disable=SC2059 # the octal escape is the format
	printf "\\$(printf %03o $((b & 255)))" >>/tmp/t81
	b=$((b >> 8))
done
assert_ok minivmmctl load s81 /tmp/t81 --addr 0x30000
assert_ok minivmmctl state s81 --save /tmp/s81.state
assert_eq "$(wc -c </tmp/s81.state)" 5184 "size of a saved state"
assert_ok minivmmctl state s81 --set r8=0 --set rip=0x10000
assert_ok minivmmctl state --json s81
assert_eq "$(json_num "$OUT" r8)" 0 "R8 after --set"
assert_ok minivmmctl state s81 --load /tmp/s81.state
assert_ok minivmmctl state --json s81
[ "$OUT" = "$before" ] || fail "the state read after --load differs from the one saved"

assert_ok minivmmctl resume s81
assert_ok minivmmctl console s81
OUT=$(echo "$OUT" | tr -d '\r')
assert_match "$OUT" "statecalc: sum=" "guest result"
want=$(printf '%016x' $((t * (t + 1) / 2)))
assert_match "$OUT" "^statecalc: sum=$want\$" "sum for T = $t"
assert_ok minivmmctl list --json
assert_match "$OUT" '"exit_code": 80' "exit code 0x50 (the guest's own checks passed)"
assert_ok minivmmctl destroy s81

assert_exists "$G/smp-500.bin"
assert_ok minivmmctl create s81smp --mem 16M --vcpus 2
assert_ok minivmmctl load --mode long s81smp "$G/smp-500.bin"
# Before the start: vCPU 1 is an AP waiting for its SIPI (no BSP flag).
assert_ok minivmmctl state --json --vcpu 1 s81smp
assert_eq "$(json_num "$OUT" vcpu)" 1 "vcpu of --vcpu 1"
assert_eq "$(json_num "$OUT" apic_base)" 4276094976 "APIC_BASE of the AP before its SIPI (0xfee00800)"
if [ "$MV_ARCH" = vmx ]; then
	# Under Bochs the two vCPUs share one host CPU: the spinlock and IPI
	# ring of the smallest smp guest take minutes of wall time.
	note "vmx: the 2-vCPU guest is not started; its vCPU 1 is checked before its SIPI"
else
	assert_ok minivmmctl start s81smp
	wait_state s81smp STOPPED 120
	assert_ok minivmmctl list --json
	assert_match "$OUT" '"name": "s81smp", "state": "STOPPED".*"exit_code": 64' "smp-500 on 2 vCPUs passed its own checks"
	assert_ok minivmmctl state --json s81smp
	assert_eq "$(json_num "$OUT" vcpu)" 0 "vcpu of the default state"
	# x2APIC on, enabled, base 0xfee00000; BSP flag (0x100) on vCPU 0 only.
	assert_eq "$(json_num "$OUT" apic_base)" 4276096256 "APIC_BASE of vCPU 0 (0xfee00d00)"
	assert_ok minivmmctl state --json --vcpu 1 s81smp
	assert_eq "$(json_num "$OUT" vcpu)" 1 "vcpu of --vcpu 1"
	assert_eq "$(json_num "$OUT" apic_base)" 4276096000 "APIC_BASE of vCPU 1 (0xfee00c00)"
	rsp=$(json_num "$OUT" rsp)
	# AP 1's stack: the page below 0x202000.
	[ -n "$rsp" ] && [ "$rsp" -gt 2101248 ] && [ "$rsp" -le 2105344 ] ||
		fail "RSP of vCPU 1 is '$rsp', not on AP 1's stack (0x201000, 0x202000]"
fi
assert_ok minivmmctl state --json s81smp
bsp=$OUT
assert_ok minivmmctl state s81smp --vcpu 1 --set r13=0x8181
assert_match "$OUT" "^vcpu 1\$" "text of --vcpu 1"
assert_ok minivmmctl state --json --vcpu 1 s81smp
assert_eq "$(json_num "$OUT" r13)" 33153 "R13 set on vCPU 1"
assert_ok minivmmctl state --json s81smp
[ "$OUT" = "$bsp" ] || fail "--set on vCPU 1 changed vCPU 0"
refused "vCPU 99" minivmmctl state s81smp --vcpu 99
assert_match "$ERR" "^minivmmctl: state: VM s81smp has 2 vCPUs, so --vcpu takes 0 to 1, not 99\$" "refusal of --vcpu 99"
assert_ok minivmmctl destroy s81smp
no_vms_left
exit 0
