# SPDX-License-Identifier: GPL-2.0
# Hypercall number 2, ITERS times (VMCALL on GenuineIntel, else VMMCALL).
# minivmm: MINIVMM_HC_NOP, returns 0.  KVM: 2 is the retired KVM_HC_MMU_OP,
# which kvm_emulate_hypercall() answers with -KVM_ENOSYS in the kernel.
# Either way one full hypercall exit round trip, no exit to user space.
	.code64
	.include "bench.inc"
	.equ HC_NOP, 2
	.globl _start
_start:
	VENDOR_HC
	mov $ITERS, %r12
	TSC_START
	test %r15d, %r15d
	jnz 2f
1:	mov $HC_NOP, %eax
	vmmcall
	dec %r12
	jnz 1b
	jmp 3f
2:	mov $HC_NOP, %eax
	vmcall
	dec %r12
	jnz 2b
3:	REPORT
