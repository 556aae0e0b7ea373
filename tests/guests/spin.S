# SPDX-License-Identifier: GPL-2.0
# Long mode: print "spinning" and loop forever (for minivmmctl stop).
	.code64
	.include "lib64.inc"
	.globl _start
_start:
	PUTS msg
1:	pause
	jmp 1b
msg:	.asciz "spinning\n"
