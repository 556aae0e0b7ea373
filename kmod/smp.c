// SPDX-License-Identifier: GPL-2.0
/*
 * Multiprocessor guests: the local APIC as a device between vCPUs.
 *
 * An ICR write (xAPIC MMIO or x2APIC MSR) is modelled in kmod/lapic.c,
 * which keeps a fixed IPI to its own APIC and latches everything else;
 * here the latched IPI reaches its destinations (mv_lapic_ipi_accepts()):
 *
 * - fixed and lowest-priority interrupts are posted in the target's pir
 *   bitmap (atomically: the target's APIC belongs to its thread) and the
 *   target is woken if it sleeps in HLT, or kicked out of guest mode if it
 *   runs; its thread folds pir into IRR before its next entry.  Lowest
 *   priority goes to the first vCPU the destination names.
 * - INIT puts the target in wait-for-SIPI (its APIC reset but for ID and
 *   base); a SIPI to a vCPU in wait-for-SIPI starts it in real mode at
 *   vector << 12 (mv_vcpu_sipi_state(): the core's reset state).  INIT
 *   level de-assert is ignored, as on every CPU since the Pentium 4.
 * - NMI latches an NMI in the target (nmi_pending, set atomically), which
 *   ends a HLT with interrupts off (not wait-for-SIPI) and is injected by
 *   the target's backend once no NMI handler of its own runs (blocking
 *   until IRET: svm/nmi.c, vmx/nmi.c).  SMI is counted as sent and
 *   reaches no one.
 *
 * vCPU 0 starts running; the others start in wait-for-SIPI.  A HLT with
 * interrupts off parks a vCPU until INIT; when every vCPU is parked that
 * way or waits for a SIPI, no event inside the VM can ever wake one, and
 * the VM stops as halted (for one vCPU: what HLT with IF=0 always did).
 *
 * Locking: vm->mp_lock (a spinlock, innermost) protects each vCPU's
 * mp_state, init_pending, sipi_pending, sipi_vector and the VM's count of
 * stopped vCPUs.  Senders change the target's state under it and then
 * wake/kick; the target's thread acts on it before its next entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include "minivmm.h"
#include "state.h"

void mv_smp_vm_init(struct mv_vm *vm)
{
	spin_lock_init(&vm->mp_lock);
	spin_lock_init(&vm->dev_lock);
	/* Every AP starts in wait-for-SIPI. */
	vm->nr_stopped_vcpus = vm->nr_vcpus - 1;
}

void mv_smp_vcpu_init(struct mv_vcpu *vcpu)
{
	vcpu->mp_state = vcpu->index ? MINIVMM_MP_WAIT_SIPI :
				       MINIVMM_MP_RUNNABLE;
}

/*
 * A target whose state changed: wake it if it sleeps, kick it if it runs.
 * vCPU 0 delivers I/O APIC messages from mv_irq_pending(), with
 * interrupts off, where smp_call_function_single() must not be used: a
 * reschedule IPI (kick_process(), as the guest timers' callbacks do)
 * makes a target in guest mode exit just as well.
 */
static void mv_smp_notify(struct mv_vcpu *t)
{
	struct task_struct *thread;

	mv_vcpu_wake(t);
	if (!irqs_disabled()) {
		mv_vcpu_kick(t);
		return;
	}
	thread = READ_ONCE(t->thread);
	if (thread)
		kick_process(thread);
}

static void mv_smp_post(struct mv_vcpu *t, u8 vector, bool level)
{
	if (vector < 16)	/* illegal vectors are dropped */
		return;
	if (level)
		set_bit(vector, t->pir_tmr);
	else
		clear_bit(vector, t->pir_tmr);
	/*
	 * The trigger mode before the vector: pairs with the xchg() of pir
	 * in mv_smp_fold_posted(), which reads pir_tmr after it.
	 */
	smp_mb__before_atomic();
	set_bit(vector, t->pir);
	mv_smp_notify(t);
}

static void mv_smp_post_fixed(struct mv_vcpu *t, u8 vector)
{
	mv_smp_post(t, vector, false);
}

void mv_smp_fold_posted(struct mv_vcpu *vcpu)
{
	unsigned int i, v;

	for (i = 0; i < ARRAY_SIZE(vcpu->pir); i++) {
		unsigned long bits;

		if (!READ_ONCE(vcpu->pir[i]))
			continue;
		bits = xchg(&vcpu->pir[i], 0);
		for_each_set_bit(v, &bits, BITS_PER_LONG)
			mv_lapic_set_irr_trig(&vcpu->apic,
					      i * BITS_PER_LONG + v,
					      test_and_clear_bit(v,
								 &vcpu->pir_tmr[i]));
	}
}

void mv_smp_post_nmi(struct mv_vcpu *t)
{
	struct mv_vm *vm = t->vm;

	atomic_set(&t->nmi_pending, 1);
	/* An NMI ends a HLT with interrupts off; wait-for-SIPI keeps it. */
	spin_lock(&vm->mp_lock);
	if (t->mp_state == MINIVMM_MP_HALTED && !t->init_pending) {
		t->mp_state = MINIVMM_MP_RUNNABLE;
		vm->nr_stopped_vcpus--;
	}
	spin_unlock(&vm->mp_lock);
	mv_smp_notify(t);
}

static void mv_smp_init(struct mv_vcpu *t)
{
	struct mv_vm *vm = t->vm;

	spin_lock(&vm->mp_lock);
	if (t->mp_state == MINIVMM_MP_HALTED) {
		t->mp_state = MINIVMM_MP_RUNNABLE;
		vm->nr_stopped_vcpus--;
	}
	t->init_pending = true;
	t->sipi_pending = false;
	spin_unlock(&vm->mp_lock);
	mv_smp_notify(t);
}

/*
 * A SIPI counts only for a vCPU in wait-for-SIPI, or on its way there (an
 * INIT it has not acted on yet: senders do not wait for that).
 */
static void mv_smp_sipi(struct mv_vcpu *t, u8 vector)
{
	struct mv_vm *vm = t->vm;
	bool taken = false;

	spin_lock(&vm->mp_lock);
	if (!t->sipi_pending && (t->mp_state == MINIVMM_MP_WAIT_SIPI ||
				 t->init_pending)) {
		t->sipi_pending = true;
		t->sipi_vector = vector;
		taken = true;
		if (t->mp_state == MINIVMM_MP_WAIT_SIPI) {
			t->mp_state = MINIVMM_MP_RUNNABLE;
			vm->nr_stopped_vcpus--;
		}
	}
	spin_unlock(&vm->mp_lock);
	if (taken)
		mv_smp_notify(t);
}

void mv_smp_send_ipi(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;
	struct mv_lapic *src = &vcpu->apic;
	u32 lo = src->ipi_lo, hi = src->ipi_hi, mode = lo & MV_ICR_DM_MASK;
	bool x2 = mv_lapic_x2apic_mode(src);
	unsigned int i;

	src->ipi_pending = false;
	if (mode == MV_ICR_DM_INIT && !(lo & MV_ICR_LEVEL_ASSERT) &&
	    (lo & MV_ICR_TRIGGER_LEVEL))
		return;			/* INIT level de-assert */
	if (mode == MV_ICR_DM_SMI)
		return;			/* not delivered: see above */
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct mv_vcpu *t = vm->vcpus[i];
		struct mv_lapic *a = &t->apic;

		if (!mv_lapic_ipi_accepts(lo, hi, x2, t == vcpu, a->id,
					  READ_ONCE(a->ldr), READ_ONCE(a->dfr),
					  READ_ONCE(a->base_msr) &
					  MV_APIC_BASE_EN))
			continue;
		switch (mode) {
		case MV_ICR_DM_FIXED:
			if (t != vcpu)	/* the model took its own */
				mv_smp_post_fixed(t, lo & 0xff);
			break;
		case MV_ICR_DM_LOWEST:
			if (t == vcpu)
				mv_lapic_set_irr(&vcpu->apic, lo & 0xff);
			else
				mv_smp_post_fixed(t, lo & 0xff);
			return;		/* one destination only */
		case MV_ICR_DM_NMI:
			mv_smp_post_nmi(t);
			break;
		case MV_ICR_DM_INIT:
			if (t != vcpu)
				mv_smp_init(t);
			break;
		case MV_ICR_DM_SIPI:
			if (t != vcpu)
				mv_smp_sipi(t, lo & 0xff);
			break;
		default:		/* reserved delivery modes */
			return;
		}
	}
}

/*
 * A message from the I/O APIC (kmod/ioapic.c; dev_lock held, any vCPU
 * thread): fixed to every vCPU the destination names, lowest priority to
 * the first of them, as an IPI from no CPU.  Posted to each target, the
 * sender's own vCPU included: its thread folds pir before its next entry.
 */
void mv_smp_deliver_msg(struct mv_vm *vm, u32 lo, u32 hi)
{
	u32 mode = lo & MV_ICR_DM_MASK;
	bool level = lo & MV_ICR_TRIGGER_LEVEL;
	unsigned int i;

	if (mode != MV_ICR_DM_FIXED && mode != MV_ICR_DM_LOWEST)
		return;
	lo &= ~MV_ICR_SH_MASK;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct mv_vcpu *t = vm->vcpus[i];
		struct mv_lapic *a;

		if (!t)
			continue;
		a = &t->apic;
		if (!mv_lapic_ipi_accepts(lo, hi, false, false, a->id,
					  READ_ONCE(a->ldr), READ_ONCE(a->dfr),
					  READ_ONCE(a->base_msr) &
					  MV_APIC_BASE_EN))
			continue;
		mv_smp_post(t, lo & 0xff, level);
		if (mode == MV_ICR_DM_LOWEST)
			return;		/* one destination only */
	}
}

/* Count @vcpu as stopped (mp_lock held); true when it was the last one. */
static bool mv_smp_count_stopped(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;

	lockdep_assert_held(&vm->mp_lock);
	vm->nr_stopped_vcpus++;
	return vm->nr_stopped_vcpus == vm->nr_vcpus;
}

bool mv_smp_halt(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;
	bool all = false;

	spin_lock(&vm->mp_lock);
	if (!vcpu->init_pending && !vcpu->sipi_pending &&
	    !atomic_read(&vcpu->nmi_pending) &&
	    vcpu->mp_state == MINIVMM_MP_RUNNABLE) {
		vcpu->mp_state = MINIVMM_MP_HALTED;
		all = mv_smp_count_stopped(vcpu);
	}
	spin_unlock(&vm->mp_lock);
	if (all)
		mv_vm_stop(vm, MINIVMM_STOP_HALTED, 0);
	return all;
}

static bool mv_smp_event(struct mv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->init_pending) || READ_ONCE(vcpu->sipi_pending);
}

bool mv_smp_runnable(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;
	bool do_init = false, do_sipi = false, all = false;
	enum minivmm_mp_state state;
	u8 vector = 0;

	if (likely(!mv_smp_event(vcpu) &&
		   READ_ONCE(vcpu->mp_state) == MINIVMM_MP_RUNNABLE))
		return true;

	spin_lock(&vm->mp_lock);
	if (vcpu->init_pending) {
		vcpu->init_pending = false;
		do_init = true;
		if (!vcpu->sipi_pending &&
		    vcpu->mp_state != MINIVMM_MP_WAIT_SIPI) {
			vcpu->mp_state = MINIVMM_MP_WAIT_SIPI;
			all = mv_smp_count_stopped(vcpu);
		}
	}
	if (vcpu->sipi_pending) {
		vcpu->sipi_pending = false;
		vector = vcpu->sipi_vector;
		do_sipi = true;
	}
	state = vcpu->mp_state;
	spin_unlock(&vm->mp_lock);

	if (do_init) {
		unsigned int i;

		mv_lapic_init_ipi(&vcpu->apic);
		for (i = 0; i < ARRAY_SIZE(vcpu->pir); i++)
			WRITE_ONCE(vcpu->pir[i], 0);
		atomic_set(&vcpu->nmi_pending, 0);
		vcpu->irq_return_valid = false;
	}
	if (all) {
		mv_vm_stop(vm, MINIVMM_STOP_HALTED, 0);
		return false;
	}
	if (do_sipi) {
		if (mv_vcpu_sipi_state(vcpu, vector)) {
			mv_vm_stop(vm, MINIVMM_STOP_INTERNAL_ERROR, 0);
			return false;
		}
		return true;
	}
	if (state == MINIVMM_MP_RUNNABLE)
		return true;
	/*
	 * Wait-for-SIPI or halted: until INIT/SIPI, an NMI (halted only:
	 * mv_smp_post_nmi() makes it runnable), pause, stop or the end.
	 */
	wait_event_interruptible(vcpu->wait,
				 mv_smp_event(vcpu) || kthread_should_stop() ||
				 READ_ONCE(vcpu->mp_state) ==
				 MINIVMM_MP_RUNNABLE ||
				 READ_ONCE(vm->state) != MINIVMM_VM_RUNNING);
	return false;
}
