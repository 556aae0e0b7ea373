# SPDX-License-Identifier: GPL-2.0
# Long mode: the well-behaved neighbour of the hostile guests.  Prints
# "tick XXXXXXXX\n" (a hex counter from 1) after each short busy loop,
# forever; a test reads the last tick to see that this VM keeps running.
	.code64
	.include "lib64.inc"
	.equ DELAY, 0x100000
	.globl _start
_start:
	xor %ebx, %ebx
1:	inc %ebx
	PUTS m_tick
	mov %ebx, %eax
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	mov $'\n', %al
	call putc
	mov $DELAY, %ecx
2:	dec %ecx
	jnz 2b
	jmp 1b
m_tick:	.asciz "tick "
