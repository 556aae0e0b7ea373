# SPDX-License-Identifier: GPL-2.0
# Long mode: a computation to pause in the middle (e2e 81-vcpu-state).
# For i = 1, 2, ... it adds i to R8, to a quadword in memory (ACC) and to
# XMM0's low lane, and counts iterations in R9, until i reaches the
# quadword TARGET, which starts as 2^64-1: the host pauses the VM, reads
# RCX (= i) from the vCPU state, writes a TARGET a little further, and
# resumes.  Then the guest checks that R8, ACC, XMM0 and T(T+1)/2 agree and
# R9 = T, prints "statecalc: sum=<16 hex digits>" and exits with 0x50, or
# prints "statecalc: mismatch" and exits with 0x51.
	.code64
	.include "lib64.inc"
	.equ TARGET, 0x30000
	.equ ACC, 0x30008
	.globl _start
_start:
	mov %cr4, %rax			# OSFXSR, OSXMMEXCPT: SSE on
	or $0x600, %eax
	mov %rax, %cr4
	movq $-1, TARGET
	movq $0, ACC
	xor %ecx, %ecx
	xor %r8d, %r8d
	xor %r9d, %r9d
	pxor %xmm0, %xmm0
	PUTS m_go
1:	inc %rcx
	add %rcx, %r8
	inc %r9
	add %rcx, ACC
	movq %rcx, %xmm1
	paddq %xmm1, %xmm0
	cmp TARGET, %rcx
	jb 1b

	mov TARGET, %rax		# T(T+1)/2
	lea 1(%rax), %rdx
	imul %rdx, %rax
	shr $1, %rax
	cmp %rax, %r8
	jne 8f
	cmp %rax, ACC
	jne 8f
	movq %xmm0, %rdx
	cmp %rax, %rdx
	jne 8f
	cmp TARGET, %r9
	jne 8f
	mov %rax, %rbx
	PUTS m_sum
	mov $8, %ecx
2:	rol $8, %rbx
	mov %bl, %al
	call puthex8
	dec %ecx
	jnz 2b
	mov $'\n', %al
	call putc
	EXIT 0x50
8:	PUTS m_bad
	EXIT 0x51
m_go:	.asciz "statecalc: counting\n"
m_sum:	.asciz "statecalc: sum="
m_bad:	.asciz "statecalc: mismatch\n"
