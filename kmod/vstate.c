// SPDX-License-Identifier: GPL-2.0
/*
 * Moving a vCPU's whole state (struct minivmm_vcpu_state) in and out: the
 * core's own parts here (general registers, DR0-3, XCR0 and the FPU area,
 * TSC_AUX, the local APIC), the rest through the backend's get_state and
 * set_state.  A state from user space is checked once, here, against the
 * rules of kmod/state.c, before any backend sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/fpu/types.h>
#include <asm/msr-index.h>
#include "minivmm.h"
#include "state.h"

void mv_state_limits_get(struct mv_state_limits *lim)
{
	u64 xcr0_max = mv_guest_xcr0_max();

	memset(lim, 0, sizeof(*lim));
	lim->cr0_valid = MV_CR0_VALID;
	lim->cr4_valid = mv_host_cr4_bits();
	lim->efer_valid = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;
	lim->xcr0_max = xcr0_max;
	lim->fpu_format = xcr0_max ? MINIVMM_FPU_XSAVE : MINIVMM_FPU_FXSAVE;
	lim->fpu_size = mv_guest_fpu_size();
	lim->fpu_components = mv_guest_fpu_components();
	lim->mxcsr_mask = 0xffff;
	lim->tsc_aux = mv_has_tsc_aux();
	lim->pkru = mv_guest_has_pku();
	lim->pkrs = mv_guest_has_pks();
	lim->misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
	/* What the backend's hardware forbids in guest mode. */
	mv_host.ops->state_limits(lim);
}

static void mv_lapic_to_state(const struct mv_lapic *apic,
			      struct minivmm_state_lapic *a)
{
	BUILD_BUG_ON(MINIVMM_LAPIC_LVTS != MV_LAPIC_LVT_COUNT);
	BUILD_BUG_ON(sizeof(a->isr) != sizeof(apic->isr));
	a->id = apic->id;
	a->tpr = apic->tpr;
	a->dfr = apic->dfr;
	a->ldr = apic->ldr;
	a->svr = apic->svr;
	a->esr = apic->esr;
	a->icr_lo = apic->icr_lo;
	a->icr_hi = apic->icr_hi;
	memcpy(a->lvt, apic->lvt, sizeof(a->lvt));
	a->timer_initial = apic->timer_initial;
	a->timer_divide = apic->timer_divide;
	a->timer_current = mv_lapic_timer_current(apic, ktime_get_ns());
	memcpy(a->isr, apic->isr, sizeof(a->isr));
	memcpy(a->irr, apic->irr, sizeof(a->irr));
	memcpy(a->tmr, apic->tmr, sizeof(a->tmr));
}

static void mv_lapic_from_state(struct mv_lapic *apic,
				const struct minivmm_state_lapic *a)
{
	apic->tpr = a->tpr;
	apic->dfr = a->dfr;
	apic->ldr = a->ldr;
	apic->svr = a->svr;
	apic->esr = a->esr;
	apic->icr_lo = a->icr_lo;
	apic->icr_hi = a->icr_hi;
	memcpy(apic->lvt, a->lvt, sizeof(apic->lvt));
	apic->timer_initial = a->timer_initial;
	apic->timer_divide = a->timer_divide;
	memcpy(apic->isr, a->isr, sizeof(apic->isr));
	memcpy(apic->irr, a->irr, sizeof(apic->irr));
	memcpy(apic->tmr, a->tmr, sizeof(apic->tmr));
	mv_lapic_timer_resume_at(apic, a->timer_current, ktime_get_ns());
}

void mv_vcpu_get_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st,
		       u32 mask)
{
	memset(st, 0, sizeof(*st));
	st->version = MINIVMM_STATE_VERSION;
	st->size = sizeof(*st);
	st->vcpu = vcpu->index;
	st->mask = mask & MINIVMM_STATE_ALL;
	if (mask & MINIVMM_STATE_GPRS) {
		memcpy(st->gprs, vcpu->gprs, sizeof(st->gprs));
		st->rip = vcpu->rip;
		st->rflags = vcpu->rflags;
	}
	if (mask & MINIVMM_STATE_CRS) {
		st->xcr0 = vcpu->xcr0;
		st->cr8 = vcpu->apic.tpr >> 4;
	}
	if (mask & MINIVMM_STATE_DRS)
		memcpy(st->dr, vcpu->db, sizeof(st->dr));
	if (mask & MINIVMM_STATE_MSRS) {
		st->msrs.tsc_aux = vcpu->tsc_aux;
		st->msrs.pkru = vcpu->pkru;
		st->msrs.pkrs = vcpu->pkrs;
		st->msrs.apic_base = vcpu->apic.base_msr;
		st->msrs.misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
		st->msrs.kvm_system_time = vcpu->kvm_system_time;
		st->msrs.kvm_wall_clock = vcpu->kvm_wall_clock;
	}
	if (mask & MINIVMM_STATE_LAPIC)
		mv_lapic_to_state(&vcpu->apic, &st->lapic);
	if (mask & MINIVMM_STATE_FPU) {
		st->fpu.format = mv_guest_fpu_components() ?
				 MINIVMM_FPU_XSAVE : MINIVMM_FPU_FXSAVE;
		st->fpu.size = mv_guest_fpu_size();
		st->fpu.components = mv_guest_fpu_components();
		memcpy(st->fpu.area, vcpu->fpu, st->fpu.size);
	}
	/* SEGS, CRS, DR6/DR7, MSRS, EVENTS: the backend's. */
	mv_host.ops->get_state(vcpu, st, mask);
	/* But for a latched NMI, which is the core's (kmod/smp.c). */
	if (mask & MINIVMM_STATE_EVENTS)
		st->events.nmi_pending = mv_nmi_pending(vcpu);
}

static void mv_state_overlay(struct minivmm_vcpu_state *cur,
			     const struct minivmm_vcpu_state *st)
{
	u32 mask = st->mask;

	if (mask & MINIVMM_STATE_GPRS) {
		memcpy(cur->gprs, st->gprs, sizeof(cur->gprs));
		cur->rip = st->rip;
		cur->rflags = st->rflags;
	}
	if (mask & MINIVMM_STATE_SEGS) {
		cur->cs = st->cs;
		cur->ds = st->ds;
		cur->es = st->es;
		cur->fs = st->fs;
		cur->gs = st->gs;
		cur->ss = st->ss;
		cur->tr = st->tr;
		cur->ldt = st->ldt;
		cur->gdt = st->gdt;
		cur->idt = st->idt;
	}
	if (mask & MINIVMM_STATE_CRS) {
		cur->cr0 = st->cr0;
		cur->cr2 = st->cr2;
		cur->cr3 = st->cr3;
		cur->cr4 = st->cr4;
		cur->cr8 = st->cr8;
		cur->efer = st->efer;
		cur->xcr0 = st->xcr0;
	}
	if (mask & MINIVMM_STATE_DRS) {
		memcpy(cur->dr, st->dr, sizeof(cur->dr));
		cur->dr6 = st->dr6;
		cur->dr7 = st->dr7;
	}
	if (mask & MINIVMM_STATE_MSRS)
		cur->msrs = st->msrs;
	if (mask & MINIVMM_STATE_EVENTS)
		cur->events = st->events;
	if (mask & MINIVMM_STATE_LAPIC)
		cur->lapic = st->lapic;
	if (mask & MINIVMM_STATE_FPU)
		cur->fpu = st->fpu;
	/* The header is the caller's: reserved fields are checked. */
	cur->version = st->version;
	cur->size = st->size;
	cur->vcpu = st->vcpu;
	cur->mask = mask;
	cur->reserved0 = st->reserved0;
	memcpy(cur->reserved1, st->reserved1, sizeof(cur->reserved1));
	memcpy(cur->reserved2, st->reserved2, sizeof(cur->reserved2));
}

/* Write a state already checked; @st holds every section. */
static int mv_vcpu_apply_state(struct mv_vcpu *vcpu,
			       const struct minivmm_vcpu_state *st, u32 mask)
{
	int ret;

	ret = mv_host.ops->set_state(vcpu, st, mask);
	if (ret)
		return ret;
	if (mask & MINIVMM_STATE_GPRS) {
		memcpy(vcpu->gprs, st->gprs, sizeof(vcpu->gprs));
		vcpu->rip = st->rip;
		vcpu->rflags = st->rflags;
	}
	if (mask & MINIVMM_STATE_CRS) {
		vcpu->xcr0 = st->xcr0;
		/* CR8 is the APIC's TPR[7:4] (LAPIC, when given, wins). */
		if ((vcpu->apic.tpr >> 4) != st->cr8)
			vcpu->apic.tpr = st->cr8 << 4;
	}
	if (mask & MINIVMM_STATE_DRS)
		memcpy(vcpu->db, st->dr, sizeof(vcpu->db));
	if (mask & MINIVMM_STATE_MSRS) {
		vcpu->tsc_aux = st->msrs.tsc_aux;
		vcpu->pkru = st->msrs.pkru;
		vcpu->pkrs = st->msrs.pkrs;
		vcpu->apic.base_msr = st->msrs.apic_base;
		vcpu->kvm_system_time = st->msrs.kvm_system_time;
		vcpu->kvm_wall_clock = st->msrs.kvm_wall_clock;
		mv_kvmclock_restored(vcpu);
	}
	if (mask & MINIVMM_STATE_LAPIC)
		mv_lapic_from_state(&vcpu->apic, &st->lapic);
	if (mask & MINIVMM_STATE_FPU)
		memcpy(vcpu->fpu, st->fpu.area, st->fpu.size);
	if (mask & MINIVMM_STATE_EVENTS)
		atomic_set(&vcpu->nmi_pending, st->events.nmi_pending);
	return 0;
}

int mv_vcpu_set_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st)
{
	struct minivmm_vcpu_state *cur;
	struct mv_state_limits lim;
	enum minivmm_state_field field;
	int ret;

	st->invalid_field = MINIVMM_FIELD_NONE;
	cur = kvmalloc(sizeof(*cur), GFP_KERNEL_ACCOUNT);
	if (!cur)
		return -ENOMEM;
	mv_state_limits_get(&lim);
	lim.cr4_valid &= mv_cpu_model_cr4(vcpu->vm);	/* what its CPUID shows */
	mv_vcpu_get_state(vcpu, cur, MINIVMM_STATE_ALL);
	mv_state_overlay(cur, st);
	field = mv_state_check(cur, vcpu->index, &lim);
	if (field) {
		st->invalid_field = field;
		ret = -EINVAL;
	} else {
		ret = mv_vcpu_apply_state(vcpu, cur, st->mask);
	}
	kvfree(cur);
	return ret;
}

/*
 * The reset state, or with @sipi the state a Startup IPI gives a vCPU in
 * wait-for-SIPI: real mode at CS = vector << 8, base vector << 12, IP 0,
 * keeping the guest's TSC (one clock for all vCPUs of a VM).
 */
static int mv_vcpu_reset_to(struct mv_vcpu *vcpu, bool sipi, u8 vector)
{
	struct minivmm_vcpu_state *st;
	struct mv_state_limits lim;
	u64 tsc_offset = 0;
	int ret;

	st = kvmalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	if (sipi) {
		mv_vcpu_get_state(vcpu, st, MINIVMM_STATE_MSRS);
		tsc_offset = st->msrs.tsc_offset;
	}
	mv_state_limits_get(&lim);
	mv_state_reset(st, vcpu->index, &lim);
	/* The APIC and its base are mv_lapic_reset()'s. */
	st->msrs.apic_base = vcpu->apic.base_msr;
	st->lapic.tpr = vcpu->apic.tpr;
	if (sipi) {
		st->msrs.tsc_offset = tsc_offset;
		st->cs.selector = (u16)vector << 8;
		st->cs.base = (u64)vector << 12;
	}
	ret = mv_vcpu_apply_state(vcpu, st, st->mask);
	kvfree(st);
	return ret;
}

int mv_vcpu_reset_state(struct mv_vcpu *vcpu)
{
	return mv_vcpu_reset_to(vcpu, false, 0);
}

int mv_vcpu_sipi_state(struct mv_vcpu *vcpu, u8 vector)
{
	int ret = mv_vcpu_reset_to(vcpu, true, vector);

	/* Nothing it cached before INIT may survive: flush at next entry. */
	mv_npt_request_flush(&vcpu->vm->npt);
	return ret;
}

void mv_vcpu_sregs(struct mv_vcpu *vcpu, struct minivmm_sregs *sr)
{
	struct minivmm_vcpu_state *st = vcpu->scratch;

	memset(sr, 0, sizeof(*sr));
	mv_host.ops->get_state(vcpu, st,
			       MINIVMM_STATE_SEGS | MINIVMM_STATE_CRS);
	sr->vcpu = vcpu->index;
	sr->cs = st->cs;
	sr->ds = st->ds;
	sr->es = st->es;
	sr->fs = st->fs;
	sr->gs = st->gs;
	sr->ss = st->ss;
	sr->tr = st->tr;
	sr->ldt = st->ldt;
	sr->gdt = st->gdt;
	sr->idt = st->idt;
	sr->cr0 = st->cr0;
	sr->cr2 = st->cr2;
	sr->cr3 = st->cr3;
	sr->cr4 = st->cr4;
	sr->efer = st->efer;
}
