# SPDX-License-Identifier: GPL-2.0
# VMs alive that each touch 1 MiB (the "touched VMs alive" figure): touch
# every 4 KiB page of the HOLD_BYTES (default 1 MiB) from 8 MiB, as
# tests/guests/memtouch.S does: each page must read zero at first, then
# gets (address ^ pattern) in its first and last 8 bytes; a second pass
# checks them all.  Then, with no output at all (so that neither
# hypervisor keeps a console buffer for it), it waits for an interrupt
# that never comes: "sti; hlt" in a loop.  minivmm keeps the VM RUNNING
# with its vCPU thread asleep in the HLT; KVM without an in-kernel irqchip
# returns KVM_EXIT_HLT to kvmrun, which keeps the VM and moves on.  The
# host counts a VM once its guest has halted, which it does only after
# both passes succeeded.  Exit 0x71 when a page was not zero at first
# touch, 0x72 on a mismatch, 0x73 if RAM (RBX) ends below the range.
	.code64
	.include "bench.inc"
	.ifndef HOLD_BYTES
	.equ HOLD_BYTES, 0x100000
	.endif
	.equ START, 0x800000
	.equ END, START + HOLD_BYTES
	.globl _start
_start:
	cmp $END, %rbx
	jb small
	movabs $0x5a5aa5a5c3c33c3c, %r14
	mov $START, %rdi
1:	cmpq $0, (%rdi)
	jne notzero
	cmpq $0, 4088(%rdi)
	jne notzero
	mov %rdi, %rax
	xor %r14, %rax
	mov %rax, (%rdi)
	mov %rax, 4088(%rdi)
	add $4096, %rdi
	cmp $END, %rdi
	jb 1b
	mov $START, %rdi
2:	mov %rdi, %rax
	xor %r14, %rax
	cmp %rax, (%rdi)
	jne bad
	cmp %rax, 4088(%rdi)
	jne bad
	add $4096, %rdi
	cmp $END, %rdi
	jb 2b
	sti
3:	hlt
	jmp 3b
notzero: EXIT 0x71
bad:	EXIT 0x72
small:	EXIT 0x73
