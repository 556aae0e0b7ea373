# SPDX-License-Identifier: GPL-2.0
# Ten load/unload cycles, each with a working 'minivmmctl info'.
. "$MV_LIB"
trap mv_unload_quiet EXIT

i=1
while [ "$i" -le 10 ]; do
	mv_load
	ctl info
	[ "$RC" -eq 0 ] || fail "cycle $i: minivmmctl info exited $RC"
	assert_match "$OUT" "^vendor: $MV_ARCH\$" "cycle $i: minivmmctl info"
	mv_unload
	i=$((i + 1))
done
