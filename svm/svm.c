// SPDX-License-Identifier: GPL-2.0
/*
 * AMD-V backend: probe, EFER.SVME and the host save area on each CPU, the
 * global I/O and MSR permission maps, and the ops table.
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
#include "svm/svm.h"

struct svm_caps svm_caps __ro_after_init;

/* Host save area of each CPU (VM_HSAVE_PA), and the page our VMRUN path
 * VMSAVEs the host's FS/GS/TR/LDTR/syscall MSR state to; allocated on first
 * enable and kept until module exit, so a CPU going offline and back reuses
 * them.
 */
static DEFINE_PER_CPU(struct page *, svm_hsave_page);
static DEFINE_PER_CPU(struct page *, svm_host_save_page);

/*
 * One I/O permission map (all ports intercepted) and one MSR permission map
 * shared by every VM: the policy is the same for all of them.
 */
static struct page *svm_iopm, *svm_msrpm;
u64 svm_iopm_pa __ro_after_init;
u64 svm_msrpm_pa __ro_after_init;

/*
 * MSRs the guest reads and writes directly: VMLOAD/VMSAVE switch them
 * (entry.S), so the guest's values never leak into the host.
 */
static const u32 svm_passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

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
	/*
	 * IA32_PKRS is in no VMCB field: the core switches it around each
	 * entry (mv_guest_pkrs_load()).  Only emulators show PKS on AMD.
	 */
	if (cpuid_ecx(7) & MV_CPUID7_ECX_PKS)
		*features |= MINIVMM_FEAT(PKS);
	return 0;
}

/*
 * The MSRPM holds two bits per MSR (read, then write) for three ranges of
 * 8K MSRs at byte offsets 0x000, 0x800 and 0x1000.  Returns the bit number
 * of the read bit, or -1 for an MSR outside the map.
 */
static long svm_msrpm_bit(u32 msr)
{
	static const struct { u32 base; u32 offset; } ranges[] = {
		{ 0x00000000, 0x0000 },
		{ 0xc0000000, 0x0800 },
		{ 0xc0010000, 0x1000 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		if (msr - ranges[i].base < 0x2000)
			return ranges[i].offset * 8L + (msr - ranges[i].base) * 2;
	return -1;
}

static int svm_alloc_maps(void)
{
	unsigned long *msrpm;
	unsigned int i;

	svm_iopm = mv_pages_alloc(&mv_host_pages, NUMA_NO_NODE, GFP_KERNEL,
				  get_order(SVM_IOPM_SIZE));
	svm_msrpm = mv_pages_alloc(&mv_host_pages, NUMA_NO_NODE, GFP_KERNEL,
				   get_order(SVM_MSRPM_SIZE));
	if (!svm_iopm || !svm_msrpm)
		return -ENOMEM;
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << get_order(SVM_IOPM_SIZE));
	msrpm = page_address(svm_msrpm);
	memset(msrpm, 0xff, PAGE_SIZE << get_order(SVM_MSRPM_SIZE));
	for (i = 0; i < ARRAY_SIZE(svm_passthrough_msrs); i++) {
		long bit = svm_msrpm_bit(svm_passthrough_msrs[i]);

		__clear_bit(bit, msrpm);	/* read */
		__clear_bit(bit + 1, msrpm);	/* write */
	}
	svm_iopm_pa = page_to_phys(svm_iopm);
	svm_msrpm_pa = page_to_phys(svm_msrpm);
	return 0;
}

static void svm_free_maps(void)
{
	mv_pages_free(&mv_host_pages, svm_iopm, get_order(SVM_IOPM_SIZE));
	mv_pages_free(&mv_host_pages, svm_msrpm, get_order(SVM_MSRPM_SIZE));
	svm_iopm = NULL;
	svm_msrpm = NULL;
}

static int svm_hardware_setup(void)
{
	int ret = svm_alloc_maps();

	if (ret)
		svm_free_maps();
	return ret;
}

static void svm_free_percpu_page(struct page * __percpu *var, int cpu)
{
	struct page **slot = per_cpu_ptr(var, cpu);

	mv_pages_free(&mv_host_pages, *slot, 0);
	*slot = NULL;
}

static void svm_hardware_unsetup(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		svm_free_percpu_page(&svm_hsave_page, cpu);
		svm_free_percpu_page(&svm_host_save_page, cpu);
	}
	svm_free_maps();
}

static struct page *svm_percpu_page(struct page * __percpu *var)
{
	struct page *page = this_cpu_read(*var);

	if (!page) {
		page = mv_pages_alloc(&mv_host_pages,
				      cpu_to_node(smp_processor_id()),
				      GFP_KERNEL | __GFP_ZERO, 0);
		if (page)
			this_cpu_write(*var, page);
	}
	return page;
}

/* The VM_HSAVE_PA page, and next to it the host page for VMSAVE/VMLOAD. */
static struct page *svm_hsave_area(void)
{
	if (!svm_percpu_page(&svm_host_save_page))
		return NULL;
	return svm_percpu_page(&svm_hsave_page);
}

u64 svm_host_save_pa(void)
{
	return page_to_phys(this_cpu_read(svm_host_save_page));
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
	.vm_size		= sizeof(struct svm_vm),
	.vcpu_size		= sizeof(struct svm_vcpu),
	.vm_init		= svm_vm_init,
	.vm_destroy		= svm_vm_destroy,
	.vcpu_init		= svm_vcpu_init,
	.vcpu_destroy		= svm_vcpu_destroy,
	.vcpu_run		= svm_vcpu_run,
	.get_state		= svm_get_state,
	.set_state		= svm_set_state,
	.state_limits		= svm_state_limits,
	.get_msr		= svm_get_msr,
	.set_msr		= svm_set_msr,
	.inject_exception	= svm_inject_exception,
};
