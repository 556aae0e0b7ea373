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
#include <linux/sched/clock.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include "svm/svm.h"

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
	/*
	 * The pause filter: the PAUSE_FILTER_COUNT-th PAUSE since the entry
	 * exits, and the thread yields to a sibling (mv_exit_pause()).  Only
	 * a sibling can hold the lock a guest spins on.
	 */
	if ((mv_host.features & MINIVMM_FEAT(PAUSE_LOOP)) && vm->nr_vcpus > 1) {
		c->intercept3 |= SVM_I3_PAUSE;
		c->pause_filter_count = SVM_PAUSE_FILTER_COUNT;
	}
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
	/* The core loads the reset state next (mv_vcpu_reset_state()). */
	return 0;
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

void svm_state_limits(struct mv_state_limits *lim)
{
	lim->cr4_valid &= svm_cr4_valid();
	lim->efer_valid = svm_efer_valid();
}

/* Real mode: 0.  Otherwise CS.DPL, or SS.DPL for a conforming CS. */
static u8 svm_cpl(const struct minivmm_vcpu_state *st)
{
	bool conforming = st->cs.s && (st->cs.type & 0xc) == 0xc;

	if (!(st->cr0 & X86_CR0_PE))
		return 0;
	return conforming ? st->ss.dpl : st->cs.dpl;
}

void svm_get_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st,
		   u32 mask)
{
	const struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	const struct vmcb_save *save = &vmcb->save;
	const struct vmcb_control *c = &vmcb->control;

	if (mask & MINIVMM_STATE_SEGS) {
		svm_seg_to_user(&st->cs, &save->cs);
		svm_seg_to_user(&st->ds, &save->ds);
		svm_seg_to_user(&st->es, &save->es);
		svm_seg_to_user(&st->fs, &save->fs);
		svm_seg_to_user(&st->gs, &save->gs);
		svm_seg_to_user(&st->ss, &save->ss);
		svm_seg_to_user(&st->tr, &save->tr);
		/*
		 * LTR marks the descriptor busy in the GDT, but the VMCB keeps
		 * the type it loaded (available, seen under QEMU; KVM makes the
		 * same fix): TR holds a busy TSS by definition.
		 */
		if (st->tr.type == 1 || st->tr.type == 9)
			st->tr.type |= 2;
		svm_seg_to_user(&st->ldt, &save->ldtr);
		memset(&st->gdt, 0, sizeof(st->gdt));
		st->gdt.base = save->gdtr.base;
		st->gdt.limit = save->gdtr.limit;
		memset(&st->idt, 0, sizeof(st->idt));
		st->idt.base = save->idtr.base;
		st->idt.limit = save->idtr.limit;
	}
	if (mask & MINIVMM_STATE_CRS) {
		st->cr0 = save->cr0;
		st->cr2 = save->cr2;
		st->cr3 = save->cr3;
		st->cr4 = save->cr4;
		st->efer = save->efer & ~EFER_SVME;
	}
	if (mask & MINIVMM_STATE_DRS) {
		st->dr6 = save->dr6;
		st->dr7 = save->dr7;
	}
	if (mask & MINIVMM_STATE_MSRS) {
		st->msrs.sysenter_cs = save->sysenter_cs;
		st->msrs.sysenter_esp = save->sysenter_esp;
		st->msrs.sysenter_eip = save->sysenter_eip;
		st->msrs.star = save->star;
		st->msrs.lstar = save->lstar;
		st->msrs.cstar = save->cstar;
		st->msrs.sfmask = save->sfmask;
		st->msrs.kernel_gs_base = save->kernel_gs_base;
		st->msrs.pat = save->g_pat;
		st->msrs.tsc_offset = c->tsc_offset;
	}
	if (mask & MINIVMM_STATE_EVENTS) {
		u64 ev = c->event_inj;

		memset(&st->events, 0, sizeof(st->events));
		st->events.int_shadow = !!(c->int_state & SVM_INT_STATE_SHADOW);
		if (ev & SVM_EVT_VALID) {
			st->events.pending = 1;
			st->events.type = (ev & SVM_EVT_TYPE_MASK) >>
					  SVM_EVT_TYPE_SHIFT;
			st->events.vector = ev & SVM_EVT_VECTOR_MASK;
			st->events.has_error = !!(ev & SVM_EVT_EV);
			if (ev & SVM_EVT_EV)
				st->events.error_code =
					ev >> SVM_EVT_ERROR_SHIFT;
		}
		svm_nmi_get_state(to_svm(vcpu), &st->events);
	}
}

int svm_set_state(struct mv_vcpu *vcpu, const struct minivmm_vcpu_state *st,
		  u32 mask)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *save = &svm->vmcb->save;
	struct vmcb_control *c = &svm->vmcb->control;

	if (mask & MINIVMM_STATE_SEGS) {
		svm_seg_from_user(&save->cs, &st->cs);
		svm_seg_from_user(&save->ds, &st->ds);
		svm_seg_from_user(&save->es, &st->es);
		svm_seg_from_user(&save->fs, &st->fs);
		svm_seg_from_user(&save->gs, &st->gs);
		svm_seg_from_user(&save->ss, &st->ss);
		svm_seg_from_user(&save->tr, &st->tr);
		svm_seg_from_user(&save->ldtr, &st->ldt);
		save->gdtr.base = st->gdt.base;
		save->gdtr.limit = st->gdt.limit;
		save->idtr.base = st->idt.base;
		save->idtr.limit = st->idt.limit;
	}
	if (mask & (MINIVMM_STATE_SEGS | MINIVMM_STATE_CRS))
		save->cpl = svm_cpl(st);
	if (mask & MINIVMM_STATE_CRS) {
		save->cr0 = st->cr0;
		save->cr2 = st->cr2;
		save->cr3 = st->cr3;
		save->cr4 = st->cr4;
		save->efer = st->efer | EFER_SVME;
	}
	if (mask & MINIVMM_STATE_DRS) {
		save->dr6 = st->dr6;
		save->dr7 = st->dr7;
	}
	if (mask & MINIVMM_STATE_MSRS) {
		save->sysenter_cs = st->msrs.sysenter_cs;
		save->sysenter_esp = st->msrs.sysenter_esp;
		save->sysenter_eip = st->msrs.sysenter_eip;
		save->star = st->msrs.star;
		save->lstar = st->msrs.lstar;
		save->cstar = st->msrs.cstar;
		save->sfmask = st->msrs.sfmask;
		save->kernel_gs_base = st->msrs.kernel_gs_base;
		save->g_pat = st->msrs.pat;
		c->tsc_offset = st->msrs.tsc_offset;
	}
	if (mask & MINIVMM_STATE_EVENTS) {
		const struct minivmm_state_events *e = &st->events;

		if (e->int_shadow)
			c->int_state |= SVM_INT_STATE_SHADOW;
		else
			c->int_state &= ~SVM_INT_STATE_SHADOW;
		svm_nmi_set_state(svm, e);
		c->event_inj = 0;
		if (e->pending) {
			c->event_inj = e->vector | SVM_EVT_VALID |
				       ((u64)e->type << SVM_EVT_TYPE_SHIFT);
			if (e->has_error)
				c->event_inj |= SVM_EVT_EV |
					((u64)e->error_code <<
					 SVM_EVT_ERROR_SHIFT);
		}
	}
	/* New paging state: start from clean TLBs. */
	if (mask & (MINIVMM_STATE_SEGS | MINIVMM_STATE_CRS)) {
		c->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
		svm->last_cpu = -1;
	}
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

	if (cr4 & ~(svm_cr4_valid() & mv_cpu_model_cr4(svm->base.vm)))
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
 * Also when the core asks for one (mv_vcpu_flush_due()).
 * Preemption is off: the per-CPU variable and CPU number are stable.
 */
static void svm_tlb_control(struct svm_vcpu *svm)
{
	struct mv_vm *vm = svm->base.vm;
	int cpu = smp_processor_id();
	/* Per vCPU: two vCPUs of a VM share its ASID but not their CR3s. */
	u64 tag = (vm->serial << 8) + svm->base.index + 1;
	/* First: it consumes the request, whatever else decides. */
	bool flush = mv_vcpu_flush_due(&svm->base);

	if (flush || svm->last_cpu != cpu ||
	    this_cpu_read(svm_last_vm) != tag)
		svm->vmcb->control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	svm->last_cpu = cpu;
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
	/* An injected NMI takes the same path in QEMU (svm/nmi.c). */
	if ((ev & SVM_EVT_VALID) &&
	    ((ev & SVM_EVT_TYPE_MASK) == SVM_EVT_TYPE_INTR ||
	     (ev & SVM_EVT_TYPE_MASK) == SVM_EVT_TYPE_NMI))
		irq_work_queue(&svm->exit_soon);
}

/*
 * Enter the guest, and again at once for as long as its exits are
 * answered on the short path (svm_exit_fast()).  GIF clear, guest state
 * loaded.  True when the last exit needs nothing more.
 */
static bool svm_run_guest(struct svm_vcpu *svm, u64 host_save)
{
	struct mv_vcpu *vcpu = &svm->base;

	for (;;) {
		MV_PROBE(vcpu, MV_P_PRE);
		mv_svm_vmrun(svm->vmcb_pa, vcpu->gprs, host_save);
		MV_PROBE(vcpu, MV_P_SWITCH);
		mv_spec_after_exit();
		svm->vmcb->control.tlb_control = SVM_TLB_CONTROL_NONE;
		svm_regs_from_vmcb(svm);
		if (!svm_exit_fast(svm))
			return false;
		if (!mv_vcpu_may_reenter(vcpu)) {
			MV_PROBE_FAST(vcpu);
			return true;
		}
		svm_regs_to_vmcb(svm);
		MV_PROBE_FAST(vcpu);
	}
}

/*
 * Preemption is off (guest FPU loaded); returns with the same.
 * SVM_ENTER_CANCELLED if the entry was called off
 * (mv_vcpu_enter_guest_mode()), SVM_ENTER_ANSWERED when the short path
 * answered the last exit, otherwise SVM_ENTER_EXIT.
 *
 * RDTSCP (not intercepted) and RDPID (which cannot be) read TSC_AUX: the
 * guest gets its own value while it runs (mv_guest_tsc_aux_load()).
 */
enum svm_enter_result { SVM_ENTER_EXIT, SVM_ENTER_CANCELLED, SVM_ENTER_ANSWERED };

static enum svm_enter_result svm_enter(struct svm_vcpu *svm)
{
	u64 host_save = svm_host_save_pa();
	u64 host_tsc_aux, host_xcr0, host_pkrs;
	u32 host_pkru;
	bool answered;

	local_irq_disable();
	if (!mv_vcpu_enter_guest_mode(&svm->base)) {
		local_irq_enable();
		return SVM_ENTER_CANCELLED;
	}
	/*
	 * After IN_GUEST is published: whoever raises a flush request and
	 * then finds us out of guest mode relies on this entry seeing it
	 * (kmod/dirty.c, the balloon), so the check cannot come earlier.
	 */
	svm_tlb_control(svm);
	/* With interrupts off, a timer expiring now still forces an exit. */
	svm_sync_irq(svm);
	svm_sync_nmi(svm);
	svm_exit_after_injection(svm);
	MV_PROBE(&svm->base, MV_P_IRQ);
	host_tsc_aux = mv_guest_tsc_aux_load(&svm->base);
	host_pkru = mv_guest_pkru_load(&svm->base);
	host_pkrs = mv_guest_pkrs_load(&svm->base);
	/* The VMCB holds the guest's DR6 and DR7, the CPU its DR0-3. */
	mv_guest_dr_load(&svm->base, false);
	host_xcr0 = mv_guest_xcr0_load(&svm->base);
	mv_spec_switch_vm(svm->base.vm);
	svm_clgi();
	mv_vcpu_short_path_start(&svm->base);
	answered = svm_run_guest(svm, host_save);
	mv_guest_xcr0_save(&svm->base, host_xcr0);
	/* #VMEXIT disabled the host's breakpoints (DR7); put them back. */
	mv_guest_dr_save(&svm->base, false);
	mv_guest_pkru_save(&svm->base, host_pkru);
	mv_guest_pkrs_put(&svm->base, host_pkrs);
	mv_guest_tsc_aux_put(&svm->base, host_tsc_aux);
	MV_PROBE(&svm->base, MV_P_RESTORE);
	svm_stgi();
	mv_vcpu_exit_guest_mode(&svm->base);
	/* Still with interrupts off, as the host's own #MC would be. */
	if (unlikely(svm->vmcb->control.exit_code ==
		     SVM_EXIT_EXCP_BASE + X86_TRAP_MC))
		mv_machine_check();
	local_irq_enable();
	return answered ? SVM_ENTER_ANSWERED : SVM_ENTER_EXIT;
}

enum mv_exit_action svm_vcpu_run(struct mv_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = &svm->vmcb->control;
	enum svm_enter_result res;
	u64 start;

	mv_guest_fpu_enter(vcpu);
	MV_PROBE(vcpu, MV_P_FPU_IN);
	svm_regs_to_vmcb(svm);
	c->n_cr3 = mv_npt_root_pa(&vcpu->vm->npt);

	/* Preemption is off: one CPU's clock, cheaper than ktime's. */
	start = local_clock();
	MV_PROBE(vcpu, MV_P_LOAD);
	res = svm_enter(svm);
	if (res == SVM_ENTER_CANCELLED) {
		mv_guest_fpu_exit(vcpu);
		return MV_EXIT_RESUME;
	}
	/* With the short path's exits: their handling is the guest's work. */
	vcpu->run_time_ns += local_clock() - start;
	if (res == SVM_ENTER_ANSWERED) {
		mv_guest_fpu_exit(vcpu);
		return MV_EXIT_RESUME;
	}
	svm_nmi_after_exit(svm);
	MV_PROBE(vcpu, MV_P_POST);
	mv_guest_fpu_exit(vcpu);
	MV_PROBE(vcpu, MV_P_FPU_OUT);
	return svm_handle_exit(svm);
}
