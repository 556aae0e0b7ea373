// SPDX-License-Identifier: GPL-2.0
/*
 * NMIs for AMD-V guests: injection and the NMI blocking that lasts until
 * the handler's IRET (APM Vol. 2, 15.20 and 8.2.2 "NMI").
 *
 * Without vNMI (QEMU 7.2 has none) the CPU does not track a guest's NMI
 * blocking, so we do: injecting an NMI masks further ones and turns on the
 * IRET intercept.  That intercept comes before the IRET runs, so the
 * handler is still running: a pending NMI must wait until the IRET has
 * completed, and must then be delivered at once, with the IRET's target
 * as its return address (kvm-unit-tests' eventinj checks exactly that).
 * So when an NMI is pending at the intercepted IRET, the IRET is
 * single-stepped (RFLAGS.TF, #DB is always intercepted): its trap is the
 * exit after which the NMI goes in.  Without a pending NMI nothing is
 * stepped; the next exit at another RIP ends the blocking.
 *
 * All of this is per vCPU, vCPU thread only; the latched NMI itself is
 * the core's (vcpu->nmi_pending, kmod/smp.c).
 */
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include "svm/svm.h"

/* The IRET we intercepted has run (RIP moved on): the handler is over. */
static void svm_nmi_check_iret(struct svm_vcpu *svm)
{
	if (svm->iret_pending && svm->vmcb->save.rip != svm->iret_rip) {
		svm->iret_pending = false;
		svm->nmi_masked = false;
	}
}

/*
 * Right before VMRUN, interrupts off, after svm_sync_irq() (which may have
 * injected an interrupt, and whose sources include LINT0 in NMI mode): an
 * NMI then waits for the exit right after that delivery, and its handler
 * runs first, as if it had been taken first.
 */
void svm_sync_nmi(struct svm_vcpu *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_control *c = &vmcb->control;

	svm_nmi_check_iret(svm);
	if (svm->nmi_step)	/* TF is ours, not in vcpu->rflags */
		vmcb->save.rflags |= X86_EFLAGS_TF;
	if (!mv_nmi_pending(&svm->base))
		return;
	if (!svm->nmi_masked) {
		if (c->event_inj & SVM_EVT_VALID) {
			/* That event first, then an exit to inject ours. */
			irq_work_queue(&svm->exit_soon);
			return;
		}
		c->event_inj = X86_TRAP_NMI | SVM_EVT_TYPE_NMI | SVM_EVT_VALID;
		mv_nmi_accept(&svm->base);
		svm->nmi_masked = true;
		c->intercept3 |= SVM_I3_IRET;
		return;
	}
	if (svm->iret_pending && !svm->nmi_step) {
		svm->nmi_step = true;
		svm->nmi_step_guest_tf = vmcb->save.rflags & X86_EFLAGS_TF;
		vmcb->save.rflags |= X86_EFLAGS_TF;
	}
}

/* After the exit, svm_regs_from_vmcb() done: hide our TF from the core. */
void svm_nmi_after_exit(struct svm_vcpu *svm)
{
	if (svm->nmi_step && !svm->nmi_step_guest_tf)
		svm->base.rflags &= ~X86_EFLAGS_TF;
}

/* The handler's IRET, before it runs (RIP at the IRET). */
enum mv_exit_action svm_exit_iret(struct svm_vcpu *svm)
{
	svm->base.exits[MINIVMM_EXIT_OTHER]++;
	svm->vmcb->control.intercept3 &= ~SVM_I3_IRET;
	svm->iret_pending = true;
	svm->iret_rip = svm->base.rip;
	return MV_EXIT_RESUME;
}

/*
 * A #DB while we step an IRET: ours (true: resume), unless the guest
 * single-steps too, whose trap it then is as well.
 */
bool svm_nmi_step_done(struct svm_vcpu *svm)
{
	if (!svm->nmi_step)
		return false;
	svm->nmi_step = false;
	if (svm->nmi_step_guest_tf)
		return false;
	svm->vmcb->save.dr6 &= ~DR_STEP;
	return true;
}

void svm_nmi_get_state(struct svm_vcpu *svm, struct minivmm_state_events *e)
{
	svm_nmi_check_iret(svm);
	/* As on VT-x: an NMI queued again is not blocked yet. */
	e->nmi_blocked = svm->nmi_masked &&
			 !(e->pending && e->type == MINIVMM_EVENT_NMI);
}

void svm_nmi_set_state(struct svm_vcpu *svm,
		       const struct minivmm_state_events *e)
{
	struct vmcb_control *c = &svm->vmcb->control;

	svm->nmi_masked = e->nmi_blocked ||
			  (e->pending && e->type == MINIVMM_EVENT_NMI);
	svm->iret_pending = false;
	svm->nmi_step = false;
	if (svm->nmi_masked)
		c->intercept3 |= SVM_I3_IRET;
	else
		c->intercept3 &= ~SVM_I3_IRET;
}
