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
	xor %eax, %eax
	cpuid				# vendor in EBX EDX ECX
	xor %r15d, %r15d		# 0 = VMMCALL
	cmp $0x756e6547, %ebx		# "Genu"
	jne 1f
	cmp $0x49656e69, %edx		# "ineI"
	jne 1f
	mov $1, %r15d			# 1 = VMCALL
1:	PUTS m_wait
2:	mov $HC_STOP_REQUESTED, %eax
	test %r15d, %r15d
	jnz 3f
	vmmcall
	jmp 4f
3:	vmcall
4:	test %rax, %rax
	jz 2b
	PUTS m_stop
	EXIT 0x33
m_wait:	.asciz "waiting for stop\n"
m_stop:	.asciz "stop requested\n"
