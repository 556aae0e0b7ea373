# SPDX-License-Identifier: GPL-2.0
# While a KVM VM exists (KVM owns VMX/SVM), minivmm refuses to load and says
# why; once KVM is gone, it loads.
. "$MV_LIB"

HOLD_PID=
cleanup() {
	[ -z "$HOLD_PID" ] || kill "$HOLD_PID" 2>/dev/null
	wait 2>/dev/null
	mv_unload_quiet
	kvm_unload
}
trap cleanup EXIT

# KVM is known to work in QEMU's SVM; Bochs' VMX may not satisfy kvm-intel.
kvm_unavailable() {
	[ "$MV_ARCH" = vmx ] || fail "$1"
	skip "$1"
}

if ! kvm_load; then
	kvm_unavailable "KVM's $MV_ARCH module does not load: $(echo "$ERR" | tail -n 1)"
fi

rm -f /tmp/kvm-hold.ready
/add/kvm-hold /tmp/kvm-hold.ready &
HOLD_PID=$!
if ! wait_for_file /tmp/kvm-hold.ready 60; then
	kill -0 "$HOLD_PID" 2>/dev/null && fail "kvm-hold not ready after 60 s"
	wait "$HOLD_PID"
	st=$?
	HOLD_PID=
	kvm_unavailable "KVM cannot create a VM with a vCPU (kvm-hold exit $st)"
fi

dmesg_mark
run insmod "$MV_KO"
[ "$RC" -ne 0 ] || fail "minivmm loaded while KVM owned the CPU"
! mv_loaded || fail "minivmm is in /proc/modules although insmod failed"
assert_dmesg "minivmm: cannot load:"
assert_dmesg "another hypervisor"

kill "$HOLD_PID"
wait "$HOLD_PID" 2>/dev/null
HOLD_PID=
case $MV_ARCH in
svm) assert_ok rmmod kvm_amd ;;
*) assert_ok rmmod kvm_intel ;;
esac
assert_ok rmmod kvm

mv_load
mv_unload
