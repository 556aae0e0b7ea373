# SPDX-License-Identifier: GPL-2.0
# rmmod with VMs present: with no VM or console fd open, rmmod stops and
# frees every VM and the next insmod starts empty; while a fd is open
# (minivmmctl console), the module is pinned: rmmod fails (EBUSY), and works
# once that process is gone.  Running VMs run counter.bin, which keeps
# printing: "running" is judged by their console growing, not by a label.
. "$MV_LIB"

CPID=
cleanup() {
	[ -z "$CPID" ] || kill "$CPID" 2>/dev/null
	wait 2>/dev/null
	for id in $(minivmmctl list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		minivmmctl destroy --force "$id" >/dev/null 2>&1
	done
	mv_unload_quiet
}
trap cleanup EXIT

counter=$G/counter.bin
assert_exists "$counter"

# start_spin NAME: a running VM that keeps printing, no process holding
# its fds.
start_spin() {
	assert_ok minivmmctl create "$1" --mem 1M
	assert_ok minivmmctl load "$1" "$counter" --mode long
	assert_ok minivmmctl start "$1"
}

# 1. Running and created VMs, no fds open: rmmod frees them all.
mv_load
free0=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)
start_spin a47
start_spin b47
assert_ok minivmmctl create c47 --mem 4M
assert_progress a47
assert_progress b47
ctl list
assert_match "$OUT" "a47 +RUNNING" "list"
assert_match "$OUT" "b47 +RUNNING" "list"
assert_match "$OUT" "c47 +CREATED" "list"
dmesg_mark
mv_unload
dmesg_since | sed 's/^/  dmesg| /'
ps | grep -v grep | grep -q '\[minivmm' && fail "vCPU threads left after rmmod: $(ps | grep '\[minivmm')"
mv_load
ctl list
[ "$RC" -eq 0 ] || fail "minivmmctl list exited $RC after reload"
[ -z "$OUT" ] || fail "VMs after reload: $OUT"
ctl policy --json
note "policy after reload: $OUT"
mv_unload
free1=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)
# Informational only: MemFree moves by MiBs with per-CPU page lists on
# Debian's kernels, and guest RAM is allocated as the guest touches it (a
# few pages here); 64-create-destroy-1000 checks for leaks.
note "MemFree before/after: $free0 / $free1 kB"

# 2. A console fd open: rmmod refused, the VM keeps running.
mv_load
start_spin d47
minivmmctl console d47 >/tmp/47.console 2>&1 &
CPID=$!
i=0
until grep -q tick /tmp/47.console 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 300 ] || fail "no tick from d47 on its console in 30 s"
	sleep 0.1
done
kill -0 "$CPID" 2>/dev/null || fail "minivmmctl console exited: $(cat /tmp/47.console)"
run rmmod minivmm
[ "$RC" -ne 0 ] || fail "rmmod succeeded while a console fd was open"
assert_match "$ERR" "in use|busy|Resource" "rmmod's error"
mv_loaded || fail "minivmm gone although rmmod failed"
ctl list
assert_match "$OUT" "d47 +RUNNING" "list after refused rmmod"
assert_progress d47

kill "$CPID"
wait "$CPID" 2>/dev/null	# its fds are closed once it has exited
CPID=
mv_unload
mv_load
ctl list
[ -z "$OUT" ] || fail "VMs after reload: $OUT"
mv_unload
