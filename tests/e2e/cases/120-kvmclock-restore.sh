# SPDX-License-Identifier: GPL-2.0
# kvmclock across save and restore.  Debian's kernel boots to a shell
# (run --detach) and keeps time by kvm-clock.  Saved (--stop), destroyed,
# and restored 3 s later, its clock goes on from where it stopped: its
# uptime grew by less than those 3 s across the restore and never went
# back (the snapshot holds the guest's TSC, and the restore puts the
# clock structure on this host's rate), and over 5 s of the host's time
# afterwards it grows by 5 s, give or take 10%.
# e2e-timeout: 240
. "$MV_LIB"
[ "${MV_KERNEL:-test}" != test-debug ] || skip "a Linux guest on the KASAN kernel costs minutes of CI; 74 boots one there"
[ "$MV_ARCH" != vmx ] || skip "Debian's kernel takes over 17 min to /init as a guest under Bochs (CI budget); 100 checks the TSC across a restore on VT-x"
VMLINUZ=$MV_ADD/vmlinuz-debian
[ -f "$VMLINUZ" ] || skip "no $VMLINUZ (tests/e2e/run ships Debian's /boot/vmlinuz-6.1.*)"

trap cleanup_vms EXIT
mv_loaded || mv_load

debian_shell_initrd /tmp/initrd120 "mv120: shell ready"
rm -f /tmp/con120.in /tmp/k120.snap
mkfifo /tmp/con120.in

# attach_console OUT: a console reader of k120 into OUT, typing from fd 7.
attach_console() {
	minivmmctl console k120 </tmp/con120.in >"$1" 2>&1 &
	exec 7>/tmp/con120.in
	console_attached $! || fail "console did not attach to k120"
}

assert_ok minivmmctl run --detach --name k120 --mem 256M \
	--append "console=ttyS0 quiet" --initrd /tmp/initrd120 "$VMLINUZ"
attach_console /tmp/con120a.out
wait_text /tmp/con120a.out '/ # ' $(( ${MV_CASE_TIMEOUT:-300} - 60 )) || {
	tr -d '\r' </tmp/con120a.out | tail -n 20 | sed 's/^/  guest| /'
	fail "Debian's kernel did not reach its shell"
}
echo 'echo "mv120-cs $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) end"' >&7
wait_text /tmp/con120a.out "mv120-cs .* end" 30 || fail "no clocksource answer"
assert_match "$(tr -d '\r' </tmp/con120a.out)" "mv120-cs kvm-clock end" "the guest keeps time by kvm-clock"

g0=$(guest_uptime_ms /tmp/con120a.out mv120-up0)
assert_ok minivmmctl save k120 /tmp/k120.snap --stop
exec 7>&-
assert_ok minivmmctl destroy k120
sleep 3
assert_ok minivmmctl restore /tmp/k120.snap
assert_state k120 RUNNING
attach_console /tmp/con120b.out
g1=$(guest_uptime_ms /tmp/con120b.out mv120-up1)
note "guest uptime before the save $g0 ms, after the restore $g1 ms"
[ "$g1" -ge "$g0" ] || fail "the guest's clock went back across the restore ($g0 ms, then $g1 ms)"
[ $((g1 - g0)) -lt 3000 ] ||
	fail "the guest's clock counted the 3 s the VM did not exist ($g0 ms, then $g1 ms)"
# The first answer after the restore (slower: the restored guest's first
# faults) is not one of the rate's.
guest_clock_rate /tmp/con120b.out mv120-rate "after the restore"
echo 'poweroff -f' >&7
exec 7>&-
wait_state k120 STOPPED 60
assert_ok minivmmctl destroy k120
rm -f /tmp/k120.snap
no_vms_left
