# SPDX-License-Identifier: GPL-2.0
# Long mode: the 8254 as Linux uses it.  Channel 2 in mode 0 with its gate
# in port 0x61 counts ~10 ms down until OUT 2 rises (the TSC calibration
# method), latched counts decrease; channel 0 in mode 2 delivers IRQ 0
# through the 8259 and LINT0 (ExtINT) every ~10 ms: 10 ticks to a HLT loop.
# Exit code 0x40 | failure bits, so 0x40 means all good:
#   bit 0 OUT 2 was already high right after loading the count
#   bit 1 a latched count went up before OUT 2 rose, or 1000 latches never
#         went down (two latches within one 838 ns tick read the same, as
#         on an 8254).  A count that went up with OUT 2 high is the wrap
#         after the terminal count: the vCPU was held off the CPU for the
#         ~10 ms between two latches, as a loaded host does.
#   bit 2 OUT 2 never rose (1,000,000 polls)
#   bit 3 an IRQ 0 arrived before interrupts were enabled (impossible)
	.code64
	.include "lib64.inc"

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
	mov $1000, %ecx			# latches within one tick read the same
5:	call latch2
	cmp %ebx, %eax
	jb 2f
	ja 7f				# a down counter went up
	dec %ecx
	jnz 5b
	jmp 6f
7:	in $0x61, %al			# past the terminal count, it wraps
	test $0x20, %al
	jnz 4f
6:	or $2, %r15d
2:	mov $1000000, %ecx
3:	in $0x61, %al
	test $0x20, %al
	jnz 4f
	dec %ecx
	jnz 3b
	or $4, %r15d
4:
	# 8259: only IRQ 0 open; APIC on, LINT0 ExtINT
	mov $0xfffe, %ax
	call pic_init
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

	lea msg_ticks(%rip), %rsi
	mov ticks(%rip), %eax
	jmp report_exit

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

# The 10th tick masks IRQ 0: ticks a held-off vCPU missed are delivered
# back to back, and one more could land between the HLT and the CLI.
irq0_isr:
	push %rax
	incl ticks(%rip)
	cmpl $10, ticks(%rip)
	jb 1f
	mov $0xff, %al
	out %al, $0x21
1:	mov $0x20, %al
	out %al, $0x20
	pop %rax
	iretq

msg_ticks:	.asciz "pit ticks "
	.p2align 3
ticks:		.long 0
idtr:		.word (VEC_IRQ0 + 1) * 16 - 1
		.quad idt
	.p2align 4
idt:		.skip (VEC_IRQ0 + 1) * 16
