# SPDX-License-Identifier: GPL-2.0
# OUT %al, PORT, ITERS times: one I/O exit to a device the hypervisor
# emulates in the kernel.  PORT and VAL come from the Makefile
# (--defsym): 0x3ff (minivmm's UART scratch register), 0x43 (KVM's
# in-kernel PIT, mode/command register; VAL 0 = latch counter 0) or 0x80.
	.code64
	.include "bench.inc"
	.ifndef PORT
	.equ PORT, 0x80
	.endif
	.ifndef VAL
	.equ VAL, 0
	.endif
	.globl _start
_start:
	mov $ITERS, %r12
	mov $PORT, %dx
	TSC_START
	mov $PORT, %dx
1:	mov $VAL, %al
	out %al, %dx
	dec %r12
	jnz 1b
	REPORT
