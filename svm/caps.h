/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AMD-V capability decoding: pure functions over raw CPUID/MSR values, so
 * that the load-time decisions are unit-tested (tests/kunit).
 */
#ifndef MINIVMM_SVM_CAPS_H
#define MINIVMM_SVM_CAPS_H

#include <linux/types.h>

#define SVM_CPUID_EXT_ECX_SVM		BIT(2)	/* 8000_0001h:ECX */
#define SVM_VM_CR_SVMDIS		BIT_ULL(4)	/* VM_CR MSR */

/* CPUID 8000_000Ah:EDX, APM Vol. 3 E.4.9 */
#define SVM_FEAT_NPT			BIT(0)
#define SVM_FEAT_NRIPS			BIT(3)
#define SVM_FEAT_VMCB_CLEAN		BIT(5)
#define SVM_FEAT_FLUSH_BY_ASID		BIT(6)
#define SVM_FEAT_DECODE_ASSISTS		BIT(7)
#define SVM_FEAT_PAUSE_FILTER		BIT(10)
#define SVM_FEAT_VGIF			BIT(16)

struct svm_caps_raw {
	u32 max_ext_leaf;	/* CPUID 8000_0000h:EAX */
	u32 ext_ecx;		/* CPUID 8000_0001h:ECX */
	u64 vm_cr;		/* MSR C001_0114h */
	u32 svm_ebx;		/* CPUID 8000_000Ah:EBX: number of ASIDs */
	u32 svm_edx;		/* CPUID 8000_000Ah:EDX: SVM features */
};

struct svm_caps {
	u32 nr_asids;
	u32 features_edx;
	u64 features;		/* MINIVMM_FEAT(...) */
};

const char *svm_caps_check(const struct svm_caps_raw *raw,
			   struct svm_caps *caps);

#endif /* MINIVMM_SVM_CAPS_H */
