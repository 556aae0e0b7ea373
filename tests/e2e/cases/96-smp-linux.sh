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

# The guest kernel's console, shown on ours (as 74-bzimage does): doubled
# spaces, " :" and "O-ops" keep its messages from looking like the host
# kernel's trouble to tests/e2e/parse.py.
show_guest() {
	tr -d '\r' | sed -e 's/ /  /g' -e 's/:/ :/g' -e 's/Oops/O-ops/g' \
		-e 's/^/  guest| /'
}

t0=$(date +%s)
minivmmctl run --name smp96 --vcpus 2 --mem 256M \
	--append "console=ttyS0 earlyprintk=serial,ttyS0,115200" \
	--initrd /tmp/initrd96 "$BZ" >/tmp/smp96.out 2>/tmp/smp96.err &
runpid=$!
n=0 shown=0
while kill -0 "$runpid" 2>/dev/null && [ "$n" -lt 100 ]; do
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
	fail "the 2-vCPU Linux guest did not halt within 100 s"
fi
wait "$runpid"
rc=$?
echo "  boot to halt: $(($(date +%s) - t0)) s, status $rc"
assert_match "$(tr -d '\r' </tmp/smp96.out)" "mv96 cpuinfo 2 nproc 2" \
	"the guest's /proc/cpuinfo and nproc"
assert_eq "$rc" 0 "run's status (the guest halted)"
no_vms_left
