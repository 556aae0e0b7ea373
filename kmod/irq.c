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

static enum hrtimer_restart mv_guest_timer_fn(struct hrtimer *hrtimer)
{
	struct mv_guest_timer *t =
		container_of(hrtimer, struct mv_guest_timer, hrtimer);
	struct mv_vcpu *vcpu = t->vcpu;
	struct task_struct *thread = READ_ONCE(vcpu->thread);
	u64 periods = 1;

	/*
	 * A periodic timer whose callback ran late (host interrupt latency:
	 * tens of milliseconds under an emulator) expired once per period
	 * passed, and a guest counting ticks must see every one.
	 */
	if (t->period_ns)
		periods = hrtimer_forward_now(hrtimer,
					      ns_to_ktime(t->period_ns));
	atomic_add(min_t(u64, periods, INT_MAX / 2), &t->fired);
	/* Halted: wake it.  In guest mode on another CPU: make it exit. */
	mv_vcpu_wake(vcpu);
	if (thread)
		kick_process(thread);
	return t->period_ns ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

static void mv_guest_timer_init(struct mv_guest_timer *t)
{
	hrtimer_init(&t->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	t->hrtimer.function = mv_guest_timer_fn;
}

/*
 * Stop @t's hrtimer.  An expiry that was due by @now but whose callback
 * has not run yet (host interrupt latency: tens of milliseconds under an
 * emulator) still happened for the guest: count it, or a one-shot guest
 * timer reprogrammed just after its deadline would never interrupt, and a
 * tickless guest waiting for that interrupt would wait forever.
 */
static void mv_guest_timer_cancel(struct mv_guest_timer *t, u64 now)
{
	if (hrtimer_cancel(&t->hrtimer) &&
	    ktime_to_ns(hrtimer_get_expires(&t->hrtimer)) <= now)
		atomic_inc(&t->fired);
}

/*
 * Re-arm @t for @vcpu (its thread, preemptible): loaded at @start with a
 * delay or period of @ns (0: stopped).  Only a new count (@restart) may
 * fire at once for a time already past: re-arming after a mode change or
 * a pause must not replay an expiry, so a one-shot that fired stays quiet
 * and a periodic timer keeps its phase.  vcpu and period_ns are written
 * only while the hrtimer is cancelled, so the callback reads stable values.
 */
static void mv_guest_timer_rearm(struct mv_guest_timer *t,
				 struct mv_vcpu *vcpu, u64 start, u64 ns,
				 bool periodic, bool restart)
{
	u64 expires = start + ns, now = ktime_get_ns();

	mv_guest_timer_cancel(t, now);
	if (!ns)
		return;
	if (!restart && expires <= now) {
		if (!periodic)
			return;
		expires += ((now - expires) / ns + 1) * ns;
	}
	t->vcpu = vcpu;
	t->period_ns = periodic ? ns : 0;
	hrtimer_start(&t->hrtimer, ns_to_ktime(expires), HRTIMER_MODE_ABS);
}

void mv_irq_init(struct mv_vcpu *vcpu)
{
	mv_guest_timer_init(&vcpu->apic_timer);
}

void mv_irq_vm_init(struct mv_vm *vm)
{
	mv_guest_timer_init(&vm->pit_timer);
}

/*
 * The vCPU thread is ending (or never ran): no callback after this.  The
 * PIT belongs to vCPU 0, whose thread arms it.
 */
void mv_irq_stop(struct mv_vcpu *vcpu)
{
	u64 now = ktime_get_ns();

	mv_guest_timer_cancel(&vcpu->apic_timer, now);
	if (!vcpu->index)
		mv_guest_timer_cancel(&vcpu->vm->pit_timer, now);
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
	if (!vcpu->index) {
		spin_lock(&vcpu->vm->dev_lock);
		vcpu->vm->pit.irq0_changed = true;
		spin_unlock(&vcpu->vm->dev_lock);
	}
}

/*
 * Re-arm the host timers after the guest reprogrammed the APIC timer or
 * (vCPU 0) PIT channel 0.  vCPU thread, preemptible, before an entry.
 */
void mv_irq_update_timer(struct mv_vcpu *vcpu)
{
	struct mv_lapic *apic = &vcpu->apic;
	struct mv_pit *pit = &vcpu->vm->pit;
	bool periodic;
	u64 ns;

	/* Any vCPU may program the PIT (dev_lock); vCPU 0 runs its timer. */
	if (!vcpu->index && READ_ONCE(pit->irq0_changed)) {
		spin_lock(&vcpu->vm->dev_lock);
		pit->irq0_changed = false;
		ns = mv_pit_irq0_period_ns(pit, &periodic);
		mv_guest_timer_rearm(&vcpu->vm->pit_timer, vcpu,
				     pit->ch[0].load_ns, ns, periodic,
				     pit->irq0_restart);
		pit->irq0_restart &= !ns;	/* kept until a count runs */
		spin_unlock(&vcpu->vm->dev_lock);
	}
	if (apic->timer_changed) {
		apic->timer_changed = false;
		ns = mv_lapic_timer_period_ns(apic, &periodic);
		mv_guest_timer_rearm(&vcpu->apic_timer, vcpu,
				     apic->timer_start_ns, ns, periodic,
				     apic->timer_restart);
		apic->timer_restart &= !ns;
	}
}

/*
 * LINT0 in NMI mode (vCPU 0, dev_lock held): a rising edge of the 8259's
 * INTR is an NMI, and nothing acknowledges the 8259 then (no INTA cycle),
 * so the next edge needs its EOI.  Our own vCPU: no kick, the backend
 * looks for NMIs after it asked for interrupts.
 */
static void mv_irq_lint0_nmi(struct mv_vcpu *vcpu)
{
	bool level = mv_lapic_lint_nmi(&vcpu->apic, 0) &&
		     mv_pic_pending(&vcpu->vm->platform) >= 0;

	if (level && !vcpu->lint0_level)
		atomic_set(&vcpu->nmi_pending, 1);
	vcpu->lint0_level = level;
}

/*
 * The devices' lines first (vCPU 0: the PIT's expiries, COM1, a device
 * process's lines), which may post I/O APIC messages to any vCPU, this
 * one included (interrupts may be off: mv_smp_notify() kicks safely);
 * then the APIC's own vectors; then the 8259's, which reach
 * vCPU 0 through LINT0 in ExtINT mode (or directly while its APIC is
 * off).  The source is remembered for mv_irq_accept(), called right after
 * from the same thread.
 */
/* Expiries a guest that keeps its timer interrupt from being taken may owe. */
#define MV_TICK_BACKLOG_MAX	1000

/*
 * Take one of @t's expiries for delivery, unless @waiting (the last one is
 * still requested, and another would merge with it).  A periodic timer's
 * every expiry is a tick the guest counts: merged, its jiffies fell 12 %
 * behind its TSC under an emulator's slow host, and Linux's clocksource
 * watchdog called the TSC unstable.  So expiries wait, counted, as they do
 * with KVM's PIT by default ("reinject").  False: nothing to deliver.
 */
static bool mv_irq_take_tick(struct mv_guest_timer *t, bool waiting)
{
	int owed = atomic_read(&t->fired);

	if (!owed || waiting)
		return false;
	if (owed > MV_TICK_BACKLOG_MAX)	/* forget what is too old to matter */
		atomic_sub(owed - MV_TICK_BACKLOG_MAX, &t->fired);
	atomic_dec(&t->fired);
	return true;
}

/* The APIC's own vectors: its timer's expiry, messages posted to it. */
static int mv_irq_apic_vector(struct mv_vcpu *vcpu)
{
	if (mv_irq_take_tick(&vcpu->apic_timer,
			     mv_lapic_timer_waiting(&vcpu->apic)))
		mv_lapic_timer_expired(&vcpu->apic);
	mv_smp_fold_posted(vcpu);
	return mv_lapic_pending_vector(&vcpu->apic);
}

/*
 * PIT expiries as edges on IRQ 0, one per entry, none while the 8259 still
 * holds the last one unmasked in IRR and would deliver it to @vcpu0
 * (through LINT0 in ExtINT mode, or with its APIC off).  A guest that takes
 * IRQ 0 through the I/O APIC instead, the 8259 masked or unused, gets an
 * edge per entry: there the 8259's IRR may stay set for good.  dev_lock
 * held.
 */
static void mv_irq_pit_tick(struct mv_vcpu *vcpu0)
{
	struct mv_vm *vm = vcpu0->vm;
	bool waiting = mv_lapic_accepts_extint(&vcpu0->apic) &&
		       mv_pic_irq_waiting(&vm->platform, 0);

	if (!mv_irq_take_tick(&vm->pit_timer, waiting))
		return;
	mv_isa_set_irq(vm, 0, true);
	mv_isa_set_irq(vm, 0, false);
}

int mv_irq_pending(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;
	int vector;

	vcpu->irq_from_pic = false;
	if (vcpu->index)
		return mv_irq_apic_vector(vcpu);
	/*
	 * vCPU 0: one dev_lock section for all three (it is taken before
	 * every entry; the APIC's steps take no lock).
	 */
	spin_lock(&vm->dev_lock);
	mv_irq_pit_tick(vcpu);
	mv_uart_update_irq(vm);
	mv_irq_apply_lines(vm);	/* a device process's lines (uio.c) */
	mv_irq_lint0_nmi(vcpu);	/* LINT0 in NMI mode: an edge is an NMI */
	vector = mv_irq_apic_vector(vcpu);
	if (vector < 0 && mv_lapic_accepts_extint(&vcpu->apic)) {
		vector = mv_pic_pending(&vm->platform);
		vcpu->irq_from_pic = vector >= 0;
	}
	spin_unlock(&vm->dev_lock);
	return vector;
}

void mv_irq_accept(struct mv_vcpu *vcpu, u8 vector)
{
	if (vcpu->irq_from_pic) {
		spin_lock(&vcpu->vm->dev_lock);
		mv_pic_ack(&vcpu->vm->platform);
		spin_unlock(&vcpu->vm->dev_lock);
	} else
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
	if (!vm->vcpus[0])
		return;
	mv_vcpu_wake(vm->vcpus[0]);
	mv_vcpu_kick(vm->vcpus[0]);
}

/* ---- the I/O APIC's place in the VM ----------------------------------- */

static void mv_ioapic_deliver(void *opaque, u32 lo, u32 hi)
{
	mv_smp_deliver_msg(opaque, lo, hi);
}

/*
 * ID: the one after the last vCPU's APIC ID, as the MP table says
 * (ctl/mptable.c), within the chip's 4 bits.
 */
void mv_ioapic_vm_init(struct mv_vm *vm)
{
	mv_ioapic_reset(&vm->ioapic, min_t(u32, vm->nr_vcpus, 15));
	vm->ioapic.deliver = mv_ioapic_deliver;
	vm->ioapic.opaque = vm;
}

bool mv_ioapic_claims(u64 gpa)
{
	return (gpa & PAGE_MASK) == MINIVMM_IOAPIC_BASE;
}

/*
 * ISA IRQ 0 (the PIT) is wired to pin 2, as on most boards and as the MP
 * table's interrupt entries say; IRQ 2 (the cascade) to no pin; the
 * others to the pin of their own number.
 */
void mv_isa_set_irq(struct mv_vm *vm, unsigned int irq, bool level)
{
	lockdep_assert_held(&vm->dev_lock);
	if (irq >= 16)
		return;
	mv_pic_set_irq(&vm->platform, irq, level);
	if (irq != 2)
		mv_ioapic_set_irq(&vm->ioapic, irq ? irq : 2, level);
}

/* After a local APIC write: an EOI of a level vector goes to the I/O APIC. */
void mv_ioapic_lapic_eoi(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;

	if (!vcpu->apic.eoi_level)
		return;
	vcpu->apic.eoi_level = false;
	spin_lock(&vm->dev_lock);
	mv_ioapic_eoi(&vm->ioapic, vcpu->apic.eoi_level_vector);
	spin_unlock(&vm->dev_lock);
}
