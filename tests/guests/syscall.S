# SPDX-License-Identifier: GPL-2.0
# Long mode: the guest's own SYSCALL/SYSRET.  Sets its own GDT, STAR, LSTAR
# and SFMASK (TF IF DF), drops to ring 3 with SYSRET and makes NLOOPS
# system calls.  Each must arrive at this guest's handler in ring 0 with
# DF masked (SFMASK) and the caller's RFLAGS in R11, and return to ring 3
# (CS 0x2b); every 64th call the handler also exits to the host (CPUID),
# so the hypervisor switches the syscall MSRs in between.  A SYSCALL that
# went to the host's LSTAR never comes back here.
# Exit 0x60 and "syscall: ok" if all good, else 0x61..0x6f:
#   0x61 LSTAR reads back wrong, 0x62 wrong CS/flags in the handler,
#   0x63 the handler's count or CS disagrees in ring 3.
	.code64
	.include "lib64.inc"
	.equ NLOOPS, 10000
	.equ USTACK, 0x80000
	.equ PML4, 0x1000		# minivmmctl's long-mode page tables
	.equ PDPT, 0x2000
	.equ PD0, 0x3000
	.equ MSR_EFER, 0xc0000080
	.equ MSR_STAR, 0xc0000081
	.equ MSR_LSTAR, 0xc0000082
	.equ MSR_SFMASK, 0xc0000084
	.equ KCS, 0x08			# STAR[47:32]; SS = 0x10
	.equ UBASE, 0x18		# STAR[63:48]: SS 0x20|3, CS 0x28|3
	.equ UCS, 0x2b
	.equ SC_COUNT, 0
	.equ SC_DONE, 1
	.equ SC_BAD, 2
	.globl _start
_start:
	lgdt gdtr(%rip)
	pushq $KCS
	lea 1f(%rip), %rax
	push %rax
	lretq
1:	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss

	# Ring 3 may use the first 16 MiB: U bit at every level.
	orq $4, PML4
	orq $4, PDPT
	mov $PD0, %edi
2:	orq $4, (%rdi)
	add $8, %edi
	cmp $PD0 + 8 * 8, %edi
	jb 2b
	mov %cr3, %rax
	mov %rax, %cr3

	mov $MSR_EFER, %ecx		# SCE
	rdmsr
	or $1, %eax
	wrmsr
	mov $MSR_STAR, %ecx
	xor %eax, %eax
	mov $(UBASE << 16) | KCS, %edx
	wrmsr
	mov $MSR_SFMASK, %ecx
	mov $0x700, %eax		# TF IF DF
	xor %edx, %edx
	wrmsr
	mov $MSR_LSTAR, %ecx
	lea handler(%rip), %rax
	mov %rax, %rdx
	shr $32, %rdx
	wrmsr
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	lea handler(%rip), %rbx
	cmp %rbx, %rax
	je 3f
	EXIT 0x61

3:	xor %r13d, %r13d		# calls the handler counted
	lea user(%rip), %rcx
	mov $0x402, %r11d		# DF set in ring 3: SFMASK must clear it
	mov $USTACK, %rsp
	sysretq

# Ring 3.
user:
	xor %r12d, %r12d
4:	mov $SC_COUNT, %eax
	syscall
	inc %r12
	cmp %r12, %r13
	jne 5f
	mov %cs, %eax
	cmp $UCS, %eax
	jne 5f
	cmp $NLOOPS, %r12
	jb 4b
	mov $SC_DONE, %eax
	syscall
5:	mov $SC_BAD, %eax
	syscall

# Ring 0, on the ring-3 stack (identity-mapped, no SMAP).
handler:
	mov %cs, %r8d
	cmp $KCS, %r8d
	jne kbad
	pushfq
	pop %r9
	test $0x400, %r9		# DF masked
	jnz kbad
	test $0x400, %r11		# the caller's DF
	jz kbad
	cmp $SC_DONE, %eax
	je done
	cmp $SC_BAD, %eax
	je ubad
	inc %r13
	test $63, %r13
	jnz 6f
	mov %rcx, %r10			# an exit to the host
	xor %eax, %eax
	cpuid
	mov %r10, %rcx
6:	sysretq

done:	PUTS m_ok
	EXIT 0x60
kbad:	PUTS m_kbad
	EXIT 0x62
ubad:	PUTS m_ubad
	EXIT 0x63

	.balign 8
gdt:	.quad 0
	.quad 0x00af9a000000ffff	# 0x08 kernel code, 64-bit
	.quad 0x00cf92000000ffff	# 0x10 kernel data
	.quad 0x00cffa000000ffff	# 0x18 user code, 32-bit (unused)
	.quad 0x00cff2000000ffff	# 0x20 user data
	.quad 0x00affa000000ffff	# 0x28 user code, 64-bit
gdt_end:
gdtr:	.word gdt_end - gdt - 1
	.quad gdt
m_ok:	.asciz "syscall: ok\n"
m_kbad:	.asciz "syscall: wrong CS or RFLAGS in the handler\n"
m_ubad:	.asciz "syscall: the handler's count or ring-3 CS is wrong\n"
