# SPDX-License-Identifier: GPL-2.0
# Coexistence with KVM where kvm_amd takes AMD-V when it loads (Linux >= 6.12,
# kvm.enable_virt_at_load=Y): minivmm refuses to load and says why; without
# KVM it loads and runs a guest; and KVM, loaded while minivmm holds AMD-V,
# is refused without any kernel warning.  Skipped where KVM enables
# virtualization only while a KVM VM exists (6.1: see 40-kvm-coexist).
. "$MV_LIB"

cleanup() {
	for id in $(minivmmctl list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		minivmmctl destroy --force "$id" >/dev/null 2>&1
	done
	mv_unload_quiet
	kvm_unload
}
trap cleanup EXIT

[ "$MV_ARCH" = svm ] || skip "AMD-V case (kvm_amd); VT-x coexistence is 40-kvm-coexist"
hello=$MV_ADD/guests/out/hello.bin
[ -f "$hello" ] || hello=$MV_ADD/guests/hello.bin
assert_exists "$hello"

kvm_load || fail "kvm_amd does not load: $(echo "$ERR" | tail -n 1)"
p=/sys/module/kvm/parameters/enable_virt_at_load
[ -r $p ] || skip "KVM on $(uname -r) enables AMD-V only while a KVM VM exists (no kvm.enable_virt_at_load)"
[ "$(cat $p)" = Y ] || skip "kvm.enable_virt_at_load=$(cat $p) on $(uname -r)"
note "kernel $(uname -r): kvm_amd loaded and enabled AMD-V at load"

# 1. KVM owns AMD-V: refused, with the reason and what to do.
dmesg_mark
run insmod "$MV_KO"
[ "$RC" -ne 0 ] || fail "minivmm loaded while kvm_amd owned AMD-V"
! mv_loaded || fail "minivmm is in /proc/modules although insmod failed"
assert_dmesg "minivmm: cannot load:"
assert_dmesg "another hypervisor"
dmesg_since | grep minivmm: | sed 's/^/  refusal| /'

# 2. Without kvm_amd (minivmm also waits for kvm.ko itself: the kernel has
#    one emergency-reboot hook for both), it loads and runs a guest.
assert_ok rmmod kvm_amd
dmesg_mark
run insmod "$MV_KO"
if [ "$RC" -ne 0 ]; then
	assert_dmesg "minivmm: cannot load:.*kvm"
	note "with kvm.ko still loaded minivmm refuses too; removing kvm"
	assert_ok rmmod kvm
	mv_load
fi
ctl info
assert_match "$OUT" "^cpus: $MV_CPUS\$" "minivmmctl info"
run minivmmctl run "$hello"
[ "$RC" -eq 17 ] || fail "run hello.bin exited $RC, expected 17: $(echo "$ERR" | tail -n 1)"
assert_match "$OUT" "Hello from minivmm" "hello's console"

# 3. KVM while minivmm holds AMD-V: refused, no WARNING (the console is
#    checked for one), minivmm unharmed.
dmesg_mark
if insmod /kvm/kvm.ko 2>/tmp/45.err; then
	run insmod /kvm/kvm-amd.ko
	[ "$RC" -ne 0 ] || fail "kvm_amd loaded while minivmm owned AMD-V"
	note "kvm.ko loaded, kvm_amd refused: $(echo "$ERR" | tail -n 1)"
else
	note "kvm.ko refused: $(cat /tmp/45.err)"
	assert_dmesg "minivmm: refusing to let kvm load"
fi
dmesg_since | sed 's/^/  dmesg| /'
mv_loaded || fail "minivmm is gone"
run minivmmctl run "$hello"
[ "$RC" -eq 17 ] || fail "after KVM's attempt, hello.bin exited $RC, expected 17"
mv_unload

# 4. And KVM works again once minivmm is gone.
kvm_load || fail "kvm_amd does not load after rmmod minivmm: $(echo "$ERR" | tail -n 1)"
