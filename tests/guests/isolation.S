# SPDX-License-Identifier: GPL-2.0
# Long mode: fill 1 MiB..2 MiB with a pattern that depends on the address
# ((addr ^ 0xaaaaaaaaaaaaaaaa)), print "isolation: ready", then verify the
# region over and over, forever.  If a word ever changes (another VM wrote
# into this one's memory), print and exit 0x71.  Stopped from outside.
	.code64
	.include "lib64.inc"
	.equ LO, 0x100000
	.equ HI, 0x200000
	.globl _start
_start:
	movabs $0xaaaaaaaaaaaaaaaa, %r14
	mov $LO, %rdi
1:	mov %rdi, %rax
	xor %r14, %rax
	mov %rax, (%rdi)
	add $8, %rdi
	cmp $HI, %rdi
	jb 1b
	PUTS m_ready
2:	mov $LO, %rdi
3:	mov %rdi, %rax
	xor %r14, %rax
	cmp %rax, (%rdi)
	jne bad
	add $8, %rdi
	cmp $HI, %rdi
	jb 3b
	jmp 2b
bad:	PUTS m_bad
	EXIT 0x71
m_ready: .asciz "isolation: ready\n"
m_bad:	.asciz "isolation: memory changed under us\n"
