# SPDX-License-Identifier: GPL-2.0
# The long IPI ring of issue 18: 100,000 round trips of a fixed IPI around
# the ring of 4 vCPUs (tests/guests/smp.S as smp-100000.bin: INIT/SIPI
# from the guest's own code, the spinlock counter, then the ring), every
# vCPU counting what it received; the guest checks every count and the
# total, this case its closing line and the run's status.
# A 4-vCPU round trip costs about 3 ms under QEMU (5 minutes for the ring)
# and under Bochs, so CI leaves it out (tests/e2e/expected-skips) and
# 95-smp-guests runs the same guest with shorter rings.  By hand:
#   tests/e2e/run --arch svm --case 98-ipi-ring-100k --case-timeout 1200
#   tests/e2e/run --arch vmx --case 98-ipi-ring-100k --case-timeout 1200
. "$MV_LIB"

trap cleanup_vms EXIT

[ "${MV_CASE_TIMEOUT:-0}" -ge 900 ] ||
	skip "100,000 4-vCPU round trips take about 5 minutes of CI; run by hand with --case-timeout 1200 (95-smp-guests runs shorter rings)"
mv_loaded || mv_load
assert_exists "$G/smp-100000.bin"

t0=$(date +%s)
limit=$((MV_CASE_TIMEOUT - 60))
assert_status 64 timeout "$limit" minivmmctl run --vcpus 4 "$G/smp-100000.bin"
smp_expect 4 100000
echo "  4 vCPUs, 100000 round trips: $(($(date +%s) - t0)) s (guest clock)"
no_vms_left
