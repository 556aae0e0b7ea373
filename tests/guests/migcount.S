# SPDX-License-Identifier: GPL-2.0
# Long mode: a guest for live migration.  Paced by the PIT (IRQ 0 through
# the 8259 and LINT0, ~10 ms), each step of TICKS ticks writes the next
# WRITES numbers n of the sequence 1, 2, 3... to RAM: n goes to dword
# (n * STRIDE) mod DWORDS of AREA (64 KiB, 16 pages), so consecutive
# numbers land in different pages and each step dirties all 16 pages.  A
# register holds the checksum the area must have, the sum of
# dword[i] * (2i + 1) mod 2^32, updated with each write (the number a write
# replaces is n - DWORDS, or 0).  After each step it reads the whole area
# back from RAM and prints "mig step SSSSSSSS sum XXXXXXXX" (RAM's sum),
# and "mig BAD" if RAM disagrees with the register.  Once the dword at
# FLAG is not zero (a test writes it from outside) it prints
# "mig done steps SS failures FF" and exits 0x40 if RAM always held what it
# wrote, 0x41 if not.  The build with FAST=1 writes FAST_WRITES numbers a
# tick: a guest dirtying faster than a slow link carries.
	.code64
	.include "lib64.inc"

	.equ VEC_IRQ0, 0x20
	.ifdef FAST
	.equ TICKS, 1
	.equ WRITES, 64
	.else
	.equ TICKS, 2
	.equ WRITES, 16
	.endif
	.equ FLAG, 0x1fe000
	.equ AREA, 0x200000
	.equ DWORDS, 16384
	.equ STRIDE, 1025

	.globl _start
_start:
	xor %r15d, %r15d		# failed: 0 or 1
	xor %ebx, %ebx			# n: the last number written
	xor %r13d, %r13d		# the checksum RAM must have
	xor %r14d, %r14d		# steps
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

step:
	inc %r14d
	imul $TICKS, %r14d, %ecx
1:	sti
	hlt
	cli
	cmp %ecx, ticks(%rip)
	jb 1b

	mov $WRITES, %r8d
2:	inc %ebx
	imul $STRIDE, %ebx, %eax
	and $(DWORDS - 1), %eax		# the dword's index i
	lea 1(%rax,%rax), %ecx		# its weight 2i + 1
	mov %ebx, %edx			# n - (what it replaces)
	cmp $DWORDS, %ebx
	jbe 3f
	mov $DWORDS, %edx
3:	imul %ecx, %edx
	add %edx, %r13d
	mov $AREA, %edi
	mov %ebx, (%rdi,%rax,4)
	dec %r8d
	jnz 2b

	call ram_sum
	mov %eax, %r12d
	cmp %eax, %r13d
	je 4f
	mov $1, %r15d
	PUTS msg_bad
4:	PUTS msg_step
	mov %r14d, %eax
	call puthex32
	PUTS msg_sum
	mov %r12d, %eax
	call puthex32
	mov $'\n', %al
	call putc
	mov $FLAG, %eax
	cmpl $0, (%rax)
	je step

	lea msg_done(%rip), %rsi
	mov %r14b, %al
	jmp report_exit

# EAX = sum of dword[i] * (2i + 1) over the area, as RAM holds it.
ram_sum:
	xor %eax, %eax
	mov $AREA, %esi
	mov $1, %ecx
	mov $DWORDS, %r9d
1:	mov (%rsi), %edx
	imul %ecx, %edx
	add %edx, %eax
	add $4, %rsi
	add $2, %ecx
	dec %r9d
	jnz 1b
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

msg_step:	.asciz "mig step "
msg_sum:	.asciz " sum "
msg_bad:	.asciz "mig BAD\n"
msg_done:	.asciz "mig done steps "
	.p2align 3
ticks:		.long 0
idtr:		.word (VEC_IRQ0 + 1) * 16 - 1
		.quad idt
	.p2align 4
idt:		.skip (VEC_IRQ0 + 1) * 16
