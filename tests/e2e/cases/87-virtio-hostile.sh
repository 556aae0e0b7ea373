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
# drop; and its receive variant the same to the receive queue, with the
# receive buffers virtio-net must drop (device-readable, smaller than the
# header).  Last, the receive variant with mergeable buffers, which the
# device checks only when a frame waits: this host pings through the tap
# meanwhile, and each bad queue, a device-readable buffer and one smaller
# than the header among them, must need a reset; a frame must wait while
# its buffers are too few and then arrive over several.
. "$MV_LIB"

cleanup87() {
	[ -z "${feeder:-}" ] || kill "$feeder" 2>/dev/null
	cleanup_vms
}
trap cleanup87 EXIT

# Under Bochs a guest access to a device register costs about half a second
# of wall time (88 makes some 850 in minutes); the flood here is thousands.
[ "$MV_ARCH" = svm ] || skip "thousands of device round trips take too long under Bochs; vmx covers user-space devices in 88-virtio-death"
mv_loaded || mv_load
assert_exists "$G/virtio-hostile.bin"
assert_exists "$G/virtio-hostile-blk.bin"
assert_exists "$G/virtio-hostile-net.bin"
assert_exists "$G/virtio-hostile-netrx.bin"
assert_exists "$G/virtio-hostile-netrx-mrg.bin"

# hostile_run NAME BIN RUN-ARGS...: "run" BIN with RUN-ARGS.  Its guest
# must have seen the device ask for a reset after each of the eight bad
# queues and exit 0x5a; the device process must have said why, once per
# broken queue (HOSTILE_BROKEN of them, 7 unless set), and stayed up to
# the end.  Leaves GOUT and ERR.
hostile_run() {
	name=$1 bin=$2
	shift 2
	t0=$(date +%s)
	minivmmctl run --name "$name" --mem 16M "$@" "$bin" \
		>/tmp/$name.out 2>/tmp/$name.err
	rrc=$?
	note "$name: run exited $rrc after $(( $(date +%s) - t0 )) s"
	sed 's/^/  guest| /' /tmp/$name.out
	sed 's/^/  err| /' /tmp/$name.err
	GOUT=$(cat /tmp/$name.out)
	ERR=$(cat /tmp/$name.err)
	for what in "descriptor loop" "buffer outside RAM" "length past RAM" \
		"next beyond the queue" "readable after writable" \
		"avail index 100 ahead" "queue size 6"; do
		assert_match "$GOUT" "$what: needs reset" "$name guest: $what"
	done
	assert_match "$GOUT" "2000 empty notifications: ignored" "$name guest: flood"
	assert_match "$GOUT" "hostile done" "$name guest: good requests after each reset"
	assert_eq "$rrc" 90 "$name: run's status (the guest's exit code 0x5a)"
	n=$(grep -c "virtio device at 0xfeb00000: .*; device needs reset" /tmp/$name.err)
	assert_eq "$n" "${HOSTILE_BROKEN:-7}" "$name: device process, one sentence per broken queue"
	assert_match "$ERR" "queue size not a power of 2" "$name: device process, the queue size"
}

# virtio-rng, a disk beside it.
head -c 65536 /dev/urandom >/tmp/d87.img
md5=$(md5sum </tmp/d87.img)
hostile_run vh87 "$G/virtio-hostile.bin" --rng --disk /tmp/d87.img
assert_match "$GOUT" "virtio-rng found" "guest: the rng is the first device"
assert_match "$ERR" "VM exited with code 90" "run's report"
assert_eq "$(md5sum </tmp/d87.img)" "$md5" "the disk beside it untouched"

# virtio-blk on a read-only disk, then what its model must refuse without a
# reset: a sector past the disk, a read of 100 bytes, a write to the
# read-only disk, a request with no status byte; then indirect tables: a
# good read through one, and three broken ones (a loop in the table, an
# entry naming a table, a table outside RAM), each needing a reset.
sector_disk /tmp/d87b.img
md5b=$(md5sum </tmp/d87b.img)
HOSTILE_BROKEN=10 hostile_run vb87 "$G/virtio-hostile-blk.bin" --disk /tmp/d87b.img,ro --rng
assert_match "$GOUT" "virtio-blk found" "guest: the disk is the first device"
for what in "sector past the disk: IOERR" "read of 100 bytes: IOERR" \
	"write to the read-only disk: IOERR" \
	"request without a status byte: dropped" \
	"read through an indirect table: ok" \
	"loop in an indirect table: needs reset" \
	"table entry naming a table: needs reset" \
	"indirect table outside RAM: needs reset"; do
	assert_match "$GOUT" "$what" "blk guest: $what"
done
assert_eq "$(md5sum </tmp/d87b.img)" "$md5b" "the read-only disk unchanged"

# virtio-net's transmit queue (a tap in this host), then frames the model
# must drop without a reset: the header alone, a writable buffer.
hostile_run vn87 "$G/virtio-hostile-net.bin" --net tap:mvtap87 --rng
assert_match "$GOUT" "virtio-net found" "guest: the NIC is the first device"
for what in "header without a frame: dropped" \
	"writable transmit buffer: dropped"; do
	assert_match "$GOUT" "$what" "net guest: $what"
done
# The receive queue, checked when the guest notifies it (no frame needed).
hostile_run vr87 "$G/virtio-hostile-netrx.bin" --net tap:mvtap87r --rng
assert_match "$GOUT" "virtio-net found" "guest: the NIC is the first device"
for what in "readable receive buffer: dropped" \
	"receive buffer smaller than the header: dropped"; do
	assert_match "$GOUT" "$what" "net rx guest: $what"
done
assert_match "$ERR" "bad receive queue" "rx: device process, the receive queue named"

# feed_tap TAP: once TAP exists, bring it up and ping a static neighbour
# (the guest's MAC) through it 20 times a second, until killed: frames
# for the mergeable receive buffers.
feed_tap() {
	until ip link show "$1" >/dev/null 2>&1; do sleep 0.1; done
	ip addr add 10.0.87.1/24 dev "$1"
	ip link set "$1" up
	ip neigh replace 10.0.87.2 lladdr 02:00:00:00:87:87 dev "$1"
	exec ping -q -i 0.05 10.0.87.2
}
feed_tap mvtap87m >/dev/null 2>&1 &
feeder=$!
# MINIVMM_VIRTIO_DEBUG: the device's counters, "waits" among them (a frame
# kept for want of buffers), printed when serving ends.
MINIVMM_VIRTIO_DEBUG=1 HOSTILE_BROKEN=9 \
	hostile_run vm87 "$G/virtio-hostile-netrx-mrg.bin" --net tap:mvtap87m --rng
kill "$feeder" 2>/dev/null
feeder=""
waits=$(sed -n 's/.*virtio end net at .* \([0-9][0-9]*\) waits .*/\1/p' /tmp/vm87.err | tail -n 1)
note "mergeable rx: the device kept a frame for want of buffers ${waits:-?} time(s)"
[ "${waits:-0}" -ge 1 ] || fail "the frame never waited for buffers (no frame while one 32-byte buffer was offered?)"
for what in "readable receive buffer: needs reset" \
	"receive buffer smaller than the header: needs reset" \
	"frame waits for buffers" "frame over several buffers: num_buffers ok"; do
	assert_match "$GOUT" "$what" "mergeable rx guest: $what"
done
assert_match "$ERR" "a buffer smaller than the virtio-net header" "mergeable rx: device process, the reason named"
dmesg | tail -n 20 | grep -q "BUG\|WARNING" && fail "the host kernel complained"
no_vms_left
