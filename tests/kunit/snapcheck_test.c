// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the snapshot state checks of kmod/snapcheck.c.  A state taken
 * from the models passes; each field pushed out of its range is refused;
 * a state converted out and back in gives the models what they had, with
 * timer ages kept relative to the time of the call.
 */
#include <kunit/test.h>
#include "kmod/snapcheck.c"

#define RAM	(16ULL << 20)

static void good_dev(struct minivmm_devstate *s)
{
	struct mv_platform p = { .ram_size = RAM, .nr_cpus = 1 };
	struct mv_pit pit = { };

	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->version = MINIVMM_DEVSTATE_VERSION;
	p.pic[0].init_step = 2;
	p.pic[0].icw1 = 0x11;
	mv_snap_platform_get(&p, s);
	pit.ch[0].mode = 2;
	pit.ch[0].rw = 3;
	pit.ch[0].loaded = true;
	pit.ch[0].reload = 11932;
	pit.ch[0].load_ns = 1000;
	mv_snap_pit_get(&pit, s, 5000);
}

static void good_lapic(struct minivmm_lapic_state *s, u32 vcpu)
{
	struct mv_lapic apic = { };

	memset(s, 0, sizeof(*s));
	s->vcpu = vcpu;
	s->version = MINIVMM_LAPIC_STATE_VERSION;
	apic.base_msr = MINIVMM_APIC_BASE | MV_APIC_BASE_EN |
			(vcpu ? 0 : MV_APIC_BASE_BSP);
	apic.id = vcpu;
	apic.dfr = 0xffffffff;
	apic.svr = 0x1ff;
	apic.lvt[0] = 0x20020;		/* periodic, vector 0x20 */
	apic.lvt[3] = 0x700;		/* LINT0 ExtINT */
	apic.timer_initial = 1000000;
	apic.timer_start_ns = 100;
	mv_snap_lapic_get(&apic, s, 600);
}

static void snap_dev_good_passes(struct kunit *test)
{
	struct minivmm_devstate s;

	good_dev(&s);
	KUNIT_EXPECT_EQ(test, mv_snap_check_dev(&s, RAM, 1), 0);
	KUNIT_EXPECT_EQ(test, s.pit[0].elapsed_ns, 4000ULL);
}

#define BAD_DEV(test, stmt) do {					\
	struct minivmm_devstate s;					\
	good_dev(&s);							\
	stmt;								\
	KUNIT_EXPECT_EQ_MSG(test, mv_snap_check_dev(&s, RAM, 1), -EINVAL, \
			    "accepted: %s", #stmt);			\
} while (0)

static void snap_dev_bad_refused(struct kunit *test)
{
	BAD_DEV(test, s.size = sizeof(s) - 8);
	BAD_DEV(test, s.version = MINIVMM_DEVSTATE_VERSION + 1);
	BAD_DEV(test, s.reserved[7] = 1);
	BAD_DEV(test, s.padding0 = 1);
	BAD_DEV(test, s.uart_ier = 0x10);
	BAD_DEV(test, s.uart_mcr = 0x20);
	BAD_DEV(test, s.uart_thre_pending = 2);
	BAD_DEV(test, s.console_total = 10; s.console_read_max = 11);
	BAD_DEV(test, s.console_total = 10; s.console_dropped = 11);
	BAD_DEV(test, s.console_in_len = MINIVMM_CONSOLE_INPUT + 1);
	BAD_DEV(test, s.ram_size = RAM * 2);
	BAD_DEV(test, s.nr_cpus = 2);
	BAD_DEV(test, s.shutdown_pos = 8);
	BAD_DEV(test, s.pic[1].init_step = 1);
	BAD_DEV(test, s.pic[0].init_step = 5);
	BAD_DEV(test, s.pic[0].read_isr = 2);
	BAD_DEV(test, s.pic[1].padding[4] = 1);
	BAD_DEV(test, s.pit[0].mode = 6);
	BAD_DEV(test, s.pit[1].rw = 4);
	BAD_DEV(test, s.pit[0].reload = 0);
	BAD_DEV(test, s.pit[2].reload = 65537);
	BAD_DEV(test, s.pit[0].rw = 0);
	BAD_DEV(test, s.pit[0].pending_lsb = 0x100);
	BAD_DEV(test, s.pit[0].latched = 3);
	BAD_DEV(test, s.pit[0].elapsed_ns = ~0ULL);
	BAD_DEV(test, s.pit_gate2 = 2);
	BAD_DEV(test, s.pit_irq0_pending = MINIVMM_TIMER_PENDING_MAX + 1);
}

static void snap_lapic_good_passes(struct kunit *test)
{
	struct minivmm_lapic_state s;

	good_lapic(&s, 0);
	KUNIT_EXPECT_EQ(test, mv_snap_check_lapic(&s, 0), 0);
	KUNIT_EXPECT_EQ(test, s.timer_elapsed_ns, 500ULL);
	/* vCPU 0's state is not vCPU 1's: the BSP bit and the ID differ. */
	KUNIT_EXPECT_EQ(test, mv_snap_check_lapic(&s, 1), -EINVAL);
	good_lapic(&s, 1);
	KUNIT_EXPECT_EQ(test, mv_snap_check_lapic(&s, 1), 0);
}

#define BAD_LAPIC(test, stmt) do {					\
	struct minivmm_lapic_state s;					\
	good_lapic(&s, 0);						\
	stmt;								\
	KUNIT_EXPECT_EQ_MSG(test, mv_snap_check_lapic(&s, 0), -EINVAL,	\
			    "accepted: %s", #stmt);			\
} while (0)

static void snap_lapic_bad_refused(struct kunit *test)
{
	BAD_LAPIC(test, s.version = 2);
	BAD_LAPIC(test, s.id = 1);
	BAD_LAPIC(test, s.reserved[0] = 1);
	BAD_LAPIC(test, s.base_msr += 0x1000);		/* relocated */
	BAD_LAPIC(test, s.base_msr &= ~MV_APIC_BASE_BSP);
	BAD_LAPIC(test, s.base_msr = MINIVMM_APIC_BASE | MV_APIC_BASE_BSP |
			MV_APIC_BASE_EXTD);		/* x2APIC, disabled */
	BAD_LAPIC(test, s.tpr = 0x100);
	BAD_LAPIC(test, s.svr = 0x400);
	BAD_LAPIC(test, s.esr = 1);
	BAD_LAPIC(test, s.dfr = 0);
	BAD_LAPIC(test, s.ldr = 1);
	BAD_LAPIC(test, s.icr_lo = BIT(12));		/* delivery status */
	BAD_LAPIC(test, s.timer_divide = 4);
	BAD_LAPIC(test, s.lvt[5] = 0x700);
	BAD_LAPIC(test, s.lvt[0] = 0x40020);		/* TSC deadline */
	BAD_LAPIC(test, s.tmr[3] = 1);
	BAD_LAPIC(test, s.timer_pending = MINIVMM_TIMER_PENDING_MAX + 1);
	BAD_LAPIC(test, s.timer_elapsed_ns = ~0ULL);
}

static void snap_round_trip(struct kunit *test)
{
	struct minivmm_devstate s;
	struct minivmm_lapic_state ls;
	struct mv_platform p = { .ram_size = RAM, .nr_cpus = 1 };
	struct mv_pit pit = { };
	struct mv_lapic apic = { };

	good_dev(&s);
	s.pic[1].imr = 0xfb;
	s.pic[1].elcr = 0x0c;
	mv_snap_platform_put(&p, &s);
	KUNIT_EXPECT_EQ(test, p.pic[1].imr, 0xfb);
	KUNIT_EXPECT_EQ(test, p.elcr[1], 0x0c);
	KUNIT_EXPECT_EQ(test, p.pic[0].init_step, 2);
	/* Loaded 4000 ns before the save: 4000 ns before the restore. */
	mv_snap_pit_put(&pit, &s, 1000000);
	KUNIT_EXPECT_EQ(test, pit.ch[0].load_ns, 996000ULL);
	KUNIT_EXPECT_EQ(test, pit.ch[0].reload, 11932U);
	KUNIT_EXPECT_TRUE(test, pit.irq0_changed);
	KUNIT_EXPECT_FALSE(test, pit.irq0_restart);

	good_lapic(&ls, 0);
	mv_snap_lapic_put(&apic, &ls, 7000);
	KUNIT_EXPECT_EQ(test, apic.timer_start_ns, 6500ULL);
	KUNIT_EXPECT_EQ(test, apic.lvt[0], 0x20020U);
	KUNIT_EXPECT_TRUE(test, apic.timer_changed);
	KUNIT_EXPECT_FALSE(test, apic.timer_restart);
}

static struct kunit_case snapcheck_cases[] = {
	KUNIT_CASE(snap_dev_good_passes),
	KUNIT_CASE(snap_dev_bad_refused),
	KUNIT_CASE(snap_lapic_good_passes),
	KUNIT_CASE(snap_lapic_bad_refused),
	KUNIT_CASE(snap_round_trip),
	{}
};

static struct kunit_suite snapcheck_suite = {
	.name = "minivmm-snapcheck",
	.test_cases = snapcheck_cases,
};
kunit_test_suite(snapcheck_suite);
