/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AMD-V virtual machine control block (APM Vol. 2, Appendix B): a 4 KiB
 * page with the control area at 0x000 and the state save area at 0x400.
 * Offsets in the comments are from the start of the VMCB.
 */
#ifndef MINIVMM_SVM_VMCB_H
#define MINIVMM_SVM_VMCB_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Control register intercepts, control area 0x000. */
#define SVM_CR_WRITE(n)		BIT(16 + (n))

/* Intercept vector 3, control area 0x00c. */
enum svm_intercept3 {
	SVM_I3_INTR		= BIT(0),
	SVM_I3_NMI		= BIT(1),
	SVM_I3_SMI		= BIT(2),
	SVM_I3_INIT		= BIT(3),
	SVM_I3_VINTR		= BIT(4),
	SVM_I3_RDTSC		= BIT(14),
	SVM_I3_RDPMC		= BIT(15),
	SVM_I3_CPUID		= BIT(18),
	SVM_I3_IRET		= BIT(20),
	SVM_I3_INVD		= BIT(22),
	SVM_I3_PAUSE		= BIT(23),
	SVM_I3_HLT		= BIT(24),
	SVM_I3_INVLPG		= BIT(25),
	SVM_I3_INVLPGA		= BIT(26),
	SVM_I3_IOIO_PROT	= BIT(27),
	SVM_I3_MSR_PROT		= BIT(28),
	SVM_I3_TASK_SWITCH	= BIT(29),
	SVM_I3_SHUTDOWN		= BIT(31),
};

/* Intercept vector 4, control area 0x010. */
enum svm_intercept4 {
	SVM_I4_VMRUN		= BIT(0),
	SVM_I4_VMMCALL		= BIT(1),
	SVM_I4_VMLOAD		= BIT(2),
	SVM_I4_VMSAVE		= BIT(3),
	SVM_I4_STGI		= BIT(4),
	SVM_I4_CLGI		= BIT(5),
	SVM_I4_SKINIT		= BIT(6),
	SVM_I4_RDTSCP		= BIT(7),
	SVM_I4_ICEBP		= BIT(8),
	SVM_I4_WBINVD		= BIT(9),
	SVM_I4_MONITOR		= BIT(10),
	SVM_I4_MWAIT		= BIT(11),
	SVM_I4_MWAIT_COND	= BIT(12),
	SVM_I4_XSETBV		= BIT(13),
	SVM_I4_RDPRU		= BIT(14),
};

/* Exit codes (EXITCODE, control area 0x070). */
enum svm_exit_code {
	SVM_EXIT_CR0_READ	= 0x00,	/* 0x00-0x0f: CRn reads */
	SVM_EXIT_CR0_WRITE	= 0x10,	/* 0x10-0x1f: CRn writes */
	SVM_EXIT_DR0_READ	= 0x20,	/* 0x20-0x2f: DRn reads */
	SVM_EXIT_DR0_WRITE	= 0x30,	/* 0x30-0x3f: DRn writes */
	SVM_EXIT_EXCP_BASE	= 0x40,	/* 0x40-0x5f: exception vector n */
	SVM_EXIT_EXCP_LAST	= 0x5f,
	SVM_EXIT_INTR		= 0x60,
	SVM_EXIT_NMI		= 0x61,
	SVM_EXIT_SMI		= 0x62,
	SVM_EXIT_INIT		= 0x63,
	SVM_EXIT_VINTR		= 0x64,
	SVM_EXIT_CR0_SEL_WRITE	= 0x65,
	SVM_EXIT_IDTR_READ	= 0x66,
	SVM_EXIT_GDTR_READ	= 0x67,
	SVM_EXIT_LDTR_READ	= 0x68,
	SVM_EXIT_TR_READ	= 0x69,
	SVM_EXIT_IDTR_WRITE	= 0x6a,
	SVM_EXIT_GDTR_WRITE	= 0x6b,
	SVM_EXIT_LDTR_WRITE	= 0x6c,
	SVM_EXIT_TR_WRITE	= 0x6d,
	SVM_EXIT_RDTSC		= 0x6e,
	SVM_EXIT_RDPMC		= 0x6f,
	SVM_EXIT_PUSHF		= 0x70,
	SVM_EXIT_POPF		= 0x71,
	SVM_EXIT_CPUID		= 0x72,
	SVM_EXIT_RSM		= 0x73,
	SVM_EXIT_IRET		= 0x74,
	SVM_EXIT_SWINT		= 0x75,
	SVM_EXIT_INVD		= 0x76,
	SVM_EXIT_PAUSE		= 0x77,
	SVM_EXIT_HLT		= 0x78,
	SVM_EXIT_INVLPG		= 0x79,
	SVM_EXIT_INVLPGA	= 0x7a,
	SVM_EXIT_IOIO		= 0x7b,
	SVM_EXIT_MSR		= 0x7c,
	SVM_EXIT_TASK_SWITCH	= 0x7d,
	SVM_EXIT_FERR_FREEZE	= 0x7e,
	SVM_EXIT_SHUTDOWN	= 0x7f,
	SVM_EXIT_VMRUN		= 0x80,
	SVM_EXIT_VMMCALL	= 0x81,
	SVM_EXIT_VMLOAD		= 0x82,
	SVM_EXIT_VMSAVE		= 0x83,
	SVM_EXIT_STGI		= 0x84,
	SVM_EXIT_CLGI		= 0x85,
	SVM_EXIT_SKINIT		= 0x86,
	SVM_EXIT_RDTSCP		= 0x87,
	SVM_EXIT_ICEBP		= 0x88,
	SVM_EXIT_WBINVD		= 0x89,
	SVM_EXIT_MONITOR	= 0x8a,
	SVM_EXIT_MWAIT		= 0x8b,
	SVM_EXIT_MWAIT_COND	= 0x8c,
	SVM_EXIT_XSETBV		= 0x8d,
	SVM_EXIT_RDPRU		= 0x8e,
	SVM_EXIT_EFER_WRITE_TRAP = 0x8f,
	SVM_EXIT_CR0_WRITE_TRAP	= 0x90,	/* 0x90-0x9f: CRn write traps */
	SVM_EXIT_TABLE_SIZE	= 0xa0,	/* our dispatch table covers 0..0x9f */
	SVM_EXIT_NPF		= 0x400,
};

/*
 * VMEXIT_INVALID is -1 as a 64-bit value, but QEMU 7.2's TCG writes only
 * the low 32 bits: accept both.
 */
#define SVM_EXIT_INVALID	(~0ULL)
#define SVM_EXIT_INVALID32	0xffffffffULL

static inline bool svm_exit_is_invalid(u64 code)
{
	return code == SVM_EXIT_INVALID || code == SVM_EXIT_INVALID32;
}

/* TLB_CONTROL, control area 0x05c. */
#define SVM_TLB_CONTROL_NONE		0
#define SVM_TLB_CONTROL_FLUSH_ALL	1	/* every ASID, this CPU */

/* Interrupt control (V_INTR fields), control area 0x060. */
#define SVM_INT_CTL_V_TPR_MASK		GENMASK_ULL(3, 0)	/* guest CR8 */
#define SVM_INT_CTL_V_IRQ		BIT_ULL(8)
#define SVM_INT_CTL_V_INTR_PRIO_SHIFT	16
#define SVM_INT_CTL_V_IGN_TPR		BIT_ULL(20)
#define SVM_INT_CTL_V_INTR_MASKING	BIT_ULL(24)
/* INTERRUPT_SHADOW, control area 0x068. */
#define SVM_INT_STATE_SHADOW		BIT_ULL(0)

/* NP_ENABLE, control area 0x090. */
#define SVM_NP_ENABLE			BIT_ULL(0)

/*
 * EVENTINJ (0x0a8) and EXITINTINFO (0x088) share one encoding: vector in
 * 7:0, type in 10:8, EV (error code valid) 11, V (valid) 31, error code in
 * 63:32.
 */
#define SVM_EVT_VECTOR_MASK		GENMASK_ULL(7, 0)
#define SVM_EVT_TYPE_SHIFT		8
#define SVM_EVT_TYPE_MASK		GENMASK_ULL(10, 8)
#define SVM_EVT_TYPE_INTR		(0ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_NMI		(2ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_EXCEPTION		(3ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_SOFT_INT		(4ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_EV			BIT_ULL(11)
#define SVM_EVT_VALID			BIT_ULL(31)
#define SVM_EVT_ERROR_SHIFT		32

/* EXITINFO1 of an IOIO intercept (APM Vol. 2, "IOIO Intercepts"). */
#define SVM_IOIO_TYPE_IN		BIT_ULL(0)
#define SVM_IOIO_STR			BIT_ULL(2)
#define SVM_IOIO_REP			BIT_ULL(3)
#define SVM_IOIO_SZ8			BIT_ULL(4)
#define SVM_IOIO_SZ16			BIT_ULL(5)
#define SVM_IOIO_SZ32			BIT_ULL(6)
#define SVM_IOIO_PORT_SHIFT		16
#define SVM_IOIO_PORT_MASK		GENMASK_ULL(31, 16)

/* Segment attributes: the descriptor's bits 55:52 and 47:40, packed. */
#define SVM_ATTR_TYPE_MASK		0x000f
#define SVM_ATTR_S			BIT(4)
#define SVM_ATTR_DPL_SHIFT		5
#define SVM_ATTR_DPL_MASK		(3 << SVM_ATTR_DPL_SHIFT)
#define SVM_ATTR_P			BIT(7)
#define SVM_ATTR_AVL			BIT(8)
#define SVM_ATTR_L			BIT(9)
#define SVM_ATTR_DB			BIT(10)
#define SVM_ATTR_G			BIT(11)

/* Sizes of the permission maps (APM Vol. 2, "I/O and MSR Intercepts"). */
#define SVM_IOPM_SIZE			(12 * 1024)
#define SVM_MSRPM_SIZE			(8 * 1024)

struct vmcb_control {
	u32 intercept_cr;		/* 0x000: 15:0 reads, 31:16 writes */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept3;			/* 0x00c: enum svm_intercept3 */
	u32 intercept4;			/* 0x010: enum svm_intercept4 */
	u32 intercept5;			/* 0x014 */
	u8 reserved_018[0x03c - 0x018];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 asid;			/* 0x058 */
	u8 tlb_control;			/* 0x05c */
	u8 reserved_05d[3];
	u64 int_ctl;			/* 0x060: V_TPR, V_IRQ, V_INTR_MASKING.. */
	u64 int_state;			/* 0x068: bit 0 interrupt shadow */
	u64 exit_code;			/* 0x070 */
	u64 exit_info1;			/* 0x078 */
	u64 exit_info2;			/* 0x080 */
	u64 exit_int_info;		/* 0x088 */
	u64 np_ctl;			/* 0x090: bit 0 NP_ENABLE */
	u64 avic_apic_bar;		/* 0x098 */
	u64 ghcb_pa;			/* 0x0a0 */
	u64 event_inj;			/* 0x0a8 */
	u64 n_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8: LBR virt., VMSAVE/VMLOAD virt. */
	u32 clean;			/* 0x0c0 */
	u32 reserved_0c4;
	u64 next_rip;			/* 0x0c8: with NRIP save only */
	u8 insn_len;			/* 0x0d0: with decode assists only */
	u8 insn_bytes[15];		/* 0x0d1 */
	u8 reserved_0e0[0x400 - 0x0e0];
} __packed;

struct vmcb_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;

struct vmcb_save {
	struct vmcb_seg es;		/* 0x400 */
	struct vmcb_seg cs;		/* 0x410 */
	struct vmcb_seg ss;		/* 0x420 */
	struct vmcb_seg ds;		/* 0x430 */
	struct vmcb_seg fs;		/* 0x440 */
	struct vmcb_seg gs;		/* 0x450 */
	struct vmcb_seg gdtr;		/* 0x460 */
	struct vmcb_seg ldtr;		/* 0x470 */
	struct vmcb_seg idtr;		/* 0x480 */
	struct vmcb_seg tr;		/* 0x490 */
	u8 reserved_4a0[0x4cb - 0x4a0];
	u8 cpl;				/* 0x4cb */
	u32 reserved_4cc;
	u64 efer;			/* 0x4d0 */
	u8 reserved_4d8[0x548 - 0x4d8];
	u64 cr4;			/* 0x548 */
	u64 cr3;			/* 0x550 */
	u64 cr0;			/* 0x558 */
	u64 dr7;			/* 0x560 */
	u64 dr6;			/* 0x568 */
	u64 rflags;			/* 0x570 */
	u64 rip;			/* 0x578 */
	u8 reserved_580[0x5d8 - 0x580];
	u64 rsp;			/* 0x5d8 */
	u64 s_cet;			/* 0x5e0 */
	u64 ssp;			/* 0x5e8 */
	u64 isst_addr;			/* 0x5f0 */
	u64 rax;			/* 0x5f8 */
	u64 star;			/* 0x600 */
	u64 lstar;			/* 0x608 */
	u64 cstar;			/* 0x610 */
	u64 sfmask;			/* 0x618 */
	u64 kernel_gs_base;		/* 0x620 */
	u64 sysenter_cs;		/* 0x628 */
	u64 sysenter_esp;		/* 0x630 */
	u64 sysenter_eip;		/* 0x638 */
	u64 cr2;			/* 0x640 */
	u8 reserved_648[0x668 - 0x648];
	u64 g_pat;			/* 0x668 */
	u64 dbgctl;			/* 0x670 */
	u64 br_from;			/* 0x678 */
	u64 br_to;			/* 0x680 */
	u64 last_excp_from;		/* 0x688 */
	u64 last_excp_to;		/* 0x690 */
	u8 reserved_698[0x1000 - 0x698];
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

#define VMCB_CHECK(field, off) \
	static_assert(offsetof(struct vmcb, field) == (off))

VMCB_CHECK(control.intercept3, 0x00c);
VMCB_CHECK(control.intercept4, 0x010);
VMCB_CHECK(control.iopm_base_pa, 0x040);
VMCB_CHECK(control.msrpm_base_pa, 0x048);
VMCB_CHECK(control.asid, 0x058);
VMCB_CHECK(control.tlb_control, 0x05c);
VMCB_CHECK(control.int_ctl, 0x060);
VMCB_CHECK(control.exit_code, 0x070);
VMCB_CHECK(control.exit_info1, 0x078);
VMCB_CHECK(control.exit_info2, 0x080);
VMCB_CHECK(control.exit_int_info, 0x088);
VMCB_CHECK(control.np_ctl, 0x090);
VMCB_CHECK(control.event_inj, 0x0a8);
VMCB_CHECK(control.n_cr3, 0x0b0);
VMCB_CHECK(control.clean, 0x0c0);
VMCB_CHECK(control.next_rip, 0x0c8);
VMCB_CHECK(save.es, 0x400);
VMCB_CHECK(save.cs, 0x410);
VMCB_CHECK(save.ss, 0x420);
VMCB_CHECK(save.ds, 0x430);
VMCB_CHECK(save.fs, 0x440);
VMCB_CHECK(save.gs, 0x450);
VMCB_CHECK(save.gdtr, 0x460);
VMCB_CHECK(save.ldtr, 0x470);
VMCB_CHECK(save.idtr, 0x480);
VMCB_CHECK(save.tr, 0x490);
VMCB_CHECK(save.cpl, 0x4cb);
VMCB_CHECK(save.efer, 0x4d0);
VMCB_CHECK(save.cr4, 0x548);
VMCB_CHECK(save.cr3, 0x550);
VMCB_CHECK(save.cr0, 0x558);
VMCB_CHECK(save.dr7, 0x560);
VMCB_CHECK(save.dr6, 0x568);
VMCB_CHECK(save.rflags, 0x570);
VMCB_CHECK(save.rip, 0x578);
VMCB_CHECK(save.rsp, 0x5d8);
VMCB_CHECK(save.rax, 0x5f8);
VMCB_CHECK(save.star, 0x600);
VMCB_CHECK(save.kernel_gs_base, 0x620);
VMCB_CHECK(save.sysenter_eip, 0x638);
VMCB_CHECK(save.cr2, 0x640);
VMCB_CHECK(save.g_pat, 0x668);
static_assert(sizeof(struct vmcb_seg) == 16);
static_assert(sizeof(struct vmcb_control) == 0x400);
static_assert(sizeof(struct vmcb) == 4096);

#endif /* MINIVMM_SVM_VMCB_H */
