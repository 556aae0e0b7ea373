// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the 8254 model of kmod/pit.c - programming sequences, counting
 * from the load time, latches, channel 2's gate and OUT in port 0x61, and
 * channel 0's IRQ 0 period.
 */
#include <kunit/test.h>
#include "kmod/pit.c"

static void out8(struct mv_pit *pit, u16 port, u8 v, u64 now)
{
	mv_pit_io(pit, port, false, &v, now);
}

static u8 in8(struct mv_pit *pit, u16 port, u64 now)
{
	u8 v = 0;

	mv_pit_io(pit, port, true, &v, now);
	return v;
}

/* ns for @ticks of the 1.193182 MHz clock, rounded up. */
static u64 ticks_ns(u64 ticks)
{
	return DIV_ROUND_UP_ULL(ticks * NSEC_PER_SEC, MV_PIT_HZ);
}

static void pit_counts_down(struct kunit *test)
{
	struct mv_pit pit = { 0 };

	out8(&pit, 0x61, 0x01, 0);		/* gate 2 high */
	out8(&pit, 0x43, 0xb0, 0);		/* ch 2, LSB+MSB, mode 0 */
	out8(&pit, 0x42, 0x10, 1000);
	KUNIT_EXPECT_FALSE(test, pit.ch[2].loaded);
	out8(&pit, 0x42, 0x27, 1000);		/* 10000 */
	KUNIT_EXPECT_EQ(test, pit.ch[2].reload, 10000u);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x61, 1000) & 0x20, 0);
	/* unlatched reads: LSB then MSB of the live count */
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x42, 1000 + ticks_ns(16)), 0x00);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x42, 1000 + ticks_ns(16)), 0x27);
	/* a latch holds the value until both bytes are read */
	out8(&pit, 0x43, 0x80, 1000 + ticks_ns(100));
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x42, 1000 + ticks_ns(5000)),
			(10000 - 100) & 0xff);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x42, 1000 + ticks_ns(5000)),
			(10000 - 100) >> 8);
	/* terminal count: OUT 2 goes high */
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x61, 1000 + ticks_ns(10000)) & 0x21,
			0x21);
	/* gate low: no counting; gate rising: restart */
	out8(&pit, 0x61, 0x00, 2000000);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x61, 2000000) & 0x20, 0);
	out8(&pit, 0x61, 0x01, 3000000);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x61, 3000000) & 0x20, 0);
	/* the refresh bit toggles */
	KUNIT_EXPECT_NE(test, in8(&pit, 0x61, 0) & 0x10,
			in8(&pit, 0x61, 0) & 0x10);
}

static void pit_irq0_period(struct kunit *test)
{
	struct mv_pit pit = { 0 };
	bool periodic;

	KUNIT_EXPECT_EQ(test, mv_pit_irq0_period_ns(&pit, &periodic), 0ULL);
	out8(&pit, 0x43, 0x34, 0);		/* ch 0, LSB+MSB, mode 2 */
	KUNIT_EXPECT_TRUE(test, pit.irq0_changed);
	out8(&pit, 0x40, 0x9c, 0);
	out8(&pit, 0x40, 0x2e, 0);		/* 11932: 10 ms */
	KUNIT_EXPECT_EQ(test, mv_pit_irq0_period_ns(&pit, &periodic),
			10000150ULL);
	KUNIT_EXPECT_TRUE(test, periodic);
	/* periodic at full speed is floored; a count of 0 means 65536 */
	out8(&pit, 0x40, 0x01, 0);
	out8(&pit, 0x40, 0x00, 0);
	KUNIT_EXPECT_EQ(test, mv_pit_irq0_period_ns(&pit, &periodic),
			(u64)MV_PIT_MIN_PERIOD_NS);
	out8(&pit, 0x43, 0x30, 0);		/* mode 0: one-shot */
	KUNIT_EXPECT_EQ(test, mv_pit_irq0_period_ns(&pit, &periodic), 0ULL);
	out8(&pit, 0x40, 0x00, 0);
	out8(&pit, 0x40, 0x00, 0);
	KUNIT_EXPECT_EQ(test, pit.ch[0].reload, 65536u);
	KUNIT_EXPECT_FALSE(test, periodic);
	/* modes 6 and 7 are 2 and 3; the control port reads as all ones */
	out8(&pit, 0x43, 0x3e, 0);
	KUNIT_EXPECT_EQ(test, pit.ch[0].mode, 3);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x43, 0), 0xff);
	/* not PIT ports */
	KUNIT_EXPECT_FALSE(test, mv_pit_io(&pit, 0x44, true, NULL, 0));
	KUNIT_EXPECT_FALSE(test, mv_pit_io(&pit, 0x60, true, NULL, 0));
}

static void pit_square_wave(struct kunit *test)
{
	struct mv_pit pit = { 0 };

	out8(&pit, 0x61, 0x01, 0);
	out8(&pit, 0x43, 0xb6, 0);		/* ch 2, mode 3 */
	out8(&pit, 0x42, 100, 0);
	out8(&pit, 0x42, 0, 0);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x61, ticks_ns(10)) & 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x61, ticks_ns(60)) & 0x20, 0);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x61, ticks_ns(110)) & 0x20, 0x20);
	out8(&pit, 0x43, 0xa0, 0);		/* MSB only */
	out8(&pit, 0x42, 0x01, 0);
	KUNIT_EXPECT_EQ(test, pit.ch[2].reload, 256u);
	KUNIT_EXPECT_EQ(test, in8(&pit, 0x42, 0), 0x01);
}

static struct kunit_case minivmm_pit_cases[] = {
	KUNIT_CASE(pit_counts_down),
	KUNIT_CASE(pit_irq0_period),
	KUNIT_CASE(pit_square_wave),
	{}
};

static struct kunit_suite minivmm_pit_suite = {
	.name = "minivmm_pit",
	.test_cases = minivmm_pit_cases,
};

kunit_test_suite(minivmm_pit_suite);
