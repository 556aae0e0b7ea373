/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VT-x backend internals, shared by the vmx/ sources only.
 */
#ifndef MINIVMM_VMX_VMX_H
#define MINIVMM_VMX_VMX_H

#include <linux/list.h>
#include <linux/types.h>
#include <asm/asm.h>
#include "minivmm.h"
#include "vmx/caps.h"
#include "vmx/vmcs.h"

/* A VM: the core's object first (the core allocates vm_size bytes). */
struct vmx_vm {
	struct mv_vm base;
	u16 vpid;		/* vm_init; const; 0 = VPID not used */
};

/*
 * Guest MSRs the VMCS has no field for and the CPU does not switch.  All of
 * them are intercepted; the guest's values live here and are loaded around
 * each entry (vmx_enter()), because SWAPGS and SYSCALL use them without an
 * exit.
 */
struct vmx_guest_msrs {
	u64 kernel_gs_base;
	u64 star, lstar, cstar, sfmask;
};

/*
 * A vCPU.  Its VMCS is active on at most one CPU (@cpu): it is on that
 * CPU's list of loaded VMCSs, and only that CPU VMCLEARs it (from an IPI,
 * from cpu_disable or vcpu_destroy).  @cpu, @launched and @loaded_node are
 * changed only on the CPU that holds the VMCS, with interrupts off.
 */
struct vmx_vcpu {
	struct mv_vcpu base;
	void *vmcs;		/* vcpu_init; one page */
	u64 vmcs_pa;		/* const */
	int cpu;		/* CPU holding the VMCS active, -1 if none */
	bool launched;		/* VMLAUNCH done since the last VMCLEAR */
	bool flush;		/* INVEPT/INVVPID before the next entry */
	struct list_head loaded_node;	/* that CPU's vmx_loaded_vmcss */

	/* Guest state the CPU does not switch or we keep in software. */
	u64 efer;		/* copy of GUEST_IA32_EFER */
	u64 pat;		/* IA32_PAT (also in the VMCS if load_pat) */
	u64 cr2;		/* CR2 is not in the VMCS: switched by hand */
	struct vmx_guest_msrs msrs;

	/* The last exit, read right after it (preemption off). */
	u32 exit_reason;
	u32 exit_intr_info;
	u32 exit_insn_len;
	u32 idt_info;
	u32 idt_error;
	u64 exit_qual;
	u64 exit_gpa;
	u64 exit_rip;		/* RIP at the exit, to spot skipped insns */
	u64 guest_cr0;		/* guest-visible CR0 at the exit */

	/* Event for the next entry (VM_ENTRY_INTR_INFO), 0 = none. */
	u32 pending_event;
	u32 pending_error;
	u32 pending_len;
};

static inline struct vmx_vm *to_vmx_vm(struct mv_vm *vm)
{
	return container_of(vm, struct vmx_vm, base);
}

static inline struct vmx_vcpu *to_vmx(struct mv_vcpu *vcpu)
{
	return container_of(vcpu, struct vmx_vcpu, base);
}

/* ---- VMX instructions -------------------------------------------------- */

/* VMREAD of the current VMCS; 0 if the field does not exist (VMfail). */
static __always_inline u64 vmcs_read(enum vmcs_field field)
{
	u64 val;

	asm volatile("vmread %[field], %[val]\n\t"
		     "jnbe 1f\n\t"
		     "xor %k[val], %k[val]\n"
		     "1:"
		     : [val] "=&r" (val)
		     : [field] "r" ((u64)field)
		     : "cc");
	return val;
}

void vmcs_write_error(enum vmcs_field field, u64 val);

static __always_inline void vmcs_write(enum vmcs_field field, u64 val)
{
	asm goto("vmwrite %[val], %[field]\n\t"
		 "jbe %l[fail]"
		 : : [field] "r" ((u64)field), [val] "rm" (val)
		 : "cc" : fail);
	return;
fail:
	vmcs_write_error(field, val);
}

static inline u32 vmcs_read32(enum vmcs_field field)
{
	return (u32)vmcs_read(field);
}

/* 0 on success, -EIO on VMfail. */
static inline int vmx_vmclear(u64 pa)
{
	asm goto("vmclear %[pa]\n\t"
		 "jbe %l[fail]"
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

static inline int vmx_vmptrld(u64 pa)
{
	asm goto("vmptrld %[pa]\n\t"
		 "jbe %l[fail]"
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/* ---- shared state and functions --------------------------------------- */

/* vmx.c: set at load, read-only afterwards. */
extern struct vmx_caps vmx_caps;

/* Control values and facts computed once by vmx_setup_controls(). */
struct vmx_config {
	u32 pin, cpu, cpu2, exit, entry;
	u64 msr_bitmap_pa;
	u64 ept_vpid_cap;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool preempt_timer;	/* the preemption timer bounds entries */
	u32 preempt_rate;	/* its tick is the TSC's >> this */
	bool vpid, load_pat;
	bool l1d_flush;		/* L1TF: flush L1D before every entry */
	const char *error;	/* why vcpu_init must fail, or NULL */
};
extern struct vmx_config vmx_config;

/* IA32_VMX_EPT_VPID_CAP bits (Vol. 3D A.10). */
#define VMX_EPT_CAP_INVEPT		BIT_ULL(20)
#define VMX_EPT_CAP_INVEPT_SINGLE	BIT_ULL(25)
#define VMX_EPT_CAP_INVEPT_ALL		BIT_ULL(26)
#define VMX_VPID_CAP_INVVPID		BIT_ULL(32)
#define VMX_VPID_CAP_INVVPID_SINGLE	BIT_ULL(41)
#define VMX_VPID_CAP_INVVPID_ALL	BIT_ULL(42)

/*
 * PAUSE-loop exiting, in TSC cycles: PAUSEs at most PLE_GAP apart are one
 * loop, and a loop longer than PLE_WINDOW exits (the values KVM starts
 * with: a lock held for a few microseconds does not make its waiters exit).
 */
#define VMX_PLE_GAP			128
#define VMX_PLE_WINDOW			4096

/* vmx.c: per-CPU list of the VMCSs active on a CPU. */
void vmx_vcpu_track(struct vmx_vcpu *vmx);
void vmx_vcpu_clear_here(struct vmx_vcpu *vmx);
void vmx_set_current(struct vmx_vcpu *vmx);
struct vmx_vcpu *vmx_get_current(void);

/* nmi.c */
void vmx_sync_nmi(struct vmx_vcpu *vmx);
void vmx_nmi_after_exit(struct vmx_vcpu *vmx);
enum mv_exit_action vmx_exit_nmi_window(struct vmx_vcpu *vmx);

/* vcpu.c */
int vmx_vm_init(struct mv_vm *vm);
void vmx_vm_destroy(struct mv_vm *vm);
int vmx_vcpu_init(struct mv_vcpu *vcpu);
void vmx_vcpu_destroy(struct mv_vcpu *vcpu);
enum mv_exit_action vmx_vcpu_run(struct mv_vcpu *vcpu);
void vmx_get_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st,
		   u32 mask);
int vmx_set_state(struct mv_vcpu *vcpu, const struct minivmm_vcpu_state *st,
		  u32 mask);
void vmx_state_limits(struct mv_state_limits *lim);
int vmx_get_msr(struct mv_vcpu *vcpu, u32 msr, u64 *val);
int vmx_set_msr(struct mv_vcpu *vcpu, u32 msr, u64 val);
void vmx_inject_exception(struct mv_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code);
/* VMCS loaded here: write CR0/CR4 with their fixed bits and shadows. */
int vmx_write_cr0(struct vmx_vcpu *vmx, u64 cr0);
int vmx_write_cr4(struct vmx_vcpu *vmx, u64 cr4);
void vmx_queue_exception(struct vmx_vcpu *vmx, u8 vector, bool has_error,
			 u32 error_code);

/* For exit handlers (preemptible): make the VMCS current, then put it. */
int vmx_with_vmcs(struct vmx_vcpu *vmx);
void vmx_done_vmcs(void);

/*
 * ERROR_RAW of an internal error when VMLAUNCH/VMRESUME itself failed
 * (there is no exit reason then): bit 31 as for a VM-entry failure, bit 30
 * to tell it apart from exit reasons, and for VMfailValid the
 * VM-instruction error number in the low bits; VMfailInvalid sets bit 29.
 */
#define VMX_RAW_VMFAIL_VALID	(BIT(31) | BIT(30))
#define VMX_RAW_VMFAIL_INVALID	(BIT(31) | BIT(30) | BIT(29))

/* exit.c: preemption on. */
enum mv_exit_action vmx_handle_exit(struct vmx_vcpu *vmx);
bool vmx_exit_fast(struct vmx_vcpu *vmx);

/*
 * entry.S: one VMLAUNCH (@launched false) or VMRESUME with the guest GPRs
 * but RSP from/to @gprs (enum minivmm_gpr).  Writes HOST_RSP itself.
 * Returns 0 after a VM exit, VMX_ENTRY_FAIL_VALID or _INVALID on VMfail.
 */
#define VMX_ENTRY_FAIL_VALID	1
#define VMX_ENTRY_FAIL_INVALID	2
/* vmx_enter() only: the entry was called off (mv_vcpu_enter_guest_mode()). */
#define VMX_ENTRY_CANCELLED	3
/* The last exit was answered on the short path: nothing left to handle. */
#define VMX_ENTRY_ANSWERED	4
int mv_vmx_vmrun(u64 *gprs, bool launched);
/* The VM-exit label inside mv_vmx_vmrun: HOST_RIP. */
extern const char mv_vmx_vmexit[];

#endif /* MINIVMM_VMX_VMX_H */
