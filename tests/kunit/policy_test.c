// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the resource policy's arithmetic (kmod/policy.c) and the netlink
 * attribute policy (kmod/nl_policy.h) against real netlink parsing.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include "kmod/policy.c"
#include "kmod/nl_policy.h"

static const struct mv_policy test_policy = {
	.max_vms = 2, .max_mem = SZ_64M, .max_vcpus = 1,
	.max_granted = SZ_64M, .overcommit = 100,
};

static void policy_admits_within_limits(struct kunit *test)
{
	struct mv_usage u = { 0 };

	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u, SZ_32M, 1),
			MV_ADMIT_OK);
	mv_usage_charge(&u, SZ_32M);
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u, SZ_32M, 1),
			MV_ADMIT_OK);
	mv_usage_charge(&u, SZ_32M);
	KUNIT_EXPECT_EQ(test, u.nr_vms, 2u);
	KUNIT_EXPECT_EQ(test, u.mem_reserved, (u64)SZ_64M);
	mv_usage_release(&u, SZ_32M);
	mv_usage_release(&u, SZ_32M);
	KUNIT_EXPECT_EQ(test, u.nr_vms, 0u);
	KUNIT_EXPECT_EQ(test, u.mem_reserved, 0ULL);
}

static void policy_refusals(struct kunit *test)
{
	struct mv_usage u = { .nr_vms = 1, .mem_reserved = SZ_32M };

	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u, SZ_32M + 4096,
					      1), MV_ADMIT_NO_MEMORY);
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u, 4096, 2),
			MV_ADMIT_TOO_MANY_VCPUS);
	u.nr_vms = 2;
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u, 4096, 1),
			MV_ADMIT_TOO_MANY_VMS);
}

/* A huge request must not wrap around the limit check. */
static void policy_no_overflow(struct kunit *test)
{
	struct mv_usage u = { .nr_vms = 0, .mem_reserved = SZ_32M };

	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u, U64_MAX, 1),
			MV_ADMIT_NO_MEMORY);
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u,
					      U64_MAX - SZ_32M + 1, 1),
			MV_ADMIT_NO_MEMORY);
	/* A limit lowered below what is in use refuses everything. */
	u.mem_reserved = SZ_128M;
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&test_policy, &u, 4096, 1),
			MV_ADMIT_NO_MEMORY);
}

static void policy_check_values(struct kunit *test)
{
	struct mv_policy p = test_policy;

	KUNIT_EXPECT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p.max_vms = 0;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p.max_vms = MV_POLICY_MAX_VMS_CAP + 1;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p = test_policy;
	p.max_vcpus = 2;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p = test_policy;
	p.max_mem = SZ_2G;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p.max_mem = 0;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
}

/* Build attributes in an skb and parse them strictly with the policy. */
static int parse_attrs(struct kunit *test,
		       void (*fill)(struct sk_buff *skb))
{
	struct nlattr *tb[MINIVMM_ATTR_MAX + 1];
	struct sk_buff *skb = alloc_skb(1024, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	fill(skb);
	ret = nla_parse(tb, MINIVMM_ATTR_MAX,
		       (struct nlattr *)skb->data, skb->len,
		       mv_nl_policy, NULL);
	kfree_skb(skb);
	return ret;
}

static void fill_good_create(struct sk_buff *skb)
{
	nla_put_string(skb, MINIVMM_ATTR_VM_NAME, "web-1");
	nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_SIZE, SZ_16M, MINIVMM_ATTR_PAD);
	nla_put_u32(skb, MINIVMM_ATTR_NR_VCPUS, 1);
}

static void fill_long_name(struct sk_buff *skb)
{
	nla_put_string(skb, MINIVMM_ATTR_VM_NAME,
		       "0123456789012345678901234567890123456789");
}

static void fill_short_mem(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_MEM_SIZE, SZ_16M);
}

static void fill_zero_vcpus(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_NR_VCPUS, 0);
}

static void fill_id_zero(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_VM_ID, 0);
}

static void fill_output_attr(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_VM_STATE, MINIVMM_VM_RUNNING);
}

static void fill_unknown_attr(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_MAX + 1, 7);
}

static void fill_long_timeout(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_TIMEOUT_MS, 600000);
}

static void fill_flag_with_payload(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_FORCE, 1);
}

static void nl_policy_validation(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, parse_attrs(test, fill_good_create), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_long_name), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_short_mem), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_zero_vcpus), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_id_zero), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_output_attr), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_unknown_attr), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_long_timeout), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_flag_with_payload), 0);
}

static struct kunit_case minivmm_policy_cases[] = {
	KUNIT_CASE(policy_admits_within_limits),
	KUNIT_CASE(policy_refusals),
	KUNIT_CASE(policy_no_overflow),
	KUNIT_CASE(policy_check_values),
	KUNIT_CASE(nl_policy_validation),
	{}
};

static struct kunit_suite minivmm_policy_suite = {
	.name = "minivmm_policy",
	.test_cases = minivmm_policy_cases,
};

kunit_test_suite(minivmm_policy_suite);

/* ---- memory on demand: grants, overcommit (kmod/policy.c) --------------- */

static void grant_within_limits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, 0, 0, 0, 4096),
			MV_GRANT_OK);
	/* Exactly up to both limits. */
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, SZ_64M - 4096, SZ_8M,
					      SZ_8M - 4096, 4096), MV_GRANT_OK);
	/* No per-VM limit (0): only the host's counts. */
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, SZ_32M, 0, SZ_32M, SZ_32M),
			MV_GRANT_OK);
}

static void grant_refusals(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, SZ_64M, 0, 0, 4096),
			MV_GRANT_HOST_LIMIT);
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, 0, SZ_8M, SZ_8M, 4096),
			MV_GRANT_VM_LIMIT);
	/* Both reached: the VM's own limit is named (the user can raise it). */
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, SZ_64M, SZ_8M, SZ_8M,
					      4096), MV_GRANT_VM_LIMIT);
	/* Limits lowered below what is held refuse new grants only. */
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_1M, SZ_64M, 0, SZ_64M, 4096),
			MV_GRANT_HOST_LIMIT);
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, SZ_8M, SZ_1M, SZ_8M,
					      4096), MV_GRANT_VM_LIMIT);
}

static void grant_no_overflow(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mv_policy_grant(U64_MAX, U64_MAX - 4096, 0, 0,
					      4096), MV_GRANT_OK);
	KUNIT_EXPECT_EQ(test, mv_policy_grant(U64_MAX, U64_MAX - 4095, 0, 0,
					      4096), MV_GRANT_HOST_LIMIT);
	KUNIT_EXPECT_EQ(test, mv_policy_grant(SZ_64M, SZ_32M, 0, 0, U64_MAX),
			MV_GRANT_HOST_LIMIT);
	KUNIT_EXPECT_EQ(test, mv_policy_grant(U64_MAX, 0, SZ_8M, 4096,
					      U64_MAX - 100), MV_GRANT_VM_LIMIT);
}

static void overcommit_admission(struct kunit *test)
{
	struct mv_policy p = test_policy;
	struct mv_usage u = { 0 };

	KUNIT_EXPECT_EQ(test, mv_policy_declared_limit(&p), (u64)SZ_64M);
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&p, &u, SZ_128M, 1),
			MV_ADMIT_NO_MEMORY);
	p.overcommit = 400;
	KUNIT_EXPECT_EQ(test, mv_policy_declared_limit(&p), (u64)SZ_256M);
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&p, &u, SZ_128M, 1), MV_ADMIT_OK);
	u.mem_reserved = SZ_128M;
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&p, &u, SZ_128M, 1), MV_ADMIT_OK);
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&p, &u, SZ_128M + 4096, 1),
			MV_ADMIT_NO_MEMORY);
	/* 150%: not a multiple of 100 */
	p.overcommit = 150;
	KUNIT_EXPECT_EQ(test, mv_policy_declared_limit(&p), (u64)SZ_64M * 3 / 2);
	/* The product saturates instead of wrapping. */
	p.max_mem = U64_MAX / 2;
	p.overcommit = MINIVMM_OVERCOMMIT_MAX;
	KUNIT_EXPECT_EQ(test, mv_policy_declared_limit(&p), U64_MAX);
	u.mem_reserved = U64_MAX - 4096;
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&p, &u, 4096, 1), MV_ADMIT_OK);
	KUNIT_EXPECT_EQ(test, mv_policy_admit(&p, &u, 8192, 1),
			MV_ADMIT_NO_MEMORY);
}

static void grant_policy_check(struct kunit *test)
{
	struct mv_policy p = test_policy;

	p.max_vms = MV_POLICY_MAX_VMS_CAP;	/* 4096: e2e 64 makes 1000 */
	KUNIT_EXPECT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p.max_vms = 1500;
	KUNIT_EXPECT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p = test_policy;
	p.max_granted = 0;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p.max_granted = SZ_2G;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p = test_policy;
	p.overcommit = 99;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p.overcommit = MINIVMM_OVERCOMMIT_MAX + 1;
	KUNIT_EXPECT_NOT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
	p.overcommit = MINIVMM_OVERCOMMIT_MAX;
	KUNIT_EXPECT_NULL(test, mv_policy_check(&p, SZ_1G, 1));
}

static void fill_overcommit_low(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_POLICY_OVERCOMMIT, 99);
}

static void fill_granted_zero(struct sk_buff *skb)
{
	nla_put_u64_64bit(skb, MINIVMM_ATTR_POLICY_MAX_GRANTED, 0,
			  MINIVMM_ATTR_PAD);
}

static void fill_granted_out(struct sk_buff *skb)
{
	nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_GRANTED, 1, MINIVMM_ATTR_PAD);
}

static void fill_good_set(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_VM_ID, 1);
	nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_LIMIT, SZ_8M, MINIVMM_ATTR_PAD);
	nla_put_u64_64bit(skb, MINIVMM_ATTR_MEM_TARGET, SZ_4M, MINIVMM_ATTR_PAD);
	nla_put_u32(skb, MINIVMM_ATTR_POLICY_OVERCOMMIT, 400);
	nla_put_flag(skb, MINIVMM_ATTR_PREALLOC);
	nla_put_string(skb, MINIVMM_ATTR_CGROUP, "minivmm/x");
}

static void fill_max_vms_1500(struct sk_buff *skb)
{
	nla_put_u32(skb, MINIVMM_ATTR_POLICY_MAX_VMS, 1500);
}

static void grant_nl_policy(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, parse_attrs(test, fill_good_set), 0);
	KUNIT_EXPECT_EQ(test, parse_attrs(test, fill_max_vms_1500), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_overcommit_low), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_granted_zero), 0);
	KUNIT_EXPECT_LT(test, parse_attrs(test, fill_granted_out), 0);
}

static struct kunit_case minivmm_grant_cases[] = {
	KUNIT_CASE(grant_within_limits),
	KUNIT_CASE(grant_refusals),
	KUNIT_CASE(grant_no_overflow),
	KUNIT_CASE(overcommit_admission),
	KUNIT_CASE(grant_policy_check),
	KUNIT_CASE(grant_nl_policy),
	{}
};

static struct kunit_suite minivmm_grant_suite = {
	.name = "minivmm_grant",
	.test_cases = minivmm_grant_cases,
};

kunit_test_suite(minivmm_grant_suite);
