// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: allocation, the per-vCPU kernel thread and its run loop, and the
 * guest FPU state kept around each entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hw_breakpoint.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/tsc.h>
#include "minivmm.h"
#include "trace.h"

/*
 * The guest reads and writes DR0-3 (and on VT-x DR6) without exits: give
 * it its own.  With host breakpoints armed, DR7 goes off first, or they
 * would fire at the guest's addresses until VM entry loads the guest DR7.
 */
void mv_guest_dr_load(struct mv_vcpu *vcpu, bool dr6)
{
	unsigned long cur;

	if (unlikely(hw_breakpoint_active()))
		set_debugreg(0UL, 7);
	get_debugreg(cur, 0);
	if (cur != vcpu->db[0])
		set_debugreg(vcpu->db[0], 0);
	get_debugreg(cur, 1);
	if (cur != vcpu->db[1])
		set_debugreg(vcpu->db[1], 1);
	get_debugreg(cur, 2);
	if (cur != vcpu->db[2])
		set_debugreg(vcpu->db[2], 2);
	get_debugreg(cur, 3);
	if (cur != vcpu->db[3])
		set_debugreg(vcpu->db[3], 3);
	if (dr6)
		set_debugreg(vcpu->dr6, 6);
}

/*
 * The exit left DR7 disabled and the guest's values in DR0-3 (and DR6).
 * Without host breakpoints the guest's DR0-3 may stay (DR7 keeps them
 * inert; the next guest load or hw_breakpoint_restore() replaces them),
 * but DR6 must read as the host's idle value for the host's #DB handler.
 */
void mv_guest_dr_save(struct mv_vcpu *vcpu, bool dr6)
{
	unsigned long cur;

	get_debugreg(vcpu->db[0], 0);
	get_debugreg(vcpu->db[1], 1);
	get_debugreg(vcpu->db[2], 2);
	get_debugreg(vcpu->db[3], 3);
	get_debugreg(cur, 6);
	if (dr6)
		vcpu->dr6 = cur;
	if (unlikely(hw_breakpoint_active()))
		hw_breakpoint_restore();
	else if (cur != DR6_RESERVED)
		set_debugreg(DR6_RESERVED, 6);
}

bool mv_has_tsc_aux(void)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) ||
	       boot_cpu_has(X86_FEATURE_RDPID);
}

/*
 * An MSR the guest uses without an exit and no VM entry or exit switches,
 * interrupts off: mv_msr_swap_in() loads the guest's value and returns the
 * host's, mv_msr_swap_out() puts the host's back.  WRMSR is slow: skipped
 * where both agree.
 */
u64 mv_msr_swap_in(u32 msr, u64 guest)
{
	u64 host;

	rdmsrl(msr, host);
	if (host != guest)
		wrmsrl(msr, guest);
	return host;
}

void mv_msr_swap_out(u32 msr, u64 host, u64 guest)
{
	if (host != guest)
		wrmsrl(msr, host);
}

/*
 * The host keeps its CPU and node number in TSC_AUX (for getcpu()); the
 * host's entry code finds its per-CPU base with LSL, not RDPID, so an NMI
 * while the guest's value is loaded is safe.
 */
u64 mv_guest_tsc_aux_load(struct mv_vcpu *vcpu)
{
	if (!(mv_host.features & MINIVMM_FEAT(RDTSCP)))
		return 0;
	return mv_msr_swap_in(MSR_TSC_AUX, vcpu->tsc_aux);
}

void mv_guest_tsc_aux_put(struct mv_vcpu *vcpu, u64 host)
{
	if (mv_host.features & MINIVMM_FEAT(RDTSCP))
		mv_msr_swap_out(MSR_TSC_AUX, host, vcpu->tsc_aux);
}

bool mv_guest_has_pku(void)
{
	return boot_cpu_has(X86_FEATURE_OSPKE);
}

/*
 * RDPKRU and WRPKRU need CR4.PKE, which the host has on whenever guests
 * get PKU (OSPKE); SVM and VT-x load the host's CR4 at every exit.
 */
u32 mv_guest_pkru_load(struct mv_vcpu *vcpu)
{
	u32 host;

	if (!mv_guest_has_pku())
		return 0;
	host = rdpkru();
	if (host != vcpu->pkru)
		wrpkru(vcpu->pkru);
	return host;
}

void mv_guest_pkru_save(struct mv_vcpu *vcpu, u32 host)
{
	if (!mv_guest_has_pku())
		return;
	vcpu->pkru = rdpkru();
	if (vcpu->pkru != host)
		wrpkru(host);
}

bool mv_guest_has_pks(void)
{
	return mv_host.features & MINIVMM_FEAT(PKS);
}

/* The host (Linux does not use PKS) keeps its own value all the same. */
u64 mv_guest_pkrs_load(struct mv_vcpu *vcpu)
{
	if (!mv_guest_has_pks())
		return 0;
	return mv_msr_swap_in(MV_MSR_IA32_PKRS, vcpu->pkrs);
}

void mv_guest_pkrs_put(struct mv_vcpu *vcpu, u64 host)
{
	if (mv_guest_has_pks())
		mv_msr_swap_out(MV_MSR_IA32_PKRS, host, vcpu->pkrs);
}

u64 mv_host_cr4_bits(void)
{
	u64 valid = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		    X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		    X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_UMIP))
		valid |= X86_CR4_UMIP;
	if (boot_cpu_has(X86_FEATURE_LA57))
		valid |= X86_CR4_LA57;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		valid |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_PCID))
		valid |= X86_CR4_PCIDE;
	/* XSAVE as far as kmod/fpu.c switches XCR0 and the state. */
	if (mv_guest_xcr0_max())
		valid |= X86_CR4_OSXSAVE;
	/* Protection keys as far as PKRU is switched. */
	if (mv_guest_has_pku())
		valid |= X86_CR4_PKE;
	if (mv_guest_has_pks())
		valid |= MV_CR4_PKS;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		valid |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		valid |= X86_CR4_SMAP;
	/* No PKE: PKRU is not switched, the guest would read the host's. */
	return valid;
}

int mv_vcpu_create(struct mv_vm *vm, unsigned int index)
{
	struct mv_vcpu *vcpu;
	int ret;

	vcpu = kzalloc(mv_host.ops->vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->index = index;
	init_waitqueue_head(&vcpu->wait);
	mv_lapic_reset(&vcpu->apic, index, index == 0);
	mv_irq_init(vcpu);
	mv_smp_vcpu_init(vcpu);
	vcpu->cpu = -1;
	ret = mv_fpu_alloc(vcpu);
	if (ret) {
		kfree(vcpu);
		return ret;
	}
	/* vcpu->scratch: at start (mv_vcpu_start_thread()), for its thread. */
	ret = mv_host.ops->vcpu_init(vcpu);
	if (ret)
		goto out_fpu;
	ret = mv_vcpu_reset_state(vcpu);
	if (ret) {
		mv_host.ops->vcpu_destroy(vcpu);
		goto out_fpu;
	}
	vm->vcpus[index] = vcpu;
	return 0;

out_fpu:
	mv_fpu_free(vcpu);
	kfree(vcpu);
	return ret;
}

void mv_vcpu_free(struct mv_vcpu *vcpu)
{
	MV_PROBE_REPORT(vcpu);
	mv_irq_stop(vcpu);
	mv_host.ops->vcpu_destroy(vcpu);
	kvfree(vcpu->scratch);
	mv_fpu_free(vcpu);
	kfree(vcpu);
}

static bool mv_vcpu_should_run(struct mv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->vm->state) == MINIVMM_VM_RUNNING;
}

static void mv_kick_noop(void *unused)
{
}

/*
 * A kick after a change of vm->state (or kthread_stop()).  Either the
 * thread has not yet published IN_GUEST, and then it reads the new state
 * in mv_vcpu_enter_guest_mode() and does not enter; or it has, and the
 * interrupt sent here is pending at the entry or arrives in guest mode:
 * both make the guest exit (INTR intercept, external-interrupt exiting).
 * The full barriers on both sides order "state, then mode" against
 * "mode, then state", so no kick is lost (KVM's vcpu->mode has the same
 * shape).
 */
void mv_vcpu_kick(struct mv_vcpu *vcpu)
{
	int cpu;

	/* The caller's state change before our read of mode; pairs with
	 * the smp_store_mb() in mv_vcpu_enter_guest_mode().
	 */
	smp_mb();
	/* Acquire: mode before cpu; pairs with the smp_wmb() on entry. */
	if (smp_load_acquire(&vcpu->mode) != MV_IN_GUEST)
		return;
	cpu = READ_ONCE(vcpu->cpu);
	/* The interrupt itself is the point: it makes the guest exit. */
	if (cpu >= 0 && cpu_online(cpu))
		smp_call_function_single(cpu, mv_kick_noop, NULL, 0);
}

/*
 * A vCPU sleeping in HLT or wait-for-SIPI has something to look at.  One
 * queue per vCPU: with one per VM, every IPI of an SMP guest woke every
 * halted sibling just to let it sleep again.
 */
void mv_vcpu_wake(struct mv_vcpu *vcpu)
{
	wake_up_interruptible(&vcpu->wait);
}

/* The VM's state changed: every vCPU thread, wherever it waits, looks. */
void mv_vm_wake_all(struct mv_vm *vm)
{
	unsigned int i;

	wake_up_all(&vm->run_wait);
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			wake_up_all(&vm->vcpus[i]->wait);
}

bool mv_vcpu_enter_guest_mode(struct mv_vcpu *vcpu)
{
	lockdep_assert_irqs_disabled();
	WRITE_ONCE(vcpu->cpu, smp_processor_id());
	/* cpu before mode: pairs with the acquire in mv_vcpu_kick(). */
	smp_wmb();
	/* mode before our read of the state; pairs with the smp_mb() in
	 * mv_vcpu_kick().
	 */
	smp_store_mb(vcpu->mode, MV_IN_GUEST);
	if (likely(mv_vcpu_should_run(vcpu) && !kthread_should_stop()))
		return true;
	WRITE_ONCE(vcpu->mode, MV_OUTSIDE_GUEST);
	return false;
}

/* 1 ms: the preemption timer's slice (vmx), a quarter of a 250 Hz tick. */
#define MV_SHORT_PATH_SLICE_US	1000

void mv_vcpu_short_path_start(struct mv_vcpu *vcpu)
{
	u64 slice = (u64)(tsc_khz ? tsc_khz : 1000000) *
		    MV_SHORT_PATH_SLICE_US / 1000;

	vcpu->short_path_end = rdtsc() + slice;
}

bool mv_vcpu_may_reenter(struct mv_vcpu *vcpu)
{
	lockdep_assert_irqs_disabled();
	return !need_resched() && mv_vcpu_should_run(vcpu) &&
	       !kthread_should_stop() &&
	       mv_npt_flush_gen(&vcpu->vm->npt) == vcpu->flush_gen_seen &&
	       (s64)(vcpu->short_path_end - rdtsc()) > 0;
}

void mv_vcpu_exit_guest_mode(struct mv_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->mode, MV_OUTSIDE_GUEST);
}

/* serial + 1 of the VM whose vCPU entered last on this CPU; 0: none. */
static DEFINE_PER_CPU(u64, mv_spec_last_vm);

/*
 * Branch predictions one VM trained must not steer another VM on the same
 * CPU (Spectre v2 between guests): an IBPB when the previous entry here
 * was another VM's.  indirect_branch_prediction_barrier() is a no-op
 * unless the host itself uses IBPB (X86_FEATURE_USE_IBPB).
 */
void mv_spec_switch_vm(struct mv_vm *vm)
{
	u64 tag = vm->serial + 1;

	if (this_cpu_read(mv_spec_last_vm) == tag)
		return;
	this_cpu_write(mv_spec_last_vm, tag);
	indirect_branch_prediction_barrier();
}

/*
 * A host on legacy IBRS (X86_FEATURE_KERNEL_IBRS) must write SPEC_CTRL
 * after every switch to a more privileged predictor mode, and a VM exit
 * is one; the value does not change (guests cannot write SPEC_CTRL).
 * The entry code refilled the RSB before the one RET that led here.
 */
void mv_spec_after_exit(void)
{
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS))
		native_wrmsrl(MSR_IA32_SPEC_CTRL, spec_ctrl_current());
}

/* Outside guest mode until the VM runs again, stops, or the thread ends. */
static void mv_vcpu_park(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;

	mv_irq_pause(vcpu);
	smp_store_release(&vcpu->parked, true);
	wake_up_all(&vm->stop_wait);
	wait_event_interruptible(vm->run_wait,
				 kthread_should_stop() ||
				 mv_vcpu_should_run(vcpu) ||
				 READ_ONCE(vm->state) == MINIVMM_VM_STOPPED);
	WRITE_ONCE(vcpu->parked, false);
}

/*
 * After a PAUSE-loop exit (mv_exit_pause()): hand the rest of this
 * thread's time slice to the next sibling vCPU, round robin, whose thread
 * is runnable but not on a CPU: the likeliest holder of the lock this
 * guest spins on, preempted or queued behind us on this host CPU (KVM's
 * kvm_vcpu_on_spin() has the same aim).  A sibling that sleeps in HLT or
 * waits for a SIPI holds no lock, and yield_to() refuses a task that
 * sleeps or runs; with no taker, the guest just goes on spinning.  The
 * siblings' task structs stay valid: mv_vm_reap_threads() puts them only
 * after every thread of the VM has ended.
 */
static void mv_vcpu_yield_to_sibling(struct mv_vcpu *me)
{
	struct mv_vm *vm = me->vm;
	unsigned int n = vm->nr_vcpus, i, idx;

	me->spinning = false;
	for (i = 0; i < n; i++) {
		struct task_struct *task;

		idx = (me->yield_next + i) % n;
		if (idx == me->index)
			continue;
		if (!vm->vcpus[idx])
			continue;
		task = READ_ONCE(vm->vcpus[idx]->thread);
		if (task && yield_to(task, true) > 0) {
			me->yield_next = idx + 1;
			return;
		}
	}
}

/* ---- time spent runnable without a CPU ---------------------------------- */

#ifdef CONFIG_PREEMPT_NOTIFIERS
/*
 * Taken off its CPU while still runnable (preempted, or its cgroup used up
 * its cpu.max quota): the wait starts.  A thread that goes to sleep (a
 * halted vCPU) is not waiting for a CPU.  Runs in the scheduler, with the
 * runqueue locked: no more than a clock read.
 */
static void mv_vcpu_sched_out(struct preempt_notifier *pn,
			      struct task_struct *next)
{
	struct mv_vcpu *vcpu = container_of(pn, struct mv_vcpu, preempt);

	vcpu->preempted_at = task_is_running(current) ? local_clock() : 0;
}

static void mv_vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct mv_vcpu *vcpu = container_of(pn, struct mv_vcpu, preempt);
	u64 now;

	if (!vcpu->preempted_at)
		return;
	now = local_clock();
	/* local_clock() of another CPU may lag a little: no negative waits. */
	if (now > vcpu->preempted_at)
		WRITE_ONCE(vcpu->wait_time_ns,
			   vcpu->wait_time_ns + now - vcpu->preempted_at);
	vcpu->preempted_at = 0;
}

static struct preempt_ops mv_vcpu_preempt_ops __ro_after_init = {
	.sched_in = mv_vcpu_sched_in,
	.sched_out = mv_vcpu_sched_out,
};

void mv_vcpu_waits_init(void)
{
	preempt_notifier_inc();
}

void mv_vcpu_waits_exit(void)
{
	preempt_notifier_dec();
}

/* The vCPU thread, on itself; preemption off while the list changes. */
static void mv_vcpu_watch_waits(struct mv_vcpu *vcpu)
{
	vcpu->preempted_at = 0;
	preempt_notifier_init(&vcpu->preempt, &mv_vcpu_preempt_ops);
	preempt_disable();
	preempt_notifier_register(&vcpu->preempt);
	preempt_enable();
}

static void mv_vcpu_unwatch_waits(struct mv_vcpu *vcpu)
{
	preempt_disable();
	preempt_notifier_unregister(&vcpu->preempt);
	preempt_enable();
}

u64 mv_vcpu_wait_time(const struct mv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->wait_time_ns);
}

bool mv_vcpu_waits_measured(void)
{
	return true;
}
#else
void mv_vcpu_waits_init(void)
{
}

void mv_vcpu_waits_exit(void)
{
}

static void mv_vcpu_watch_waits(struct mv_vcpu *vcpu)
{
}

static void mv_vcpu_unwatch_waits(struct mv_vcpu *vcpu)
{
}

u64 mv_vcpu_wait_time(const struct mv_vcpu *vcpu)
{
	return 0;
}

bool mv_vcpu_waits_measured(void)
{
	return false;
}
#endif

/*
 * The run loop.  Host interrupts always exit the guest, so the loop comes
 * back here at least once a tick: kthread_should_stop() and a reschedule
 * are checked on every iteration and a spinning guest never starves the
 * host.  The thread ends when the VM stops; mv_vm_reap_threads() collects
 * it.
 */
static int mv_vcpu_thread(void *data)
{
	struct mv_vcpu *vcpu = data;
	struct mv_vm *vm = vcpu->vm;

	mv_vcpu_watch_waits(vcpu);
	while (!kthread_should_stop()) {
		MV_PROBE_TOP(vcpu);
		if (!mv_vcpu_should_run(vcpu)) {
			if (READ_ONCE(vm->state) == MINIVMM_VM_STOPPED)
				break;
			mv_vcpu_park(vcpu);
			continue;
		}
		if (!mv_smp_runnable(vcpu)) {
			if (READ_ONCE(vm->state) == MINIVMM_VM_STOPPED)
				break;
			continue;
		}
		mv_irq_update_timer(vcpu);
		trace_minivmm_entry(vm->id, vcpu->index, vcpu->rip);
		MV_PROBE(vcpu, MV_P_LOOP);
		if (mv_host.ops->vcpu_run(vcpu) == MV_EXIT_STOP)
			break;
		MV_PROBE(vcpu, MV_P_HANDLE);
		if (vcpu->spinning)
			mv_vcpu_yield_to_sibling(vcpu);
		cond_resched();
	}
	mv_irq_stop(vcpu);
	mv_vcpu_unwatch_waits(vcpu);
	return 0;
}

int mv_vcpu_start_thread(struct mv_vcpu *vcpu)
{
	struct task_struct *t;

	/*
	 * Only the thread's exit handlers use the scratch state (5 KiB):
	 * a VM that never runs does not pay for it.
	 */
	if (!vcpu->scratch) {
		vcpu->scratch = kvmalloc(sizeof(*vcpu->scratch),
					 GFP_KERNEL_ACCOUNT);
		if (!vcpu->scratch)
			return -ENOMEM;
	}
	t = kthread_create(mv_vcpu_thread, vcpu, "minivmm/%u:%u",
			   vcpu->vm->id, vcpu->index);
	if (IS_ERR(t))
		return PTR_ERR(t);
	/* The thread may end on its own; keep it until it is reaped. */
	get_task_struct(t);
	vcpu->thread = t;
	return 0;
}
