# SPDX-License-Identifier: GPL-2.0
# Runs inside the emulated machine (busybox sh, root, in /add), started by
# tests/bench/run.  The timed figures are taken in ROUNDS rounds.  In each,
# one hypervisor is loaded, runs every timed guest once ("minivmmctl run"
# or /add/kvmrun) and is unloaded, then the other: minivmm first in odd
# rounds, KVM first in even ones.  So a change in the host's load hits both
# hypervisors alike, the cold start falls on each in turn, and the
# smallest value of the rounds counts.  Then the memory figures
# (idle VMs, VMs alive at once), once per hypervisor.  One console line per
# result:
#	@@BENCH <hv> <figure> <value>@@	(hv: mv, kvm or host)
#	@@BENCH-NOTE <text>@@
# which the host turns into the table.  Nothing here fails the run: a figure
# that cannot be measured is "n/a" with a note.

G=/add/bguests
K=/add/kvmrun
ARCH=${BENCH_ARCH:-svm}
ROUNDS=${BENCH_ROUNDS:-3}
LAT_RUNS=${BENCH_LAT_RUNS:-7}	# per round
IDLE_VMS=${BENCH_IDLE_VMS:-100}
# VMs alive at once: create until refused, until MemFree is below
# MIN_FREE_KB (so that the OOM killer never ends the count), or MAX_VMS;
# then extrapolate to the floor from the MemFree drop per VM.  MemFree,
# not MemAvailable: MemAvailable counts reclaimable slab, and KVM's VMs
# pin about 100 KiB of it each (654 MiB at 6750 VMs, never reclaimed), so
# the OOM killer ended KVM's count with MemAvailable still at 684 MiB.  The
# default MAX_VMS keeps KVM's part short (50-70 ms per KVM VM in QEMU,
# growing with the count: each KVM_CREATE_VM takes every VMA lock of the
# process, mm_take_all_locks) and below the ~2000 VMs of one process at
# which that trips a lockdep WARN (its 12-bit reference count) in the
# PROVE_LOCKING test kernel.  BENCH_MAX_VMS=20000 counts to the floor
# (about 6 minutes more).  MAX_VMS=0 skips the figure.
MAX_VMS=${BENCH_MAX_VMS:-1500}
MIN_FREE_KB=${BENCH_MIN_FREE_KB:-65536}
TOUCH_MEM=40M
# Snapshots (issue 17): the guest's RAM in MiB, and the rounds of each
# timed step (0: skip these figures).
SNAP_MB=${BENCH_SNAP_MB:-256}
SNAP_ROUNDS=${BENCH_SNAP_ROUNDS:-3}
# 5.75 MiB: its last 2 MiB block (4 MiB to 5.75 MiB) is partial, and
# minivmm backs and maps a partial block with 4 KiB pages.
TAIL_MEM=5888K
RES=/tmp/bench-res
mkdir -p "$RES"

case $ARCH in
svm) KVM_MOD=kvm-amd ;;
*) KVM_MOD=kvm-intel ;;
esac

emit() { echo "@@BENCH $1 $2 $3@@"; }
note() { echo "@@BENCH-NOTE $*@@" >&2; }
log() { echo "bench: [$(cut -d ' ' -f 1 /proc/uptime)s] $*" >&2; }

# keep_min HV FIG VALUE: remember the smallest VALUE (integers).
keep_min() {
	_f=$RES/$1.$2
	if [ ! -s "$_f" ] || [ "$3" -lt "$(cat "$_f")" ]; then
		echo "$3" >"$_f"
	fi
}

# failed HV FIG WHY: the figure is n/a (unless another round measured it).
failed() {
	[ -e "$RES/$1.$2.failed" ] || note "$1 $2: $3"
	: >"$RES/$1.$2.failed"
}

# per_op OUTPUT: cycles/iters from the guest's "bench cycles=C iters=N".
per_op() {
	echo "$1" | sed -n 's/.*bench cycles=\([0-9]*\) iters=\([0-9]*\).*/\1 \2/p' |
		tail -n 1 | awk 'NF == 2 && $2 > 0 { printf "%.0f\n", $1 / $2 }'
}

# cyc HV FIG CMD...: run a benchmark guest once, keep its cycles/op.
cyc() {
	_hv=$1 _fig=$2
	shift 2
	_out=$("$@" 2>&1)
	_rc=$?
	_v=$(per_op "$_out")
	if [ "$_rc" -ne 0 ] || [ -z "$_v" ]; then
		log "$_hv $_fig: '$*' exited $_rc: $(echo "$_out" | tail -n 3 | tr '\n' ' ')"
		failed "$_hv" "$_fig" "run failed (exit $_rc)"
		return 1
	fi
	keep_min "$_hv" "$_fig" "$_v"
	printf ' %s=%s' "$_fig" "$_v"
}

# lat HV NOOP... -- RUN...: fastest run minus the tool's fastest no-op.
lat() {
	_hv=$1
	shift
	_noop=
	while [ "$1" != -- ]; do _noop="$_noop $1"; shift; done
	shift
	# shellcheck disable=SC2086 # a word list
	_n=$(/add/timeit "$LAT_RUNS" $_noop)
	_r=$(/add/timeit "$LAT_RUNS" "$@")
	case $_r in *fails=0) ;; *)
		log "$_hv latency: $_r"
		failed "$_hv" latency "create-run-destroy runs failed ($_r)"
		return 1 ;;
	esac
	_a=$(echo "$_r" | sed -n 's/.*min_us=\([0-9]*\).*/\1/p')
	_b=$(echo "$_n" | sed -n 's/.*min_us=\([0-9]*\).*/\1/p')
	keep_min "$_hv" latency_run "$_a"
	keep_min "$_hv" latency_noop "$_b"
	printf ' latency=%sus(noop %sus)' "$_a" "$_b"
}

# meminfo: "MemFree_kB Slab_kB" after dropping caches.
meminfo() {
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	sleep 1
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	awk '/^MemFree:/ { f = $2 } /^Slab:/ { s = $2 } END { print f, s }' /proc/meminfo
}

# mem_figures HV "FREE SLAB" "FREE SLAB" N RAM_KB: per-VM total, slab,
# and overhead: the total less RAM_KB, the guest RAM each VM holds (KVM:
# its populated 64 KiB slot; minivmm: what the module has granted, none
# for a VM that never ran, as its RAM is allocated on first touch).
mem_figures() {
	set -- "$1" $2 $3 "$4" "$5"
	_t=$(awk -v a="$2" -v b="$4" -v n="$6" 'BEGIN { printf "%.1f", (a - b) / n }')
	_s=$(awk -v a="$3" -v b="$5" -v n="$6" 'BEGIN { printf "%.1f", (b - a) / n }')
	_o=$(awk -v t="$_t" -v r="$7" 'BEGIN { printf "%.1f", t - r }')
	log "$1: per idle VM over $6 VMs: $_t KiB in all (MemFree delta), $_s KiB slab, $7 KiB guest RAM held, $_o KiB overhead"
	emit "$1" mem_total "$_t"
	emit "$1" mem_slab "$_s"
	emit "$1" mem_overhead "$_o"
	emit "$1" mem_ram "$7"
	emit "$1" mem_nvms "$6"
}

# mv_load [PARAM=VALUE...]: module parameters.
mv_load() {
	insmod /minivmm.ko "$@" 2>/tmp/ins.err && return 0
	failed mv load "minivmm did not load on $ARCH: $(cat /tmp/ins.err) $(dmesg | grep minivmm | tail -n 1)"
	return 1
}

kvm_load() {
	insmod /kvm/irqbypass.ko 2>/dev/null
	insmod /kvm/kvm.ko 2>/tmp/ins.err && insmod "/kvm/$KVM_MOD.ko" 2>>/tmp/ins.err &&
		return 0
	failed kvm load "KVM ($KVM_MOD) did not load on $ARCH: $(cat /tmp/ins.err) $(dmesg | tail -n 1)"
	kvm_unload
	return 1
}

kvm_unload() {
	rmmod "$(echo "$KVM_MOD" | tr - _)" 2>/dev/null
	rmmod kvm 2>/dev/null
	rmmod irqbypass 2>/dev/null
	true
}

# mv_policy: max_vms to MAX_VMS (at least IDLE_VMS), or to the module's
# hard cap if refused.
mv_policy() {
	_want=$MAX_VMS
	[ "$_want" -ge "$IDLE_VMS" ] || _want=$IDLE_VMS
	if ! minivmmctl policy set --max-vms "$_want" 2>/tmp/pol.err; then
		log "mv: policy set --max-vms $_want refused: $(cat /tmp/pol.err)"
		minivmmctl policy set --max-vms 1024
	fi
	MV_CAP=$(minivmmctl policy --json | sed -n 's/.*"max_vms": \([0-9]*\).*/\1/p')
}

# ------------------------------------------------------------- timed rounds
# mv_npf NAME MEM IMAGE: "NPF TOUCHED" from one run of IMAGE with MEM of
# RAM: how many nested faults minivmm really took, and the bytes mapped.
mv_npf() {
	minivmmctl create "$1" --mem "$2" >/dev/null &&
		minivmmctl load --mode long "$1" "$3" &&
		minivmmctl start "$1" &&
		minivmmctl console "$1" >/dev/null 2>&1
	_st=$(minivmmctl stats --json "$1" 2>/dev/null)
	minivmmctl destroy --force "$1" >/dev/null 2>&1
	echo "$(echo "$_st" | sed -n 's/.*"npf": \([0-9]*\).*/\1/p') $(echo "$_st" | sed -n 's/.*"mem_touched": \([0-9]*\).*/\1/p')"
}

mv_round() {
	mv_load || return 1
	[ "$1" -gt 1 ] || minivmmctl info | sed 's/^/bench: mv info: /'
	_line=
	_line=$_line$(cyc mv cpuid minivmmctl run --mem 1M "$G/cpuid.bin")
	_line=$_line$(cyc mv pio_dev minivmmctl run --mem 1M "$G/pio-scr.bin")
	_line=$_line$(cyc mv pio_80 minivmmctl run --mem 1M "$G/pio-80.bin")
	_line=$_line$(cyc mv hypercall minivmmctl run --mem 1M "$G/hypercall.bin")
	_line=$_line$(cyc mv ipi minivmmctl run --mem 4M --vcpus 2 "$G/ipi.bin")
	_line=$_line$(cyc mv touch_small minivmmctl run --mem "$TAIL_MEM" "$G/touch-tail.bin")
	_line=$_line$(cyc mv touch4k minivmmctl run --mem "$TOUCH_MEM" "$G/touch.bin")
	_line=$_line$(cyc mv touch2m minivmmctl run --mem "$TOUCH_MEM" "$G/touch2m.bin")
	# 128K: the smallest RAM the loader takes (64 KiB + the image).
	_line=$_line$(lat mv minivmmctl help -- minivmmctl run --mem 128K "$G/exit0.bin")
	log "mv round $1:$_line"
	if [ "$1" -eq 1 ]; then
		# How many nested faults the touch guests really take.
		set -- $(mv_npf bt "$TOUCH_MEM" "$G/touch.bin")
		note "minivmm: the 4 KiB-stride touch in 40 MiB (2048 pages from 4 MiB) took ${1:-?} nested page faults in all, mem_touched ${2:-?} bytes (RAM allocated on first touch is mapped 4 KiB per fault; --prealloc RAM in 2 MiB blocks, 2 MiB)"
		set -- $(mv_npf bs "$TAIL_MEM" "$G/touch-tail.bin")
		note "minivmm: the 4 KiB-stride touch in $TAIL_MEM (384 pages from 4 MiB, in the partial last block) took ${1:-?} nested page faults in all, mem_touched ${2:-?} bytes: 4 KiB per fault there"
	fi
	rmmod minivmm
}

kvm_round() {
	kvm_load || return 1
	[ "$1" -gt 1 ] || dmesg | grep -E 'SVM:|VMX:|kvm' | tail -n 3 | sed 's/^/bench: kvm: /'
	_line=
	_line=$_line$(cyc kvm cpuid $K --mem 1M "$G/cpuid.bin")
	_line=$_line$(cyc kvm pio_dev $K --mem 1M --pit "$G/pio-pit.bin")
	_line=$_line$(cyc kvm pio_80 $K --mem 1M "$G/pio-80.bin")
	_line=$_line$(cyc kvm hypercall $K --mem 1M "$G/hypercall.bin")
	_line=$_line$(cyc kvm ipi $K --mem 4M --vcpus 2 "$G/ipi.bin")
	# (4) and (5): allocation on first touch on both (issue 21's fair
	# pairing): minivmm allocates in the nested fault by default.
	_line=$_line$(cyc kvm touch_small $K --mem "$TAIL_MEM" --no-populate "$G/touch-tail.bin")
	_line=$_line$(cyc kvm touch4k $K --mem "$TOUCH_MEM" "$G/touch.bin")
	_line=$_line$(cyc kvm touch2m $K --mem "$TOUCH_MEM" "$G/touch2m.bin")
	# 2 MiB against 2 MiB: KVM maps 2 MiB only where the host memory is
	# huge (THP or hugetlbfs); the test kernel has neither, so this is
	# n/a there, with a note.
	if [ "$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)" -ge 20 ]; then
		_line=$_line$(cyc kvm touch2m_huge $K --mem "$TOUCH_MEM" --huge --no-populate "$G/touch2m.bin")
	else
		failed kvm touch2m_huge "no 2 MiB host pages for KVM: this kernel has no hugetlbfs (/proc/sys/vm/nr_hugepages) and no THP, so KVM maps guest RAM 4 KiB at a time"
	fi
	_line=$_line$(cyc kvm touch4k_nopop $K --mem "$TOUCH_MEM" --no-populate "$G/touch.bin")
	_line=$_line$(lat kvm $K --help -- $K --mem 128K "$G/exit0.bin")
	log "kvm round $1:$_line"
	kvm_unload
}

# ------------------------------------------------------------- snapshots
# Issue 17's figures, each against a baseline in this machine (not KVM):
# save throughput of a SNAP_MB MiB guest with every page written (fill.bin)
# against dd of the same number of bytes to the same tmpfs; restore to the
# guest's next instruction against create + load of a SNAP_MB MiB image +
# start; the file of a guest that wrote 10% of its RAM (fill10.bin)
# against its RAM.  The VM is paused during dd and save alike.
SD=/tmp/snapbench

# snap_fill NAME IMAGE: a SNAP_MB MiB VM running IMAGE, paused once the
# guest has printed "fill: filled" (13 bytes) after writing its pages.
snap_fill() {
	minivmmctl create "$1" --mem "${SNAP_MB}M" >/dev/null &&
		minivmmctl load --mode long "$1" "$2" &&
		minivmmctl start "$1" || return 1
	_n=0
	while :; do
		_b=$(minivmmctl stats --json "$1" | sed -n 's/.*"console_bytes": \([0-9]*\).*/\1/p')
		[ "${_b:-0}" -lt 13 ] || break
		[ "$_n" -lt 3000 ] || return 1
		sleep 0.2
		_n=$((_n + 1))
	done
	minivmmctl pause "$1"
}

# snap_time FIG AFTER CMD...: one timed run (timeit, AFTER untimed after
# it); keeps the smallest time in us as host/mv FIG.
snap_time() {
	_hv=$1 _fig=$2 _after=$3
	shift 3
	_r=$(/add/timeit --after "$_after" 1 "$@")
	case $_r in *fails=0) ;; *)
		log "$_hv $_fig: '$*' failed: $_r"
		failed "$_hv" "$_fig" "'$*' failed"
		return 1 ;;
	esac
	_t=$(echo "$_r" | sed -n 's/.*min_us=\([0-9]*\).*/\1/p')
	keep_min "$_hv" "$_fig" "$_t"
	printf ' %s=%sus' "$_fig" "$_t"
}

# snap_end NAME: destroy NAME, drop the tmpfs, unload the module.
snap_end() {
	minivmmctl destroy --force "$1" >/dev/null 2>&1
	umount "$SD"
	rmdir "$SD"
	rmmod minivmm
}

mv_snapshot() {
	[ "$SNAP_ROUNDS" -gt 0 ] || return 0
	mv_load || return 1
	rm -rf "$SD"
	mkdir -p "$SD"
	# A tmpfs of its own (the destination of both save and dd): /tmp's
	# is half the RAM, too small for the file and dd's copy of a 256 MiB
	# guest's in a 1 GiB machine.
	if ! mount -t tmpfs -o size=$((SNAP_MB * 3 + 64))m snapbench "$SD"; then
		failed mv snap_save "cannot mount a tmpfs on $SD"
		rmmod minivmm
		return 1
	fi
	_ram=$((SNAP_MB * 1048576))
	emit host snap_mb "$SNAP_MB"
	# 8-byte flags for fill.S's word at 0x7000: 1 exit, 2 check and exit.
	printf '\001\000\000\000\000\000\000\000' >"$SD/flag1"
	printf '\002\000\000\000\000\000\000\000' >"$SD/flag2"
	# done.sh NAME: NAME's guest exited with code 0 (else status 1);
	# destroys NAME either way.  list --json: the first "}" closes the
	# fields before any nested object.
	cat >"$SD/done.sh" <<-'EOF'
		minivmmctl list --json | tr '}' '\n' | grep "\"name\": \"$1\"" |
			grep -q '"exit_code": 0'
		r=$?
		minivmmctl destroy --force "$1" >/dev/null 2>&1
		exit $r
	EOF
	log "snapshot: filling a $SNAP_MB MiB guest"
	if ! snap_fill sf "$G/fill.bin"; then
		failed mv snap_save "fill.bin did not fill its RAM: $(minivmmctl list | tail -n 1)"
		snap_end sf
		return 1
	fi
	minivmmctl load sf "$SD/flag1" --addr 0x7000
	# One untimed save: the file restore uses, and its size for dd.
	_o=$(minivmmctl save sf "$SD/s.snap" 2>&1)
	_sz=$(stat -c %s "$SD/s.snap" 2>/dev/null)
	log "snapshot: $_o; $_sz bytes; $(minivmmctl stats sf | grep -i touched)"
	if [ -z "$_sz" ]; then
		failed mv snap_save "the save failed: $_o"
		snap_end sf
		return 1
	fi
	emit host snap_bytes "$_sz"
	# Odd rounds dd first, even rounds save first, as in the timed rounds.
	_dd() { snap_time host snap_dd "rm -f $SD/dd.out" \
		dd if=/dev/zero of="$SD/dd.out" bs=1M count="$_sz" iflag=count_bytes; }
	_sv() { snap_time mv snap_save "rm -f $SD/t.snap" \
		minivmmctl save sf "$SD/t.snap"; }
	r=1
	while [ "$r" -le "$SNAP_ROUNDS" ]; do
		if [ $((r % 2)) -eq 1 ]; then
			_line=$(_dd)$(_sv)
		else
			_line=$(_sv)$(_dd)
		fi
		log "snapshot save round $r:$_line"
		r=$((r + 1))
	done
	minivmmctl destroy --force sf >/dev/null 2>&1

	# The restored guest has its RAM: flag 2 makes it read every page.
	_o=
	minivmmctl restore --paused --name sv "$SD/s.snap" >/dev/null &&
		minivmmctl load sv "$SD/flag2" --addr 0x7000 &&
		minivmmctl start sv &&
		_o=$(minivmmctl console sv 2>&1)
	if sh "$SD/done.sh" sv && echo "$_o" | grep -q 'fill: ok'; then
		log "snapshot: the restored guest read all its pages back"
	else
		note "minivmm snapshot: the restored $SNAP_MB MiB guest did not read its RAM back: $(echo "$_o" | tail -n 2 | tr '\n' ' ')"
		failed mv snap_restore "the restored guest failed its RAM check"
	fi
	# A SNAP_MB MiB image, all data: exit0.bin (its first instruction
	# exits), then the snapshot's bytes, up to the end of RAM from 0x10000.
	dd if="$SD/s.snap" of="$SD/img" bs=64K count=$((SNAP_MB * 16 - 1)) 2>/dev/null &&
		dd if="$G/exit0.bin" of="$SD/img" conv=notrunc 2>/dev/null
	# Each timed run ends when the guest has stopped (console returns);
	# done.sh checks its exit code and destroys it, untimed.
	_rs() { snap_time mv snap_restore "sh $SD/done.sh rs" \
		sh -c "minivmmctl restore --name rs $SD/s.snap && minivmmctl console rs"; }
	_cl() { snap_time host snap_createload "sh $SD/done.sh cl" \
		sh -c "minivmmctl create cl --mem ${SNAP_MB}M && minivmmctl load --mode long cl $SD/img && minivmmctl start cl && minivmmctl console cl"; }
	r=1
	while [ "$r" -le "$SNAP_ROUNDS" ] && [ ! -e "$RES/mv.snap_restore.failed" ]; do
		if [ $((r % 2)) -eq 1 ]; then
			_line=$(_rs)$(_cl)
		else
			_line=$(_cl)$(_rs)
		fi
		log "snapshot restore round $r:$_line"
		r=$((r + 1))
	done
	rm -f "$SD/img" "$SD/s.snap"
	for f in host.snap_dd mv.snap_save mv.snap_restore host.snap_createload; do
		[ ! -s "$RES/$f" ] || emit "${f%%.*}" "${f#*.}" "$(cat "$RES/$f")"
	done

	# The file of a guest that wrote a tenth of its RAM.
	if snap_fill st "$G/fill10.bin"; then
		_o=$(minivmmctl save st "$SD/t.snap" 2>&1)
		_t=$(stat -c %s "$SD/t.snap" 2>/dev/null)
		log "snapshot, 10% written: $_o; ${_t:-?} bytes"
		if [ -n "$_t" ]; then
			emit mv snap_size10 "$_t"
			emit host snap_ram "$_ram"
		else
			failed mv snap_size10 "the save failed: $_o"
		fi
	else
		failed mv snap_size10 "fill10.bin did not fill its RAM"
	fi
	snap_end st
}

# ------------------------------------------------------------- migration
# Issue 20's figures: a MIG_MB MiB guest (dirty.bin) migrated over
# loopback TCP inside this machine (minivmmctl migrate, receive).  The
# guest first writes every page of its RAM (all of it must travel), then
# one page every 1/256 s of its own TSC (1 MiB/s), scattered over its RAM,
# and watches its clock.  From migrate --json: rounds, bytes sent over
# RAM, the host-side downtime (paused here to running there) and its
# parts, what logging per 2 MiB block would have sent, and the first
# fetch of the log (it write-protects every page).  From the guest: the
# largest and second largest gaps in its TSC stream (the pause as it sees
# it, and the noise around it), and the mean cost of a write before the
# migration, during it (nearly every write a write fault of the log; the
# slowest write, which may hold the pause, left out) and after it.
# Five runs (mig_runs): RAM on demand (4 KiB leaves) logged by D flags
# and by write-protection; --prealloc (2 MiB leaves, split when the log
# starts); both logs again with --bandwidth 8M (the copy mostly sleeps,
# so a write costs what it costs on a quiet host).
MIG_MB=${BENCH_MIG_MB:-64}
MIG_PORT=41300
MIG_D=/tmp/migbench

# le64 FILE VALUE: VALUE as 8 little-endian bytes.
le64() {
	_v=$2 _s=
	for _i in 1 2 3 4 5 6 7 8; do
		_s="$_s\\$(printf %03o $((_v & 255)))"
		_v=$((_v >> 8))
	done
	# shellcheck disable=SC2059 # octal escapes built above
	printf "$_s" >"$1"
}

# mig_field NAME: "NAME=value" from the guest's report in $MIG_D/out.
mig_field() {
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$MIG_D/out" | head -n 1
}

# mig_phase P: "n sum max" of the guest's writes in phase P.
mig_phase() {
	sed -n "s/^dirty: phase $1 n=\([0-9]*\) sum=\([0-9]*\) max=\([0-9]*\).*/\1 \2 \3/p" "$MIG_D/out"
}

# mig_us TICKS: TSC ticks in microseconds (TSC_KHZ).
mig_us() {
	awk -v t="$1" -v k="$TSC_KHZ" 'BEGIN { printf "%.1f\n", t * 1000 / k }'
}

mig_end() {
	minivmmctl destroy --force mg >/dev/null 2>&1
	minivmmctl destroy --force mg2 >/dev/null 2>&1
	rmmod minivmm
}

# mv_migrate KEY LOG CREATE-OPTION MIGRATE-OPTION...: the figures as
# KEY_*, of a VM created with CREATE-OPTION ("" for none), migrated with
# the MIGRATE-OPTIONs; LOG "flags" (the default: the CPU's D flags where
# it has them) or "wp" (write-protection: dirty_flags=0).
mv_migrate() {
	_k=$1 _log=$2 _co=$3
	shift 3
	[ "$MIG_MB" -gt 0 ] || return 0
	if [ -z "$TSC_KHZ" ]; then
		failed mv "${_k}_gap" "the kernel did not say its TSC rate"
		return 1
	fi
	if [ "$_log" = wp ]; then
		mv_load dirty_flags=0 || return 1
	else
		mv_load || return 1
	fi
	ip link set lo up
	rm -rf "$MIG_D"
	mkdir -p "$MIG_D"
	le64 "$MIG_D/period" $((TSC_KHZ * 1000 / 256))
	le64 "$MIG_D/p1" 1
	le64 "$MIG_D/p2" 2
	log "migration ($_k): a $MIG_MB MiB guest ${_co:-on demand} dirtying 1 MiB/s, log by $_log, migrate $* (TSC $TSC_KHZ kHz)"
	if ! { minivmmctl create mg --mem "${MIG_MB}M" ${_co:+"$_co"} >/dev/null &&
		minivmmctl load --mode long mg "$G/dirty.bin" &&
		minivmmctl load mg "$MIG_D/period" --addr 0x7000 &&
		minivmmctl start mg; }; then
		failed mv "${_k}_downtime" "the guest did not start"
		mig_end
		return 1
	fi
	_n=0	# "dirty: filled\n"
	until [ "$(minivmmctl stats --json mg | sed -n 's/.*"console_bytes": \([0-9]*\).*/\1/p')" -ge 14 ]; do
		_n=$((_n + 1))
		if [ "$_n" -gt 3000 ]; then
			failed mv "${_k}_downtime" "dirty.bin did not fill its RAM"
			mig_end
			return 1
		fi
		sleep 0.2
	done
	sleep 2		# phase 0: writes with no log
	minivmmctl receive --listen 127.0.0.1:$MIG_PORT --name mg2 \
		>"$MIG_D/id" 2>"$MIG_D/recv.err" &
	_rp=$!
	_n=0
	until grep -q listening "$MIG_D/recv.err" || [ "$_n" -gt 150 ]; do
		sleep 0.2
		_n=$((_n + 1))
	done
	minivmmctl load mg "$MIG_D/p1" --addr 0x7010
	minivmmctl migrate mg 127.0.0.1:$MIG_PORT --json "$@" >"$MIG_D/json" 2>"$MIG_D/mig.err"
	_rc=$?
	wait "$_rp"
	sed 's/^/bench: /' "$MIG_D/mig.err" "$MIG_D/recv.err" "$MIG_D/json" >&2
	if [ "$_rc" -ne 0 ]; then
		failed mv "${_k}_downtime" "the migration failed: $(tail -n 1 "$MIG_D/mig.err")"
		mig_end
		return 1
	fi
	minivmmctl load mg2 "$MIG_D/p2" --addr 0x7010
	sleep 2		# phase 2: writes on the destination
	minivmmctl load mg2 "$MIG_D/p1" --addr 0x7008
	minivmmctl console mg2 >"$MIG_D/out" 2>&1
	sed 's/^/bench: guest: /' "$MIG_D/out" >&2
	_j=$(cat "$MIG_D/json")
	_jn() { echo "$_j" | sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
	_gap=$(mig_field maxgap)
	if [ -z "$_gap" ]; then
		failed mv "${_k}_gap" "the guest did not report: $(tail -n 2 "$MIG_D/out" | tr '\n' ' ')"
		mig_end
		return 1
	fi
	emit mv "${_k}_ram" "$(_jn ram_bytes)"
	emit mv "${_k}_bytes" "$(_jn bytes_sent)"
	emit mv "${_k}_pages" "$(_jn pages_sent)"
	emit mv "${_k}_pages_2m" "$(_jn pages_if_2m)"
	emit mv "${_k}_rounds" "$(_jn rounds)"
	emit mv "${_k}_downtime_ms" "$(_jn downtime_ms)"
	for _p in pause fetch pages state ready running; do
		emit mv "${_k}_dt_$_p" "$(_jn "$_p")"
	done
	emit mv "${_k}_gap_ms" "$(awk -v t="$_gap" -v k="$TSC_KHZ" 'BEGIN { printf "%.3f\n", t / k }')"
	emit mv "${_k}_gap2_ms" "$(awk -v t="$(mig_field gap2)" -v k="$TSC_KHZ" 'BEGIN { printf "%.3f\n", t / k }')"
	emit mv "${_k}_rate_kib" "$(awk -v w="$(mig_field writes)" -v t="$(mig_field ticks)" -v k="$TSC_KHZ" \
		'BEGIN { if (t > 0) printf "%.0f\n", w * 4 * k * 1000 / t }')"
	emit mv "${_k}_fetch_us_per_page" "$(awk -v m="$(_jn first_fetch_ms)" -v p="$(_jn first_fetch_pages)" \
		'BEGIN { if (p > 0) printf "%.3f\n", m * 1000 / p }')"
	grep -q '"stop_and_copy": true' "$MIG_D/json" && note "minivmm migration ($_k): stop-and-copy after $(_jn rounds) rounds"
	# Write costs per phase, in us: phase 1 without its slowest write.
	# shellcheck disable=SC2046 # three numbers per phase
	set -- $(mig_phase 0) $(mig_phase 1) $(mig_phase 2)
	if [ $# -eq 9 ] && [ "$1" -gt 0 ] && [ "$4" -gt 1 ]; then
		emit mv "${_k}_write0_us" "$(mig_us "$(($2 / $1))")"
		emit mv "${_k}_write1_us" "$(mig_us "$((($5 - $6) / ($4 - 1)))")"
		emit mv "${_k}_write1_n" "$(($4 - 1))"
		[ "$7" -eq 0 ] || emit mv "${_k}_write2_us" "$(mig_us "$(($8 / $7))")"
	else
		note "minivmm migration ($_k): too few writes per phase to cost them: $(grep phase "$MIG_D/out" | tr '\n' ' ')"
	fi
	mig_end
}

# mig_runs: the columns of the migration table (tests/bench/run); the
# two with --bandwidth 8M unless BENCH_MIG_CAPPED=0 (the vmx half: in
# Bochs a second of the guest's time takes about half a minute).
mig_runs() {
	mv_migrate mig flags ""
	mv_migrate migw wp ""
	mv_migrate migp flags --prealloc
	[ "${BENCH_MIG_CAPPED:-1}" = 1 ] || return 0
	mv_migrate migq flags "" --bandwidth 8M
	mv_migrate migqw wp "" --bandwidth 8M
}

# ------------------------------------------------------------- memory
# mv_create N PREFIX [MIN_FREE_KB]: create N 64 KiB VMs from one mvcreate
# process.  Sets MV_MADE, MV_WHY.
mv_create() {
	_o=$(/add/mvcreate "$1" "$2" 64K ${3:+"$3"})
	MV_MADE=$(echo "$_o" | sed -n 's/.*created=\([0-9]*\).*/\1/p')
	MV_MADE=${MV_MADE:-0} MV_WHY=
	case $_o in *stopped:*) MV_WHY=${_o#*stopped: } ;; esac
}

mem_free() { awk '/^MemFree:/ { print $2 }' /proc/meminfo; }

# fit_estimate HV N FREE_BEFORE FREE_AFTER: how many VMs the memory would
# hold down to the MIN_FREE_KB floor, from the MemFree drop over the N
# created: N + (FREE_AFTER - floor) / (drop per VM).
fit_estimate() {
	[ "${2:-0}" -gt 0 ] && [ -n "$3" ] && [ -n "$4" ] || return 0
	_e=$(awk -v n="$2" -v a="$3" -v b="$4" -v f="$MIN_FREE_KB" \
		'BEGIN { d = (a - b) / n; if (d > 0) printf "%d %.1f", n + (b - f) / d, d }')
	[ -n "$_e" ] || return 0
	set -- "$1" "$2" $_e
	log "$1: MemFree fell $4 KiB per VM over $2 VMs: memory down to the floor would hold about $3"
	emit "$1" max_vms_est "$3"
	emit "$1" free_per_vm "$4"
}

mv_memory() {
	mv_load || return 1
	mv_policy
	# Kernel memory per idle (created, never started) 1-vCPU 64 KiB VM.
	set -- $(meminfo)
	_before="$1 $2"
	mv_create "$IDLE_VMS" i
	_k=$MV_MADE
	_out="created=$_k${MV_WHY:+ stopped: $MV_WHY}"
	log "mv: idle VMs: $_out"
	if [ "${_k:-0}" -gt 0 ]; then
		_after=$(meminfo)
		_g=$(minivmmctl policy --json | sed -n 's/.*"mem_granted": \([0-9]*\).*/\1/p')
		_g=$(awk -v g="${_g:-0}" -v n="$_k" 'BEGIN { printf "%.1f", g / 1024 / n }')
		mem_figures mv "$_before" "$_after" "$_k" "$_g"
	fi
	[ "$_k" = "$IDLE_VMS" ] ||
		note "minivmm idle VMs: $_out (of $IDLE_VMS; per-VM figures over the $_k created)"
	rmmod minivmm	# destroys them
	[ "$MAX_VMS" -gt 0 ] || return 0
	mv_load || return 1

	# VMs alive at once: the policy caps max_vms (default 64); raise it.
	mv_policy
	_t0=$(date +%s)
	_av0=$(meminfo >/dev/null; mem_free)
	mv_create "$MAX_VMS" m "$MIN_FREE_KB"
	# The kernel's own count is the figure; mvcreate's must agree.
	_i=$(minivmmctl policy --json | sed -n 's/.*"nr_vms": \([0-9]*\).*/\1/p')
	_av=$(meminfo >/dev/null; mem_free)
	_out="$_i alive by the module's count (mvcreate counted $MV_MADE, one process)${MV_WHY:+, stopped: $MV_WHY}"
	log "mv: $_out, in $(($(date +%s) - _t0)) s; MemFree now $_av kB"
	dmesg | grep minivmm | tail -n 2 | sed 's/^/bench: mv dmesg: /'
	note "minivmm VMs alive: $_out (target $MAX_VMS, policy max_vms $MV_CAP; the module's hard cap is 4096); MemFree then $_av kB"
	fit_estimate mv "${_i:-0}" "$_av0" "$_av"
	emit mv max_vms "${_i:-n/a}"
	emit mv max_vms_cap "$MV_CAP"
	rmmod minivmm	# destroys every VM
}

kvm_memory() {
	kvm_load || return 1
	[ "$IDLE_VMS" -gt 0 ] || { kvm_max_vms; return; }
	set -- $(meminfo)
	_before="$1 $2"
	rm -f /tmp/idle.ready
	$K --idle "$IDLE_VMS" --mem 64K --ready /tmp/idle.ready >/tmp/idle.out &
	_pid=$!
	_n=0
	while [ ! -s /tmp/idle.ready ] && [ "$_n" -lt 900 ] && kill -0 "$_pid" 2>/dev/null; do
		sleep 0.2
		_n=$((_n + 1))
	done
	_k=$(cat /tmp/idle.ready 2>/dev/null)
	log "kvm: $(cat /tmp/idle.out)"
	if [ "${_k:-0}" -gt 0 ]; then
		_after=$(meminfo)
		mem_figures kvm "$_before" "$_after" "$_k" 64
	fi
	[ "$_k" = "$IDLE_VMS" ] ||
		note "KVM idle VMs: $(cat /tmp/idle.out) (of $IDLE_VMS)"
	kill "$_pid" 2>/dev/null
	wait "$_pid"
	kvm_max_vms
}

# KVM VMs alive at once (MAX_VMS > 0), then KVM unloaded.
kvm_max_vms() {
	if [ "$MAX_VMS" -le 0 ]; then
		kvm_unload
		return 0
	fi
	# KVM (6.1) starts a kernel thread per VM: lift the test kernel's
	# pid_max (4096 with tinyconfig's BASE_SMALL) to its limit, so that
	# memory, not PIDs, ends the count.
	echo 32768 >/proc/sys/kernel/pid_max 2>/dev/null
	_t0=$(date +%s)
	_av0=$(meminfo >/dev/null; mem_free)
	rm -f /tmp/idle.ready
	$K --idle "$MAX_VMS" --mem 64K --ready /tmp/idle.ready \
		--min-free "$MIN_FREE_KB" >/tmp/max.out &
	_pid=$!
	# Up to an hour: KVM creates a thread per VM, slow in an emulator.
	_n=0
	while [ ! -s /tmp/idle.ready ] && [ "$_n" -lt 18000 ] && kill -0 "$_pid" 2>/dev/null; do
		sleep 0.2
		_n=$((_n + 1))
	done
	_i=$(cat /tmp/idle.ready 2>/dev/null)
	_av=$(meminfo >/dev/null; mem_free)
	log "kvm: $(cat /tmp/max.out), in $(($(date +%s) - _t0)) s; MemFree now $_av kB"
	note "KVM VMs alive: $(cat /tmp/max.out) (target $MAX_VMS, floor MemFree $MIN_FREE_KB kB); MemFree then $_av kB, pid_max $(cat /proc/sys/kernel/pid_max), threads-max $(cat /proc/sys/kernel/threads-max)"
	fit_estimate kvm "${_i:-0}" "$_av0" "$_av"
	emit kvm max_vms "${_i:-n/a}"
	kill "$_pid"
	wait "$_pid"
	kvm_unload
}

# ------------------------------------------------------------- touched VMs alive
# Row (16): VMs of TOUCH_VM_MEM declared RAM, each running touchhold.bin,
# which touches TOUCH_BYTES from 8 MiB, checks it and halts ("sti; hlt"),
# created one after another from one process (mvcreate --run, kvmrun
# --hold) until the kernel refuses one (for minivmm also a grant refused by
# its policy: the VM pauses), MemFree is below MIN_FREE_KB (checked before
# each create) or TOUCH_VMS are alive.  A VM counts only once its guest has
# halted and its touched memory reads back right from the host side
# (--check-touch).  KVM's guest RAM is a 64 MiB anonymous mapping without
# MAP_POPULATE (allocated on the guest's first touch, as minivmm's).
# The default target keeps the run short: on a loaded 2-core host KVM
# took 0.8 s per VM (minivmm 0.13 s), so its count to the floor (about
# 1500) would take 20 minutes; BENCH_TOUCH_VMS=4096 counts to the end.
# TOUCH_VMS=0 skips the row.
TOUCH_VMS=${BENCH_TOUCH_VMS:-250}
TOUCH_VM_MEM=64M
TOUCH_BYTES=1M
TOUCH_PREFAULT=${BENCH_TOUCH_PREFAULT:-1}

# touch_end OUTPUT: why a count ended, one word for the table.
touch_end() {
	case $1 in
	*host-mem-limit* | *vm-mem-limit*) echo policy ;;
	*"MemFree "*) echo floor ;;
	*stopped:*) echo refused ;;
	*) echo target ;;
	esac
}

# touch_figures HV N FREE_BEFORE FREE_AFTER RAM_BYTES END: emit the row:
# the count, why it ended, MemFree per VM, the guest RAM each VM holds,
# and the count memory alone would allow down to the floor.
touch_figures() {
	emit "$1" touch_vms "$2"
	emit "$1" touch_vms_end "$6"
	[ "${2:-0}" -gt 0 ] || return 0
	_e=$(awk -v n="$2" -v a="$3" -v b="$4" -v f="$MIN_FREE_KB" -v r="$5" \
		'BEGIN { d = (a - b) / n; if (d > 0) printf "%.1f %d %.1f", d, n + (b - f) / d, r / 1024 / n }')
	# shellcheck disable=SC2086 # a word list
	set -- "$1" "$2" $_e
	[ -n "${5:-}" ] || return 0
	log "$1: touched VMs: MemFree fell $3 KiB per VM over $2 VMs, guest RAM held $5 KiB per VM; memory down to the floor would hold about $4"
	emit "$1" touch_free_per_vm "$3"
	emit "$1" touch_vms_est "$4"
	emit "$1" touch_ram_per_vm "$5"
}

touch_mv() {
	[ "$TOUCH_VMS" -gt 0 ] || return 0
	mv_load || return 1
	# Room for the count: the most VMs and declared RAM the module allows
	# (max_mem x 100, max_mem being 3/4 of host RAM); max_granted stays
	# at its default, max_mem.
	minivmmctl policy set --max-vms 4096 --overcommit 10000 2>/tmp/pol.err ||
		log "mv: policy set --max-vms 4096 --overcommit 10000 refused: $(cat /tmp/pol.err)"
	_pol=$(minivmmctl policy --json)
	log "mv: policy for the touched VMs: $_pol"
	# A vCPU thread per VM: the same pid_max as KVM gets (touch_kvm).
	echo 32768 >/proc/sys/kernel/pid_max 2>/dev/null
	_av0=$(meminfo >/dev/null; mem_free)
	_t0=$(date +%s)
	_o=$(/add/mvcreate --run "$G/touchhold.bin" --check-touch "$TOUCH_BYTES" \
		"$TOUCH_VMS" t "$TOUCH_VM_MEM" "$MIN_FREE_KB" 2>/tmp/mvc.err)
	_t=$(($(date +%s) - _t0))
	sed 's/^/bench: /' /tmp/mvc.err >&2
	_n=$(echo "$_o" | sed -n 's/.*created=\([0-9]*\).*/\1/p')
	_g=$(echo "$_o" | sed -n 's/.*granted=\([0-9]*\).*/\1/p')
	_av=$(meminfo >/dev/null; mem_free)
	_pol=$(minivmmctl policy --json)
	_run=$(minivmmctl list --json | grep -c '"state": "RUNNING"')
	log "mv: $_o, in $_t s; MemFree $_av0 -> $_av kB; $_run VMs RUNNING; policy $_pol"
	dmesg | grep minivmm | tail -n 2 | sed 's/^/bench: mv dmesg: /'
	note "minivmm touched VMs alive: $_o (target $TOUCH_VMS, $_run RUNNING by the module's count, floor MemFree $MIN_FREE_KB kB, $_t s); MemFree then $_av kB; policy max_granted $(echo "$_pol" | sed -n 's/.*"max_granted": \([0-9]*\).*/\1/p') bytes"
	touch_figures mv "${_n:-0}" "$_av0" "$_av" "${_g:-0}" "$(touch_end "$_o")"
	rmmod minivmm	# destroys every VM
}

# touch_kvm_hold N FLOOR_KB [--no-populate]: kvmrun --hold in the
# background until it has counted; sets KH_OUT, KH_N, KH_PID, KH_T.  Its
# progress (stderr) goes straight to the console, as it comes.
touch_kvm_hold() {
	rm -f /tmp/hold.ready
	_t0=$(date +%s)
	$K --hold "$1" --mem "$TOUCH_VM_MEM" ${3:+"$3"} --check-touch "$TOUCH_BYTES" \
		--ready /tmp/hold.ready --min-free "$2" "$G/touchhold.bin" \
		>/tmp/hold.out &
	KH_PID=$!
	_n=0
	while [ ! -s /tmp/hold.ready ] && [ "$_n" -lt 18000 ] && kill -0 "$KH_PID" 2>/dev/null; do
		sleep 0.2
		_n=$((_n + 1))
	done
	KH_T=$(($(date +%s) - _t0))
	KH_N=$(cat /tmp/hold.ready 2>/dev/null)
	KH_OUT=$(tr '\n' ' ' </tmp/hold.out)
}

touch_kvm() {
	[ "$TOUCH_VMS" -gt 0 ] || return 0
	kvm_load || return 1
	# One kernel thread per KVM VM (6.1): as in kvm_memory.
	echo 32768 >/proc/sys/kernel/pid_max 2>/dev/null
	_av0=$(meminfo >/dev/null; mem_free)
	touch_kvm_hold "$TOUCH_VMS" "$MIN_FREE_KB" --no-populate
	_av=$(meminfo >/dev/null; mem_free)
	_ra=$(awk '/^RssAnon:/ { print $2 * 1024 }' "/proc/$KH_PID/status" 2>/dev/null)
	log "kvm: $KH_OUT in $KH_T s; MemFree $_av0 -> $_av kB; kvmrun RssAnon ${_ra:-?} bytes"
	note "KVM touched VMs alive (RAM not prefaulted): $KH_OUT(target $TOUCH_VMS, floor MemFree $MIN_FREE_KB kB, $KH_T s); MemFree then $_av kB"
	# Guest RAM held: kvmrun's anonymous resident memory (the guests'
	# pages, the tables kvmrun wrote, a little heap).
	touch_figures kvm "${KH_N:-0}" "$_av0" "$_av" "${_ra:-0}" "$(touch_end "$KH_OUT")"
	kill "$KH_PID"
	wait "$KH_PID"
	if [ "$TOUCH_PREFAULT" = 1 ]; then
		# The same with KVM's RAM prefaulted (MAP_POPULATE, as a VMM
		# that allocates all RAM at start): each VM then holds all
		# 64 MiB.  The floor is raised by a VM's RAM, checked before the
		# create that allocates it.
		_fl=$((MIN_FREE_KB + 65536))
		touch_kvm_hold "$TOUCH_VMS" "$_fl"
		log "kvm: prefaulted: $KH_OUT in $KH_T s"
		note "KVM touched VMs alive, RAM prefaulted: $KH_OUT(floor MemFree $_fl kB)"
		emit kvm touch_vms_pop "${KH_N:-0}"
		kill "$KH_PID"
		wait "$KH_PID"
	fi
	kvm_unload
}

# ------------------------------------------------------------- main
log "arch $ARCH, $(grep -c ^processor /proc/cpuinfo) CPUs, $(awk '/^MemTotal:/ { print $2 " kB" }' /proc/meminfo)"
# The TSC rate Linux measured (kHz), before the bench fills the kernel log.
TSC_KHZ=$(dmesg | sed -n 's/.*tsc: Detected \([0-9]*\)\.\([0-9]\{3\}\) MHz.*/\1\2/p; s/.*tsc: Refined TSC clocksource calibration: \([0-9]*\)\.\([0-9]\{3\}\) MHz.*/\1\2/p' | tail -n 1)
if [ "${BENCH_ONLY:-}" = migrate ]; then
	mig_runs
	echo "@@BENCH-DONE@@"
	exit 0
fi
emit host memtotal_kb "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
emit host max_vms_target "$MAX_VMS"
# hugetlbfs pages for KVM's 2 MiB row, where the kernel has hugetlbfs.
echo 24 >/proc/sys/vm/nr_hugepages 2>/dev/null
# Odd rounds minivmm first, even rounds KVM first: whatever the first
# runs after a module load pays (cold caches, the emulator translating
# new code) falls on each side alike.
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) -eq 1 ]; then
		log "round $r: minivmm first"
		[ "${BENCH_ONLY:-}" = kvm ] || mv_round "$r"
		[ "${BENCH_ONLY:-}" = mv ] || kvm_round "$r"
	else
		log "round $r: KVM first"
		[ "${BENCH_ONLY:-}" = mv ] || kvm_round "$r"
		[ "${BENCH_ONLY:-}" = kvm ] || mv_round "$r"
	fi
	r=$((r + 1))
done
echo 0 >/proc/sys/vm/nr_hugepages 2>/dev/null
for f in "$RES"/*.*; do
	case $f in *.failed) continue ;; esac
	[ -s "$f" ] || continue
	b=${f##*/}
	emit "${b%%.*}" "${b#*.}" "$(cat "$f")"
done
for hv in mv kvm; do
	if [ -s "$RES/$hv.latency_run" ] && [ -s "$RES/$hv.latency_noop" ]; then
		emit "$hv" latency $(($(cat "$RES/$hv.latency_run") - $(cat "$RES/$hv.latency_noop")))
	fi
done
# A probe build (MINIVMM_PROBE=y, kmod/probe.h) reported each guest's
# exit-path segments when its vCPU was freed.
dmesg | grep 'minivmm: probe ' | sed 's/^\[[^]]*\] */bench: /' >&2
[ "${BENCH_ONLY:-}" = kvm ] || mv_snapshot
if [ "${BENCH_ONLY:-}" != kvm ]; then
	mig_runs
fi
[ "${BENCH_ONLY:-}" = kvm ] || mv_memory
[ "${BENCH_ONLY:-}" = mv ] || kvm_memory
emit host touch_vms_target "$TOUCH_VMS"
[ "${BENCH_ONLY:-}" = kvm ] || touch_mv
[ "${BENCH_ONLY:-}" = mv ] || touch_kvm
echo "@@BENCH-DONE@@"
exit 0
