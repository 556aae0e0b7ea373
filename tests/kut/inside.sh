#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the testbed (busybox sh, in /add): loads minivmm and runs each
# line of /add/kut.plan ("NAME|FILE|MEM|VCPUS|TIMEOUT|APPEND") as
# one VM, each between markers the host-side runner (tests/kut/run) reads:
#   @@KUT-BEGIN NAME@@ ... @@KUT-END NAME rc=STATUS secs=SECONDS@@
# STATUS is minivmmctl's exit status with --exit-status=qemu: 1 means every
# check passed.  Every test gets what the suite's own runner gives QEMU:
# pc-testdev (--testdev) and the machine as its BIOS, SeaBIOS, leaves it
# (--bios-state).  A test still running after TIMEOUT seconds gets SIGTERM,
# on which minivmmctl destroys its VM.

KUT_MACHINE="--exit-status=qemu --testdev --bios-state"

run_one() {
	name=$1 file=$2 mem=$3 vcpus=$4 secs=$5 args=$6
	# The suite's runner hands test_args to the shell: kvmclock_test's
	# `date +%s` is the host's time now.
	case $args in *\`*) args=$(eval "echo $args") ;; esac
	echo "@@KUT-BEGIN $name@@"
	start=$(date +%s)
	if [ -n "$args" ]; then
		timeout "$secs" minivmmctl run $KUT_MACHINE --mem "$mem" \
			--vcpus "$vcpus" --append "$args" "x86/$file" </dev/null
	else
		timeout "$secs" minivmmctl run $KUT_MACHINE --mem "$mem" \
			--vcpus "$vcpus" "x86/$file" </dev/null
	fi
	rc=$?
	echo "@@KUT-END $name rc=$rc secs=$(($(date +%s) - start))@@"
}

insmod /minivmm.ko || { echo "@@KUT-NOMODULE@@"; exit 1; }
while IFS='|' read -r name file mem vcpus secs args; do
	run_one "$name" "$file" "$mem" "$vcpus" "$secs" "$args"
done </add/kut.plan
rmmod minivmm
