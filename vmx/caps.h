/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VT-x capability decoding: pure functions over raw CPUID/MSR values,
 * so that the load-time decisions are unit-tested (tests/kunit).
 */
#ifndef MINIVMM_VMX_CAPS_H
#define MINIVMM_VMX_CAPS_H

#include <linux/types.h>

/* IA32_FEATURE_CONTROL (MSR 0x3a) */
#define VMX_FC_LOCKED			BIT_ULL(0)
#define VMX_FC_VMXON_OUTSIDE_SMX	BIT_ULL(2)

/* IA32_VMX_BASIC (MSR 0x480), SDM Vol. 3D A.1 */
#define VMX_BASIC_REVISION_MASK		GENMASK_ULL(30, 0)
#define VMX_BASIC_VMCS_SIZE(b)		(((b) >> 32) & 0x1fff)
#define VMX_BASIC_ADDR32		BIT_ULL(48)	/* 32-bit phys limit */
#define VMX_BASIC_MEMTYPE(b)		(((b) >> 50) & 0xf)
#define VMX_BASIC_TRUE_CTLS_BIT		BIT_ULL(55)
#define VMX_MEMTYPE_WB			6

/* Allowed-1 settings are the high 32 bits of each control MSR (A.3-A.5). */
#define VMX_ALLOWED1(msr, bit)		(((msr) >> 32) & BIT_ULL(bit))
#define VMX_PIN_PREEMPT_TIMER		6
#define VMX_PROC_SECONDARY		31
#define VMX_PROC2_EPT			1
#define VMX_PROC2_RDTSCP		3
#define VMX_PROC2_VPID			5
#define VMX_PROC2_UNRESTRICTED		7
#define VMX_PROC2_PAUSE_LOOP		10

/* IA32_VMX_EPT_VPID_CAP (MSR 0x48c), A.10 */
#define VMX_EPT_CAP_WALK4		BIT_ULL(6)
#define VMX_EPT_CAP_WB			BIT_ULL(14)
#define VMX_EPT_CAP_2M			BIT_ULL(16)
#define VMX_EPT_CAP_AD			BIT_ULL(21)

/* Raw values, read once on the CPU running module init. */
struct vmx_caps_raw {
	u32 cpuid1_ecx;
	u64 feature_control;
	u64 basic;
	u64 pinbased;		/* TRUE_ variant when basic bit 55 is set */
	u64 procbased;		/* ditto */
	u64 procbased2;
	u64 ept_vpid_cap;
};

struct vmx_caps {
	u32 revision_id;	/* first word of VMXON region and every VMCS */
	u32 vmcs_size;
	bool true_ctls;
	u64 features;		/* MINIVMM_FEAT(...) */
};

const char *vmx_caps_check(const struct vmx_caps_raw *raw,
			   struct vmx_caps *caps);

#endif /* MINIVMM_VMX_CAPS_H */
