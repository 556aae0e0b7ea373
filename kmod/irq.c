// SPDX-License-Identifier: GPL-2.0
/*
 * External interrupts of a vCPU, vendor-neutral: the local APIC timer runs
 * on a host hrtimer, and the backends ask here, just before each entry,
 * which vector (if any) to inject.  The backends own the mechanics: event
 * injection when the guest can take an interrupt (RFLAGS.IF, no interrupt
 * shadow, no other event queued), else an interrupt-window exit.
 *
 * The APIC model (kmod/lapic.c) belongs to the vCPU thread; the hrtimer
 * callback only counts expiries in an atomic and wakes or kicks the
 * thread, which folds them into IRR.
 */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include "minivmm.h"

static enum hrtimer_restart mv_apic_timer_fn(struct hrtimer *timer)
{
	struct mv_vcpu *vcpu = container_of(timer, struct mv_vcpu, apic_timer);
	struct task_struct *thread = READ_ONCE(vcpu->thread);

	atomic_inc(&vcpu->apic_timer_fired);
	/* Halted: wake it.  In guest mode on another CPU: make it exit. */
	wake_up_interruptible(&vcpu->vm->run_wait);
	if (thread)
		kick_process(thread);
	if (!vcpu->apic_timer_period_ns)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(vcpu->apic_timer_period_ns));
	return HRTIMER_RESTART;
}

void mv_irq_init(struct mv_vcpu *vcpu)
{
	hrtimer_init(&vcpu->apic_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	vcpu->apic_timer.function = mv_apic_timer_fn;
}

/* The vCPU thread is ending (or never ran): no callback after this. */
void mv_irq_stop(struct mv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->apic_timer);
}

/*
 * Re-arm the host timer after the guest reprogrammed the APIC timer.
 * vCPU thread, preemptible, before an entry.  The period is written only
 * while the hrtimer is cancelled, so the callback reads a stable value.
 */
void mv_irq_update_timer(struct mv_vcpu *vcpu)
{
	struct mv_lapic *apic = &vcpu->apic;
	bool periodic;
	u64 ns;

	if (!apic->timer_changed)
		return;
	apic->timer_changed = false;
	hrtimer_cancel(&vcpu->apic_timer);
	ns = mv_lapic_timer_period_ns(apic, &periodic);
	if (!ns)
		return;
	vcpu->apic_timer_period_ns = periodic ? ns : 0;
	hrtimer_start(&vcpu->apic_timer,
		      ns_to_ktime(apic->timer_start_ns + ns), HRTIMER_MODE_ABS);
}

/*
 * The APIC's own vectors first; then the 8259's, which reach vCPU 0 through
 * LINT0 in ExtINT mode (or directly while its APIC is off).  The source is
 * remembered for mv_irq_accept(), called right after from the same thread.
 */
int mv_irq_pending(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;
	int vector;

	if (atomic_xchg(&vcpu->apic_timer_fired, 0))
		mv_lapic_timer_expired(&vcpu->apic);
	vector = mv_lapic_pending_vector(&vcpu->apic);
	vcpu->irq_from_pic = false;
	if (vector >= 0 || vcpu->index)
		return vector;
	mv_uart_update_irq(vm);
	if (!mv_lapic_accepts_extint(&vcpu->apic))
		return -1;
	vector = mv_pic_pending(&vm->platform);
	vcpu->irq_from_pic = vector >= 0;
	return vector;
}

void mv_irq_accept(struct mv_vcpu *vcpu, u8 vector)
{
	if (vcpu->irq_from_pic)
		mv_pic_ack(&vcpu->vm->platform);
	else
		mv_lapic_accept(&vcpu->apic, vector);
	vcpu->irqs_injected++;
	vcpu->irq_return_rip = vcpu->rip;
	vcpu->irq_return_valid = true;
}

/*
 * Console input for the UART (process context): a halted vCPU 0 wakes to
 * re-evaluate IRQ 4, a running one exits to do so.
 */
void mv_vm_input_arrived(struct mv_vm *vm)
{
	wake_up_interruptible(&vm->run_wait);
	if (vm->vcpus[0])
		mv_vcpu_kick(vm->vcpus[0]);
}
