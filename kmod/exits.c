// SPDX-License-Identifier: GPL-2.0
/*
 * The vendor-neutral exit handlers: what the VMM decides for each request
 * a guest makes.  Called from the backends' exit tables in the vCPU thread.
 * Every value read here is guest-controlled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <asm/fpu/types.h>
#include <asm/mce.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/tsc.h>
#include "minivmm.h"

#define MV_RFLAGS_IF		BIT(9)
#define GP_VECTOR		13

static void mv_skip_insn(struct mv_vcpu *vcpu)
{
	vcpu->rip += vcpu->exit_insn_len;
}

static void mv_set_rax_rbx_rcx_rdx(struct mv_vcpu *vcpu, u32 a, u32 b,
				   u32 c, u32 d)
{
	vcpu->gprs[MINIVMM_RAX] = a;
	vcpu->gprs[MINIVMM_RBX] = b;
	vcpu->gprs[MINIVMM_RCX] = c;
	vcpu->gprs[MINIVMM_RDX] = d;
}

/* ---- CPUID: a curated view of the host ---------------------------------- */

#define MV_CPUID_SIG_LEAF	0x40000000
#define MV_CPUID_SIG_MAX	0x40000001
/* "MiniVMMiniVM" as EBX, ECX, EDX */
#define MV_SIG_EBX	0x696e694d	/* "Mini" */
#define MV_SIG_ECX	0x694d4d56	/* "VMMi" */
#define MV_SIG_EDX	0x4d56696e	/* "niVM" */

/* Leaf 1 ECX bits the guest must not see: VMX, SMX, MONITOR (not
 * emulated), PDCM (no PMU), TSC-deadline (kmod/lapic.c's timer has
 * one-shot and periodic modes only), OSXSAVE (the guest's CR4 decides), and our hypervisor bit goes
 * on.  XSAVE, and AVX with FMA and F16C, only as far as kmod/fpu.c gives a
 * guest XCR0 and the YMM state.  x2APIC stays: kmod/lapic.c implements it.
 */
#define LEAF1_ECX_HIDE	(BIT(3) | BIT(5) | BIT(6) | BIT(15) | BIT(24) | BIT(27))
#define LEAF1_ECX_XSAVE		BIT(26)
#define LEAF1_ECX_OSXSAVE	BIT(27)
#define LEAF1_ECX_AVX		(BIT(12) | BIT(28) | BIT(29))
#define LEAF1_ECX_HYPERVISOR	BIT(31)
/*
 * Leaf 1 EDX (and its 8000_0001h EDX mirror): MCE and MCA, whose MSRs
 * (MCG_CAP, MCG_STATUS, the banks) are not emulated; a Linux guest that
 * sees MCA reads them and panics on the #GP.
 */
#define LEAF1_EDX_HIDE	(BIT(7) | BIT(14))
/*
 * Leaf 1: thermal monitoring (EDX ACPI and TM, ECX TM2), whose MSRs
 * (IA32_THERM_*, IA32_CLOCK_MODULATION) are not emulated either; a Linux
 * guest that sees them warns of #GP on each.  Leaf 6 likewise keeps only
 * ARAT: kmod/lapic.c's timer runs in every C-state.
 */
#define LEAF1_EDX_THERMAL	(BIT(22) | BIT(29))
#define LEAF1_ECX_THERMAL	BIT(8)
#define LEAF6_EAX_ARAT		BIT(2)
/*
 * Leaf 7 EBX: hide the AVX-512 families (state a guest XCR0 cannot hold),
 * and what neither backend gives a guest: TSC_ADJUST (the MSR is not
 * emulated) and INVPCID (#UD under VMX without its secondary control).
 * AVX2 only with the YMM state.  ECX: PKU only where PKRU is switched
 * (mv_guest_has_pku()), OSPKE as the guest's CR4.PKE says; PKS only where
 * IA32_PKRS is switched (AMD-V; QEMU's TCG shows PKS on AMD models, real
 * AMD parts have none).  RDPID and
 * RDTSCP (8000_0001h EDX) only where the guest's TSC_AUX is switched
 * (MINIVMM_FEAT(RDTSCP)); without it, VT-x makes both #UD.
 */
#define LEAF7_EBX_HIDE	(BIT(1) | BIT(10) | BIT(16) | BIT(17) | \
			 BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | \
			 BIT(31))
#define LEAF7_EBX_AVX2	BIT(5)
#define LEAF7_ECX_HIDE	(BIT(3) | BIT(4) | BIT(31))
#define LEAF7_ECX_PKU	BIT(3)
#define LEAF7_ECX_OSPKE	BIT(4)
#define LEAF7_ECX_RDPID	BIT(22)
/* Leaf 0xD sub-leaf 1 EAX: XSAVEOPT only (XSAVEC/XSAVES/XGETBV1 not offered). */
#define LEAFD1_EAX_XSAVEOPT	BIT(0)
/* 8000_0001h ECX: SVM, and SKINIT; the guest has no nested virt; the
 * core, northbridge and L3 performance counter extensions (no PMU). EDX:
 * the MCE/MCA mirror of leaf 1.
 */
#define EXT1_ECX_HIDE	(BIT(2) | BIT(12) | BIT(23) | BIT(24) | BIT(28))
#define EXT1_EDX_HIDE	LEAF1_EDX_HIDE
#define EXT1_EDX_RDTSCP	BIT(27)

static bool mv_guest_has_rdtscp(void)
{
	return mv_host.features & MINIVMM_FEAT(RDTSCP);
}

/* Leaf 7 ECX: protection keys and RDPID as far as they are switched. */
static u32 mv_cpuid_leaf7_ecx(struct mv_vcpu *vcpu, u32 c)
{
	struct minivmm_sregs sregs;

	c &= ~LEAF7_ECX_HIDE;
	if (!mv_guest_has_rdtscp())
		c &= ~LEAF7_ECX_RDPID;
	if (mv_guest_has_pks())
		c |= MV_CPUID7_ECX_PKS;
	if (mv_guest_has_pku()) {
		c |= LEAF7_ECX_PKU;
		mv_vcpu_sregs(vcpu, &sregs);
		if (sregs.cr4 & X86_CR4_PKE)
			c |= LEAF7_ECX_OSPKE;
	}
	return c;
}

/* Leaf 1 ECX: XSAVE, OSXSAVE and AVX as kmod/fpu.c and the guest's CR4 say. */
static u32 mv_cpuid_leaf1_ecx(struct mv_vcpu *vcpu, u32 c)
{
	u64 xcr0_max = mv_guest_xcr0_max();
	struct minivmm_sregs sregs;

	c &= ~LEAF1_ECX_HIDE;
	if (!xcr0_max) {
		c &= ~(LEAF1_ECX_XSAVE | LEAF1_ECX_AVX);
		return c;
	}
	if (!(xcr0_max & XFEATURE_MASK_YMM))
		c &= ~LEAF1_ECX_AVX;
	mv_vcpu_sregs(vcpu, &sregs);
	if (sregs.cr4 & X86_CR4_OSXSAVE)
		c |= LEAF1_ECX_OSXSAVE;
	return c;
}

/*
 * Leaf 0xD, XSAVE: the components of kmod/fpu.c (sub-leaf 0), XSAVEOPT
 * (sub-leaf 1), where YMM sits (sub-leaf 2) and PKRU (sub-leaf 9, where
 * offered); nothing else.
 */
static void mv_cpuid_xsave(struct mv_vcpu *vcpu, u32 subleaf, u32 *a,
			   u32 *b, u32 *c, u32 *d)
{
	u64 xcr0_max = mv_guest_xcr0_max();

	if (!xcr0_max || subleaf >= 64 ||
	    (subleaf > 1 && !(xcr0_max & BIT_ULL(subleaf)))) {
		*a = *b = *c = *d = 0;
		return;
	}
	switch (subleaf) {
	case 0:
		*a = xcr0_max;
		*b = mv_guest_xsave_size(vcpu->xcr0);
		*c = mv_guest_xsave_size(xcr0_max);
		*d = xcr0_max >> 32;
		break;
	case 1:
		*a &= LEAFD1_EAX_XSAVEOPT;
		*b = *c = *d = 0;
		break;
	default:		/* YMM, PKRU: size and offset as the host's */
		*c = *d = 0;
		break;
	}
}

/*
 * Leaf 0x15: the host's says the TSC against the host's crystal, which
 * Linux also takes as the local APIC timer's clock; the guest's timer is
 * kmod/lapic.c's, at MV_LAPIC_BUS_HZ.  So the crystal is that, and the
 * ratio gives the host's TSC rate (tsc_khz) from it; nothing when the
 * host does not know its TSC rate (the guest then measures both).  With
 * the host's leaf, a Linux guest under Bochs programmed its timer 40
 * times too fast and did nothing but take timer interrupts.
 */
static void mv_cpuid_tsc_crystal(u32 *a, u32 *b, u32 *c, u32 *d)
{
	*a = *b = *c = *d = 0;
	if (!tsc_khz)
		return;
	*a = MV_LAPIC_BUS_HZ / 1000;	/* crystal kHz : TSC kHz */
	*b = tsc_khz;
	*c = MV_LAPIC_BUS_HZ;
}

static void mv_cpuid_leaf(struct mv_vcpu *vcpu, u32 leaf, u32 subleaf,
			  u32 *a, u32 *b, u32 *c, u32 *d)
{
	u32 apic_id = vcpu->apic.id;
	u32 max_basic = cpuid_eax(0);
	u32 max_ext = cpuid_eax(0x80000000);

	*a = *b = *c = *d = 0;
	if (mv_kvmclock_cpuid(leaf, a, b, c, d))
		return;
	if (leaf >= MV_CPUID_SIG_LEAF && leaf <= MV_CPUID_SIG_MAX) {
		if (leaf == MV_CPUID_SIG_LEAF) {
			*a = MV_CPUID_SIG_MAX;
			*b = MV_SIG_EBX;
			*c = MV_SIG_ECX;
			*d = MV_SIG_EDX;
		}
		return;
	}
	if (mv_cpu_model_baseline(vcpu->vm)) {
		mv_cpuid_baseline(vcpu, leaf, a, b, c, d);
		return;
	}
	if ((leaf < 0x80000000 && leaf > max_basic) ||
	    (leaf >= 0x80000000 && leaf > max_ext))
		return;		/* out of range: zeros, not the host's last leaf */

	cpuid_count(leaf, subleaf, a, b, c, d);
	switch (leaf) {
	case 1:
		*c = (mv_cpuid_leaf1_ecx(vcpu, *c) & ~LEAF1_ECX_THERMAL) |
		     LEAF1_ECX_HYPERVISOR;
		*d &= ~(LEAF1_EDX_HIDE | LEAF1_EDX_THERMAL);
		/* our APIC ID, one logical CPU */
		*b = (*b & 0x0000ffff) | (apic_id << 24);
		break;
	case 7:
		if (subleaf == 0) {
			*b &= ~LEAF7_EBX_HIDE;
			if (!(mv_guest_xcr0_max() & XFEATURE_MASK_YMM))
				*b &= ~LEAF7_EBX_AVX2;
			*c = mv_cpuid_leaf7_ecx(vcpu, *c);
		} else {
			*a = *b = *c = *d = 0;
		}
		break;
	case 6:
		*a &= LEAF6_EAX_ARAT;
		*b = *c = *d = 0;
		break;
	case 0xd:
		mv_cpuid_xsave(vcpu, subleaf, a, b, c, d);
		break;
	case 0x15:
		mv_cpuid_tsc_crystal(a, b, c, d);
		break;
	case 0xb:		/* x2APIC topology: the host's, so hidden; */
	case 0x1f:		/* leaf 1 describes our one CPU */
	case 0xa:		/* architectural PMU: there is no virtual */
	case 0x80000022:	/* one (RDPMC raises #GP, the MSRs too) */
	case 0x8000000a:	/* SVM features */
		*a = *b = *c = *d = 0;
		break;
	case 0x80000001:
		*c &= ~EXT1_ECX_HIDE;
		*d &= ~EXT1_EDX_HIDE;
		if (!mv_guest_has_rdtscp())
			*d &= ~EXT1_EDX_RDTSCP;
		break;
	default:
		break;
	}
}

enum mv_exit_action mv_exit_cpuid(struct mv_vcpu *vcpu)
{
	u32 a, b, c, d;

	vcpu->exits[MINIVMM_EXIT_CPUID]++;
	MV_PROBE_KIND(vcpu, MV_PK_CPUID);
	mv_cpuid_leaf(vcpu, (u32)vcpu->gprs[MINIVMM_RAX],
		      (u32)vcpu->gprs[MINIVMM_RCX], &a, &b, &c, &d);
	mv_set_rax_rbx_rcx_rdx(vcpu, a, b, c, d);
	mv_skip_insn(vcpu);
	return MV_EXIT_RESUME;
}

/* ---- HLT, hypercalls, shutdown, the unknown ----------------------------- */

/*
 * A HLT with interrupts off parks the vCPU until an INIT or an NMI; once
 * every vCPU is parked so or waits for a SIPI, the guest is done
 * (kmod/smp.c).  With them on, the vCPU sleeps until its APIC has an
 * interrupt to deliver, an NMI or INIT arrives, or the VM leaves RUNNING.
 */
static bool mv_hlt_follows_irq(struct mv_vcpu *vcpu)
{
	bool follows = vcpu->irq_return_valid &&
		       vcpu->irq_return_rip == vcpu->rip;

	vcpu->irq_return_valid = false;
	return follows;
}

/*
 * In a VM with several vCPUs, the interrupt a HLT waits for is often an
 * IPI a few microseconds away: look for it a little while (KVM's halt
 * polling) before sleeping, which costs a wakeup on each side.  Not while
 * another task wants this CPU: on a host CPU shared by the vCPUs, the
 * sender of that IPI may be the task waiting to run.
 */
#define MV_HLT_POLL_NS	100000
static bool mv_hlt_poll(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;
	u64 end;

	if (vm->nr_vcpus < 2)
		return false;
	end = ktime_get_ns() + MV_HLT_POLL_NS;
	do {
		if (mv_irq_pending(vcpu) >= 0 || READ_ONCE(vcpu->init_pending) ||
		    mv_nmi_pending(vcpu) ||
		    READ_ONCE(vm->state) != MINIVMM_VM_RUNNING)
			return true;
		cpu_relax();
	} while (!need_resched() && single_task_running() &&
		 ktime_get_ns() < end);
	return false;
}

enum mv_exit_action mv_exit_hlt(struct mv_vcpu *vcpu)
{
	struct mv_vm *vm = vcpu->vm;
	bool after_irq = mv_hlt_follows_irq(vcpu);

	vcpu->exits[MINIVMM_EXIT_HLT]++;
	mv_skip_insn(vcpu);
	if (!(vcpu->rflags & MV_RFLAGS_IF))	/* parked until INIT */
		return mv_smp_halt(vcpu) ? MV_EXIT_STOP : MV_EXIT_RESUME;
	/*
	 * An interrupt we delivered right at this HLT was meant to wake it:
	 * "sti; hlt" relies on the STI shadow to keep the interrupt for the
	 * HLT, and QEMU's SVM takes an interrupt-window exit inside that
	 * shadow, so the interrupt arrives one instruction early.  Complete
	 * the HLT at once (a spurious wakeup, harmless to idle loops) rather
	 * than sleep past the interrupt it was waiting for.
	 */
	if (after_irq)
		return MV_EXIT_RESUME;
	/* Interrupts on: sleep until one is pending for us. */
	mv_irq_update_timer(vcpu);
	if (mv_hlt_poll(vcpu))
		return MV_EXIT_RESUME;
	wait_event_interruptible(vcpu->wait,
				 READ_ONCE(vm->state) != MINIVMM_VM_RUNNING ||
				 kthread_should_stop() ||
				 READ_ONCE(vcpu->init_pending) ||
				 mv_nmi_pending(vcpu) ||
				 (!vcpu->index &&
				  READ_ONCE(vm->pit.irq0_changed)) ||
				 mv_irq_pending(vcpu) >= 0);
	return MV_EXIT_RESUME;
}

/* Hypercalls that only read or compute: the short path may answer them. */
static bool mv_hypercall_is_fast(u64 nr)
{
	switch (nr) {
	case MINIVMM_HC_API_VERSION:
	case MINIVMM_HC_ADD:
	case MINIVMM_HC_NOP:
	case MINIVMM_HC_STOP_REQUESTED:
	case MINIVMM_HC_VM_ID:
		return true;
	default:
		return false;
	}
}

bool mv_exit_fast(struct mv_vcpu *vcpu, enum mv_fast_exit what)
{
	switch (what) {
	case MV_FAST_CPUID:
		mv_exit_cpuid(vcpu);
		return true;
	case MV_FAST_HYPERCALL:
		if (!mv_hypercall_is_fast(vcpu->gprs[MINIVMM_RAX]))
			return false;
		mv_exit_hypercall(vcpu);
		return true;
	}
	return false;
}

enum mv_exit_action mv_exit_hypercall(struct mv_vcpu *vcpu)
{
	u64 *r = vcpu->gprs;

	vcpu->exits[MINIVMM_EXIT_HYPERCALL]++;
	MV_PROBE_KIND(vcpu, MV_PK_HC);
	switch (r[MINIVMM_RAX]) {
	case MINIVMM_HC_API_VERSION:
		r[MINIVMM_RAX] = MINIVMM_API_VERSION;
		break;
	case MINIVMM_HC_ADD:
		r[MINIVMM_RAX] = r[MINIVMM_RBX] + r[MINIVMM_RCX] +
				 r[MINIVMM_RDX] + r[MINIVMM_RSI];
		break;
	case MINIVMM_HC_NOP:
		r[MINIVMM_RAX] = 0;
		break;
	case MINIVMM_HC_STOP_REQUESTED:
		/* The guest speaks the protocol: stops will wait for it. */
		WRITE_ONCE(vcpu->vm->stop_aware, true);
		r[MINIVMM_RAX] = READ_ONCE(vcpu->vm->stop_requested);
		break;
	case MINIVMM_HC_VM_ID:
		r[MINIVMM_RAX] = vcpu->vm->id;
		break;
	case MINIVMM_HC_MEM_TARGET:
	case MINIVMM_HC_MEM_RETURN:
	case MINIVMM_HC_MEM_RECLAIM:
		r[MINIVMM_RAX] = mv_hc_balloon(vcpu, r[MINIVMM_RAX],
					       r[MINIVMM_RBX], r[MINIVMM_RCX]);
		break;
	default:
		r[MINIVMM_RAX] = (u64)-ENOSYS;
		break;
	}
	mv_skip_insn(vcpu);
	return MV_EXIT_RESUME;
}

enum mv_exit_action mv_exit_shutdown(struct mv_vcpu *vcpu)
{
	vcpu->exits[MINIVMM_EXIT_SHUTDOWN]++;
	mv_vm_stop(vcpu->vm, MINIVMM_STOP_CRASHED, 0);
	return MV_EXIT_STOP;
}

enum mv_exit_action mv_exit_unhandled(struct mv_vcpu *vcpu, u64 raw)
{
	vcpu->exits[MINIVMM_EXIT_OTHER]++;
	pr_warn_ratelimited("VM %u: unhandled exit %#llx at RIP %#llx: VM stopped\n",
			    vcpu->vm->id, raw, vcpu->rip);
	mv_vm_stop(vcpu->vm, MINIVMM_STOP_INTERNAL_ERROR, raw);
	return MV_EXIT_STOP;
}

/* ---- instructions and exceptions the host must see ---------------------- */

enum mv_exit_action mv_exit_cache_flush(struct mv_vcpu *vcpu)
{
	vcpu->exits[MINIVMM_EXIT_OTHER]++;
	mv_skip_insn(vcpu);
	return MV_EXIT_RESUME;
}

/*
 * The guest ran PAUSE in a tight loop for long enough that the CPU made
 * it exit: it most likely waits for a spinlock whose holder, a sibling
 * vCPU, is not running.  The run loop yields before the next entry
 * (mv_vcpu_yield_to_sibling()); the PAUSE itself is done.
 */
enum mv_exit_action mv_exit_pause(struct mv_vcpu *vcpu)
{
	vcpu->exits[MINIVMM_EXIT_PAUSE]++;
	vcpu->spinning = true;
	mv_skip_insn(vcpu);
	return MV_EXIT_RESUME;
}

enum mv_exit_action mv_exit_rdpmc(struct mv_vcpu *vcpu)
{
	vcpu->exits[MINIVMM_EXIT_OTHER]++;
	mv_host.ops->inject_exception(vcpu, GP_VECTOR, true, 0);
	return MV_EXIT_RESUME;
}

enum mv_exit_action mv_exit_reflect(struct mv_vcpu *vcpu, u8 vector,
				    bool has_error, u32 error_code)
{
	vcpu->exits[MINIVMM_EXIT_EXCEPTION]++;
	mv_host.ops->inject_exception(vcpu, vector, has_error, error_code);
	return MV_EXIT_RESUME;
}

/*
 * Interrupts off, right after the exit.  The host's #MC handler joins the
 * other CPUs' rendezvous and logs or recovers; it is told the event came
 * from user mode with interrupts on, which is what a guest is to the
 * host: a recoverable error then costs the guest's context, not a host
 * panic for an "uncorrectable error in kernel code".
 */
void mv_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = __USER_CS,
		.ss = __USER_DS,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/* ---- MSRs --------------------------------------------------------------- */

static void mv_inject_gp(struct mv_vcpu *vcpu)
{
	mv_host.ops->inject_exception(vcpu, GP_VECTOR, true, 0);
}

/* ---- performance counters: there, never counting ------------------------ */

/*
 * minivmm gives a guest no PMU, but a guest programs the counters its CPUID
 * implies (Linux's perf, kvm-unit-tests' common setup), and AMD has no
 * architectural "no PMU" state: the four legacy K7 counters exist on every
 * AMD CPU.  So, as KVM does without a virtual PMU, each counter MSR the
 * guest's CPUID implies reads as 0 and ignores writes; the rest stay #GP.
 * Decided on the CPUID view the guest gets, so hiding a feature there
 * hides its MSRs too.
 */
#define MV_AMD_CTRS_LEGACY	4	/* K7 EVNTSEL0-3, PERFCTR0-3 */
#define MV_AMD_CTRS_CORE	6	/* F15h PERF_CTL/CTR pairs */
#define EXT1_ECX_PERFCTR_CORE	BIT(23)
#define EXT22_EAX_PERFMON_V2	BIT(0)
#define LEAF1_ECX_PDCM		BIT(15)

struct mv_cpuid_regs {
	u32 a, b, c, d;
};

static struct mv_cpuid_regs mv_guest_cpuid(struct mv_vcpu *vcpu, u32 leaf)
{
	struct mv_cpuid_regs r;

	mv_cpuid_leaf(vcpu, leaf, 0, &r.a, &r.b, &r.c, &r.d);
	return r;
}

static bool mv_msr_in(u32 msr, u32 base, u32 count)
{
	return msr >= base && msr - base < count;
}

static bool mv_amd_pmu_msr(struct mv_vcpu *vcpu, u32 msr)
{
	struct mv_cpuid_regs v2;
	u32 ctrs = MV_AMD_CTRS_CORE;

	if (mv_msr_in(msr, MSR_K7_EVNTSEL0, 2 * MV_AMD_CTRS_LEGACY))
		return true;
	if (!(mv_guest_cpuid(vcpu, 0x80000001).c & EXT1_ECX_PERFCTR_CORE))
		return false;
	v2 = mv_guest_cpuid(vcpu, 0x80000022);
	if (v2.a & EXT22_EAX_PERFMON_V2) {
		ctrs = max_t(u32, ctrs, v2.b & 0xf);
		/* GLOBAL_STATUS, _CTL, _STATUS_CLR (and _SET) */
		if (mv_msr_in(msr, MSR_AMD64_PERF_CNTR_GLOBAL_STATUS, 4))
			return true;
	}
	return mv_msr_in(msr, MSR_F15H_PERF_CTL, 2 * ctrs);
}

static bool mv_intel_pmu_msr(struct mv_vcpu *vcpu, u32 msr)
{
	struct mv_cpuid_regs pm = mv_guest_cpuid(vcpu, 0xa);
	u32 version = pm.a & 0xff, gp = (pm.a >> 8) & 0xff;

	if (msr == MSR_IA32_PERF_CAPABILITIES)
		return mv_guest_cpuid(vcpu, 1).c & LEAF1_ECX_PDCM;
	if (!version)
		return false;
	if (mv_msr_in(msr, MSR_IA32_PERFCTR0, gp) ||
	    mv_msr_in(msr, MSR_P6_EVNTSEL0, gp))
		return true;
	if (version < 2)
		return false;
	/* FIXED_CTR_CTRL, GLOBAL_STATUS, GLOBAL_CTRL, GLOBAL_OVF_CTRL */
	return mv_msr_in(msr, MSR_CORE_PERF_FIXED_CTR0, pm.d & 0x1f) ||
	       mv_msr_in(msr, MSR_CORE_PERF_FIXED_CTR_CTRL, 4);
}

static bool mv_pmu_msr(struct mv_vcpu *vcpu, u32 msr)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		return mv_amd_pmu_msr(vcpu, msr);
	case X86_VENDOR_INTEL:
		return mv_intel_pmu_msr(vcpu, msr);
	}
	return false;
}

/* The MSRs the core answers itself (the backend keeps EFER and PAT). */
static int mv_core_get_msr(struct mv_vcpu *vcpu, u32 msr, u64 *val)
{
	if (!mv_kvmclock_get_msr(vcpu, msr, val))
		return 0;
	switch (msr) {
	case MSR_IA32_TSC:
		*val = rdtsc();
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = MSR_IA32_MISC_ENABLE_FAST_STRING;
		return 0;
	case MSR_IA32_UCODE_REV:
	case MSR_IA32_FEAT_CTL:
		*val = msr == MSR_IA32_FEAT_CTL ? FEAT_CTL_LOCKED : 0;
		return 0;
	case MSR_TSC_AUX:
		if (!mv_has_tsc_aux())
			return -EINVAL;
		*val = vcpu->tsc_aux;
		return 0;
	case MV_MSR_IA32_PKRS:
		if (!mv_guest_has_pks())
			return -EINVAL;
		*val = vcpu->pkrs;
		return 0;
	}
	if (mv_pmu_msr(vcpu, msr)) {
		*val = 0;
		return 0;
	}
	/* IA32_APIC_BASE, x2APIC registers; refused when not the APIC's. */
	return mv_lapic_rdmsr(&vcpu->apic, msr, ktime_get_ns(), val) ? -EINVAL
								     : 0;
}

static int mv_core_set_msr(struct mv_vcpu *vcpu, u32 msr, u64 val)
{
	if (!mv_kvmclock_set_msr(vcpu, msr, val))
		return 0;
	if (msr == MSR_IA32_UCODE_REV)	/* writes of 0 precede reading it */
		return val ? -EINVAL : 0;
	if (msr == MSR_TSC_AUX) {
		/* The guest's own copy; bits 63:32 are reserved. */
		if (!mv_has_tsc_aux() || val >> 32)
			return -EINVAL;
		vcpu->tsc_aux = val;
		return 0;
	}
	if (msr == MV_MSR_IA32_PKRS) {
		/* Two bits per key, 16 keys: bits 63:32 are reserved. */
		if (!mv_guest_has_pks() || val >> 32)
			return -EINVAL;
		vcpu->pkrs = val;
		return 0;
	}
	if (mv_pmu_msr(vcpu, msr))
		return 0;	/* no counter counts: the value is dropped */
	if (mv_lapic_wrmsr(&vcpu->apic, msr, val, ktime_get_ns()))
		return -EINVAL;
	if (vcpu->apic.ipi_pending)
		mv_smp_send_ipi(vcpu);
	mv_ioapic_lapic_eoi(vcpu);
	return 0;
}

enum mv_exit_action mv_exit_msr(struct mv_vcpu *vcpu, bool write)
{
	u32 msr = (u32)vcpu->gprs[MINIVMM_RCX];
	u64 val;
	int ret;

	vcpu->exits[MINIVMM_EXIT_MSR]++;
	if (write) {
		val = (vcpu->gprs[MINIVMM_RDX] << 32) |
		      (u32)vcpu->gprs[MINIVMM_RAX];
		ret = mv_host.ops->set_msr(vcpu, msr, val);
		if (ret == -ENOENT)
			ret = mv_core_set_msr(vcpu, msr, val);
	} else {
		ret = mv_host.ops->get_msr(vcpu, msr, &val);
		if (ret == -ENOENT)
			ret = mv_core_get_msr(vcpu, msr, &val);
		if (!ret) {
			vcpu->gprs[MINIVMM_RAX] = (u32)val;
			vcpu->gprs[MINIVMM_RDX] = val >> 32;
		}
	}
	if (ret)
		mv_inject_gp(vcpu);	/* the instruction faults, RIP stays */
	else
		mv_skip_insn(vcpu);
	return MV_EXIT_RESUME;
}

/* ---- port I/O ----------------------------------------------------------- */

/* An IN's value into RAX: 32 bits zero-extend, 8 and 16 merge. */
static void mv_io_set_rax(struct mv_vcpu *vcpu, u8 size, u32 mask, u32 val)
{
	u64 *rax = &vcpu->gprs[MINIVMM_RAX];

	val &= mask;
	if (size == 4)
		*rax = val;
	else
		*rax = (*rax & ~(u64)mask) | val;
}

static u32 mv_io_mask(u8 size)
{
	return size == 4 ? 0xffffffff : (1u << (size * 8)) - 1;
}

/*
 * Linux's boot scans PCI configuration space (34,000 exits on the way to
 * /init) and reads the RTC: answered here without leaving guest mode.
 */
bool mv_exit_fast_io(struct mv_vcpu *vcpu, u16 port, u8 size, bool in,
		     bool string)
{
	struct mv_vm *vm = vcpu->vm;
	enum mv_io_result res;
	u32 mask, val;

	if (string || (size != 1 && size != 2 && size != 4) ||
	    !mv_platform_port_is_quiet(port))
		return false;
	mask = mv_io_mask(size);
	val = in ? mask : (u32)vcpu->gprs[MINIVMM_RAX] & mask;
	spin_lock(&vm->dev_lock);
	res = mv_platform_io(&vm->platform, port, size, in, &val);
	spin_unlock(&vm->dev_lock);
	/* Unclaimed (an odd size): untouched, the full path decides. */
	if (res != MV_IO_DONE)
		return false;
	vcpu->exits[MINIVMM_EXIT_IO]++;
	if (in)
		mv_io_set_rax(vcpu, size, mask, val);
	mv_skip_insn(vcpu);
	return true;
}

enum mv_exit_action mv_exit_io(struct mv_vcpu *vcpu, u16 port, u8 size,
			       bool in, bool string)
{
	enum mv_exit_action action;
	u64 *rax = &vcpu->gprs[MINIVMM_RAX];
	u32 mask, val;

	vcpu->exits[MINIVMM_EXIT_IO]++;
	if (string || (size != 1 && size != 2 && size != 4)) {
		/* INS/OUTS are not emulated yet: the guest loses, not the host. */
		pr_warn_ratelimited("VM %u: string I/O on port %#x: VM stopped\n",
				    vcpu->vm->id, port);
		mv_vm_stop(vcpu->vm, MINIVMM_STOP_INTERNAL_ERROR, port);
		return MV_EXIT_STOP;
	}

	mask = mv_io_mask(size);
	val = in ? mask : (u32)*rax & mask;
	action = mv_io_dispatch(vcpu, port, size, in, &val);
	mv_console_maybe_grow(&vcpu->vm->console);
	if (in)
		mv_io_set_rax(vcpu, size, mask, val);
	if (action == MV_EXIT_RESUME)
		mv_skip_insn(vcpu);
	return action;
}
