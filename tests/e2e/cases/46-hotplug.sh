# SPDX-License-Identifier: GPL-2.0
# CPU hotplug while a VM runs: taking CPU 1 offline switches AMD-V/VT-x off
# there (info: cpus 1) and the VM (counter.bin, which keeps printing) keeps
# making progress on the other CPU; bringing it back switches it on again
# (cpus 2).  Then stop, destroy.
. "$MV_LIB"

cpu1=/sys/devices/system/cpu/cpu1/online
cleanup() {
	[ -w $cpu1 ] && echo 1 >$cpu1 2>/dev/null
	cpu1_restore
	for id in $(minivmmctl list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		minivmmctl destroy --force "$id" >/dev/null 2>&1
	done
	mv_unload_quiet
}
trap cleanup EXIT

cpu1_up || skip "needs 2 CPUs (no $cpu1: one CPU, or no CONFIG_HOTPLUG_CPU)"
spin=$G/counter.bin
assert_exists "$spin"

# cpus N: minivmmctl info must say "cpus: N".
cpus() {
	ctl info
	[ "$RC" -eq 0 ] || fail "minivmmctl info exited $RC"
	assert_match "$OUT" "^cpus: $1\$" "info with $(cat /sys/devices/system/cpu/online) online"
}
running() {
	ctl list
	assert_match "$OUT" "spin46 +RUNNING" "list ($1)"
	assert_progress spin46
}

mv_load
cpus 2
assert_ok minivmmctl create spin46 --mem 1M
assert_ok minivmmctl load spin46 "$spin" --mode long
assert_ok minivmmctl start spin46
running "started"

# The vCPU thread may be on CPU 1 right now: it must move, not stop.
assert_ok sh -c "echo 0 >$cpu1"
assert_eq "$(cat $cpu1)" 0 "cpu1/online"
cpus 1
running "CPU 1 offline"
ctl stats spin46
note "stats with CPU 1 offline: $(echo "$OUT" | tr '\n' ' ' | cut -c1-150)"

assert_ok sh -c "echo 1 >$cpu1"
assert_eq "$(cat $cpu1)" 1 "cpu1/online"
cpus 2
running "CPU 1 back"

# Once more, quickly, to catch an enable/disable imbalance.
assert_ok sh -c "echo 0 >$cpu1 && echo 1 >$cpu1"
cpus 2
running "after a second cycle"

assert_ok minivmmctl stop --force spin46
assert_ok minivmmctl destroy spin46
ctl list
[ -z "$OUT" ] || fail "VMs left: $OUT"
# A guest still runs after all that.
hello=$MV_ADD/guests/out/hello.bin
[ -f "$hello" ] || hello=$MV_ADD/guests/hello.bin
run minivmmctl run "$hello"
[ "$RC" -eq 17 ] || fail "hello.bin after hotplug exited $RC, expected 17"
mv_unload
