# SPDX-License-Identifier: GPL-2.0
# A Linux guest with two vCPUs: on svm Debian's own vmlinuz (tests/e2e/run
# ships it as /add/vmlinuz-debian), on vmx by hand the test kernel (its
# bzImage, /add/bzImage), finds them and the I/O APIC in the MADT
# minivmmctl writes for "run --vcpus 2", routes COM1 (and Debian's kernel
# its PIT timer) through the I/O APIC (kmod/ioapic.c), starts the second
# CPU with INIT/SIPI, and
# its /init (busybox) prints how many processors /proc/cpuinfo and nproc
# show, runs a busy loop alone and then one pinned to each CPU (timed,
# reported, not asserted), prints both CPUs' user time around the pair
# (reported too) and /proc/interrupts, then halts: both CPUs stop, and
# the host sees the VM halt.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

# By hand on vmx (about 15 minutes): tests/e2e/run --arch vmx --case
# 96-smp-linux --case-timeout 1500 --timeout 1900.
[ "$MV_ARCH" = svm ] || [ "${MV_CASE_TIMEOUT:-300}" -ge 1200 ] ||
	skip "a 2-vCPU Linux boot under Bochs takes about 15 minutes (by hand: --case-timeout 1500); vmx covers the I/O APIC in 97-ioapic"
[ "$MV_KERNEL" != test-debug ] || skip "a 2-vCPU Linux guest on the KASAN kernel costs minutes of CI; the test kernel runs it"

# Debian's kernel wants "quiet": its boot messages would fill the case's
# output.
BZ=$MV_ADD/bzImage
append="console=ttyS0 earlyprintk=serial,ttyS0,115200"
if [ "$MV_ARCH" = svm ]; then
	BZ=$MV_ADD/vmlinuz-debian
	append="console=ttyS0 quiet"
fi
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the kernel)"

mkdir -p /tmp/ird96/bin /tmp/ird96/dev /tmp/ird96/proc
cp /bin/busybox /tmp/ird96/bin/busybox
for c in sh halt grep nproc mount cat cut taskset dmesg sed; do
	ln -sf busybox "/tmp/ird96/bin/$c"
done
[ -e /tmp/ird96/dev/console ] || mknod /tmp/ird96/dev/console c 5 1
cat >/tmp/ird96/bin/spin <<'SPIN'
#!/bin/sh
i=0
while [ "$i" -lt "$1" ]; do i=$((i + 1)); done
SPIN
cat >/tmp/ird96/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc
echo "mv96 cpuinfo $(grep -c ^processor /proc/cpuinfo) nproc $(nproc)"
up() { cut -d' ' -f1 /proc/uptime; }
user() { grep "^cpu$1 " /proc/stat | cut -d' ' -f2; }
n=6000
a=$(up)
spin $n
b=$(up)
u0=$(user 0) u1=$(user 1)
taskset -c 0 spin $n &
taskset -c 1 spin $n &
wait
c=$(up)
echo "mv96 one $a $b two $b $c"
echo "mv96 user cpu0 $u0 $(user 0) cpu1 $u1 $(user 1)"
grep -E '^ *(0|4|LOC|CAL|TLB|RES):' /proc/interrupts | sed 's/^/mv96 irq /'
dmesg | grep -E 'ACPI: (Using ACPI|INT_SRC_OVR|IOAPIC)|smpboot: Allowing' | sed 's/^/mv96 dmesg /'
halt -f
INIT
chmod 0755 /tmp/ird96/init /tmp/ird96/bin/spin
(cd /tmp/ird96 && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/tmp/initrd96

# The guest kernel's console, shown on ours (as 74-bzimage does): doubled
# spaces, " :" and "O-ops" keep its messages from looking like the host
# kernel's trouble to tests/e2e/parse.py.
show_guest() {
	tr -d '\r' | sed -e 's/ /  /g' -e 's/:/ :/g' -e 's/Oops/O-ops/g' \
		-e 's/^/  guest| /'
}

# Under QEMU the boot takes 30-90 s.  By hand on vmx (remove the skip
# above), it waits up to the case timeout (--case-timeout) less 30 s.
limit=150
[ "$MV_ARCH" = svm ] || limit=$((${MV_CASE_TIMEOUT:-120} - 30))
t0=$(date +%s)
minivmmctl run --name smp96 --vcpus 2 --mem 256M --append "$append" \
	--initrd /tmp/initrd96 "$BZ" >/tmp/smp96.out 2>/tmp/smp96.err &
runpid=$!
n=0 shown=0
while kill -0 "$runpid" 2>/dev/null && [ "$n" -lt "$limit" ]; do
	sleep 1
	n=$((n + 1))
	lines=$(wc -l </tmp/smp96.out)
	if [ "$lines" -gt "$shown" ]; then
		sed -n "$((shown + 1)),${lines}p" /tmp/smp96.out | show_guest
		shown=$lines
	fi
done
sed -n "$((shown + 1)),\$p" /tmp/smp96.out | show_guest
if kill -0 "$runpid" 2>/dev/null; then
	ctl stats smp96
	echo "$OUT" | tail -n 4
	minivmmctl stop --force smp96
	wait "$runpid"
	fail "the 2-vCPU Linux guest did not halt within $limit s"
fi
wait "$runpid"
rc=$?
echo "  boot to halt: $(($(date +%s) - t0)) s, status $rc"
out=$(tr -d '\r' </tmp/smp96.out)
assert_match "$out" "mv96 cpuinfo 2 nproc 2" \
	"the guest's /proc/cpuinfo and nproc"
# Both pinned loops finished, so each CPU ran one.  The user time each
# CPU accounted while the pair ran is reported, not judged: it is sampled
# at timer ticks, and in a CI run with Bochs beside QEMU a 0.5 s pair saw
# one tick on CPU 0 and none on CPU 1.
users=$(echo "$out" | sed -n 's/^mv96 user cpu0 \([0-9]*\) \([0-9]*\) cpu1 \([0-9]*\) \([0-9]*\)$/\1 \2 \3 \4/p')
# shellcheck disable=SC2086 # four numbers, split on purpose
set -- $users
[ $# -eq 4 ] || fail "no user times from the guest"
note "user ticks while the pair ran: CPU 0 $1 -> $2, CPU 1 $3 -> $4"
# The timer and COM1 reach the guest through the I/O APIC, and counted.
# The test kernel (vmx) needs no PIT: CPUID leaf 0x15 gives it the local
# APIC timer's rate, so its ticks are each CPU's local timer.
if [ "$MV_ARCH" = svm ]; then
	assert_match "$out" "mv96 irq +0: +[0-9]* +[0-9]* +IO-APIC +2-edge +timer" \
		"IRQ 0 on I/O APIC pin 2"
else
	assert_match "$out" "mv96 irq +LOC: +[0-9]*[1-9][0-9]* +[0-9]*[1-9][0-9]* +Local" \
		"local timer interrupts on both CPUs"
fi
assert_match "$out" "mv96 irq +4: +[0-9]*[1-9][0-9]* +[0-9]* +IO-APIC +4-edge +ttyS0|mv96 irq +4: +[0-9]* +[0-9]*[1-9][0-9]* +IO-APIC +4-edge +ttyS0" \
	"COM1's interrupts through I/O APIC pin 4"
# The CPUs and the I/O APIC came from the ACPI tables (ctl/acpi.c), which
# a kernel with ACPI (both kernels here) takes over the MP table.
assert_match "$out" "^mv96 dmesg .*ACPI: Using ACPI \(MADT\) for SMP configuration information" \
	"the guest found its CPUs in the MADT"
assert_match "$out" "^mv96 dmesg .*ACPI: INT_SRC_OVR \(bus 0 bus_irq 0 global_irq 2 " \
	"IRQ 0's override to pin 2"
echo "$out" | grep '^mv96 one' | awk '{ printf "  one loop alone: %.2f s, one per CPU: %.2f s\n", $4 - $3, $7 - $6 }'
assert_eq "$rc" 0 "run's status (the guest halted)"
no_vms_left
