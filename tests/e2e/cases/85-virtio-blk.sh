# SPDX-License-Identifier: GPL-2.0
# virtio-blk served from user space: "minivmmctl run --disk" gives the test
# kernel two virtio-mmio disks (virtio_mmio.device= on its command line),
# one writable, one read-only.  The guest's /init reads the first sector of
# each, writes a pattern to /dev/vda and flushes it (conv=fsync: a FLUSH
# request, fdatasync on the host), drops its page cache and reads the
# pattern back, and tries to write /dev/vdb; it also prints the queue
# limits its driver took from the device (segments a request, optimal
# I/O size, readahead), and the device counts its indirect tables.  Both
# sides are checked: the guest's checksums against the host's, the image
# files on the host after the run (pattern in place, the rest untouched,
# the read-only image unchanged).  The Linux guest costs minutes under
# Bochs: svm only.
. "$MV_LIB"

trap cleanup_vms EXIT

[ "$MV_ARCH" = svm ] || skip "a Linux guest under Bochs takes minutes; vmx covers user-space devices in 88-virtio-death"
[ "$MV_KERNEL" != test-debug ] || skip "a Linux guest on the KASAN kernel costs minutes of CI; 87 and 88 run the device paths there"
mv_loaded || mv_load

BZ=$MV_ADD/bzImage
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the test kernel's bzImage)"

# Host side: two images with known random content.
head -c 1048576 /dev/urandom >/tmp/vda85.img
head -c 524288 /dev/urandom >/tmp/vdb85.img
cp /tmp/vda85.img /tmp/vda85.orig
ro_md5=$(md5sum </tmp/vdb85.img | cut -d' ' -f1)
s0a=$(head -c 512 /tmp/vda85.img | md5sum | cut -d' ' -f1)
s0b=$(head -c 512 /tmp/vdb85.img | md5sum | cut -d' ' -f1)
pat_md5=$(yes mv85-pattern | head -c 65536 | md5sum | cut -d' ' -f1)

mkdir -p /tmp/ird85/bin
cp /bin/busybox /tmp/ird85/bin/busybox
cat >/tmp/ird85/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /dev /proc /sys /tmp
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "mv85: vda sector0 $(dd if=/dev/vda bs=512 count=1 2>/dev/null | md5sum)"
echo "mv85: vdb sector0 $(dd if=/dev/vdb bs=512 count=1 2>/dev/null | md5sum)"
echo "mv85: vda size $(cat /sys/block/vda/size 2>/dev/null || echo none) ro $(cat /sys/block/vdb/ro 2>/dev/null)"
q=/sys/block/vda/queue
echo "mv85: vda queue segments $(cat $q/max_segments) optimal $(cat $q/optimal_io_size) readahead $(cat $q/read_ahead_kb) KiB"
yes mv85-pattern | head -c 65536 >/tmp/pat
dd if=/tmp/pat of=/dev/vda bs=4096 seek=16 conv=fsync 2>/dev/null && echo "mv85: write ok"
echo 3 >/proc/sys/vm/drop_caches
echo "mv85: readback $(dd if=/dev/vda bs=4096 skip=16 count=16 2>/dev/null | md5sum)"
if dd if=/tmp/pat of=/dev/vdb bs=4096 count=1 conv=fsync 2>/tmp/err; then
	echo "mv85: vdb write accepted"
else
	echo "mv85: vdb write refused: $(cat /tmp/err | head -n 1)"
fi
echo "mv85: done"
halt -f
INIT
chmod 0755 /tmp/ird85/init
(cd /tmp/ird85 && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/tmp/initrd85

t0=$(date +%s)
MINIVMM_VIRTIO_DEBUG=1 timeout 240 minivmmctl run --name blk85 --mem 256M \
	--append "console=ttyS0 quiet" --initrd /tmp/initrd85 \
	--disk /tmp/vda85.img --disk /tmp/vdb85.img,ro "$BZ" \
	>/tmp/blk85.out 2>/tmp/blk85.err
rrc=$?
note "run exited $rrc after $(( $(date +%s) - t0 )) s"
GOUT=$(tr -d '\r' </tmp/blk85.out)
echo "$GOUT" | grep 'mv85\|virtio\|vd[ab]' | sed 's/^/  guest| /'
grep -v "virtio state" /tmp/blk85.err | sed 's/^/  err| /'

# The guest's view.
assert_match "$GOUT" "mv85: vda sector0 $s0a" "guest read of vda sector 0"
assert_match "$GOUT" "mv85: vdb sector0 $s0b" "guest read of vdb sector 0"
assert_match "$GOUT" "mv85: vda size 2048 ro 1" "disk size and read-only flag"
# SEG_MAX (254 segments a request, as the guest took indirect tables) and
# the topology's opt_io_size (1 MiB, which Linux doubles into its readahead
# window), as the device offers them.
assert_match "$GOUT" "mv85: vda queue segments 254 optimal 1048576 readahead 2048 KiB" \
	"the queue limits the guest took from the device"
# The device's own count (MINIVMM_VIRTIO_DEBUG's last line for vda): the
# guest's requests came in indirect tables.
ind=$(sed -n 's/.*virtio end blk at 0xfeb00000: .* indirect \([0-9][0-9]*\) .*/\1/p' /tmp/blk85.err)
note "vda: $ind requests through indirect tables"
[ "${ind:-0}" -gt 0 ] || fail "no request of vda's came in an indirect table"
assert_match "$GOUT" "mv85: write ok" "guest write with fsync"
assert_match "$GOUT" "mv85: readback $pat_md5" "guest read-back after drop_caches"
assert_match "$GOUT" "mv85: vdb write refused" "write to the read-only disk"
assert_match "$GOUT" "mv85: done" "guest reached the end"
assert_eq "$rrc" 0 "run's status (the guest halted)"

# The host's view of the image files.
got=$(dd if=/tmp/vda85.img bs=4096 skip=16 count=16 2>/dev/null | md5sum | cut -d' ' -f1)
assert_eq "$got" "$pat_md5" "pattern in the image file at 64 KiB"
cmp -n 65536 /tmp/vda85.img /tmp/vda85.orig >/dev/null || fail "the first 64 KiB of vda changed"
cmp /tmp/vda85.img /tmp/vda85.orig 131072 131072 >/dev/null || fail "vda changed after the pattern"
assert_eq "$(md5sum </tmp/vdb85.img | cut -d' ' -f1)" "$ro_md5" "read-only image unchanged"
no_vms_left
