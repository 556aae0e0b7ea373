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

/* PIT channel 0 expired: IRQ 0 for vCPU 0, through the 8259. */
static enum hrtimer_restart mv_pit_timer_fn(struct hrtimer *timer)
{
	struct mv_vm *vm = container_of(timer, struct mv_vm, pit_timer);
	struct task_struct *thread = READ_ONCE(vm->vcpus[0]->thread);

	atomic_inc(&vm->pit_fired);
	wake_up_interruptible(&vm->run_wait);
	if (thread)
		kick_process(thread);
	if (!vm->pit_period_ns)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(vm->pit_period_ns));
	return HRTIMER_RESTART;
}

/*
 * When a timer loaded at @start with period (or delay) @ns fires next, or
 * 0 for never.  Only a new count (@restart) may fire at once for a time
 * already past: re-arming after a mode change or a pause must not replay
 * an expiry, so a one-shot that fired stays quiet and a periodic timer
 * keeps its phase.
 */
static u64 mv_irq_next_expiry(u64 start, u64 ns, bool periodic, bool restart)
{
	u64 expires = start + ns, now = ktime_get_ns();

	if (restart || expires > now)
		return expires;
	if (!periodic)
		return 0;
	return expires + ((now - expires) / ns + 1) * ns;
}

void mv_irq_init(struct mv_vcpu *vcpu)
{
	hrtimer_init(&vcpu->apic_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	vcpu->apic_timer.function = mv_apic_timer_fn;
}

void mv_irq_vm_init(struct mv_vm *vm)
{
	hrtimer_init(&vm->pit_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	vm->pit_timer.function = mv_pit_timer_fn;
}

/*
 * The vCPU thread is ending (or never ran): no callback after this.  The
 * PIT belongs to vCPU 0, whose thread arms it.
 */
void mv_irq_stop(struct mv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->apic_timer);
	if (!vcpu->index)
		hrtimer_cancel(&vcpu->vm->pit_timer);
}

/*
 * A paused vCPU: its timers must not keep the host busy (a periodic timer
 * at its floor is 10,000 wakeups a second).  The next entry re-arms them,
 * keeping their phase.
 */
void mv_irq_pause(struct mv_vcpu *vcpu)
{
	mv_irq_stop(vcpu);
	vcpu->apic.timer_changed = true;
	if (!vcpu->index)
		vcpu->vm->pit.irq0_changed = true;
}

/* Re-arm the PIT's IRQ 0 timer after channel 0 was reprogrammed. */
static void mv_irq_update_pit(struct mv_vm *vm)
{
	struct mv_pit *pit = &vm->pit;
	bool periodic;
	u64 ns, expires;

	if (!pit->irq0_changed)
		return;
	pit->irq0_changed = false;
	hrtimer_cancel(&vm->pit_timer);
	ns = mv_pit_irq0_period_ns(pit, &periodic);
	if (!ns)
		return;
	expires = mv_irq_next_expiry(pit->ch[0].load_ns, ns, periodic,
				     pit->irq0_restart);
	pit->irq0_restart = false;
	if (!expires)
		return;
	vm->pit_period_ns = periodic ? ns : 0;
	hrtimer_start(&vm->pit_timer, ns_to_ktime(expires), HRTIMER_MODE_ABS);
}

/*
 * Re-arm the host timer after the guest reprogrammed the APIC timer.
 * vCPU thread, preemptible, before an entry.  The period is written only
 * while the hrtimer is cancelled, so the callback reads a stable value.
 */
void mv_irq_update_timer(struct mv_vcpu *vcpu)
{
	struct mv_lapic *apic = &vcpu->apic;
	u64 ns, expires;
	bool periodic;

	if (!vcpu->index)
		mv_irq_update_pit(vcpu->vm);
	if (!apic->timer_changed)
		return;
	apic->timer_changed = false;
	hrtimer_cancel(&vcpu->apic_timer);
	ns = mv_lapic_timer_period_ns(apic, &periodic);
	if (!ns)
		return;
	expires = mv_irq_next_expiry(apic->timer_start_ns, ns, periodic,
				     apic->timer_restart);
	apic->timer_restart = false;
	if (!expires)
		return;
	vcpu->apic_timer_period_ns = periodic ? ns : 0;
	hrtimer_start(&vcpu->apic_timer, ns_to_ktime(expires),
		      HRTIMER_MODE_ABS);
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
	if (!vcpu->index) {
		/* The 8259's inputs: PIT expiries as edges on IRQ 0, COM1. */
		if (atomic_xchg(&vm->pit_fired, 0)) {
			mv_pic_set_irq(&vm->platform, 0, true);
			mv_pic_set_irq(&vm->platform, 0, false);
		}
		mv_uart_update_irq(vm);
	}
	vector = mv_lapic_pending_vector(&vcpu->apic);
	vcpu->irq_from_pic = false;
	if (vector >= 0 || vcpu->index)
		return vector;
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
