# SPDX-License-Identifier: GPL-2.0
# Long mode: a guest that speaks the graceful-stop protocol.  It prints
# "waiting for stop", then polls MINIVMM_HC_STOP_REQUESTED (3) until the
# host asks it to end, prints "stop requested" and exits with 0x33.
# Uses VMCALL on "GenuineIntel" CPUs and VMMCALL otherwise.
	.code64
	.include "lib64.inc"
	.equ HC_STOP_REQUESTED, 3
	.globl _start
_start:
	call hc_init
	PUTS m_wait
2:	mov $HC_STOP_REQUESTED, %eax
	call hypercall
	test %rax, %rax
	jz 2b
	PUTS m_stop
	EXIT 0x33
m_wait:	.asciz "waiting for stop\n"
m_stop:	.asciz "stop requested\n"
