# SPDX-License-Identifier: GPL-2.0
# nlfuzz: 10000 iterations (3000 under Bochs, where the netlink and ioctl
# code it reaches is the same and each iteration costs 30 times more) of
# malformed netlink messages, ioctls and
# pread/pwrite on /dev/minivmm and VM fds, with VMs destroyed concurrently.
# The seed is fixed (MV_SEED overrides it), so a failure reruns as it was;
# at least MIN_MSGS messages must have been sent (nlfuzz stops early at its
# 60 s time limit: a slow emulator must not quietly fuzz less).  Afterwards
# the kernel log has no WARNING/BUG/Oops, and info and a hello run still
# work.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

[ -x "$MV_ADD/nlfuzz" ] || fail "the nlfuzz helper is missing from $MV_ADD"
seed=${MV_SEED:-20261201}
# Every iteration sends one message or more: all ITER must have run (they
# do in both emulators; Bochs' guest clock counts instructions, so a loaded
# host does not bring its time limit closer).
ITER=10000
[ "$MV_ARCH" != vmx ] || ITER=3000
MIN_MSGS=$ITER
echo "nlfuzz seed: $seed (rerun: MV_SEED=$seed), at least $MIN_MSGS messages"
dmesg_mark
run "$MV_ADD/nlfuzz" "$ITER" "$seed"
[ "$RC" -eq 0 ] || fail "nlfuzz exited $RC (seed $seed): $(echo "$ERR" | tail -n 1)"
assert_match "$OUT" "^nlfuzz: [0-9]+ messages, [0-9]+ ioctls, done\$" "nlfuzz summary"
msgs=$(echo "$OUT" | sed -n 's/^nlfuzz: \([0-9]*\) messages,.*/\1/p')
[ "$msgs" -ge "$MIN_MSGS" ] ||
	fail "nlfuzz sent only $msgs netlink messages (at least $MIN_MSGS expected)"

bad=$(dmesg_since | grep -E "WARNING|BUG|Oops|general protection|RIP:" || true)
[ -z "$bad" ] || {
	dmesg_since | tail -n 40 | sed 's/^/  dmesg| /'
	fail "kernel log after fuzzing (seed $seed): $(echo "$bad" | head -n 1)"
}
assert_ok minivmmctl info
assert_match "$OUT" "^vendor: $MV_ARCH\$" "info after fuzzing"
assert_status 17 minivmmctl run "$G/hello.bin"
assert_match "$OUT" "Hello" "hello after fuzzing"
no_vms_left
