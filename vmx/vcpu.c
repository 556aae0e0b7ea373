// SPDX-License-Identifier: GPL-2.0
/*
 * VT-x VMs and vCPUs: VPIDs, the VMCS (its ownership by one CPU at a time,
 * controls, host and guest state), register and MSR access, event
 * injection, and one guest entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/hw_breakpoint.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include "vmx/vmx.h"

/* INVEPT / INVVPID types (SDM Vol. 3C 30.3). */
#define VMX_INV_SINGLE		1
#define VMX_INV_ALL		2

/* VPIDs 1..0xffff; 0 is the host's. */
static DEFINE_IDA(vmx_vpid_ida);

int vmx_vm_init(struct mv_vm *vm)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);
	int vpid;

	vmx_vm->vpid = 0;
	if (!vmx_config.vpid)
		return 0;
	vpid = ida_alloc_range(&vmx_vpid_ida, 1, 0xffff, GFP_KERNEL);
	if (vpid == -ENOSPC)
		return 0;	/* run without a VPID: entries flush VPID 0 */
	if (vpid < 0)
		return vpid;
	vmx_vm->vpid = vpid;
	return 0;
}

void vmx_vm_destroy(struct mv_vm *vm)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);

	if (vmx_vm->vpid)
		ida_free(&vmx_vpid_ida, vmx_vm->vpid);
	vmx_vm->vpid = 0;
}

/* ---- VMCS ownership ----------------------------------------------------- */

static void vmx_clear_ipi(void *info)
{
	vmx_vcpu_clear_here(info);
}

/* VMCLEAR @vmx wherever it is active; any context that may sleep or not. */
static void vmx_vcpu_clear(struct vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	/* An offline CPU cleared its VMCSs in cpu_disable. */
	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_clear_ipi, vmx, 1);
}

/* Host fields that depend on the CPU only (SDM Vol. 3C 25.5). */
static void vmx_write_host_percpu(int cpu)
{
	struct desc_ptr dt;
	u64 v;

	vmcs_write(VMCS_HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(VMCS_HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(VMCS_HOST_DS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_ES_SELECTOR, 0);
	vmcs_write(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write(VMCS_HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(VMCS_HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	native_store_gdt(&dt);
	vmcs_write(VMCS_HOST_GDTR_BASE, dt.address);
	store_idt(&dt);
	vmcs_write(VMCS_HOST_IDTR_BASE, dt.address);
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(VMCS_HOST_GS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_ESP, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(VMCS_HOST_IA32_EFER, v);
	if (vmx_config.load_pat) {
		rdmsrl(MSR_IA32_CR_PAT, v);
		vmcs_write(VMCS_HOST_IA32_PAT, v);
	}
	vmcs_write(VMCS_HOST_RIP, (unsigned long)mv_vmx_vmexit);
}

/*
 * Make @vmx's VMCS current on this CPU; preemption off.  If it is active on
 * another CPU, VMCLEAR it there first (IPI): a VMCS may be active on one
 * CPU only, and the next entry must then use VMLAUNCH.  Returns -EIO if
 * VMPTRLD fails.
 */
static int vmx_vcpu_load(struct vmx_vcpu *vmx)
{
	int cpu = smp_processor_id();
	int ret = 0;

	if (READ_ONCE(vmx->cpu) == cpu) {
		if (vmx_get_current() != vmx) {
			ret = vmx_vmptrld(vmx->vmcs_pa);
			if (!ret)
				vmx_set_current(vmx);
			/* The VPID is the VM's: another vCPU's linear
			 * mappings may be cached under it here.
			 */
			vmx->flush = true;
		}
		return ret;
	}

	vmx_vcpu_clear(vmx);
	local_irq_disable();
	/* Also initialises a new VMCS's launch state (SDM 25.11.3). */
	ret = vmx_vmclear(vmx->vmcs_pa);
	if (!ret)
		ret = vmx_vmptrld(vmx->vmcs_pa);
	if (!ret)
		vmx_vcpu_track(vmx);
	local_irq_enable();
	if (ret) {
		pr_err_ratelimited("VM %s: VMPTRLD failed on CPU %d\n",
				   vmx->base.vm->name, cpu);
		return ret;
	}
	vmx_write_host_percpu(cpu);
	vmx->flush = true;
	return 0;
}

/* For register access outside the run loop: VMCS current, no preemption. */
static int vmx_get(struct vmx_vcpu *vmx)
{
	int ret;

	preempt_disable();
	ret = vmx_vcpu_load(vmx);
	if (ret)
		preempt_enable();
	return ret;
}

static void vmx_put(void)
{
	preempt_enable();
}

/* ---- control registers --------------------------------------------------- */

/* CR0 bits VMX operation forces to 1 in the real CR0 (NE), hidden by the
 * read shadow; unrestricted guest exempts PE and PG.
 */
static u64 vmx_cr0_forced(void)
{
	return (vmx_config.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG)) |
	       X86_CR0_NE;
}

static u64 vmx_cr4_forced(void)
{
	return vmx_config.cr4_fixed0 | X86_CR4_VMXE;
}

/* CR4 bits this host implements for a guest. */
static u64 vmx_cr4_valid(void)
{
	u64 valid = mv_host_cr4_bits();

	/* What VMX operation lets a guest have (IA32_VMX_CR4_FIXED1). */
	return valid & vmx_config.cr4_fixed1 & ~(u64)X86_CR4_VMXE;
}

static u64 vmx_efer_valid(void)
{
	return EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;
}

/* The CR0 / CR4 the guest sees: real bits, host-owned ones from shadows. */
static u64 vmx_guest_cr0(void)
{
	u64 mask = vmcs_read(VMCS_CR0_GUEST_HOST_MASK);

	return (vmcs_read(VMCS_GUEST_CR0) & ~mask) |
	       (vmcs_read(VMCS_CR0_READ_SHADOW) & mask);
}

static u64 vmx_guest_cr4(void)
{
	u64 mask = vmcs_read(VMCS_CR4_GUEST_HOST_MASK);

	return (vmcs_read(VMCS_GUEST_CR4) & ~mask) |
	       (vmcs_read(VMCS_CR4_READ_SHADOW) & mask);
}

static void vmx_write_efer(struct vmx_vcpu *vmx, u64 efer)
{
	u32 entry = vmcs_read32(VMCS_VM_ENTRY_CONTROLS);

	vmx->efer = efer;
	vmcs_write(VMCS_GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE_GUEST;
	else
		entry &= ~ENTRY_IA32E_MODE_GUEST;
	vmcs_write(VMCS_VM_ENTRY_CONTROLS, entry);
}

/*
 * A guest MOV to CR0 (or a set_sregs value, after validation), VMCS loaded.
 * Turning paging on or off with EFER.LME set enters or leaves IA-32e mode.
 * Returns -EINVAL where the CPU would raise #GP.
 */
int vmx_write_cr0(struct vmx_vcpu *vmx, u64 cr0)
{
	u64 old = vmx_guest_cr0(), efer = vmx->efer;

	if (cr0 & ~MV_CR0_VALID)
		return -EINVAL;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && !(old & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(vmx_guest_cr4() & X86_CR4_PAE))
			return -EINVAL;
		vmx_write_efer(vmx, efer | EFER_LMA);
	} else if (!(cr0 & X86_CR0_PG) && (efer & EFER_LMA)) {
		vmx_write_efer(vmx, efer & ~EFER_LMA);
	}
	vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_write(VMCS_GUEST_CR0, cr0 | vmx_cr0_forced());
	vmx->guest_cr0 = cr0;
	if ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_CD))
		vmx->flush = true;
	return 0;
}

int vmx_write_cr4(struct vmx_vcpu *vmx, u64 cr4)
{
	if (cr4 & ~(vmx_cr4_valid() & mv_cpu_model_cr4(vmx->base.vm)))
		return -EINVAL;
	if ((vmx->efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	if ((cr4 & X86_CR4_PCIDE) && !(vmx->efer & EFER_LMA))
		return -EINVAL;
	vmcs_write(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_write(VMCS_GUEST_CR4, cr4 | vmx_cr4_forced());
	/* New paging state: start from clean TLBs. */
	vmx->flush = true;
	return 0;
}

/* ---- VMCS set-up -------------------------------------------------------- */

static void vmx_init_controls(struct vmx_vcpu *vmx)
{
	struct mv_vm *vm = vmx->base.vm;
	u16 vpid = to_vmx_vm(vm)->vpid;
	u32 cpu2 = vmx_config.cpu2;

	if (!vpid)
		cpu2 &= ~CPU2_ENABLE_VPID;
	/*
	 * PAUSE-loop exits: a spin of more than PLE_WINDOW cycles, PAUSEs at
	 * most PLE_GAP apart, exits (SDM 26.1.3), and the thread yields to a
	 * sibling (mv_exit_pause()).  Only a sibling can hold the lock.
	 */
	if (vm->nr_vcpus < 2)
		cpu2 &= ~CPU2_PAUSE_LOOP_EXITING;
	if (cpu2 & CPU2_PAUSE_LOOP_EXITING) {
		vmcs_write(VMCS_PLE_GAP, VMX_PLE_GAP);
		vmcs_write(VMCS_PLE_WINDOW, VMX_PLE_WINDOW);
	}
	vmcs_write(VMCS_PIN_BASED_VM_EXEC_CONTROL, vmx_config.pin);
	vmcs_write(VMCS_CPU_BASED_VM_EXEC_CONTROL, vmx_config.cpu);
	vmcs_write(VMCS_SECONDARY_VM_EXEC_CONTROL, cpu2);
	vmcs_write(VMCS_VM_EXIT_CONTROLS, vmx_config.exit);
	vmcs_write(VMCS_VM_ENTRY_CONTROLS, vmx_config.entry);
	if (vpid)
		vmcs_write(VMCS_VIRTUAL_PROCESSOR_ID, vpid);
	vmcs_write(VMCS_TSC_OFFSET, 0);
	/*
	 * #AC: a guest can make its delivery raise #AC again, a loop inside
	 * the CPU that no host interrupt breaks (CVE-2015-5307); intercepted,
	 * each delivery is an exit.  #MC belongs to the host.
	 */
	vmcs_write(VMCS_EXCEPTION_BITMAP, BIT(X86_TRAP_AC) | BIT(X86_TRAP_MC));
	vmcs_write(VMCS_PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_VM_ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_MSR_BITMAP_ADDR, vmx_config.msr_bitmap_pa);
	vmcs_write(VMCS_EPT_POINTER, mv_npt_eptp(&vm->npt));
	vmcs_write(VMCS_CR0_GUEST_HOST_MASK, vmx_cr0_forced());
	/*
	 * Besides the bits VMX forces, own every bit the guest may not
	 * set (OSXSAVE without host XSAVE, PKE, ...): a MOV to CR4 that
	 * sets one exits and vmx_write_cr4() refuses it.
	 */
	vmcs_write(VMCS_CR4_GUEST_HOST_MASK,
		   vmx_cr4_forced() |
		   ~(vmx_cr4_valid() & mv_cpu_model_cr4(vm)));
	vmcs_write(VMCS_VMCS_LINK_POINTER, ~0ULL);
}


/*
 * What a reset leaves in the VMCS beyond the architectural state, which
 * the core loads next (mv_vcpu_reset_state()).
 */
static void vmx_reset_state(struct vmx_vcpu *vmx)
{
	vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(VMCS_GUEST_RSP, 0);
	vmcs_write(VMCS_GUEST_RIP, 0);
	vmcs_write(VMCS_GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmx->pending_event = 0;
}

int vmx_vcpu_init(struct mv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct page *page;
	int ret;

	if (vmx_config.error) {
		pr_err("cannot run a guest: %s\n", vmx_config.error);
		return -EOPNOTSUPP;
	}
	page = mv_pages_alloc(&mv_vm_pages, NUMA_NO_NODE,
			      GFP_KERNEL_ACCOUNT | __GFP_ZERO, 0);
	if (!page)
		return -ENOMEM;
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	/* The revision identifier (bit 31 clear: not a shadow VMCS). */
	*(u32 *)vmx->vmcs = vmx_caps.revision_id;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_node);

	ret = vmx_get(vmx);
	if (ret) {
		mv_pages_free(&mv_vm_pages, page, 0);
		vmx->vmcs = NULL;
		return ret;
	}
	vmx_init_controls(vmx);
	vmx_reset_state(vmx);
	vmx_put();
	return 0;
}

void vmx_vcpu_destroy(struct mv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (!vmx->vmcs)
		return;
	vmx_vcpu_clear(vmx);
	mv_pages_free(&mv_vm_pages, virt_to_page(vmx->vmcs), 0);
	vmx->vmcs = NULL;
}

/* ---- segments ------------------------------------------------------------ */

/* Selector fields of the segments, in struct minivmm_sregs order. */
static u32 vmx_ar_pack(const struct minivmm_segment *s)
{
	u32 ar;

	/* VMX has no loaded-but-not-present segment: that is unusable. */
	if (s->unusable || !s->present)
		return VMX_AR_UNUSABLE;
	ar = (s->type & VMX_AR_TYPE_MASK) | (s->dpl << VMX_AR_DPL_SHIFT) |
	     VMX_AR_P;
	if (s->s)
		ar |= VMX_AR_S;
	if (s->avl)
		ar |= VMX_AR_AVL;
	if (s->l)
		ar |= VMX_AR_L;
	if (s->db)
		ar |= VMX_AR_DB;
	if (s->g)
		ar |= VMX_AR_G;
	return ar;
}

static void vmx_seg_get(struct minivmm_segment *d, enum vmcs_field sel)
{
	u32 ar = vmcs_read32(sel + (VMCS_GUEST_ES_AR_BYTES -
				    VMCS_GUEST_ES_SELECTOR));

	memset(d, 0, sizeof(*d));
	d->selector = vmcs_read(sel);
	d->limit = vmcs_read32(sel + (VMCS_GUEST_ES_LIMIT -
				      VMCS_GUEST_ES_SELECTOR));
	d->base = vmcs_read(sel + (VMCS_GUEST_ES_BASE -
				   VMCS_GUEST_ES_SELECTOR));
	d->type = ar & VMX_AR_TYPE_MASK;
	d->s = !!(ar & VMX_AR_S);
	d->dpl = (ar & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT;
	d->present = !!(ar & VMX_AR_P);
	d->avl = !!(ar & VMX_AR_AVL);
	d->l = !!(ar & VMX_AR_L);
	d->db = !!(ar & VMX_AR_DB);
	d->g = !!(ar & VMX_AR_G);
	d->unusable = !!(ar & VMX_AR_UNUSABLE);
	if (d->unusable)
		d->present = 0;
}

static void vmx_seg_set(enum vmcs_field sel, const struct minivmm_segment *s)
{
	vmcs_write(sel, s->selector);
	vmcs_write(sel + (VMCS_GUEST_ES_LIMIT - VMCS_GUEST_ES_SELECTOR),
		   s->limit);
	vmcs_write(sel + (VMCS_GUEST_ES_AR_BYTES - VMCS_GUEST_ES_SELECTOR),
		   vmx_ar_pack(s));
	vmcs_write(sel + (VMCS_GUEST_ES_BASE - VMCS_GUEST_ES_SELECTOR),
		   s->base);
}

void vmx_state_limits(struct mv_state_limits *lim)
{
	lim->cr4_valid &= vmx_cr4_valid();
	lim->efer_valid &= vmx_efer_valid();
	lim->soft_int_len = true;
}

static u8 vmx_event_type(u32 info)
{
	switch (vmx_intr_type(info)) {
	case INTR_TYPE_EXT_INTR:
		return MINIVMM_EVENT_INTR;
	case INTR_TYPE_NMI:
		return MINIVMM_EVENT_NMI;
	case INTR_TYPE_HARD_EXCEPTION:
		return MINIVMM_EVENT_EXCEPTION;
	default:	/* INT n, INT3, INTO, INT1: by an instruction */
		return MINIVMM_EVENT_SOFT_INT;
	}
}

static void vmx_get_events(struct vmx_vcpu *vmx,
			   struct minivmm_state_events *e)
{
	u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO);
	u32 ev = vmx->pending_event;

	memset(e, 0, sizeof(*e));
	e->int_shadow = !!(intr & (GUEST_INTR_STI_BLOCKING |
				   GUEST_INTR_MOVSS_BLOCKING));
	e->nmi_blocked = !!(intr & GUEST_INTR_NMI_BLOCKING);
	if (!(ev & INTR_INFO_VALID))
		return;
	e->pending = 1;
	e->type = vmx_event_type(ev);
	e->vector = ev & INTR_INFO_VECTOR_MASK;
	e->has_error = !!(ev & INTR_INFO_DELIVER_CODE);
	if (e->has_error)
		e->error_code = vmx->pending_error;
	if (e->type == MINIVMM_EVENT_SOFT_INT)
		e->insn_len = vmx->pending_len;
}

static void vmx_set_events(struct vmx_vcpu *vmx,
			   const struct minivmm_vcpu_state *st)
{
	const struct minivmm_state_events *e = &st->events;
	u32 intr = 0;

	/* One instruction's shadow: STI's when IF is set, else MOV SS's. */
	if (e->int_shadow)
		intr |= (st->rflags & X86_EFLAGS_IF) ? GUEST_INTR_STI_BLOCKING :
						       GUEST_INTR_MOVSS_BLOCKING;
	if (e->nmi_blocked)
		intr |= GUEST_INTR_NMI_BLOCKING;
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_INFO, intr);
	/* The shadow holds for the instruction at this RIP. */
	vmx->exit_rip = st->rip;
	vmx->pending_event = 0;
	if (!e->pending)
		return;
	vmx->pending_event = e->vector | INTR_INFO_VALID |
			     ((u32)e->type << INTR_INFO_TYPE_SHIFT);
	if (e->type == MINIVMM_EVENT_SOFT_INT)
		vmx->pending_event = e->vector | INTR_INFO_VALID |
			(INTR_TYPE_SOFT_INTR << INTR_INFO_TYPE_SHIFT);
	vmx->pending_error = e->error_code;
	vmx->pending_len = e->insn_len;
	if (e->has_error)
		vmx->pending_event |= INTR_INFO_DELIVER_CODE;
}

void vmx_get_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st,
		   u32 mask)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (vmx_get(vmx))
		return;
	if (mask & MINIVMM_STATE_SEGS) {
		vmx_seg_get(&st->cs, VMCS_GUEST_CS_SELECTOR);
		vmx_seg_get(&st->ds, VMCS_GUEST_DS_SELECTOR);
		vmx_seg_get(&st->es, VMCS_GUEST_ES_SELECTOR);
		vmx_seg_get(&st->fs, VMCS_GUEST_FS_SELECTOR);
		vmx_seg_get(&st->gs, VMCS_GUEST_GS_SELECTOR);
		vmx_seg_get(&st->ss, VMCS_GUEST_SS_SELECTOR);
		vmx_seg_get(&st->tr, VMCS_GUEST_TR_SELECTOR);
		vmx_seg_get(&st->ldt, VMCS_GUEST_LDTR_SELECTOR);
		memset(&st->gdt, 0, sizeof(st->gdt));
		st->gdt.base = vmcs_read(VMCS_GUEST_GDTR_BASE);
		st->gdt.limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
		memset(&st->idt, 0, sizeof(st->idt));
		st->idt.base = vmcs_read(VMCS_GUEST_IDTR_BASE);
		st->idt.limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	}
	if (mask & MINIVMM_STATE_CRS) {
		st->cr0 = vmx_guest_cr0();
		st->cr2 = vmx->cr2;
		st->cr3 = vmcs_read(VMCS_GUEST_CR3);
		st->cr4 = vmx_guest_cr4();
		st->efer = vmcs_read(VMCS_GUEST_IA32_EFER);
	}
	if (mask & MINIVMM_STATE_DRS) {
		st->dr6 = vcpu->dr6;
		st->dr7 = vmcs_read(VMCS_GUEST_DR7);
	}
	if (mask & MINIVMM_STATE_MSRS) {
		st->msrs.sysenter_cs = vmcs_read32(VMCS_GUEST_SYSENTER_CS);
		st->msrs.sysenter_esp = vmcs_read(VMCS_GUEST_SYSENTER_ESP);
		st->msrs.sysenter_eip = vmcs_read(VMCS_GUEST_SYSENTER_EIP);
		st->msrs.star = vmx->msrs.star;
		st->msrs.lstar = vmx->msrs.lstar;
		st->msrs.cstar = vmx->msrs.cstar;
		st->msrs.sfmask = vmx->msrs.sfmask;
		st->msrs.kernel_gs_base = vmx->msrs.kernel_gs_base;
		st->msrs.pat = vmx->pat;
		if (vmx_config.cpu & CPU_USE_TSC_OFFSETTING)
			st->msrs.tsc_offset = vmcs_read(VMCS_TSC_OFFSET);
	}
	if (mask & MINIVMM_STATE_EVENTS)
		vmx_get_events(vmx, &st->events);
	vmx_put();
}

int vmx_set_state(struct mv_vcpu *vcpu, const struct minivmm_vcpu_state *st,
		  u32 mask)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int ret;

	ret = vmx_get(vmx);
	if (ret)
		return ret;
	if (mask & MINIVMM_STATE_SEGS) {
		vmx_seg_set(VMCS_GUEST_CS_SELECTOR, &st->cs);
		vmx_seg_set(VMCS_GUEST_DS_SELECTOR, &st->ds);
		vmx_seg_set(VMCS_GUEST_ES_SELECTOR, &st->es);
		vmx_seg_set(VMCS_GUEST_FS_SELECTOR, &st->fs);
		vmx_seg_set(VMCS_GUEST_GS_SELECTOR, &st->gs);
		vmx_seg_set(VMCS_GUEST_SS_SELECTOR, &st->ss);
		vmx_seg_set(VMCS_GUEST_TR_SELECTOR, &st->tr);
		vmx_seg_set(VMCS_GUEST_LDTR_SELECTOR, &st->ldt);
		vmcs_write(VMCS_GUEST_GDTR_BASE, st->gdt.base);
		vmcs_write(VMCS_GUEST_GDTR_LIMIT, st->gdt.limit);
		vmcs_write(VMCS_GUEST_IDTR_BASE, st->idt.base);
		vmcs_write(VMCS_GUEST_IDTR_LIMIT, st->idt.limit);
		vmx->flush = true;
	}
	if (mask & MINIVMM_STATE_CRS) {
		vmx->cr2 = st->cr2;
		vmcs_write(VMCS_GUEST_CR3, st->cr3);
		vmx_write_efer(vmx, st->efer);
		vmcs_write(VMCS_CR4_READ_SHADOW, st->cr4);
		vmcs_write(VMCS_GUEST_CR4, st->cr4 | vmx_cr4_forced());
		vmcs_write(VMCS_CR0_READ_SHADOW, st->cr0);
		vmcs_write(VMCS_GUEST_CR0, st->cr0 | vmx_cr0_forced());
		vmx->guest_cr0 = st->cr0;
		vmx->flush = true;
	}
	if (mask & MINIVMM_STATE_DRS) {
		vcpu->dr6 = st->dr6;
		vmcs_write(VMCS_GUEST_DR7, st->dr7);
	}
	if (mask & MINIVMM_STATE_MSRS) {
		vmcs_write(VMCS_GUEST_SYSENTER_CS, st->msrs.sysenter_cs);
		vmcs_write(VMCS_GUEST_SYSENTER_ESP, st->msrs.sysenter_esp);
		vmcs_write(VMCS_GUEST_SYSENTER_EIP, st->msrs.sysenter_eip);
		vmx->msrs.star = st->msrs.star;
		vmx->msrs.lstar = st->msrs.lstar;
		vmx->msrs.cstar = st->msrs.cstar;
		vmx->msrs.sfmask = st->msrs.sfmask;
		vmx->msrs.kernel_gs_base = st->msrs.kernel_gs_base;
		vmx->pat = st->msrs.pat;
		if (vmx_config.load_pat)
			vmcs_write(VMCS_GUEST_IA32_PAT, st->msrs.pat);
		if (vmx_config.cpu & CPU_USE_TSC_OFFSETTING)
			vmcs_write(VMCS_TSC_OFFSET, st->msrs.tsc_offset);
	}
	if (mask & MINIVMM_STATE_EVENTS)
		vmx_set_events(vmx, st);
	vmx_put();
	return 0;
}

/* ---- MSRs ----------------------------------------------------------------- */

static u64 *vmx_soft_msr(struct vmx_vcpu *vmx, u32 msr)
{
	switch (msr) {
	case MSR_KERNEL_GS_BASE:
		return &vmx->msrs.kernel_gs_base;
	case MSR_STAR:
		return &vmx->msrs.star;
	case MSR_LSTAR:
		return &vmx->msrs.lstar;
	case MSR_CSTAR:
		return &vmx->msrs.cstar;
	case MSR_SYSCALL_MASK:
		return &vmx->msrs.sfmask;
	default:
		return NULL;
	}
}

static enum vmcs_field vmx_msr_field(u32 msr)
{
	switch (msr) {
	case MSR_IA32_SYSENTER_CS:
		return VMCS_GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:
		return VMCS_GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:
		return VMCS_GUEST_SYSENTER_EIP;
	case MSR_FS_BASE:
		return VMCS_GUEST_FS_BASE;
	case MSR_GS_BASE:
		return VMCS_GUEST_GS_BASE;
	default:
		return 0;
	}
}

/*
 * IA32_TSC: RDTSC is not intercepted, so the guest's TSC is the host's
 * plus TSC_OFFSET (when the CPU offers offsetting; else writes #GP).
 */
static int vmx_get_tsc(struct vmx_vcpu *vmx, u64 *val)
{
	u64 offset = 0;

	if (vmx_config.cpu & CPU_USE_TSC_OFFSETTING) {
		if (vmx_get(vmx))
			return -EINVAL;
		offset = vmcs_read(VMCS_TSC_OFFSET);
		vmx_put();
	}
	*val = rdtsc() + offset;
	return 0;
}

static int vmx_set_tsc(struct vmx_vcpu *vmx, u64 val)
{
	if (!(vmx_config.cpu & CPU_USE_TSC_OFFSETTING) || vmx_get(vmx))
		return -EINVAL;
	vmcs_write(VMCS_TSC_OFFSET, val - rdtsc());
	vmx_put();
	return 0;
}

int vmx_get_msr(struct mv_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	enum vmcs_field field = vmx_msr_field(msr);
	u64 *soft = vmx_soft_msr(vmx, msr);

	if (soft) {
		*val = *soft;
		return 0;
	}
	switch (msr) {
	case MSR_EFER:
		*val = vmx->efer;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = vmx->pat;
		return 0;
	case MSR_IA32_TSC:
		return vmx_get_tsc(vmx, val);
	}
	if (!field)
		return -ENOENT;
	if (vmx_get(vmx))
		return -EINVAL;
	*val = vmcs_read(field);
	vmx_put();
	return 0;
}

/*
 * A guest WRMSR to EFER.  LMA is read-only (the CPU sets it when paging
 * turns on with LME), and LME cannot change while paging is on.
 */
static int vmx_set_efer(struct vmx_vcpu *vmx, u64 val)
{
	u64 cur = vmx->efer;
	int ret;

	if (val & ~vmx_efer_valid())
		return -EINVAL;
	ret = vmx_get(vmx);
	if (ret)
		return -EINVAL;
	if (((val ^ cur) & EFER_LME) && (vmx_guest_cr0() & X86_CR0_PG))
		ret = -EINVAL;
	else
		vmx_write_efer(vmx, (val & ~EFER_LMA) | (cur & EFER_LMA));
	vmx_put();
	return ret;
}

int vmx_set_msr(struct mv_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	enum vmcs_field field = vmx_msr_field(msr);
	u64 *soft = vmx_soft_msr(vmx, msr);

	if (soft) {
		/*
		 * Refuse what WRMSR itself refuses: these are loaded into the
		 * CPU around each entry.  Addresses must be canonical, and
		 * SFMASK's upper half is reserved.
		 */
		if (msr != MSR_STAR && msr != MSR_SYSCALL_MASK &&
		    !__is_canonical_address(val, 48))
			return -EINVAL;
		if (msr == MSR_SYSCALL_MASK && val >> 32)
			return -EINVAL;
		*soft = val;
		return 0;
	}
	switch (msr) {
	case MSR_EFER:
		return vmx_set_efer(vmx, val);
	case MSR_IA32_TSC:
		return vmx_set_tsc(vmx, val);
	case MSR_IA32_CR_PAT:
		if (!mv_pat_valid(val))
			return -EINVAL;
		vmx->pat = val;
		if (!vmx_config.load_pat)
			return 0;
		field = VMCS_GUEST_IA32_PAT;
		break;
	case MSR_IA32_SYSENTER_CS:
		val = (u32)val;
		break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!__is_canonical_address(val, 48))
			return -EINVAL;
		break;
	default:
		return -ENOENT;
	}
	if (vmx_get(vmx))
		return -EINVAL;
	vmcs_write(field, val);
	vmx_put();
	return 0;
}

/* ---- events ------------------------------------------------------------- */

/* Queue for the next entry; needs no VMCS (software state only). */
void vmx_queue_exception(struct vmx_vcpu *vmx, u8 vector, bool has_error,
			 u32 error_code)
{
	/* Type 3 with vector 2 (NMI) or above 31 fails VM entry. */
	if (vector == X86_TRAP_NMI || vector > 31) {
		pr_warn_ratelimited("VM %s: not an exception vector: %u\n",
				    vmx->base.vm->name, vector);
		return;
	}
	vmx->pending_event = vector | INTR_INFO_VALID |
			     (INTR_TYPE_HARD_EXCEPTION << INTR_INFO_TYPE_SHIFT);
	vmx->pending_error = 0;
	vmx->pending_len = 0;
	/*
	 * Only the architectural error-code exceptions, and not in real mode:
	 * VM entry checks both (SDM 26.2.1.3).
	 */
	if (has_error && mv_exception_has_error(vector) &&
	    (vmx->guest_cr0 & X86_CR0_PE)) {
		vmx->pending_event |= INTR_INFO_DELIVER_CODE;
		vmx->pending_error = error_code;
	}
}

void vmx_inject_exception(struct mv_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	vmx_queue_exception(to_vmx(vcpu), vector, has_error, error_code);
}

/* ---- one guest entry ----------------------------------------------------- */

static void vmx_invept(u64 type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };

	asm volatile("invept %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" (type)
		     : "cc", "memory");
}

static void vmx_invvpid(u64 type, u16 vpid)
{
	struct { u64 vpid, addr; } desc = { vpid, 0 };

	asm volatile("invvpid %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" (type)
		     : "cc", "memory");
}

/*
 * TLB flush rule (interrupts off).  Guest-physical and combined mappings
 * are tagged with the EPTP, linear ones with the VPID; both can be reused
 * after a VM is destroyed.  Flush this vCPU's tags when its VMCS came to
 * this CPU (first run, migration, set_sregs) or the core asks for it
 * (mv_vcpu_flush_due()).
 */
static void vmx_flush_tlb(struct vmx_vcpu *vmx)
{
	struct mv_vm *vm = vmx->base.vm;
	u16 vpid = to_vmx_vm(vm)->vpid;
	u64 cap = vmx_config.ept_vpid_cap;

	/* First: it consumes the request, whatever else decides. */
	if (!mv_vcpu_flush_due(&vmx->base) && !vmx->flush)
		return;
	if (cap & VMX_EPT_CAP_INVEPT_SINGLE)
		vmx_invept(VMX_INV_SINGLE, mv_npt_eptp(&vm->npt));
	else
		vmx_invept(VMX_INV_ALL, 0);
	if (vpid) {
		if (cap & VMX_VPID_CAP_INVVPID_SINGLE)
			vmx_invvpid(VMX_INV_SINGLE, vpid);
		else
			vmx_invvpid(VMX_INV_ALL, 0);
	}
	vmx->flush = false;
}

static void vmx_regs_to_vmcs(struct vmx_vcpu *vmx)
{
	struct mv_vcpu *vcpu = &vmx->base;

	/* The core completed an instruction: its interrupt shadow is over. */
	if (vcpu->rip != vmx->exit_rip) {
		u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO);

		if (intr & (GUEST_INTR_STI_BLOCKING | GUEST_INTR_MOVSS_BLOCKING))
			vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_INFO,
				   intr & ~(GUEST_INTR_STI_BLOCKING |
					    GUEST_INTR_MOVSS_BLOCKING));
	}
	vmcs_write(VMCS_GUEST_RSP, vcpu->gprs[MINIVMM_RSP]);
	vmcs_write(VMCS_GUEST_RIP, vcpu->rip);
	vmcs_write(VMCS_GUEST_RFLAGS,
		   (vcpu->rflags & MV_RFLAGS_VALID) | X86_EFLAGS_FIXED);
	if (vmx->pending_event) {
		vmcs_write(VMCS_VM_ENTRY_INTR_INFO, vmx->pending_event);
		vmcs_write(VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmx->pending_error);
		vmcs_write(VMCS_VM_ENTRY_INSTRUCTION_LEN, vmx->pending_len);
		vmx->pending_event = 0;
	}
}

/*
 * The preemption timer ends the entry where the short path's slice ends
 * (mv_vcpu_short_path_start()): a guest that spins with interrupts off
 * and exits only to the short path still leaves it in time, also where
 * held host interrupts make no exit (Bochs).
 */
static void vmx_arm_slice(struct vmx_vcpu *vmx)
{
	s64 left = vmx->base.short_path_end - rdtsc();

	if (!vmx_config.preempt_timer)
		return;
	vmcs_write(VMCS_VMX_PREEMPTION_TIMER_VALUE,
		   left > 0 ? max_t(u64, left >> vmx_config.preempt_rate, 1) : 1);
}

/* Exit information, read while the VMCS is surely current here. */
static void vmx_read_exit(struct vmx_vcpu *vmx)
{
	struct mv_vcpu *vcpu = &vmx->base;

	vmx->exit_reason = vmcs_read32(VMCS_VM_EXIT_REASON);
	vmx->exit_qual = vmcs_read(VMCS_EXIT_QUALIFICATION);
	vmx->exit_intr_info = vmcs_read32(VMCS_VM_EXIT_INTR_INFO);
	vmx->exit_insn_len = vmcs_read32(VMCS_VM_EXIT_INSTRUCTION_LEN);
	vmx->idt_info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	vmx->idt_error = vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE);
	vmx->exit_gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
	vmx->guest_cr0 = vmx_guest_cr0();
	vcpu->gprs[MINIVMM_RSP] = vmcs_read(VMCS_GUEST_RSP);
	vcpu->rip = vmcs_read(VMCS_GUEST_RIP);
	vcpu->rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	vmx->exit_rip = vcpu->rip;
	/* The exit saved EFER.LMA (and the IA-32e entry control with it). */
	vmx->efer = vmcs_read(VMCS_GUEST_IA32_EFER);
}

/* A host NMI made the guest exit: hand it to the host's NMI handler. */
static bool vmx_exit_is_nmi(const struct vmx_vcpu *vmx)
{
	return (vmx->exit_reason & EXIT_REASON_BASIC_MASK) ==
		EXIT_EXCEPTION_NMI &&
	       (vmx->exit_intr_info & INTR_INFO_VALID) &&
	       vmx_intr_type(vmx->exit_intr_info) == INTR_TYPE_NMI;
}

/*
 * A machine check made the guest exit, or VM entry failed because of one
 * (exit reason 41, SDM 27.8): the host's handler must take it.
 */
static bool vmx_exit_is_mc(const struct vmx_vcpu *vmx)
{
	u32 basic = vmx->exit_reason & EXIT_REASON_BASIC_MASK;

	if (basic == EXIT_MACHINE_CHECK)
		return true;
	return basic == EXIT_EXCEPTION_NMI &&
	       (vmx->exit_intr_info & INTR_INFO_VALID) &&
	       vmx_intr_type(vmx->exit_intr_info) ==
	       INTR_TYPE_HARD_EXCEPTION &&
	       (vmx->exit_intr_info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC;
}

/*
 * External interrupts, VMCS current, after vmx_regs_to_vmcs() queued any
 * exception: inject the vector the core has pending when the guest can
 * take it (RFLAGS.IF, no STI/MOV SS blocking, no event queued), otherwise
 * ask for an interrupt-window exit (SDM 25.2, 26.6.5).
 */
static void vmx_sync_irq(struct vmx_vcpu *vmx)
{
	int vector = mv_irq_pending(&vmx->base);
	u32 blocking;

	if (vector < 0)
		return;
	blocking = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO) &
		   (GUEST_INTR_STI_BLOCKING | GUEST_INTR_MOVSS_BLOCKING);
	if ((vmx->base.rflags & X86_EFLAGS_IF) && !blocking &&
	    !(vmcs_read32(VMCS_VM_ENTRY_INTR_INFO) & INTR_INFO_VALID)) {
		vmcs_write(VMCS_VM_ENTRY_INTR_INFO, vector | INTR_INFO_VALID |
			   (INTR_TYPE_EXT_INTR << INTR_INFO_TYPE_SHIFT));
		mv_irq_accept(&vmx->base, vector);
		return;
	}
	vmcs_write(VMCS_CPU_BASED_VM_EXEC_CONTROL,
		   vmcs_read32(VMCS_CPU_BASED_VM_EXEC_CONTROL) |
		   CPU_INTR_WINDOW_EXITING);
}

/*
 * The MSRs the guest uses through SWAPGS and SYSCALL/SYSRET without an
 * exit, which VM entry and exit do not switch: swap in the guest's values
 * (interrupts off) and keep the host's in @host.
 */
static void vmx_load_guest_msrs(struct vmx_vcpu *vmx,
				struct vmx_guest_msrs *host)
{
	const struct vmx_guest_msrs *g = &vmx->msrs;

	host->kernel_gs_base = mv_msr_swap_in(MSR_KERNEL_GS_BASE,
					      g->kernel_gs_base);
	host->star = mv_msr_swap_in(MSR_STAR, g->star);
	host->lstar = mv_msr_swap_in(MSR_LSTAR, g->lstar);
	host->cstar = mv_msr_swap_in(MSR_CSTAR, g->cstar);
	host->sfmask = mv_msr_swap_in(MSR_SYSCALL_MASK, g->sfmask);
}

/*
 * After the exit: SWAPGS may have changed KERNEL_GS_BASE; the others are
 * intercepted, so the guest's copies are still current.
 */
static void vmx_load_host_msrs(struct vmx_vcpu *vmx,
			       const struct vmx_guest_msrs *host)
{
	const struct vmx_guest_msrs *g = &vmx->msrs;

	rdmsrl(MSR_KERNEL_GS_BASE, vmx->msrs.kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, host->kernel_gs_base);
	mv_msr_swap_out(MSR_STAR, host->star, g->star);
	mv_msr_swap_out(MSR_LSTAR, host->lstar, g->lstar);
	mv_msr_swap_out(MSR_CSTAR, host->cstar, g->cstar);
	mv_msr_swap_out(MSR_SYSCALL_MASK, host->sfmask, g->sfmask);
}

/*
 * L1TF: a guest can read whatever the L1 data cache holds, through its
 * own not-present guest PTEs, and EPT does not stop it.  On affected CPUs
 * flush L1D before every entry (what l1tf=...,vmentry_l1d_flush=always
 * asks of KVM); vmx_hardware_setup() decided, and warned where the CPU
 * has no flush command.  Interrupts off.
 */
static void vmx_l1d_flush(void)
{
	if (vmx_config.l1d_flush)
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
}

/*
 * Enter the guest, and again at once for as long as its exits are
 * answered on the short path (vmx_exit_fast()).  Interrupts off, guest
 * state loaded.  Returns what mv_vmx_vmrun() did last, or
 * VMX_ENTRY_ANSWERED when the last exit needs nothing more.
 */
static int vmx_run_guest(struct vmx_vcpu *vmx)
{
	struct mv_vcpu *vcpu = &vmx->base;
	int ret;

	for (;;) {
		if (native_read_cr2() != vmx->cr2)
			native_write_cr2(vmx->cr2);
		vmx_arm_slice(vmx);
		vmx_l1d_flush();
		MV_PROBE(vcpu, MV_P_PRE);
		ret = mv_vmx_vmrun(vcpu->gprs, vmx->launched);
		MV_PROBE(vcpu, MV_P_SWITCH);
		mv_spec_after_exit();
		vmx->cr2 = native_read_cr2();
		if (ret)
			return ret;
		vmx->launched = true;
		vmx_read_exit(vmx);
		if (!vmx_exit_fast(vmx))
			return 0;
		if (!mv_vcpu_may_reenter(vcpu)) {
			MV_PROBE_FAST(vcpu);
			return VMX_ENTRY_ANSWERED;
		}
		vmx_regs_to_vmcs(vmx);
		MV_PROBE_FAST(vcpu);
	}
}

/* Preemption off, VMCS current; returns with the same. */
static int vmx_enter(struct vmx_vcpu *vmx)
{
	unsigned long debugctl = get_debugctlmsr();
	struct vmx_guest_msrs host_msrs;
	u64 fs_base, host_xcr0, host_tsc_aux;
	u32 host_pkru;
	u16 ds, es, ldt;
	int ret;

	local_irq_disable();
	if (!mv_vcpu_enter_guest_mode(&vmx->base)) {
		local_irq_enable();
		return VMX_ENTRY_CANCELLED;
	}
	/* With interrupts off, a timer expiring now still forces an exit. */
	vmx_sync_irq(vmx);
	vmx_sync_nmi(vmx);
	vmx_flush_tlb(vmx);
	MV_PROBE(&vmx->base, MV_P_IRQ);
	/* Host state that may differ between entries on this CPU. */
	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, __read_cr3());
	vmcs_write(VMCS_HOST_CR4, __read_cr4());
	rdmsrl(MSR_FS_BASE, fs_base);
	vmcs_write(VMCS_HOST_FS_BASE, fs_base);
	savesegment(ds, ds);
	savesegment(es, es);
	asm volatile("sldt %0" : "=rm" (ldt));
	vmx_load_guest_msrs(vmx, &host_msrs);
	/* RDTSCP and RDPID run in the guest ("enable RDTSCP"). */
	host_tsc_aux = mv_guest_tsc_aux_load(&vmx->base);
	host_pkru = mv_guest_pkru_load(&vmx->base);
	/* So is CR2 (vmx_run_guest()); NMIs preserve it for us. */
	mv_guest_dr_load(&vmx->base, true);
	host_xcr0 = mv_guest_xcr0_load(&vmx->base);

	mv_spec_switch_vm(vmx->base.vm);
	mv_vcpu_short_path_start(&vmx->base);
	ret = vmx_run_guest(vmx);
	mv_vcpu_exit_guest_mode(&vmx->base);

	mv_guest_xcr0_save(&vmx->base, host_xcr0);

	vmx_load_host_msrs(vmx, &host_msrs);
	mv_guest_tsc_aux_put(&vmx->base, host_tsc_aux);
	mv_guest_pkru_save(&vmx->base, host_pkru);
	/*
	 * VM exit set the GDT limit to 0xffff (SDM 28.5.2) and loaded null
	 * DS/ES/LDTR and TR with limit 0x67.  The GDT base is the read-only
	 * fixmap copy: load it again with its real limit.
	 */
	load_fixmap_gdt(raw_smp_processor_id());
	if (ds)
		loadsegment(ds, ds);
	if (es)
		loadsegment(es, es);
	if (ldt)
		asm volatile("lldt %0" : : "rm" (ldt));
	invalidate_tss_limit();
	/* VM exit cleared IA32_DEBUGCTL and set DR7 to 0x400. */
	if (debugctl)
		update_debugctlmsr(debugctl);
	mv_guest_dr_save(&vmx->base, true);
	MV_PROBE(&vmx->base, MV_P_RESTORE);

	if (!ret) {
		vmx_nmi_after_exit(vmx);
		if (vmx_exit_is_nmi(vmx))
			asm volatile("int $2");
		else if (vmx_exit_is_mc(vmx))
			mv_machine_check();
	}
	local_irq_enable();
	return ret;
}

/* VMLAUNCH/VMRESUME did not enter: say why and stop the VM. */
static enum mv_exit_action vmx_entry_failed(struct vmx_vcpu *vmx, int ret)
{
	const char *insn = vmx->launched ? "VMRESUME" : "VMLAUNCH";
	u32 err = 0;

	if (ret == VMX_ENTRY_FAIL_VALID) {
		err = vmcs_read32(VMCS_VM_INSTRUCTION_ERROR);
		pr_warn_ratelimited("VM %s: %s failed: VM-instruction error %u (%s)\n",
				    vmx->base.vm->name, insn, err,
				    vmx_insn_error_name(err));
	} else {
		pr_warn_ratelimited("VM %s: %s failed: VMfailInvalid (no current VMCS)\n",
				    vmx->base.vm->name, insn);
	}
	return mv_exit_unhandled(&vmx->base, ret == VMX_ENTRY_FAIL_VALID ?
				 VMX_RAW_VMFAIL_VALID | err :
				 VMX_RAW_VMFAIL_INVALID);
}

enum mv_exit_action vmx_vcpu_run(struct mv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	enum mv_exit_action action;
	u64 start;
	int ret;

	mv_guest_fpu_enter(vcpu);
	MV_PROBE(vcpu, MV_P_FPU_IN);
	ret = vmx_vcpu_load(vmx);
	if (ret) {
		mv_guest_fpu_exit(vcpu);
		return mv_exit_unhandled(vcpu, VMX_RAW_VMFAIL_INVALID);
	}
	vmx_regs_to_vmcs(vmx);

	/* Preemption is off: one CPU's clock, cheaper than ktime's. */
	start = local_clock();
	MV_PROBE(vcpu, MV_P_LOAD);
	ret = vmx_enter(vmx);
	if (ret == VMX_ENTRY_CANCELLED) {
		mv_guest_fpu_exit(vcpu);
		return MV_EXIT_RESUME;
	}
	/* With the short path's exits: their handling is the guest's work. */
	vcpu->run_time_ns += local_clock() - start;
	if (ret == VMX_ENTRY_ANSWERED) {
		mv_guest_fpu_exit(vcpu);
		return MV_EXIT_RESUME;
	}

	if (ret) {
		action = vmx_entry_failed(vmx, ret);
		mv_guest_fpu_exit(vcpu);
		return action;
	}
	MV_PROBE(vcpu, MV_P_POST);
	mv_guest_fpu_exit(vcpu);
	MV_PROBE(vcpu, MV_P_FPU_OUT);
	return vmx_handle_exit(vmx);
}

/* For exit handlers (preemptible): run @fn with the VMCS current. */
int vmx_with_vmcs(struct vmx_vcpu *vmx)
{
	return vmx_get(vmx);
}

void vmx_done_vmcs(void)
{
	vmx_put();
}
