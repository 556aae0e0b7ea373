# SPDX-License-Identifier: GPL-2.0
# The 8254: pit.bin times ~10 ms with channel 2 (gate and OUT in port 0x61,
# latched counts), then counts 10 IRQ 0 ticks of a ~10 ms channel 0 rate
# generator delivered through the 8259 and LINT0.  Guest side: exit code
# 0x40 and 10 ticks printed; host side: the run took at least the ~100 ms
# those ticks stand for, paced by the host's hrtimer.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

assert_exists "$G/pit.bin"


t0=$(uptime_ms)
assert_status 64 minivmmctl run "$G/pit.bin"
t1=$(uptime_ms)
assert_match "$OUT" "^pit ticks 0a failures 00$" "console"
ms=$((t1 - t0))
echo "  run took $ms ms"
[ "$ms" -ge 95 ] || fail "10 ticks of ~10 ms took only $ms ms"
no_vms_left
