# SPDX-License-Identifier: GPL-2.0
# Long mode: memory on demand (e2e 90).  Touch every 4 KiB page of the
# 4 MiB from 8 MiB (1024 pages): each must read zero at first (fresh RAM
# is zeroed), then gets (address ^ pattern) in its first and last word; a
# second pass checks them all.  Prints "memtouch: touching" first and
# "memtouch: ok" at the end.  Exit 0x70 on success, 0x71 when a page was
# not zero at first touch, 0x72 on a mismatch, 0x73 if RAM (RBX) ends
# below the end of the range.  Built a second time as memtouch1m.bin,
# touching 1 MiB (256 pages) from 8 MiB.
	.code64
	.include "lib64.inc"
	.equ START, 0x800000
	.ifdef TOUCH_1M			# memtouch1m.bin: 1 MiB (e2e 93)
	.equ END, 0x900000
	.else
	.equ END, 0xc00000
	.endif
	.globl _start
_start:
	cmp $END, %rbx
	jb small
	movabs $0x5a5aa5a5c3c33c3c, %r14
	PUTS m_touch
	mov $START, %rdi
1:	cmpq $0, (%rdi)
	jne notzero
	cmpq $0, 4088(%rdi)
	jne notzero
	mov %rdi, %rax
	xor %r14, %rax
	mov %rax, (%rdi)
	mov %rax, 4088(%rdi)
	add $4096, %rdi
	cmp $END, %rdi
	jb 1b
	mov $START, %rdi
2:	mov %rdi, %rax
	xor %r14, %rax
	cmp %rax, (%rdi)
	jne bad
	cmp %rax, 4088(%rdi)
	jne bad
	add $4096, %rdi
	cmp $END, %rdi
	jb 2b
	PUTS m_ok
	EXIT 0x70
notzero: PUTS m_nz
	EXIT 0x71
bad:	PUTS m_bad
	EXIT 0x72
small:	PUTS m_small
	EXIT 0x73
m_touch: .asciz "memtouch: touching\n"
m_ok:	.asciz "memtouch: ok\n"
m_nz:	.asciz "memtouch: a fresh page was not zero\n"
m_bad:	.asciz "memtouch: mismatch\n"
m_small: .asciz "memtouch: RAM ends below the range\n"
