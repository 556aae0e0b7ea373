# SPDX-License-Identifier: GPL-2.0
# Long mode: a guest for save, restore and clone.  With IRQ 0 from the PIT
# (~10 ms, through the 8259 and LINT0) it takes STEPS steps of TICKS timer
# ticks each; step n fills the RAM page AREA + (n-1) * 4 KiB with a pattern
# and prints "snap step NN sum XXXXXXXX", the checksum of every page filled
# so far read back from RAM.  After step HOLD it prints "snap waiting" and
# waits, the timer still ticking, until the dword at FLAG is not zero (a
# test writes it from outside when it has saved or cloned the VM, so that
# it need not race the guest).  At the end it prints the dword at MARKER
# (a test may write there from outside too), recomputes the checksum
# without RAM and exits 0x40 if RAM held what it wrote (0x41 if not).
# The RTC must keep what the guest gave it before the first step: the
# year set to (20)42, CMOS bytes 0x40-0x4f as i ^ 0xa5, and the index left
# at 0x4f, so that the first read of port 0x71 at the end returns byte
# 0x4f (bit 1 of the exit code if any of that was lost).
	.code64
	.include "lib64.inc"

	.equ VEC_IRQ0, 0x20
	.equ STEPS, 12
	.equ TICKS, 2
	.equ HOLD, 4
	.equ FLAG, 0x1fe000
	.equ AREA, 0x200000
	.equ MARKER, 0x1ff000
	.equ PATTERN, 0x45d9f3b

	.globl _start
_start:
	xor %r15d, %r15d
	lea irq0_isr(%rip), %rax
	mov $VEC_IRQ0, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lidt idtr(%rip)
	mov $0xfffe, %ax		# only IRQ 0
	call pic_init
	mov $0x34, %al			# channel 0: mode 2, 11932 (~10 ms)
	out %al, $0x43
	mov $0x9c, %al
	out %al, $0x40
	mov $0x2e, %al
	out %al, $0x40

	call rtc_setup
	xor %ebx, %ebx			# the step, kept in a register
step:
	inc %ebx
	imul $TICKS, %ebx, %ecx
1:	sti
	hlt
	cli
	cmp %ecx, ticks(%rip)
	jb 1b

	# page (step - 1): dword i = step * PATTERN ^ i
	mov %ebx, %eax
	dec %eax
	shl $12, %eax
	mov $AREA, %edi
	add %rax, %rdi
	imul $PATTERN, %ebx, %edx
	xor %ecx, %ecx
2:	mov %edx, %eax
	xor %ecx, %eax
	mov %eax, (%rdi,%rcx,4)
	inc %ecx
	cmp $1024, %ecx
	jb 2b

	call ram_sum
	mov %eax, %r12d
	PUTS msg_step
	mov %bl, %al
	call puthex8
	PUTS msg_sum
	mov %r12d, %eax
	call puthex32
	mov $'\n', %al
	call putc
	cmp $HOLD, %ebx
	jne 4f
	PUTS msg_waiting
	mov $FLAG, %eax
3:	sti
	hlt
	cli
	cmpl $0, (%rax)
	je 3b
4:	cmp $STEPS, %ebx
	jb step

	PUTS msg_marker
	mov $MARKER, %eax
	mov (%rax), %eax
	call puthex32
	mov $'\n', %al
	call putc
	call rtc_check
	call ram_sum
	mov %eax, %r12d
	call calc_sum
	cmp %eax, %r12d
	je 5f
	or $1, %r15d
5:	lea msg_done(%rip), %rsi
	mov %bl, %al
	jmp report_exit

# The RTC: year 42 (BCD, written while SET froze the clock), CMOS bytes
# 0x40-0x4f = i ^ 0xa5; the last write leaves the index at 0x4f.
rtc_setup:
	mov $0x0b, %al
	out %al, $0x70
	mov $0x82, %al			# SET, 24 hours, BCD
	out %al, $0x71
	mov $0x09, %al
	out %al, $0x70
	mov $0x42, %al
	out %al, $0x71
	mov $0x0b, %al
	out %al, $0x70
	mov $0x02, %al			# the clock runs on from 2042
	out %al, $0x71
	mov $0x40, %ecx
1:	mov %cl, %al
	out %al, $0x70
	xor $0xa5, %al
	out %al, $0x71
	inc %ecx
	cmp $0x50, %ecx
	jb 1b
	ret

# R15 bit 1 unless the RTC holds what rtc_setup gave it.
rtc_check:
	in $0x71, %al			# the index is still 0x4f
	cmp $(0x4f ^ 0xa5), %al
	jne 2f
	mov $0x09, %al
	out %al, $0x70
	in $0x71, %al
	cmp $0x42, %al
	jne 2f
	mov $0x40, %ecx
1:	mov %cl, %al
	out %al, $0x70
	in $0x71, %al
	xor %cl, %al
	cmp $0xa5, %al
	jne 2f
	inc %ecx
	cmp $0x50, %ecx
	jb 1b
	ret
2:	or $2, %r15d
	ret

# EAX = checksum of pages 0 .. EBX-1 of AREA, as RAM holds them.
ram_sum:
	xor %eax, %eax
	mov $AREA, %esi
	mov %ebx, %ecx
	shl $10, %ecx			# dwords
1:	rol $1, %eax
	add (%rsi), %eax
	add $4, %rsi
	dec %ecx
	jnz 1b
	ret

# EAX = the same checksum, computed from the pattern alone.
calc_sum:
	xor %eax, %eax
	mov $1, %r8d			# step
1:	imul $PATTERN, %r8d, %edx
	xor %ecx, %ecx
2:	mov %edx, %r9d
	xor %ecx, %r9d
	rol $1, %eax
	add %r9d, %eax
	inc %ecx
	cmp $1024, %ecx
	jb 2b
	inc %r8d
	cmp %ebx, %r8d
	jbe 1b
	ret

# EAX printed as 8 hex digits.
puthex32:
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	rol $8, %eax
	call puthex8
	rol $8, %eax
	jmp puthex8

irq0_isr:
	incl ticks(%rip)
	push %rax
	mov $0x20, %al
	out %al, $0x20
	pop %rax
	iretq

msg_step:	.asciz "snap step "
msg_sum:	.asciz " sum "
msg_marker:	.asciz "snap marker "
msg_waiting:	.asciz "snap waiting\n"
msg_done:	.asciz "snap done steps "
	.p2align 3
ticks:		.long 0
idtr:		.word (VEC_IRQ0 + 1) * 16 - 1
		.quad idt
	.p2align 4
idt:		.skip (VEC_IRQ0 + 1) * 16
