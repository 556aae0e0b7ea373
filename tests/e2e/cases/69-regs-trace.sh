# SPDX-License-Identifier: GPL-2.0
# Registers through the VM fd: refused while the VM runs, readable and
# writable once it is paused (RIP inside the guest's image), and the guest
# runs on after resume.  The minivmm_entry/minivmm_exit tracepoints record
# the guest's exits with its VM id.
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load

T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs nodev "$T" ||
	fail "cannot mount tracefs at $T"
[ -d "$T/events/minivmm" ] || fail "no minivmm tracepoints in $T/events"
echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo 1 >"$T/events/minivmm/enable"
echo 1 >"$T/tracing_on"

assert_ok minivmmctl create regs69 --mem 1M
id=$OUT
assert_ok minivmmctl load --mode long regs69 "$G/spin.bin"
assert_ok minivmmctl start regs69
guest_time 1

run "$MV_ADD/vmregs" "$id"
[ "$RC" -eq 1 ] || fail "GET_REGS on a running VM exited $RC, expected a refusal"
assert_match "$ERR" "busy" "refusal while running"

assert_ok minivmmctl pause regs69
assert_ok "$MV_ADD/vmregs" "$id"
rip=$(echo "$OUT" | sed -n 's/^rip=\(0x[0-9a-f]*\) .*/\1/p')
[ -n "$rip" ] || fail "no rip in '$OUT'"
size=$(wc -c <"$G/spin.bin")
[ $((rip)) -ge $((0x10000)) ] && [ $((rip)) -lt $((0x10000 + size)) ] ||
	fail "paused RIP $rip is outside the image (0x10000 + $size)"
assert_ok "$MV_ADD/vmregs" "$id" set-rax 0x1234
assert_match "$OUT" "rax=0x1234\$" "RAX after SET_REGS"

assert_ok minivmmctl resume regs69
guest_time 1
assert_state regs69 RUNNING
assert_ok minivmmctl destroy --force regs69

echo 0 >"$T/tracing_on"
echo 0 >"$T/events/minivmm/enable"
exits=$(grep -c "minivmm_exit: vm $id vcpu 0 reason" "$T/trace")
entries=$(grep -c "minivmm_entry: vm $id vcpu 0 rip" "$T/trace")
note "trace: $entries entries, $exits exits of VM $id"
[ "$exits" -gt 0 ] && [ "$entries" -gt 0 ] ||
	fail "the tracepoints recorded no entries/exits of VM $id"
no_vms_left
exit 0
