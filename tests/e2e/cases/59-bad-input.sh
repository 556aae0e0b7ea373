# SPDX-License-Identifier: GPL-2.0
# Bad input is refused with a message and leaves nothing behind: image
# larger than RAM (run and load), missing file, duplicate name, --mem 0 and
# --mem 1T; no slab objects leak over repeated failures (if /proc/slabinfo
# exists).
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

dd if=/dev/zero of=/tmp/big.bin bs=1024 count=128 2>/dev/null
assert_exists /tmp/big.bin

bad_inputs() {
	run minivmmctl run --mem 128K /tmp/big.bin
	[ "$RC" -eq 1 ] || fail "run of an image larger than RAM exited $RC, expected 1"
	assert_match "$ERR" "does not fit" "run big image"

	run minivmmctl create small59 --mem 64K
	[ "$RC" -eq 0 ] || fail "create small59 exited $RC: $ERR"
	run minivmmctl load small59 /tmp/big.bin
	[ "$RC" -eq 1 ] || fail "load of an image larger than RAM exited $RC, expected 1"
	assert_match "$ERR" "does not fit" "load big image"
	assert_ok minivmmctl destroy small59

	run minivmmctl run /nonexistent/guest.bin
	[ "$RC" -eq 1 ] || fail "run of a missing file exited $RC, expected 1"
	assert_match "$ERR" "No such file" "run missing file"

	assert_ok minivmmctl create dup59 --mem 1M
	run minivmmctl create dup59 --mem 1M
	[ "$RC" -eq 1 ] || fail "duplicate create exited $RC, expected 1"
	assert_match "$ERR" "create: .*(exists|File exists)" "duplicate create"
	assert_ok minivmmctl destroy dup59

	assert_status 2 minivmmctl create zero59 --mem 0
	assert_status 2 minivmmctl run --mem 0 /tmp/big.bin
	run minivmmctl create huge59 --mem 1T
	[ "$RC" -eq 1 ] || fail "create --mem 1T exited $RC, expected 1 (refused)"
	[ -n "$ERR" ] || fail "create --mem 1T was refused without a message"
	no_vms_left
}

bad_inputs

if [ ! -r /proc/slabinfo ]; then
	note "slab leak check skipped: /proc/slabinfo is not available in this kernel (needs CONFIG_SLUB_DEBUG)"
	exit 0
fi
# name active_objs, for caches a leak of ours could land in.
slabs() {
	sync
	echo 2 >/proc/sys/vm/drop_caches 2>/dev/null
	awk "NR > 2 && (\$1 ~ /^kmalloc/ || \$1 ~ /minivmm/) { print \$1, \$2 }" /proc/slabinfo | sort
}
# 10 rounds; 5 under Bochs, where each is about 20 s of CI; 3 on the debug
# kernel, where KASAN's quarantine keeps freed objects counted and kmemleak
# (99-kmemleak) judges leaks instead.
N=10
[ "$MV_ARCH" = vmx ] && N=5
[ "${MV_KERNEL:-test}" != test-debug ] || N=3
slabs >/tmp/slab.before
i=0
while [ "$i" -lt "$N" ]; do
	bad_inputs
	i=$((i + 1))
done
slabs >/tmp/slab.after
# A cache that grew by N or more objects over N rounds leaks per round.
leaks=$(awk -v n="$N" "NR == FNR { before[\$1] = \$2; next }
	\$2 - before[\$1] >= n { print \$1 \" +\" \$2 - before[\$1] }" \
	/tmp/slab.before /tmp/slab.after)
if [ "${MV_KERNEL:-test}" = test-debug ]; then
	note "debug kernel: slab growth not judged (KASAN quarantine): ${leaks:-none}"
	exit 0
fi
[ -z "$leaks" ] || fail "slab objects leaked over $N rounds of bad input: $leaks"
note "no slab growth over $N rounds"
