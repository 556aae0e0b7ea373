# SPDX-License-Identifier: GPL-2.0
# The device process of a VM dies.  Twice: "minivmmctl serve --rng" serving
# virtio-rng to tests/guests/virtio.S (rng variant), then "serve --disk"
# serving a disk to its virtio-blk variant, which reads sector after sector
# and checks each one's content.  Each guest counts its answers on the
# console.  serve is killed with SIGKILL: the VM pauses with the reason
# "device-gone" (list, stats, the "device-gone" event), its console stops
# growing; a second device process is refused while the first one lives; a
# new "serve" attaches and resumes the VM, whose guest carries on counting
# from where it stopped (its RAM kept) and, with the disk, reading it right.
# First, the checks of MINIVMM_DEV_STATUS (the interrupt status register
# the module answers for a device process) on a VM that never runs.
. "$MV_LIB"

cleanup88() {
	[ -z "${spid:-}" ] || kill "$spid" 2>/dev/null
	[ -z "${epid:-}" ] || kill "$epid" 2>/dev/null
	cleanup_vms
}
trap cleanup88 EXIT

mv_loaded || mv_load
assert_exists "$G/virtio-rng.bin"
assert_exists "$G/virtio-blk.bin"

# death_cycle VM BIN WORD SERVE-ARGS...: VM runs BIN, whose answers are
# counted in lines "WORD XXXXXXXX", with devices served by "serve
# SERVE-ARGS"; the device process dies and a new one takes over.
death_cycle() {
	vm=$1 bin=$2 word=$3
	shift 3
	assert_ok minivmmctl create $vm --mem 16M
	assert_ok minivmmctl load --mode long $vm "$bin"
	assert_status 2 minivmmctl serve $vm
	minivmmctl serve "$vm" "$@" 2>/tmp/$vm.s1 &
	spid=$!
	wait_text /tmp/$vm.s1 "serving 1 device" 30 || fail "serve did not attach: $(cat /tmp/$vm.s1)"
	refused "a second device process" minivmmctl serve "$vm" "$@"
	assert_match "$ERR" "another process serves its devices" "second attach refused"
	minivmmctl events --json >/tmp/$vm.ev 2>&1 &
	epid=$!
	minivmmctl console $vm >/tmp/$vm.out 2>/dev/null &
	assert_ok minivmmctl start $vm
	wait_text /tmp/$vm.out "$word 00000003" 60 || fail "no third $word answer: $(cat /tmp/$vm.out)"

	kill -KILL "$spid"
	wait "$spid" 2>/dev/null
	spid=""
	wait_state "$vm" PAUSED 5
	ctl list --json
	assert_match "$OUT" "\"name\": \"$vm\", \"state\": \"PAUSED\".*\"pause_reason\": \"device-gone\"" "list after the kill"
	ctl list
	assert_match "$OUT" "$vm .*PAUSED .*device-gone" "list (text)"
	ctl stats $vm
	assert_match "$OUT" "PAUSED \\(device process gone\\)" "stats"
	wait_text /tmp/$vm.ev '"device-gone"' 5 || note "events: $(cat /tmp/$vm.ev)"
	assert_match "$(cat /tmp/$vm.ev)" "device-gone" "the device-gone event"
	b0=$(console_bytes $vm)
	guest_time 2
	assert_eq "$(console_bytes $vm)" "$b0" "console while paused"
	# The last whole answer line, once the console reader has copied all the
	# guest wrote (the pause may cut a line in two).
	n=50
	until [ "$(wc -c </tmp/$vm.out)" -ge "$b0" ] || [ "$n" -eq 0 ]; do
		n=$((n - 1))
		sleep 0.1
	done
	last=$(grep -x "$word [0-9a-f]\\{8\\}" /tmp/$vm.out | tail -n 1)
	[ -n "$last" ] || fail "no whole '$word' line before the pause: $(cat /tmp/$vm.out)"

	minivmmctl serve "$vm" "$@" 2>/tmp/$vm.s2 &
	spid=$!
	wait_text /tmp/$vm.s2 "resumed" 30 || fail "serve did not resume the VM: $(cat /tmp/$vm.s2)"
	guest_time 1
	sed 's/^/  serve| /' /tmp/$vm.s2
	tail -n 3 /tmp/$vm.out | sed 's/^/  guest| /'
	ctl list
	assert_state $vm RUNNING
	# The count goes on from where it stopped: nothing lost, nothing repeated.
	next=$(printf '%s %08x' "$word" $(( 0x${last#"$word" } + 1 )))
	wait_text /tmp/$vm.out "$next" 60 || fail "no '$next' after the resume: $(tail -n 3 /tmp/$vm.out)"
	assert_eq "$(grep -c "^$last\$" /tmp/$vm.out)" 1 "'$last' printed once"
	assert_progress $vm 30

	assert_ok minivmmctl destroy --force $vm
	wait "$spid"
	src=$?
	spid=""
	assert_eq "$src" 0 "serve's status once its VM is gone"
	kill "$epid" 2>/dev/null
	epid=""
}

assert_ok minivmmctl create ds88 --mem 16M
run "$MV_ADD/devstatus" "$OUT"
assert_eq "$RC" 0 "devstatus: every bad MINIVMM_DEV_STATUS refused, every good one taken"
assert_ok minivmmctl destroy ds88

death_cycle vd88 "$G/virtio-rng.bin" rng --rng
# A disk: sector n is 512 bytes of n, which the guest checks on each read.
sector_disk /tmp/disk88.img
death_cycle vb88 "$G/virtio-blk.bin" blk --disk /tmp/disk88.img
no_vms_left
