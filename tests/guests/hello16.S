# SPDX-License-Identifier: GPL-2.0
# Real mode: CS=DS=0x1000, IP=0 (linked at 0, loaded at linear 0x10000).
# Print a greeting, exit 0x12.
	.code16
	.globl _start
_start:
	mov $msg, %si
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
3:	mov $0x12, %eax
	out %eax, $0xf4
4:	hlt
	jmp 4b
msg:	.asciz "Hello from minivmm guest (real mode)\n"
