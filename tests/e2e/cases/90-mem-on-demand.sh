# SPDX-License-Identifier: GPL-2.0
# Guest RAM on demand.  A 64 MiB VM whose guest (memtouch.bin) touches
# 4 MiB is granted about 4 MiB (the loader's few pages on top: page tables,
# GDT, code), far below what it declared; fresh pages read zero.  With
# --mem-limit 2M the same guest is paused with reason vm-mem-limit and a
# mem-refused event; raising the limit and resume finishes it with the
# right exit code.  Filled in order, RAM is granted in 2 MiB blocks once
# a neighbouring block is full.  The host-wide --max-granted does the same
# with reason host-mem-limit.  --prealloc grants everything at create.
# Overcommit admits more declared RAM than --max-mem.  vm_pages returns to
# where it was.
. "$MV_LIB"

cleanup() { kill "$epid" 2>/dev/null; destroy_all; restore; mv_unload_quiet; }
restore() { :; }
epid=""
trap cleanup EXIT

mv_loaded || mv_load
assert_exists "$G/memtouch.bin"

vm_pages() { cat /sys/module/minivmm/parameters/vm_pages; }
stat_of() { minivmmctl stats --json "$1" 2>/dev/null; }
KIB=1024
MIB=$((1024 * 1024))

exit_code_of() {
	minivmmctl list --json | grep "\"name\": \"$1\"" |
		sed -n 's/.*"exit_code": \([0-9]*\).*/\1/p'
}

minivmmctl events >/tmp/ev90 2>/tmp/ev90.err &
epid=$!
wait_text /tmp/ev90.err "listening for events" 30 ||
	fail "events did not start listening: $(cat /tmp/ev90.err)"

p0=$(vm_pages)
assert_ok minivmmctl policy --json
P0=$OUT
max_mem=$(json_num "$P0" max_mem)
max_granted=$(json_num "$P0" max_granted)
overcommit=$(json_num "$P0" overcommit)
[ -n "$max_granted" ] && [ -n "$overcommit" ] || fail "policy --json lacks max_granted/overcommit: $P0"
restore() {
	minivmmctl policy set --max-mem "$max_mem" --max-granted "$max_granted" \
		--overcommit "$overcommit" >/dev/null 2>&1
}

# 1. granted follows touched, not declared
assert_ok minivmmctl create m90 --mem 64M
assert_eq "$(json_num "$(stat_of m90)" mem_granted)" 0 "granted right after create"
assert_ok minivmmctl load --mode long m90 "$G/memtouch.bin"
g_load=$(json_num "$(stat_of m90)" mem_granted)
note "granted after load (page tables, GDT, code): $g_load bytes"
[ "$g_load" -gt 0 ] && [ "$g_load" -le $((256 * KIB)) ] ||
	fail "the loader's writes were granted $g_load bytes"
assert_ok minivmmctl start m90
wait_state m90 STOPPED 60
assert_eq "$(exit_code_of m90)" 112 "memtouch exit code (0x70: fresh pages zero, data kept)"
S=$(stat_of m90)
echo "  $S" | cut -c1-400
g=$(json_num "$S" mem_granted)
t=$(json_num "$S" mem_touched)
d=$(json_num "$S" mem_declared)
assert_eq "$d" $((64 * MIB)) "declared"
note "declared $d, granted $g, touched $t bytes; overhead over the 4 MiB touched: $((g - 4 * MIB)) bytes"
[ "$g" -ge $((4 * MIB)) ] || fail "granted $g < the 4 MiB the guest touched"
[ "$g" -le $((4 * MIB + 256 * KIB)) ] || fail "granted $g is more than 4 MiB + 256 KiB"
[ "$t" -ge $((4 * MIB)) ] && [ "$t" -le "$g" ] || fail "touched $t is not within [4 MiB, granted]"
# The guest fills 8-12 MiB in order: the first chunk page by page, the
# second, once its neighbour is full, as one 2 MiB block (one fault).  All
# 4 KiB would be over 1024 faults.
npf=$(json_num "$S" npf)
note "nested page faults: $npf (4 KiB grants throughout would be over 1024)"
[ -n "$npf" ] && [ "$npf" -ge 512 ] && [ "$npf" -le 700 ] ||
	fail "$npf nested page faults: the second 2 MiB was not granted as one block"
pv=$(( $(vm_pages) - p0 ))
note "vm_pages for this VM: $pv (guest RAM $((g / 4096)) + VMCB/VMCS and friends)"
[ "$pv" -ge $((g / 4096)) ] && [ "$pv" -le $((g / 4096 + 64)) ] ||
	fail "vm_pages grew by $pv, expected about $((g / 4096))"
assert_ok minivmmctl policy --json
[ "$(json_num "$OUT" mem_granted)" -ge "$g" ] || fail "policy mem_granted below this VM's: $OUT"
assert_ok minivmmctl destroy m90
assert_eq "$(vm_pages)" "$p0" "vm_pages after destroy"

# 2. the VM's limit pauses it; raising it and resume finishes the guest
assert_ok minivmmctl create l90 --mem 64M --mem-limit 2M
assert_ok minivmmctl load --mode long l90 "$G/memtouch.bin"
assert_ok minivmmctl start l90
wait_state l90 PAUSED 60
S=$(stat_of l90)
assert_match "$S" '"pause_reason": "vm-mem-limit"' "stats of the VM paused at its limit"
g=$(json_num "$S" mem_granted)
[ "$g" -le $((2 * MIB)) ] || fail "granted $g beyond the 2 MiB limit"
wait_text /tmp/ev90 "mem-refused .*name=l90 reason=vm-mem-limit" 10 ||
	fail "no mem-refused event naming vm-mem-limit: $(cat /tmp/ev90)"
assert_ok minivmmctl stats l90
assert_match "$OUT" "paused by: +vm-mem-limit" "stats text"
assert_ok minivmmctl set l90 --mem-limit 8M
assert_ok minivmmctl resume l90
wait_state l90 STOPPED 60
assert_eq "$(exit_code_of l90)" 112 "exit code after the limit was raised"
assert_ok minivmmctl destroy l90

# 3. the host-wide limit, the same way
assert_ok minivmmctl policy --json
used=$(json_num "$OUT" mem_granted)
assert_ok minivmmctl create h90 --mem 64M
assert_ok minivmmctl load --mode long h90 "$G/memtouch.bin"
assert_ok minivmmctl policy set --max-granted $((used + 2 * MIB))
assert_ok minivmmctl start h90
wait_state h90 PAUSED 60
assert_match "$(stat_of h90)" '"pause_reason": "host-mem-limit"' "stats at the host limit"
wait_text /tmp/ev90 "mem-refused .*name=h90 reason=host-mem-limit" 10 ||
	fail "no mem-refused event naming host-mem-limit"
# Lowering a limit takes nothing back.
g1=$(json_num "$(stat_of h90)" mem_granted)
assert_ok minivmmctl policy set --max-granted 1M
assert_eq "$(json_num "$(stat_of h90)" mem_granted)" "$g1" "granted after lowering the limit"
assert_ok minivmmctl policy set --max-granted "$max_granted"
assert_ok minivmmctl resume h90
wait_state h90 STOPPED 60
assert_eq "$(exit_code_of h90)" 112 "exit code after the host limit was raised"
assert_ok minivmmctl destroy h90

# 4. --prealloc: everything at create, as before
assert_ok minivmmctl create p90 --mem 16M --prealloc
assert_eq "$(json_num "$(stat_of p90)" mem_granted)" $((16 * MIB)) "prealloc granted"
assert_match "$(stat_of p90)" '"prealloc": true' "prealloc flag"
refused "prealloc with a lower limit" minivmmctl create q90 --mem 16M --prealloc --mem-limit 8M
assert_ok minivmmctl load --mode long p90 "$G/memtouch.bin"
assert_ok minivmmctl start p90
wait_state p90 STOPPED 60
assert_eq "$(exit_code_of p90)" 112 "prealloc exit code"
assert_ok minivmmctl destroy p90

# 5. overcommit: declared RAM beyond --max-mem
assert_ok minivmmctl policy set --max-mem 32M --overcommit 100
refused "64M over a 32M limit at 100%" minivmmctl create o90 --mem 64M
assert_ok minivmmctl policy set --overcommit 400%
assert_ok minivmmctl create o90 --mem 64M
assert_ok minivmmctl create o90b --mem 64M
refused "a third 64M VM over 128M" minivmmctl create o90c --mem 64M
assert_status 2 minivmmctl policy set --overcommit 50
assert_ok minivmmctl destroy o90
assert_ok minivmmctl destroy o90b
restore

kill "$epid" 2>/dev/null
epid=""
echo "events:"
sed 's/^/  | /' /tmp/ev90
assert_eq "$(vm_pages)" "$p0" "vm_pages at the end"
no_vms_left
