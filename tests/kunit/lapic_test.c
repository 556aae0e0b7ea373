// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the local APIC register model of kmod/lapic.c - xAPIC MMIO
 * semantics, the timer's current count, IA32_APIC_BASE transitions and the
 * x2APIC MSR rules (what reads, what raises #GP).
 */
#include <kunit/test.h>
#include "kmod/lapic.c"

#define BASE_XAPIC	(MINIVMM_APIC_BASE | MV_APIC_BASE_EN | MV_APIC_BASE_BSP)
#define BASE_X2APIC	(BASE_XAPIC | MV_APIC_BASE_EXTD)

static u32 mmio_rd(struct mv_lapic *a, u32 off)
{
	return mv_lapic_mmio_read(a, off, 4, 0);
}

static void mmio_wr(struct mv_lapic *a, u32 off, u32 val)
{
	mv_lapic_mmio_write(a, off, 4, val, 0);
}

static void lapic_reset_state(struct kunit *test)
{
	struct mv_lapic a;
	u64 v;

	mv_lapic_reset(&a, 0, true);
	KUNIT_EXPECT_TRUE(test, mv_lapic_mmio_enabled(&a));
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, MSR_IA32_APICBASE, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (u64)0xfee00900);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVR), 0x50014u);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_SPIV), 0xffu);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVTT), (u32)APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_DFR), 0xffffffffu);

	mv_lapic_reset(&a, 3, false);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_ID), 3u << 24);
	KUNIT_EXPECT_EQ(test, a.base_msr & MV_APIC_BASE_BSP, 0ULL);
}

static void lapic_mmio_access_sizes(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_LVR + 2, 1, 0), 0x05ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_LVR, 2, 0), 0x14ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_LVR, 8, 0),
			0x50014ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_LVR + 4, 4, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, 0x3f0), 0u);	/* no SELF IPI */
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, 0xff0), 0u);

	/* Writes that are not 32-bit and aligned, and read-only registers,
	 * are dropped.
	 */
	mv_lapic_mmio_write(&a, APIC_TASKPRI, 1, 0x30, 0);
	mv_lapic_mmio_write(&a, APIC_TASKPRI + 4, 4, 0x30, 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_TASKPRI), 0u);
	mmio_wr(&a, APIC_ID, 5u << 24);
	mmio_wr(&a, APIC_LVR, 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_ID), 0u);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVR), 0x50014u);
	mv_lapic_mmio_write(&a, 0x1000, 4, 1, 0);	/* beyond the page */

	mmio_wr(&a, APIC_TASKPRI, 0x1234);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_TASKPRI), 0x34u);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_PROCPRI), 0x34u);
	mmio_wr(&a, APIC_DFR, 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_DFR), 0x0fffffffu);
	mmio_wr(&a, APIC_LDR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LDR), 0xff000000u);
}

static void lapic_svr_and_lvt(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	/* Software-disabled: LVT writes keep the mask bit. */
	mmio_wr(&a, APIC_LVT0, 0x700);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVT0), 0x10700u);
	mmio_wr(&a, APIC_SPIV, 0xffff);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_SPIV), 0x3ffu);
	mmio_wr(&a, APIC_LVT0, 0xffffffff);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVT0), 0x1a7ffu);
	mmio_wr(&a, APIC_LVTT, 0x20030);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVTT), 0x20030u);
	mmio_wr(&a, APIC_LVTERR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVTERR), 0x100ffu);
	/* Software-disabling masks them all. */
	mmio_wr(&a, APIC_SPIV, 0xff);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVTT), 0x30030u);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LVT0) & APIC_LVT_MASKED,
			(u32)APIC_LVT_MASKED);
}

static void lapic_timer_counts(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mmio_wr(&a, APIC_TDCR, 0xb);			/* divide by 1 */
	mmio_wr(&a, APIC_LVTT, APIC_LVT_MASKED);	/* one-shot */
	mv_lapic_mmio_write(&a, APIC_TMICT, 4, 1000, 5000);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 5000), 1000ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 5400), 600ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 9000), 0ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 10), 0ULL);

	mmio_wr(&a, APIC_LVTT, APIC_LVT_MASKED | LVT_TIMER_PERIODIC);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 7500), 500ULL);

	mmio_wr(&a, APIC_TDCR, 0x0);			/* divide by 2 */
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 5400), 800ULL);
	mmio_wr(&a, APIC_TDCR, 0xa);			/* divide by 128 */
	KUNIT_EXPECT_EQ(test, mv_lapic_divisor(a.timer_divide), 128u);

	mmio_wr(&a, APIC_LVTT, LVT_TIMER_TSC_DEADLINE);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 5400), 0ULL);
	mv_lapic_mmio_write(&a, APIC_TMICT, 4, 0, 6000);	/* stopped */
	mmio_wr(&a, APIC_LVTT, APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMCCT, 4, 6000), 0ULL);
}

/* An expiry waits while the last one is still requested (irq.c reinjects). */
static void lapic_timer_waiting(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mmio_wr(&a, APIC_LVTT, LVT_TIMER_PERIODIC | 0x30);
	KUNIT_EXPECT_FALSE(test, mv_lapic_timer_waiting(&a));
	mv_lapic_timer_expired(&a);
	KUNIT_EXPECT_TRUE(test, mv_lapic_timer_waiting(&a));
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x30);
	mv_lapic_accept(&a, 0x30);		/* IRR -> ISR: room again */
	KUNIT_EXPECT_FALSE(test, mv_lapic_timer_waiting(&a));
	mv_lapic_timer_expired(&a);		/* requested while in service */
	KUNIT_EXPECT_TRUE(test, mv_lapic_timer_waiting(&a));
	/* Masked: an expiry raises nothing, so nothing can wait. */
	mmio_wr(&a, APIC_LVTT, APIC_LVT_MASKED | LVT_TIMER_PERIODIC | 0x30);
	KUNIT_EXPECT_FALSE(test, mv_lapic_timer_waiting(&a));
}

static void lapic_base_transitions(struct kunit *test)
{
	struct mv_lapic a;
	u64 v;

	mv_lapic_reset(&a, 0, true);
	/* relocation, reserved bits, EXTD without EN */
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     BASE_XAPIC + 0x1000, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     BASE_XAPIC | 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     MINIVMM_APIC_BASE |
					     MV_APIC_BASE_EXTD, 0), -EINVAL);
	/* xAPIC -> x2APIC -> xAPIC is refused; -> disabled -> xAPIC works */
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     BASE_X2APIC, 0), 0);
	KUNIT_EXPECT_FALSE(test, mv_lapic_mmio_enabled(&a));
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     BASE_XAPIC, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     MINIVMM_APIC_BASE, 0), 0);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, MSR_IA32_APICBASE, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, MINIVMM_APIC_BASE | MV_APIC_BASE_BSP);
	KUNIT_EXPECT_FALSE(test, mv_lapic_mmio_enabled(&a));
	/* disabled -> x2APIC skips xAPIC: refused */
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     BASE_X2APIC, 0), -EINVAL);
	/* The BSP flag is not the guest's to change. */
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     MINIVMM_APIC_BASE |
					     MV_APIC_BASE_EN, 0), 0);
	KUNIT_EXPECT_EQ(test, a.base_msr, (u64)BASE_XAPIC);
}

static void lapic_disable_resets(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mmio_wr(&a, APIC_TASKPRI, 0x40);
	mv_lapic_wrmsr(&a, MSR_IA32_APICBASE, MINIVMM_APIC_BASE, 0);
	mv_lapic_wrmsr(&a, MSR_IA32_APICBASE, BASE_XAPIC, 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_SPIV), 0xffu);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_TASKPRI), 0u);
}

static void lapic_x2apic_msrs(struct kunit *test)
{
	struct mv_lapic a;
	u64 v;

	mv_lapic_reset(&a, 0x21, true);
	/* Not in x2APIC mode: every x2APIC MSR faults. */
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x802, 0, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x808, 0, 0), -EINVAL);
	/* Not an APIC MSR at all: the caller decides. */
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x10, 0, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x900, 0, 0), -ENOENT);

	KUNIT_ASSERT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     BASE_X2APIC, 0), 0);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x802, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x21ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x80d, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (2ULL << 16) | BIT(1));	/* cluster 2 */
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x830,
					     (5ULL << 32) | 0xc4500, 0), 0);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x830, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (5ULL << 32) | 0xc4500);
	KUNIT_EXPECT_EQ(test, a.ipis, 1ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x83f, 0x30, 0), 0);
	KUNIT_EXPECT_EQ(test, a.ipis, 2ULL);

	/* what does not exist, is read-only, write-only or reserved */
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x80e, 0, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x831, 0, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x80b, 0, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x83f, 0, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x802, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x803, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x80d, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x839, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x80b, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x828, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x808, 1ULL << 32, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x83f, 0x100, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x8ff, 0, 0), -EINVAL);

	/* what works */
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x80b, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x808, 0x50, 0), 0);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x80a, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x50ULL);
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, 0x832, 0x10040, 0), 0);
	KUNIT_EXPECT_EQ(test, mv_lapic_rdmsr(&a, 0x832, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x10040ULL);
}

static void lapic_delivery_priority(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mv_lapic_set_irr(&a, 0x31);
	/* Software-disabled APIC presents nothing. */
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), -1);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x31);
	/* TPR of the same class holds it back; a lower one lets it through. */
	mmio_wr(&a, APIC_TASKPRI, 0x30);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), -1);
	mmio_wr(&a, APIC_TASKPRI, 0x2f);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x31);
	mmio_wr(&a, APIC_TASKPRI, 0);
	mv_lapic_accept(&a, 0x31);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_ISR + 0x10), BIT(0x31 - 32));
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_IRR + 0x10), 0u);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_PROCPRI), 0x30u);
	/* In service: same class waits, a higher class preempts. */
	mv_lapic_set_irr(&a, 0x35);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), -1);
	mv_lapic_set_irr(&a, 0x41);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x41);
	mv_lapic_accept(&a, 0x41);
	mmio_wr(&a, APIC_EOI, 0);	/* retires 0x41, the highest */
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_ISR + 0x20), 0u);
	mmio_wr(&a, APIC_EOI, 0);	/* then 0x31 */
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x35);
	/* Vectors 0-15 are illegal and never become pending. */
	mv_lapic_set_irr(&a, 7);
	KUNIT_EXPECT_EQ(test, a.irr[0], 0u);
}

/*
 * The TMR says how each vector was last accepted (ioapic_lapic_level_eoi
 * has the level half): an edge on a vector clears its bit, and its EOI
 * stays local.
 */
static void lapic_tmr_edge_clears(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mv_lapic_set_irr_trig(&a, 0x79, true);
	mv_lapic_accept(&a, 0x79);
	mmio_wr(&a, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_TMR + 0x30), BIT(0x79 - 96));
	a.eoi_level = false;
	mv_lapic_set_irr_trig(&a, 0x79, false);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_TMR + 0x30), 0u);
	mv_lapic_accept(&a, 0x79);
	mmio_wr(&a, APIC_EOI, 0);
	KUNIT_EXPECT_FALSE(test, a.eoi_level);
	/* So does a local edge source (an IPI, the timer). */
	mv_lapic_set_irr_trig(&a, 0x79, true);
	mv_lapic_set_irr(&a, 0x79);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_TMR + 0x30), 0u);
}

static void lapic_ipis_to_self(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 2, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mmio_wr(&a, APIC_ICR, 0x40040);		/* self shorthand, fixed */
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x40);
	a.irr[2] = 0;
	mmio_wr(&a, APIC_ICR2, 2u << 24);	/* physical destination 2: us */
	mmio_wr(&a, APIC_ICR, 0x50);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x50);
	a.irr[2] = 0;
	mmio_wr(&a, APIC_ICR2, 1u << 24);	/* someone else */
	mmio_wr(&a, APIC_ICR, 0x50);
	mmio_wr(&a, APIC_ICR, 0xc4500);		/* INIT to all but self */
	mmio_wr(&a, APIC_ICR, 0x4650 | (2u << 18));	/* SIPI incl. self */
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), -1);
	KUNIT_EXPECT_EQ(test, a.ipis, 5ULL);
}

/* Which IPIs the model latches for kmod/smp.c, and what it keeps. */
static void lapic_ipi_latch(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mmio_wr(&a, APIC_ICR, 0x40040);		/* fixed to self: kept */
	KUNIT_EXPECT_FALSE(test, a.ipi_pending);
	mmio_wr(&a, APIC_ICR2, 3u << 24);
	mmio_wr(&a, APIC_ICR, 0x4500);		/* INIT to APIC 3 */
	KUNIT_EXPECT_TRUE(test, a.ipi_pending);
	KUNIT_EXPECT_EQ(test, a.ipi_lo, 0x4500u);
	KUNIT_EXPECT_EQ(test, a.ipi_hi, 3u << 24);
	a.ipi_pending = false;
	mmio_wr(&a, APIC_ICR, 0x80041);		/* fixed to all: self and latch */
	KUNIT_EXPECT_TRUE(test, a.ipi_pending);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), 0x41);
}

/* NMIs: a self NMI is latched like any non-fixed IPI; LINT NMI inputs. */
static void lapic_nmi(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mmio_wr(&a, APIC_ICR, 0x44400);		/* NMI to self */
	KUNIT_EXPECT_TRUE(test, a.ipi_pending);
	KUNIT_EXPECT_EQ(test, a.ipi_lo & MV_ICR_DM_MASK, MV_ICR_DM_NMI);
	KUNIT_EXPECT_EQ(test, mv_lapic_pending_vector(&a), -1);
	/* LINT0 starts in ExtINT mode (BSP), LINT1 masked: no NMI input. */
	KUNIT_EXPECT_FALSE(test, mv_lapic_lint_nmi(&a, 0));
	KUNIT_EXPECT_FALSE(test, mv_lapic_lint_nmi(&a, 1));
	mmio_wr(&a, APIC_LVT0, 0x400);
	KUNIT_EXPECT_TRUE(test, mv_lapic_lint_nmi(&a, 0));
	KUNIT_EXPECT_FALSE(test, mv_lapic_accepts_extint(&a));
	mmio_wr(&a, APIC_LVT1, 0x400);
	KUNIT_EXPECT_TRUE(test, mv_lapic_lint_nmi(&a, 1));
	mmio_wr(&a, APIC_LVT0, 0x10400);		/* masked */
	KUNIT_EXPECT_FALSE(test, mv_lapic_lint_nmi(&a, 0));
	/* The APIC off (IA32_APIC_BASE.EN clear): LINT0 is plain INTR. */
	KUNIT_EXPECT_EQ(test, mv_lapic_wrmsr(&a, MSR_IA32_APICBASE,
					     MINIVMM_APIC_BASE |
					     MV_APIC_BASE_BSP, 0), 0);
	KUNIT_EXPECT_FALSE(test, mv_lapic_lint_nmi(&a, 1));
}

/* The destination rule of mv_lapic_ipi_accepts(). */
static void lapic_ipi_destinations(struct kunit *test)
{
	const u32 flat = 0xffffffff, cluster = 0x0fffffff;

	/* xAPIC physical: the 8-bit ID, 0xff broadcasts. */
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4030, 3u << 24, false,
						     false, 3, 0, flat, true));
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0x4030, 2u << 24, false,
						      false, 3, 0, flat, true));
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4030, 0xffu << 24,
						     false, false, 9, 0, flat,
						     true));
	/* A hardware-disabled APIC accepts nothing. */
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0x4030, 3u << 24, false,
						      false, 3, 0, flat,
						      false));
	/* Logical flat: any common bit of MDA and LDR. */
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4830, 0x06u << 24,
						     false, false, 1,
						     0x02u << 24, flat, true));
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0x4830, 0x05u << 24,
						      false, false, 1,
						      0x02u << 24, flat,
						      true));
	/* Logical cluster: cluster 2, member bit 1 in LDR 0x22. */
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4830, 0x23u << 24,
						     false, false, 1,
						     0x22u << 24, cluster,
						     true));
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0x4830, 0x13u << 24,
						      false, false, 1,
						      0x22u << 24, cluster,
						      true));
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4830, 0xffu << 24,
						     false, false, 1, 0, cluster,
						     true));
	/* x2APIC physical: 32-bit IDs; logical: cluster 31:16, bits 15:0. */
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4030, 300, true, false,
						     300, 0, 0, true));
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0x4030, 300 & 0xff,
						      true, false, 300, 0, 0,
						      true));
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4830, 0x10004, true,
						     false, 18, 0x10004, 0,
						     true));
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0x4830, 0x20004, true,
						      false, 18, 0x10004, 0,
						      true));
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x4030, U32_MAX, true,
						     false, 5, 0, 0, true));
	/* Shorthands ignore the destination field. */
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x44030, 0, false, true,
						     0, 0, flat, true));
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0x44030, 0, false, false,
						      1, 0, flat, true));
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x84030, 0, false, true,
						     0, 0, flat, true));
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0x84030, 0, false, false,
						     1, 0, flat, true));
	KUNIT_EXPECT_FALSE(test, mv_lapic_ipi_accepts(0xc4030, 0, false, true,
						      0, 0, flat, true));
	KUNIT_EXPECT_TRUE(test, mv_lapic_ipi_accepts(0xc4030, 0, false, false,
						     1, 0, flat, true));
}

/* INIT: registers back to power-up, ID and base kept. */
static void lapic_init_ipi(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 5, false);
	mmio_wr(&a, APIC_SPIV, 0x1ff);
	mmio_wr(&a, APIC_TASKPRI, 0x20);
	mmio_wr(&a, APIC_LDR, 0x10u << 24);
	mv_lapic_set_irr(&a, 0x40);
	mv_lapic_init_ipi(&a);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_ID), 5u << 24);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_SPIV), 0xffu);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_TASKPRI), 0u);
	KUNIT_EXPECT_EQ(test, mmio_rd(&a, APIC_LDR), 0u);
	KUNIT_EXPECT_EQ(test, a.irr[2], 0u);
	KUNIT_EXPECT_TRUE(test, mv_lapic_mmio_enabled(&a));
}

static void lapic_timer_period(struct kunit *test)
{
	struct mv_lapic a;
	bool periodic;

	mv_lapic_reset(&a, 0, true);
	mmio_wr(&a, APIC_SPIV, 0x1ff);		/* else LVT writes stay masked */
	a.timer_changed = false;
	mmio_wr(&a, APIC_TDCR, 0x3);		/* divide by 16 */
	KUNIT_EXPECT_TRUE(test, a.timer_changed);
	KUNIT_EXPECT_EQ(test, mv_lapic_timer_period_ns(&a, &periodic), 0ULL);
	mmio_wr(&a, APIC_TMICT, 1000);
	KUNIT_EXPECT_EQ(test, mv_lapic_timer_period_ns(&a, &periodic), 16000ULL);
	KUNIT_EXPECT_FALSE(test, periodic);
	/* Periodic timers have a floor: no interrupt storm on the host. */
	mmio_wr(&a, APIC_LVTT, LVT_TIMER_PERIODIC | 0x30);
	KUNIT_EXPECT_EQ(test, mv_lapic_timer_period_ns(&a, &periodic),
			(u64)MV_LAPIC_MIN_PERIOD_NS);
	KUNIT_EXPECT_TRUE(test, periodic);
	mmio_wr(&a, APIC_TMICT, U32_MAX);	/* the longest: no overflow */
	mmio_wr(&a, APIC_TDCR, 0xa);
	KUNIT_EXPECT_EQ(test, mv_lapic_timer_period_ns(&a, &periodic),
			(u64)U32_MAX * 128);
	/* Expiry sets the vector unless masked. */
	mv_lapic_timer_expired(&a);
	KUNIT_EXPECT_EQ(test, a.irr[1], BIT(0x30 - 32));
	a.irr[1] = 0;
	mmio_wr(&a, APIC_LVTT, APIC_LVT_MASKED | 0x30);
	mv_lapic_timer_expired(&a);
	KUNIT_EXPECT_EQ(test, a.irr[1], 0u);
	mmio_wr(&a, APIC_LVTT, LVT_TIMER_TSC_DEADLINE | 0x30);
	KUNIT_EXPECT_EQ(test, mv_lapic_timer_period_ns(&a, &periodic), 0ULL);
}

static struct kunit_case minivmm_lapic_cases[] = {
	KUNIT_CASE(lapic_delivery_priority),
	KUNIT_CASE(lapic_tmr_edge_clears),
	KUNIT_CASE(lapic_ipis_to_self),
	KUNIT_CASE(lapic_ipi_latch),
	KUNIT_CASE(lapic_nmi),
	KUNIT_CASE(lapic_ipi_destinations),
	KUNIT_CASE(lapic_init_ipi),
	KUNIT_CASE(lapic_timer_period),
	KUNIT_CASE(lapic_reset_state),
	KUNIT_CASE(lapic_mmio_access_sizes),
	KUNIT_CASE(lapic_svr_and_lvt),
	KUNIT_CASE(lapic_timer_counts),
	KUNIT_CASE(lapic_timer_waiting),
	KUNIT_CASE(lapic_base_transitions),
	KUNIT_CASE(lapic_disable_resets),
	KUNIT_CASE(lapic_x2apic_msrs),
	{}
};

static struct kunit_suite minivmm_lapic_suite = {
	.name = "minivmm_lapic",
	.test_cases = minivmm_lapic_cases,
};

kunit_test_suite(minivmm_lapic_suite);
