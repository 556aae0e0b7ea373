# SPDX-License-Identifier: GPL-2.0
# Long mode: the guest's own SSE and AVX registers and XCR0.
#  0. CR4.PKE while CPUID offers no PKU, and CR4.OSXSAVE while it offers
#     no XSAVE, raise #GP.
#  1. A fresh guest finds XMM0-15 zero; it fills them with its own values
#     and exits to the host NLOOPS times (hypercall NOP), checking them
#     after every exit.
#  2. If CPUID offers XSAVE and AVX: CPUID.OSXSAVE follows CR4, XCR0 reads
#     1 after reset, XSETBV of FP|YMM (no SSE) raises #GP, XSETBV 7 works;
#     the YMM upper halves read zero; then YMM0-15 are filled and checked
#     after NLOOPS exits; XCR0 = 3 (AVX off) over NLOOPS exits and back.
# Exit 0x60 and "fpu: ok" if all good; 0x70 and "fpu: xmm ok, no AVX
# offered" when part 2 cannot run; else 0x61..0x6f (see the messages).
# Built with XMM_ONLY defined (fpu-xmm.bin): part 1 only, exit 0x60 and
# "fpu: xmm ok".
	.code64
	.include "lib64.inc"
	.equ NLOOPS, 2000
	.equ HC_NOP, 2
	.equ IDT, 0x70000
	.equ BUF, 0x71000
	.globl _start
_start:
	call hc_init
	mov $IDT, %edi			# #GP handler: counts, skips XSETBV
	mov $13, %ecx
	lea gp_handler(%rip), %rax
	call set_gate
	lidt idtr(%rip)
	mov %cr0, %rax			# FPU on: MP, not EM, not TS
	and $~0xc, %eax
	or $2, %eax
	mov %rax, %cr0
	mov %cr4, %rax			# OSFXSR, OSXMMEXCPT
	or $0x600, %eax
	mov %rax, %cr4

	# CR4.PKE while CPUID offers no PKU: #GP, CR4 stays (dregs.S checks
	# PKRU where it is offered).
	xor %r14d, %r14d		# #GP count
	mov $7, %eax
	xor %ecx, %ecx
	cpuid
	test $(1 << 3), %ecx
	jnz 0f
	mov %cr4, %rbx
	mov %rbx, %rax
	or $(1 << 22), %eax
	mov %rax, %cr4			# 0f 22 e0: 3 bytes, as XSETBV
	call cr4_refused
	jne cr4_pke_bad
0:
	mov $1, %eax			# no XSAVE in CPUID: no OSXSAVE either
	cpuid
	test $(1 << 26), %ecx
	jnz 0f
	mov %cr4, %rbx			# CPUID clobbered RBX
	mov %rbx, %rax
	or $(1 << 18), %eax
	mov %rax, %cr4
	call cr4_refused
	jne cr4_bad
0:
	# XMM0-15 all zero in a fresh guest.
	mov $BUF, %edi
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu %xmm\r, 16 * \r(%rdi)
	.endr
	mov $32, %ecx
	xor %eax, %eax
	repe scasq
	je 1f
	PUTS m_xmm_dirty
	EXIT 0x61
1:	call fill_xmm
	mov $NLOOPS, %r12d
2:	mov $HC_NOP, %eax
	call hypercall
	call check_xmm
	jne xmm_bad
	dec %r12d
	jnz 2b

.ifdef XMM_ONLY
	PUTS m_xmm_only
	EXIT 0x60
.endif
	# Part 2: XSAVE and AVX offered?
	mov $1, %eax
	cpuid
	and $((1 << 26) | (1 << 28)), %ecx
	cmp $((1 << 26) | (1 << 28)), %ecx
	jne no_avx
	test $(1 << 27), %ecx		# OSXSAVE: CR4 still clear
	jnz osxsave_bad
	mov %cr4, %rax
	or $(1 << 18), %eax
	mov %rax, %cr4
	mov $1, %eax
	cpuid
	test $(1 << 27), %ecx
	jz osxsave_bad
	xor %ecx, %ecx
	xgetbv
	cmp $1, %eax
	jne xcr0_bad
	xor %r14d, %r14d		# #GP count
	mov $5, %eax			# FP | YMM without SSE: #GP
	xor %edx, %edx
	xor %ecx, %ecx
	xsetbv
	cmp $1, %r14d
	jne xcr0_bad
	mov $7, %eax
	xsetbv
	xgetbv
	cmp $7, %eax
	jne xcr0_bad
	cmp $1, %r14d
	jne xcr0_bad

	# Upper halves zero (the lower ones hold the XMM values).
	mov $BUF, %edi
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vextractf128 $1, %ymm\r, 16 * \r(%rdi)
	.endr
	mov $32, %ecx
	xor %eax, %eax
	repe scasq
	jne ymm_dirty

	call fill_ymm
	mov $NLOOPS, %r12d
3:	mov $HC_NOP, %eax
	call hypercall
	call check_ymm
	jne ymm_bad
	dec %r12d
	jnz 3b

	mov $3, %eax			# AVX off for a while: the host must
	xor %edx, %edx			# keep its own XCR0 meanwhile
	xor %ecx, %ecx
	xsetbv
	mov $NLOOPS, %r12d
4:	mov $HC_NOP, %eax
	call hypercall
	xor %ecx, %ecx
	xgetbv
	cmp $3, %eax
	jne xcr0_bad
	dec %r12d
	jnz 4b
	mov $7, %eax
	xor %edx, %edx
	xsetbv
	call fill_ymm
	call check_ymm
	jne ymm_bad
	PUTS m_ok
	EXIT 0x60

no_avx:	PUTS m_no_avx
	EXIT 0x70
xmm_bad: PUTS m_xmm_bad
	EXIT 0x62
osxsave_bad: PUTS m_osxsave
	EXIT 0x63
xcr0_bad: PUTS m_xcr0
	EXIT 0x64
ymm_dirty: PUTS m_ymm_dirty
	EXIT 0x65
ymm_bad: PUTS m_ymm_bad
	EXIT 0x66
cr4_pke_bad: PUTS m_cr4_pke
	EXIT 0x67
cr4_bad: PUTS m_cr4
	EXIT 0x68

# ZF set when one #GP came (R14) and CR4 still equals RBX; resets R14.
cr4_refused:
	mov %cr4, %rax
	cmp %rbx, %rax
	jne 8f
	cmp $1, %r14d
8:	mov $0, %r14d
	ret

# #GP: count it and skip the 3-byte XSETBV or MOV to CR4 that raised it.
gp_handler:
	inc %r14d
	add $8, %rsp			# error code
	addq $3, (%rsp)
	iretq

# Fill the registers with their patterns (see pat).
fill_xmm:
	lea pat(%rip), %rsi
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu 16 * \r(%rsi), %xmm\r
	.endr
	ret
fill_ymm:
	lea pat(%rip), %rsi
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu 32 * \r(%rsi), %ymm\r
	.endr
	ret

# ZF set when every register holds its pattern.  Clobbers RCX RSI RDI.
check_xmm:
	mov $BUF, %edi
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu %xmm\r, 16 * \r(%rdi)
	.endr
	mov $32, %ecx
	jmp 5f
check_ymm:
	mov $BUF, %edi
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu %ymm\r, 32 * \r(%rdi)
	.endr
	mov $64, %ecx
5:	lea pat(%rip), %rsi
	mov $BUF, %edi
6:	mov (%rsi), %rax
	cmp %rax, (%rdi)
	jne 7f
	add $8, %rsi
	add $8, %rdi
	dec %ecx
	jnz 6b
7:	ret

# 32 patterns of 16 bytes: XMMn holds the n-th, YMMn the (2n)-th and
# (2n+1)-th.
	.balign 32
pat:
	.irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32
	.quad 0x1111111111111111 * \r, 0x0f0f0f0f0f0f0f0f + \r
	.endr
idtr:	.word 16 * 32 - 1
	.quad IDT
m_ok:		.asciz "fpu: ok\n"
m_xmm_only:	.asciz "fpu: xmm ok\n"
m_no_avx:	.asciz "fpu: xmm ok, no AVX offered\n"
m_xmm_dirty:	.asciz "fpu: a fresh guest's XMM registers are not zero\n"
m_xmm_bad:	.asciz "fpu: XMM registers changed across exits\n"
m_osxsave:	.asciz "fpu: CPUID.OSXSAVE does not follow CR4\n"
m_xcr0:		.asciz "fpu: XCR0 or XSETBV misbehaves\n"
m_ymm_dirty:	.asciz "fpu: a fresh guest's YMM upper halves are not zero\n"
m_ymm_bad:	.asciz "fpu: YMM registers changed across exits\n"
m_cr4_pke:	.asciz "fpu: CR4.PKE was accepted, though CPUID offers no PKU\n"
m_cr4:		.asciz "fpu: CR4.OSXSAVE was accepted without XSAVE in CPUID\n"
