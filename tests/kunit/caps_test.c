// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the load-time decisions of both backends, from raw CPUID/MSR
 * values (vmx/caps.c, svm/caps.c).
 */
#include <kunit/test.h>
#include "vmx/caps.c"
#include "svm/caps.c"

/* A Skylake-like VT-x host with everything minivmm uses. */
static void vmx_good_raw(struct vmx_caps_raw *raw)
{
	memset(raw, 0, sizeof(*raw));
	raw->cpuid1_ecx = BIT(5);
	raw->feature_control = VMX_FC_LOCKED | VMX_FC_VMXON_OUTSIDE_SMX;
	raw->basic = 0x4ULL | (0x1000ULL << 32) | (6ULL << 50) | BIT_ULL(55);
	raw->pinbased = BIT_ULL(32 + VMX_PIN_PREEMPT_TIMER);
	raw->procbased = BIT_ULL(32 + VMX_PROC_SECONDARY);
	raw->procbased2 = BIT_ULL(32 + VMX_PROC2_EPT) |
			  BIT_ULL(32 + VMX_PROC2_VPID) |
			  BIT_ULL(32 + VMX_PROC2_UNRESTRICTED) |
			  BIT_ULL(32 + VMX_PROC2_PAUSE_LOOP) |
			  BIT_ULL(32 + VMX_PROC2_RDTSCP);
	raw->ept_vpid_cap = VMX_EPT_CAP_WALK4 | VMX_EPT_CAP_WB |
			    VMX_EPT_CAP_2M | VMX_EPT_CAP_AD;
}

static void vmx_caps_accepts_full_host(struct kunit *test)
{
	struct vmx_caps_raw raw;
	struct vmx_caps caps = { 0 };

	vmx_good_raw(&raw);
	KUNIT_ASSERT_NULL(test, vmx_caps_check(&raw, &caps));
	KUNIT_EXPECT_EQ(test, caps.revision_id, 4u);
	KUNIT_EXPECT_EQ(test, caps.vmcs_size, 4096u);
	KUNIT_EXPECT_TRUE(test, caps.true_ctls);
	KUNIT_EXPECT_EQ(test, caps.features,
			MINIVMM_FEAT(NPT) | MINIVMM_FEAT(NPT_2M) |
			MINIVMM_FEAT(NPT_AD) | MINIVMM_FEAT(TAGGED_TLB) |
			MINIVMM_FEAT(UNRESTRICTED) |
			MINIVMM_FEAT(PREEMPT_TIMER) | MINIVMM_FEAT(PAUSE_LOOP) |
			MINIVMM_FEAT(RDTSCP));
}

static void vmx_caps_optional_features_off(struct kunit *test)
{
	struct vmx_caps_raw raw;
	struct vmx_caps caps = { 0 };

	vmx_good_raw(&raw);
	raw.basic &= ~BIT_ULL(55);
	raw.pinbased = 0;
	raw.procbased2 = BIT_ULL(32 + VMX_PROC2_EPT);
	raw.ept_vpid_cap = VMX_EPT_CAP_WALK4 | VMX_EPT_CAP_WB;
	KUNIT_ASSERT_NULL(test, vmx_caps_check(&raw, &caps));
	KUNIT_EXPECT_FALSE(test, caps.true_ctls);
	KUNIT_EXPECT_EQ(test, caps.features, MINIVMM_FEAT(NPT));
}

static void vmx_expect_refusal(struct kunit *test, struct vmx_caps_raw *raw,
			       const char *needle)
{
	struct vmx_caps caps = { 0 };
	const char *why = vmx_caps_check(raw, &caps);

	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, needle), "%s", why);
	KUNIT_EXPECT_EQ(test, caps.features, 0ULL);
}

static void vmx_caps_refusals(struct kunit *test)
{
	struct vmx_caps_raw raw;

	vmx_good_raw(&raw);
	raw.cpuid1_ecx = 0;
	vmx_expect_refusal(test, &raw, "does not support Intel VT-x");

	vmx_good_raw(&raw);
	raw.feature_control = VMX_FC_LOCKED;
	vmx_expect_refusal(test, &raw, "disabled by the firmware");

	vmx_good_raw(&raw);
	raw.feature_control = 0;
	vmx_expect_refusal(test, &raw, "unlocked");

	vmx_good_raw(&raw);
	raw.basic &= ~(0xfULL << 50);
	vmx_expect_refusal(test, &raw, "not write-back");

	vmx_good_raw(&raw);
	raw.basic |= VMX_BASIC_ADDR32;
	vmx_expect_refusal(test, &raw, "32-bit");

	vmx_good_raw(&raw);
	raw.basic &= ~(0x1fffULL << 32);
	vmx_expect_refusal(test, &raw, "VMCS size");

	vmx_good_raw(&raw);
	raw.procbased = 0;
	vmx_expect_refusal(test, &raw, "lacks EPT");

	vmx_good_raw(&raw);
	raw.procbased2 = BIT_ULL(32 + VMX_PROC2_VPID);
	vmx_expect_refusal(test, &raw, "lacks EPT");

	vmx_good_raw(&raw);
	raw.ept_vpid_cap &= ~VMX_EPT_CAP_WB;
	vmx_expect_refusal(test, &raw, "write-back tables");
}

/* QEMU TCG's -cpu max: NPT, vGIF, nothing else. */
static void svm_good_raw(struct svm_caps_raw *raw)
{
	memset(raw, 0, sizeof(*raw));
	raw->max_ext_leaf = 0x8000001f;
	raw->ext_ecx = SVM_CPUID_EXT_ECX_SVM;
	raw->svm_ebx = 16;
	raw->svm_edx = SVM_FEAT_NPT | SVM_FEAT_VGIF;
}

static void svm_caps_accepts_qemu_host(struct kunit *test)
{
	struct svm_caps_raw raw;
	struct svm_caps caps = { 0 };

	svm_good_raw(&raw);
	KUNIT_ASSERT_NULL(test, svm_caps_check(&raw, &caps));
	KUNIT_EXPECT_EQ(test, caps.nr_asids, 16u);
	KUNIT_EXPECT_EQ(test, caps.features,
			MINIVMM_FEAT(NPT) | MINIVMM_FEAT(NPT_2M) |
			MINIVMM_FEAT(TAGGED_TLB) | MINIVMM_FEAT(VGIF) |
			MINIVMM_FEAT(RDTSCP));

	raw.svm_edx |= SVM_FEAT_NRIPS | SVM_FEAT_DECODE_ASSISTS |
		       SVM_FEAT_FLUSH_BY_ASID | SVM_FEAT_VMCB_CLEAN |
		       SVM_FEAT_PAUSE_FILTER;
	KUNIT_ASSERT_NULL(test, svm_caps_check(&raw, &caps));
	KUNIT_EXPECT_TRUE(test, caps.features & MINIVMM_FEAT(PAUSE_LOOP));
	KUNIT_EXPECT_TRUE(test, caps.features & MINIVMM_FEAT(NRIPS));
	KUNIT_EXPECT_TRUE(test, caps.features & MINIVMM_FEAT(DECODE_ASSISTS));
	KUNIT_EXPECT_TRUE(test, caps.features & MINIVMM_FEAT(FLUSH_BY_ASID));
	KUNIT_EXPECT_TRUE(test, caps.features & MINIVMM_FEAT(VMCB_CLEAN));
}

static void svm_expect_refusal(struct kunit *test, struct svm_caps_raw *raw,
			       const char *needle)
{
	struct svm_caps caps = { 0 };
	const char *why = svm_caps_check(raw, &caps);

	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, needle), "%s", why);
}

static void svm_caps_refusals(struct kunit *test)
{
	struct svm_caps_raw raw;

	svm_good_raw(&raw);
	raw.ext_ecx = 0;
	svm_expect_refusal(test, &raw, "does not support AMD-V");

	svm_good_raw(&raw);
	raw.max_ext_leaf = 0x80000000;
	svm_expect_refusal(test, &raw, "does not support AMD-V");

	svm_good_raw(&raw);
	raw.vm_cr = SVM_VM_CR_SVMDIS;
	svm_expect_refusal(test, &raw, "disabled by the firmware");

	svm_good_raw(&raw);
	raw.svm_edx = 0;
	svm_expect_refusal(test, &raw, "nested paging");

	svm_good_raw(&raw);
	raw.max_ext_leaf = 0x80000008;
	svm_expect_refusal(test, &raw, "nested paging");

	svm_good_raw(&raw);
	raw.svm_ebx = 1;
	svm_expect_refusal(test, &raw, "ASIDs");
}

static struct kunit_case minivmm_caps_cases[] = {
	KUNIT_CASE(vmx_caps_accepts_full_host),
	KUNIT_CASE(vmx_caps_optional_features_off),
	KUNIT_CASE(vmx_caps_refusals),
	KUNIT_CASE(svm_caps_accepts_qemu_host),
	KUNIT_CASE(svm_caps_refusals),
	{}
};

static struct kunit_suite minivmm_caps_suite = {
	.name = "minivmm_caps",
	.test_cases = minivmm_caps_cases,
};

kunit_test_suite(minivmm_caps_suite);
