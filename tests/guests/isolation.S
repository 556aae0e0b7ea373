# SPDX-License-Identifier: GPL-2.0
# Long mode: ask the hypervisor for this VM's id (hypercall VM_ID) and fill
# 1 MiB..2 MiB with a pattern that depends on the address and on that id
# ((addr ^ 0xaaaaaaaaaaaaaaaa) + id * 0x0101010101010101), print
# "isolation: ready id=XXXXXXXX" (the id in hex), then verify the region
# over and over, forever.
# Two VMs with different ids hold different contents, so a page shared
# between them, or a write of one landing in the other, shows as a changed
# word: then print and exit 0x71.  Stopped from outside.
	.code64
	.include "lib64.inc"
	.equ LO, 0x100000
	.equ HI, 0x200000
	.equ HC_VM_ID, 4
	.globl _start
_start:
	call hc_init
	mov $HC_VM_ID, %eax
	call hypercall
	mov %rax, %r13			# the id, printed below
	movabs $0x0101010101010101, %r12
	imul %rax, %r12			# the id's share of the pattern
	movabs $0xaaaaaaaaaaaaaaaa, %r14
	mov $LO, %rdi
1:	mov %rdi, %rax
	xor %r14, %rax
	add %r12, %rax
	mov %rax, (%rdi)
	add $8, %rdi
	cmp $HI, %rdi
	jb 1b
	PUTS m_ready
	mov $24, %ecx			# the id's 4 bytes, high to low, in hex
4:	mov %r13, %rax
	shr %cl, %rax
	call puthex8
	sub $8, %ecx
	jns 4b
	mov $'\n', %al
	call putc
2:	mov $LO, %rdi
3:	mov %rdi, %rax
	xor %r14, %rax
	add %r12, %rax
	cmp %rax, (%rdi)
	jne bad
	add $8, %rdi
	cmp $HI, %rdi
	jb 3b
	jmp 2b
bad:	PUTS m_bad
	EXIT 0x71
m_ready: .asciz "isolation: ready id="
m_bad:	.asciz "isolation: memory changed under us\n"
