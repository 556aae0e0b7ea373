# SPDX-License-Identifier: GPL-2.0
# virtio-net on a tap device: "minivmmctl run --net tap:mvtap86" creates
# the tap in the emulated host, which gives it 10.0.86.1/24; the test
# kernel, as the guest, configures eth0 as 10.0.86.2/24 with the MAC the
# device's configuration space gives.  Both sides ping each other, then
# 4 MiB of random bytes go host -> guest over TCP (busybox nc; the guest
# sends its md5 back over the connection and prints it) and the first MiB
# of them goes back guest -> host, each side checking the sum.  This is
# the bulk transfer that stalled before the device sent its interrupts as
# edges (issue 19).  The Linux guest costs minutes under Bochs: svm only.
. "$MV_LIB"

cleanup86() {
	[ -z "${rpid:-}" ] || kill "$rpid" 2>/dev/null
	[ -z "${lpid:-}" ] || kill "$lpid" 2>/dev/null
	cleanup_vms
}
trap cleanup86 EXIT

[ "$MV_ARCH" = svm ] ||
	skip "a Linux guest moving 5 MiB costs minutes under Bochs (svm only)"
[ "$MV_KERNEL" != test-debug ] ||
	skip "a Linux guest moving 5 MiB on the KASAN kernel runs past the case's time"
mv_loaded || mv_load
BZ=$MV_ADD/bzImage
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the test kernel's bzImage)"
[ -c /dev/net/tun ] || fail "no /dev/net/tun in the emulated host"

SIZE=4194304
head -c "$SIZE" /dev/urandom >/tmp/data86
sum=$(md5sum </tmp/data86 | cut -d' ' -f1)
back=$(head -c 1048576 /tmp/data86 | md5sum | cut -d' ' -f1)
rm -f /tmp/back86.md5 /tmp/sent86.md5

mkdir -p /tmp/ird86/bin
cp /bin/busybox /tmp/ird86/bin/busybox
cat >/tmp/ird86/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /dev /proc /sys /tmp
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "mv86: mac $(cat /sys/class/net/eth0/address)"
ip addr add 10.0.86.2/24 dev eth0
ip link set eth0 up
ip link set lo up
# The host's bytes arrive on port 8686; their md5 goes back on the same
# connection (nc -e runs the command on the socket).
nc -l -p 8686 -e sh -c 'tee /tmp/rx | md5sum | tee /tmp/rx.md5' &
lpid=$!
echo "mv86: up"
ok=0
for i in $(seq 1 30); do
	if ping -c 1 -W 2 10.0.86.1 >/dev/null 2>&1; then ok=1; break; fi
done
[ "$ok" = 1 ] && echo "mv86: ping host ok" || echo "mv86: ping host failed"
wait "$lpid"
echo "mv86: received $(wc -c </tmp/rx) bytes, md5 $(cut -d' ' -f1 /tmp/rx.md5)"
# The first MiB back to the host, which checks it against what it sent.
if head -c 1048576 /tmp/rx | nc 10.0.86.1 8687; then echo "mv86: sent back"; fi
# ICMP InEchos: the host's pings (the column named so in /proc/net/snmp).
echos=$(awk '/^Icmp:/ && !c { for (i = 2; i <= NF; i++) if ($i == "InEchos") c = i; next }
	/^Icmp:/ { print $c; exit }' /proc/net/snmp)
echo "mv86: echo requests received: $echos"
echo "mv86: done"
halt -f
INIT
chmod 0755 /tmp/ird86/init
(cd /tmp/ird86 && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/tmp/initrd86

# The guest's bytes coming back: their md5, computed here.
nc -l -p 8687 -e sh -c 'md5sum >/tmp/back86.md5' </dev/null >/dev/null 2>&1 &
lpid=$!

t0=$(date +%s)
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
t1=$(date +%s)
ok=0
for _ in $(seq 1 20); do
	if ping -c 1 -W 2 10.0.86.2 >/dev/null 2>&1; then ok=1; break; fi
done
[ "$ok" = 1 ] || fail "the host cannot ping the guest"
note "guest up after $((t1 - t0)) s; host -> guest ping ok"
t1=$(date +%s)
# The guest's listener may not be bound yet: retry a refused connection.
for _ in $(seq 1 20); do
	timeout 60 nc 10.0.86.2 8686 </tmp/data86 >/tmp/sent86.md5 2>/dev/null
	[ ! -s /tmp/sent86.md5 ] || break
	sleep 0.5
done
t2=$(date +%s)
note "4 MiB host -> guest in $((t2 - t1)) s"
wait "$rpid"
rrc=$?
rpid=""
t3=$(date +%s)
note "guest -> host and halt in $((t3 - t2)) s"
n=50
while kill -0 "$lpid" 2>/dev/null && [ "$n" -gt 0 ]; do
	n=$((n - 1))
	sleep 0.1
done
GOUT=$(tr -d '\r' </tmp/net86.out)
echo "$GOUT" | grep 'mv86\|virtio\|eth0' | sed 's/^/  guest| /'
sed 's/^/  err| /' /tmp/net86.err

assert_match "$GOUT" "mv86: mac $(tap_mac mvtap86)\$" "guest MAC from the device's config space"
assert_match "$GOUT" "mv86: ping host ok" "guest -> host ping"
assert_match "$GOUT" "mv86: echo requests received: [1-9]" "the host's pings reached the guest"
assert_match "$GOUT" "mv86: received $SIZE bytes, md5 $sum" "the guest received the host's 4 MiB intact"
assert_eq "$(cut -d' ' -f1 /tmp/sent86.md5)" "$sum" "the guest's md5 of them, back over TCP"
assert_match "$GOUT" "mv86: sent back" "the guest sent them back"
assert_eq "$(cut -d' ' -f1 /tmp/back86.md5 2>/dev/null)" "$back" "the host received the first MiB back intact"
assert_match "$GOUT" "mv86: done" "guest reached the end"
assert_eq "$rrc" 0 "run's status (the guest halted)"
no_vms_left
