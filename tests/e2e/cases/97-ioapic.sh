# SPDX-License-Identifier: GPL-2.0
# The I/O APIC from a guest's side: ioapic.bin reads its ID, version and
# reset state, checks that hostile writes (an undefined index, read-only
# and reserved bits of an entry) change nothing, then takes the PIT's IRQ 0
# through pin 2 with the 8259 left uninitialised and LINT0 masked: 5 ticks
# level triggered (remote IRR and TMR set in the handler, remote IRR clear
# after the local APIC's EOI reached the I/O APIC), then 5 edge triggered.
# Guest side: exit code 0x40 (no failure bits) and 10 ticks; host side: the
# run lasted at least the ~100 ms those ticks stand for, and the VM's stats
# count the interrupts it was given.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/ioapic.bin"


t0=$(uptime_ms)
assert_status 64 minivmmctl run "$G/ioapic.bin"
t1=$(uptime_ms)
assert_match "$OUT" "^ioapic ticks 0a failures 00$" "console"
ms=$((t1 - t0))
echo "  run took $ms ms"
[ "$ms" -ge 95 ] || fail "10 ticks of ~10 ms took only $ms ms"

# The same guest, its injected interrupts counted by the host.
assert_ok minivmmctl create io97 --mem 1M
assert_ok minivmmctl load --mode long io97 "$G/ioapic.bin"
assert_ok minivmmctl start io97
for _ in $(seq 100); do
	[ "$(state_of io97)" = STOPPED ] && break
	sleep 0.1
done
assert_state io97 STOPPED
ctl stats --json io97
irqs=$(json_num "$OUT" irqs)
echo "  interrupts injected: ${irqs:-none}"
[ -n "$irqs" ] && [ "$irqs" -ge 10 ] || fail "expected at least 10 injected interrupts, got '${irqs:-none}'"
assert_ok minivmmctl destroy io97
no_vms_left
