# SPDX-License-Identifier: GPL-2.0
# Debian's own kernel on an ext4 root disk (issue 19).  tests/e2e/run made
# the image with mke2fs -d (/add/ext4root/root.img: busybox and the init in
# 89-debian-ext4.init) and ships that kernel's own modules for virtio-mmio,
# virtio-blk and ext4.  Our initramfs loads them (virtio_mmio with the
# virtio_mmio.device= that minivmmctl put on the command line, as modprobe
# would), mounts /dev/vda and switches to it.  First boot: the guest writes
# two files, syncs, and is force-stopped (destroy --force, no shutdown).
# Then, on this host, e2fsck -n finds the file system clean; a second boot
# from the same image reads both files back with the checksums the host
# expects.
# e2e-timeout: 300
. "$MV_LIB"

trap cleanup_vms EXIT

[ "$MV_ARCH" = svm ] || skip "Debian's kernel takes over 17 min to /init as a guest under Bochs (CI budget); vmx covers user-space disks in 88-virtio-death"
[ "${MV_KERNEL:-test}" != test-debug ] || skip "a Linux guest on the KASAN kernel costs minutes of CI; 87 and 88 run the device paths there"
VMLINUZ=$MV_ADD/vmlinuz-debian
E=$MV_ADD/ext4root
[ -f "$VMLINUZ" ] || skip "no $VMLINUZ (tests/e2e/run ships Debian's /boot/vmlinuz-6.1.*)"
[ -f "$E/root.img" ] || skip "no $E/root.img (tests/e2e/run needs Debian 6.1's modules, mke2fs -d and e2fsck.static: package e2fsck-static)"
mv_loaded || mv_load

cp "$E/root.img" /tmp/root89.img
one_md5=$(yes mv89-one | head -c 1048576 | md5sum | cut -d' ' -f1)
two_md5=$(yes mv89-two | head -c 65536 | md5sum | cut -d' ' -f1)

# The initramfs: busybox, the modules, an init that mounts the root disk.
rm -rf /tmp/ird89
mkdir -p /tmp/ird89/bin /tmp/ird89/dev /tmp/ird89/proc /tmp/ird89/newroot \
	/tmp/ird89/lib/mv89
cp /bin/busybox /tmp/ird89/bin/busybox
cp "$E"/mod/* /tmp/ird89/lib/mv89/
cat >/tmp/ird89/init <<'INIT'
#!/bin/busybox sh
export PATH=/bin
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
# A module gets its parameters from the kernel command line only through
# modprobe; busybox insmod takes them as arguments.
args=
for a in $(cat /proc/cmdline); do
	case $a in virtio_mmio.*) args="$args ${a#virtio_mmio.}" ;; esac
done
for m in $(cat /lib/mv89/order); do
	if [ "$m" = virtio_mmio ]; then
		insmod /lib/mv89/$m.ko $args
	else
		insmod /lib/mv89/$m.ko
	fi || echo "mv89: insmod $m failed"
done
n=0
while [ ! -b /dev/vda ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
mount -t ext4 /dev/vda /newroot || {
	echo "mv89: mount failed; virtio_mmio args:$args"
	dmesg | grep -i 'virtio\|vda\|ext4' | head -n 20
	poweroff -f
}
echo "mv89: root mounted"
umount /proc
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
INIT
chmod 0755 /tmp/ird89/init
[ -e /tmp/ird89/dev/console ] || mknod /tmp/ird89/dev/console c 5 1
(cd /tmp/ird89 && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/tmp/initrd89

# run_deb89 OUT: boot the image in the background as VM d89.
run_deb89() {
	minivmmctl run --name d89 --mem 256M --append "console=ttyS0 quiet" \
		--initrd /tmp/initrd89 --disk /tmp/root89.img "$VMLINUZ" \
		</dev/null >"$1" 2>"$1.err" &
	rpid=$!
}

# 1. First boot: write, sync, then the force-stop.
run_deb89 /tmp/d89a.out
wait_text /tmp/d89a.out "mv89: synced: one [0-9a-f]* two [0-9a-f]\{32\}" 150 || {
	tr -d '\r' </tmp/d89a.out | tail -n 20 | sed 's/^/  guest| /'
	sed 's/^/  err| /' /tmp/d89a.out.err
	fail "the first boot never said it had synced"
}
G1=$(tr -d '\r' </tmp/d89a.out)
echo "$G1" | grep 'mv89' | sed 's/^/  guest| /'
assert_match "$G1" "mv89: root mounted" "initramfs mounted the ext4 disk"
assert_match "$G1" "mv89: synced: one $one_md5 two $two_md5" "files written"
assert_ok minivmmctl destroy --force d89
wait "$rpid"
note "run exited $? after the force-stop"

# 2. This host's view: the file system is clean without any replay.
assert_ok "$E/e2fsck.static" -n -f /tmp/root89.img
echo "$OUT" | sed 's/^/  fsck| /'

# 3. Second boot: the files read back.
run_deb89 /tmp/d89b.out
wait "$rpid"
rrc=$?
G2=$(tr -d '\r' </tmp/d89b.out)
echo "$G2" | grep 'mv89' | sed 's/^/  guest| /'
assert_match "$G2" "mv89: second boot: one $one_md5 two $two_md5" "files read back on the second boot"
assert_match "$G2" "mv89: root is /dev/vda ext4" "root file system"
assert_eq "$rrc" 0 "second run's status (the guest powered off)"
no_vms_left
