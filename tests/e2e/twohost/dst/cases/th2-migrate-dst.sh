# SPDX-License-Identifier: GPL-2.0
# e2e-timeout: 1500
# Live migration between two emulated machines, the destination's side
# (tests/e2e/twohost/run; the source's side is th1-migrate-src).  Opens
# its end of the serial line, says READY once, and takes the migration
# with "receive --listen -" (stream on stdin, answers on stdout).  Then
# the guest goes on here: it is the only VM, running; released, it
# finishes, and its console (the source's part replayed from the migrated
# ring, then this machine's) shows every step once and in order (from the
# first the ring kept), the last checksum the one computed here, and the
# guest's own RAM check clean.
. "$MV_LIB"

mv_loaded || mv_load
[ -c /dev/ttyS1 ] || fail "no /dev/ttyS1: this machine has no link"
exec 3<>/dev/ttyS1
stty -F /dev/ttyS1 115200 raw -echo clocal || fail "stty cannot make the link raw"
# Whatever happens here, the source hears BYE at the end and may go.
trap 'printf "BYE\n" >&3; cleanup_vms' EXIT
printf 'READY\n' >&3

# ---- first the source's host-model VM: refused by Bochs' CPU ----
minivmmctl receive --listen - --name hostcpu --timeout 900 <&3 >&3 2>/tmp/th2r.err
rc=$?
sed 's/^/  recv| /' /tmp/th2r.err
if [ "$MV_ARCH" = vmx ]; then
	[ "$rc" -ne 0 ] || fail "took a VM shown features this CPU lacks"
	assert_cpu_refusal /tmp/th2r.err
	no_vms_left
	# Skip what the source sent before it read the refusal.
	while IFS= read -r -t 600 line <&3; do
		[ "$line" = RESYNC ] && break
	done
	[ "$line" = RESYNC ] || fail "the source did not send RESYNC after the refusal"
	note "refused the host-model VM; nothing left here"
else
	[ "$rc" -eq 0 ] || fail "receive of the host-model VM failed: $(tail -n 1 /tmp/th2r.err)"
	assert_ok minivmmctl destroy --force hostcpu
fi
printf 'READY\n' >&3

minivmmctl receive --listen - --name dst --timeout 900 <&3 >&3 2>/tmp/th2.err
rc=$?
sed 's/^/  recv| /' /tmp/th2.err
[ "$rc" -eq 0 ] || fail "receive exited $rc: $(tail -n 1 /tmp/th2.err)"
ctl list
[ "$(echo "$OUT" | tail -n +2 | wc -l)" -eq 1 ] || fail "not exactly one VM here"
echo "$OUT" | grep -q " dst  *RUNNING " || fail "the migrated VM is not running"

printf 'go!!' >/tmp/th2.go
assert_ok minivmmctl load dst /tmp/th2.go --addr 0x1fe000
minivmmctl console dst </dev/null >/tmp/th2.out 2>/tmp/th2.cerr
sed -n '1,3p;$p' /tmp/th2.out | sed 's/^/  | /'
# The source's part of the console is its ring, the last 64 KiB: with
# the pre-copy rounds paced by the line, the first steps may be gone.
steps=$(migcount_check /tmp/th2.out 16 from-any) || fail "$steps"
first=$(sed -n 's/^mig step \([0-9a-f]*\) .*/\1/p' /tmp/th2.out | head -n 1)
[ "$first" = 00000001 ] || note "the console ring kept the steps from 0x$first on"

grep -q "^mig done steps .. failures 00\$" /tmp/th2.out ||
	fail "the guest's own check failed or it did not finish"
note "$steps steps, every checksum right, after moving from svm (QEMU) to $MV_ARCH"
assert_ok minivmmctl destroy dst
no_vms_left
