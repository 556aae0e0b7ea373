# SPDX-License-Identifier: GPL-2.0
# A hostile virtio driver: tests/guests/virtio.S (hostile variant) drives
# the virtio-rng device of "run --rng --disk" with a descriptor loop, a
# buffer outside RAM, a length past RAM, a next index beyond the queue, a
# readable descriptor after a writable one, an avail index 100 ahead, a
# queue size of 6 and a flood of 2000 empty notifications.  The guest checks
# that the device asks for a reset each time (DEVICE_NEEDS_RESET) and
# serves a good request after the reset, then exits 0x5a; the host checks
# that the device process said why for each bad queue, stayed up to the end
# (run's child serves until the VM stops) and left the disk image alone.
# Then the same guest's virtio-blk variant does all that to the disk of
# "run --disk FILE,ro", and the requests virtio-blk must fail (IOERR, or
# dropped) without asking for a reset; its virtio-net variant to the
# transmit queue of "run --net tap:NAME", and the frames virtio-net must
# drop.
. "$MV_LIB"

trap cleanup_vms EXIT

# Under Bochs a guest access to a device register costs about half a second
# of wall time (88 makes some 850 in minutes); the flood here is thousands.
[ "$MV_ARCH" = svm ] || skip "thousands of device round trips take too long under Bochs; vmx covers user-space devices in 88-virtio-death"
mv_loaded || mv_load
assert_exists "$G/virtio-hostile.bin"

head -c 65536 /dev/urandom >/tmp/d87.img
md5=$(md5sum </tmp/d87.img)
t0=$(date +%s)
minivmmctl run --name vh87 --mem 16M --rng --disk /tmp/d87.img \
	"$G/virtio-hostile.bin" >/tmp/vh87.out 2>/tmp/vh87.err
rrc=$?
note "run exited $rrc after $(( $(date +%s) - t0 )) s"
sed 's/^/  guest| /' /tmp/vh87.out
sed 's/^/  err| /' /tmp/vh87.err
GOUT=$(cat /tmp/vh87.out)
ERR=$(cat /tmp/vh87.err)
for what in "descriptor loop" "buffer outside RAM" "length past RAM" \
	"next beyond the queue" "readable after writable" \
	"avail index 100 ahead" "queue size 6"; do
	assert_match "$GOUT" "$what: needs reset" "guest: $what"
done
assert_match "$GOUT" "2000 empty notifications: ignored" "guest: flood"
assert_match "$GOUT" "hostile done" "guest: good requests after each reset"
assert_eq "$rrc" 90 "run's status (the guest's exit code 0x5a)"
n=$(grep -c "virtio device at 0xfeb00000: .*; device needs reset" /tmp/vh87.err)
assert_eq "$n" 7 "device process: one sentence per broken queue"
assert_match "$ERR" "queue size not a power of 2" "device process: the queue size"
assert_match "$ERR" "VM exited with code 90" "run's report"
assert_eq "$(md5sum </tmp/d87.img)" "$md5" "the disk beside it untouched"

# The same on the virtio-blk device (a read-only disk), then what its model
# must refuse without a reset: a sector past the disk, a read of 100 bytes,
# a write to the read-only disk, a request with no status byte.
sector_disk /tmp/d87b.img
md5b=$(md5sum </tmp/d87b.img)
minivmmctl run --name vb87 --mem 16M --disk /tmp/d87b.img,ro --rng \
	"$G/virtio-hostile-blk.bin" >/tmp/vb87.out 2>/tmp/vb87.err
rrc=$?
sed 's/^/  guest| /' /tmp/vb87.out
sed 's/^/  err| /' /tmp/vb87.err
GOUT=$(cat /tmp/vb87.out)
assert_match "$GOUT" "virtio-blk found" "guest: the disk is the first device"
for what in "descriptor loop" "buffer outside RAM" "length past RAM" \
	"next beyond the queue" "readable after writable" \
	"avail index 100 ahead" "queue size 6"; do
	assert_match "$GOUT" "$what: needs reset" "blk guest: $what"
done
for what in "sector past the disk: IOERR" "read of 100 bytes: IOERR" \
	"write to the read-only disk: IOERR" \
	"request without a status byte: dropped" "hostile done"; do
	assert_match "$GOUT" "$what" "blk guest: $what"
done
assert_eq "$rrc" 90 "run's status (the blk guest's exit code 0x5a)"
n=$(grep -c "virtio device at 0xfeb00000: .*; device needs reset" /tmp/vb87.err)
assert_eq "$n" 7 "device process: one sentence per broken blk queue"
assert_eq "$(md5sum </tmp/d87b.img)" "$md5b" "the read-only disk unchanged"

# And on virtio-net's transmit queue (a tap in this host), then frames the
# model must drop without a reset: the header alone, a writable buffer.
minivmmctl run --name vn87 --mem 16M --net tap:mvtap87 --rng \
	"$G/virtio-hostile-net.bin" >/tmp/vn87.out 2>/tmp/vn87.err
rrc=$?
sed 's/^/  guest| /' /tmp/vn87.out
sed 's/^/  err| /' /tmp/vn87.err
GOUT=$(cat /tmp/vn87.out)
assert_match "$GOUT" "virtio-net found" "guest: the NIC is the first device"
for what in "descriptor loop: needs reset" "buffer outside RAM: needs reset" \
	"length past RAM: needs reset" "next beyond the queue: needs reset" \
	"readable after writable: needs reset" \
	"avail index 100 ahead: needs reset" "queue size 6: needs reset" \
	"2000 empty notifications: ignored" \
	"header without a frame: dropped" \
	"writable transmit buffer: dropped" "hostile done"; do
	assert_match "$GOUT" "$what" "net guest: $what"
done
assert_eq "$rrc" 90 "run's status (the net guest's exit code 0x5a)"
n=$(grep -c "virtio device at 0xfeb00000: .*; device needs reset" /tmp/vn87.err)
assert_eq "$n" 7 "device process: one sentence per broken transmit queue"
dmesg | tail -n 20 | grep -q "BUG\|WARNING" && fail "the host kernel complained"
no_vms_left
