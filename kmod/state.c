// SPDX-License-Identifier: GPL-2.0
/*
 * The vendor-neutral vCPU state: its reset value and the checks a state
 * from user space must pass before any backend sees it.  The rules are
 * what VM entry checks on VT-x (SDM Vol. 3C 27.3.1) and VMRUN on AMD-V
 * (APM Vol. 2 15.5.1), taken together, plus what a real CPU never
 * reaches: a state accepted here enters the guest on either vendor.
 * Pure functions, so that KUnit can test them without a vCPU.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "state.h"

#define MV_RESET_DR6		0xffff0ff0ULL
#define MV_RESET_DR7		0x400ULL
#define MV_RESET_PAT		0x0007040600070406ULL
#define MV_RESET_FCW		0x37f
#define MV_RESET_MXCSR		0x1f80
#define MV_FX_FCW		0
#define MV_FX_MXCSR		24
#define MV_XSAVE_HDR		512	/* XSTATE_BV, XCOMP_BV, reserved */
#define MV_XSAVE_HDR_END	576

/* Segment types of the reset state: code 16-bit RX accessed, data RW. */
#define MV_TYPE_CODE_RXA	0xb
#define MV_TYPE_DATA_RWA	0x3
#define MV_TYPE_LDT		0x2
#define MV_TYPE_TSS16_BUSY	0x3
#define MV_TYPE_TSS64_BUSY	0xb

bool mv_pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		/* UC, WC, WT, WP, WB, UC-; 2, 3 and 8..255 are reserved. */
		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

bool mv_exception_has_error(u8 vector)
{
	switch (vector) {
	case X86_TRAP_DF:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
	case X86_TRAP_PF:
	case X86_TRAP_AC:
		return true;
	default:
		return false;
	}
}

static void mv_seg_reset(struct minivmm_segment *s, u8 type, bool sys)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffff;
	s->type = type;
	s->s = !sys;
	s->present = 1;
}

void mv_state_reset(struct minivmm_vcpu_state *st, unsigned int index,
		    const struct mv_state_limits *lim)
{
	u8 *fx = st->fpu.area;

	memset(st, 0, sizeof(*st));
	st->version = MINIVMM_STATE_VERSION;
	st->size = sizeof(*st);
	st->vcpu = index;
	st->mask = MINIVMM_STATE_ALL & ~MINIVMM_STATE_LAPIC;

	/* 16-bit real mode at 0000:0000 (the loaders set up the rest). */
	st->rflags = X86_EFLAGS_FIXED;
	mv_seg_reset(&st->cs, MV_TYPE_CODE_RXA, false);
	mv_seg_reset(&st->ds, MV_TYPE_DATA_RWA, false);
	mv_seg_reset(&st->es, MV_TYPE_DATA_RWA, false);
	mv_seg_reset(&st->fs, MV_TYPE_DATA_RWA, false);
	mv_seg_reset(&st->gs, MV_TYPE_DATA_RWA, false);
	mv_seg_reset(&st->ss, MV_TYPE_DATA_RWA, false);
	/*
	 * A busy 32/64-bit TSS, as KVM resets it: a guest that enables long
	 * mode without loading TR (an AP trampoline) keeps this one, and VMX
	 * refuses a 16-bit TSS in an IA-32e-mode guest at VM entry.
	 */
	mv_seg_reset(&st->tr, MV_TYPE_TSS64_BUSY, true);
	mv_seg_reset(&st->ldt, MV_TYPE_LDT, true);
	st->gdt.limit = 0xffff;
	st->idt.limit = 0xffff;

	st->cr0 = X86_CR0_ET;
	st->xcr0 = XFEATURE_MASK_FP;
	st->dr6 = MV_RESET_DR6;
	st->dr7 = MV_RESET_DR7;

	st->msrs.pat = MV_RESET_PAT;
	st->msrs.apic_base = MINIVMM_APIC_BASE | BIT_ULL(11) |
			     (index == 0 ? BIT_ULL(8) : 0);
	st->msrs.misc_enable = lim->misc_enable;

	st->fpu.format = lim->fpu_format;
	st->fpu.size = lim->fpu_size;
	st->fpu.components = lim->fpu_components;
	*(u16 *)(fx + MV_FX_FCW) = MV_RESET_FCW;
	*(u32 *)(fx + MV_FX_MXCSR) = MV_RESET_MXCSR;
}

static bool mv_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static unsigned int mv_vabits(const struct minivmm_vcpu_state *st)
{
	return (st->cr4 & X86_CR4_LA57) ? 57 : 48;
}

static bool mv_canonical(const struct minivmm_vcpu_state *st, u64 addr)
{
	return __is_canonical_address(addr, mv_vabits(st));
}

static bool mv_seg_usable(const struct minivmm_segment *s)
{
	return s->present && !s->unusable;
}

/* Real mode: 0.  Otherwise CS.DPL, or SS.DPL for a conforming CS. */
static u8 mv_state_cpl(const struct minivmm_vcpu_state *st)
{
	bool conforming = st->cs.s && (st->cs.type & 0xc) == 0xc;

	if (!(st->cr0 & X86_CR0_PE))
		return 0;
	return conforming ? st->ss.dpl : st->cs.dpl;
}

/* Field ranges, and limit vs granularity for a usable segment. */
static bool mv_seg_basic(const struct minivmm_segment *s)
{
	if (s->type > 15 || s->dpl > 3 || s->s > 1 || s->present > 1 ||
	    s->avl > 1 || s->l > 1 || s->db > 1 || s->g > 1 ||
	    s->unusable > 1 || s->padding0)
		return false;
	if (!mv_seg_usable(s))
		return true;
	if ((s->limit & 0xfff) != 0xfff && s->g)
		return false;
	if ((s->limit & 0xfff00000) && !s->g)
		return false;
	return true;
}

/* DS, ES, FS, GS when usable: code/data, accessed, code only if readable. */
static bool mv_data_seg_ok(const struct minivmm_vcpu_state *st,
			   const struct minivmm_segment *s, bool wide_base)
{
	if (!mv_seg_basic(s))
		return false;
	if (!mv_seg_usable(s))
		return true;
	if (!s->s || !(s->type & 1))
		return false;
	if ((s->type & 8) && !(s->type & 2))
		return false;
	return wide_base ? mv_canonical(st, s->base) : !(s->base >> 32);
}

static enum minivmm_state_field mv_check_segs(const struct minivmm_vcpu_state *st)
{
	bool lma = st->efer & EFER_LMA, pe = st->cr0 & X86_CR0_PE;
	const struct minivmm_segment *cs = &st->cs, *ss = &st->ss;

	/* CS: usable code (or, in real mode and unrestricted, data RW). */
	if (!mv_seg_basic(cs) || !mv_seg_usable(cs) || !cs->s ||
	    (cs->base >> 32) || !(cs->type & 1) ||
	    (!(cs->type & 8) && cs->type != MV_TYPE_DATA_RWA) ||
	    (lma && cs->l && cs->db))
		return MINIVMM_FIELD_CS;
	if (!mv_seg_basic(ss))
		return MINIVMM_FIELD_SS;
	if (mv_seg_usable(ss)) {
		if (!ss->s || (ss->type != 3 && ss->type != 7) ||
		    (ss->base >> 32))
			return MINIVMM_FIELD_SS;
		if (pe && ss->dpl != mv_state_cpl(st))
			return MINIVMM_FIELD_SS;
	}
	if (!mv_data_seg_ok(st, &st->ds, false))
		return MINIVMM_FIELD_DS;
	if (!mv_data_seg_ok(st, &st->es, false))
		return MINIVMM_FIELD_ES;
	if (!mv_data_seg_ok(st, &st->fs, true))
		return MINIVMM_FIELD_FS;
	if (!mv_data_seg_ok(st, &st->gs, true))
		return MINIVMM_FIELD_GS;
	/* TR: a usable busy TSS, 64-bit in long mode. */
	if (!mv_seg_basic(&st->tr) || !mv_seg_usable(&st->tr) || st->tr.s ||
	    (st->tr.type != MV_TYPE_TSS64_BUSY &&
	     (lma || st->tr.type != MV_TYPE_TSS16_BUSY)) ||
	    !mv_canonical(st, st->tr.base))
		return MINIVMM_FIELD_TR;
	if (!mv_seg_basic(&st->ldt) ||
	    (mv_seg_usable(&st->ldt) &&
	     (st->ldt.s || st->ldt.type != MV_TYPE_LDT ||
	      !mv_canonical(st, st->ldt.base))))
		return MINIVMM_FIELD_LDT;
	if (!mv_zero(st->gdt.padding, sizeof(st->gdt.padding)) ||
	    !mv_canonical(st, st->gdt.base))
		return MINIVMM_FIELD_GDT;
	if (!mv_zero(st->idt.padding, sizeof(st->idt.padding)) ||
	    !mv_canonical(st, st->idt.base))
		return MINIVMM_FIELD_IDT;
	return MINIVMM_FIELD_NONE;
}

static bool mv_xcr0_ok(u64 xcr0, const struct mv_state_limits *lim)
{
	if (!lim->xcr0_max)
		return xcr0 == XFEATURE_MASK_FP;
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~lim->xcr0_max))
		return false;
	return !((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE));
}

static enum minivmm_state_field mv_check_crs(const struct minivmm_vcpu_state *st,
					     const struct mv_state_limits *lim)
{
	u64 cr0 = st->cr0, cr4 = st->cr4, efer = st->efer;
	bool pg = cr0 & X86_CR0_PG, lme = efer & EFER_LME;
	bool lma = efer & EFER_LMA;

	if ((cr0 & ~lim->cr0_valid) ||
	    ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)) ||
	    (pg && !(cr0 & X86_CR0_PE)))
		return MINIVMM_FIELD_CR0;
	if (st->cr3 & GENMASK_ULL(63, 52))
		return MINIVMM_FIELD_CR3;
	if ((cr4 & ~lim->cr4_valid) || (lma && !(cr4 & X86_CR4_PAE)) ||
	    ((cr4 & X86_CR4_PCIDE) && !lma))
		return MINIVMM_FIELD_CR4;
	if (st->cr8 > 15)
		return MINIVMM_FIELD_CR8;
	if ((efer & ~lim->efer_valid) || lma != (lme && pg))
		return MINIVMM_FIELD_EFER;
	if (!mv_xcr0_ok(st->xcr0, lim))
		return MINIVMM_FIELD_XCR0;
	return MINIVMM_FIELD_NONE;
}

static enum minivmm_state_field mv_check_gprs(const struct minivmm_vcpu_state *st)
{
	bool lma = st->efer & EFER_LMA;

	if (!(st->rflags & X86_EFLAGS_FIXED) ||
	    (st->rflags & ~(MV_RFLAGS_VALID | X86_EFLAGS_FIXED)))
		return MINIVMM_FIELD_RFLAGS;
	/* Virtual-8086 mode does not exist in long mode. */
	if (lma && (st->rflags & X86_EFLAGS_VM))
		return MINIVMM_FIELD_RFLAGS;
	if (lma && st->cs.l ? !mv_canonical(st, st->rip) : (st->rip >> 32))
		return MINIVMM_FIELD_RIP;
	return MINIVMM_FIELD_NONE;
}

static enum minivmm_state_field mv_check_drs(const struct minivmm_vcpu_state *st)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(st->dr); i++)
		if (!mv_canonical(st, st->dr[i]))
			return MINIVMM_FIELD_DR0_3;
	if (st->dr6 >> 32)
		return MINIVMM_FIELD_DR6;
	if (st->dr7 >> 32)
		return MINIVMM_FIELD_DR7;
	return MINIVMM_FIELD_NONE;
}

static enum minivmm_state_field mv_check_msrs(const struct minivmm_vcpu_state *st,
					      unsigned int index,
					      const struct mv_state_limits *lim)
{
	const struct minivmm_state_msrs *m = &st->msrs;
	u64 apic_fixed = MINIVMM_APIC_BASE | BIT_ULL(11) |
			 (index == 0 ? BIT_ULL(8) : 0);

	if ((m->sysenter_cs >> 32) || !mv_canonical(st, m->sysenter_esp) ||
	    !mv_canonical(st, m->sysenter_eip))
		return MINIVMM_FIELD_SYSENTER;
	if (!mv_canonical(st, m->lstar))
		return MINIVMM_FIELD_LSTAR;
	if (!mv_canonical(st, m->cstar))
		return MINIVMM_FIELD_CSTAR;
	if (m->sfmask >> 32)
		return MINIVMM_FIELD_SFMASK;
	if (!mv_canonical(st, m->kernel_gs_base))
		return MINIVMM_FIELD_KERNEL_GS_BASE;
	if (!mv_pat_valid(m->pat))
		return MINIVMM_FIELD_PAT;
	if ((m->tsc_aux >> 32) || (!lim->tsc_aux && m->tsc_aux))
		return MINIVMM_FIELD_TSC_AUX;
	if ((m->pkru >> 32) || (!lim->pkru && m->pkru))
		return MINIVMM_FIELD_PKRU;
	if ((m->pkrs >> 32) || (!lim->pkrs && m->pkrs))
		return MINIVMM_FIELD_PKRS;
	/* Enabled, at the one address, BSP on vCPU 0; x2APIC mode allowed. */
	if ((m->apic_base & ~BIT_ULL(10)) != apic_fixed)
		return MINIVMM_FIELD_APIC_BASE;
	if (m->misc_enable != lim->misc_enable)
		return MINIVMM_FIELD_MISC_ENABLE;
	return MINIVMM_FIELD_NONE;
}

static enum minivmm_state_field mv_check_events(const struct minivmm_vcpu_state *st,
					       const struct mv_state_limits *lim)
{
	const struct minivmm_state_events *e = &st->events;
	bool pe = st->cr0 & X86_CR0_PE;

	if (e->int_shadow > 1 || e->nmi_blocked > 1)
		return MINIVMM_FIELD_INT_SHADOW;
	if (e->nmi_pending > 1)
		return MINIVMM_FIELD_EVENT;
	if (e->pending > 1 || e->has_error > 1)
		return MINIVMM_FIELD_EVENT;
	if (!e->pending)
		return (e->type || e->vector || e->has_error || e->insn_len ||
			e->error_code) ? MINIVMM_FIELD_EVENT : MINIVMM_FIELD_NONE;
	/* Error codes are 16 bits wide (VM entry checks 31:16). */
	if (e->error_code >> 16 || (!e->has_error && e->error_code))
		return MINIVMM_FIELD_EVENT;
	switch (e->type) {
	case MINIVMM_EVENT_INTR:
		/* Only into an open interrupt window. */
		if (e->has_error || e->insn_len || e->int_shadow ||
		    !(st->rflags & X86_EFLAGS_IF))
			return MINIVMM_FIELD_EVENT;
		break;
	case MINIVMM_EVENT_NMI:
		if (e->vector != X86_TRAP_NMI || e->has_error || e->insn_len)
			return MINIVMM_FIELD_EVENT;
		break;
	case MINIVMM_EVENT_EXCEPTION:
		if (e->vector > 31 || e->vector == X86_TRAP_NMI || e->insn_len)
			return MINIVMM_FIELD_EVENT;
		/* The architectural error-code exceptions, protected mode. */
		if (e->has_error != (pe && mv_exception_has_error(e->vector)))
			return MINIVMM_FIELD_EVENT;
		break;
	case MINIVMM_EVENT_SOFT_INT:
		/* AMD-V needs no length; VT-x one of 1..15 (0 only with
		 * IA32_VMX_MISC[30], which we do not rely on).
		 */
		if (e->has_error || e->insn_len > 15 ||
		    (lim->soft_int_len && !e->insn_len))
			return MINIVMM_FIELD_EVENT;
		break;
	default:
		return MINIVMM_FIELD_EVENT;
	}
	return MINIVMM_FIELD_NONE;
}

static enum minivmm_state_field mv_check_lapic(const struct minivmm_vcpu_state *st,
					       unsigned int index)
{
	const struct minivmm_state_lapic *a = &st->lapic;
	/* x2APIC mode (APIC_BASE bit 10; st holds every section here). */
	bool x2 = st->msrs.apic_base & BIT_ULL(10);
	unsigned int i;

	/*
	 * The LDR: xAPIC keeps the logical ID in bits 31:24 only; in x2APIC
	 * mode it is read-only, derived from the ID (cluster, bit in it).
	 */
	if (x2 ? a->ldr != (((index >> 4) << 16) | BIT(index & 0xf)) :
		 (a->ldr & 0x00ffffff) != 0)
		return MINIVMM_FIELD_LAPIC;
	if (a->id != index || a->tpr > 0xff || (a->svr & ~0x11ffU) ||
	    (a->dfr & 0x0fffffff) != 0x0fffffff ||
	    (a->esr & ~0xffU) || (a->timer_divide & ~0xbU) ||
	    a->timer_current > a->timer_initial || a->padding0)
		return MINIVMM_FIELD_LAPIC;
	for (i = 0; i < ARRAY_SIZE(a->lvt); i++)
		if (a->lvt[i] & ~0x7ffffU)
			return MINIVMM_FIELD_LAPIC;
	return MINIVMM_FIELD_NONE;
}

static enum minivmm_state_field mv_check_fpu(const struct minivmm_vcpu_state *st,
					     const struct mv_state_limits *lim)
{
	const struct minivmm_state_fpu *f = &st->fpu;
	u32 mxcsr = *(const u32 *)(f->area + MV_FX_MXCSR);
	u64 xstate_bv, xcomp_bv;

	if (f->format != lim->fpu_format || f->size != lim->fpu_size ||
	    f->components != lim->fpu_components ||
	    f->size > sizeof(f->area) ||
	    !mv_zero(f->area + f->size, sizeof(f->area) - f->size))
		return MINIVMM_FIELD_FPU;
	/* FXRSTOR and XRSTOR fault on reserved MXCSR bits. */
	if (mxcsr & ~lim->mxcsr_mask)
		return MINIVMM_FIELD_FPU;
	if (f->format != MINIVMM_FPU_XSAVE)
		return MINIVMM_FIELD_NONE;
	/* XRSTOR (standard form) faults on a header it does not accept. */
	memcpy(&xstate_bv, f->area + MV_XSAVE_HDR, 8);
	memcpy(&xcomp_bv, f->area + MV_XSAVE_HDR + 8, 8);
	if ((xstate_bv & ~f->components) || xcomp_bv ||
	    !mv_zero(f->area + MV_XSAVE_HDR + 16,
		     MV_XSAVE_HDR_END - MV_XSAVE_HDR - 16))
		return MINIVMM_FIELD_FPU;
	return MINIVMM_FIELD_NONE;
}

static bool mv_header_ok(const struct minivmm_vcpu_state *st)
{
	const struct minivmm_state_events *e = &st->events;

	return st->version == MINIVMM_STATE_VERSION &&
	       st->size == sizeof(*st) && !(st->mask & ~MINIVMM_STATE_ALL) &&
	       !st->reserved0 && mv_zero(st->reserved1, sizeof(st->reserved1)) &&
	       mv_zero(st->reserved2, sizeof(st->reserved2)) &&
	       mv_zero(st->msrs.reserved, sizeof(st->msrs.reserved)) &&
	       !e->padding1 &&
	       mv_zero(e->reserved, sizeof(e->reserved)) &&
	       mv_zero(st->lapic.reserved, sizeof(st->lapic.reserved)) &&
	       mv_zero(st->fpu.reserved, sizeof(st->fpu.reserved));
}

enum minivmm_state_field mv_state_check(const struct minivmm_vcpu_state *st,
					unsigned int index,
					const struct mv_state_limits *lim)
{
	enum minivmm_state_field f = MINIVMM_FIELD_NONE;
	u32 mask = st->mask;

	if (!mv_header_ok(st) || st->vcpu != index)
		return MINIVMM_FIELD_HEADER;
	/* Control registers first: the other rules depend on the mode. */
	if (mask & MINIVMM_STATE_CRS)
		f = mv_check_crs(st, lim);
	if (!f && (mask & MINIVMM_STATE_SEGS))
		f = mv_check_segs(st);
	if (!f && (mask & MINIVMM_STATE_GPRS))
		f = mv_check_gprs(st);
	if (!f && (mask & MINIVMM_STATE_DRS))
		f = mv_check_drs(st);
	if (!f && (mask & MINIVMM_STATE_MSRS))
		f = mv_check_msrs(st, index, lim);
	if (!f && (mask & MINIVMM_STATE_EVENTS))
		f = mv_check_events(st, lim);
	if (!f && (mask & MINIVMM_STATE_LAPIC))
		f = mv_check_lapic(st, index);
	if (!f && (mask & MINIVMM_STATE_FPU))
		f = mv_check_fpu(st, lim);
	return f;
}
