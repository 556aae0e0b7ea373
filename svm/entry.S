/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One trip into an AMD-V guest.
 *
 * void mv_svm_vmrun(u64 vmcb_pa, u64 *gprs, u64 host_save_pa)
 *
 * Called with interrupts off and GIF clear.  VMRUN and #VMEXIT switch only
 * part of the processor state (APM Vol. 2 "VMRUN" and "#VMEXIT"): RAX, RSP,
 * RIP, RFLAGS, CR0/3/4, EFER, CS/SS/DS/ES and the descriptor tables.  The
 * other general registers are ours to switch, and so is the hidden state of
 * FS, GS, TR and LDTR plus KernelGSBase, STAR/LSTAR/CSTAR/SFMASK and the
 * SYSENTER MSRs, which VMSAVE/VMLOAD move: the host's go to @host_save_pa
 * (a per-CPU page), the guest's live in its VMCB.  Between the host VMSAVE
 * and the host VMLOAD nothing may use %gs (per-CPU data); GIF = 0 keeps
 * NMIs and interrupts out of that window.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include "kmod/asm-offsets.h"

/* GPR_*: byte offsets in gprs[] (enum minivmm_gpr), from kmod/asm-offsets.h. */

/* Our three arguments, kept on the stack across VMRUN. */
#define ARG_VMCB_PA	0
#define ARG_GPRS	8
#define ARG_HOST_SAVE	16

	.section .text, "ax"

SYM_FUNC_START(mv_svm_vmrun)
	push	%rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx
	push	%rsi
	push	%rdi

	/* Host FS/GS/TR/LDTR hidden state and syscall MSRs. */
	mov	%rdx, %rax
	vmsave	%rax

	/* Guest GPRs but RAX and RSP, which VMRUN takes from the VMCB. */
	mov	ARG_GPRS(%rsp), %rax
	mov	GPR_RCX(%rax), %rcx
	mov	GPR_RDX(%rax), %rdx
	mov	GPR_RBX(%rax), %rbx
	mov	GPR_RBP(%rax), %rbp
	mov	GPR_RSI(%rax), %rsi
	mov	GPR_RDI(%rax), %rdi
	mov	GPR_R8(%rax), %r8
	mov	GPR_R9(%rax), %r9
	mov	GPR_R10(%rax), %r10
	mov	GPR_R11(%rax), %r11
	mov	GPR_R12(%rax), %r12
	mov	GPR_R13(%rax), %r13
	mov	GPR_R14(%rax), %r14
	mov	GPR_R15(%rax), %r15

	mov	ARG_VMCB_PA(%rsp), %rax
	vmload	%rax
	/*
	 * IF = 1 across VMRUN so that a physical interrupt causes an INTR
	 * #VMEXIT; with GIF = 0 it then stays pending until the caller's
	 * STGI and local_irq_enable().
	 */
	/* Last memory access before VMRUN: VERW where the host asks (TSA). */
	VM_CLEAR_CPU_BUFFERS
	sti
	vmrun	%rax
	/* #VMEXIT restored RAX (= vmcb_pa), RSP and RFLAGS (IF = 1). */
	cli
	vmsave	%rax

	mov	ARG_GPRS(%rsp), %rax
	mov	%rcx, GPR_RCX(%rax)
	mov	%rdx, GPR_RDX(%rax)
	mov	%rbx, GPR_RBX(%rax)
	mov	%rbp, GPR_RBP(%rax)
	mov	%rsi, GPR_RSI(%rax)
	mov	%rdi, GPR_RDI(%rax)
	mov	%r8, GPR_R8(%rax)
	mov	%r9, GPR_R9(%rax)
	mov	%r10, GPR_R10(%rax)
	mov	%r11, GPR_R11(%rax)
	mov	%r12, GPR_R12(%rax)
	mov	%r13, GPR_R13(%rax)
	mov	%r14, GPR_R14(%rax)
	mov	%r15, GPR_R15(%rax)

	mov	ARG_HOST_SAVE(%rsp), %rax
	vmload	%rax

	/*
	 * The guest may have poisoned the return stack buffer: refill it
	 * where the host's Spectre v2 mitigation asks for that on VM exit.
	 */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	/* Leave no guest values in registers (speculation hygiene). */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	/* Before the first RET: retbleed/SRSO untraining (clobbers AX/CX/DX). */
	UNTRAIN_RET

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(mv_svm_vmrun)
