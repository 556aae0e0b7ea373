# SPDX-License-Identifier: GPL-2.0
# Long mode: write (address ^ 0x5a5aa5a5c3c33c3c) to every 8-byte word from
# 2 MiB to the end of RAM (RBX = RAM size at entry), read it all back.
# Exit 0x50 on success, 0x51 on a mismatch (prints the address), 0x52 if the
# guest has no RAM above 2 MiB.
	.code64
	.include "lib64.inc"
	.equ START, 0x200000
	.globl _start
_start:
	mov %rbx, %r15			# end of RAM
	cmp $(START + 8), %r15
	jb small
	movabs $0x5a5aa5a5c3c33c3c, %r14
	PUTS m_write
	mov $START, %rdi
1:	mov %rdi, %rax
	xor %r14, %rax
	mov %rax, (%rdi)
	add $8, %rdi
	cmp %r15, %rdi
	jb 1b
	PUTS m_check
	mov $START, %rdi
2:	mov %rdi, %rax
	xor %r14, %rax
	cmp %rax, (%rdi)
	jne bad
	add $8, %rdi
	cmp %r15, %rdi
	jb 2b
	PUTS m_ok
	EXIT 0x50
bad:	mov %rdi, %r13
	PUTS m_bad
	mov $7, %ecx
3:	mov %r13, %rax
	shl $3, %ecx
	shr %cl, %rax
	shr $3, %ecx
	call puthex8
	dec %ecx
	jns 3b
	mov $'\n', %al
	call putc
	EXIT 0x51
small:	PUTS m_small
	EXIT 0x52
m_write: .asciz "memtest: writing\n"
m_check: .asciz "memtest: checking\n"
m_ok:	.asciz "memtest: ok\n"
m_bad:	.asciz "memtest: mismatch at 0x"
m_small: .asciz "memtest: no RAM above 2 MiB\n"
