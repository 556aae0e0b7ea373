# SPDX-License-Identifier: GPL-2.0
# The guest's own AVX state and XCR0 (issue 13), where the L1 host runs
# with AVX (QEMU, and Bochs since the testbed boots it with
# clearcpuid=xsavec,xsaves: see tests/testbed/run): fpu.bin,
# twice, while fpu-hammer processes keep the host's YMM registers busy.  A
# fresh guest's XMM and YMM registers are zero; CPUID.OSXSAVE follows its
# CR4; XCR0 reads 1 after reset; an invalid XSETBV raises #GP; its YMM
# values survive 2000 exits; XCR0 = 3 over 2000 exits changes its own XCR0
# only (a host WARNING in os_xrstor, or a hammer's SIGILL, fails the case).
. "$MV_LIB"

trap 'hammers_kill; cleanup_vms' EXIT

grep -qw avx /proc/cpuinfo ||
	skip "the L1 host runs without AVX (no XSAVE/AVX for guests here, $MV_ARCH)"

mv_loaded || mv_load
assert_exists "$G/fpu.bin"
assert_exists "$MV_ADD/fpu-hammer"

hammers_start
for i in 1 2; do
	run minivmmctl run "$G/fpu.bin"
	[ "$RC" -eq 96 ] || fail "fpu guest (run $i) exited $RC, expected 96 (0x60): $(echo "$OUT" | tail -n 1)"
	assert_match "$OUT" "^fpu: ok\$" "fpu console"
done
hammers_check
grep -q "avx" /tmp/fpu-hammer.* || fail "the hammers did not use AVX"
no_vms_left
