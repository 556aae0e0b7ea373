# SPDX-License-Identifier: GPL-2.0
# Long mode: interrupts from the local APIC, injected by the VMM.
#  1. a self-IPI (vector 0x31) arrives once interrupts are enabled, and not
#     before (IF=0), and not while TPR masks its priority class;
#  2. a one-shot APIC timer (vector 0x30, ~1 ms) wakes a HLT;
#  3. a periodic APIC timer (10 ms) delivers 20 ticks to a sti;hlt loop
#     (about 200 ms: the e2e case checks the run lasted that long), and
#     prints "irq halts NN": the HLTs that loop executed (ticks delivered
#     back to back after the vCPU was held off need none), which the host
#     compares with its count of HLT exits.
# Each handler counts and writes EOI.  Exit code 0x40 | failure bits:
#   bit 0 IPI taken with IF=0      bit 1 IPI not taken after sti
#   bit 2 IPI taken despite TPR    bit 3 IPI not taken after TPR = 0
#   bit 4 one-shot timer: not exactly one tick
#   bit 5 ISR not empty after the EOIs
	.code64
	.include "lib64.inc"

	.equ APIC, 0xfee00000
	.equ APIC_TPR, 0x80
	.equ APIC_EOI, 0xb0
	.equ APIC_SVR, 0xf0
	.equ APIC_ISR, 0x100
	.equ APIC_ICR, 0x300
	.equ APIC_LVTT, 0x320
	.equ APIC_TMICT, 0x380
	.equ APIC_TDCR, 0x3e0
	.equ VEC_TIMER, 0x30
	.equ VEC_IPI, 0x31

	.globl _start
_start:
	xor %r15d, %r15d			# failures
	mov $APIC, %r8d
	call setup_idt
	movl $0x1ff, APIC_SVR(%r8)		# APIC on, spurious vector 0xff

	# 1. self-IPI, with IF=0 first
	movl $(0x40000 | VEC_IPI), APIC_ICR(%r8)	# shorthand self, fixed
	nop
	cmpl $0, ipis(%rip)
	je 1f
	or $1, %r15d
1:	sti
	nop					# the STI shadow ends here
	nop
	cli
	cmpl $1, ipis(%rip)
	je 2f
	or $2, %r15d
2:	movl $0x40, APIC_TPR(%r8)		# class 4 blocks 0x31
	movl $(0x40000 | VEC_IPI), APIC_ICR(%r8)
	sti
	nop
	nop
	cli
	cmpl $1, ipis(%rip)
	je 3f
	or $4, %r15d
3:	movl $0, APIC_TPR(%r8)
	sti
	nop
	nop
	cli
	cmpl $2, ipis(%rip)
	je 4f
	or $8, %r15d
4:
	# 2. one-shot timer wakes HLT
	movl $0xb, APIC_TDCR(%r8)		# divide by 1: 1 GHz
	movl $VEC_TIMER, APIC_LVTT(%r8)		# one-shot, unmasked
	movl $1000000, APIC_TMICT(%r8)		# 1 ms
	sti
	hlt
	cli
	cmpl $1, ticks(%rip)
	je 5f
	or $0x10, %r15d
5:
	# 3. periodic: 20 ticks of 10 ms
	movl $0, ticks(%rip)
	movl $(0x20000 | VEC_TIMER), APIC_LVTT(%r8)
	movl $10000000, APIC_TMICT(%r8)
6:	incl halts(%rip)
	sti
	hlt
	cli
	cmpl $20, ticks(%rip)
	jb 6b
	movl $0x10000, APIC_LVTT(%r8)		# mask, stop
	movl $0, APIC_TMICT(%r8)
	PUTS msg_halts
	mov halts(%rip), %eax
	call puthex8
	mov $'\n', %al
	call putc

	mov $APIC_ISR, %ecx			# nothing left in service
7:	movl (%r8,%rcx), %eax
	test %eax, %eax
	jz 8f
	or $0x20, %r15d
8:	add $0x10, %ecx
	cmp $(APIC_ISR + 0x80), %ecx
	jb 7b

	lea msg_ticks(%rip), %rsi
	mov ticks(%rip), %eax
	jmp report_exit

timer_isr:
	incl ticks(%rip)
	jmp eoi
ipi_isr:
	incl ipis(%rip)
eoi:
	push %rax
	mov $APIC, %eax
	movl $0, APIC_EOI(%rax)
	pop %rax
	iretq
spurious_isr:
	iretq

# 64-bit interrupt gates for the three vectors.
setup_idt:
	lea timer_isr(%rip), %rax
	mov $VEC_TIMER, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lea ipi_isr(%rip), %rax
	mov $VEC_IPI, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lea spurious_isr(%rip), %rax
	mov $0xff, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lidt idtr(%rip)
	ret

msg_ticks:	.asciz "irq ticks "
msg_halts:	.asciz "irq halts "
	.p2align 3
ticks:		.long 0
halts:		.long 0
ipis:		.long 0
idtr:		.word 256 * 16 - 1
		.quad idt
	.p2align 4
idt:		.skip 256 * 16
