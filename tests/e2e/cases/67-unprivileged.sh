# SPDX-License-Identifier: GPL-2.0
# As an unprivileged user (uid/gid 65534 through the asuser helper):
# info and policy work; list and stats show none of root's VMs and the
# events group cannot be joined (they would name every VM); create, stop,
# destroy and policy set are refused with a permission message
# (GENL_ADMIN_PERM); /dev/minivmm (0600) cannot be opened.
# The same user with CAP_NET_ADMIN (asuser -n) creates and destroys a VM of
# its own but may not stop, pause or destroy root's (not the owner).  A
# member of the device's group (asuser -g) opens /dev/minivmm but not
# root's VM.
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
assert_no_match "$OUT" "root67" "list as nobody"
assert_ok "$AS" minivmmctl list --json
assert_no_match "$OUT" "root67" "list --json as nobody"
assert_ok "$AS" minivmmctl info
refused "stats of root's VM as nobody" "$AS" minivmmctl stats root67
assert_match "$ERR" "no such VM" "stats refusal"
assert_ok "$AS" minivmmctl policy
# Refused at once when joining the group; a hang here would be the bug.
run timeout 10 "$AS" minivmmctl events
[ "$RC" -eq 1 ] || fail "events as nobody exited $RC, expected 1 (refused)"
assert_match "$ERR" "CAP_NET_ADMIN" "events refusal"

refused "create as nobody" "$AS" minivmmctl create user67 --mem 1M
assert_match "$ERR" "create: .*(Operation not permitted|permission|root)" "create refusal"
[ -z "$(state_of user67)" ] || fail "user67 exists although refused"
# Root's VM is invisible to nobody: the name does not even resolve.
refused "destroy as nobody" "$AS" minivmmctl destroy --force root67
assert_match "$ERR" "no such VM|Operation not permitted" "destroy refusal"
refused "stop as nobody" "$AS" minivmmctl stop root67
refused "pause as nobody" "$AS" minivmmctl pause root67
refused "policy set as nobody" "$AS" minivmmctl policy set --max-vms 1
assert_match "$ERR" "Operation not permitted" "policy set refusal"
assert_state root67 CREATED

# CAP_NET_ADMIN without ownership: its own VM yes, root's no.
assert_ok "$AS" -n minivmmctl create user67 --mem 1M
assert_state user67 CREATED
assert_ok "$AS" -n minivmmctl list
assert_match "$OUT" "root67" "list with CAP_NET_ADMIN shows every VM"
for verb in "stop" "pause" "destroy --force"; do
	# shellcheck disable=SC2086 # verb and its flag are two words
	refused "$verb of root's VM by another user" "$AS" -n minivmmctl $verb root67
	assert_match "$ERR" "belongs to another user" "$verb refusal"
done
assert_state root67 CREATED
assert_ok "$AS" -n minivmmctl destroy user67
[ -z "$(state_of user67)" ] || fail "user67 survived its owner's destroy"

# A member of the device's group opens /dev/minivmm, not root's VM in it.
chgrp 4267 /dev/minivmm && chmod 660 /dev/minivmm || fail "chgrp/chmod"
# -n: lets it name the VM (list sees all); the VM fd still needs ownership.
run "$AS" -n -g 4267 minivmmctl console root67
chmod 600 /dev/minivmm
chgrp 0 /dev/minivmm
[ "$RC" -ne 0 ] || fail "a group member opened root's VM"
assert_match "$ERR" "Operation not permitted" "VM fd refusal for a group member"

# The data plane: the device is root's.
# (-n: with CAP_NET_ADMIN the name resolves; the device still refuses.)
refused "console as nobody" "$AS" -n minivmmctl console root67
assert_match "$ERR" "Permission denied" "console refusal"
run "$AS" sh -c 'exec 3</dev/minivmm'
[ "$RC" -ne 0 ] || fail "nobody opened /dev/minivmm for reading"
run "$AS" sh -c 'exec 3<>/dev/minivmm'
[ "$RC" -ne 0 ] || fail "nobody opened /dev/minivmm for writing"

assert_ok minivmmctl destroy root67
no_vms_left
