// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kmod/irqstatus.h, the interrupt status register the module
 * answers for a device process (virtio-mmio's InterruptStatus and
 * InterruptACK): which raises and acknowledgements are due an edge, and
 * which bits an acknowledgement leaves.
 */
#include <kunit/test.h>
#include "kmod/irqstatus.h"

/* One edge when bits appear in a clear register, none while it is unread. */
static void irqstatus_edge_per_clear_register(struct kunit *test)
{
	struct mv_irq_status s = {};

	KUNIT_EXPECT_TRUE(test, mv_irq_status_raise(&s, 1));
	KUNIT_EXPECT_FALSE(test, mv_irq_status_raise(&s, 1));
	KUNIT_EXPECT_EQ(test, mv_irq_status_read(&s), 1u);
	KUNIT_EXPECT_FALSE(test, mv_irq_status_ack(&s, 1));
	KUNIT_EXPECT_EQ(test, s.bits, 0u);
}

/* An acknowledgement clears what was read, two bits at once. */
static void irqstatus_ack_clears_what_was_read(struct kunit *test)
{
	struct mv_irq_status s = {};

	KUNIT_EXPECT_TRUE(test, mv_irq_status_raise(&s, 1));
	KUNIT_EXPECT_FALSE(test, mv_irq_status_raise(&s, 2));
	KUNIT_EXPECT_EQ(test, mv_irq_status_read(&s), 3u);
	KUNIT_EXPECT_FALSE(test, mv_irq_status_ack(&s, 3));
	KUNIT_EXPECT_EQ(test, s.bits, 0u);
}

/* A bit set after the read and not acknowledged: an edge after the ack. */
static void irqstatus_edge_for_bits_left(struct kunit *test)
{
	struct mv_irq_status s = {};

	mv_irq_status_raise(&s, 1);
	KUNIT_EXPECT_EQ(test, mv_irq_status_read(&s), 1u);
	KUNIT_EXPECT_FALSE(test, mv_irq_status_raise(&s, 2));
	KUNIT_EXPECT_TRUE(test, mv_irq_status_ack(&s, 1));
	KUNIT_EXPECT_EQ(test, s.bits, 2u);
}

/*
 * The same bit set again between the read and its acknowledgement: the
 * driver has not seen the second, so it stays, with an edge.
 */
static void irqstatus_late_ack_keeps_bit(struct kunit *test)
{
	struct mv_irq_status s = {};

	mv_irq_status_raise(&s, 1);
	KUNIT_EXPECT_EQ(test, mv_irq_status_read(&s), 1u);
	KUNIT_EXPECT_FALSE(test, mv_irq_status_raise(&s, 1));
	KUNIT_EXPECT_TRUE(test, mv_irq_status_ack(&s, 1));
	KUNIT_EXPECT_EQ(test, s.bits, 1u);
	KUNIT_EXPECT_EQ(test, mv_irq_status_read(&s), 1u);
	KUNIT_EXPECT_FALSE(test, mv_irq_status_ack(&s, 1));
	KUNIT_EXPECT_EQ(test, s.bits, 0u);
}

/* Nothing raised, nothing sent; an ack of bits never set changes nothing. */
static void irqstatus_no_edge_for_nothing(struct kunit *test)
{
	struct mv_irq_status s = {};

	KUNIT_EXPECT_FALSE(test, mv_irq_status_raise(&s, 0));
	KUNIT_EXPECT_FALSE(test, mv_irq_status_ack(&s, ~0u));
	mv_irq_status_raise(&s, 4);
	mv_irq_status_read(&s);
	KUNIT_EXPECT_TRUE(test, mv_irq_status_ack(&s, 1));
	KUNIT_EXPECT_EQ(test, s.bits, 4u);
}

static struct kunit_case irqstatus_cases[] = {
	KUNIT_CASE(irqstatus_edge_per_clear_register),
	KUNIT_CASE(irqstatus_ack_clears_what_was_read),
	KUNIT_CASE(irqstatus_edge_for_bits_left),
	KUNIT_CASE(irqstatus_late_ack_keeps_bit),
	KUNIT_CASE(irqstatus_no_edge_for_nothing),
	{}
};

static struct kunit_suite minivmm_irqstatus_suite = {
	.name = "minivmm_irqstatus",
	.test_cases = irqstatus_cases,
};

kunit_test_suite(minivmm_irqstatus_suite);
