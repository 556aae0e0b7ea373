// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VMCS field encodings of vmx/vmcs.h.  Every field's width and
 * type bits must agree with what its name says it is (SDM Vol. 3D,
 * Appendix B), and the decode helpers must take encodings apart as SDM
 * Vol. 3C 25.11.2 describes.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include "vmx/vmcs.h"

struct vmcs_field_desc {
	const char *name;
	u32 enc;
};

#define VMCS_TABLE_ENTRY(name, enc)	{ #name, VMCS_##name },

static const struct vmcs_field_desc vmcs_fields[] = {
	VMCS_FIELDS(VMCS_TABLE_ENTRY)
};

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static bool is_one_of(const char *s, const char * const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* VM-exit information fields (read-only data), by name. */
static const char * const read_only_names[] = {
	"GUEST_PHYSICAL_ADDRESS", "GUEST_LINEAR_ADDRESS",
	"VM_INSTRUCTION_ERROR", "VM_EXIT_REASON", "VM_EXIT_INTR_INFO",
	"VM_EXIT_INTR_ERROR_CODE", "IDT_VECTORING_INFO",
	"IDT_VECTORING_ERROR_CODE", "VM_EXIT_INSTRUCTION_LEN",
	"VMX_INSTRUCTION_INFO", "EXIT_QUALIFICATION",
	"IO_RCX", "IO_RSI", "IO_RDI", "IO_RIP", NULL,
};

/* Guest-state fields whose names do not start with GUEST_. */
static const char * const guest_other_names[] = {
	"VMCS_LINK_POINTER", "VMX_PREEMPTION_TIMER_VALUE", NULL,
};

static enum vmcs_type expected_type(const char *name)
{
	if (is_one_of(name, read_only_names))
		return VMCS_TYPE_READ_ONLY;
	if (starts(name, "HOST_"))
		return VMCS_TYPE_HOST;
	if (starts(name, "GUEST_") || is_one_of(name, guest_other_names))
		return VMCS_TYPE_GUEST;
	return VMCS_TYPE_CONTROL;
}

/* 16-bit fields that are not segment selectors. */
static const char * const width16_names[] = {
	"VIRTUAL_PROCESSOR_ID", "POSTED_INTR_NV", "EPTP_INDEX",
	"GUEST_INTR_STATUS", "GUEST_PML_INDEX", NULL,
};

/* 64-bit fields whose names do not end in _ADDR/_POINTER/_BITMAP*. */
static const char * const width64_names[] = {
	"TSC_OFFSET", "TSC_MULTIPLIER", "VM_FUNCTION_CONTROL",
	"GUEST_PHYSICAL_ADDRESS", "XSS_EXIT_BITMAP", "ENCLS_EXITING_BITMAP",
	NULL,
};

/* Natural-width fields not covered by the CRn / _BASE / register rules. */
static const char * const natural_names[] = {
	"EXIT_QUALIFICATION", "IO_RCX", "IO_RSI", "IO_RDI", "IO_RIP",
	"GUEST_LINEAR_ADDRESS", "GUEST_DR7", "GUEST_RSP", "GUEST_RIP",
	"GUEST_RFLAGS", "GUEST_PENDING_DBG_EXCEPTIONS", "GUEST_SYSENTER_ESP",
	"GUEST_SYSENTER_EIP", "HOST_IA32_SYSENTER_ESP",
	"HOST_IA32_SYSENTER_EIP", "HOST_RSP", "HOST_RIP", NULL,
};

static enum vmcs_width expected_width(const char *name)
{
	if (ends(name, "_SELECTOR") || is_one_of(name, width16_names))
		return VMCS_WIDTH_16;
	if (is_one_of(name, natural_names) || ends(name, "_BASE") ||
	    starts(name, "GUEST_CR") || starts(name, "HOST_CR") ||
	    starts(name, "CR0_") || starts(name, "CR4_") ||
	    starts(name, "CR3_TARGET_VALUE"))
		return VMCS_WIDTH_NATURAL;
	/* Physical addresses and the 64-bit MSR images. */
	if (ends(name, "_ADDR") || ends(name, "_POINTER") ||
	    is_one_of(name, width64_names) || starts(name, "EOI_EXIT_BITMAP") ||
	    starts(name, "GUEST_PDPTE") ||
	    (starts(name, "GUEST_IA32_") && !strstr(name, "SYSENTER")) ||
	    (starts(name, "HOST_IA32_") && !strstr(name, "SYSENTER")))
		return VMCS_WIDTH_64;
	/* Everything else: limits, access rights, controls, counts, info. */
	return VMCS_WIDTH_32;
}

static void vmcs_every_field_matches_its_name(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmcs_fields); i++) {
		const struct vmcs_field_desc *f = &vmcs_fields[i];

		KUNIT_EXPECT_EQ_MSG(test, vmcs_field_width(f->enc),
				    expected_width(f->name),
				    "width of %s (%#x)", f->name, f->enc);
		KUNIT_EXPECT_EQ_MSG(test, vmcs_field_type(f->enc),
				    expected_type(f->name),
				    "type of %s (%#x)", f->name, f->enc);
		KUNIT_EXPECT_FALSE_MSG(test, vmcs_field_is_high(f->enc),
				       "%s (%#x) is a high access", f->name,
				       f->enc);
		KUNIT_EXPECT_TRUE_MSG(test, vmcs_field_valid(f->enc),
				      "%s (%#x) has reserved bits", f->name,
				      f->enc);
	}
}

/* Fields are listed in encoding order without duplicates. */
static void vmcs_fields_unique(struct kunit *test)
{
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(vmcs_fields); i++)
		KUNIT_EXPECT_LT_MSG(test, vmcs_fields[i - 1].enc,
				    vmcs_fields[i].enc, "%s before %s",
				    vmcs_fields[i - 1].name,
				    vmcs_fields[i].name);
}

/* Spot checks against the SDM's tables. */
static void vmcs_known_encodings(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, VMCS_GUEST_ES_SELECTOR, 0x0800);
	KUNIT_EXPECT_EQ(test, VMCS_HOST_TR_SELECTOR, 0x0c0c);
	KUNIT_EXPECT_EQ(test, VMCS_EPT_POINTER, 0x201a);
	KUNIT_EXPECT_EQ(test, VMCS_VMCS_LINK_POINTER, 0x2800);
	KUNIT_EXPECT_EQ(test, VMCS_PIN_BASED_VM_EXEC_CONTROL, 0x4000);
	KUNIT_EXPECT_EQ(test, VMCS_SECONDARY_VM_EXEC_CONTROL, 0x401e);
	KUNIT_EXPECT_EQ(test, VMCS_VM_EXIT_REASON, 0x4402);
	KUNIT_EXPECT_EQ(test, VMCS_GUEST_TR_AR_BYTES, 0x4822);
	KUNIT_EXPECT_EQ(test, VMCS_VMX_PREEMPTION_TIMER_VALUE, 0x482e);
	KUNIT_EXPECT_EQ(test, VMCS_EXIT_QUALIFICATION, 0x6400);
	KUNIT_EXPECT_EQ(test, VMCS_GUEST_RIP, 0x681e);
	KUNIT_EXPECT_EQ(test, VMCS_HOST_RIP, 0x6c16);
	/* The segment field families keep fixed distances (vcpu.c uses it). */
	KUNIT_EXPECT_EQ(test, VMCS_GUEST_TR_LIMIT - VMCS_GUEST_TR_SELECTOR,
			VMCS_GUEST_ES_LIMIT - VMCS_GUEST_ES_SELECTOR);
	KUNIT_EXPECT_EQ(test, VMCS_GUEST_LDTR_AR_BYTES -
			VMCS_GUEST_LDTR_SELECTOR,
			VMCS_GUEST_ES_AR_BYTES - VMCS_GUEST_ES_SELECTOR);
	KUNIT_EXPECT_EQ(test, VMCS_GUEST_CS_BASE - VMCS_GUEST_CS_SELECTOR,
			VMCS_GUEST_ES_BASE - VMCS_GUEST_ES_SELECTOR);
}

static void vmcs_decode_helpers(struct kunit *test)
{
	/* 0x2001: the high half of IO_BITMAP_A. */
	KUNIT_EXPECT_EQ(test, vmcs_field_width(0x2001), VMCS_WIDTH_64);
	KUNIT_EXPECT_TRUE(test, vmcs_field_is_high(0x2001));
	KUNIT_EXPECT_TRUE(test, vmcs_field_valid(0x2001));
	KUNIT_EXPECT_EQ(test, vmcs_field_bytes(0x2001), 4u);
	KUNIT_EXPECT_EQ(test, vmcs_field_bytes(VMCS_IO_BITMAP_A_ADDR), 8u);
	/* A high access to a non-64-bit field does not exist. */
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(0x4001));
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(0x6801));
	/* Reserved bit 12 and bits 31:15. */
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(0x1000));
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(0x8000));
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(0x80000000));

	KUNIT_EXPECT_EQ(test, vmcs_field_width(VMCS_GUEST_CS_SELECTOR),
			VMCS_WIDTH_16);
	KUNIT_EXPECT_EQ(test, vmcs_field_width(VMCS_GUEST_CS_LIMIT),
			VMCS_WIDTH_32);
	KUNIT_EXPECT_EQ(test, vmcs_field_width(VMCS_GUEST_CS_BASE),
			VMCS_WIDTH_NATURAL);
	KUNIT_EXPECT_EQ(test, vmcs_field_bytes(VMCS_GUEST_CS_SELECTOR), 2u);
	KUNIT_EXPECT_EQ(test, vmcs_field_bytes(VMCS_GUEST_CS_LIMIT), 4u);
	KUNIT_EXPECT_EQ(test, vmcs_field_bytes(VMCS_GUEST_CS_BASE), 8u);

	KUNIT_EXPECT_EQ(test, vmcs_field_type(VMCS_TSC_OFFSET),
			VMCS_TYPE_CONTROL);
	KUNIT_EXPECT_EQ(test, vmcs_field_type(VMCS_VM_EXIT_REASON),
			VMCS_TYPE_READ_ONLY);
	KUNIT_EXPECT_EQ(test, vmcs_field_type(VMCS_GUEST_RSP),
			VMCS_TYPE_GUEST);
	KUNIT_EXPECT_EQ(test, vmcs_field_type(VMCS_HOST_RSP),
			VMCS_TYPE_HOST);

	KUNIT_EXPECT_EQ(test, vmcs_field_index(VMCS_GUEST_ES_SELECTOR), 0u);
	KUNIT_EXPECT_EQ(test, vmcs_field_index(VMCS_GUEST_TR_SELECTOR), 7u);
	KUNIT_EXPECT_EQ(test, vmcs_field_index(VMCS_HOST_RIP), 11u);
}

static void vmcs_insn_error_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, vmx_insn_error_name(7),
			   "entry with invalid control fields");
	KUNIT_EXPECT_STREQ(test, vmx_insn_error_name(8),
			   "entry with invalid host-state fields");
	KUNIT_EXPECT_STREQ(test, vmx_insn_error_name(0),
			   "unknown VM-instruction error");
	KUNIT_EXPECT_STREQ(test, vmx_insn_error_name(14),
			   "unknown VM-instruction error");
	KUNIT_EXPECT_STREQ(test, vmx_insn_error_name(1000),
			   "unknown VM-instruction error");
}

static struct kunit_case vmcs_cases[] = {
	KUNIT_CASE(vmcs_every_field_matches_its_name),
	KUNIT_CASE(vmcs_fields_unique),
	KUNIT_CASE(vmcs_known_encodings),
	KUNIT_CASE(vmcs_decode_helpers),
	KUNIT_CASE(vmcs_insn_error_names),
	{}
};

static struct kunit_suite vmcs_suite = {
	.name = "minivmm_vmcs",
	.test_cases = vmcs_cases,
};

kunit_test_suite(vmcs_suite);
