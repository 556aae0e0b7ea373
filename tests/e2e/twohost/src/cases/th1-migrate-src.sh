# SPDX-License-Identifier: GPL-2.0
# e2e-timeout: 2000
# Live migration between two emulated machines, the source's side (run by
# tests/e2e/twohost/run, not by the e2e suite).  The two machines are
# joined by a serial line (ttyS1, tests/testbed/run --link); migcount.bin
# (as in 101-migrate-local, on the baseline CPU model so that either
# vendor can take it) runs here and moves over that line with
# "migrate NAME -", whose stream goes out on stdout and whose answers come
# back on stdin, as over ssh.  Here: migrate reports done with its rounds
# and downtime, and no VM is left (it ran on the other machine first).
# Before that, the same guest on the host CPU model is refused when the
# destination lacks features it was shown (QEMU's "max" CPU has PKU and
# VAES, Bochs' Skylake-X neither: CPUID.7:ECX bits 0x208; with --to svm
# both sides have them and it moves): migrate says so, and the VM keeps
# running here.
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load
assert_exists "$G/migcount.bin"
[ -c /dev/ttyS1 ] || fail "no /dev/ttyS1: this machine has no link"
TH_DEST=$(cat "$MV_ADD/th-dest") || fail "no /add/th-dest: run by tests/e2e/twohost/run"
exec 3<>/dev/ttyS1
stty -F /dev/ttyS1 115200 raw -echo clocal || fail "stty cannot make the link raw"

# wait_ready: the destination's next READY line.
wait_ready() {
	IFS= read -r -t 900 line <&3 || fail "the link closed before the destination was ready"
	[ "$line" = READY ] || fail "expected READY from the destination, got '$line'"
}

assert_ok minivmmctl create src --mem 16M --cpu-model baseline
assert_ok minivmmctl load src "$G/migcount.bin" --mode long
assert_ok minivmmctl create hostcpu --mem 16M
assert_ok minivmmctl load hostcpu "$G/migcount.bin" --mode long
# Our end is open: tests/e2e/twohost/run starts the destination now (a
# byte sent to a port nobody has opened is lost when it opens).
echo "@@LINK-OPEN@@"
wait_ready
note "the destination is ready"

# ---- a host-model VM and a destination without one of its features ----
assert_ok minivmmctl start hostcpu
wait_console_bytes hostcpu $((31 * 2))
minivmmctl migrate hostcpu - --timeout 900 <&3 >&3 2>/tmp/th1r.err
rc=$?
sed 's/^/  mig| /' /tmp/th1r.err
if [ "$TH_DEST" = vmx ]; then
	[ "$rc" -ne 0 ] || fail "a VM shown features Bochs lacks moved there"
	grep -q "the receiver refused the migration: " /tmp/th1r.err ||
		fail "migrate does not pass the receiver's refusal on"
	assert_cpu_refusal /tmp/th1r.err
	grep -E -q "VM 'hostcpu' (kept running|was resumed) here" /tmp/th1r.err ||
		fail "migrate does not say that the VM runs on"
	assert_state hostcpu RUNNING
	n=$(console_bytes hostcpu)
	wait_console_bytes hostcpu $((n + 31 * 2))
	note "refused: $(grep -o "cannot give ([^)]*)" /tmp/th1r.err | head -n 1); the VM runs on here"
	# What migrate had sent before it read the refusal is still on the
	# line: the destination reads up to RESYNC, then says READY again.
	printf '\nRESYNC\n' >&3
	wait_ready
	assert_ok minivmmctl destroy --force hostcpu
else
	[ "$rc" -eq 0 ] || fail "the host-model VM did not move between two QEMUs: $(tail -n 1 /tmp/th1r.err)"
	wait_ready
fi
# Started only now: a busy guest would take a host CPU from the other
# machine while it boots.
assert_ok minivmmctl start src
wait_console_bytes src $((31 * 5))		# 5 steps of 31 bytes

# The line carries kilobytes a second (Bochs paces its UART at 115200
# baud of its own clock; QEMU about 30 KB/s), and the guest dirties 16
# pages every 20 ms: the rounds would never get below the downtime
# target, so after 2 of them it stops and copies (and says so).  What it
# sends waits in the buffers on the way (the sockets, both UARTs' ttys),
# and the receiver answers only once it has read all of it: --timeout for
# a slow link.
minivmmctl migrate src - --json --max-rounds 2 --timeout 900 <&3 >&3 2>/tmp/th1.err
rc=$?
sed 's/^/  mig| /' /tmp/th1.err
[ "$rc" -eq 0 ] || fail "migrate exited $rc: $(tail -n 1 /tmp/th1.err)"
grep -q '^migrate: done: ' /tmp/th1.err || fail "migrate did not report done"
report=$(cat /tmp/th1.err)
rounds=$(json_num "$report" rounds)
[ "${rounds:-0}" -ge 2 ] || fail "${rounds:-no} rounds: the pre-copy did not happen"
note "migrated over the serial line: rounds $rounds, pages $(json_num "$report" pages_sent), downtime $(sed -n 's/.*"downtime_ms": \([0-9.]*\).*/\1/p' /tmp/th1.err) ms, $(grep -o '"stop_and_copy": [a-z]*' /tmp/th1.err)"
no_vms_left
# This machine's end stays open until the destination has finished (its
# emulator may not outlive the line): it says BYE as it ends.
IFS= read -r -t 900 line <&3 || fail "no word from the destination after the migration"
[ "$line" = BYE ] || fail "expected BYE from the destination, got '$line'"
