#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-guest driver of the e2e suite (busybox sh, run by tests/e2e/run through
# tests/testbed/run, in /add).  Runs every /add/cases/*.sh in name order, or
# those named in $MV_ONLY (space-separated case names), each under a timeout,
# and frames each one on the console:
#
#   @@CASE-BEGIN <name>@@
#   ... the case's output, kernel messages ...
#   @@CASE-END <name> PASS@@ | @@CASE-END <name> FAIL <reason>@@ |
#   @@CASE-END <name> SKIP <reason>@@
#
# A case exits 0 = pass, 77 = skip (reason: its last stdout line), anything
# else = fail.  After it, inside its frame, the machine is put back for the
# next case: a case fails, whatever it said, if processes it left hold
# minivmm file descriptors, if the module holds guest pages with no VM left,
# or if rmmod fails.  The host adds kernel-warning checks on each framed
# segment (also the module's own unload-time leak warning).

export MV_ADD=/add
export MV_LIB=/add/lib.sh
export MV_KO=/minivmm.ko
: "${MV_CASE_TIMEOUT:=120}"

# Print a marker and wait until the console has sent it: kernel messages go
# straight to the UART, user output through the tty's buffer, so without this
# the next case's first kernel messages can land before (or inside) it.
# Setting the tty to its own settings waits for the output to drain.
marker() {
	echo "$1"
	_tty=$(stty -g 2>/dev/null) && stty "$_tty" 2>/dev/null
	sleep 0.1
}

# Processes holding a minivmm file descriptor (/dev/minivmm, a VM fd or a
# console fd), as "pid:name" words.  One ls for all processes: a command
# per process was a hundred process starts per case (seconds under Bochs).
mv_fd_holders() {
	for _p in $(ls -l /proc/[0-9]*/fd 2>/dev/null | awk '
		/^\/proc\/[0-9]+\/fd:$/ { split($0, part, "/"); pid = part[3]; next }
		/\/dev\/minivmm|anon_inode:minivmm/ && !(pid in seen) { seen[pid] = 1; print pid }'); do
		echo "$_p:$(cat "/proc/$_p/comm" 2>/dev/null)"
	done
}

# Leave the machine as the next case expects it (no minivmm, no KVM) and
# print what was wrong with how the case left it; nothing when all was well.
reset_machine() {
	_problems=
	if grep -q '^minivmm ' /proc/modules; then
		# Processes the case killed may take a moment to close their fds.
		_n=100
		while [ -n "$(mv_fd_holders)" ] && [ "$_n" -gt 0 ]; do
			sleep 0.1
			_n=$((_n - 1))
		done
		_holders=$(mv_fd_holders)
		if [ -n "$_holders" ]; then
			_problems="processes still hold minivmm fds: $(echo $_holders)"
			for _h in $_holders; do kill -9 "${_h%%:*}" 2>/dev/null; done
		fi
		_vms=$(minivmmctl list 2>/dev/null | awk 'NR > 1' | wc -l)
		_pages=$(cat /sys/module/minivmm/parameters/vm_pages 2>/dev/null || echo 0)
		if [ "$_vms" -eq 0 ] && [ "$_pages" -ne 0 ]; then
			_problems="${_problems:+$_problems; }$_pages guest pages held with no VM left"
		fi
		_err=$(rmmod minivmm 2>&1) ||
			_problems="${_problems:+$_problems; }rmmod minivmm failed: $_err"
	fi
	rmmod kvm_amd kvm_intel >/dev/null 2>&1
	rmmod kvm >/dev/null 2>&1
	rmmod irqbypass >/dev/null 2>&1
	echo "$_problems"
}

run_case() {
	file=$1
	name=$(basename "$file" .sh)
	out=/tmp/case-$name.out
	marker "@@CASE-BEGIN $name@@"
	start=$(date +%s)
	# A case may ask for more time than the default with a line
	# "# e2e-timeout: SECONDS" (never less).
	limit=$(sed -n 's/^# e2e-timeout: *\([0-9][0-9]*\)$/\1/p' "$file" | head -n 1)
	[ -n "$limit" ] && [ "$limit" -gt "$MV_CASE_TIMEOUT" ] || limit=$MV_CASE_TIMEOUT
	# The pipe through tee streams the output live and keeps a copy for the
	# skip/fail reason; the status travels through a file.
	{
		MV_CASE=$name timeout "$limit" sh "$file" </dev/null 2>&1
		echo $? >/tmp/case.rc
	} | tee "$out"
	rc=$(cat /tmp/case.rc)
	echo "e2e: $name took $(($(date +%s) - start)) s (guest clock)"
	last=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1 | tr -d '@\r' | cut -c1-200)
	problems=$(reset_machine)
	if [ -n "$problems" ]; then
		echo "e2e: teardown after $name: $problems"
		case $rc in
		124 | 137 | 143) ;;
		*) rc=1 last="teardown: $problems" ;;
		esac
	fi
	case $rc in
	0) marker "@@CASE-END $name PASS@@" ;;
	77) marker "@@CASE-END $name SKIP ${last:-no reason given}@@" ;;
	124 | 137 | 143)
		marker "@@CASE-END $name FAIL timed out after ${limit}s@@" ;;
	*) marker "@@CASE-END $name FAIL exit $rc: ${last:-no output}@@" ;;
	esac
}

main() {
	cd /add || exit 1
	# Catch hung tasks within a case's lifetime rather than after the run.
	echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
	# A ready RNG at once: without it, the first getrandom() (json-c's,
	# in any "minivmmctl --json") waited minutes under Bochs.
	[ ! -f /add/rng-seed ] || /add/seedrng /add/rng-seed ||
		echo "e2e: seedrng failed; the first --json command may wait for the RNG"
	echo "e2e: arch=$MV_ARCH cpus=$MV_CPUS online=$(nproc) case-timeout=${MV_CASE_TIMEOUT}s"
	for file in /add/cases/*.sh; do
		[ -f "$file" ] || continue
		name=$(basename "$file" .sh)
		if [ -n "${MV_ONLY:-}" ]; then
			case " $MV_ONLY " in
			*" $name "*) ;;
			*) continue ;;
			esac
		fi
		run_case "$file"
	done
	echo "e2e: all cases done"
}

main "$@"
