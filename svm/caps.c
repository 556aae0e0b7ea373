// SPDX-License-Identifier: GPL-2.0
/*
 * Decide from raw CPUID/MSR values whether minivmm can use AMD-V here.
 * Returns NULL and fills *caps when it can; otherwise a sentence for the
 * kernel log that says why not and what to do.
 */
#include <linux/bits.h>
#include "uapi/minivmm.h"
#include "svm/caps.h"

static u64 svm_features(const struct svm_caps_raw *raw)
{
	/*
	 * Long-mode hosts always offer 2 MiB nested pages; ASIDs tag TLBs.
	 * RDTSCP and RDPID need no control under SVM (the core drops the bit
	 * on a host without either).
	 */
	u64 f = MINIVMM_FEAT(NPT) | MINIVMM_FEAT(NPT_2M) |
		MINIVMM_FEAT(TAGGED_TLB) | MINIVMM_FEAT(RDTSCP);

	if (raw->svm_edx & SVM_FEAT_NRIPS)
		f |= MINIVMM_FEAT(NRIPS);
	if (raw->svm_edx & SVM_FEAT_DECODE_ASSISTS)
		f |= MINIVMM_FEAT(DECODE_ASSISTS);
	if (raw->svm_edx & SVM_FEAT_FLUSH_BY_ASID)
		f |= MINIVMM_FEAT(FLUSH_BY_ASID);
	if (raw->svm_edx & SVM_FEAT_VMCB_CLEAN)
		f |= MINIVMM_FEAT(VMCB_CLEAN);
	if (raw->svm_edx & SVM_FEAT_VGIF)
		f |= MINIVMM_FEAT(VGIF);
	if (raw->svm_edx & SVM_FEAT_PAUSE_FILTER)
		f |= MINIVMM_FEAT(PAUSE_LOOP);
	return f;
}

const char *svm_caps_check(const struct svm_caps_raw *raw,
			   struct svm_caps *caps)
{
	if (raw->max_ext_leaf < 0x80000001 ||
	    !(raw->ext_ecx & SVM_CPUID_EXT_ECX_SVM))
		return "the CPU does not support AMD-V (SVM)";
	if (raw->vm_cr & SVM_VM_CR_SVMDIS)
		return "AMD-V is disabled by the firmware (VM_CR.SVMDIS); enable SVM/virtualization in the BIOS/UEFI setup";
	if (raw->max_ext_leaf < 0x8000000a || !(raw->svm_edx & SVM_FEAT_NPT))
		return "the CPU lacks nested paging (NPT), which minivmm requires";
	/* ASID 0 is the host's; a guest needs at least one more. */
	if (raw->svm_ebx < 2)
		return "the CPU reports no ASIDs for guests";

	caps->nr_asids = raw->svm_ebx;
	caps->features_edx = raw->svm_edx;
	caps->features = svm_features(raw);
	return NULL;
}
