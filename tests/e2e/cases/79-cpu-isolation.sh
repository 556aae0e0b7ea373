# SPDX-License-Identifier: GPL-2.0
# Nothing of the host's reaches a guest, nothing of a guest's the host
# (issue 13), with real guests:
#  - syscall: the guest's own STAR/LSTAR/SFMASK, 10000 SYSCALL/SYSRET
#    round trips from ring 3, exits in between;
#  - dregs, three VMs at once on two or one host CPUs: DR0-3/DR6/TSC_AUX
#    read their reset values in a fresh VM (another VM's may be in the
#    CPU), then each VM's own survive 20000 exits, read by RDMSR, and by
#    RDTSCP and RDPID where the module offers them ("rdtscp" in info);
#    PKRU the same where CPUID offers protection keys (the guest says);
#  - fpu-xmm, twice: a fresh guest's XMM registers are zero and its values
#    survive 2000 exits while fpu-hammer processes on every host CPU keep
#    their own vector registers busy (and find them intact).
# The AVX/XCR0 part is e2e 80-guest-avx.
. "$MV_LIB"

trap 'hammers_kill; cleanup_vms' EXIT

mv_loaded || mv_load

for g in syscall dregs fpu-xmm; do
	assert_exists "$G/$g.bin"
done
assert_exists "$MV_ADD/fpu-hammer"
assert_exists "$MV_ADD/tscaux"

run minivmmctl run "$G/syscall.bin"
[ "$RC" -eq 96 ] || fail "syscall guest exited $RC, expected 96 (0x60): $(echo "$OUT" | tail -n 1)"
assert_match "$OUT" "^syscall: ok\$" "syscall console"

# Three at once on at most two host CPUs: VMs take turns on a CPU.
ctl info --json
rdtscp=no
if echo "$OUT" | grep -q '"rdtscp"'; then
	rdtscp=yes
fi
pids=""
for i in 1 2 3; do
	minivmmctl run --name "dregs-$i" "$G/dregs.bin" >"/tmp/dregs.$i" 2>&1 &
	pids="$pids $!"
done
i=1
for p in $pids; do
	wait "$p"
	st=$?
	cat "/tmp/dregs.$i"
	[ "$st" -eq 96 ] || fail "dregs guest $i exited $st, expected 96 (0x60): $(tail -n 2 "/tmp/dregs.$i" | head -n 1)"
	grep -q "^dregs: ok\$" "/tmp/dregs.$i" || fail "dregs guest $i: no 'dregs: ok'"
	if grep -qw ospke /proc/cpuinfo; then
		grep -q "^dregs: pkru ok\$" "/tmp/dregs.$i" ||
			fail "dregs guest $i: the host has protection keys on, yet the guest did not check its PKRU"
	fi
	if [ "$rdtscp" = yes ]; then
		grep -q "^dregs: rdtscp ok\$" "/tmp/dregs.$i" ||
			fail "dregs guest $i: the module offers RDTSCP, yet the guest did not read its TSC_AUX with it"
	fi
	i=$((i + 1))
done
# And the host has its own TSC_AUX back on every CPU.
run "$MV_ADD/tscaux"
case $RC in
0) echo "$OUT" ;;
2) note "the host has no RDTSCP: its TSC_AUX is not checked" ;;
*) fail "host TSC_AUX after the guests: $OUT" ;;
esac

hammers_start
for i in 1 2; do
	run minivmmctl run "$G/fpu-xmm.bin"
	[ "$RC" -eq 96 ] || fail "fpu-xmm guest (run $i) exited $RC, expected 96 (0x60): $(echo "$OUT" | tail -n 1)"
	assert_match "$OUT" "^fpu: xmm ok\$" "fpu-xmm console"
done
hammers_check
no_vms_left
