// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the vendor-neutral vCPU state (kmod/state.c): the reset value,
 * and every rule a state from user space must pass, each with a state it
 * accepts and one it refuses, naming the field.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "kmod/state.c"

static const struct mv_state_limits lim_xsave = {
	.cr0_valid = MV_CR0_VALID,
	.cr4_valid = X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE |
		     X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | X86_CR4_OSXSAVE |
		     X86_CR4_PCIDE | X86_CR4_FSGSBASE,
	.efer_valid = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX,
	.xcr0_max = XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM,
	.fpu_format = MINIVMM_FPU_XSAVE,
	.fpu_size = 832,
	.fpu_components = XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
			  XFEATURE_MASK_YMM,
	.mxcsr_mask = 0xffff,
	.tsc_aux = true,
	.pkru = true,
	.pkrs = true,
	.misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING,
};

static const struct mv_state_limits lim_fxsave = {
	.cr0_valid = MV_CR0_VALID,
	.cr4_valid = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT,
	.efer_valid = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX,
	.fpu_format = MINIVMM_FPU_FXSAVE,
	.fpu_size = 512,
	.mxcsr_mask = 0xffff,
	.misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING,
};

/* A power-on local APIC (as mv_lapic_reset() leaves it). */
static void lapic_reset(struct minivmm_state_lapic *a, u32 id)
{
	unsigned int i;

	memset(a, 0, sizeof(*a));
	a->id = id;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	for (i = 0; i < ARRAY_SIZE(a->lvt); i++)
		a->lvt[i] = BIT(16);
}

static struct minivmm_vcpu_state *reset_state(struct kunit *test,
					      const struct mv_state_limits *l)
{
	struct minivmm_vcpu_state *st = kunit_kzalloc(test, sizeof(*st),
						      GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	mv_state_reset(st, 0, l);
	lapic_reset(&st->lapic, 0);
	st->mask = MINIVMM_STATE_ALL;
	return st;
}

static void flat_seg(struct minivmm_segment *s, u16 sel, u8 type, bool l)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->g = 1;
	s->type = type;
	s->s = 1;
	s->present = 1;
	s->l = l;
	s->db = !l;
}

/* 64-bit mode with flat segments, as minivmmctl load --mode long sets up. */
static struct minivmm_vcpu_state *long_state(struct kunit *test)
{
	struct minivmm_vcpu_state *st = reset_state(test, &lim_xsave);

	flat_seg(&st->cs, 0x18, 0xb, true);
	flat_seg(&st->ds, 0x20, 0x3, false);
	st->es = st->ds;
	st->fs = st->ds;
	st->gs = st->ds;
	st->ss = st->ds;
	memset(&st->tr, 0, sizeof(st->tr));
	st->tr.selector = 0x28;
	st->tr.base = 0x900;
	st->tr.limit = 0x67;
	st->tr.type = 11;
	st->tr.present = 1;
	st->ldt.present = 0;
	st->ldt.unusable = 1;
	st->gdt.base = 0x800;
	st->gdt.limit = 0x37;
	st->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	st->cr3 = 0x1000;
	st->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR;
	st->efer = EFER_LME | EFER_LMA;
	st->rip = 0xffffffff81000000ULL;
	return st;
}

#define EXPECT_FIELD(test, st, f)					\
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_xsave), (int)(f))

static void state_reset_values(struct kunit *test)
{
	struct minivmm_vcpu_state *st = reset_state(test, &lim_xsave);

	KUNIT_EXPECT_EQ(test, st->version, (u32)MINIVMM_STATE_VERSION);
	KUNIT_EXPECT_EQ(test, st->size, (u32)sizeof(*st));
	KUNIT_EXPECT_EQ(test, st->rip, 0ULL);
	KUNIT_EXPECT_EQ(test, st->rflags, 2ULL);
	KUNIT_EXPECT_EQ(test, st->cr0, (u64)X86_CR0_ET);
	KUNIT_EXPECT_EQ(test, st->efer, 0ULL);
	KUNIT_EXPECT_EQ(test, st->xcr0, 1ULL);
	KUNIT_EXPECT_EQ(test, st->dr6, 0xffff0ff0ULL);
	KUNIT_EXPECT_EQ(test, st->dr7, 0x400ULL);
	KUNIT_EXPECT_EQ(test, st->msrs.pat, 0x0007040600070406ULL);
	KUNIT_EXPECT_EQ(test, st->msrs.apic_base, 0xfee00900ULL);
	KUNIT_EXPECT_EQ(test, st->cs.type, 0xb);
	KUNIT_EXPECT_EQ(test, st->cs.limit, 0xffffu);
	KUNIT_EXPECT_EQ(test, st->tr.type, 11);	/* busy 32/64-bit TSS */
	KUNIT_EXPECT_EQ(test, st->fpu.size, 832u);
	KUNIT_EXPECT_EQ(test, *(u16 *)st->fpu.area, 0x37f);
	KUNIT_EXPECT_EQ(test, *(u32 *)(st->fpu.area + 24), 0x1f80u);
	/* The reset state passes its own rules, with either FPU format. */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st = reset_state(test, &lim_fxsave);
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_fxsave), 0);
	/* A second vCPU: not the BSP. */
	mv_state_reset(st, 1, &lim_xsave);
	KUNIT_EXPECT_EQ(test, st->msrs.apic_base, 0xfee00800ULL);
}

static void state_header(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);

	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->version = 2;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_HEADER);
	st->version = MINIVMM_STATE_VERSION;
	st->size--;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_HEADER);
	st->size++;
	st->mask = 0x100;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_HEADER);
	st->mask = MINIVMM_STATE_ALL;
	st->reserved1[2] = 1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_HEADER);
	st->reserved1[2] = 0;
	st->msrs.reserved[0] = 1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_HEADER);
	st->msrs.reserved[0] = 0;
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 1, &lim_xsave),
			MINIVMM_FIELD_HEADER);
}

static void state_rflags_rip(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);

	st->rflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF | X86_EFLAGS_ZF;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->rflags = 0;				/* bit 1 clear */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_RFLAGS);
	st->rflags = X86_EFLAGS_FIXED | BIT(15);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_RFLAGS);
	st->rflags = X86_EFLAGS_FIXED | BIT_ULL(22);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_RFLAGS);
	st->rflags = X86_EFLAGS_FIXED | X86_EFLAGS_VM;	/* VM86 in long mode */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_RFLAGS);
	st->rflags = X86_EFLAGS_FIXED;
	st->rip = 0x0000800000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_RIP);
	st->rip = 0xffff800000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	/* Outside 64-bit code RIP has 32 bits. */
	st = reset_state(test, &lim_xsave);
	st->rip = 0x100000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_RIP);
	st->rip = 0xfff0;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	/* Sections not in the mask are not judged. */
	st->rip = 0x100000000ULL;
	st->mask = MINIVMM_STATE_CRS;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
}

static void state_cr0_cr3_cr4_cr8(struct kunit *test)
{
	struct minivmm_vcpu_state *st = reset_state(test, &lim_xsave);

	st->cr0 = X86_CR0_ET | X86_CR0_PE | X86_CR0_NE | X86_CR0_CD |
		  X86_CR0_NW;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->cr0 = X86_CR0_ET | X86_CR0_NW;		/* NW without CD */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR0);
	st->cr0 = X86_CR0_ET | X86_CR0_PG;		/* PG without PE */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR0);
	st->cr0 = X86_CR0_ET | BIT(6);			/* reserved */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR0);
	st->cr0 = X86_CR0_ET | BIT_ULL(32);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR0);
	st->cr0 = X86_CR0_ET;
	st->cr3 = BIT_ULL(52);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR3);
	st->cr3 = 0;
	st->cr4 = X86_CR4_VMXE;				/* not offered */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR4);
	st->cr4 = X86_CR4_PCIDE;			/* PCIDE outside long mode */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR4);
	st->cr4 = X86_CR4_OSXSAVE;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_fxsave),
			MINIVMM_FIELD_CR4);
	st->cr4 = 0;
	st->cr8 = 15;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->cr8 = 16;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR8);
}

static void state_long_mode(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);

	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->efer = EFER_LME;				/* LMA must follow */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EFER);
	st->efer = EFER_LMA;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EFER);
	st->efer = EFER_LME | EFER_LMA | BIT(2);	/* reserved */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EFER);
	st->efer = EFER_LME | EFER_LMA | EFER_SVME;	/* ours, not the guest's */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EFER);
	st->efer = EFER_LME | EFER_LMA;
	st->cr4 &= ~X86_CR4_PAE;			/* long mode needs PAE */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CR4);
	st->cr4 |= X86_CR4_PAE | X86_CR4_PCIDE;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	/* Paging off: LME stays, LMA goes. */
	st->cr0 &= ~X86_CR0_PG;
	st->cr4 &= ~X86_CR4_PCIDE;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EFER);
	st->efer = EFER_LME;
	st->cs.l = 0;
	st->rip = 0x10000;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
}

static void state_xcr0(struct kunit *test)
{
	struct minivmm_vcpu_state *st = reset_state(test, &lim_xsave);

	st->xcr0 = XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->xcr0 = XFEATURE_MASK_SSE;			/* x87 is always on */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_XCR0);
	st->xcr0 = XFEATURE_MASK_FP | XFEATURE_MASK_YMM; /* AVX without SSE */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_XCR0);
	st->xcr0 = XFEATURE_MASK_FP | XFEATURE_MASK_PKRU; /* not offered */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_XCR0);
	st->xcr0 = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	st->fpu.format = MINIVMM_FPU_FXSAVE;
	st->fpu.size = 512;
	st->fpu.components = 0;
	memset(st->fpu.area + 512, 0, 320);
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_fxsave),
			MINIVMM_FIELD_XCR0);		/* no XSAVE at all */
	st->xcr0 = XFEATURE_MASK_FP;
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_fxsave), 0);
}

static void state_segments(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);

	st->cs.type = 0x1;			/* read-only data in CS */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CS);
	st->cs.type = 0xb;
	st->cs.db = 1;				/* L and D/B together */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CS);
	st->cs.db = 0;
	st->cs.present = 0;			/* CS must be usable */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CS);
	st->cs.present = 1;
	st->cs.limit = 0xffff0;			/* G=1 needs low 12 bits set */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CS);
	st->cs.limit = 0xffffffff;
	st->cs.dpl = 4;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CS);
	st->cs.dpl = 0;
	st->ss.dpl = 3;				/* SS.DPL != CPL */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_SS);
	st->ss.dpl = 0;
	st->ss.type = 0xb;			/* code in SS */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_SS);
	st->ss.type = 3;
	st->ss.unusable = 1;			/* a null SS is fine */
	st->ss.present = 0;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->ds.type = 2;			/* not accessed */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_DS);
	st->ds.type = 3;
	st->es.type = 9;			/* execute-only code */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_ES);
	st->es.type = 3;
	st->fs.base = 0x0000800000000000ULL;	/* not canonical */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FS);
	st->fs.base = 0xffff800000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->gs.padding0 = 1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_GS);
	st->gs.padding0 = 0;
	st->tr.type = 3;			/* a 16-bit TSS in long mode */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_TR);
	st->tr.type = 9;			/* not busy */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_TR);
	st->tr.type = 11;
	st->ldt.unusable = 0;
	st->ldt.present = 1;
	st->ldt.type = 3;			/* not an LDT */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LDT);
	st->ldt.type = 2;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->gdt.base = 0x0000800000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_GDT);
	st->gdt.base = 0;
	st->idt.padding[1] = 1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_IDT);
}

static void state_debug_registers(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);

	st->dr[2] = 0xffffffff81000000ULL;
	st->dr7 = 0x400 | BIT(4);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->dr[3] = 0x0000800000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_DR0_3);
	st->dr[3] = 0;
	st->dr6 = BIT_ULL(32) | 0xffff0ff0;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_DR6);
	st->dr6 = 0xffff0ff0;
	st->dr7 = BIT_ULL(40) | 0x400;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_DR7);
}

static void state_msrs(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);
	struct minivmm_state_msrs good;

	st->msrs.star = 0x0023001000000000ULL;
	st->msrs.lstar = 0xffffffff81a00000ULL;
	st->msrs.sfmask = 0x47700;
	st->msrs.kernel_gs_base = 0xffff888000000000ULL;
	st->msrs.sysenter_cs = 0x10;
	st->msrs.tsc_aux = 7;
	st->msrs.pkru = 0x55555554;
	st->msrs.pkrs = 0x30;
	st->msrs.tsc_offset = -12345;
	st->msrs.pat = 0x0007010600070106ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	good = st->msrs;
	st->msrs.sysenter_eip = 0x0000800000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_SYSENTER);
	st->msrs = good;
	st->msrs.lstar = 0x0000800000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LSTAR);
	st->msrs = good;
	st->msrs.cstar = 0x00ff000000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_CSTAR);
	st->msrs = good;
	st->msrs.sfmask = BIT_ULL(32);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_SFMASK);
	st->msrs = good;
	st->msrs.kernel_gs_base = 0x0001000000000000ULL;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_KERNEL_GS_BASE);
	st->msrs = good;
	st->msrs.pat = 0x0007040600070402ULL;	/* type 2 is reserved */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_PAT);
	st->msrs.pat = 0x0007040600070408ULL;	/* so is 8 */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_PAT);
	st->msrs = good;
	st->msrs.tsc_aux = BIT_ULL(32);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_TSC_AUX);
	st->msrs = good;
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_fxsave) ==
			MINIVMM_FIELD_TSC_AUX, true);
	/* PKRU: 32 bits, and only where guests get protection keys. */
	st->msrs.pkru = BIT_ULL(32);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_PKRU);
	st->msrs = good;
	st->msrs.tsc_aux = 0;
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_fxsave) ==
			MINIVMM_FIELD_PKRU, true);
	st->msrs = good;
	/* IA32_PKRS likewise, for supervisor keys. */
	st->msrs.pkrs = BIT_ULL(40);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_PKRS);
	st->msrs = good;
	st->msrs.tsc_aux = 0;
	st->msrs.pkru = 0;
	KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &lim_fxsave) ==
			MINIVMM_FIELD_PKRS, true);
	st->msrs = good;
	st->msrs.apic_base = 0xfec00900ULL;	/* not relocatable */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_APIC_BASE);
	st->msrs.apic_base = 0xfee00800ULL;	/* vCPU 0 is the BSP */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_APIC_BASE);
	st->msrs.apic_base = 0xfee00d00ULL;	/* x2APIC mode... */
	st->lapic.ldr = 1;			/* ...and its LDR (ID 0) */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->msrs.misc_enable = 0;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_MISC_ENABLE);
}

static void state_events(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);
	struct minivmm_state_events *e = &st->events;

	e->int_shadow = 1;
	e->nmi_blocked = 1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	e->int_shadow = 2;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_INT_SHADOW);
	e->int_shadow = 0;
	e->nmi_pending = 1;			/* one NMI latched */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	e->nmi_pending = 2;			/* a latch holds one */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->nmi_pending = 0;
	/* #GP with its error code, in protected mode. */
	e->pending = 1;
	e->type = MINIVMM_EVENT_EXCEPTION;
	e->vector = X86_TRAP_GP;
	e->has_error = 1;
	e->error_code = 0x18;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	e->error_code = 0x10000;		/* 16 bits only */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->error_code = 0;
	e->has_error = 0;			/* #GP pushes one */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->vector = X86_TRAP_UD;		/* #UD pushes none */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	e->has_error = 1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->has_error = 0;
	e->vector = X86_TRAP_NMI;		/* NMI is not an exception */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->vector = 32;				/* nor is 32 */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->type = MINIVMM_EVENT_NMI;
	e->vector = X86_TRAP_NMI;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	e->type = MINIVMM_EVENT_INTR;
	e->vector = 0x30;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);	/* IF clear */
	st->rflags |= X86_EFLAGS_IF;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	e->int_shadow = 1;			/* in the shadow */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->int_shadow = 0;
	e->type = MINIVMM_EVENT_SOFT_INT;
	e->insn_len = 2;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	e->insn_len = 16;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	e->insn_len = 0;			/* AMD-V resumes at RIP */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	{
		struct mv_state_limits vmx = lim_xsave;

		vmx.soft_int_len = true;	/* VT-x needs the length */
		KUNIT_EXPECT_EQ(test, (int)mv_state_check(st, 0, &vmx),
				MINIVMM_FIELD_EVENT);
	}
	e->type = 7;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	memset(e, 0, sizeof(*e));
	e->vector = 3;				/* nothing pending, but a vector */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
	/* Real mode: exceptions push no error code. */
	st = reset_state(test, &lim_xsave);
	st->events.pending = 1;
	st->events.type = MINIVMM_EVENT_EXCEPTION;
	st->events.vector = X86_TRAP_GP;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->events.has_error = 1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_EVENT);
}

static void state_lapic(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);
	struct minivmm_state_lapic good;

	st->lapic.timer_initial = 1000;
	st->lapic.timer_current = 400;
	st->lapic.lvt[0] = 0x20030;		/* periodic, vector 0x30 */
	st->lapic.tpr = 0x20;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	good = st->lapic;
	st->lapic.id = 1;			/* vCPU 0's APIC has ID 0 */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
	st->lapic = good;
	st->lapic.timer_current = 1001;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
	st->lapic = good;
	st->lapic.lvt[3] = BIT(20);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
	st->lapic = good;
	st->lapic.tpr = 0x100;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
	st->lapic = good;
	st->lapic.dfr = 0;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
	st->lapic = good;
	st->lapic.timer_divide = 0x4;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);

	/* LDR: logical ID in 31:24 (xAPIC); derived from the ID (x2APIC). */
	st->lapic = good;
	st->lapic.ldr = 0x01000000;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->lapic.ldr = 0x1;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
	st->msrs.apic_base |= BIT_ULL(10);	/* x2APIC: vCPU 0, cluster 0 */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	st->lapic.ldr = 0x01000000;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
	st->lapic.ldr = 0x2;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_LAPIC);
}

static void state_fpu(struct kunit *test)
{
	struct minivmm_vcpu_state *st = long_state(test);
	u64 bv;

	bv = XFEATURE_MASK_SSE | XFEATURE_MASK_YMM;
	memcpy(st->fpu.area + 512, &bv, 8);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_NONE);
	bv = XFEATURE_MASK_PKRU;		/* not in the area */
	memcpy(st->fpu.area + 512, &bv, 8);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FPU);
	bv = 0;
	memcpy(st->fpu.area + 512, &bv, 8);
	bv = BIT_ULL(63);			/* compacted form */
	memcpy(st->fpu.area + 520, &bv, 8);
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FPU);
	bv = 0;
	memcpy(st->fpu.area + 520, &bv, 8);
	st->fpu.area[540] = 1;			/* reserved header bytes */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FPU);
	st->fpu.area[540] = 0;
	*(u32 *)(st->fpu.area + 24) = 0x11f80;	/* reserved MXCSR bit */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FPU);
	*(u32 *)(st->fpu.area + 24) = 0x1f80;
	st->fpu.area[832] = 1;			/* past the area's size */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FPU);
	st->fpu.area[832] = 0;
	st->fpu.size = 512;			/* not this host's format */
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FPU);
	st->fpu.size = 832;
	st->fpu.format = MINIVMM_FPU_FXSAVE;
	EXPECT_FIELD(test, st, MINIVMM_FIELD_FPU);
}

static struct kunit_case minivmm_state_cases[] = {
	KUNIT_CASE(state_reset_values),
	KUNIT_CASE(state_header),
	KUNIT_CASE(state_rflags_rip),
	KUNIT_CASE(state_cr0_cr3_cr4_cr8),
	KUNIT_CASE(state_long_mode),
	KUNIT_CASE(state_xcr0),
	KUNIT_CASE(state_segments),
	KUNIT_CASE(state_debug_registers),
	KUNIT_CASE(state_msrs),
	KUNIT_CASE(state_events),
	KUNIT_CASE(state_lapic),
	KUNIT_CASE(state_fpu),
	{}
};

static struct kunit_suite minivmm_state_suite = {
	.name = "minivmm_state",
	.test_cases = minivmm_state_cases,
};

kunit_test_suite(minivmm_state_suite);
