# SPDX-License-Identifier: GPL-2.0
# Long mode: the 8254 as Linux uses it.  Channel 2 in mode 0 with its gate
# in port 0x61 counts ~10 ms down until OUT 2 rises (the TSC calibration
# method), latched counts decrease; channel 0 in mode 2 delivers IRQ 0
# through the 8259 and LINT0 (ExtINT) every ~10 ms: 10 ticks to a HLT loop.
# Exit code 0x40 | failure bits, so 0x40 means all good:
#   bit 0 OUT 2 was already high right after loading the count
#   bit 1 latched counts did not decrease
#   bit 2 OUT 2 never rose (1,000,000 polls)
#   bit 3 an IRQ 0 arrived before interrupts were enabled (impossible)
	.code64
	.include "lib64.inc"

	.equ APIC, 0xfee00000
	.equ VEC_IRQ0, 0x20

	.globl _start
_start:
	xor %r15d, %r15d
	lea irq0_isr(%rip), %rax
	mov $VEC_IRQ0, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lidt idtr(%rip)

	# channel 2: gate high, speaker off, mode 0, count 11932 (~10 ms)
	mov $0x01, %al
	out %al, $0x61
	mov $0xb0, %al
	out %al, $0x43
	mov $0x9c, %al
	out %al, $0x42
	mov $0x2e, %al
	out %al, $0x42
	in $0x61, %al
	test $0x20, %al
	jz 1f
	or $1, %r15d
1:	call latch2
	mov %eax, %ebx
	call latch2
	cmp %ebx, %eax
	jb 2f
	or $2, %r15d
2:	mov $1000000, %ecx
3:	in $0x61, %al
	test $0x20, %al
	jnz 4f
	dec %ecx
	jnz 3b
	or $4, %r15d
4:
	# 8259: vectors 0x20/0x28, only IRQ 0 open; APIC on, LINT0 ExtINT
	mov $0x11, %al
	out %al, $0x20
	out %al, $0xa0
	mov $0x20, %al
	out %al, $0x21
	mov $0x28, %al
	out %al, $0xa1
	mov $0x04, %al
	out %al, $0x21
	mov $0x02, %al
	out %al, $0xa1
	mov $0x01, %al
	out %al, $0x21
	out %al, $0xa1
	mov $0xfe, %al
	out %al, $0x21
	mov $0xff, %al
	out %al, $0xa1
	mov $APIC, %r8d
	movl $0x1ff, 0xf0(%r8)
	movl $0x700, 0x350(%r8)
	# channel 0: mode 2, 11932 -> IRQ 0 every ~10 ms
	mov $0x34, %al
	out %al, $0x43
	mov $0x9c, %al
	out %al, $0x40
	mov $0x2e, %al
	out %al, $0x40
	cmpl $0, ticks(%rip)
	je 5f
	or $8, %r15d
5:	sti
	hlt
	cli
	cmpl $10, ticks(%rip)
	jb 5b
	mov $0x30, %al			# stop: mode 0, no count loaded
	out %al, $0x43

	PUTS msg_ticks
	mov ticks(%rip), %eax
	call puthex8
	PUTS msg_fail
	mov %r15b, %al
	call puthex8
	mov $'\n', %al
	call putc
	mov %r15d, %eax
	or $0x40, %eax
	jmp exit_eax

# EAX = channel 2's count, latched.
latch2:
	mov $0x80, %al
	out %al, $0x43
	in $0x42, %al
	mov %al, %dl
	in $0x42, %al
	mov %al, %ah
	mov %dl, %al
	movzwl %ax, %eax
	ret

irq0_isr:
	incl ticks(%rip)
	push %rax
	mov $0x20, %al
	out %al, $0x20
	pop %rax
	iretq

msg_ticks:	.asciz "pit ticks "
msg_fail:	.asciz " failures "
	.p2align 3
ticks:		.long 0
idtr:		.word (VEC_IRQ0 + 1) * 16 - 1
		.quad idt
	.p2align 4
idt:		.skip (VEC_IRQ0 + 1) * 16
