// SPDX-License-Identifier: GPL-2.0
/*
 * CPU models (enum minivmm_cpu_model): the baseline CPU's CPUID, and the
 * CR4 bits a guest of each model may set.  The baseline is a constant
 * table, not a filter of the host's CPUID, so that a VM looks the same on
 * every host it is restored on, AMD or Intel; a host that lacks one of its
 * features refuses to create such a VM instead of showing less.
 */
#include <linux/kernel.h>
#include <linux/netlink.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include "minivmm.h"

#define MV_BASELINE_MAX_BASIC	7
#define MV_BASELINE_MAX_EXT	0x80000008
#define MV_BASELINE_VENDOR	"MinivmmBasic"	/* EBX, EDX, ECX of leaf 0 */
#define MV_BASELINE_SIGNATURE	0x00000600	/* family 6, model 0, stepping 0 */
#define MV_BASELINE_CLFLUSH	(8 << 8)	/* CLFLUSH line: 8 x 8 bytes */
#define MV_BASELINE_ADDR_BITS	0x3024		/* 48 bits virtual, 36 physical */
/* Bits minivmm provides itself, whatever the host has. */
#define MV_BASELINE_1_ECX_OURS	BIT(31)		/* hypervisor present */
#define MV_BASELINE_1_EDX_OURS	BIT(9)		/* the local APIC */

static const char mv_baseline_brand[48] = "minivmm baseline x86-64-v2 CPU";

/* CR4 bits a baseline guest may set: what its CPUID shows, no more. */
#define MV_BASELINE_CR4	(X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE | \
			 X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

bool mv_cpu_model_baseline(const struct mv_vm *vm)
{
	return vm->cpu_model == MINIVMM_CPU_BASELINE;
}

u64 mv_cpu_model_cr4(const struct mv_vm *vm)
{
	return mv_cpu_model_baseline(vm) ? MV_BASELINE_CR4 : ~0ULL;
}

/* 0, or -EOPNOTSUPP with a sentence when this host cannot be @model. */
int mv_cpu_model_check_host(u32 model, struct netlink_ext_ack *extack)
{
	u32 a, b, c, d, miss_c, miss_d;

	if (model != MINIVMM_CPU_BASELINE)
		return 0;
	cpuid(1, &a, &b, &c, &d);
	miss_c = MINIVMM_BASELINE_1_ECX & ~MV_BASELINE_1_ECX_OURS & ~c;
	miss_d = MINIVMM_BASELINE_1_EDX & ~MV_BASELINE_1_EDX_OURS & ~d;
	cpuid(0x80000001, &a, &b, &c, &d);
	miss_c |= MINIVMM_BASELINE_X1_ECX & ~c;
	miss_d |= MINIVMM_BASELINE_X1_EDX & ~d;
	if (miss_c || miss_d) {
		NL_SET_ERR_MSG(extack, "this host's CPU lacks features of the baseline CPU model");
		return -EOPNOTSUPP;
	}
	return 0;
}

static u32 mv_str_word(const char *s, unsigned int i)
{
	u32 w;

	memcpy(&w, s + 4 * i, sizeof(w));
	return w;
}

/* CPUID of the baseline CPU; the hypervisor leaves are the caller's. */
void mv_cpuid_baseline(struct mv_vcpu *vcpu, u32 leaf, u32 *a, u32 *b,
		       u32 *c, u32 *d)
{
	*a = *b = *c = *d = 0;
	switch (leaf) {
	case 0:
		*a = MV_BASELINE_MAX_BASIC;
		*b = mv_str_word(MV_BASELINE_VENDOR, 0);
		*d = mv_str_word(MV_BASELINE_VENDOR, 1);
		*c = mv_str_word(MV_BASELINE_VENDOR, 2);
		break;
	case 1:
		*a = MV_BASELINE_SIGNATURE;
		*b = MV_BASELINE_CLFLUSH | (vcpu->apic.id << 24);
		*c = MINIVMM_BASELINE_1_ECX;
		*d = MINIVMM_BASELINE_1_EDX;
		break;
	case 0x80000000:
		*a = MV_BASELINE_MAX_EXT;
		break;
	case 0x80000001:
		*c = MINIVMM_BASELINE_X1_ECX;
		*d = MINIVMM_BASELINE_X1_EDX;
		break;
	case 0x80000002 ... 0x80000004:
		*a = mv_str_word(mv_baseline_brand, (leaf - 0x80000002) * 4);
		*b = mv_str_word(mv_baseline_brand, (leaf - 0x80000002) * 4 + 1);
		*c = mv_str_word(mv_baseline_brand, (leaf - 0x80000002) * 4 + 2);
		*d = mv_str_word(mv_baseline_brand, (leaf - 0x80000002) * 4 + 3);
		break;
	case 0x80000008:
		*a = MV_BASELINE_ADDR_BITS;
		break;
	default:	/* leaves 2-7 and 0x80000005-7: nothing to show */
		break;
	}
}
