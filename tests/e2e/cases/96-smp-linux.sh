# SPDX-License-Identifier: GPL-2.0
# A Linux guest with two vCPUs: the test kernel (tests/e2e/run ships its
# bzImage as /add/bzImage) finds them in the MP table minivmmctl writes for
# "run --vcpus 2", starts the second with INIT/SIPI, and its /init (busybox)
# prints how many processors /proc/cpuinfo and nproc show, then halts: both
# CPUs stop, and the host sees the VM halt.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

BZ=$MV_ADD/bzImage
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the test kernel's bzImage)"

mkdir -p /tmp/ird96/bin /tmp/ird96/dev /tmp/ird96/proc
cp /bin/busybox /tmp/ird96/bin/busybox
for c in sh halt grep nproc mount cat; do
	ln -sf busybox "/tmp/ird96/bin/$c"
done
[ -e /tmp/ird96/dev/console ] || mknod /tmp/ird96/dev/console c 5 1
cat >/tmp/ird96/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc
echo "mv96 cpuinfo $(grep -c ^processor /proc/cpuinfo) nproc $(nproc)"
halt -f
INIT
chmod 0755 /tmp/ird96/init
(cd /tmp/ird96 && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/tmp/initrd96

t0=$(date +%s)
run timeout 250 minivmmctl run --vcpus 2 --mem 256M \
	--append "console=ttyS0 earlyprintk=serial,ttyS0,115200" \
	--initrd /tmp/initrd96 "$BZ"
echo "  boot to halt: $(($(date +%s) - t0)) s, status $RC"
echo "$OUT" | tr -d '\r' | grep -E "smpboot|MPTABLE|mv96|CPU|APIC" |
	sed -e 's/:/ :/g' -e 's/^/  guest| /' | head -n 40
assert_match "$OUT" "mv96 cpuinfo 2 nproc 2" "the guest's /proc/cpuinfo and nproc"
assert_eq "$RC" 0 "run's status (the guest halted)"
no_vms_left
