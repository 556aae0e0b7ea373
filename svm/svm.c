// SPDX-License-Identifier: GPL-2.0
/*
 * AMD-V backend: probe, EFER.SVME and the host save area on each CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include "minivmm.h"
#include "svm/caps.h"

static struct svm_caps svm_caps __ro_after_init;

/* Host save area of each CPU (VM_HSAVE_PA); allocated on first enable and
 * kept until module exit, so a CPU going offline and back reuses it.
 */
static DEFINE_PER_CPU(struct page *, svm_hsave_page);

static void svm_read_caps(struct svm_caps_raw *raw)
{
	memset(raw, 0, sizeof(*raw));
	raw->max_ext_leaf = cpuid_eax(0x80000000);
	if (raw->max_ext_leaf >= 0x80000001)
		raw->ext_ecx = cpuid_ecx(0x80000001);
	if (raw->max_ext_leaf >= 0x8000000a) {
		raw->svm_ebx = cpuid_ebx(0x8000000a);
		raw->svm_edx = cpuid_edx(0x8000000a);
	}
	if (raw->ext_ecx & SVM_CPUID_EXT_ECX_SVM)
		rdmsrl_safe(MSR_VM_CR, &raw->vm_cr);
}

static int svm_probe(u64 *features)
{
	struct svm_caps_raw raw;
	const char *why;

	svm_read_caps(&raw);
	why = svm_caps_check(&raw, &svm_caps);
	if (why) {
		pr_err("cannot load: %s\n", why);
		return -ENODEV;
	}
	*features = svm_caps.features;
	return 0;
}

static int svm_hardware_setup(void)
{
	return 0;
}

static void svm_hardware_unsetup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page *page = per_cpu(svm_hsave_page, cpu);

		if (page)
			__free_page(page);
		per_cpu(svm_hsave_page, cpu) = NULL;
	}
}

static struct page *svm_hsave_area(void)
{
	struct page *page = this_cpu_read(svm_hsave_page);

	if (!page) {
		page = alloc_pages_node(cpu_to_node(smp_processor_id()),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (page)
			this_cpu_write(svm_hsave_page, page);
	}
	return page;
}

static int svm_cpu_enable(void)
{
	struct page *hsave;
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		pr_err("cannot load: AMD-V is already in use on CPU %d by another hypervisor (KVM?); unload it first ('modprobe -r kvm_amd'), or on Linux >= 6.12 load kvm with enable_virt_at_load=0\n",
		       smp_processor_id());
		return -EBUSY;
	}
	hsave = svm_hsave_area();
	if (!hsave)
		return -ENOMEM;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(hsave));
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

/*
 * NMI context on reboot/crash.  STGI first: with GIF clear the CPU would
 * keep INIT and NMIs blocked after we leave.  Faults are ignored.
 */
static void svm_emergency_disable(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (!(efer & EFER_SVME))
		return;
	asm goto("1: stgi\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "memory" : fault);
fault:
	wrmsrl(MSR_VM_HSAVE_PA, 0);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

const struct mv_vendor_ops mv_svm_ops = {
	.name			= "svm",
	.vendor			= MINIVMM_VENDOR_SVM,
	.probe			= svm_probe,
	.hardware_setup		= svm_hardware_setup,
	.hardware_unsetup	= svm_hardware_unsetup,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
	.emergency_disable	= svm_emergency_disable,
};
