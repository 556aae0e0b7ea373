// SPDX-License-Identifier: GPL-2.0
/*
 * Offsets the entry code (svm/entry.S, vmx/entry.S) uses, generated from
 * the C layout into kmod/asm-offsets.h at build time (see Kbuild), so that
 * only the compiler ties the assembly to enum minivmm_gpr.
 */
#include <linux/kbuild.h>
#include <linux/stddef.h>
#include "uapi/minivmm.h"

#define GPR(name, reg) \
	DEFINE(name, offsetof(struct minivmm_regs, gprs[reg]) - \
		     offsetof(struct minivmm_regs, gprs[0]))

int main(void)
{
	GPR(GPR_RAX, MINIVMM_RAX);
	GPR(GPR_RCX, MINIVMM_RCX);
	GPR(GPR_RDX, MINIVMM_RDX);
	GPR(GPR_RBX, MINIVMM_RBX);
	GPR(GPR_RSP, MINIVMM_RSP);
	GPR(GPR_RBP, MINIVMM_RBP);
	GPR(GPR_RSI, MINIVMM_RSI);
	GPR(GPR_RDI, MINIVMM_RDI);
	GPR(GPR_R8, MINIVMM_R8);
	GPR(GPR_R9, MINIVMM_R9);
	GPR(GPR_R10, MINIVMM_R10);
	GPR(GPR_R11, MINIVMM_R11);
	GPR(GPR_R12, MINIVMM_R12);
	GPR(GPR_R13, MINIVMM_R13);
	GPR(GPR_R14, MINIVMM_R14);
	GPR(GPR_R15, MINIVMM_R15);
	return 0;
}
