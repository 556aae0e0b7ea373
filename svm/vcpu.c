// SPDX-License-Identifier: GPL-2.0
/*
 * AMD-V VMs and vCPUs: ASIDs, the VMCB and its reset state, register and
 * MSR access, event injection, and one guest entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include "svm/svm.h"

/* Reset values (APM Vol. 2, "Processor Initialization State"). */
#define SVM_RESET_CR0		X86_CR0_ET
#define SVM_RESET_RFLAGS	X86_EFLAGS_FIXED
#define SVM_RESET_DR6		0xffff0ff0ULL
#define SVM_RESET_DR7		0x400ULL
#define SVM_RESET_PAT		0x0007040600070406ULL

/* Attributes of the reset segments: present, S=1 code / data, LDT, TSS. */
#define SVM_ATTR_CODE16		(SVM_ATTR_P | SVM_ATTR_S | 0xb)
#define SVM_ATTR_DATA16		(SVM_ATTR_P | SVM_ATTR_S | 0x3)
#define SVM_ATTR_LDT		(SVM_ATTR_P | 0x2)
#define SVM_ATTR_TSS16_BUSY	(SVM_ATTR_P | 0x3)

/* CR0 bits an x86-64 CPU defines; everything else is reserved. */
#define SVM_CR0_VALID	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | \
			 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | \
			 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)

/* ASIDs 1..nr_asids-1; ASID 0 is the host's. */
static DEFINE_IDA(svm_asid_ida);

/* serial + 1 of the VM whose vCPU last ran on this CPU; 0 for none. */
static DEFINE_PER_CPU(u64, svm_last_vm);

static inline void svm_clgi(void)
{
	asm volatile("clgi" : : : "memory");
}

static inline void svm_stgi(void)
{
	asm volatile("stgi" : : : "memory");
}

int svm_vm_init(struct mv_vm *vm)
{
	struct svm_vm *svm_vm = to_svm_vm(vm);
	int asid;

	asid = ida_alloc_range(&svm_asid_ida, 1, svm_caps.nr_asids - 1,
			       GFP_KERNEL);
	if (asid == -ENOSPC) {
		/* Sharing is safe: see svm_tlb_control(). */
		svm_vm->asid = 1;
		svm_vm->asid_owned = false;
		return 0;
	}
	if (asid < 0)
		return asid;
	svm_vm->asid = asid;
	svm_vm->asid_owned = true;
	return 0;
}

void svm_vm_destroy(struct mv_vm *vm)
{
	struct svm_vm *svm_vm = to_svm_vm(vm);

	if (svm_vm->asid_owned)
		ida_free(&svm_asid_ida, svm_vm->asid);
	svm_vm->asid_owned = false;
}

static void svm_seg_init(struct vmcb_seg *seg, u16 attrib)
{
	seg->selector = 0;
	seg->attrib = attrib;
	seg->limit = 0xffff;
	seg->base = 0;
}

/* 16-bit real mode at 0000:0000, paging and caches as after RESET. */
static void svm_reset_state(struct svm_vcpu *svm)
{
	struct vmcb_save *save = &svm->vmcb->save;

	svm_seg_init(&save->cs, SVM_ATTR_CODE16);
	svm_seg_init(&save->ds, SVM_ATTR_DATA16);
	svm_seg_init(&save->es, SVM_ATTR_DATA16);
	svm_seg_init(&save->fs, SVM_ATTR_DATA16);
	svm_seg_init(&save->gs, SVM_ATTR_DATA16);
	svm_seg_init(&save->ss, SVM_ATTR_DATA16);
	svm_seg_init(&save->ldtr, SVM_ATTR_LDT);
	svm_seg_init(&save->tr, SVM_ATTR_TSS16_BUSY);
	svm_seg_init(&save->gdtr, 0);
	svm_seg_init(&save->idtr, 0);
	save->cpl = 0;
	save->cr0 = SVM_RESET_CR0;
	save->cr2 = 0;
	save->cr3 = 0;
	save->cr4 = 0;
	/* VMRUN refuses a guest EFER without SVME; the guest never sees it. */
	save->efer = EFER_SVME;
	save->rflags = SVM_RESET_RFLAGS;
	save->dr6 = SVM_RESET_DR6;
	save->dr7 = SVM_RESET_DR7;
	save->g_pat = SVM_RESET_PAT;

	svm->base.rip = 0;
	svm->base.rflags = SVM_RESET_RFLAGS;
}

static u32 svm_rdpru_intercept(void)
{
	/* CPUID 8000_0008h:EBX[4]: RDPRU exists and its intercept with it. */
	if (cpuid_eax(0x80000000) >= 0x80000008 &&
	    (cpuid_ebx(0x80000008) & BIT(4)))
		return SVM_I4_RDPRU;
	return 0;
}

static void svm_init_control(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	struct mv_vm *vm = svm->base.vm;

	/*
	 * #AC and #DB: a guest can make the delivery of either raise the
	 * same exception again (misaligned stack with alignment checks on;
	 * a data breakpoint on its own exception frame), a loop inside the
	 * CPU that no host interrupt breaks (CVE-2015-5307, CVE-2015-8104).
	 * Intercepted, each delivery is an exit.  #MC belongs to the host.
	 */
	c->intercept_exceptions = BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) |
				  BIT(X86_TRAP_MC);
	c->intercept3 = SVM_I3_INTR | SVM_I3_NMI | SVM_I3_SMI | SVM_I3_INIT |
			SVM_I3_RDPMC | SVM_I3_CPUID | SVM_I3_INVD |
			SVM_I3_HLT | SVM_I3_INVLPGA |
			SVM_I3_IOIO_PROT | SVM_I3_MSR_PROT | SVM_I3_SHUTDOWN;
	/* VMRUN must be intercepted or VMRUN fails its consistency checks. */
	c->intercept4 = SVM_I4_VMRUN | SVM_I4_VMMCALL | SVM_I4_VMLOAD |
			SVM_I4_VMSAVE | SVM_I4_STGI | SVM_I4_CLGI |
			SVM_I4_SKINIT | SVM_I4_WBINVD | SVM_I4_MONITOR |
			SVM_I4_MWAIT | SVM_I4_MWAIT_COND | SVM_I4_XSETBV |
			svm_rdpru_intercept();
	/* CR4 writes: the guest may not set bits we do not offer (PKE). */
	c->intercept_cr = SVM_CR_WRITE(4);
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	c->asid = to_svm_vm(vm)->asid;
	c->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	/* Guest RFLAGS.IF gates virtual interrupts only, not the host's. */
	c->int_ctl = SVM_INT_CTL_V_INTR_MASKING;
	c->np_ctl = SVM_NP_ENABLE;
	c->n_cr3 = mv_npt_root_pa(&vm->npt);
}

/* The interrupt is the point (svm_exit_after_injection()). */
static void svm_exit_soon_fn(struct irq_work *work)
{
}

int svm_vcpu_init(struct mv_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct page *page;

	page = mv_pages_alloc(&mv_vm_pages, NUMA_NO_NODE,
			      GFP_KERNEL_ACCOUNT | __GFP_ZERO, 0);
	if (!page)
		return -ENOMEM;
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->last_cpu = -1;
	init_irq_work(&svm->exit_soon, svm_exit_soon_fn);
	svm_init_control(svm);
	svm_reset_state(svm);
	return 0;
}

void svm_vcpu_sipi(struct mv_vcpu *vcpu, u8 vector)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = &svm->vmcb->control;

	svm_reset_state(svm);
	svm->vmcb->save.cs.selector = (u16)vector << 8;
	svm->vmcb->save.cs.base = (u64)vector << 12;
	c->event_inj = 0;
	c->int_state = 0;
	svm_clear_irq_window(svm);
	c->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
}

void svm_vcpu_destroy(struct mv_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	irq_work_sync(&svm->exit_soon);
	if (svm->vmcb)
		mv_pages_free(&mv_vm_pages, virt_to_page(svm->vmcb), 0);
	svm->vmcb = NULL;
}

/* ---- segment and control registers ------------------------------------ */

static u16 svm_attr_pack(const struct minivmm_segment *s)
{
	u16 a = (s->type & SVM_ATTR_TYPE_MASK) |
		(s->dpl << SVM_ATTR_DPL_SHIFT);

	if (s->s)
		a |= SVM_ATTR_S;
	if (s->present && !s->unusable)
		a |= SVM_ATTR_P;
	if (s->avl)
		a |= SVM_ATTR_AVL;
	if (s->l)
		a |= SVM_ATTR_L;
	if (s->db)
		a |= SVM_ATTR_DB;
	if (s->g)
		a |= SVM_ATTR_G;
	return a;
}

static void svm_seg_to_user(struct minivmm_segment *d,
			    const struct vmcb_seg *s)
{
	memset(d, 0, sizeof(*d));
	d->base = s->base;
	d->limit = s->limit;
	d->selector = s->selector;
	d->type = s->attrib & SVM_ATTR_TYPE_MASK;
	d->s = !!(s->attrib & SVM_ATTR_S);
	d->dpl = (s->attrib & SVM_ATTR_DPL_MASK) >> SVM_ATTR_DPL_SHIFT;
	d->present = !!(s->attrib & SVM_ATTR_P);
	d->avl = !!(s->attrib & SVM_ATTR_AVL);
	d->l = !!(s->attrib & SVM_ATTR_L);
	d->db = !!(s->attrib & SVM_ATTR_DB);
	d->g = !!(s->attrib & SVM_ATTR_G);
	/* SVM has no separate "unusable": a not-present segment is. */
	d->unusable = !d->present;
}

static void svm_seg_from_user(struct vmcb_seg *d,
			      const struct minivmm_segment *s)
{
	d->selector = s->selector;
	d->attrib = svm_attr_pack(s);
	d->limit = s->limit;
	d->base = s->base;
}

static bool svm_seg_valid(const struct minivmm_segment *s, unsigned int vabits)
{
	if (s->type > 15 || s->dpl > 3 || s->s > 1 || s->present > 1 ||
	    s->avl > 1 || s->l > 1 || s->db > 1 || s->g > 1 ||
	    s->unusable > 1 || s->padding0)
		return false;
	return __is_canonical_address(s->base, vabits);
}

static bool svm_dt_valid(const struct minivmm_dtable *dt, unsigned int vabits)
{
	return !dt->padding[0] && !dt->padding[1] && !dt->padding[2] &&
	       __is_canonical_address(dt->base, vabits);
}

/* EFER bits a guest may hold, SVME aside (always forced on). */
static u64 svm_efer_valid(void)
{
	u64 valid = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;

	if (boot_cpu_has(X86_FEATURE_FXSR_OPT))
		valid |= EFER_FFXSR;
	return valid;
}

/* CR4 bits this host implements (others are must-be-zero for VMRUN). */
static u64 svm_cr4_valid(void)
{
	return mv_host_cr4_bits();
}

/*
 * The control-register combinations VMRUN's consistency checks reject
 * (APM Vol. 2, "Canonicalization and Consistency Checks"), plus those a
 * real CPU can never reach (PG without PE, LMA not equal to LME && PG).
 */
static bool svm_cregs_valid(const struct minivmm_sregs *sr)
{
	u64 cr0 = sr->cr0, cr4 = sr->cr4, efer = sr->efer & ~EFER_SVME;
	bool pg = cr0 & X86_CR0_PG, lme = efer & EFER_LME;
	bool lma = efer & EFER_LMA;

	if (cr0 & ~SVM_CR0_VALID)
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	if (pg && !(cr0 & X86_CR0_PE))
		return false;
	if (cr4 & ~svm_cr4_valid())
		return false;
	if (efer & ~svm_efer_valid())
		return false;
	if (sr->cr3 & GENMASK_ULL(63, 52))
		return false;
	if (lme && pg && !(cr4 & X86_CR4_PAE))
		return false;
	if (lma != (lme && pg))
		return false;
	if (lma && sr->cs.l && sr->cs.db)
		return false;
	if ((cr4 & X86_CR4_PCIDE) && !lma)
		return false;
	return true;
}

/* Real mode: 0.  Otherwise CS.DPL, or SS.DPL for a conforming CS. */
static u8 svm_cpl(const struct minivmm_sregs *sr)
{
	bool conforming = sr->cs.s && (sr->cs.type & 0xc) == 0xc;

	if (!(sr->cr0 & X86_CR0_PE))
		return 0;
	return conforming ? sr->ss.dpl : sr->cs.dpl;
}

static bool svm_sregs_valid(const struct minivmm_sregs *sr)
{
	unsigned int vabits = (sr->cr4 & X86_CR4_LA57) ? 57 : 48;
	const struct minivmm_segment *segs[] = {
		&sr->cs, &sr->ds, &sr->es, &sr->fs, &sr->gs, &sr->ss,
		&sr->tr, &sr->ldt,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (!svm_seg_valid(segs[i], vabits))
			return false;
	if (!svm_dt_valid(&sr->gdt, vabits) || !svm_dt_valid(&sr->idt, vabits))
		return false;
	if (!svm_cregs_valid(sr))
		return false;
	/* A usable stack segment has DPL == CPL in protected mode. */
	if ((sr->cr0 & X86_CR0_PE) && sr->ss.present && !sr->ss.unusable &&
	    sr->ss.dpl != svm_cpl(sr))
		return false;
	return true;
}

void svm_get_sregs(struct mv_vcpu *vcpu, struct minivmm_sregs *sr)
{
	const struct vmcb_save *save = &to_svm(vcpu)->vmcb->save;

	svm_seg_to_user(&sr->cs, &save->cs);
	svm_seg_to_user(&sr->ds, &save->ds);
	svm_seg_to_user(&sr->es, &save->es);
	svm_seg_to_user(&sr->fs, &save->fs);
	svm_seg_to_user(&sr->gs, &save->gs);
	svm_seg_to_user(&sr->ss, &save->ss);
	svm_seg_to_user(&sr->tr, &save->tr);
	svm_seg_to_user(&sr->ldt, &save->ldtr);
	memset(&sr->gdt, 0, sizeof(sr->gdt));
	sr->gdt.base = save->gdtr.base;
	sr->gdt.limit = save->gdtr.limit;
	memset(&sr->idt, 0, sizeof(sr->idt));
	sr->idt.base = save->idtr.base;
	sr->idt.limit = save->idtr.limit;
	sr->cr0 = save->cr0;
	sr->cr2 = save->cr2;
	sr->cr3 = save->cr3;
	sr->cr4 = save->cr4;
	sr->efer = save->efer & ~EFER_SVME;
}

int svm_set_sregs(struct mv_vcpu *vcpu, const struct minivmm_sregs *sr)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *save = &svm->vmcb->save;

	if (!svm_sregs_valid(sr))
		return -EINVAL;

	svm_seg_from_user(&save->cs, &sr->cs);
	svm_seg_from_user(&save->ds, &sr->ds);
	svm_seg_from_user(&save->es, &sr->es);
	svm_seg_from_user(&save->fs, &sr->fs);
	svm_seg_from_user(&save->gs, &sr->gs);
	svm_seg_from_user(&save->ss, &sr->ss);
	svm_seg_from_user(&save->tr, &sr->tr);
	svm_seg_from_user(&save->ldtr, &sr->ldt);
	save->gdtr.base = sr->gdt.base;
	save->gdtr.limit = sr->gdt.limit;
	save->idtr.base = sr->idt.base;
	save->idtr.limit = sr->idt.limit;
	save->cpl = svm_cpl(sr);
	save->cr0 = sr->cr0;
	save->cr2 = sr->cr2;
	save->cr3 = sr->cr3;
	save->cr4 = sr->cr4;
	save->efer = sr->efer | EFER_SVME;
	/* New paging state: start from clean TLBs. */
	svm->vmcb->control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	svm->last_cpu = -1;
	return 0;
}

/*
 * A guest MOV to CR4 (intercepted): the checks the CPU makes, then ours
 * (only bits svm_cr4_valid() offers).  Returns -EINVAL for #GP.
 */
int svm_write_cr4(struct svm_vcpu *svm, u64 cr4)
{
	struct vmcb_save *save = &svm->vmcb->save;
	bool lma = save->efer & EFER_LMA;

	if (cr4 & ~svm_cr4_valid())
		return -EINVAL;
	if (lma && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	if ((cr4 & X86_CR4_PCIDE) && !lma)
		return -EINVAL;
	/* Enabling PCIDs with a non-zero PCID in CR3 faults. */
	if ((cr4 & X86_CR4_PCIDE) && !(save->cr4 & X86_CR4_PCIDE) &&
	    (save->cr3 & 0xfff))
		return -EINVAL;
	/* New paging state: start from clean TLBs, as on a real CPU. */
	if (cr4 != save->cr4)
		svm->vmcb->control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	save->cr4 = cr4;
	return 0;
}

/* ---- MSRs kept in the VMCB -------------------------------------------- */

/*
 * A guest WRMSR to EFER.  SVME is ours (the guest does not know SVM), LMA
 * is read-only (the CPU sets it when paging turns on with LME), and LME
 * cannot change while paging is on.
 */
static int svm_set_efer(struct vmcb_save *save, u64 val)
{
	u64 cur = save->efer;

	if (val & ~svm_efer_valid())
		return -EINVAL;
	if (((val ^ cur) & EFER_LME) && (save->cr0 & X86_CR0_PG))
		return -EINVAL;
	save->efer = (val & ~EFER_LMA) | (cur & EFER_LMA) | EFER_SVME;
	return 0;
}

int svm_get_msr(struct mv_vcpu *vcpu, u32 msr, u64 *val)
{
	const struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	const struct vmcb_save *save = &vmcb->save;

	switch (msr) {
	case MSR_IA32_TSC:	/* what the guest's RDTSC reads */
		*val = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	case MSR_EFER:
		*val = save->efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = save->g_pat;
		return 0;
	default:
		return -ENOENT;
	}
}

int svm_set_msr(struct mv_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save *save = &vmcb->save;

	switch (msr) {
	case MSR_IA32_TSC:
		/* RDTSC is not intercepted: move the guest's clock instead. */
		vmcb->control.tsc_offset = val - rdtsc();
		return 0;
	case MSR_EFER:
		return svm_set_efer(save, val);
	case MSR_IA32_CR_PAT:
		if (!mv_pat_valid(val))
			return -EINVAL;
		save->g_pat = val;
		return 0;
	default:
		return -ENOENT;
	}
}

/* ---- events ------------------------------------------------------------ */

void svm_inject_exception(struct mv_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 ev;

	/* Type 3 with vector 2 or above 31 fails VMRUN: refuse those. */
	if (vector == NMI_VECTOR || vector > 31) {
		pr_warn_ratelimited("VM %s: not an exception vector: %u\n",
				    vcpu->vm->name, vector);
		return;
	}
	ev = vector | SVM_EVT_TYPE_EXCEPTION | SVM_EVT_VALID;
	/* Real mode delivery pushes no error code. */
	if (has_error && (vmcb->save.cr0 & X86_CR0_PE))
		ev |= SVM_EVT_EV | ((u64)error_code << SVM_EVT_ERROR_SHIFT);
	vmcb->control.event_inj = ev;
}

/*
 * External interrupts, just before an entry: inject the vector the core
 * has pending when the guest can take it; otherwise post a virtual
 * interrupt (V_IRQ, priority above any TPR) with the VINTR intercept on,
 * which exits exactly when the guest opens its interrupt window.
 */
static void svm_sync_irq(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	int vector;

	/* Guest CR8 is V_TPR (V_INTR_MASKING): the APIC's TPR 7:4. */
	c->int_ctl = (c->int_ctl & ~SVM_INT_CTL_V_TPR_MASK) |
		     (svm->base.apic.tpr >> 4);
	vector = mv_irq_pending(&svm->base);

	if (vector < 0)
		return;
	if ((svm->base.rflags & X86_EFLAGS_IF) &&
	    !(c->int_state & SVM_INT_STATE_SHADOW) &&
	    !(c->event_inj & SVM_EVT_VALID)) {
		c->event_inj = vector | SVM_EVT_TYPE_INTR | SVM_EVT_VALID;
		mv_irq_accept(&svm->base, vector);
		return;
	}
	c->int_ctl |= SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR |
		      (0xfULL << SVM_INT_CTL_V_INTR_PRIO_SHIFT);
	c->intercept3 |= SVM_I3_VINTR;
}

void svm_clear_irq_window(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	c->int_ctl &= ~(SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR |
			(0xfULL << SVM_INT_CTL_V_INTR_PRIO_SHIFT));
	c->intercept3 &= ~SVM_I3_VINTR;
}

/* ---- one guest entry --------------------------------------------------- */

/*
 * TLB flush rule.  ASIDs may be shared (when the IDA is exhausted) and are
 * reused after a VM is destroyed, and QEMU has no flush-by-ASID, so flush
 * the whole TLB of this CPU when: this vCPU never ran or ran elsewhere last
 * time (its old CPU may hold stale entries when it comes back, and this one
 * entries of a previous owner of the ASID), or another VM ran here last.
 * Also when the core has retired an NPT table since our last entry (the
 * walker may cache it): mv_npt_map() list_add()s retired tables, so the
 * list's first entry changes.  The ops have no explicit flush request yet;
 * this vCPU thread is the only one changing the tables of a 1-vCPU VM, so
 * the unlocked peek is benign.
 * Preemption is off: the per-CPU variable and CPU number are stable.
 */
static void svm_tlb_control(struct svm_vcpu *svm)
{
	struct mv_vm *vm = svm->base.vm;
	const void *retired = READ_ONCE(vm->npt.retired.next);
	int cpu = smp_processor_id();
	/* Per vCPU: two vCPUs of a VM share its ASID but not their CR3s. */
	u64 tag = (vm->serial << 8) + svm->base.index + 1;
	bool flush;

	flush = svm->last_cpu != cpu || this_cpu_read(svm_last_vm) != tag ||
		svm->npt_retired_seen != retired;
	if (flush)
		svm->vmcb->control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	svm->last_cpu = cpu;
	svm->npt_retired_seen = retired;
	this_cpu_write(svm_last_vm, tag);
}

static void svm_regs_to_vmcb(struct svm_vcpu *svm)
{
	struct mv_vcpu *vcpu = &svm->base;
	struct vmcb_save *save = &svm->vmcb->save;

	/* The core completed an instruction: its interrupt shadow is over. */
	if (save->rip != vcpu->rip)
		svm->vmcb->control.int_state &= ~SVM_INT_STATE_SHADOW;
	save->rax = vcpu->gprs[MINIVMM_RAX];
	save->rsp = vcpu->gprs[MINIVMM_RSP];
	save->rip = vcpu->rip;
	save->rflags = vcpu->rflags | X86_EFLAGS_FIXED;
}

static void svm_regs_from_vmcb(struct svm_vcpu *svm)
{
	struct mv_vcpu *vcpu = &svm->base;
	const struct vmcb_save *save = &svm->vmcb->save;
	u32 v_tpr = svm->vmcb->control.int_ctl & SVM_INT_CTL_V_TPR_MASK;

	vcpu->gprs[MINIVMM_RAX] = save->rax;
	vcpu->gprs[MINIVMM_RSP] = save->rsp;
	vcpu->rip = save->rip;
	vcpu->rflags = save->rflags;
	/* A MOV to CR8 in the guest changed V_TPR: that is the APIC's TPR. */
	if (v_tpr != vcpu->apic.tpr >> 4)
		vcpu->apic.tpr = v_tpr << 4;
}

/*
 * QEMU's AMD-V (TCG; the one implementation without NRIP save) delivers an
 * injected external interrupt during VMRUN but leaves its vector as the
 * CPU's pending exception: if its main loop is asked to stop (another vCPU's
 * turn, an I/O event) before the guest's next #VMEXIT, it delivers the
 * vector a second time, whatever RFLAGS.IF says.  A Linux guest then takes
 * its timer interrupt inside its own timer interrupt and deadlocks on the
 * IRQ descriptor lock.  A #VMEXIT replaces that stale vector, so make one
 * come at once: a self-IPI, pending across VMRUN, exits the guest right
 * after the delivery.  Interrupts are off; the IPI is taken after STGI.
 */
static void svm_exit_after_injection(struct svm_vcpu *svm)
{
	u64 ev = svm->vmcb->control.event_inj;

	if (mv_host.features & MINIVMM_FEAT(NRIPS))
		return;
	if ((ev & SVM_EVT_VALID) &&
	    (ev & SVM_EVT_TYPE_MASK) == SVM_EVT_TYPE_INTR)
		irq_work_queue(&svm->exit_soon);
}

/*
 * Preemption is off (guest FPU loaded); returns with the same.  False if
 * the entry was called off (mv_vcpu_enter_guest_mode()).
 *
 * RDTSCP (not intercepted) and RDPID (which cannot be) read TSC_AUX, where
 * the host keeps its CPU and node number: the guest gets its own value
 * while it runs.  WRMSR to it is intercepted (the core keeps
 * vcpu->tsc_aux), so there is nothing to read back.  The host's entry code
 * finds its per-CPU base with LSL, not RDPID, so an NMI in the window is
 * safe.
 */
static bool svm_enter(struct svm_vcpu *svm)
{
	u64 host_save = svm_host_save_pa();
	u64 host_tsc_aux = 0, host_xcr0;
	bool tsc_aux = mv_has_tsc_aux();

	local_irq_disable();
	if (!mv_vcpu_enter_guest_mode(&svm->base)) {
		local_irq_enable();
		return false;
	}
	/* With interrupts off, a timer expiring now still forces an exit. */
	svm_sync_irq(svm);
	svm_exit_after_injection(svm);
	if (tsc_aux) {
		rdmsrl(MSR_TSC_AUX, host_tsc_aux);
		if (host_tsc_aux != svm->base.tsc_aux)
			wrmsrl(MSR_TSC_AUX, svm->base.tsc_aux);
	}
	/* The VMCB holds the guest's DR6 and DR7, the CPU its DR0-3. */
	mv_guest_dr_load(&svm->base, false);
	host_xcr0 = mv_guest_xcr0_load(&svm->base);
	mv_spec_switch_vm(svm->base.vm);
	svm_clgi();
	mv_svm_vmrun(svm->vmcb_pa, svm->base.gprs, host_save);
	mv_spec_after_exit();
	mv_guest_xcr0_save(&svm->base, host_xcr0);
	/* #VMEXIT disabled the host's breakpoints (DR7); put them back. */
	mv_guest_dr_save(&svm->base, false);
	if (tsc_aux && host_tsc_aux != svm->base.tsc_aux)
		wrmsrl(MSR_TSC_AUX, host_tsc_aux);
	svm_stgi();
	mv_vcpu_exit_guest_mode(&svm->base);
	/* Still with interrupts off, as the host's own #MC would be. */
	if (unlikely(svm->vmcb->control.exit_code ==
		     SVM_EXIT_EXCP_BASE + X86_TRAP_MC))
		mv_machine_check();
	local_irq_enable();
	return true;
}

enum mv_exit_action svm_vcpu_run(struct mv_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = &svm->vmcb->control;
	u64 start;

	mv_guest_fpu_enter(vcpu);
	svm_regs_to_vmcb(svm);
	svm_tlb_control(svm);
	c->n_cr3 = mv_npt_root_pa(&vcpu->vm->npt);

	start = ktime_get_ns();
	if (!svm_enter(svm)) {
		mv_guest_fpu_exit(vcpu);
		return MV_EXIT_RESUME;
	}
	vcpu->run_time_ns += ktime_get_ns() - start;

	c->tlb_control = SVM_TLB_CONTROL_NONE;
	svm_regs_from_vmcb(svm);
	mv_guest_fpu_exit(vcpu);
	return svm_handle_exit(svm);
}
