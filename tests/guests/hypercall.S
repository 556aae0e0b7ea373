# SPDX-License-Identifier: GPL-2.0
# Long mode: the minivmm hypercall ABI (uapi/minivmm.h).  Number in RAX,
# arguments in RBX RCX RDX RSI, result in RAX.  Uses VMCALL on
# "GenuineIntel" CPUs and VMMCALL otherwise.
#   HC_ADD(1,2,3,4) = 10, HC_API_VERSION = 1, unknown 0x1234 = -38 (-ENOSYS)
# Exit 0x60 if all good, else 0x61 | failed-check bits (0x61..0x67).
	.code64
	.include "lib64.inc"
	.equ HC_API_VERSION, 0
	.equ HC_ADD, 1
	.globl _start
_start:
	call hc_init
	xor %r12d, %r12d		# failures

	mov $HC_ADD, %eax
	mov $1, %ebx
	mov $2, %ecx
	mov $3, %edx
	mov $4, %esi
	call hypercall
	cmp $10, %rax
	je 2f
	or $1, %r12d
2:	mov $HC_API_VERSION, %eax
	call hypercall
	cmp $1, %rax
	je 3f
	or $2, %r12d
3:	mov $0x1234, %eax
	call hypercall
	cmp $-38, %rax
	je 4f
	or $4, %r12d
4:	test %r12d, %r12d
	jnz 5f
	PUTS m_ok
	EXIT 0x60
5:	PUTS m_bad
	mov %r12d, %eax
	call puthex8
	mov $'\n', %al
	call putc
	mov %r12d, %eax
	or $0x60, %eax
	or $1, %eax
	jmp exit_eax

m_ok:	.asciz "hypercalls: ok\n"
m_bad:	.asciz "hypercalls: failed checks 0x"
