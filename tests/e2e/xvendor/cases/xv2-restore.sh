# SPDX-License-Identifier: GPL-2.0
# Cross-vendor, the restoring half (tests/e2e/xvendor): the file the other
# vendor's emulator saved (/add/xv-OTHER.snap.gz) restores here with the
# baseline model and snapcount.bin finishes as it would have there: every
# step once, in order, with its RAM checksums, and its own RAM check passes.
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load

case $MV_ARCH in
svm) other=vmx other_vendor=1 ;;
*) other=svm other_vendor=2 ;;
esac
gz=$MV_ADD/xv-$other.snap.gz
assert_exists "$gz"
F=/tmp/xv-$other.snap
gunzip <"$gz" >"$F" || fail "cannot gunzip $gz"
# the header says where it was saved (offset 16: 1 VT-x, 2 AMD-V)
[ "$(od -An -tu4 -j16 -N4 "$F" | tr -d ' ')" = "$other_vendor" ] ||
	fail "$gz was not saved on $other"

assert_ok minivmmctl restore --name xvr "$F"
assert_state xvr RUNNING
assert_ok minivmmctl stats --json xvr
assert_match "$OUT" '"cpu_model": "baseline"' "the restored VM keeps the model"
snapcount_finish xvr /tmp/xvr.out
snapcount_check /tmp/xvr.out 00000000
assert_ok minivmmctl destroy xvr
no_vms_left
note "a VM saved on $other finished on $MV_ARCH"
rm -f "$F" /tmp/xvr.out
