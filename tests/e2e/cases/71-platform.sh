# SPDX-License-Identifier: GPL-2.0
# Multiboot guest mb-platform.elf probes fw_cfg, PCI configuration, the
# 8259 pair and the UART, prints what it read, and powers off through the
# "Shutdown" port.  Checked on both sides: the values printed are the ones
# the host configured (RAM size, one CPU), and the host sees the VM stop as
# powered off (run's message, status 0, a "poweroff" event).  The flat
# "a.out kludge" build of the same guest must behave the same.
. "$MV_LIB"

cleanup() { kill "$epid" 2>/dev/null; cleanup_vms; }
trap cleanup EXIT

mv_loaded || mv_load

assert_exists "$G/mb-platform.elf"
assert_exists "$G/mb-platform.kludge.bin"

minivmmctl events >/tmp/ev71 2>/tmp/ev71.err &
epid=$!
wait_text /tmp/ev71.err "listening for events" 30 ||
	fail "events did not start listening: $(cat /tmp/ev71.err)"

assert_status 0 minivmmctl run --name plat71 --mem 48M "$G/mb-platform.elf"
assert_no_match "$OUT" "FAIL" "console"
assert_match "$OUT" "^fw_cfg signature QEMU$" "console"
assert_match "$OUT" "^fw_cfg id 00000001$" "console"
assert_match "$OUT" "^fw_cfg ram 0x0000000003000000$" "console (48 MiB)"
assert_match "$OUT" "^fw_cfg cpus 1$" "console"
assert_match "$OUT" "^fw_cfg max cpus 1$" "console"
assert_match "$OUT" "^pci cf8 80000000$" "console"
assert_match "$OUT" "^pci 00:00.0 ffffffff$" "console"
assert_match "$OUT" "^pic masks fb ff$" "console"
assert_match "$OUT" "^powering off$" "console"
assert_match "$ERR" "powered off" "stderr"
wait_text /tmp/ev71 "poweroff .*name=plat71" 10 ||
	fail "no poweroff event for plat71: $(cat /tmp/ev71)"

assert_status 0 minivmmctl run --mem 100M "$G/mb-platform.kludge.bin"
assert_match "$OUT" "^fw_cfg ram 0x0000000006400000$" "console (100 MiB)"
assert_match "$ERR" "powered off" "stderr"
no_vms_left
