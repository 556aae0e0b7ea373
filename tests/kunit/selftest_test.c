// SPDX-License-Identifier: GPL-2.0
/*
 * Trivial KUnit suite proving that tests/kunit/run works end to end
 * (build, boot, insmod, KTAP parse).  Delete once real suites exist.
 */
#include <kunit/test.h>

static void selftest_arithmetic(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 2 + 2, 4);
}

static void selftest_alloc(struct kunit *test)
{
	void *p = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ((u8 *)p)[63], 0);
}

static struct kunit_case selftest_cases[] = {
	KUNIT_CASE(selftest_arithmetic),
	KUNIT_CASE(selftest_alloc),
	{}
};

static struct kunit_suite selftest_suite = {
	.name = "minivmm_selftest",
	.test_cases = selftest_cases,
};

kunit_test_suites(&selftest_suite);

MODULE_LICENSE("GPL");
