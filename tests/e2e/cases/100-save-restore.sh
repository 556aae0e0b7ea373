# SPDX-License-Identifier: GPL-2.0
# save, restore, clone.  snapcount.bin counts 12 steps paced by PIT
# interrupts, each filling a RAM page and printing the checksum of all of
# them read back from RAM; after step 4 it waits, the timer ticking, for a
# word the test writes into its RAM (so nothing here races the guest).
# Saved there (--stop), destroyed and restored, it finishes: its console,
# replayed from the saved ring, shows every step exactly once, in order,
# with the same checksums as a clone's copies, and the guest's own final
# check of its RAM and of its RTC (the year it set, its CMOS bytes and the
# index it left) passes.  A running VM and its clone finish alike with
# RAM of their own (a word written into one while it is paused is not in
# the other).  A save onto a full disk fails, leaving no file and the VM as
# it was.  Corrupted files (truncated, a byte flipped, a newer version,
# extended, not a snapshot) are each refused with one sentence and status
# 1, and no VM is left.  The guest's TSC goes on from its value at the
# save: the restored VM's TSC offset is lower than the saved VM's by about
# the host TSC ticks between save and restore.
. "$MV_LIB"

trap 'umount /tmp/snap100/full 2>/dev/null; cleanup_vms' EXIT

mv_loaded || mv_load

assert_exists "$G/snapcount.bin"
S=/tmp/snap100
rm -rf "$S"
mkdir -p "$S"
MARKER=0x1ff000	# snapcount.S prints the word there at the end
printf 'ABCD' >"$S/marker"

# tsc_offset NAME: vCPU 0's TSC offset (a u64; shell arithmetic wraps it)
tsc_offset() {
	minivmmctl state --json "$1" |
		sed -n 's/.*"tsc_offset": \([0-9]*\).*/\1/p' | head -n 1
}
# ---- save while waiting, destroy, restore ----
t0=$(uptime_ms)
snapcount_start snap100
assert_ok minivmmctl save snap100 "$S/a.snap" --stop
assert_match "$OUT" "^saved VM 'snap100' to $S/a.snap: [0-9]+ of 4096 RAM pages" "save"
pages=$(echo "$OUT" | sed -n 's/.*: \([0-9]*\) of.*/\1/p')
[ "$pages" -lt 200 ] || fail "the save wrote $pages pages: not sparse"
assert_state snap100 STOPPED
off_a=$(tsc_offset snap100)
[ -n "$off_a" ] || fail "state --json shows no tsc_offset"
ls -l "$S/a.snap"
[ "$(ls "$S")" = "$(printf 'a.snap\nmarker')" ] ||
	fail "files other than a.snap were left: $(ls "$S")"
assert_ok minivmmctl destroy snap100
no_vms_left
sleep 2
assert_ok minivmmctl restore "$S/a.snap"
assert_state snap100 RUNNING
assert_ok minivmmctl pause snap100
off_b=$(tsc_offset snap100)
assert_ok minivmmctl resume snap100
# More than 2 s of host TSC passed (at least 10^7 ticks even in Bochs,
# whose TSC counts instructions); the guest's TSC did not move with it.
lost=$((off_a - off_b))
note "TSC offset at save $off_a, after restore $off_b: the guest did not see $lost host ticks"
[ "$lost" -gt 10000000 ] ||
	fail "the guest's TSC jumped across the restore (offsets $off_a, then $off_b)"
snapcount_finish snap100 "$S/a.out"
snapcount_check "$S/a.out" 00000000
assert_ok minivmmctl destroy snap100
t1=$(uptime_ms)
echo "  save, restore and finish took $((t1 - t0)) ms"

# ---- clone: two copies finish, each with its own RAM ----
snapcount_start c1
assert_ok minivmmctl clone c1 c2
assert_state c1 RUNNING
assert_state c2 RUNNING
# a save that fails (the disk is full) leaves no file and c1 as it was
assert_ok minivmmctl pause c1
mkdir -p "$S/full"
mount -t tmpfs -o size=32k full100 "$S/full" || fail "cannot mount a small tmpfs"
refused "full disk" minivmmctl save c1 "$S/full/c1.snap"
echo "$ERR" | grep -q "No space left" || fail "the sentence does not name the full disk"
[ -z "$(ls "$S/full")" ] || fail "a failed save left $(ls "$S/full")"
umount "$S/full"
rmdir "$S/full"
assert_state c1 PAUSED
# c1's RAM gets a word c2's does not
assert_ok minivmmctl load c1 "$S/marker" --addr $MARKER
assert_ok minivmmctl resume c1
snapcount_finish c1 "$S/c1.out"
snapcount_finish c2 "$S/c2.out"
snapcount_check "$S/c1.out" 44434241	# "ABCD", little-endian
snapcount_check "$S/c2.out" 00000000
# the same steps with the same checksums, in all three runs
for f in c1 c2; do
	[ "$(grep '^snap step' "$S/$f.out")" = "$(grep '^snap step' "$S/a.out")" ] ||
		fail "$f's checksums differ from the restored run's"
done
assert_ok minivmmctl destroy c1
assert_ok minivmmctl destroy c2
t2=$(uptime_ms)
echo "  clone took $((t2 - t1)) ms"

# ---- corrupted files: one sentence, status 1, nothing created ----
size=$(wc -c <"$S/a.snap")
# corrupt NAME: restore of $S/NAME is refused and leaves no VM.
corrupt() {
	refused "$1" minivmmctl restore --name bad100 "$S/$1"
	[ "$(echo "$ERR" | grep -c .)" -eq 1 ] || fail "$1: more than one line on stderr"
	echo "$ERR" | grep -q "$2" || fail "$1: the sentence does not say '$2'"
	no_vms_left
}
head -c $((size - 100)) "$S/a.snap" >"$S/trunc"
corrupt trunc "truncated"
head -c 40 "$S/a.snap" >"$S/trunc-header"
corrupt trunc-header "truncated"
cp "$S/a.snap" "$S/flip"
off=$((size / 2))
b=$(dd if="$S/a.snap" bs=1 skip=$off count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
# shellcheck disable=SC2059 # an octal escape made at run time
printf "\\$(printf %03o $((b ^ 0x20)))" |
	dd of="$S/flip" bs=1 seek=$off conv=notrunc 2>/dev/null
cmp -s "$S/a.snap" "$S/flip" && fail "the byte flip changed nothing"
corrupt flip "bad checksum"
cp "$S/a.snap" "$S/version"
# One more than the format version the file has (byte 8, a u32 below 255).
v=$(od -An -tu1 -j8 -N1 "$S/a.snap" | tr -d ' ')
printf "\\$(printf %03o $((v + 1)))" | dd of="$S/version" bs=1 seek=8 conv=notrunc 2>/dev/null
corrupt version "newer"
cp "$S/a.snap" "$S/extended"
printf 'garbage!' >>"$S/extended"
corrupt extended "after its end"
printf 'hello, world\n' >"$S/text"
corrupt text "not a minivmm snapshot"
# the intact file still restores (the refusals had nothing to do with it)
assert_ok minivmmctl restore --name again100 --paused "$S/a.snap"
assert_state again100 CREATED
assert_ok minivmmctl destroy again100
no_vms_left
t3=$(uptime_ms)
echo "  corrupted files took $((t3 - t2)) ms"
rm -rf "$S"
