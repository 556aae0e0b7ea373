/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AMD-V backend internals, shared by the svm/ sources only.
 */
#ifndef MINIVMM_SVM_SVM_H
#define MINIVMM_SVM_SVM_H

#include <linux/irq_work.h>
#include <linux/types.h>
#include "minivmm.h"
#include "svm/caps.h"
#include "svm/vmcb.h"

/* PAUSEs before an exit (the count KVM starts with: about 3000 PAUSEs
 * of one spin; a lock held for microseconds does not make waiters exit).
 */
#define SVM_PAUSE_FILTER_COUNT	3000

/* A VM: the core's object first (the core allocates vm_size bytes). */
struct svm_vm {
	struct mv_vm base;
	u32 asid;		/* vm_init; const; never 0 */
	bool asid_owned;	/* asid came from the IDA (else shared 1) */
};

/* A vCPU; touched only by its thread while the VM runs. */
struct svm_vcpu {
	struct mv_vcpu base;
	struct vmcb *vmcb;	/* vcpu_init; zeroed page */
	u64 vmcb_pa;		/* const */
	int last_cpu;		/* CPU of the last VMRUN, -1 before the first */
	struct irq_work exit_soon;	/* see svm_exit_after_injection() */
	/* The guest's NMI blocking, kept by us (svm/nmi.c). */
	bool nmi_masked;	/* an NMI handler runs */
	bool iret_pending;	/* its IRET at iret_rip was intercepted */
	bool nmi_step;		/* that IRET is single-stepped (TF set) */
	bool nmi_step_guest_tf;	/* the guest had TF set itself then */
	u64 iret_rip;
};

static inline struct svm_vm *to_svm_vm(struct mv_vm *vm)
{
	return container_of(vm, struct svm_vm, base);
}

static inline struct svm_vcpu *to_svm(struct mv_vcpu *vcpu)
{
	return container_of(vcpu, struct svm_vcpu, base);
}

/* svm.c: facts and global maps, set up at load, read-only afterwards. */
extern struct svm_caps svm_caps;
extern u64 svm_iopm_pa, svm_msrpm_pa;
/* Host save page for VMSAVE/VMLOAD of this CPU; preemption off. */
u64 svm_host_save_pa(void);

/* vcpu.c */
int svm_vm_init(struct mv_vm *vm);
void svm_vm_destroy(struct mv_vm *vm);
int svm_vcpu_init(struct mv_vcpu *vcpu);
void svm_vcpu_destroy(struct mv_vcpu *vcpu);
enum mv_exit_action svm_vcpu_run(struct mv_vcpu *vcpu);
void svm_get_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st,
		   u32 mask);
int svm_set_state(struct mv_vcpu *vcpu, const struct minivmm_vcpu_state *st,
		  u32 mask);
void svm_state_limits(struct mv_state_limits *lim);
int svm_get_msr(struct mv_vcpu *vcpu, u32 msr, u64 *val);
int svm_set_msr(struct mv_vcpu *vcpu, u32 msr, u64 val);
void svm_clear_irq_window(struct svm_vcpu *svm);
int svm_write_cr4(struct svm_vcpu *svm, u64 cr4);
void svm_inject_exception(struct mv_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code);

/* exit.c */
enum mv_exit_action svm_handle_exit(struct svm_vcpu *svm);
/* GIF clear: answer the exit on the short path; false: not done. */
bool svm_exit_fast(struct svm_vcpu *svm);

/* nmi.c */
void svm_sync_nmi(struct svm_vcpu *svm);
void svm_nmi_after_exit(struct svm_vcpu *svm);
enum mv_exit_action svm_exit_iret(struct svm_vcpu *svm);
bool svm_nmi_step_done(struct svm_vcpu *svm);
void svm_nmi_get_state(struct svm_vcpu *svm, struct minivmm_state_events *e);
void svm_nmi_set_state(struct svm_vcpu *svm,
		       const struct minivmm_state_events *e);

/* entry.S: one VMRUN with guest GPRs from/to @gprs (enum minivmm_gpr). */
void mv_svm_vmrun(u64 vmcb_pa, u64 *gprs, u64 host_save_pa);

#endif /* MINIVMM_SVM_SVM_H */
