# SPDX-License-Identifier: GPL-2.0
# 32-bit protected mode (flat, no paging): print a greeting, exit 0x13.
	.code32
	.globl _start
_start:
	mov $msg, %esi
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %cl
	mov $0x3fd, %dx
2:	in %dx, %al
	test $0x20, %al
	jz 2b
	mov %cl, %al
	mov $0x3f8, %dx
	out %al, %dx
	jmp 1b
3:	mov $0x13, %eax
	out %eax, $0xf4
4:	hlt
	jmp 4b
msg:	.asciz "Hello from minivmm guest (prot32)\n"
