# SPDX-License-Identifier: GPL-2.0
# Long mode: an interrupt-driven serial console, wired as a PC is: the
# 16550's IRQ 4 through the 8259 (vectors 0x20-0x2f) to the local APIC's
# LINT0 in ExtINT mode.  It takes one "transmitter empty" interrupt first,
# then prints "ready" and sleeps in HLT; each received-data interrupt drains
# the UART into a line buffer.  Every line (ended by CR or LF) is echoed as
# "got: LINE"; the line "quit" ends the VM with exit code 0x55, or 0x56 if
# the THRE interrupt never came.
	.code64
	.include "lib64.inc"

	.equ VEC_COM1, 0x24
	.equ UART_IER, COM1 + 1
	.equ UART_IIR, COM1 + 2
	.equ UART_MCR, COM1 + 4

	.globl _start
_start:
	call setup_idt
	# 8259: only IRQ 4 open; APIC on, LINT0 ExtINT
	mov $0xffef, %ax
	call pic_init
	# UART: OUT2 gates the IRQ; first the THRE interrupt, then receive
	mov $UART_MCR, %dx
	mov $0x0b, %al
	out %al, %dx
	mov $UART_IER, %dx
	mov $0x02, %al
	out %al, %dx
	sti
	nop
	cli
	mov $UART_IER, %dx
	mov $0x01, %al
	out %al, %dx
	PUTS s_ready

wait:	sti
	hlt
	cli
	cmpl $0, line_done(%rip)
	je wait
	PUTS s_got
	lea line(%rip), %rsi
	mov line_len(%rip), %ecx
1:	test %ecx, %ecx
	jz 2f
	lodsb
	call putc
	dec %ecx
	jmp 1b
2:	mov $'\n', %al
	call putc
	cmpl $4, line_len(%rip)
	jne next
	cmpl $0x74697571, line(%rip)	# "quit"
	jne next
	cmpl $0, thre_irqs(%rip)
	je 3f
	EXIT 0x55
3:	EXIT 0x56
next:	movl $0, line_len(%rip)
	movl $0, line_done(%rip)
	jmp wait

# IRQ 4: THRE (count it) or received data (drain into the line buffer).
com1_isr:
	push %rax
	push %rdx
	push %rbx
	push %rcx
	mov $UART_IIR, %dx
	in %dx, %al
	and $0x0f, %al
	cmp $0x02, %al
	jne 1f
	incl thre_irqs(%rip)
	jmp 4f
1:	mov $COM1_LSR, %dx
	in %dx, %al
	test $1, %al
	jz 4f
	mov $COM1, %dx
	in %dx, %al
	cmp $'\n', %al
	je 2f
	cmp $'\r', %al
	je 2f
	mov line_len(%rip), %ebx
	cmp $63, %ebx
	jae 1b
	lea line(%rip), %rcx
	mov %al, (%rcx,%rbx)
	incl line_len(%rip)
	jmp 1b
2:	cmpl $0, line_len(%rip)		# ignore the LF of a CR LF
	je 1b
	movl $1, line_done(%rip)
	jmp 1b
4:	mov $0x20, %al			# non-specific EOI to the master
	out %al, $0x20
	pop %rcx
	pop %rbx
	pop %rdx
	pop %rax
	iretq

setup_idt:
	lea com1_isr(%rip), %rax
	mov $VEC_COM1, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lidt idtr(%rip)
	ret

s_ready:	.asciz "ready\n"
s_got:		.asciz "got: "
	.p2align 3
thre_irqs:	.long 0
line_done:	.long 0
line_len:	.long 0
line:		.skip 64
idtr:		.word (VEC_COM1 + 1) * 16 - 1
		.quad idt
	.p2align 4
idt:		.skip (VEC_COM1 + 1) * 16
