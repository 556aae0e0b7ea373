# SPDX-License-Identifier: GPL-2.0
# Runs last, on the debug kernel only (tests/e2e/run): after the whole suite
# has loaded, used and unloaded minivmm, kmemleak must find no unreferenced
# object allocated by a module (minivmm, or KVM in the coexistence cases).
# An unloaded module's frames print as bare addresses in module space.
. "$MV_LIB"

KMEMLEAK=/sys/kernel/debug/kmemleak
[ -w "$KMEMLEAK" ] || fail "$KMEMLEAK is missing: not the debug kernel?"
mv_unload_quiet

# kmemleak reports only objects older than its minimum age (5 s): a scan
# right after the last case could miss that case's leaks.
sleep 6
echo scan >"$KMEMLEAK" || fail "kmemleak scan failed"
report=$(cat "$KMEMLEAK")
total=$(echo "$report" | grep -c '^unreferenced object')
echo "kmemleak: $total unreferenced object(s) in the whole kernel"

# One record per object: "unreferenced object ..." up to the next one.
ours=$(echo "$report" | awk '
	/^unreferenced object/ { if (rec != "" && hit) print rec; rec = ""; hit = 0 }
	{ rec = rec $0 "\n" }
	/\[minivmm\]|\[kvm|\[irqbypass\]|\] 0xffffffff[a-f][0-9a-f]{7}$/ { hit = 1 }
	END { if (rec != "" && hit) print rec }')
if [ -n "$ours" ]; then
	echo "$ours" | head -n 60 | sed 's/^/  kmemleak| /'
	fail "kmemleak found objects leaked by a module (above)"
fi
if [ "$total" -gt 0 ]; then
	note "the kernel's own unreferenced objects (not from a module):"
	echo "$report" | head -n 20 | sed 's/^/  kmemleak| /'
fi
echo "kmemleak: no leak from minivmm or KVM"
