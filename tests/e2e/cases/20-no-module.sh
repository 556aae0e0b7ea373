# SPDX-License-Identifier: GPL-2.0
# Without the module, minivmmctl says how to load it (exit 1); an unknown
# subcommand is a usage error (exit 2).
. "$MV_LIB"

! mv_loaded || fail "minivmm is loaded at the start of the case"

ctl info
assert_eq "$RC" 1 "exit status of 'minivmmctl info' without the module"
assert_match "$ERR" "modprobe minivmm|insmod" "stderr of minivmmctl info"

ctl bogus-subcommand
assert_eq "$RC" 2 "exit status of 'minivmmctl bogus-subcommand'"
assert_match "$OUT$ERR" "[Uu]sage" "output of minivmmctl bogus-subcommand"
