# SPDX-License-Identifier: GPL-2.0
# NMIs through the local APIC (issues 16, 18), with tests/guests/nmi.S on
# 2 vCPUs: self NMIs (shorthand and physical), an NMI sent from inside the
# NMI handler (held until its IRET, then delivered), NMIs to the other vCPU
# parked in "cli; hlt" (physical, all-but-self, all), and LINT0 in NMI mode
# fed by the PIT through the 8259.  The guest counts its
# handler runs and checks them; the host checks the printed counts.
# Then nmi-host.bin: paused while its handler runs with one more NMI
# pending, the vCPU state shows both (event.nmi_blocked, event.nmi_pending),
# survives --save, a spoiling --set and --load; released, the pending NMI
# arrives; and an NMI the host makes pending through the state is taken.
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load
assert_exists "$G/nmi.bin"
assert_exists "$G/nmi-host.bin"

hex8() { printf '%08x' "$1"; }

# quiet CMD...: CMD must exit 0; its output stays in $OUT but is not echoed
# (a whole vCPU state is hundreds of lines: minutes through Bochs' UART).
quiet() {
	OUT=$("$@" 2>/tmp/n115.err) ||
		fail "'$*' failed: $(tail -n 1 /tmp/n115.err)"
	echo "+ $* -> 0 (output not shown)"
}

t0=$(date +%s)
assert_status 64 timeout 120 minivmmctl run --vcpus 2 "$G/nmi.bin"
assert_match "$OUT" "^nmi self $(hex8 5) ap $(hex8 3) nested $(hex8 0)\$" "console of nmi.bin"
echo "  nmi.bin: $(($(date +%s) - t0)) s"

# The host side.
assert_ok minivmmctl create n115 --mem 4M --vcpus 2
assert_ok minivmmctl load --mode long n115 "$G/nmi-host.bin"
minivmmctl console n115 >/tmp/n115.out 2>/tmp/n115.err &
cpid=$!
console_attached "$cpid" || fail "console did not attach"
assert_ok minivmmctl start n115
wait_text /tmp/n115.out "nmi hold" 60 || fail "nmi-host.bin did not reach its hold: $(cat /tmp/n115.out)"
assert_ok minivmmctl pause n115
quiet minivmmctl state --json n115
held=$OUT
assert_eq "$(json_num "$held" nmi_blocked)" 1 "NMI blocked inside the handler"
assert_eq "$(json_num "$held" nmi_pending)" 1 "the NMI sent from inside the handler is pending"
# Through a file, spoiled in between.
assert_ok minivmmctl state n115 --save /tmp/n115.state
quiet minivmmctl state n115 --set event.nmi_pending=0 --set event.nmi_blocked=0
quiet minivmmctl state --json n115
assert_eq "$(json_num "$OUT" nmi_pending)" 0 "nmi_pending after --set"
refused "an NMI pending twice" minivmmctl state n115 --set event.nmi_pending=2
assert_ok minivmmctl state n115 --load /tmp/n115.state
quiet minivmmctl state --json n115
[ "$OUT" = "$held" ] || fail "the state read after --load differs from the one saved"
# Release the handler: the pending NMI follows its IRET.
printf '\001\000\000\000\000\000\000\000' >/tmp/n115.release
assert_ok minivmmctl load n115 /tmp/n115.release --addr 0x30000
assert_ok minivmmctl resume n115
wait_text /tmp/n115.out "nmi wait-host" 60 || fail "the held NMI did not arrive: $(cat /tmp/n115.out)"
# One from the host.
assert_ok minivmmctl pause n115
quiet minivmmctl state --json n115
assert_eq "$(json_num "$OUT" nmi_blocked)" 0 "NMI not blocked after the handler"
assert_eq "$(json_num "$OUT" nmi_pending)" 0 "no NMI pending after the handler"
quiet minivmmctl state n115 --set event.nmi_pending=1
assert_ok minivmmctl resume n115
n=0
until [ "$(state_of n115)" = STOPPED ]; do
	n=$((n + 1))
	[ "$n" -le 120 ] || fail "nmi-host.bin did not finish: $(cat /tmp/n115.out)"
	sleep 0.5
done
wait "$cpid"
OUT=$(tr -d '\r' </tmp/n115.out)
assert_match "$OUT" "^nmi self $(hex8 8) ap $(hex8 3) nested $(hex8 0)\$" "console of nmi-host.bin"
ctl list --json
assert_match "$OUT" '"name": "n115", "state": "STOPPED".*"exit_code": 64' "nmi-host.bin exited 0x40"
assert_ok minivmmctl destroy n115
no_vms_left
exit 0
