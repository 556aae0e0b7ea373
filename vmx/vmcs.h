/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCS field encodings (Intel SDM Vol. 3D, Appendix B) and the pure helpers
 * that decode them.  No instructions here: tests/kunit/vmcs_test.c checks
 * every encoding against its name.
 *
 * An encoding is 32 bits (SDM Vol. 3C 25.11.2):
 *   bit 0      access type: 0 full, 1 high (upper half of a 64-bit field)
 *   bits 9:1   index
 *   bits 11:10 type: 0 control, 1 VM-exit information (read-only data),
 *              2 guest state, 3 host state
 *   bit 12     reserved (0)
 *   bits 14:13 width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural width
 *   bits 31:15 reserved (0)
 */
#ifndef MINIVMM_VMX_VMCS_H
#define MINIVMM_VMX_VMCS_H

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/types.h>

/*
 * X(name, encoding): every field this backend knows, grouped by width and
 * type as in Appendix B.  The enum below and the KUnit table are generated
 * from this one list.
 */
#define VMCS_FIELDS(X)						\
	/* 16-bit control */					\
	X(VIRTUAL_PROCESSOR_ID,			0x0000)		\
	X(POSTED_INTR_NV,			0x0002)		\
	X(EPTP_INDEX,				0x0004)		\
	/* 16-bit guest state */				\
	X(GUEST_ES_SELECTOR,			0x0800)		\
	X(GUEST_CS_SELECTOR,			0x0802)		\
	X(GUEST_SS_SELECTOR,			0x0804)		\
	X(GUEST_DS_SELECTOR,			0x0806)		\
	X(GUEST_FS_SELECTOR,			0x0808)		\
	X(GUEST_GS_SELECTOR,			0x080a)		\
	X(GUEST_LDTR_SELECTOR,			0x080c)		\
	X(GUEST_TR_SELECTOR,			0x080e)		\
	X(GUEST_INTR_STATUS,			0x0810)		\
	X(GUEST_PML_INDEX,			0x0812)		\
	/* 16-bit host state */					\
	X(HOST_ES_SELECTOR,			0x0c00)		\
	X(HOST_CS_SELECTOR,			0x0c02)		\
	X(HOST_SS_SELECTOR,			0x0c04)		\
	X(HOST_DS_SELECTOR,			0x0c06)		\
	X(HOST_FS_SELECTOR,			0x0c08)		\
	X(HOST_GS_SELECTOR,			0x0c0a)		\
	X(HOST_TR_SELECTOR,			0x0c0c)		\
	/* 64-bit control */					\
	X(IO_BITMAP_A_ADDR,			0x2000)		\
	X(IO_BITMAP_B_ADDR,			0x2002)		\
	X(MSR_BITMAP_ADDR,			0x2004)		\
	X(VM_EXIT_MSR_STORE_ADDR,		0x2006)		\
	X(VM_EXIT_MSR_LOAD_ADDR,		0x2008)		\
	X(VM_ENTRY_MSR_LOAD_ADDR,		0x200a)		\
	X(EXECUTIVE_VMCS_ADDR,			0x200c)		\
	X(PML_ADDR,				0x200e)		\
	X(TSC_OFFSET,				0x2010)		\
	X(VIRTUAL_APIC_PAGE_ADDR,		0x2012)		\
	X(APIC_ACCESS_ADDR,			0x2014)		\
	X(POSTED_INTR_DESC_ADDR,		0x2016)		\
	X(VM_FUNCTION_CONTROL,			0x2018)		\
	X(EPT_POINTER,				0x201a)		\
	X(EOI_EXIT_BITMAP0,			0x201c)		\
	X(EOI_EXIT_BITMAP1,			0x201e)		\
	X(EOI_EXIT_BITMAP2,			0x2020)		\
	X(EOI_EXIT_BITMAP3,			0x2022)		\
	X(EPTP_LIST_ADDR,			0x2024)		\
	X(VMREAD_BITMAP_ADDR,			0x2026)		\
	X(VMWRITE_BITMAP_ADDR,			0x2028)		\
	X(VE_INFO_ADDR,				0x202a)		\
	X(XSS_EXIT_BITMAP,			0x202c)		\
	X(ENCLS_EXITING_BITMAP,			0x202e)		\
	X(TSC_MULTIPLIER,			0x2032)		\
	/* 64-bit read-only data */				\
	X(GUEST_PHYSICAL_ADDRESS,		0x2400)		\
	/* 64-bit guest state */				\
	X(VMCS_LINK_POINTER,			0x2800)		\
	X(GUEST_IA32_DEBUGCTL,			0x2802)		\
	X(GUEST_IA32_PAT,			0x2804)		\
	X(GUEST_IA32_EFER,			0x2806)		\
	X(GUEST_IA32_PERF_GLOBAL_CTRL,		0x2808)		\
	X(GUEST_PDPTE0,				0x280a)		\
	X(GUEST_PDPTE1,				0x280c)		\
	X(GUEST_PDPTE2,				0x280e)		\
	X(GUEST_PDPTE3,				0x2810)		\
	X(GUEST_IA32_BNDCFGS,			0x2812)		\
	/* 64-bit host state */					\
	X(HOST_IA32_PAT,			0x2c00)		\
	X(HOST_IA32_EFER,			0x2c02)		\
	X(HOST_IA32_PERF_GLOBAL_CTRL,		0x2c04)		\
	/* 32-bit control */					\
	X(PIN_BASED_VM_EXEC_CONTROL,		0x4000)		\
	X(CPU_BASED_VM_EXEC_CONTROL,		0x4002)		\
	X(EXCEPTION_BITMAP,			0x4004)		\
	X(PAGE_FAULT_ERROR_CODE_MASK,		0x4006)		\
	X(PAGE_FAULT_ERROR_CODE_MATCH,		0x4008)		\
	X(CR3_TARGET_COUNT,			0x400a)		\
	X(VM_EXIT_CONTROLS,			0x400c)		\
	X(VM_EXIT_MSR_STORE_COUNT,		0x400e)		\
	X(VM_EXIT_MSR_LOAD_COUNT,		0x4010)		\
	X(VM_ENTRY_CONTROLS,			0x4012)		\
	X(VM_ENTRY_MSR_LOAD_COUNT,		0x4014)		\
	X(VM_ENTRY_INTR_INFO,			0x4016)		\
	X(VM_ENTRY_EXCEPTION_ERROR_CODE,	0x4018)		\
	X(VM_ENTRY_INSTRUCTION_LEN,		0x401a)		\
	X(TPR_THRESHOLD,			0x401c)		\
	X(SECONDARY_VM_EXEC_CONTROL,		0x401e)		\
	X(PLE_GAP,				0x4020)		\
	X(PLE_WINDOW,				0x4022)		\
	/* 32-bit read-only data */				\
	X(VM_INSTRUCTION_ERROR,			0x4400)		\
	X(VM_EXIT_REASON,			0x4402)		\
	X(VM_EXIT_INTR_INFO,			0x4404)		\
	X(VM_EXIT_INTR_ERROR_CODE,		0x4406)		\
	X(IDT_VECTORING_INFO,			0x4408)		\
	X(IDT_VECTORING_ERROR_CODE,		0x440a)		\
	X(VM_EXIT_INSTRUCTION_LEN,		0x440c)		\
	X(VMX_INSTRUCTION_INFO,			0x440e)		\
	/* 32-bit guest state */				\
	X(GUEST_ES_LIMIT,			0x4800)		\
	X(GUEST_CS_LIMIT,			0x4802)		\
	X(GUEST_SS_LIMIT,			0x4804)		\
	X(GUEST_DS_LIMIT,			0x4806)		\
	X(GUEST_FS_LIMIT,			0x4808)		\
	X(GUEST_GS_LIMIT,			0x480a)		\
	X(GUEST_LDTR_LIMIT,			0x480c)		\
	X(GUEST_TR_LIMIT,			0x480e)		\
	X(GUEST_GDTR_LIMIT,			0x4810)		\
	X(GUEST_IDTR_LIMIT,			0x4812)		\
	X(GUEST_ES_AR_BYTES,			0x4814)		\
	X(GUEST_CS_AR_BYTES,			0x4816)		\
	X(GUEST_SS_AR_BYTES,			0x4818)		\
	X(GUEST_DS_AR_BYTES,			0x481a)		\
	X(GUEST_FS_AR_BYTES,			0x481c)		\
	X(GUEST_GS_AR_BYTES,			0x481e)		\
	X(GUEST_LDTR_AR_BYTES,			0x4820)		\
	X(GUEST_TR_AR_BYTES,			0x4822)		\
	X(GUEST_INTERRUPTIBILITY_INFO,		0x4824)		\
	X(GUEST_ACTIVITY_STATE,			0x4826)		\
	X(GUEST_SMBASE,				0x4828)		\
	X(GUEST_SYSENTER_CS,			0x482a)		\
	X(VMX_PREEMPTION_TIMER_VALUE,		0x482e)		\
	/* 32-bit host state */					\
	X(HOST_IA32_SYSENTER_CS,		0x4c00)		\
	/* natural-width control */				\
	X(CR0_GUEST_HOST_MASK,			0x6000)		\
	X(CR4_GUEST_HOST_MASK,			0x6002)		\
	X(CR0_READ_SHADOW,			0x6004)		\
	X(CR4_READ_SHADOW,			0x6006)		\
	X(CR3_TARGET_VALUE0,			0x6008)		\
	X(CR3_TARGET_VALUE1,			0x600a)		\
	X(CR3_TARGET_VALUE2,			0x600c)		\
	X(CR3_TARGET_VALUE3,			0x600e)		\
	/* natural-width read-only data */			\
	X(EXIT_QUALIFICATION,			0x6400)		\
	X(IO_RCX,				0x6402)		\
	X(IO_RSI,				0x6404)		\
	X(IO_RDI,				0x6406)		\
	X(IO_RIP,				0x6408)		\
	X(GUEST_LINEAR_ADDRESS,			0x640a)		\
	/* natural-width guest state */				\
	X(GUEST_CR0,				0x6800)		\
	X(GUEST_CR3,				0x6802)		\
	X(GUEST_CR4,				0x6804)		\
	X(GUEST_ES_BASE,			0x6806)		\
	X(GUEST_CS_BASE,			0x6808)		\
	X(GUEST_SS_BASE,			0x680a)		\
	X(GUEST_DS_BASE,			0x680c)		\
	X(GUEST_FS_BASE,			0x680e)		\
	X(GUEST_GS_BASE,			0x6810)		\
	X(GUEST_LDTR_BASE,			0x6812)		\
	X(GUEST_TR_BASE,			0x6814)		\
	X(GUEST_GDTR_BASE,			0x6816)		\
	X(GUEST_IDTR_BASE,			0x6818)		\
	X(GUEST_DR7,				0x681a)		\
	X(GUEST_RSP,				0x681c)		\
	X(GUEST_RIP,				0x681e)		\
	X(GUEST_RFLAGS,				0x6820)		\
	X(GUEST_PENDING_DBG_EXCEPTIONS,		0x6822)		\
	X(GUEST_SYSENTER_ESP,			0x6824)		\
	X(GUEST_SYSENTER_EIP,			0x6826)		\
	/* natural-width host state */				\
	X(HOST_CR0,				0x6c00)		\
	X(HOST_CR3,				0x6c02)		\
	X(HOST_CR4,				0x6c04)		\
	X(HOST_FS_BASE,				0x6c06)		\
	X(HOST_GS_BASE,				0x6c08)		\
	X(HOST_TR_BASE,				0x6c0a)		\
	X(HOST_GDTR_BASE,			0x6c0c)		\
	X(HOST_IDTR_BASE,			0x6c0e)		\
	X(HOST_IA32_SYSENTER_ESP,		0x6c10)		\
	X(HOST_IA32_SYSENTER_EIP,		0x6c12)		\
	X(HOST_RSP,				0x6c14)		\
	X(HOST_RIP,				0x6c16)

#define VMCS_ENUM_ENTRY(name, enc)	VMCS_##name = (enc),

/* The VMCS field encodings: the only list of them. */
enum vmcs_field {
	VMCS_FIELDS(VMCS_ENUM_ENTRY)
};

/* Bits 14:13 of an encoding. */
enum vmcs_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3,
};

/* Bits 11:10 of an encoding. */
enum vmcs_type {
	VMCS_TYPE_CONTROL = 0,
	VMCS_TYPE_READ_ONLY = 1,	/* VM-exit information */
	VMCS_TYPE_GUEST = 2,
	VMCS_TYPE_HOST = 3,
};

#define VMCS_ENC_HIGH		BIT(0)
#define VMCS_ENC_INDEX_SHIFT	1
#define VMCS_ENC_INDEX_MASK	GENMASK(9, 1)
#define VMCS_ENC_TYPE_SHIFT	10
#define VMCS_ENC_TYPE_MASK	GENMASK(11, 10)
#define VMCS_ENC_WIDTH_SHIFT	13
#define VMCS_ENC_WIDTH_MASK	GENMASK(14, 13)
/* Bit 12 and bits 31:15 are reserved. */
#define VMCS_ENC_RESERVED	(BIT(12) | GENMASK(31, 15))

static inline enum vmcs_width vmcs_field_width(u32 enc)
{
	return (enc & VMCS_ENC_WIDTH_MASK) >> VMCS_ENC_WIDTH_SHIFT;
}

static inline enum vmcs_type vmcs_field_type(u32 enc)
{
	return (enc & VMCS_ENC_TYPE_MASK) >> VMCS_ENC_TYPE_SHIFT;
}

static inline unsigned int vmcs_field_index(u32 enc)
{
	return (enc & VMCS_ENC_INDEX_MASK) >> VMCS_ENC_INDEX_SHIFT;
}

/* Access to the upper 32 bits of a 64-bit field. */
static inline bool vmcs_field_is_high(u32 enc)
{
	return enc & VMCS_ENC_HIGH;
}

/* Only 64-bit fields have a high-access encoding. */
static inline bool vmcs_field_valid(u32 enc)
{
	if (enc & VMCS_ENC_RESERVED)
		return false;
	return !vmcs_field_is_high(enc) ||
	       vmcs_field_width(enc) == VMCS_WIDTH_64;
}

/* Size in bytes of a field on a 64-bit processor. */
static inline unsigned int vmcs_field_bytes(u32 enc)
{
	switch (vmcs_field_width(enc)) {
	case VMCS_WIDTH_16:
		return 2;
	case VMCS_WIDTH_32:
		return 4;
	default:
		return vmcs_field_is_high(enc) ? 4 : 8;
	}
}

/* ---- values of some fields (SDM Vol. 3C ch. 25, 27, 28; Vol. 3D C) ---- */

/* Pin-based VM-execution controls (25.6.1). */
#define PIN_EXT_INTR_EXITING		BIT(0)
#define PIN_NMI_EXITING			BIT(3)
#define PIN_VIRTUAL_NMIS		BIT(5)
#define PIN_PREEMPTION_TIMER		BIT(6)

/* Primary processor-based VM-execution controls (25.6.2). */
#define CPU_INTR_WINDOW_EXITING		BIT(2)
#define CPU_USE_TSC_OFFSETTING		BIT(3)
#define CPU_HLT_EXITING			BIT(7)
#define CPU_INVLPG_EXITING		BIT(9)
#define CPU_MWAIT_EXITING		BIT(10)
#define CPU_RDPMC_EXITING		BIT(11)
#define CPU_RDTSC_EXITING		BIT(12)
#define CPU_CR3_LOAD_EXITING		BIT(15)
#define CPU_CR3_STORE_EXITING		BIT(16)
#define CPU_CR8_LOAD_EXITING		BIT(19)
#define CPU_CR8_STORE_EXITING		BIT(20)
#define CPU_NMI_WINDOW_EXITING		BIT(22)
#define CPU_MOV_DR_EXITING		BIT(23)
#define CPU_UNCOND_IO_EXITING		BIT(24)
#define CPU_USE_IO_BITMAPS		BIT(25)
#define CPU_USE_MSR_BITMAPS		BIT(28)
#define CPU_MONITOR_EXITING		BIT(29)
#define CPU_SECONDARY_CONTROLS		BIT(31)

/* Secondary processor-based VM-execution controls (25.6.2). */
#define CPU2_ENABLE_EPT			BIT(1)
#define CPU2_DESC_TABLE_EXITING		BIT(2)
#define CPU2_ENABLE_RDTSCP		BIT(3)
#define CPU2_ENABLE_VPID		BIT(5)
#define CPU2_WBINVD_EXITING		BIT(6)
#define CPU2_UNRESTRICTED_GUEST		BIT(7)
#define CPU2_PAUSE_LOOP_EXITING		BIT(10)
#define CPU2_ENABLE_INVPCID		BIT(12)
#define CPU2_ENABLE_XSAVES		BIT(20)

/* VM-exit controls (25.7.1). */
#define EXIT_SAVE_DEBUG_CONTROLS	BIT(2)
#define EXIT_HOST_ADDR_SPACE_SIZE	BIT(9)
#define EXIT_LOAD_PERF_GLOBAL_CTRL	BIT(12)
#define EXIT_ACK_INTR_ON_EXIT		BIT(15)
#define EXIT_SAVE_IA32_PAT		BIT(18)
#define EXIT_LOAD_IA32_PAT		BIT(19)
#define EXIT_SAVE_IA32_EFER		BIT(20)
#define EXIT_LOAD_IA32_EFER		BIT(21)
#define EXIT_SAVE_PREEMPTION_TIMER	BIT(22)

/* VM-entry controls (25.8.1). */
#define ENTRY_LOAD_DEBUG_CONTROLS	BIT(2)
#define ENTRY_IA32E_MODE_GUEST		BIT(9)
#define ENTRY_LOAD_IA32_PAT		BIT(14)
#define ENTRY_LOAD_IA32_EFER		BIT(15)

/* Segment access rights (25.4.1, Table 25-2). */
#define VMX_AR_TYPE_MASK		GENMASK(3, 0)
#define VMX_AR_S			BIT(4)
#define VMX_AR_DPL_SHIFT		5
#define VMX_AR_DPL_MASK			GENMASK(6, 5)
#define VMX_AR_P			BIT(7)
#define VMX_AR_AVL			BIT(12)
#define VMX_AR_L			BIT(13)
#define VMX_AR_DB			BIT(14)
#define VMX_AR_G			BIT(15)
#define VMX_AR_UNUSABLE			BIT(16)

/* Interruption information: VM-entry, VM-exit, IDT-vectoring (25.8.3). */
#define INTR_INFO_VECTOR_MASK		GENMASK(7, 0)
#define INTR_INFO_TYPE_SHIFT		8
#define INTR_INFO_TYPE_MASK		GENMASK(10, 8)
#define INTR_INFO_DELIVER_CODE		BIT(11)
#define INTR_INFO_NMI_UNBLOCK_IRET	BIT(12)
#define INTR_INFO_VALID			BIT(31)

#define INTR_TYPE_EXT_INTR		0
#define INTR_TYPE_NMI			2
#define INTR_TYPE_HARD_EXCEPTION	3
#define INTR_TYPE_SOFT_INTR		4
#define INTR_TYPE_PRIV_SW_EXCEPTION	5
#define INTR_TYPE_SOFT_EXCEPTION	6
#define INTR_TYPE_OTHER			7

static inline unsigned int vmx_intr_type(u32 info)
{
	return (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
}

/* Guest interruptibility state (25.4.2). */
#define GUEST_INTR_STI_BLOCKING		BIT(0)
#define GUEST_INTR_MOVSS_BLOCKING	BIT(1)
#define GUEST_INTR_NMI_BLOCKING		BIT(3)

#define GUEST_ACTIVITY_ACTIVE		0

/* Exit reason (28.2.1): basic reason in bits 15:0, entry failure bit 31. */
#define EXIT_REASON_BASIC_MASK		GENMASK(15, 0)
#define EXIT_REASON_ENTRY_FAILURE	BIT(31)

/* Basic exit reasons (SDM Vol. 3D, Appendix C). */
enum vmx_exit_reason {
	EXIT_EXCEPTION_NMI		= 0,
	EXIT_EXTERNAL_INTERRUPT		= 1,
	EXIT_TRIPLE_FAULT		= 2,
	EXIT_INIT_SIGNAL		= 3,
	EXIT_SIPI			= 4,
	EXIT_IO_SMI			= 5,
	EXIT_OTHER_SMI			= 6,
	EXIT_INTERRUPT_WINDOW		= 7,
	EXIT_NMI_WINDOW			= 8,
	EXIT_TASK_SWITCH		= 9,
	EXIT_CPUID			= 10,
	EXIT_GETSEC			= 11,
	EXIT_HLT			= 12,
	EXIT_INVD			= 13,
	EXIT_INVLPG			= 14,
	EXIT_RDPMC			= 15,
	EXIT_RDTSC			= 16,
	EXIT_RSM			= 17,
	EXIT_VMCALL			= 18,
	EXIT_VMCLEAR			= 19,
	EXIT_VMLAUNCH			= 20,
	EXIT_VMPTRLD			= 21,
	EXIT_VMPTRST			= 22,
	EXIT_VMREAD			= 23,
	EXIT_VMRESUME			= 24,
	EXIT_VMWRITE			= 25,
	EXIT_VMXOFF			= 26,
	EXIT_VMXON			= 27,
	EXIT_CR_ACCESS			= 28,
	EXIT_DR_ACCESS			= 29,
	EXIT_IO_INSTRUCTION		= 30,
	EXIT_RDMSR			= 31,
	EXIT_WRMSR			= 32,
	EXIT_INVALID_GUEST_STATE	= 33,
	EXIT_MSR_LOADING		= 34,
	EXIT_MWAIT			= 36,
	EXIT_MONITOR_TRAP_FLAG		= 37,
	EXIT_MONITOR			= 39,
	EXIT_PAUSE			= 40,
	EXIT_MACHINE_CHECK		= 41,
	EXIT_TPR_BELOW_THRESHOLD	= 43,
	EXIT_APIC_ACCESS		= 44,
	EXIT_VIRTUALIZED_EOI		= 45,
	EXIT_GDTR_IDTR			= 46,
	EXIT_LDTR_TR			= 47,
	EXIT_EPT_VIOLATION		= 48,
	EXIT_EPT_MISCONFIG		= 49,
	EXIT_INVEPT			= 50,
	EXIT_RDTSCP			= 51,
	EXIT_PREEMPTION_TIMER		= 52,
	EXIT_INVVPID			= 53,
	EXIT_WBINVD			= 54,
	EXIT_XSETBV			= 55,
	EXIT_APIC_WRITE			= 56,
	EXIT_RDRAND			= 57,
	EXIT_INVPCID			= 58,
	EXIT_VMFUNC			= 59,
	EXIT_ENCLS			= 60,
	EXIT_RDSEED			= 61,
	EXIT_PML_FULL			= 62,
	EXIT_XSAVES			= 63,
	EXIT_XRSTORS			= 64,
	EXIT_REASON_MAX			= 64,
};

/* Exit qualification of I/O instructions (Table 28-5). */
#define IO_QUAL_SIZE_MASK		GENMASK(2, 0)	/* size - 1 */
#define IO_QUAL_IN			BIT(3)
#define IO_QUAL_STRING			BIT(4)
#define IO_QUAL_REP			BIT(5)
#define IO_QUAL_PORT_SHIFT		16
#define IO_QUAL_PORT_MASK		GENMASK(31, 16)

/* Exit qualification of control-register accesses (Table 28-3). */
#define CR_QUAL_NUM_MASK		GENMASK(3, 0)
#define CR_QUAL_TYPE_SHIFT		4
#define CR_QUAL_TYPE_MASK		GENMASK(5, 4)
#define CR_QUAL_GPR_SHIFT		8
#define CR_QUAL_GPR_MASK		GENMASK(11, 8)
#define CR_QUAL_LMSW_SRC_SHIFT		16
#define CR_TYPE_MOV_TO_CR		0
#define CR_TYPE_MOV_FROM_CR		1
#define CR_TYPE_CLTS			2
#define CR_TYPE_LMSW			3

/* VM-instruction error numbers (SDM Vol. 3C 31.4, Table 31-1). */
static inline const char *vmx_insn_error_name(u32 err)
{
	static const char * const names[] = {
		[1] = "VMCALL executed in VMX root operation",
		[2] = "VMCLEAR with invalid physical address",
		[3] = "VMCLEAR with VMXON pointer",
		[4] = "VMLAUNCH with non-clear VMCS",
		[5] = "VMRESUME with non-launched VMCS",
		[6] = "VMRESUME after VMXOFF",
		[7] = "entry with invalid control fields",
		[8] = "entry with invalid host-state fields",
		[9] = "VMPTRLD with invalid physical address",
		[10] = "VMPTRLD with VMXON pointer",
		[11] = "VMPTRLD with incorrect VMCS revision identifier",
		[12] = "VMREAD/VMWRITE of unsupported VMCS component",
		[13] = "VMWRITE to read-only VMCS component",
		[15] = "VMXON executed in VMX root operation",
		[16] = "entry with invalid executive-VMCS pointer",
		[17] = "entry with non-launched executive VMCS",
		[18] = "entry with executive-VMCS pointer not VMXON pointer",
		[19] = "VMCALL with non-clear VMCS",
		[20] = "VMCALL with invalid VM-exit control fields",
		[22] = "VMCALL with incorrect MSEG revision identifier",
		[23] = "VMXOFF under dual-monitor treatment",
		[24] = "VMCALL with invalid SMM-monitor features",
		[25] = "entry with invalid VM-execution control fields in executive VMCS",
		[26] = "entry with events blocked by MOV SS",
		[28] = "invalid operand to INVEPT/INVVPID",
	};

	if (err < ARRAY_SIZE(names) && names[err])
		return names[err];
	return "unknown VM-instruction error";
}

#endif /* MINIVMM_VMX_VMCS_H */
