// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kvmclock's pvclock scale (kmod/pvclock.c) - the multiplier stays
 * in [2^31, 2^32) for any TSC rate, the guest's formula turns the ticks
 * of a second, an hour and a year into that many nanoseconds, and a scale
 * read back from guest memory is used only if it can be applied.
 */
#include <kunit/test.h>
#include "kmod/pvclock.c"

/* |got - want| <= want / 10^6 + 1: one part per million. */
static void expect_close(struct kunit *test, u64 got, u64 want)
{
	u64 diff = got > want ? got - want : want - got;

	KUNIT_EXPECT_LE(test, diff, div64_u64(want, 1000000) + 1);
}

static void pvclock_scale_rates(struct kunit *test)
{
	static const u64 rates[] = {
		1, 1000, 33000000, 999999999, 1000000000, 1000000001,
		2000000000, 2000000001, 2496000000ULL, 3700000000ULL,
		10000000000ULL, 1ULL << 40,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		u64 hz = rates[i];
		u32 mul;
		s8 shift;

		mv_pvclock_scale(hz, &mul, &shift);
		KUNIT_EXPECT_GE(test, mul, 1U << 31);
		KUNIT_EXPECT_EQ(test, mv_pvclock_ns(0, mul, shift), 0ULL);
		if (hz < 1000000)
			continue;	/* a tick is over a microsecond */
		expect_close(test, mv_pvclock_ns(hz, mul, shift), NSEC_PER_SEC);
		expect_close(test, mv_pvclock_ns(hz * 3600, mul, shift),
			     3600 * NSEC_PER_SEC);
		if (hz <= 10000000000ULL)	/* a year fits 64 bits */
			expect_close(test,
				     mv_pvclock_ns(hz * 31536000, mul, shift),
				     31536000 * NSEC_PER_SEC);
	}
}

/* Time never runs backwards, tick by tick, around a shift's boundary. */
static void pvclock_monotonic(struct kunit *test)
{
	u64 t, last = 0;
	u32 mul;
	s8 shift;

	mv_pvclock_scale(2496000000ULL, &mul, &shift);
	KUNIT_EXPECT_EQ(test, shift, -1);
	for (t = 1000000; t < 1000000 + 4096; t++) {
		u64 ns = mv_pvclock_ns(t, mul, shift);

		KUNIT_EXPECT_GE(test, ns, last);
		last = ns;
	}
}

/* What a guest may leave in its structure before a save. */
static void pvclock_scale_from_guest(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mv_pvclock_scale_valid(1U << 31, -1));
	KUNIT_EXPECT_TRUE(test, mv_pvclock_scale_valid(~0U, 32));
	KUNIT_EXPECT_TRUE(test, mv_pvclock_scale_valid(1, -32));
	KUNIT_EXPECT_FALSE(test, mv_pvclock_scale_valid(0, 0));
	KUNIT_EXPECT_FALSE(test, mv_pvclock_scale_valid(1U << 31, 33));
	KUNIT_EXPECT_FALSE(test, mv_pvclock_scale_valid(1U << 31, -33));
	KUNIT_EXPECT_FALSE(test, mv_pvclock_scale_valid(1U << 31, 127));
	KUNIT_EXPECT_FALSE(test, mv_pvclock_scale_valid(1U << 31, -128));
}

static struct kunit_case minivmm_pvclock_cases[] = {
	KUNIT_CASE(pvclock_scale_rates),
	KUNIT_CASE(pvclock_monotonic),
	KUNIT_CASE(pvclock_scale_from_guest),
	{}
};

static struct kunit_suite minivmm_pvclock_suite = {
	.name = "minivmm_pvclock",
	.test_cases = minivmm_pvclock_cases,
};

kunit_test_suite(minivmm_pvclock_suite);
