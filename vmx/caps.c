// SPDX-License-Identifier: GPL-2.0
/*
 * Decide from raw CPUID/MSR values whether minivmm can use VT-x here.
 * Returns NULL and fills *caps when it can; otherwise a sentence for the
 * kernel log that says why not and what to do.
 */
#include <linux/bits.h>
#include "uapi/minivmm.h"
#include "vmx/caps.h"

#define CPUID1_ECX_VMX	BIT(5)

static const char *vmx_check_enabled(const struct vmx_caps_raw *raw)
{
	if (!(raw->cpuid1_ecx & CPUID1_ECX_VMX))
		return "the CPU does not support Intel VT-x (VMX)";
	if (!(raw->feature_control & VMX_FC_LOCKED))
		return "IA32_FEATURE_CONTROL is unlocked, so VT-x is off; enable Intel Virtualization Technology in the firmware (BIOS/UEFI) setup";
	if (!(raw->feature_control & VMX_FC_VMXON_OUTSIDE_SMX))
		return "VT-x is disabled by the firmware (IA32_FEATURE_CONTROL); enable Intel Virtualization Technology in the BIOS/UEFI setup";
	return NULL;
}

static const char *vmx_check_basic(const struct vmx_caps_raw *raw)
{
	if (VMX_BASIC_MEMTYPE(raw->basic) != VMX_MEMTYPE_WB)
		return "the CPU wants VMCS memory that is not write-back, which minivmm does not support";
	if (raw->basic & VMX_BASIC_ADDR32)
		return "the CPU limits VMX structures to 32-bit addresses, which minivmm does not support";
	if (VMX_BASIC_VMCS_SIZE(raw->basic) == 0 ||
	    VMX_BASIC_VMCS_SIZE(raw->basic) > 4096)
		return "the CPU reports an invalid VMCS size";
	return NULL;
}

static const char *vmx_check_ept(const struct vmx_caps_raw *raw)
{
	if (!VMX_ALLOWED1(raw->procbased, VMX_PROC_SECONDARY) ||
	    !VMX_ALLOWED1(raw->procbased2, VMX_PROC2_EPT))
		return "the CPU lacks EPT (extended page tables), which minivmm requires";
	if (!(raw->ept_vpid_cap & VMX_EPT_CAP_WALK4) ||
	    !(raw->ept_vpid_cap & VMX_EPT_CAP_WB))
		return "the CPU's EPT lacks 4-level walks or write-back tables, which minivmm requires";
	return NULL;
}

static u64 vmx_features(const struct vmx_caps_raw *raw)
{
	u64 f = MINIVMM_FEAT(NPT);

	if (raw->ept_vpid_cap & VMX_EPT_CAP_2M)
		f |= MINIVMM_FEAT(NPT_2M);
	if (raw->ept_vpid_cap & VMX_EPT_CAP_AD)
		f |= MINIVMM_FEAT(NPT_AD);
	if (VMX_ALLOWED1(raw->procbased2, VMX_PROC2_VPID))
		f |= MINIVMM_FEAT(TAGGED_TLB);
	if (VMX_ALLOWED1(raw->procbased2, VMX_PROC2_UNRESTRICTED))
		f |= MINIVMM_FEAT(UNRESTRICTED);
	if (VMX_ALLOWED1(raw->pinbased, VMX_PIN_PREEMPT_TIMER))
		f |= MINIVMM_FEAT(PREEMPT_TIMER);
	if (VMX_ALLOWED1(raw->procbased2, VMX_PROC2_PAUSE_LOOP))
		f |= MINIVMM_FEAT(PAUSE_LOOP);
	if (VMX_ALLOWED1(raw->procbased2, VMX_PROC2_RDTSCP))
		f |= MINIVMM_FEAT(RDTSCP);
	return f;
}

const char *vmx_caps_check(const struct vmx_caps_raw *raw,
			   struct vmx_caps *caps)
{
	const char *why;

	why = vmx_check_enabled(raw);
	if (!why)
		why = vmx_check_basic(raw);
	if (!why)
		why = vmx_check_ept(raw);
	if (why)
		return why;

	caps->revision_id = raw->basic & VMX_BASIC_REVISION_MASK;
	caps->vmcs_size = VMX_BASIC_VMCS_SIZE(raw->basic);
	caps->true_ctls = !!(raw->basic & VMX_BASIC_TRUE_CTLS_BIT);
	caps->features = vmx_features(raw);
	return NULL;
}
