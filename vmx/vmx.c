// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VT-x backend: probe, the control settings and the global MSR
 * bitmap, VMXON/VMXOFF on each CPU with the list of VMCSs active there, and
 * the ops table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include "minivmm.h"
#include "vmx/vmx.h"

struct vmx_caps vmx_caps __ro_after_init;
struct vmx_config vmx_config __ro_after_init;

/* One MSR bitmap for every vCPU (SDM Vol. 3C 25.6.9). */
static struct page *vmx_msr_bitmap;

/*
 * VMCSs active on each CPU (struct vmx_vcpu.loaded_node), and the current
 * one.  Changed only on that CPU with interrupts off.
 */
static DEFINE_PER_CPU(struct list_head, vmx_loaded_vmcss);
static DEFINE_PER_CPU(struct vmx_vcpu *, vmx_current);

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

/*
 * A control value: @want bits, plus the bits the CPU forces to 1 (allowed-0
 * settings, low half of @msr), minus the bits it cannot set (allowed-1,
 * high half).  Fails when one of @need is unavailable.
 */
static bool vmx_adjust(u64 msr, u32 want, u32 need, u32 *out)
{
	u32 val = (want | (u32)msr) & (u32)(msr >> 32);

	*out = val;
	return (val & need) == need;
}

static u64 vmx_rdmsr0(u32 msr)
{
	u64 val = 0;

	if (rdmsrl_safe(msr, &val))
		val = 0;
	return val;
}

static const char *vmx_setup_controls(struct vmx_config *c)
{
	bool t = vmx_caps.true_ctls;
	u64 pin_msr = vmx_rdmsr0(t ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				 MSR_IA32_VMX_PINBASED_CTLS);
	u64 cpu_msr = vmx_rdmsr0(t ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				 MSR_IA32_VMX_PROCBASED_CTLS);
	u64 exit_msr = vmx_rdmsr0(t ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				  MSR_IA32_VMX_EXIT_CTLS);
	u64 entry_msr = vmx_rdmsr0(t ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				   MSR_IA32_VMX_ENTRY_CTLS);
	u64 cpu2_msr = 0;
	u32 need;

	need = PIN_EXT_INTR_EXITING | PIN_NMI_EXITING;
	if (!vmx_adjust(pin_msr, need | PIN_PREEMPTION_TIMER | PIN_VIRTUAL_NMIS,
			need, &c->pin))
		return "the CPU lacks external-interrupt or NMI exiting";

	/*
	 * CR8 exits: without them (and without a TPR shadow) a guest's
	 * MOV to CR8 writes the host CPU's own TPR and can block its
	 * interrupts; the guest's TPR lives in its APIC model.
	 */
	need = CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS |
	       CPU_SECONDARY_CONTROLS | CPU_CR8_LOAD_EXITING |
	       CPU_CR8_STORE_EXITING | CPU_RDPMC_EXITING;
	if (!vmx_adjust(cpu_msr, need | CPU_MWAIT_EXITING | CPU_MONITOR_EXITING |
			CPU_USE_TSC_OFFSETTING, need, &c->cpu))
		return "the CPU lacks HLT exiting, unconditional I/O exiting, CR8 exiting, RDPMC exiting, MSR bitmaps or secondary controls";
	/* We never use I/O bitmaps: unconditional exiting covers every port. */
	c->cpu &= ~CPU_USE_IO_BITMAPS;
	/* Guest NMIs (vmx/nmi.c) need virtual NMIs and NMI-window exits. */
	if (!(cpu_msr & BIT_ULL(32 + 22)) && (c->pin & PIN_VIRTUAL_NMIS)) {
		pr_info("the CPU lacks NMI-window exiting: guests get no NMIs\n");
		c->pin &= ~PIN_VIRTUAL_NMIS;
	}

	if (cpu_msr & BIT_ULL(32 + 31))
		cpu2_msr = vmx_rdmsr0(MSR_IA32_VMX_PROCBASED_CTLS2);
	/* WBINVD exiting: a guest must not stall the host's caches. */
	need = CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST | CPU2_WBINVD_EXITING;
	if (!vmx_adjust(cpu2_msr, need | CPU2_ENABLE_VPID |
			CPU2_PAUSE_LOOP_EXITING | CPU2_ENABLE_RDTSCP, need,
			&c->cpu2))
		return "the CPU lacks EPT, unrestricted guest (which minivmm needs for real-mode and unpaged guests) or WBINVD exiting";
	/* Without TSC_AUX on the host there is nothing for RDTSCP to read. */
	if (!(mv_host.features & MINIVMM_FEAT(RDTSCP)))
		c->cpu2 &= ~CPU2_ENABLE_RDTSCP;

	need = EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_EFER |
	       EXIT_LOAD_IA32_EFER;
	if (!vmx_adjust(exit_msr, need | EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT |
			EXIT_SAVE_DEBUG_CONTROLS, need, &c->exit))
		return "the CPU lacks the 64-bit host or IA32_EFER save/load VM-exit controls";
	/* The host takes its interrupts itself after local_irq_enable(). */
	c->exit &= ~(EXIT_ACK_INTR_ON_EXIT | EXIT_SAVE_PREEMPTION_TIMER);

	need = ENTRY_LOAD_IA32_EFER;
	if (!vmx_adjust(entry_msr, need | ENTRY_LOAD_IA32_PAT |
			ENTRY_LOAD_DEBUG_CONTROLS, need, &c->entry))
		return "the CPU lacks the load-IA32_EFER VM-entry control";
	/* Set per vCPU from the guest's EFER.LMA. */
	c->entry &= ~ENTRY_IA32E_MODE_GUEST;

	c->load_pat = (c->exit & EXIT_SAVE_IA32_PAT) &&
		      (c->exit & EXIT_LOAD_IA32_PAT) &&
		      (c->entry & ENTRY_LOAD_IA32_PAT);
	if (!c->load_pat) {
		c->exit &= ~(EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT);
		c->entry &= ~ENTRY_LOAD_IA32_PAT;
	}
	c->ept_vpid_cap = vmx_rdmsr0(MSR_IA32_VMX_EPT_VPID_CAP);
	if (!(c->ept_vpid_cap & VMX_EPT_CAP_INVEPT) ||
	    !(c->ept_vpid_cap & (VMX_EPT_CAP_INVEPT_SINGLE |
				 VMX_EPT_CAP_INVEPT_ALL)))
		return "the CPU lacks INVEPT";
	/* VPIDs need INVVPID to flush them; without it, run without. */
	c->vpid = (c->cpu2 & CPU2_ENABLE_VPID) &&
		  (c->ept_vpid_cap & VMX_VPID_CAP_INVVPID) &&
		  (c->ept_vpid_cap & (VMX_VPID_CAP_INVVPID_SINGLE |
				      VMX_VPID_CAP_INVVPID_ALL));
	if (!c->vpid)
		c->cpu2 &= ~CPU2_ENABLE_VPID;
	c->preempt_timer = c->pin & PIN_PREEMPTION_TIMER;
	c->preempt_rate = vmx_rdmsr0(MSR_IA32_VMX_MISC) & 0x1f;

	c->cr0_fixed0 = vmx_rdmsr0(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = vmx_rdmsr0(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = vmx_rdmsr0(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = vmx_rdmsr0(MSR_IA32_VMX_CR4_FIXED1);
	return NULL;
}

/*
 * The MSR bitmap: read bits for MSRs 0-0x1fff at byte 0, for
 * 0xc0000000-0xc0001fff at 0x400; write bits likewise at 0x800 and 0xc00.
 * A set bit makes RDMSR/WRMSR exit.  Only FS_BASE and GS_BASE pass through:
 * the VMCS has guest fields for them.  KERNEL_GS_BASE, STAR, LSTAR, CSTAR
 * and SFMASK have none and are not switched by the CPU, so they stay
 * intercepted (vcpu.c keeps the guest's values).
 */
static void vmx_msr_passthrough(unsigned long *bitmap, u32 msr)
{
	unsigned long bit = (msr & 0x1fff) + (msr >= 0xc0000000 ? 0x2000 : 0);

	__clear_bit(bit, bitmap);		/* read */
	__clear_bit(bit + 0x4000, bitmap);	/* write */
}

static int vmx_hardware_setup(void)
{
	unsigned long *bitmap;

	vmx_config.error = vmx_setup_controls(&vmx_config);
	if (vmx_config.error)
		pr_warn("VT-x: guests cannot run: %s\n", vmx_config.error);
	vmx_config.l1d_flush = boot_cpu_has_bug(X86_BUG_L1TF) &&
			       boot_cpu_has(X86_FEATURE_FLUSH_L1D);
	if (boot_cpu_has_bug(X86_BUG_L1TF) && !vmx_config.l1d_flush)
		pr_warn("VT-x: this CPU is affected by L1TF and has no L1D flush command (update its microcode): guests may read host data from the L1 cache\n");

	vmx_msr_bitmap = mv_pages_alloc(&mv_host_pages, NUMA_NO_NODE,
					GFP_KERNEL, 0);
	if (!vmx_msr_bitmap)
		return -ENOMEM;
	bitmap = page_address(vmx_msr_bitmap);
	memset(bitmap, 0xff, PAGE_SIZE);
	vmx_msr_passthrough(bitmap, MSR_FS_BASE);
	vmx_msr_passthrough(bitmap, MSR_GS_BASE);
	vmx_config.msr_bitmap_pa = page_to_phys(vmx_msr_bitmap);
	return 0;
}

void vmcs_write_error(enum vmcs_field field, u64 val)
{
	u32 err = vmcs_read32(VMCS_VM_INSTRUCTION_ERROR);

	pr_err_ratelimited("VMWRITE of field %#x = %#llx failed: VM-instruction error %u (%s)\n",
			   field, val, err, vmx_insn_error_name(err));
}

/* ---- VMCSs active on a CPU -------------------------------------------- */

/* Interrupts off: @vmx was just VMPTRLDed on this CPU. */
void vmx_vcpu_track(struct vmx_vcpu *vmx)
{
	list_add(&vmx->loaded_node, this_cpu_ptr(&vmx_loaded_vmcss));
	WRITE_ONCE(vmx->cpu, smp_processor_id());
	vmx->launched = false;
	this_cpu_write(vmx_current, vmx);
}

/* Interrupts off, on the CPU holding @vmx: VMCLEAR and forget it. */
void vmx_vcpu_clear_here(struct vmx_vcpu *vmx)
{
	if (READ_ONCE(vmx->cpu) != smp_processor_id())
		return;
	if (vmx_vmclear(vmx->vmcs_pa))
		pr_err_ratelimited("VMCLEAR failed on CPU %d\n",
				   smp_processor_id());
	list_del_init(&vmx->loaded_node);
	vmx->launched = false;
	if (this_cpu_read(vmx_current) == vmx)
		this_cpu_write(vmx_current, NULL);
	WRITE_ONCE(vmx->cpu, -1);
}

void vmx_set_current(struct vmx_vcpu *vmx)
{
	this_cpu_write(vmx_current, vmx);
}

struct vmx_vcpu *vmx_get_current(void)
{
	return this_cpu_read(vmx_current);
}

/* Before VMXOFF: VMCLEAR everything active here (writes it back). */
static void vmx_clear_all_here(void)
{
	struct list_head *head = this_cpu_ptr(&vmx_loaded_vmcss);
	struct vmx_vcpu *vmx, *tmp;
	unsigned long flags;

	local_irq_save(flags);
	if (head->next)
		list_for_each_entry_safe(vmx, tmp, head, loaded_node)
			vmx_vcpu_clear_here(vmx);
	this_cpu_write(vmx_current, NULL);
	local_irq_restore(flags);
}

static void vmx_hardware_unsetup(void)
{
	int cpu;

	mv_pages_free(&mv_host_pages, vmx_msr_bitmap, 0);
	vmx_msr_bitmap = NULL;

	for_each_possible_cpu(cpu) {
		mv_pages_free(&mv_host_pages, per_cpu(vmx_vmxon_page, cpu), 0);
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
		page = mv_pages_alloc(&mv_host_pages,
				      cpu_to_node(smp_processor_id()),
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
	INIT_LIST_HEAD(this_cpu_ptr(&vmx_loaded_vmcss));
	this_cpu_write(vmx_current, NULL);
	return 0;
err:
	cr4_clear_bits(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
	return ret;
}

static void vmx_cpu_disable(void)
{
	vmx_clear_all_here();
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
	.vm_size		= sizeof(struct vmx_vm),
	.vcpu_size		= sizeof(struct vmx_vcpu),
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_vm_destroy,
	.vcpu_init		= vmx_vcpu_init,
	.vcpu_destroy		= vmx_vcpu_destroy,
	.vcpu_run		= vmx_vcpu_run,
	.get_state		= vmx_get_state,
	.set_state		= vmx_set_state,
	.state_limits		= vmx_state_limits,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.inject_exception	= vmx_inject_exception,
};
