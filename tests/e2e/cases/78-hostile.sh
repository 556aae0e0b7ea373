# SPDX-License-Identifier: GPL-2.0
# Hostile guests (tests/guests/hostile.S, acloop32.S, triple.S), one after
# another, each next to a well-behaved VM (counter.S) whose "tick N" must
# keep advancing while the hostile one runs: the host CPU is never wedged.
#   catalogue   INVD, WBINVD (no-ops), RDPMC (#GP), every VMX and SVM
#               instruction, MONITOR/MWAIT (#UD), host-only MSRs (#GP),
#               single step (#DB back to the guest), no PMU in CPUID
#   acloop32    nested #AC loop (CVE-2015-5307): RUNNING, #AC exits count
#               up, pause and stop return within a bound; QEMU's TCG raises
#               no #AC, Bochs shuts the guest down with a triple fault
#               (both noted, not passed)
#   dbloop      nested #DB loop (CVE-2015-8104), AMD-V only, the same; not
#               under QEMU's TCG, which aborts on it (noted, not passed)
#   spin        CLI and a tight loop: pause, resume and stop within a bound
#   clihlt      CLI; HLT: the VM halts
#   wbeyond, xbeyond   a write and a fetch beyond RAM: the VM stops there
#   triple      a triple fault: the VM crashes alone
# Then the kernel log since the start holds no "unhandled exit".
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load
for b in counter hostile hostile-dbloop hostile-spin hostile-clihlt \
	hostile-wbeyond hostile-xbeyond acloop32 triple; do
	assert_exists "$G/$b.bin"
done
dmesg_mark

now_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }

# ticks: the neighbour's last complete "tick XXXXXXXX" line, in decimal.
ticks() {
	_h=$(sed -n 's/^tick \([0-9a-f]\{8\}\)$/\1/p' /tmp/ctr78.out | tail -n 1)
	printf '%d\n' "0x${_h:-0}"
}

# advanced FROM WHAT: the neighbour ticks 3 more times (60 s at most).
advanced() {
	_n=600
	until [ "$(ticks)" -ge $(($1 + 3)) ]; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || fail "the neighbour stopped at tick $(ticks) $2"
		sleep 0.1
	done
	note "neighbour at tick $(ticks) $2 (was $1)"
}

# bounded MAX_S CMD...: CMD succeeds within MAX_S seconds.
bounded() {
	_max=$1
	shift
	_t0=$(now_cs)
	run timeout $((_max * 4)) "$@"
	_t1=$(now_cs)
	[ "$RC" -eq 0 ] || fail "'$*' exited $RC: $ERR"
	note "'$*' took $(((_t1 - _t0) * 10)) ms"
	[ $((_t1 - _t0)) -le $((_max * 100)) ] ||
		fail "'$*' took more than $_max s"
}

# exceptions NAME: the VM's exception exit count.
exceptions() {
	json_num "$(minivmmctl stats --json "$1")" exception
}

minivmmctl run --name ctr78 "$G/counter.bin" >/tmp/ctr78.out 2>/tmp/ctr78.err &
ctr=$!
wait_text /tmp/ctr78.out "^tick 00000003" 120 ||
	fail "the neighbour does not tick: $(cat /tmp/ctr78.err)"

# ---- guests that end by themselves -------------------------------------
n0=$(ticks)
run timeout 120 minivmmctl run --name h78 "$G/hostile.bin"
assert_match "$OUT" "hostile: done" "catalogue console"
assert_no_match "$OUT" "FAIL" "catalogue console"
assert_match "$OUT" "ok rdpmc: vector 0d" "RDPMC"
assert_match "$OUT" "ok wbinvd: vector ff" "WBINVD"
assert_match "$OUT" "ok wrmsr SPEC_CTRL: vector 0d" "SPEC_CTRL"
[ "$RC" -eq 64 ] || fail "the catalogue exited $RC, expected 64 (0x40, no failures)"
advanced "$n0" "after the catalogue"

n0=$(ticks)
assert_status 0 timeout 120 minivmmctl run --name h78 "$G/hostile-clihlt.bin"
assert_match "$OUT" "clihlt: halting" "console"
assert_match "$ERR" "VM halted" "CLI;HLT"
advanced "$n0" "after CLI;HLT"

for v in wbeyond xbeyond; do
	n0=$(ticks)
	assert_status 1 timeout 120 minivmmctl run --name h78 "$G/hostile-$v.bin"
	assert_match "$OUT" "$v: " "console"
	assert_match "$ERR" "0x80000000 outside RAM" "$v"
	advanced "$n0" "after $v"
done

n0=$(ticks)
assert_status 1 timeout 120 minivmmctl run --name h78 "$G/triple.bin"
assert_match "$ERR" "crashed \\(triple fault\\)" "triple fault"
advanced "$n0" "after the triple fault"

# ---- guests that never end: the neighbour runs, pause and stop work ------
# looping BIN ARMED_TEXT [MODE]: start BIN as h78 in the background; returns
# 1 if it ended by itself instead (its exit status in $looprc).
looping() {
	minivmmctl run --name h78 ${3:+--mode "$3"} "$G/$1.bin" \
		>/tmp/h78.out 2>/tmp/h78.err &
	hpid=$!
	wait_text /tmp/h78.out "$2" 60 ||
		fail "$1: no \"$2\" after 60 s: $(cat /tmp/h78.err)"
	# The loop starts right after the text; a CPU that cannot loop ends it.
	n0=$(ticks)
	advanced "$n0" "while $1 runs"
	if ! kill -0 "$hpid" 2>/dev/null; then
		wait "$hpid"
		looprc=$?
		cat /tmp/h78.out /tmp/h78.err
		return 1
	fi
	assert_state h78 RUNNING
	return 0
}

# stop_bounded: pause, resume and stop h78, each within 5 s.
stop_bounded() {
	bounded 5 minivmmctl pause h78
	assert_state h78 PAUSED
	bounded 5 minivmmctl resume h78
	n0=$(ticks)
	advanced "$n0" "with h78 resumed"
	bounded 5 minivmmctl stop h78
	wait "$hpid"
	_rc=$?
	cat /tmp/h78.err
	[ "$_rc" -eq 1 ] || fail "run of h78 exited $_rc after stop, expected 1"
	grep -q "VM stopped by request" /tmp/h78.err ||
		fail "h78: no stop report"
}

looping hostile-spin "spin: interrupts off" || fail "the spin ended ($looprc)"
stop_bounded

if looping acloop32 "acloop: armed" prot32; then
	e0=$(exceptions h78)
	n0=$(ticks)
	advanced "$n0" "while the #AC loop runs"
	e1=$(exceptions h78)
	note "#AC exits: $e0 then $e1"
	[ "$e1" -gt "$e0" ] || fail "no #AC exits while the #AC loop runs"
	stop_bounded
elif [ "$looprc" -eq 67 ]; then
	note "nested #AC loop not testable here: this emulated CPU does not check alignment (no #AC at CPL 3 with CR0.AM and EFLAGS.AC)"
elif [ "$MV_ARCH" = vmx ] && [ "$looprc" -eq 1 ] &&
	grep -q "crashed (triple fault)" /tmp/h78.err; then
	# Bochs shuts this guest down (triple fault) instead of looping.
	# Again as a VM that outlives its crash, to count the #AC exits the
	# intercept took first.
	assert_ok minivmmctl create ac78 --mem 16M
	assert_ok minivmmctl load ac78 "$G/acloop32.bin" --mode prot32
	assert_ok minivmmctl start ac78
	_n=600
	until [ "$(state_of ac78)" = STOPPED ]; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || fail "acloop32 as ac78 did not stop within 60 s"
		sleep 0.1
	done
	e1=$(exceptions ac78)
	# Seen with Bochs 2.7: 0, although its exception bitmap works for
	# #UD.  Why it takes no #AC exit is not known yet.
	note "nested #AC loop not testable here: under Bochs the guest triple-faulted after $e1 #AC exit(s) instead of looping; the VM crashed alone, the neighbour kept ticking"
	assert_ok minivmmctl destroy ac78
else
	fail "acloop32 ended with $looprc"
fi

if [ "$MV_ARCH" = svm ] && grep -q "QEMU TCG" /proc/cpuinfo; then
	note "nested #DB loop not testable here: QEMU 7.2's TCG aborts (qemu_mutex_lock_iothread assertion) when a data breakpoint fires while it delivers an exception"
elif [ "$MV_ARCH" = svm ]; then
	if looping hostile-dbloop "dbloop: armed"; then
		e0=$(exceptions h78)
		n0=$(ticks)
		advanced "$n0" "while the #DB loop runs"
		e1=$(exceptions h78)
		note "#DB exits: $e0 then $e1"
		[ "$e1" -gt "$e0" ] || fail "no #DB exits while the #DB loop runs"
		stop_bounded
	else
		fail "hostile-dbloop ended with $looprc"
	fi
else
	note "nested #DB loop: AMD-V only (VT-x does not intercept #DB, as in KVM; CVE-2015-8104 is an AMD-V erratum)"
fi

# ---- the neighbour, then the kernel log ------------------------------------
kill -0 "$ctr" 2>/dev/null || fail "the neighbour ended: $(cat /tmp/ctr78.err)"
assert_state ctr78 RUNNING
assert_ok minivmmctl stop ctr78
wait "$ctr"
if dmesg_since | grep -E "unhandled exit|VM entry failed|VMRUN failed"; then
	fail "the kernel log reports an unhandled exit or a failed entry"
fi
no_vms_left
