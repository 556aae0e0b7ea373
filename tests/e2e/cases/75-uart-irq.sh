# SPDX-License-Identifier: GPL-2.0
# An interactive console through UART interrupts: uart-irq.bin routes
# COM1's IRQ 4 through the 8259 and LINT0 (ExtINT), sleeps in HLT, and
# echoes each line it receives.  "minivmmctl console" is the terminal:
# typed lines reach the guest, which only learns of them by interrupt, the
# echo comes back, and "quit" ends the VM with exit code 0x55 (0x56 if the
# THRE interrupt was missing).  A second console reader, attached at the
# same time, must see every line too (each reader has its own cursor).
. "$MV_LIB"

cleanup() {
	exec 3>&- 2>/dev/null
	kill "$cpid" "$c2pid" 2>/dev/null
	cleanup_vms
}
trap cleanup EXIT

mv_loaded || mv_load

assert_exists "$G/uart-irq.bin"
rm -f /tmp/u75.in
mkfifo /tmp/u75.in

assert_ok minivmmctl create u75 --mem 1M
assert_ok minivmmctl load --mode long u75 "$G/uart-irq.bin"
minivmmctl console u75 </tmp/u75.in >/tmp/u75.con 2>/tmp/u75.cerr &
cpid=$!
exec 3>/tmp/u75.in
minivmmctl console u75 </dev/null >/tmp/u75.con2 2>/tmp/u75.c2err &
c2pid=$!
console_attached "$cpid" && console_attached "$c2pid" ||
	fail "the console readers did not attach: $(cat /tmp/u75.cerr /tmp/u75.c2err)"
assert_ok minivmmctl start u75
wait_text /tmp/u75.con "^ready" 60 ||
	fail "the guest never got ready: $(cat /tmp/u75.con /tmp/u75.cerr)"
printf 'hello\r' >&3		# a terminal's Enter
wait_text /tmp/u75.con "^got: hello$" 60 ||
	fail "no echo of the first line: $(cat /tmp/u75.con)"
printf 'quit\n' >&3
exec 3>&-

wait "$cpid" || fail "console exited $?: $(cat /tmp/u75.cerr)"
wait "$c2pid" || fail "the second console exited $?: $(cat /tmp/u75.c2err)"
sed 's/^/  con| /' /tmp/u75.con
sed 's/^/  con2| /' /tmp/u75.con2
assert_match "$(cat /tmp/u75.con)" "^got: quit$" "console output"
# The second reader got the whole stream too, not what the first one left.
assert_eq "$(tr -d '\r' </tmp/u75.con2)" "$(tr -d '\r' </tmp/u75.con)" \
	"the second reader's copy of the console"
assert_state u75 STOPPED
ctl stats --json u75
assert_match "$OUT" '"stop_reason": "exited"' "stats"
ctl list --json
assert_match "$OUT" '"exit_code": 85' "list (0x55: quit seen, THRE seen)"
assert_ok minivmmctl destroy u75
no_vms_left
