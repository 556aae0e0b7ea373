# SPDX-License-Identifier: GPL-2.0
# Long mode: sum of squares 1..100 = 338350 (loop, MUL), then 338350 % 253
# = 89 (DIV).  Prints "338350 % 253 = 89" in hex and exits with the
# remainder: 89 (0x59).  Any wrong step gives another code.
	.code64
	.include "lib64.inc"
	.globl _start
_start:
	xor %ecx, %ecx			# sum
	mov $1, %r8			# i
1:	mov %r8, %rax
	mul %r8				# rdx:rax = i*i
	add %rax, %rcx
	inc %r8
	cmp $100, %r8
	jbe 1b
	cmp $338350, %rcx
	jne bad
	mov %rcx, %rax
	xor %edx, %edx
	mov $253, %r9
	div %r9				# rdx = sum % 253
	push %rdx
	PUTS msg
	pop %rdx
	mov %dl, %al
	call puthex8
	mov $'\n', %al
	call putc
	mov %edx, %eax
	jmp exit_eax
bad:	EXIT 0xee
msg:	.asciz "sum of squares 1..100 mod 253 = 0x"
