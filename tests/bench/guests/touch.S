# SPDX-License-Identifier: GPL-2.0
# First touch of guest RAM the hypervisor has never mapped: write one byte
# every STRIDE bytes over ITERS strides, starting at 4 MiB (nothing below
# 4 MiB except the loader's tables, the stack and this image is ever
# touched).  STRIDE 4096 (touch.bin): one byte in each of ITERS fresh 4 KiB
# pages; STRIDE 0x200000 (touch2m.bin): one byte in each of ITERS fresh
# 2 MiB blocks.  The guest's own page tables map 2 MiB pages (loader), so
# every cost here is the hypervisor's nested paging path.  Needs
# 4 MiB + ITERS * STRIDE bytes of RAM (checked against RBX: exit 2).
	.code64
	.include "bench.inc"
	.ifndef STRIDE
	.equ STRIDE, 4096
	.endif
	.equ BASE, 0x400000
	.globl _start
_start:
	mov $(BASE + ITERS * STRIDE), %rax
	cmp %rbx, %rax
	jbe 0f
	PUTS m_small
	EXIT 2
0:	mov $ITERS, %r12
	mov $BASE, %rdi
	TSC_START
1:	movb $1, (%rdi)
	add $STRIDE, %rdi
	dec %r12
	jnz 1b
	REPORT
m_small: .asciz "touch: guest RAM too small\n"
