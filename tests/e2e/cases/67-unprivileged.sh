# SPDX-License-Identifier: GPL-2.0
# As an unprivileged user (uid/gid 65534 through the asuser helper):
# list, info, stats and policy work; create, stop, destroy and policy set are
# refused with a permission message (GENL_ADMIN_PERM); /dev/minivmm (0600)
# cannot be opened.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

AS=$MV_ADD/asuser
[ -x "$AS" ] || fail "the asuser helper is missing from $MV_ADD"
assert_ok "$AS" id -u
assert_eq "$OUT" 65534 "uid under asuser"

mode=$(stat -c %a /dev/minivmm)
note "/dev/minivmm mode $mode"
assert_eq "$mode" 600 "/dev/minivmm mode"

assert_ok minivmmctl create root67 --mem 1M

assert_ok "$AS" minivmmctl list
assert_match "$OUT" "root67" "list as nobody"
assert_ok "$AS" minivmmctl list --json
assert_ok "$AS" minivmmctl info
assert_ok "$AS" minivmmctl stats root67
assert_ok "$AS" minivmmctl policy

refused "create as nobody" "$AS" minivmmctl create user67 --mem 1M
assert_match "$ERR" "create: .*(Operation not permitted|permission|root)" "create refusal"
[ -z "$(state_of user67)" ] || fail "user67 exists although refused"
refused "destroy as nobody" "$AS" minivmmctl destroy --force root67
assert_match "$ERR" "Operation not permitted" "destroy refusal"
refused "stop as nobody" "$AS" minivmmctl stop root67
refused "pause as nobody" "$AS" minivmmctl pause root67
refused "policy set as nobody" "$AS" minivmmctl policy set --max-vms 1
assert_match "$ERR" "Operation not permitted" "policy set refusal"
assert_state root67 CREATED

# The data plane: the device is root's.
refused "console as nobody" "$AS" minivmmctl console root67
assert_match "$ERR" "Permission denied" "console refusal"
run "$AS" sh -c 'exec 3</dev/minivmm'
[ "$RC" -ne 0 ] || fail "nobody opened /dev/minivmm for reading"
run "$AS" sh -c 'exec 3<>/dev/minivmm'
[ "$RC" -ne 0 ] || fail "nobody opened /dev/minivmm for writing"

assert_ok minivmmctl destroy root67
no_vms_left
