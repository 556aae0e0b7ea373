// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the pure part of dirty-page logging (kmod/dirty.h): which
 * requests are inside RAM with a big enough bitmap, and that taking bits
 * clears exactly the range taken and giving them back restores them.
 */
#include <kunit/test.h>
#include "kmod/dirty.h"

#define MIB	(1ULL << 20)

static void dirty_check_ranges(struct kunit *test)
{
	u64 ram = 64 * MIB, pages = ram >> 12;

	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 0, pages, pages / 8), 0);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 0, 1, 1), 0);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 256 << 10, 64, 8), 0);
	/* empty, misaligned, outside RAM, overflowing, bitmap too small */
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 0, 0, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 4096, 1, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, ram, 1, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 0, pages + 1, pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 256 << 10, pages, pages),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 0, U64_MAX, U64_MAX),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, U64_MAX & ~0x3ffffULL, 1, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 0, 65, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_dirty_check(ram, 0, 65, 9), 0);
	/* RAM that is not a whole number of pages: the tail page is out */
	KUNIT_EXPECT_EQ(test, mv_dirty_check(4096 * 64 + 100, 0, 65, 9),
			-EINVAL);
}

static void dirty_take_untake(struct kunit *test)
{
	unsigned long log[3], out[3], saved[3];

	log[0] = ~0UL;
	log[1] = 0x8000000000000001UL;
	log[2] = 0xf0UL;
	memcpy(saved, log, sizeof(log));
	memset(out, 0xaa, sizeof(out));

	/* 64 + 4 bits: word 0 whole, 4 low bits of word 1 */
	KUNIT_EXPECT_EQ(test, mv_dirty_take(log, out, 68), 65ULL);
	KUNIT_EXPECT_EQ(test, out[0], ~0UL);
	KUNIT_EXPECT_EQ(test, out[1], 1UL);
	KUNIT_EXPECT_EQ(test, log[0], 0UL);
	KUNIT_EXPECT_EQ(test, log[1], 0x8000000000000000UL);	/* kept */
	KUNIT_EXPECT_EQ(test, log[2], 0xf0UL);			/* untouched */
	KUNIT_EXPECT_EQ(test, out[2], 0xaaaaaaaaaaaaaaaaUL);	/* not written */

	/* a second take of the same range finds nothing */
	KUNIT_EXPECT_EQ(test, mv_dirty_take(log, out, 68), 0ULL);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	KUNIT_EXPECT_EQ(test, out[1], 0UL);

	/* giving back what the first take got restores the log */
	out[0] = ~0UL;
	out[1] = 1UL;
	mv_dirty_untake(log, out, 68);
	KUNIT_EXPECT_EQ(test, log[0], saved[0]);
	KUNIT_EXPECT_EQ(test, log[1], saved[1]);
	KUNIT_EXPECT_EQ(test, log[2], saved[2]);

	/* a bit set meanwhile survives the give-back */
	log[0] = 0;
	log[1] = 0x2;
	mv_dirty_untake(log, out, 68);
	KUNIT_EXPECT_EQ(test, log[1], 0x3UL);
}

static struct kunit_case dirty_cases[] = {
	KUNIT_CASE(dirty_check_ranges),
	KUNIT_CASE(dirty_take_untake),
	{}
};

static struct kunit_suite dirty_suite = {
	.name = "minivmm-dirty",
	.test_cases = dirty_cases,
};
kunit_test_suite(dirty_suite);
