# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for e2e cases (tests/e2e/cases/NN-name.sh).  Cases run inside the
# emulated machine under busybox sh, as root, in /add, and start with
#   . "$MV_LIB"
#
# Environment:
#   MV_ARCH   svm | vmx          MV_CPUS   CPUs the guest has (svm 2, vmx 1)
#   MV_LIB    this file          MV_ADD    /add (helpers, guests/, cases/)
#   MV_CASE   this case's name   MV_KO     /minivmm.ko
#
# A case exits 0 to pass, 77 to skip (reason on its last stdout line: use
# skip), anything else to fail (say why on the last stdout line: use fail).
# The host also fails a case whose console shows a kernel WARNING/BUG/Oops/
# lockdep report/hung task, so do not provoke those on purpose.

: "${MV_KO:=/minivmm.ko}"
: "${MV_ADD:=/add}"

# ------------------------------------------------------------ results
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "note: $*"; }

# guest_time SECS: let running guests run for about SECS seconds.  Under
# Bochs a fifth of that: its guest clock runs several times slower than
# the wall (tests/testbed/run: ips), and 0.2 s of it is still 40 million
# guest instructions.
guest_time() {
	if [ "$MV_ARCH" = vmx ]; then
		sleep "$(awk -v s="$1" 'BEGIN { printf "%.2f", s / 5 }')"
	else
		sleep "$1"
	fi
}

# ------------------------------------------------------------ running commands
# echo_lines PREFIX TEXT: TEXT's lines behind PREFIX, the first 16 of
# them.  The serial console is the emulated machine's slowest part (under
# Bochs a 64 KB burst took over a minute of CI), and the usage text of
# every refused command filled it.
echo_lines() {
	[ -n "$2" ] || return 0
	printf '%s\n' "$2" | awk -v p="$1" 'NR <= 16 { print p $0 }
		END { if (NR > 16) printf "%s[%d more lines]\n", p, NR - 16 }'
}

# run CMD...: run CMD, keep stdout in $OUT, stderr in $ERR, status in $RC,
# echo all three to the console (the log is what you debug from).  Each
# process start costs tens of ms in the emulators, so the files are fixed
# (run is never used in a background job) and empty ones are not read.
_MV_RUN_OUT=/tmp/.mv-run.$$.out
_MV_RUN_ERR=/tmp/.mv-run.$$.err
run() {
	"$@" >"$_MV_RUN_OUT" 2>"$_MV_RUN_ERR"
	RC=$?
	OUT= ERR=
	[ ! -s "$_MV_RUN_OUT" ] || OUT=$(cat "$_MV_RUN_OUT")
	[ ! -s "$_MV_RUN_ERR" ] || ERR=$(cat "$_MV_RUN_ERR")
	echo "+ $* -> $RC"
	echo_lines "  out| " "$OUT"
	echo_lines "  err| " "$ERR"
	return 0
}

# assert_ok CMD...: CMD must exit 0 (its output stays in $OUT/$ERR).
assert_ok() {
	run "$@"
	[ "$RC" -eq 0 ] || fail "'$*' exited $RC: $(echo "$ERR" | tail -n 1)"
}

# assert_fails CMD...: CMD must exit non-zero.
assert_fails() {
	run "$@"
	[ "$RC" -ne 0 ] || fail "'$*' succeeded but should have failed"
}

# assert_status N CMD...: CMD must exit exactly N.
assert_status() {
	_mv_want=$1
	shift
	run "$@"
	[ "$RC" -eq "$_mv_want" ] || fail "'$*' exited $RC, expected $_mv_want"
}

# assert_match TEXT ERE [WHAT]: TEXT must contain a match of ERE.
assert_match() {
	echo "$1" | grep -E -q -- "$2" || fail "${3:-output} does not match /$2/"
}

# assert_no_match TEXT ERE [WHAT]
assert_no_match() {
	! echo "$1" | grep -E -q -- "$2" || fail "${3:-output} matches /$2/"
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value} is '$1', expected '$2'"
}

# assert_exists PATH
assert_exists() {
	[ -e "$1" ] || fail "$1 does not exist"
}

# wait_for_file PATH [SECONDS]: poll until PATH exists (default 60 s).
wait_for_file() {
	_mv_n=$(( ${2:-60} * 10 ))
	while [ ! -e "$1" ]; do
		_mv_n=$((_mv_n - 1))
		[ "$_mv_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# ------------------------------------------------------------ the module
mv_loaded() { grep -q '^minivmm ' /proc/modules; }

# mv_load [PARAMS...]: insmod minivmm.ko, fail the case if it does not load.
mv_load() {
	assert_ok insmod "$MV_KO" "$@"
	mv_loaded || fail "insmod succeeded but minivmm is not in /proc/modules"
}

# mv_unload: rmmod minivmm, fail the case if it does not unload.
mv_unload() {
	assert_ok rmmod minivmm
	! mv_loaded || fail "rmmod succeeded but minivmm is still loaded"
}

# mv_unload_quiet: best-effort cleanup (e.g. in a trap).
mv_unload_quiet() { rmmod minivmm >/dev/null 2>&1 || true; }

# ctl ARGS...: run minivmmctl like run (sets $OUT $ERR $RC).
ctl() { run minivmmctl "$@"; }

# ------------------------------------------------------------ KVM
# kvm_load: insmod irqbypass, kvm and kvm-amd/kvm-intel for this vendor.
# Returns non-zero (without failing the case) if the vendor module refuses.
kvm_load() {
	case $MV_ARCH in
	svm) _mv_kvm=kvm-amd ;;
	*) _mv_kvm=kvm-intel ;;
	esac
	insmod /kvm/irqbypass.ko 2>/dev/null
	insmod /kvm/kvm.ko || return 1
	run insmod "/kvm/$_mv_kvm.ko"
	[ "$RC" -eq 0 ]
}

# kvm_unload: remove every KVM module (ignores the ones not loaded).
kvm_unload() {
	rmmod kvm_amd kvm_intel >/dev/null 2>&1
	rmmod kvm >/dev/null 2>&1
	rmmod irqbypass >/dev/null 2>&1
	true
}

# ------------------------------------------------------------ kernel log
# dmesg_mark: remember "now" in the kernel log; dmesg_since prints what the
# kernel logged after the last mark.
dmesg_mark() {
	MV_MARK="minivmm-e2e-mark-$$-$(date +%s)-${RANDOM:-0}"
	echo "$MV_MARK" >/dev/kmsg
}

dmesg_since() {
	dmesg | sed -n "/$MV_MARK/,\$p" | sed 1d
}

# assert_dmesg ERE: the kernel logged a match of ERE since dmesg_mark.
assert_dmesg() {
	dmesg_since | grep -E -q -- "$1" || {
		dmesg_since | tail -n 20 | sed 's/^/  dmesg| /'
		fail "dmesg has no /$1/ since the mark"
	}
}

# ---- VM helpers shared by the guest and control-plane cases -------------

# Guest programs: tests/e2e/run ships tests/guests (built) as /add/guests.
G=$MV_ADD/guests/out
[ -d "$G" ] || G=$MV_ADD/guests

# Destroy every VM still listed, then unload (also on failure).
destroy_all() {
	for id in $(minivmmctl list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		minivmmctl destroy --force "$id" >/dev/null 2>&1
	done
}

# no_vms_left: "minivmmctl list" must show nothing.
no_vms_left() {
	ctl list
	[ "$RC" -eq 0 ] || fail "minivmmctl list exited $RC"
	[ -z "$OUT" ] || fail "VMs left behind: $(echo "$OUT" | tail -n +2 | tr "\n" ";")"
}

# state_of NAME: the VM's state from "list --json" (empty if not listed).
state_of() {
	minivmmctl list --json | grep "\"name\": \"$1\"" |
		sed -n 's/.*"state": "\([A-Z]*\)".*/\1/p'
}

# assert_state NAME STATE
assert_state() {
	_st=$(state_of "$1")
	echo "  state of $1: ${_st:-<not listed>}"
	[ "$_st" = "$2" ] || fail "$1 is '${_st:-not listed}', expected $2"
}

# wait_state NAME STATE SECONDS: poll every 0.2 s until NAME is in STATE.
wait_state() {
	_n=$(($3 * 5))
	until [ "$(state_of "$1")" = "$2" ]; do
		_n=$((_n - 1))
		[ "$_n" -ge 0 ] || fail "$1 not $2 after $3 s"
		sleep 0.2
	done
}

# refused WHAT CMD...: CMD must exit 1 with a sentence on stderr.
refused() {
	_what=$1
	shift
	run "$@"
	[ "$RC" -eq 1 ] || fail "$_what: '$*' exited $RC, expected 1 (refused)"
	[ -n "$ERR" ] || fail "$_what: refused without a message"
}

# assert_cpu_refusal FILE: FILE has the sentence with which restore and
# receive refuse a guest that was shown CPU features this host lacks.
assert_cpu_refusal() {
	grep -q "the guest was shown CPU features this host cannot give (CPUID[^ ]* bits 0x[0-9a-f]*)" "$1" ||
		fail "$1: the refusal does not name the missing feature"
}

# json_num JSON KEY: the number after "KEY": in JSON (first match).
json_num() {
	echo "$1" | sed -n "s/.*\"$2\": \([0-9][0-9]*\).*/\1/p" | head -n 1
}

# wait_text FILE TEXT SECONDS
wait_text() {
	_n=$(($3 * 10))
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# debian_shell_initrd OUT MARKER: a gzipped initramfs for Debian's kernel
# whose /init mounts /proc and /sys, prints MARKER and runs busybox's sh on
# the console.  stty -echo: with ICANON set and ECHO clear, busybox's sh
# reads plain lines (fgets) instead of starting its line editor, whose
# first act is to ask the terminal for the cursor position (ESC [ 6 n) and
# take whatever arrives next as the answer: a line typed then is partly
# swallowed.  The shell is as interactive as before (prompt, one command a
# line).
debian_shell_initrd() {
	_d=$(mktemp -d)
	mkdir -p "$_d/bin" "$_d/dev" "$_d/proc" "$_d/sys"
	cp /bin/busybox "$_d/bin/busybox"
	for _a in sh poweroff echo stty mount cat dmesg grep date; do
		ln -sf busybox "$_d/bin/$_a"
	done
	mknod "$_d/dev/console" c 5 1
	printf '#!/bin/sh\nexport PATH=/bin\nmount -t proc proc /proc\nmount -t sysfs sysfs /sys\nstty -echo </dev/console\necho "%s"\nexec sh </dev/console >/dev/console 2>&1\n' \
		"$2" >"$_d/init"
	chmod 0755 "$_d/init"
	(cd "$_d" && find . | cpio -o -H newc 2>/dev/null | gzip -c) >"$1"
	rm -rf "$_d"
}

# uptime_ms: this host's milliseconds since boot (/proc/uptime has
# centiseconds; busybox date has no %N).
uptime_ms() {
	read -r _up _ </proc/uptime
	echo "${_up%.*}${_up#*.}0"
}

# guest_uptime_ms OUT TAG: type on fd 7 (a guest shell's console) a command
# that prints TAG and the guest's /proc/uptime, wait for it in OUT (the
# console's output) and print that uptime in milliseconds.
guest_uptime_ms() {
	echo "echo \"$2 \$(cat /proc/uptime) end\"" >&7
	wait_text "$1" "$2 .* end" 30 || fail "no answer to $2 within 30 s"
	tr -d '\r' <"$1" |
		sed -n "s/.*$2 \([0-9]*\)\.\([0-9]*\) .*/\1\20/p" | tail -n 1
}

# guest_clock_rate OUT TAG WHAT: the guest's uptime over 5 s of this
# host's, through guest_uptime_ms (questions TAG-a and TAG-b); fails unless
# it is 5 s give or take 10%.  Host times are taken before each question,
# so that the console's delay is in both intervals alike.  WHAT names the
# moment in the message.
guest_clock_rate() {
	_h0=$(uptime_ms)
	_g0=$(guest_uptime_ms "$1" "$2-a")
	sleep 5
	_h1=$(uptime_ms)
	_g1=$(guest_uptime_ms "$1" "$2-b")
	_dh=$((_h1 - _h0))
	_dg=$((_g1 - _g0))
	note "$3: over $_dh ms of the host's time the guest's uptime grew $_dg ms"
	[ $((_dg * 10)) -ge $((_dh * 9)) ] && [ $((_dg * 10)) -le $((_dh * 11)) ] ||
		fail "$3: the guest's clock ran $_dg ms in $_dh ms of the host's"
}

# console_attached PID [SECONDS]: wait until process PID holds a console fd
# (minivmmctl console or run has attached), default 30 s.
console_attached() {
	_n=$(( ${2:-30} * 10 ))
	until ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'anon_inode:minivmm-console'; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# console_bytes NAME: bytes the VM's guest has written to its console.
console_bytes() {
	minivmmctl stats --json "$1" 2>/dev/null |
		sed -n 's/.*"console_bytes": \([0-9]*\).*/\1/p' | head -n 1
}

# ------------------------------------------------------------ snapcount.bin
# snapcount.bin (tests/guests/snapcount.S) counts 12 steps paced by PIT
# interrupts, printing a RAM checksum at each, and after step 4 waits for a
# word written at SNAPCOUNT_FLAG: the moment to save, clone or move it.
SNAPCOUNT_FLAG=0x1fe000

# snapcount_start NAME [CREATE-OPTION...]: create (16M), load in long mode,
# start, and wait until it waits.
snapcount_start() {
	_sc_name=$1
	shift
	assert_ok minivmmctl create "$_sc_name" --mem 16M "$@"
	assert_ok minivmmctl load "$_sc_name" "$G/snapcount.bin" --mode long
	assert_ok minivmmctl start "$_sc_name"
	# 4 lines of 26 bytes and "snap waiting\n"
	_n=600
	until [ "$(console_bytes "$_sc_name")" -ge 117 ]; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || fail "$_sc_name did not reach its wait in 60 s"
		sleep 0.1
	done
}

# snapcount_finish NAME FILE: let NAME go on; its console into FILE until
# it stops.
snapcount_finish() {
	printf 'go!!' >/tmp/snapcount.go
	assert_ok minivmmctl load "$1" /tmp/snapcount.go --addr $SNAPCOUNT_FLAG
	minivmmctl console "$1" </dev/null >"$2" 2>"$2.err" &
	_pid=$!
	_n=900
	while kill -0 "$_pid" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || { kill "$_pid"; fail "$1 did not finish in 90 s"; }
		sleep 0.1
	done
	wait "$_pid" || fail "console $1: $(cat "$2.err")"
	sed 's/^/  | /' "$2"
}

# snapcount_check FILE MARKER: steps 01..0c once each in order, the wait
# after step 04, the marker word (hex), done with no failure.
snapcount_check() {
	_want=$(i=1; while [ $i -le 12 ]; do printf 'snap step %02x\n' $i;
		[ $i -eq 4 ] && printf 'snap waiting\n'; i=$((i + 1)); done)
	_got=$(grep -E '^snap (step|waiting)' "$1" | cut -c1-12)
	[ "$_got" = "$_want" ] ||
		fail "$1: the steps are not 01..0c once each in order"
	[ "$(grep -c . "$1")" -eq 15 ] || fail "$1: $(grep -c . "$1") lines, expected 15"
	grep -q "^snap marker $2\$" "$1" || fail "$1: no 'snap marker $2'"
	grep -q '^snap done steps 0c failures 00$' "$1" ||
		fail "$1: the guest's RAM check failed or it did not finish"
}

# ------------------------------------------------------------ migcount.bin
# wait_console_bytes NAME N: until NAME's console has N bytes (20 s at most).
wait_console_bytes() {
	_n=200
	until [ "$(console_bytes "$1")" -ge "$2" ]; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || fail "$1 printed fewer than $2 bytes in 20 s"
		sleep 0.1
	done
}

# migcount_check FILE WRITES [FROM-ANY]: migcount's console in FILE shows
# steps 1..N once each, in order, no "mig BAD", and the last step's sum is
# the checksum of N * WRITES numbers as migcount.S defines it (n to dword
# (n * 1025) mod 16384, sum of dword[i] * (2i + 1) mod 2^32).  Prints N.
# With FROM-ANY the steps may begin after 1: a long migration over a slow
# line outlasts the console ring (64 KiB, about 2100 steps), which keeps
# the last output only; the order and the checksum are checked as before.
migcount_check() {
	awk -v W="$2" -v ANY="${3:-}" '
	function hex(s,  v, k) {
		v = 0
		for (k = 1; k <= length(s); k++)
			v = v * 16 + index("0123456789abcdef", substr(s, k, 1)) - 1
		return v
	}
	/^mig BAD/ { print "the guest found RAM it did not write"; bad = 1 }
	/^mig step / {
		if (!n && ANY != "")
			n = hex($3) - 1
		n++
		if (hex($3) != n && !bad) { print "step " $3 " at line " n; bad = 1 }
		last = $5
	}
	END {
		if (bad)
			exit 1
		s = 0
		for (k = 1; k <= n * W; k++) {
			i = (k * 1025) % 16384
			s = (s + (k - old[i]) * (2 * i + 1)) % 4294967296
			old[i] = k
		}
		# busybox awk clamps %x to 31 bits: two halves
		want = sprintf("%04x%04x", int(s / 65536), s % 65536)
		if (want != last) {
			print "last checksum " last ", expected " want
			exit 1
		}
		print n
	}' "$1"
}

# assert_progress NAME [SECONDS]: the guest (one that keeps printing, such
# as counter.bin) is making progress: its console byte count must grow
# within SECONDS (default 30).  A VM that only says RUNNING while its vCPU
# is frozen fails here.
assert_progress() {
	_b0=$(console_bytes "$1")
	[ -n "$_b0" ] || fail "no stats for $1"
	_n=$(( ${2:-30} * 10 ))
	until [ "$(console_bytes "$1")" -gt "$_b0" ]; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] ||
			fail "$1 made no progress in ${2:-30} s (its console stayed at $_b0 bytes)"
		sleep 0.1
	done
	echo "  $1 progresses (console past $_b0 bytes)"
}

# hammers_start: one fpu-hammer per host CPU in the background (they keep
# the host's vector registers busy and check their own); hammers_check:
# stop them, fail if one saw its registers change.  hammers_kill for traps.
MV_HAMMERS=""
hammers_start() {
	_n=$(grep -c ^processor /proc/cpuinfo)
	while [ "$_n" -gt 0 ]; do
		"$MV_ADD/fpu-hammer" >"/tmp/fpu-hammer.$_n" 2>&1 &
		MV_HAMMERS="$MV_HAMMERS $_n:$!"
		_n=$((_n - 1))
	done
}
hammers_kill() {
	for _h in $MV_HAMMERS; do
		kill "${_h#*:}" 2>/dev/null
	done
}
hammers_check() {
	_hs=$MV_HAMMERS
	MV_HAMMERS=""
	for _h in $_hs; do
		kill "${_h#*:}"
		wait "${_h#*:}"
		_st=$?
		cat "/tmp/fpu-hammer.${_h%%:*}"
		[ "$_st" -eq 0 ] ||
			fail "fpu-hammer ${_h%%:*} exited $_st: $(tail -n 1 "/tmp/fpu-hammer.${_h%%:*}")"
	done
}

# For "trap cleanup_vms EXIT": destroy every VM still listed, then unload.
cleanup_vms() { destroy_all; mv_unload_quiet; }

# cpu1_up: CPU 1 online for this case (a machine booted with CPU 1
# present but offline, tests/e2e/run --online 1, keeps the other cases at
# one CPU's cost); 1 if there is no CPU 1.  cpu1_restore (in the case's
# EXIT trap) puts it back as it was.
MV_CPU1=/sys/devices/system/cpu/cpu1/online
cpu1_up() {
	[ -w $MV_CPU1 ] || return 1
	_mv_cpu1_was=$(cat $MV_CPU1)
	[ "$_mv_cpu1_was" = 1 ] || echo 1 >$MV_CPU1
}
cpu1_restore() {
	[ -w $MV_CPU1 ] || return 0
	echo "${_mv_cpu1_was:-1}" >$MV_CPU1 2>/dev/null || true
}

# smp_expect NCPUS ROUNDS: $OUT has tests/guests/smp.S's closing line for
# NCPUS vCPUs and ROUNDS round trips, exactly (numbers in hex, as the
# guest prints them).
smp_expect() {
	assert_match "$OUT" "^smp cpus $(printf %08x "$1") started $(printf %08x $(($1 - 1))) counter $(printf %08x $(($1 * 20000))) rounds $(printf %08x "$2") hits1 $(printf %08x "$2")\$" \
		"console of the $1-vCPU run"
}

# sector_disk FILE: a 128 KiB disk image whose sector n (0-255) is 512
# bytes of n, what tests/guests/virtio.S's virtio-blk variants check.
sector_disk() {
	_n=0
	while [ $_n -lt 256 ]; do
		head -c 512 /dev/zero | tr '\000' "\\$(printf %03o $_n)"
		_n=$((_n + 1))
	done >"$1"
	[ "$(wc -c <"$1")" -eq 131072 ] || fail "sector_disk: $1 is not 128 KiB"
}

# tap_mac NAME: the MAC minivmmctl gives a virtio-net device on tap NAME
# (52:54:00 and 24 bits of the name's FNV-1a hash), computed here on its own.
tap_mac() {
	_h=2166136261
	for _b in $(printf %s "$1" | od -An -tu1); do
		_h=$(((_h ^ _b) * 16777619 & 0xffffffff))
	done
	printf '52:54:00:%02x:%02x:%02x\n' $((_h >> 16 & 255)) $((_h >> 8 & 255)) $((_h & 255))
}
