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
# else = fail.  The host adds kernel-warning checks on each framed segment.

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

# Leave the machine as the next case expects it: no minivmm, no KVM.
reset_machine() {
	rmmod minivmm >/dev/null 2>&1
	rmmod kvm_amd kvm_intel >/dev/null 2>&1
	rmmod kvm >/dev/null 2>&1
	rmmod irqbypass >/dev/null 2>&1
	true
}

run_case() {
	file=$1
	name=$(basename "$file" .sh)
	out=/tmp/case-$name.out
	marker "@@CASE-BEGIN $name@@"
	start=$(date +%s)
	# The pipe through tee streams the output live and keeps a copy for the
	# skip/fail reason; the status travels through a file.
	{
		MV_CASE=$name timeout "$MV_CASE_TIMEOUT" sh "$file" </dev/null 2>&1
		echo $? >/tmp/case.rc
	} | tee "$out"
	rc=$(cat /tmp/case.rc)
	echo "e2e: $name took $(($(date +%s) - start)) s (guest clock)"
	last=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1 | tr -d '@\r' | cut -c1-200)
	case $rc in
	0) marker "@@CASE-END $name PASS@@" ;;
	77) marker "@@CASE-END $name SKIP ${last:-no reason given}@@" ;;
	124 | 137 | 143)
		marker "@@CASE-END $name FAIL timed out after ${MV_CASE_TIMEOUT}s@@" ;;
	*) marker "@@CASE-END $name FAIL exit $rc: ${last:-no output}@@" ;;
	esac
	reset_machine
}

main() {
	cd /add || exit 1
	# Catch hung tasks within a case's lifetime rather than after the run.
	echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
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
