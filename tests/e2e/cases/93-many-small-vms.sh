# SPDX-License-Identifier: GPL-2.0
# Overcommit at scale (issue 21): 200 VMs (8 under Bochs, 16 under KASAN)
# of 64 MiB declared RAM each in a 1 GiB emulated host (12.5 GiB declared:
# overcommit 2000%), each guest (memtouch1m.bin) touching 1 MiB, each
# started by one "minivmmctl run --detach": all run to their exit code,
# and the RAM granted to them, all held at once at the end, is
# N x (1 MiB + the loader's pages); the per-VM overhead is measured and
# printed, and must stay below 64 KiB.  vm_pages returns to its start.
. "$MV_LIB"

cleanup() { destroy_all; restore; mv_unload_quiet; }
restore() { :; }
trap cleanup EXIT
mv_loaded || mv_load
assert_exists "$G/memtouch1m.bin"

# 8 under Bochs; 16 on the debug kernel, where KASAN made 64 take 100 s
# and the leak checks (kmemleak, vm_pages) need no scale.
N=200
[ "$MV_ARCH" = vmx ] && N=8
[ "${MV_KERNEL:-test}" = test-debug ] && N=16
MIB=$((1024 * 1024))
vm_pages() { cat /sys/module/minivmm/parameters/vm_pages; }
p0=$(vm_pages)

assert_ok minivmmctl policy --json
P0=$OUT
max_vms=$(json_num "$P0" max_vms)
overcommit=$(json_num "$P0" overcommit)
restore() {
	minivmmctl policy set --max-vms "$max_vms" --overcommit "$overcommit" >/dev/null 2>&1
}
assert_ok minivmmctl policy set --max-vms $((N + 8)) --overcommit 2000
g0=$(json_num "$(minivmmctl policy --json)" mem_granted)

i=0
while [ "$i" -lt "$N" ]; do
	minivmmctl run --detach --name "t93-$i" --mem 64M "$G/memtouch1m.bin" \
		>/dev/null 2>/tmp/t93.err || fail "run --detach t93-$i: $(cat /tmp/t93.err)"
	i=$((i + 1))
done
# all of them exit 0x70 (112)
n=0
while :; do
	done_n=$(minivmmctl list --json | grep -c '"exit_code": 112')
	[ "$done_n" -ge "$N" ] && break
	n=$((n + 1))
	[ "$n" -le 600 ] || fail "only $done_n of $N VMs finished within 60 s"
	sleep 0.1
done
bad=$(minivmmctl list --json | grep '"name": "t93-' | grep -vc '"exit_code": 112')
assert_eq "$bad" 0 "VMs that did not exit with 0x70"
P=$(minivmmctl policy --json)
echo "  $P"
g=$(( $(json_num "$P" mem_granted) - g0 ))
d=$(json_num "$P" mem_reserved)
per=$(( (g - N * MIB) / N ))
note "$N VMs: declared $d bytes, granted $g bytes (touched $((N * MIB))); overhead $per bytes per VM (guest page tables, GDT, code written by the loader)"
note "vm_pages: $(( $(vm_pages) - p0 )) for $N VMs"
[ "$g" -ge $((N * MIB)) ] || fail "granted $g is less than what the guests touched"
[ "$per" -lt 65536 ] || fail "overhead $per bytes per VM is 64 KiB or more"
destroy_all
assert_eq "$(vm_pages)" "$p0" "vm_pages after destroying them all"
no_vms_left
