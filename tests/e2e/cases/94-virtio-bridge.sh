# SPDX-License-Identifier: GPL-2.0
# Two VMs on one Linux bridge in the emulated host (issue 19): each runs the
# test kernel with virtio-net on its own tap (mvtap94a, mvtap94b), both taps
# are ports of the bridge mvbr94, which the host gives 10.0.94.1/24.  Guest
# a is 10.0.94.2, guest b 10.0.94.3.  Each guest pings the other, then a
# sends 4 MiB of random bytes (made by the host, in a's initrd) to b over
# TCP with busybox nc; b sends their md5 back on the connection and prints
# it.  Checked: both MACs are the ones tap_mac gives and differ, pings went
# both ways (and the ICMP counters of each guest saw the other's echoes),
# b received the 4 MiB intact and a read the same md5 back.  The guests
# share a subnet, so every frame between them crossed the bridge.  A Linux
# guest costs minutes under Bochs: svm only.
. "$MV_LIB"

cleanup94() {
	[ -z "${pa:-}" ] || kill "$pa" 2>/dev/null
	[ -z "${pb:-}" ] || kill "$pb" 2>/dev/null
	cleanup_vms
	ip link del mvbr94 2>/dev/null
}
trap cleanup94 EXIT

[ "$MV_ARCH" = svm ] ||
	skip "two Linux guests moving 4 MiB cost minutes under Bochs (svm only)"
[ "$MV_KERNEL" != test-debug ] ||
	skip "two Linux guests moving 4 MiB on the KASAN kernel run past the case's time"
mv_loaded || mv_load
BZ=$MV_ADD/bzImage
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the test kernel's bzImage)"
[ -c /dev/net/tun ] || fail "no /dev/net/tun in the emulated host"
brctl addbr mvbr94 || fail "cannot create a bridge (CONFIG_BRIDGE in the host kernel?)"
ip addr add 10.0.94.1/24 dev mvbr94
ip link set mvbr94 up

SIZE=4194304
mkdir -p /tmp/ird94/bin
cp /bin/busybox /tmp/ird94/bin/busybox
head -c "$SIZE" /dev/urandom >/tmp/ird94/data
sum=$(md5sum </tmp/ird94/data | cut -d' ' -f1)
cat >/tmp/ird94/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /dev /proc /sys /tmp
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
# The role (a or b) comes from the kernel command line: mv94=a|b.
role=$(sed -n 's/.*mv94=\([ab]\).*/\1/p' /proc/cmdline)
if [ "$role" = a ]; then me=10.0.94.2 peer=10.0.94.3; else me=10.0.94.3 peer=10.0.94.2; fi
echo "mv94$role: mac $(cat /sys/class/net/eth0/address)"
ip addr add $me/24 dev eth0
ip link set eth0 up
ip link set lo up
# ICMP InEchos: echo requests this guest received.
echos() {
	awk '/^Icmp:/ && !c { for (i = 2; i <= NF; i++) if ($i == "InEchos") c = i; next }
		/^Icmp:/ { print $c; exit }' /proc/net/snmp
}
if [ "$role" = b ]; then
	# a's bytes arrive on port 8694; their md5 goes back on the connection.
	nc -l -p 8694 -e sh -c 'tee /tmp/rx | md5sum | tee /tmp/rx.md5' &
	lpid=$!
fi
echo "mv94$role: up"
ok=0
for i in $(seq 1 60); do
	if ping -c 1 -W 2 $peer >/dev/null 2>&1; then ok=1; break; fi
done
[ "$ok" = 1 ] && echo "mv94$role: ping peer ok" || echo "mv94$role: ping peer failed"
if [ "$role" = a ]; then
	# b's listener may not be bound yet: retry a refused connection.
	for i in $(seq 1 40); do
		nc $peer 8694 </data >/tmp/md5 2>/dev/null
		[ ! -s /tmp/md5 ] || break
		sleep 0.5
	done
	echo "mv94a: md5 back $(cut -d' ' -f1 /tmp/md5)"
else
	wait "$lpid"
	echo "mv94b: received $(wc -c </tmp/rx) bytes, md5 $(cut -d' ' -f1 /tmp/rx.md5)"
fi
# Stay up until the peer's pings have reached this guest (60 s at most).
n=0
while [ "$(echos)" = 0 ] && [ $n -lt 120 ]; do sleep 0.5; n=$((n + 1)); done
echo "mv94$role: echo requests received: $(echos)"
echo "mv94$role: done"
sleep 2
halt -f
INIT
chmod 0755 /tmp/ird94/init
(cd /tmp/ird94 && find . | cpio -o -H newc 2>/dev/null | gzip -1 -c) >/tmp/initrd94

# start_vm ROLE: run the guest of ROLE on tap mvtap94ROLE, which joins
# the bridge as soon as run has created it.
start_vm() {
	timeout 150 minivmmctl run --name "net94$1" --mem 192M \
		--append "console=ttyS0 quiet mv94=$1" --initrd /tmp/initrd94 \
		--net "tap:mvtap94$1" "$BZ" >"/tmp/net94$1.out" 2>"/tmp/net94$1.err" &
	n=300
	until ip link show "mvtap94$1" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || fail "no tap mvtap94$1 30 s after run started: $(cat "/tmp/net94$1.err")"
		sleep 0.1
	done
	brctl addif mvbr94 "mvtap94$1" || fail "cannot add mvtap94$1 to the bridge"
	ip link set "mvtap94$1" up
}

t0=$(date +%s)
start_vm a
pa=$!
start_vm b
pb=$!
wait "$pa"
rca=$?
pa=""
wait "$pb"
rcb=$?
pb=""
note "both guests done after $(($(date +%s) - t0)) s"
OA=$(tr -d '\r' </tmp/net94a.out)
OB=$(tr -d '\r' </tmp/net94b.out)
echo "$OA" | grep 'mv94\|virtio\|eth0' | sed 's/^/  a| /'
echo "$OB" | grep 'mv94\|virtio\|eth0' | sed 's/^/  b| /'
sed 's/^/  a err| /' /tmp/net94a.err
sed 's/^/  b err| /' /tmp/net94b.err

maca=$(tap_mac mvtap94a)
macb=$(tap_mac mvtap94b)
[ "$maca" != "$macb" ] || fail "the two taps' MACs collide ($maca)"
assert_match "$OA" "mv94a: mac $maca\$" "guest a's MAC from its device's config space"
assert_match "$OB" "mv94b: mac $macb\$" "guest b's MAC from its device's config space"
assert_match "$OA" "mv94a: ping peer ok" "a -> b ping"
assert_match "$OB" "mv94b: ping peer ok" "b -> a ping"
assert_match "$OA" "mv94a: echo requests received: [1-9]" "b's pings reached a"
assert_match "$OB" "mv94b: echo requests received: [1-9]" "a's pings reached b"
assert_match "$OB" "mv94b: received $SIZE bytes, md5 $sum" "b received a's 4 MiB intact"
assert_match "$OA" "mv94a: md5 back $sum\$" "b's md5 of them, back to a over TCP"
assert_match "$OA" "mv94a: done" "guest a reached the end"
assert_match "$OB" "mv94b: done" "guest b reached the end"
assert_eq "$rca" 0 "a's run status (the guest halted)"
assert_eq "$rcb" 0 "b's run status (the guest halted)"
no_vms_left
