# SPDX-License-Identifier: GPL-2.0
# Long mode: the I/O APIC at 0xfec00000 as a kernel drives it, without the
# 8259 (never initialised; LINT0 masked).  Checks the ID (vCPU count 1),
# version (24 pins, 0x20) and reset state (pin 2 masked), that an undefined
# index and the read-only bits of an entry ignore writes; then routes the
# PIT (ISA IRQ 0, I/O APIC pin 2) to vector 0x30 on APIC 0: 5 ticks level
# triggered (remote IRR and the local APIC's TMR set in the handler, remote
# IRR clear after its EOI), then 5 ticks edge triggered (neither set).
# Exit code 0x40 | failure bits, so 0x40 means all good:
#   bit 0 ID, version or reset state wrong
#   bit 1 a hostile write changed something
#   bit 2 level: remote IRR not set in the handler
#   bit 3 level: TMR not set for the vector
#   bit 4 level: remote IRR still set after the local APIC's EOI
#   bit 5 edge: remote IRR or TMR set
	.code64
	.include "lib64.inc"

	.equ IOAPIC, 0xfec00000
	.equ LAPIC, 0xfee00000
	.equ VEC, 0x30
	.equ RTE2, 0x14			# pin 2's low dword
	.equ RIRR, 0x4000
	.equ LEVEL, 0x8000
	.equ MASKED, 0x10000
	.equ TMR_WORD, 0x190		# TMR bits 32-63
	.equ TMR_BIT, 1 << (VEC - 32)

	.globl _start
_start:
	xor %r15d, %r15d
	lea isr(%rip), %rax
	mov $VEC, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lidt idtr(%rip)

	mov $IOAPIC, %edi
	mov $LAPIC, %esi
	movl $0, (%rdi)			# ID: the vCPU count, 1
	mov 0x10(%rdi), %eax
	cmp $0x01000000, %eax
	je 1f
	or $1, %r15d
1:	movl $1, (%rdi)			# version: 24 pins, 0x20
	mov 0x10(%rdi), %eax
	cmp $0x00170020, %eax
	je 2f
	or $1, %r15d
2:	movl $RTE2, (%rdi)
	mov 0x10(%rdi), %eax
	cmp $MASKED, %eax
	je 3f
	or $1, %r15d
3:	movl $0x7f, (%rdi)		# no register: reads 0 after a write
	movl $-1, 0x10(%rdi)
	mov 0x10(%rdi), %eax
	cmp $0, %eax
	je 4f
	or $2, %r15d
4:	movl $0x3e, (%rdi)		# pin 23: reserved, status, remote IRR
	movl $-1, 0x10(%rdi)
	mov 0x10(%rdi), %eax
	cmp $0x1afff, %eax
	je 5f
	or $2, %r15d
5:	movl $MASKED, 0x10(%rdi)

	movl $0x1ff, 0xf0(%rsi)		# SVR: APIC on
	movl $MASKED, 0x350(%rsi)	# LINT0 masked: no 8259
	movl $RTE2 + 1, (%rdi)		# destination APIC 0, physical
	movl $0, 0x10(%rdi)
	movl $RTE2, (%rdi)		# fixed, level, unmasked
	movl $LEVEL | VEC, 0x10(%rdi)
	movb $1, level(%rip)

	# PIT channel 0: mode 2, 11932 -> IRQ 0 every ~10 ms
	mov $0x34, %al
	out %al, $0x43
	mov $0x9c, %al
	out %al, $0x40
	mov $0x2e, %al
	out %al, $0x40
6:	sti
	hlt
	cli
	cmpl $10, ticks(%rip)
	jb 6b
	movl $RTE2, (%rdi)
	movl $MASKED | VEC, 0x10(%rdi)
	mov $0x30, %al			# PIT stopped: mode 0, no count
	out %al, $0x43

	lea msg_ticks(%rip), %rsi
	mov ticks(%rip), %eax
	jmp report_exit

isr:
	push %rax
	push %rdi
	push %rsi
	incl ticks(%rip)
	mov $IOAPIC, %edi
	mov $LAPIC, %esi
	movl $RTE2, (%rdi)
	mov 0x10(%rdi), %eax
	cmpb $0, level(%rip)
	je 3f
	test $RIRR, %eax
	jnz 1f
	or $4, %r15d
1:	mov TMR_WORD(%rsi), %eax
	test $TMR_BIT, %eax
	jnz 2f
	or $8, %r15d
	# Masked while the EOI is checked: the next tick would otherwise
	# set remote IRR again between the EOI and the read below.
2:	movl $MASKED | LEVEL | VEC, 0x10(%rdi)
	movl $0, 0xb0(%rsi)		# EOI: broadcast to the I/O APIC
	mov 0x10(%rdi), %eax
	test $RIRR, %eax
	jz 7f
	or $0x10, %r15d
7:	mov $LEVEL | VEC, %eax		# unmasked again; edge after 5 ticks,
	cmpl $5, ticks(%rip)		# switched while masked so that no
	jb 8f				# level request is left in flight
	mov $VEC, %eax
	movb $0, level(%rip)
8:	mov %eax, 0x10(%rdi)
	jmp 5f
3:	test $RIRR, %eax
	jz 4f
	or $0x20, %r15d
4:	mov TMR_WORD(%rsi), %eax
	test $TMR_BIT, %eax
	jz 6f
	or $0x20, %r15d
6:	movl $0, 0xb0(%rsi)		# EOI
	cmpl $10, ticks(%rip)		# the last one: no more requests
	jb 5f
	movl $MASKED | VEC, 0x10(%rdi)
5:	pop %rsi
	pop %rdi
	pop %rax
	iretq

msg_ticks:	.asciz "ioapic ticks "
level:		.byte 0
	.p2align 3
ticks:		.long 0
idtr:		.word (VEC + 1) * 16 - 1
		.quad idt
	.p2align 4
idt:		.skip (VEC + 1) * 16
