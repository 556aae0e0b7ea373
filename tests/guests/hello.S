# SPDX-License-Identifier: GPL-2.0
# Long mode: print a greeting, exit 0x11.
	.code64
	.include "lib64.inc"
	.globl _start
_start:
	PUTS msg
	EXIT 0x11
msg:	.asciz "Hello from minivmm guest\n"
