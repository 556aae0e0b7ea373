# SPDX-License-Identifier: GPL-2.0
# Runs inside the emulated machine (busybox sh, root, in /add), started by
# tests/bench/run.  The timed figures are taken in ROUNDS rounds, each
# loading minivmm, running every timed guest once with "minivmmctl run",
# unloading it, then loading KVM and running the same guests with
# /add/kvmrun: so a change in the host's load hits both hypervisors alike,
# and the smallest value of the rounds counts.  Then the memory figures
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
MAX_VMS=${BENCH_MAX_VMS:-2000}
TOUCH_MEM=40M
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

# mem_figures HV "FREE SLAB" "FREE SLAB" N: per-VM total, slab, overhead.
mem_figures() {
	set -- "$1" $2 $3 "$4"
	_t=$(awk -v a="$2" -v b="$4" -v n="$6" 'BEGIN { printf "%.1f", (a - b) / n }')
	_s=$(awk -v a="$3" -v b="$5" -v n="$6" 'BEGIN { printf "%.1f", (b - a) / n }')
	_o=$(awk -v t="$_t" 'BEGIN { printf "%.1f", t - 64 }')
	log "$1: per idle VM over $6 VMs: $_t KiB in all (MemFree delta), $_s KiB slab, 64 KiB guest RAM, $_o KiB overhead"
	emit "$1" mem_total "$_t"
	emit "$1" mem_slab "$_s"
	emit "$1" mem_overhead "$_o"
	emit "$1" mem_nvms "$6"
}

mv_load() {
	insmod /minivmm.ko 2>/tmp/ins.err && return 0
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

# mv_policy: max_vms to MAX_VMS, or to the module's hard cap if refused.
mv_policy() {
	if ! minivmmctl policy set --max-vms "$MAX_VMS" 2>/tmp/pol.err; then
		log "mv: policy set --max-vms $MAX_VMS refused: $(cat /tmp/pol.err)"
		minivmmctl policy set --max-vms 1024
	fi
	MV_CAP=$(minivmmctl policy --json | sed -n 's/.*"max_vms": \([0-9]*\).*/\1/p')
}

# ------------------------------------------------------------- timed rounds
mv_round() {
	mv_load || return 1
	[ "$1" -gt 1 ] || minivmmctl info | sed 's/^/bench: mv info: /'
	_line=
	_line=$_line$(cyc mv cpuid minivmmctl run --mem 1M "$G/cpuid.bin")
	_line=$_line$(cyc mv pio_dev minivmmctl run --mem 1M "$G/pio-scr.bin")
	_line=$_line$(cyc mv pio_80 minivmmctl run --mem 1M "$G/pio-80.bin")
	_line=$_line$(cyc mv hypercall minivmmctl run --mem 1M "$G/hypercall.bin")
	_line=$_line$(cyc mv touch4k minivmmctl run --mem "$TOUCH_MEM" "$G/touch.bin")
	_line=$_line$(cyc mv touch2m minivmmctl run --mem "$TOUCH_MEM" "$G/touch2m.bin")
	# 128K: the smallest RAM the loader takes (64 KiB + the image).
	_line=$_line$(lat mv minivmmctl help -- minivmmctl run --mem 128K "$G/exit0.bin")
	log "mv round $1:$_line"
	if [ "$1" -eq 1 ]; then
		# How many nested faults the 4 KiB-page touch really takes.
		minivmmctl create bt --mem "$TOUCH_MEM" >/dev/null &&
			minivmmctl load --mode long bt "$G/touch.bin" &&
			minivmmctl start bt &&
			minivmmctl console bt >/dev/null 2>&1
		_st=$(minivmmctl stats --json bt 2>/dev/null)
		minivmmctl destroy --force bt >/dev/null 2>&1
		_npf=$(echo "$_st" | sed -n 's/.*"npf": \([0-9]*\).*/\1/p')
		_tb=$(echo "$_st" | sed -n 's/.*"mem_touched": \([0-9]*\).*/\1/p')
		note "minivmm: the 4 KiB-page touch run (2048 pages from 4 MiB) took ${_npf:-?} nested page faults in all, mem_touched ${_tb:-?} bytes: RAM in 2 MiB blocks is mapped 2 MiB per fault"
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
	_line=$_line$(cyc kvm touch4k $K --mem "$TOUCH_MEM" "$G/touch.bin")
	_line=$_line$(cyc kvm touch2m $K --mem "$TOUCH_MEM" "$G/touch2m.bin")
	_line=$_line$(cyc kvm touch4k_nopop $K --mem "$TOUCH_MEM" --no-populate "$G/touch.bin")
	_line=$_line$(lat kvm $K --help -- $K --mem 128K "$G/exit0.bin")
	log "kvm round $1:$_line"
	kvm_unload
}

# ------------------------------------------------------------- memory
# mv_create N PREFIX: create N 64 KiB VMs in batches of at most 50 per
# mvcreate process (one process is refused with ENOMEM after 84 VMs, see
# README.md) until N exist or a batch gets none.  Sets MV_MADE, MV_WHY.
mv_create() {
	MV_MADE=0 MV_WHY= _b=0
	while [ "$MV_MADE" -lt "$1" ]; do
		_want=$(($1 - MV_MADE))
		[ "$_want" -le 50 ] || _want=50
		_o=$(/add/mvcreate "$_want" "$2$_b-" 64K)
		_k=$(echo "$_o" | sed -n 's/.*created=\([0-9]*\).*/\1/p')
		MV_MADE=$((MV_MADE + ${_k:-0}))
		case $_o in *stopped:*) MV_WHY=${_o#*stopped: } ;; esac
		[ "${_k:-0}" -gt 0 ] || break
		_b=$((_b + 1))
	done
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
		mem_figures mv "$_before" "$_after" "$_k"
	fi
	[ "$_k" = "$IDLE_VMS" ] ||
		note "minivmm idle VMs: $_out (of $IDLE_VMS; per-VM figures over the $_k created)"
	rmmod minivmm	# destroys them
	mv_load || return 1

	# VMs alive at once: the policy caps max_vms (default 64); raise it.
	mv_policy
	# First from one process, to see how far a single creator gets.
	_one=$(/add/mvcreate "$MAX_VMS" one 64K)
	log "mv: one process: $_one"
	note "minivmm from ONE process: $_one"
	rmmod minivmm && mv_load || return 1
	mv_policy
	_t0=$(date +%s)
	mv_create "$MAX_VMS" m
	# The kernel's own count is the figure (mvcreate's may differ).
	_i=$(minivmmctl policy --json | sed -n 's/.*"nr_vms": \([0-9]*\).*/\1/p')
	_out="$_i alive by the module's count, mvcreate counted $MV_MADE (batches of 50 per process)${MV_WHY:+, stopped: $MV_WHY}"
	log "mv: $_out, in $(($(date +%s) - _t0)) s; MemFree now $(awk '/^MemFree:/ { print $2 }' /proc/meminfo) kB"
	dmesg | tail -n 3 | sed 's/^/bench: mv dmesg: /'
	note "minivmm VMs alive: $_out (target $MAX_VMS, policy max_vms $MV_CAP; the module's hard cap is 1024)"
	emit mv max_vms "${_i:-n/a}"
	emit mv max_vms_cap "$MV_CAP"
	rmmod minivmm	# destroys every VM
}

kvm_memory() {
	kvm_load || return 1
	set -- $(meminfo)
	_before="$1 $2"
	rm -f /tmp/idle.ready
	$K --idle "$IDLE_VMS" --mem 64K --ready /tmp/idle.ready >/tmp/idle.out &
	_pid=$!
	_n=0
	while [ ! -s /tmp/idle.ready ] && [ "$_n" -lt 900 ]; do
		sleep 0.2
		_n=$((_n + 1))
	done
	_k=$(cat /tmp/idle.ready 2>/dev/null)
	log "kvm: $(cat /tmp/idle.out)"
	if [ "${_k:-0}" -gt 0 ]; then
		_after=$(meminfo)
		mem_figures kvm "$_before" "$_after" "$_k"
	fi
	[ "$_k" = "$IDLE_VMS" ] ||
		note "KVM idle VMs: $(cat /tmp/idle.out) (of $IDLE_VMS)"
	kill "$_pid"
	wait "$_pid"

	_t0=$(date +%s)
	rm -f /tmp/idle.ready
	$K --idle "$MAX_VMS" --mem 64K --ready /tmp/idle.ready >/tmp/max.out &
	_pid=$!
	_n=0
	while [ ! -s /tmp/idle.ready ] && [ "$_n" -lt 3000 ]; do
		sleep 0.2
		_n=$((_n + 1))
	done
	_i=$(cat /tmp/idle.ready 2>/dev/null)
	log "kvm: $(cat /tmp/max.out), in $(($(date +%s) - _t0)) s; MemFree now $(awk '/^MemFree:/ { print $2 }' /proc/meminfo) kB"
	note "KVM VMs alive: $(cat /tmp/max.out) (target $MAX_VMS)"
	emit kvm max_vms "${_i:-n/a}"
	kill "$_pid"
	wait "$_pid"
	kvm_unload
}

# ------------------------------------------------------------- main
log "arch $ARCH, $(grep -c ^processor /proc/cpuinfo) CPUs, $(awk '/^MemTotal:/ { print $2 " kB" }' /proc/meminfo)"
emit host memtotal_kb "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	[ "${BENCH_ONLY:-}" = kvm ] || mv_round "$r"
	[ "${BENCH_ONLY:-}" = mv ] || kvm_round "$r"
	r=$((r + 1))
done
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
[ "${BENCH_ONLY:-}" = kvm ] || mv_memory
[ "${BENCH_ONLY:-}" = mv ] || kvm_memory
echo "@@BENCH-DONE@@"
exit 0
