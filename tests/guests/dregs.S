# SPDX-License-Identifier: GPL-2.0
# Long mode: the guest's own DR0-3, DR6 and TSC_AUX.  A fresh guest reads
# the reset values (DR0-3 0, DR6 0xffff0ff0, DR7 0x400, TSC_AUX 0), sets
# its own (from its TSC, so that each VM's differ), exits to the host
# NLOOPS times (hypercall NOP) and finds them unchanged each time: by
# RDMSR, by RDTSCP where it runs (it must where CPUID offers it; AMD-V
# cannot stop it) and by RDPID where CPUID offers that.  Run several at
# once on fewer host CPUs, a VM would see another one's values (or a
# fresh one the old values) if they were not switched.
# Where CPUID offers protection keys, the same for PKRU: CR4.PKE on, a
# fresh guest reads 0, then its own value (keys 1-15) survives.
# Exit 0x60 and "dregs: ok" if all good, else 0x61..0x6f (messages);
# before it "dregs: rdtscp ok" / "dregs: rdpid ok" / "dregs: pkru ok" for
# what was checked.
	.code64
	.include "lib64.inc"
	.equ NLOOPS, 20000
	.equ HC_NOP, 2
	.equ IDT, 0x70000
	.equ MSR_TSC_AUX, 0xc0000103
	.globl _start
_start:
	call hc_init
	mov $IDT, %edi			# #GP: RDMSR/WRMSR refused, skip 2
	mov $13, %ecx
	lea gp_handler(%rip), %rax
	call set_gate
	mov $IDT, %edi			# #UD: RDTSCP not enabled, skip 3
	mov $6, %ecx
	lea ud_handler(%rip), %rax
	call set_gate
	lidt idtr(%rip)
	xor %r13d, %r13d		# #UD count
	xor %r14d, %r14d		# #GP count
	mov $0x80000001, %eax		# what CPUID offers
	cpuid
	shr $27, %edx
	and $1, %edx
	mov %edx, rdtscp_offered(%rip)
	mov $7, %eax
	xor %ecx, %ecx
	cpuid
	mov %ecx, %edx
	shr $22, %ecx
	and $1, %ecx
	mov %ecx, rdpid_offered(%rip)
	shr $3, %edx			# PKU
	and $1, %edx
	mov %edx, pku_offered(%rip)

	rdtsc				# this VM's values: seed in EAX
	or $1, %eax
	mov %eax, aux(%rip)
	shl $12, %rax			# DRn = seed << 12 + n * 0x1000
	lea dr(%rip), %rdi
	mov $4, %ecx
0:	mov %rax, (%rdi)
	add $0x1000, %rax
	add $8, %rdi
	loop 0b

	# Reset values.
	mov %db0, %rax
	mov %db1, %rbx
	or %rbx, %rax
	mov %db2, %rbx
	or %rbx, %rax
	mov %db3, %rbx
	or %rbx, %rax
	jnz dr_reset_bad
	mov %db6, %rax
	mov $0xffff0ff0, %ebx
	cmp %rbx, %rax
	jne dr_reset_bad
	mov %db7, %rax
	cmp $0x400, %rax
	jne dr_reset_bad
	mov $MSR_TSC_AUX, %ecx
	rdmsr
	test %r14d, %r14d
	jnz no_aux
	or %edx, %eax
	jnz aux_reset_bad
	mov aux(%rip), %eax
	xor %edx, %edx
	wrmsr
	test %r14d, %r14d
	jnz aux_bad
	mov $1, %r12d			# TSC_AUX exists
	jmp 1f
no_aux:	PUTS m_no_aux
	xor %r12d, %r12d
1:
	cmpl $0, pku_offered(%rip)
	je 1f
	mov %cr4, %rax			# protection keys on
	bts $22, %rax
	mov %rax, %cr4
	mov $7, %eax			# and CPUID says so (OSPKE)
	xor %ecx, %ecx
	cpuid
	bt $4, %ecx
	jnc pkru_reset_bad
	xor %ecx, %ecx
	rdpkru
	test %eax, %eax
	jnz pkru_reset_bad
	mov aux(%rip), %eax		# keys 1-15 from the seed; key 0 open
	shl $2, %eax
	or $4, %eax
	mov %eax, pkru(%rip)
	xor %ecx, %ecx
	xor %edx, %edx
	wrpkru
1:
	# Our own values.
	mov dr(%rip), %rax
	mov %rax, %db0
	mov dr + 8(%rip), %rax
	mov %rax, %db1
	mov dr + 16(%rip), %rax
	mov %rax, %db2
	mov dr + 24(%rip), %rax
	mov %rax, %db3
	mov $0xffff0ff1, %eax		# B0, as if breakpoint 0 had hit
	mov %rax, %db6

	pushq $NLOOPS			# R15 is hypercall's
2:	mov $HC_NOP, %eax
	call hypercall
	call check
	jne dr_bad
	test %r12d, %r12d
	jz 3f
	mov $MSR_TSC_AUX, %ecx
	rdmsr
	cmp aux(%rip), %eax
	jne aux_bad
	xor %ecx, %ecx
	rdtscp
	test %r13d, %r13d		# #UD: not offered here (VT-x)
	jnz 5f
	cmp aux(%rip), %ecx
	jne aux_bad
	cmpl $0, rdpid_offered(%rip)
	je 3f
	xor %eax, %eax
	rdpid %rax
	cmp aux(%rip), %eax
	jne aux_bad
	jmp 3f
5:	cmpl $0, rdtscp_offered(%rip)
	jne ud_bad
3:	cmpl $0, pku_offered(%rip)
	je 7f
	xor %ecx, %ecx
	rdpkru
	cmp pkru(%rip), %eax
	jne pkru_bad
7:	decq (%rsp)
	jnz 2b
	test %r12d, %r12d
	jz 6f
	test %r13d, %r13d
	jnz 6f
	PUTS m_rdtscp_ok
	cmpl $0, rdpid_offered(%rip)
	je 6f
	PUTS m_rdpid_ok
6:	cmpl $0, pku_offered(%rip)
	je 8f
	PUTS m_pkru_ok
8:	PUTS m_ok
	EXIT 0x60

# ZF set when DR0-3 and DR6 hold our values.  Clobbers RAX RBX.
check:
	mov %db0, %rax
	cmp dr(%rip), %rax
	jne 4f
	mov %db1, %rax
	cmp dr + 8(%rip), %rax
	jne 4f
	mov %db2, %rax
	cmp dr + 16(%rip), %rax
	jne 4f
	mov %db3, %rax
	cmp dr + 24(%rip), %rax
	jne 4f
	mov %db6, %rax
	mov $0xffff0ff1, %ebx
	cmp %rbx, %rax
4:	ret

dr_reset_bad:	PUTS m_dr_reset
	EXIT 0x61
aux_reset_bad:	PUTS m_aux_reset
	EXIT 0x62
dr_bad:		PUTS m_dr
	EXIT 0x63
aux_bad:	PUTS m_aux
	EXIT 0x64
ud_bad:		PUTS m_ud
	EXIT 0x65
pkru_reset_bad:	PUTS m_pkru_reset
	EXIT 0x66
pkru_bad:	PUTS m_pkru
	EXIT 0x67

gp_handler:
	inc %r14d
	add $8, %rsp			# error code
	addq $2, (%rsp)
	iretq
ud_handler:
	inc %r13d
	addq $3, (%rsp)
	iretq

	.balign 8
dr:	.quad 0, 0, 0, 0		# this VM's DR0-3
aux:	.long 0				# and TSC_AUX
rdtscp_offered:	.long 0			# CPUID 8000_0001h EDX[27]
rdpid_offered:	.long 0			# CPUID 7.0 ECX[22]
pku_offered:	.long 0			# CPUID 7.0 ECX[3]
pkru:		.long 0			# this VM's PKRU
idtr:	.word 16 * 32 - 1
	.quad IDT
m_ok:		.asciz "dregs: ok\n"
m_no_aux:	.asciz "dregs: no TSC_AUX here (#GP)\n"
m_dr_reset:	.asciz "dregs: a fresh guest's DR0-3/DR6/DR7 are not the reset values\n"
m_aux_reset:	.asciz "dregs: a fresh guest's TSC_AUX is not 0\n"
m_dr:		.asciz "dregs: DR0-3/DR6 changed across exits\n"
m_aux:		.asciz "dregs: TSC_AUX (RDMSR, RDTSCP or RDPID) is not ours\n"
m_ud:		.asciz "dregs: CPUID offers RDTSCP, yet it raised #UD\n"
m_rdtscp_ok:	.asciz "dregs: rdtscp ok\n"
m_rdpid_ok:	.asciz "dregs: rdpid ok\n"
m_pkru_ok:	.asciz "dregs: pkru ok\n"
m_pkru_reset:	.asciz "dregs: after CR4.PKE, CPUID's OSPKE is clear or a fresh guest's PKRU is not 0\n"
m_pkru:		.asciz "dregs: PKRU changed across exits\n"
