/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One trip into a VT-x guest.
 *
 * int mv_vmx_vmrun(u64 *gprs, bool launched)
 *
 * Called with interrupts off and the vCPU's VMCS current on this CPU, its
 * host-state fields written except HOST_RSP, which is written here; HOST_RIP
 * is mv_vmx_vmexit below.  VM entry loads the guest's RSP, RIP and RFLAGS
 * from the VMCS; every other general register is switched here.  A VM exit
 * lands at mv_vmx_vmexit with RSP = HOST_RSP and all other general registers
 * still holding the guest's values (SDM Vol. 3C 28.5: the exit loads RSP,
 * RIP, control registers, segments, but no other GPR).
 *
 * Returns 0 after a VM exit; VMX_ENTRY_FAIL_INVALID (2) when VMLAUNCH or
 * VMRESUME failed with CF = 1 (no current VMCS), VMX_ENTRY_FAIL_VALID (1)
 * when it failed with ZF = 1 (the error is in VM_INSTRUCTION_ERROR).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include "kmod/asm-offsets.h"
#include <linux/objtool.h>
#include <asm/unwind_hints.h>

/* GPR_*: byte offsets in gprs[] (enum minivmm_gpr), from kmod/asm-offsets.h. */

/* VMCS encoding of HOST_RSP (vmx/vmcs.h, SDM Vol. 3D B.4.4). */
#define VMCS_HOST_RSP_ENC	0x6c14

#define FAIL_VALID	1
#define FAIL_INVALID	2

	.section .text, "ax"

SYM_FUNC_START(mv_vmx_vmrun)
	push	%rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* @gprs stays at 0(%rsp), which is where HOST_RSP points. */
	push	%rdi

	mov	$VMCS_HOST_RSP_ENC, %eax
	vmwrite	%rsp, %rax

	/*
	 * CF from here decides VMLAUNCH (launched == 0) or VMRESUME: VERW
	 * below changes ZF only.
	 */
	bt	$0, %esi

	/* Guest GPRs but RSP (VMCS), RAX last: it holds the pointer. */
	mov	%rdi, %rax
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
	mov	GPR_RAX(%rax), %rax

	/* Last memory access before entry: VERW where the host asks (MDS). */
	CLEAR_CPU_BUFFERS

	jc	.Lvmresume

	/*
	 * A successful VMLAUNCH/VMRESUME continues at mv_vmx_vmexit (HOST_RIP)
	 * with this very stack: tell objtool the frame is the same there.
	 */
	UNWIND_HINT_SAVE
	vmlaunch
	jmp	.Lvmfail

.Lvmresume:
	vmresume
	/* Fall through: VMfail.  CF = 1: VMfailInvalid, ZF = 1: VMfailValid. */

.Lvmfail:
	/* MOV leaves the flags alone. */
	mov	$FAIL_INVALID, %eax
	jc	1f
	mov	$FAIL_VALID, %eax
1:	add	$8, %rsp
	jmp	.Lout

SYM_INNER_LABEL(mv_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	/* Reached through HOST_RIP, never an indirect branch (objtool, IBT). */
	ANNOTATE_NOENDBR
	/* Guest GPRs back to gprs[]; RSP came back from HOST_RSP. */
	push	%rax
	mov	8(%rsp), %rax
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
	popq	GPR_RAX(%rax)
	add	$8, %rsp

	/*
	 * The guest may have poisoned the return stack buffer: refill it
	 * where the host's Spectre v2 mitigation asks for that on VM exit
	 * (one entry suffices against PBRSB with eIBRS: RSB_VMEXIT_LITE).
	 */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	xor	%eax, %eax

.Lout:
	/* Leave no guest values in registers (speculation hygiene). */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(mv_vmx_vmrun)
