# SPDX-License-Identifier: GPL-2.0
# Long mode: load an IDT with limit 0 and raise #UD: #UD -> #GP -> #DF ->
# shutdown (triple fault).  "minivmmctl run" must report a crash, exit 1.
	.code64
	.include "lib64.inc"
	.globl _start
_start:
	PUTS msg
	lidt idtr(%rip)
	ud2
	EXIT 0x7f			# not reached
msg:	.asciz "about to triple fault\n"
	.balign 8
idtr:	.word 0
	.quad 0
