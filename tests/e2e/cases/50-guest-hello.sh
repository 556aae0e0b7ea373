# SPDX-License-Identifier: GPL-2.0
# The hello guest in all three CPU modes: console text, exit status
# (long 0x11, real 0x12, prot32 0x13), and no VM left behind.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

# mode image status text
for spec in "long hello 17 guest" "real hello16 18 guest \\(real mode\\)" \
	    "prot32 hello32 19 guest \\(prot32\\)"; do
	set -- $spec
	mode=$1 img=$2 want=$3
	shift 3
	text="Hello from minivmm $*"
	assert_exists "$G/$img.bin"
	run minivmmctl run --mode "$mode" "$G/$img.bin"
	[ "$RC" -eq "$want" ] ||
		fail "$mode: run $img.bin exited $RC, expected $want: $(echo "$ERR" | tail -n 1)"
	assert_match "$OUT" "^$text\$" "$mode: console"
	assert_match "$ERR" "VM exited with code $want\$" "$mode: stderr"
done
no_vms_left
