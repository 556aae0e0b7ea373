# SPDX-License-Identifier: GPL-2.0
# kvmclock from a guest of our own, on both backends (Debian's kernel uses
# it in 77 and 120, on svm only): kvmclock.S finds KVM's signature at CPUID
# 0x40000100 and CLOCKSOURCE2, turns the clock on, reads the MSR back,
# checks the time structure and that the clock it gives advances, and
# reads the wall clock of its time 0.  The guest's clock runs from TSC 0,
# and a new VM's TSC is the host's, so that is when the host's TSC was 0:
# this host's boot, give or take its firmware's seconds (and Bochs', whose
# TSC counts instructions, drifts a few seconds from its clock).
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load
assert_exists "$G/kvmclock.bin"

run minivmmctl run "$G/kvmclock.bin"
[ "$RC" -eq 112 ] || fail "kvmclock guest exited $RC, expected 112 (0x70): $(echo "$OUT" | tail -n 1)"
assert_match "$OUT" "^kvmclock: ok wall [0-9a-f]{8}\$" "console"
read -r up _ </proc/uptime
boot=$(( $(date +%s) - ${up%.*} ))
wall=$(printf '%d' "0x$(echo "$OUT" | sed -n 's/^kvmclock: ok wall \([0-9a-f]*\)$/\1/p')")
note "wall clock of the guest's time 0: $wall s; this host booted at $boot s"
[ "$wall" -ge $((boot - 30)) ] && [ "$wall" -le $((boot + 10)) ] ||
	fail "the guest's time 0 is at $wall s, not at the host's boot ($boot s)"
no_vms_left
