# SPDX-License-Identifier: GPL-2.0
# Debian's own kernel, unmodified (tests/e2e/run ships the newest installed
# /boot/vmlinuz-6.1.*-amd64 as /add/vmlinuz-debian), boots as a guest to an
# interactive busybox shell: /init prints a marker and runs "sh" on the
# console.  "minivmmctl console" types a command whose output only the
# shell can produce (arithmetic it expands), reads it back, then types
# "poweroff -f"; the guest powers off through ACPI (the FADT and \_S5_
# minivmmctl writes, ctl/acpi.c), and the host sees the VM stop by itself
# as "poweroff", with run reporting so.  The time from run's start to the
# marker is printed for tests/bench (the ratio to a direct boot).
# kvmclock (kmod/kvmclock.c): the guest found it ("kvm-clock: Using msrs"
# in its log), keeps time by it or by the TSC it calibrated from it, its
# wall clock is the host's, and over 5 s of the host's time its uptime
# grew by 5 s, give or take 10%.
. "$MV_LIB"
[ "${MV_KERNEL:-test}" != test-debug ] || skip "a Linux guest on the KASAN kernel costs minutes of CI; 74 boots one there"

trap cleanup_vms EXIT

mv_loaded || mv_load

# Under Bochs, Debian's kernel (far more initcalls than the test kernel) had
# not reached /init as a nested guest after 17 minutes, beyond the e2e-vmx
# boot's budget; 74-bzimage is the Linux boot on the VT-x side.  By hand:
#   tests/e2e/run --arch vmx --case 77-debian-shell --case-timeout 2400
[ "$MV_ARCH" != vmx ] || [ "${MV_CASE_TIMEOUT:-300}" -ge 1800 ] ||
	skip "Debian's kernel takes over 17 min to /init as a guest under Bochs (CI budget); the VT-x Linux boot is 74-bzimage"
VMLINUZ=$MV_ADD/vmlinuz-debian
[ -f "$VMLINUZ" ] || skip "no $VMLINUZ (tests/e2e/run ships Debian's /boot/vmlinuz-6.1.*)"

debian_shell_initrd /tmp/initrd77 "mv77: shell ready"

# Most of the case's time goes to the boot (minutes under Bochs).
init_wait=$(( ${MV_CASE_TIMEOUT:-300} - 60 ))
# tests/bench/linux-boot times the boot on the outer host, from this line
# to the mv77-figure line below, as both reach the console.
echo "mv77: run starts"
t0=$(uptime_ms)
minivmmctl run --name deb77 --mem 256M --append "console=ttyS0 quiet" \
	--initrd /tmp/initrd77 "$VMLINUZ" </dev/null >/tmp/deb77.out 2>/tmp/deb77.err &
runpid=$!
if ! wait_text /tmp/deb77.out "mv77: shell ready" "$init_wait"; then
	tr -d '\r' </tmp/deb77.out | tail -n 30 | sed 's/^/  guest| /'
	sed 's/^/  err| /' /tmp/deb77.err
	fail "Debian's kernel did not reach /init within $init_wait s"
fi
t1=$(uptime_ms)
echo "mv77-figure: start-to-init $((t1 - t0)) ms"

# Type into the console: a command, then poweroff.  run keeps showing the
# console meanwhile: every reader gets all of the output.  Type once the
# shell's prompt is out.
mkfifo /tmp/con77.in
minivmmctl console deb77 </tmp/con77.in >/tmp/con77.out 2>/tmp/con77.err &
conpid=$!
exec 7>/tmp/con77.in
wait_text /tmp/deb77.out '/ # ' 30 || {
	tr -d '\r' </tmp/deb77.out | tail -n 5 | sed 's/^/  guest| /'
	fail "no shell prompt within 30 s of the marker"
}
echo 'echo "mv77-$((6 * 7))-answer"' >&7
wait_text /tmp/con77.out "mv77-42-answer" 30 || {
	tr -d '\r' </tmp/con77.out | sed 's/^/  con| /'
	fail "the shell's answer never came back over the console"
}
# kvmclock: found, in use, the wall clock and the rate.
echo 'echo "mv77-clock $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) $(dmesg | grep -c "kvm-clock: Using msrs 4b564d01 and 4b564d00") $(date +%s) end"' >&7
wait_text /tmp/con77.out "mv77-clock .* end" 30 ||
	fail "no answer to the clock question within 30 s"
host_s=$(date +%s)
clock=$(tr -d '\r' </tmp/con77.out | sed -n 's/.*mv77-clock \([^ ]*\) \([0-9]*\) \([0-9]*\) end.*/\1 \2 \3/p' | tail -n 1)
cs=$(echo "$clock" | cut -d ' ' -f 1)
kc=$(echo "$clock" | cut -d ' ' -f 2)
gwall=$(echo "$clock" | cut -d ' ' -f 3)
note "guest clocksource $cs, kvm-clock lines $kc, guest wall clock $gwall s, host $host_s s"
case $cs in kvm-clock | tsc) ;; *) fail "the guest keeps time by '$cs', not kvm-clock or tsc" ;; esac
[ "${kc:-0}" -ge 1 ] || fail "the guest's log does not show kvm-clock's MSRs"
skew=$(( ${gwall:-0} - host_s ))
[ "$skew" -ge -5 ] && [ "$skew" -le 5 ] ||
	fail "the guest's wall clock is $skew s off the host's"
guest_clock_rate /tmp/con77.out mv77-up "after the boot"
echo 'poweroff -f' >&7
n=0
while [ "$n" -lt 60 ] && kill -0 "$runpid" 2>/dev/null; do sleep 1; n=$((n + 1)); done
if kill -0 "$runpid" 2>/dev/null; then
	ctl stats deb77
	ctl stop --force deb77
	fail "the guest was still running 60 s after poweroff -f"
fi
exec 7>&-
wait "$runpid"
rrc=$?
wait "$conpid"
crc=$?
tr -d '\r' </tmp/con77.out | tail -n 5 | sed 's/^/  con| /'
ERR=$(cat /tmp/deb77.err)
echo "$ERR" | sed 's/^/  err| /'
GOUT=$(tr -d '\r' </tmp/deb77.out)
assert_match "$GOUT" "mv77: shell ready" "the marker from /init"
assert_match "$(tr -d '\r' </tmp/con77.out)" "mv77-42-answer" "the shell's answer on the console"
assert_match "$GOUT" "mv77-42-answer" "the shell's answer as run showed it (a second reader)"
assert_eq "$rrc" 0 "run's status after the guest powered off"
assert_match "$ERR" "VM powered off" "run's report (ACPI S5)"
assert_eq "$crc" 0 "console's status when the VM stopped"
no_vms_left
