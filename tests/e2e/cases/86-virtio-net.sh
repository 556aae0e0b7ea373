# SPDX-License-Identifier: GPL-2.0
# virtio-net on a tap device: "minivmmctl run --net tap:mvtap86" creates
# the tap in the emulated host, which gives it 10.0.86.1/24; the test
# kernel, as the guest, configures eth0 as 10.0.86.2/24 with the MAC the
# device's configuration space gives, and then both sides ping each other.
# (A bulk TCP transfer over it stalls today; issue 19 stays open for it.)
# The Linux guest costs minutes under Bochs: svm only.
. "$MV_LIB"

cleanup86() {
	[ -z "${rpid:-}" ] || kill "$rpid" 2>/dev/null
	cleanup_vms
}
trap cleanup86 EXIT

# Not yet: the guest's network is too slow to finish in the case's time
# (a bulk TCP transfer stalled; a boot plus pings both ways ran past 120 s
# once).  Issue 19 stays open for it; run it by hand with
#   tests/e2e/run --arch svm --case 86-virtio-net --case-timeout 300
[ "$MV_ARCH" = svm ] && [ "${MV_CASE_TIMEOUT:-120}" -ge 300 ] &&
	[ "$MV_KERNEL" != test-debug ] ||
	skip "virtio-net over tap is too slow to finish in 120 s yet (issue 19 open)"
mv_loaded || mv_load
BZ=$MV_ADD/bzImage
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the test kernel's bzImage)"
[ -c /dev/net/tun ] || fail "no /dev/net/tun in the emulated host"

mkdir -p /tmp/ird86/bin
cp /bin/busybox /tmp/ird86/bin/busybox
cat >/tmp/ird86/init <<'INIT'
/bin/busybox --install -s /bin
mkdir -p /dev /proc /sys /tmp
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "mv86: mac $(cat /sys/class/net/eth0/address)"
ip addr add 10.0.86.2/24 dev eth0
ip link set eth0 up
ip link set lo up
echo "mv86: up"
ok=0
for i in $(seq 1 30); do
	if ping -c 1 -W 2 10.0.86.1 >/dev/null 2>&1; then ok=1; break; fi
done
[ "$ok" = 1 ] && echo "mv86: ping host ok" || echo "mv86: ping host failed"
# Stay up until the host's pings have reached us (ICMP InEchos).
echos=0
for i in $(seq 1 120); do
	echos=$(awk '/^Icmp:/ { n++ } n == 2 { print $9; exit }' /proc/net/snmp)
	[ "${echos:-0}" -ge 1 ] && break
	sleep 0.5
done
echo "mv86: echo requests received: $echos"
echo "mv86: done"
halt -f
INIT
chmod 0755 /tmp/ird86/init
(cd /tmp/ird86 && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/tmp/initrd86

timeout 100 minivmmctl run --name net86 --mem 256M \
	--append "console=ttyS0 quiet" --initrd /tmp/initrd86 \
	--net tap:mvtap86 "$BZ" >/tmp/net86.out 2>/tmp/net86.err &
rpid=$!
n=300
until ip link show mvtap86 >/dev/null 2>&1; do
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "no tap mvtap86 30 s after run started: $(cat /tmp/net86.err)"
	sleep 0.1
done
ip addr add 10.0.86.1/24 dev mvtap86
ip link set mvtap86 up
wait_text /tmp/net86.out "mv86: up" 90 || fail "the guest did not configure eth0: $(tail -n 5 /tmp/net86.out)"
ok=0
for _ in $(seq 1 20); do
	if ping -c 1 -W 2 10.0.86.2 >/dev/null 2>&1; then ok=1; break; fi
done
[ "$ok" = 1 ] || fail "the host cannot ping the guest"
note "host -> guest ping ok"
wait "$rpid"
rrc=$?
rpid=""
GOUT=$(tr -d '\r' </tmp/net86.out)
echo "$GOUT" | grep 'mv86\|virtio\|eth0' | sed 's/^/  guest| /'
sed 's/^/  err| /' /tmp/net86.err

assert_match "$GOUT" "mv86: mac 52:54:00:4d:56:" "guest MAC from the device's config space"
assert_match "$GOUT" "mv86: ping host ok" "guest -> host ping"
assert_match "$GOUT" "mv86: echo requests received: [1-9]" "the host's pings reached the guest"
assert_match "$GOUT" "mv86: done" "guest reached the end"
assert_eq "$rrc" 0 "run's status (the guest halted)"
no_vms_left
