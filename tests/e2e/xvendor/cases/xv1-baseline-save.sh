# SPDX-License-Identifier: GPL-2.0
# Cross-vendor, the saving half (tests/e2e/xvendor runs it on svm, then on
# vmx).  A guest of --cpu-model baseline sees the baseline CPU (vendor
# MinivmmBasic and the words of uapi/minivmm.h), one of the host model does
# not; then snapcount.bin, baseline, is saved at its wait and the file is
# printed on the console, gzipped, in numbered base64 lines (twice) framed
# with its name and SHA-256, for the host to carry into the other vendor's
# emulator.
. "$MV_LIB"

trap cleanup_vms EXIT
mv_loaded || mv_load
assert_exists "$G/cpuid.bin"
assert_exists "$G/snapcount.bin"

# cpuid_seen MODEL: SEEN = the console of cpuid.bin in a VM of MODEL.
cpuid_seen() {
	assert_ok minivmmctl create "xvcpu-$1" --mem 1M --cpu-model "$1"
	assert_ok minivmmctl load "xvcpu-$1" "$G/cpuid.bin" --mode long
	assert_ok minivmmctl start "xvcpu-$1"
	assert_ok minivmmctl console "xvcpu-$1"
	SEEN=$(echo "$OUT" | tr -d '\r')
	assert_ok minivmmctl destroy "xvcpu-$1"
}
cpuid_seen baseline
assert_match "$SEEN" "^cpu vendor: MinivmmBasic" "baseline vendor"
assert_match "$SEEN" "^leaf 1: 80982201 078bbb7d" "baseline leaf 1 ECX EDX"
assert_match "$SEEN" "^leaf 80000001: 00000001 20100800" "baseline leaf 80000001h"
cpuid_seen host
assert_no_match "$SEEN" "^cpu vendor: MinivmmBasic" "a host-model guest's vendor"
assert_match "$SEEN" "^cpu vendor: (GenuineIntel|AuthenticAMD)" "host vendor"

assert_status 2 minivmmctl create xvbad --mem 1M --cpu-model bogus
assert_match "$ERR" "not host or baseline" "the sentence for a bad --cpu-model"
no_vms_left

F=/tmp/xv-$MV_ARCH.snap
snapcount_start xv --cpu-model baseline
assert_ok minivmmctl stats --json xv
assert_match "$OUT" '"cpu_model": "baseline"' "stats --json shows the model"
assert_ok minivmmctl save xv "$F" --stop
assert_ok minivmmctl destroy xv
# the header: model 1 (baseline) at offset 64
[ "$(od -An -tu4 -j64 -N4 "$F" | tr -d ' ')" = 1 ] ||
	fail "the file's header does not record the baseline model"

gzip -9 <"$F" >"$F.gz"
sum=$(sha256sum "$F.gz" | cut -d' ' -f1)
note "$(wc -c <"$F") bytes saved, $(wc -c <"$F.gz") gzipped"
# Kernel messages already on their way can still land inside a line (seen
# under Bochs): every line is numbered and framed, and sent twice, so the
# host (tests/e2e/xvendor/run) takes each line from a copy that came
# through whole, and checks the SHA-256 of the result.
base64 "$F.gz" >"$F.b64"
dmesg -n 1
for _ in 1 2; do
	echo "@@XV-FILE xv-$MV_ARCH.snap.gz $sum $(grep -c . "$F.b64")@@"
	awk '{ printf "@@XV64 %d %s@@\n", NR, $0 }' "$F.b64"
done
echo "@@XV-END@@"
dmesg -n 7
rm -f "$F" "$F.gz" "$F.b64"
