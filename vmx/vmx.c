// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VT-x backend: probe, VMXON/VMXOFF on each CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include "minivmm.h"
#include "vmx/caps.h"

static struct vmx_caps vmx_caps __ro_after_init;

/* The VMXON region of each CPU; allocated on first enable, kept until
 * module exit so a CPU going offline and back reuses it.
 */
static DEFINE_PER_CPU(struct page *, vmx_vmxon_page);

static int vmx_read_caps(struct vmx_caps_raw *raw)
{
	bool true_ctls;

	memset(raw, 0, sizeof(*raw));
	raw->cpuid1_ecx = cpuid_ecx(1);
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &raw->feature_control) ||
	    rdmsrl_safe(MSR_IA32_VMX_BASIC, &raw->basic))
		return -EIO;
	true_ctls = raw->basic & VMX_BASIC_TRUE_CTLS_BIT;
	if (rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			MSR_IA32_VMX_PINBASED_CTLS, &raw->pinbased) ||
	    rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			MSR_IA32_VMX_PROCBASED_CTLS, &raw->procbased))
		return -EIO;
	/* The secondary and EPT MSRs exist only if their controls do. */
	if (VMX_ALLOWED1(raw->procbased, VMX_PROC_SECONDARY))
		rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &raw->procbased2);
	if (VMX_ALLOWED1(raw->procbased2, VMX_PROC2_EPT) ||
	    VMX_ALLOWED1(raw->procbased2, VMX_PROC2_VPID))
		rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &raw->ept_vpid_cap);
	return 0;
}

static int vmx_probe(u64 *features)
{
	struct vmx_caps_raw raw;
	const char *why;

	if (vmx_read_caps(&raw)) {
		pr_err("cannot load: the VMX capability MSRs cannot be read; VT-x is unusable on this CPU\n");
		return -ENODEV;
	}
	why = vmx_caps_check(&raw, &vmx_caps);
	if (why) {
		pr_err("cannot load: %s\n", why);
		return -ENODEV;
	}
	*features = vmx_caps.features;
	return 0;
}

static int vmx_hardware_setup(void)
{
	return 0;
}

static void vmx_hardware_unsetup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page *page = per_cpu(vmx_vmxon_page, cpu);

		if (page)
			__free_page(page);
		per_cpu(vmx_vmxon_page, cpu) = NULL;
	}
}

static int vmx_vmxon(u64 pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jbe %l[fail]\n\t"		/* CF or ZF: VMfail */
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (pa) : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

/* VMXOFF; false if it faulted (VMX was not on after all). */
static bool vmx_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fault);
	return true;
fault:
	return false;
}

/* CR0 and CR4 must honour IA32_VMX_CR{0,4}_FIXED{0,1} while in VMX mode. */
static bool vmx_cr_fixed_ok(unsigned long cr, u32 fixed0_msr, u32 fixed1_msr)
{
	u64 fixed0, fixed1;

	rdmsrl(fixed0_msr, fixed0);
	rdmsrl(fixed1_msr, fixed1);
	return (cr & fixed0) == fixed0 && (cr & ~fixed1) == 0;
}

static struct page *vmx_vmxon_region(void)
{
	struct page *page = this_cpu_read(vmx_vmxon_page);

	if (!page) {
		page = alloc_pages_node(cpu_to_node(smp_processor_id()),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page)
			return NULL;
		this_cpu_write(vmx_vmxon_page, page);
	}
	*(u32 *)page_address(page) = vmx_caps.revision_id;
	return page;
}

static int vmx_cpu_enable(void)
{
	int cpu = smp_processor_id();
	struct page *page;
	int ret;

	if (__read_cr4() & X86_CR4_VMXE) {
		pr_err("cannot load: VT-x is already in use on CPU %d by another hypervisor (KVM?); unload it first ('modprobe -r kvm_intel'), or on Linux >= 6.12 load kvm with enable_virt_at_load=0\n",
		       cpu);
		return -EBUSY;
	}
	page = vmx_vmxon_region();
	if (!page)
		return -ENOMEM;

	intel_pt_handle_vmx(1);
	cr4_set_bits(X86_CR4_VMXE);
	if (!vmx_cr_fixed_ok(read_cr0(), MSR_IA32_VMX_CR0_FIXED0,
			     MSR_IA32_VMX_CR0_FIXED1) ||
	    !vmx_cr_fixed_ok(__read_cr4(), MSR_IA32_VMX_CR4_FIXED0,
			     MSR_IA32_VMX_CR4_FIXED1)) {
		pr_err("cannot load: CR0/CR4 on CPU %d violate the VMX fixed bits\n",
		       cpu);
		ret = -EIO;
		goto err;
	}
	ret = vmx_vmxon(page_to_phys(page));
	if (ret) {
		pr_err("cannot load: VMXON failed on CPU %d (%s)\n", cpu,
		       ret == -EIO ? "VMfail" : "fault");
		goto err;
	}
	return 0;
err:
	cr4_clear_bits(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
	return ret;
}

static void vmx_cpu_disable(void)
{
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
}

/* NMI context on reboot/crash: VMXOFF so INIT works again. */
static void vmx_emergency_disable(void)
{
	if (__read_cr4() & X86_CR4_VMXE) {
		vmx_vmxoff();
		cr4_clear_bits(X86_CR4_VMXE);
	}
}

const struct mv_vendor_ops mv_vmx_ops = {
	.name			= "vmx",
	.vendor			= MINIVMM_VENDOR_VMX,
	.probe			= vmx_probe,
	.hardware_setup		= vmx_hardware_setup,
	.hardware_unsetup	= vmx_hardware_unsetup,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
	.emergency_disable	= vmx_emergency_disable,
};
