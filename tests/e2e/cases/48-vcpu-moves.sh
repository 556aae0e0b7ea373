# SPDX-License-Identifier: GPL-2.0
# vCPU threads moved between host CPUs while their guests run (the
# scheduler does this on its own; here it happens every 0.2 s, on
# purpose): the VMCS/VMCB follows its thread (VT-x: VMCLEAR on the old
# CPU, VMPTRLD and fresh VPID/EPT state on the new one), and what the
# guests check comes out right:
#  - smp-<N>.bin with 2 vCPUs (tests/guests/smp.S): INIT/SIPI, the
#    spinlock counter and the IPI ring, exact counts; meanwhile CPU 1
#    goes offline (AMD-V/VT-x off there, its vCPU threads pushed to CPU
#    0) and comes back;
#  - dregs.bin: its DR0-3/DR6, TSC_AUX (and PKRU where offered) across
#    20,000 exits, on CPUs whose own TSC_AUX differ.
# Each thread must have run on both CPUs.  Needs 2 host CPUs (Bochs:
# tests/e2e/run --cpus 2; with --online 1 the case puts CPU 1 online).
. "$MV_LIB"

trap 'cpu1_restore; cleanup_vms' EXIT

[ "${MV_KERNEL:-test}" != test-debug ] || [ "${MV_CASE_TIMEOUT:-0}" -ge 600 ] ||
	skip "CI time: the test kernel and e2e-vmx-smp run it; by hand with --kernel test-debug --case-timeout 600"
cpu1_up || skip "needs 2 CPUs (no CPU 1 to put online)"
mv_loaded || mv_load
# Under Bochs a guest's "sleep 0.2" beside busy vCPUs lasts many wall
# seconds: there the shuttle does not sleep at all.
rounds=10000 nap=0.2
[ "$MV_ARCH" = svm ] || nap=0
assert_exists "$G/smp-$rounds.bin"
assert_exists "$G/dregs.bin"

# vcpu_tids NAME: the thread IDs of VM NAME's vCPUs ("minivmm/ID:N").
vcpu_tids() {
	local id
	id=$(minivmmctl list 2>/dev/null | awk -v n="$1" '$2 == n { print $1 }')
	[ -n "$id" ] || return 0
	grep -l "^minivmm/$id:" /proc/[0-9]*/task/[0-9]*/comm 2>/dev/null |
		sed -n 's|^/proc/[0-9]*/task/\([0-9]*\)/comm$|\1|p' | sort -u
}

# last_cpu TID: the CPU the thread last ran on (field 39 of its stat).
last_cpu() { awk '{ print $39 }' "/proc/$1/stat" 2>/dev/null; }

cpu1=/sys/devices/system/cpu/cpu1/online
# both_cpus SEEN: how many threads of SEEN (" TID:CPU ..." pairs) were
# seen on CPU 0 and on CPU 1.
both_cpus() {
	local t both=0
	for t in $(echo "$1" | tr ' ' '\n' | cut -d: -f1 | sort -u); do
		case " $1 " in *" $t:0 "*) case " $1 " in *" $t:1 "*) both=$((both + 1)) ;; esac ;; esac
	done
	echo $both
}

# shuttle NAME NVCPUS GOAL [hotplug]: until /tmp/mv48.stop exists, pin
# NAME's NVCPUS vCPU threads to CPU 0 and 1 in turn (with "hotplug", CPU 1
# is offline from the 3rd round to the 5th).  Once GOAL rounds are done
# and NVCPUS threads were seen on both CPUs, /tmp/mv48.done tells the
# runner to stop starting the guest again.  Prints "moves M seen T offline
# O" (T: threads seen on both CPUs; O: rounds CPU 1 was offline).  The
# threads are looked up again only when one is gone (/proc is slow to
# scan under Bochs): a run that ended gives way to the next one.
shuttle() {
	local name=$1 n=$2 goal=$3 hotplug=${4:-} k=0 t c seen="" off=0 tids="" gone
	while [ ! -e /tmp/mv48.stop ]; do
		if [ "$(echo $tids | wc -w)" -lt "$n" ]; then
			tids=$(vcpu_tids "$name")
			continue
		fi
		if [ -n "$hotplug" ] && [ -w $cpu1 ]; then
			[ "$k" -ne 2 ] || echo 0 >$cpu1
			[ "$k" -ne 5 ] || echo 1 >$cpu1
			[ "$(cat $cpu1)" = 1 ] || off=$((off + 1))
		fi
		gone=""
		for t in $tids; do
			[ -e "/proc/$t" ] || gone=1
			taskset -pc $(((k + t) % 2)) "$t" >/dev/null 2>&1 || continue
			c=$(last_cpu "$t")
			case " $seen " in *" $t:$c "*) ;; *) seen="$seen $t:$c" ;; esac
		done
		[ -z "$gone" ] || tids=""
		k=$((k + 1))
		[ "$k" -lt "$goal" ] || [ "$(both_cpus "$seen")" -lt "$n" ] ||
			touch /tmp/mv48.done
		sleep $nap
	done
	[ "$(cat $cpu1 2>/dev/null)" != 0 ] || echo 1 >$cpu1
	echo "moves $k seen $(both_cpus "$seen") offline $off"
}

# moving NAME NVCPUS GOAL HOTPLUG EXPECT CMD...: run CMD with NAME's
# threads shuttled (see shuttle), again and again while it exits with
# EXPECT, until the shuttle has done GOAL rounds (20 runs at most: how
# long one takes depends on the emulator's speed); sets $rc, $runs and
# $moved.
moving() {
	local name=$1 n=$2 goal=$3 hotplug=$4 expect=$5 spid
	shift 5
	rm -f /tmp/mv48.stop /tmp/mv48.done
	shuttle "$name" "$n" "$goal" "$hotplug" >/tmp/mv48.moves &
	spid=$!
	runs=0
	while :; do
		"$@"
		rc=$?
		runs=$((runs + 1))
		[ "$rc" -eq "$expect" ] && [ ! -e /tmp/mv48.done ] && [ "$runs" -lt 20 ] || break
	done
	touch /tmp/mv48.stop
	wait "$spid"
	moved=$(cat /tmp/mv48.moves)
}

moving mv48 2 8 hotplug 64 sh -c "minivmmctl run --name mv48 --vcpus 2 $G/smp-$rounds.bin >/tmp/mv48.out 2>&1"
OUT=$(cat /tmp/mv48.out)
echo "$OUT" | tail -n 3
echo "  smp: $moved in $runs runs"
assert_eq "$rc" 64 "the 2-vCPU guest's exit (0x40: every count right)"
smp_expect 2 "$rounds"
set -- $moved
# What counts: both threads ran on both CPUs, and CPU 1 was offline in
# between (under Bochs a round, with its hotplug, takes seconds).
[ "$2" -ge 8 ] || fail "only $2 rounds of moves in $runs runs of the guest"
[ "$4" -ge 2 ] || fail "$4 of the 2 vCPU threads seen on both CPUs"
[ "$6" -ge 1 ] || fail "CPU 1 never went offline while the guest ran"
ctl info
assert_match "$OUT" "^cpus: 2\$" "AMD-V/VT-x back on both CPUs"

moving dr48 1 4 "" 96 sh -c "minivmmctl run --name dr48 $G/dregs.bin >/tmp/dr48.out 2>&1"
cat /tmp/dr48.out
echo "  dregs: $moved in $runs runs"
assert_eq "$rc" 96 "dregs' exit (0x60: its registers survived)"
assert_match "$(cat /tmp/dr48.out)" "^dregs: ok" "dregs console"
no_vms_left
