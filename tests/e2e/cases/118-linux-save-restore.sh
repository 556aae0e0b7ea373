# SPDX-License-Identifier: GPL-2.0
# A Linux guest saved at its shell prompt answers after a restore: the test
# kernel (/add/bzImage) boots with a busybox initramfs whose /init reads
# commands from ttyS0; once its prompt shows, the VM is saved (--stop),
# destroyed and restored, and a command typed into `minivmmctl console`
# (an arithmetic expansion, so that its echo cannot pass for the answer)
# is answered: its timers, interrupt controllers, UART and TSC came back.
. "$MV_LIB"

trap 'kill $runpid $conpid 2>/dev/null; cleanup_vms' EXIT
mv_loaded || mv_load

[ "$MV_ARCH" != vmx ] || skip "a Linux guest under Bochs takes minutes; vmx saves and restores in 100 and in make e2e-xvendor"
[ "$MV_KERNEL" != test-debug ] || skip "a Linux guest on the KASAN kernel costs minutes of CI; 100 saves and restores there"
BZ=$MV_ADD/bzImage
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the test kernel's bzImage)"
W=/tmp/lx118
rm -rf "$W"
mkdir -p "$W/ird/bin" "$W/ird/dev"
cp /bin/busybox "$W/ird/bin/busybox"
ln -sf busybox "$W/ird/bin/sh"
mknod "$W/ird/dev/console" c 5 1
cat >"$W/ird/init" <<'INIT'
#!/bin/sh
echo "mv118: shell ready"
while printf 'mv118$ ' && read -r line; do
	eval "$line"
done
INIT
chmod 0755 "$W/ird/init"
(cd "$W/ird" && find . | cpio -o -H newc 2>/dev/null | gzip -c) >"$W/initrd"

t0=$(date +%s)
minivmmctl run --name lx118 --mem 128M --initrd "$W/initrd" \
	--append "console=ttyS0 quiet" "$BZ" >"$W/boot.out" 2>"$W/boot.err" &
runpid=$!
wait_text "$W/boot.out" 'mv118\$ ' 240 || {
	tail -n 20 "$W/boot.out" | sed 's/^/  guest| /'
	fail "no shell prompt from the guest within 240 s"
}
note "prompt after $(($(date +%s) - t0)) s"
assert_ok minivmmctl save --stop lx118 "$W/lx.snap"
note "$OUT"
wait "$runpid" 2>/dev/null
runpid=
minivmmctl destroy lx118 >/dev/null 2>&1	# run may have done it already
no_vms_left

assert_ok minivmmctl restore "$W/lx.snap"
assert_state lx118 RUNNING
# The feeder's last sleep outlives the console: its stderr must not be
# the case's, or the case's output stays open (and the case ends) only
# when that sleep does.
(sleep 1; printf 'echo mv118-$((6 * 7))\n'; sleep 120) 2>/dev/null |
	minivmmctl console lx118 >"$W/after.out" 2>&1 &
conpid=$!
wait_text "$W/after.out" 'mv118-42' 60 || {
	sed 's/^/  guest| /' "$W/after.out"
	fail "the restored guest did not answer the command within 60 s"
}
sed 's/^/  guest| /' "$W/after.out" | tr -d '\r'
kill "$conpid" 2>/dev/null
conpid=
assert_ok minivmmctl destroy --force lx118
no_vms_left
rm -rf "$W"
