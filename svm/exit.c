// SPDX-License-Identifier: GPL-2.0
/*
 * AMD-V exit dispatch: one handler per exit code, from a bounds-checked
 * table, calling the core's mv_exit_*().  Those count their own exits
 * (vcpu->exits[]); we count only the exits the core never sees (host
 * interrupts and NMIs, instructions answered with an exception here).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include "emulate.h"
#include "svm/svm.h"

/* Longest x86 instruction. */
#define SVM_MAX_INSN_LEN	15

typedef enum mv_exit_action (*svm_exit_fn)(struct svm_vcpu *svm);

static void svm_count(struct svm_vcpu *svm, enum minivmm_exit_reason reason)
{
	svm->base.exits[reason]++;
}

/*
 * Length of the intercepted instruction.  nRIP exists only with NRIP save
 * (not on QEMU TCG); otherwise the caller's length for the instruction's
 * usual encoding (a prefixed CPUID, say, would be mis-skipped).
 */
static void svm_set_insn_len(struct svm_vcpu *svm, u8 usual)
{
	u64 len = usual;

	if (mv_host.features & MINIVMM_FEAT(NRIPS)) {
		u64 n = svm->vmcb->control.next_rip - svm->base.rip;

		if (n && n <= SVM_MAX_INSN_LEN)
			len = n;
	}
	svm->base.exit_insn_len = len;
}

static enum mv_exit_action svm_exit_unknown(struct svm_vcpu *svm)
{
	return mv_exit_unhandled(&svm->base, svm->vmcb->control.exit_code);
}

/* Host INTR/SMI/INIT: handled by the host after STGI; just go round. */
static enum mv_exit_action svm_exit_intr(struct svm_vcpu *svm)
{
	svm_count(svm, MINIVMM_EXIT_INTR);
	return MV_EXIT_RESUME;
}

/* The guest opened its interrupt window: the next entry injects. */
static enum mv_exit_action svm_exit_vintr(struct svm_vcpu *svm)
{
	svm_count(svm, MINIVMM_EXIT_OTHER);
	svm_clear_irq_window(svm);
	return MV_EXIT_RESUME;
}

static enum mv_exit_action svm_exit_nmi(struct svm_vcpu *svm)
{
	svm_count(svm, MINIVMM_EXIT_NMI);
	return MV_EXIT_RESUME;
}

static enum mv_exit_action svm_exit_cpuid(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 2);		/* 0f a2 */
	return mv_exit_cpuid(&svm->base);
}

static enum mv_exit_action svm_exit_hlt(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 1);		/* f4 */
	return mv_exit_hlt(&svm->base);
}

static enum mv_exit_action svm_exit_vmmcall(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 3);		/* 0f 01 d9 */
	return mv_exit_hypercall(&svm->base);
}

static enum mv_exit_action svm_exit_msr(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 2);		/* 0f 32, 0f 30 */
	return mv_exit_msr(&svm->base, svm->vmcb->control.exit_info1 == 1);
}

static u8 svm_ioio_size(u64 info)
{
	if (info & SVM_IOIO_SZ8)
		return 1;
	if (info & SVM_IOIO_SZ16)
		return 2;
	if (info & SVM_IOIO_SZ32)
		return 4;
	return 0;
}

/* EXITINFO2 holds the next RIP even without NRIP save. */
static enum mv_exit_action svm_exit_ioio(struct svm_vcpu *svm)
{
	const struct vmcb_control *c = &svm->vmcb->control;
	u64 info = c->exit_info1;
	u64 len = c->exit_info2 - svm->base.rip;
	u8 size = svm_ioio_size(info);

	if (!size || !len || len > SVM_MAX_INSN_LEN)
		return mv_exit_unhandled(&svm->base, c->exit_code);
	svm->base.exit_insn_len = len;
	return mv_exit_io(&svm->base,
			  (info & SVM_IOIO_PORT_MASK) >> SVM_IOIO_PORT_SHIFT,
			  size, info & SVM_IOIO_TYPE_IN, info & SVM_IOIO_STR);
}

static enum mv_exit_action svm_exit_shutdown(struct svm_vcpu *svm)
{
	return mv_exit_shutdown(&svm->base);
}

/* EXITINFO1 of a nested page fault (APM 15.25.6). */
#define SVM_NPF_FETCH		BIT_ULL(4)
#define SVM_NPF_WALK		BIT_ULL(33)	/* a guest page-table access */

static enum mv_exit_action svm_exit_npf(struct svm_vcpu *svm)
{
	u64 info = svm->vmcb->control.exit_info1;
	unsigned int flags = 0;

	if (info & SVM_NPF_FETCH)
		flags |= MV_NPF_FETCH;
	if (info & SVM_NPF_WALK)
		flags |= MV_NPF_WALK;
	svm->base.exit_insn_len = 0;
	return mv_exit_npf(&svm->base, svm->vmcb->control.exit_info2, flags);
}

/*
 * SVM instructions, MONITOR/MWAIT, RDPRU: CPUID tells the guest it has
 * none of them, so answer as a CPU without them would.
 */
static enum mv_exit_action svm_exit_ud(struct svm_vcpu *svm)
{
	svm_count(svm, MINIVMM_EXIT_OTHER);
	svm_inject_exception(&svm->base, X86_TRAP_UD, false, 0);
	return MV_EXIT_RESUME;
}

/* XSETBV (0f 01 d1): XCR0 is the guest's own (kmod/fpu.c). */
static enum mv_exit_action svm_exit_xsetbv(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 3);
	return mv_exit_xsetbv(&svm->base,
			      svm->vmcb->save.cr4 & X86_CR4_OSXSAVE);
}

/*
 * MOV to CR4.  QEMU offers no decode assists, so the instruction is
 * fetched and decoded here; anything else than MOV to CR4 (which the
 * intercept cannot have caught) stops the VM as an internal error.
 */
static enum mv_exit_action svm_exit_cr4_write(struct svm_vcpu *svm)
{
	struct mv_vcpu *vcpu = &svm->base;
	struct minivmm_sregs sr = { 0 };
	u8 insn[SVM_MAX_INSN_LEN];
	unsigned int bits, got;
	struct mv_cr_op op;
	u64 val;

	mv_vcpu_sregs(vcpu, &sr);
	got = mv_fetch_guest_insn(vcpu, &sr, insn, &bits);
	if (mv_decode_mov_to_cr(insn, got, bits, &op) || op.cr != 4) {
		pr_warn_ratelimited("VM %s: CR4 write at RIP %#llx not decoded: %*ph\n",
				    vcpu->vm->name, vcpu->rip,
				    (int)min(got, 8U), insn);
		return svm_exit_unknown(svm);
	}
	svm_count(svm, MINIVMM_EXIT_OTHER);
	val = vcpu->gprs[op.gpr];
	if (bits != 64)
		val = (u32)val;
	if (svm_write_cr4(svm, val))
		svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
	else
		vcpu->rip += op.len;
	return MV_EXIT_RESUME;
}

/* INVD, WBINVD: no-ops (mv_exit_cache_flush()).  WBNOINVD is f3 0f 09. */
static enum mv_exit_action svm_exit_invd(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 2);		/* 0f 08 */
	return mv_exit_cache_flush(&svm->base);
}

static enum mv_exit_action svm_exit_wbinvd(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 2);		/* 0f 09 */
	return mv_exit_cache_flush(&svm->base);
}

/*
 * The pause filter ran out (mv_exit_pause()).  PAUSE is f3 90, perhaps
 * with more prefixes: without NRIP save its length is unknown, and
 * running it again is harmless.
 */
static enum mv_exit_action svm_exit_pause(struct svm_vcpu *svm)
{
	svm_set_insn_len(svm, 0);
	return mv_exit_pause(&svm->base);
}

static enum mv_exit_action svm_exit_rdpmc(struct svm_vcpu *svm)
{
	return mv_exit_rdpmc(&svm->base);
}

/*
 * #DB: DR6 in the VMCB already says why (the CPU updates it before the
 * intercept), so delivering the exception is all that is left to do.
 */
static enum mv_exit_action svm_exit_db(struct svm_vcpu *svm)
{
	if (svm_nmi_step_done(svm))	/* stepped an IRET: svm/nmi.c */
		return MV_EXIT_RESUME;
	return mv_exit_reflect(&svm->base, X86_TRAP_DB, false, 0);
}

/* #AC always pushes an error code of 0. */
static enum mv_exit_action svm_exit_ac(struct svm_vcpu *svm)
{
	return mv_exit_reflect(&svm->base, X86_TRAP_AC, true, 0);
}

/* The host's handler ran in svm_enter(); the guest just goes on. */
static enum mv_exit_action svm_exit_mc(struct svm_vcpu *svm)
{
	svm_count(svm, MINIVMM_EXIT_EXCEPTION);
	return MV_EXIT_RESUME;
}

/* VMRUN's consistency checks failed: say what the VMCB held. */
static enum mv_exit_action svm_exit_invalid(struct svm_vcpu *svm)
{
	const struct vmcb *v = svm->vmcb;

	pr_warn_ratelimited("VM %s: VMRUN failed consistency checks (exit code %#llx): cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx cs %#06x attrib %#05x rip %#llx rflags %#llx dr6 %#llx dr7 %#llx asid %u event_inj %#llx\n",
			    svm->base.vm->name, v->control.exit_code,
			    v->save.cr0, v->save.cr3, v->save.cr4,
			    v->save.efer, v->save.cs.selector,
			    v->save.cs.attrib, v->save.rip, v->save.rflags,
			    v->save.dr6, v->save.dr7, v->control.asid,
			    v->control.event_inj);
	return mv_exit_unhandled(&svm->base, v->control.exit_code);
}

static const svm_exit_fn svm_exit_table[SVM_EXIT_TABLE_SIZE] = {
	[SVM_EXIT_CR0_WRITE + 4] = svm_exit_cr4_write,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_DB] = svm_exit_db,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_AC] = svm_exit_ac,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_MC] = svm_exit_mc,
	[SVM_EXIT_INTR]		= svm_exit_intr,
	[SVM_EXIT_NMI]		= svm_exit_nmi,
	[SVM_EXIT_SMI]		= svm_exit_intr,
	[SVM_EXIT_INIT]		= svm_exit_intr,
	[SVM_EXIT_VINTR]	= svm_exit_vintr,
	[SVM_EXIT_CPUID]	= svm_exit_cpuid,
	[SVM_EXIT_RDPMC]	= svm_exit_rdpmc,
	[SVM_EXIT_INVD]		= svm_exit_invd,
	[SVM_EXIT_HLT]		= svm_exit_hlt,
	[SVM_EXIT_PAUSE]	= svm_exit_pause,
	[SVM_EXIT_IOIO]		= svm_exit_ioio,
	[SVM_EXIT_MSR]		= svm_exit_msr,
	[SVM_EXIT_SHUTDOWN]	= svm_exit_shutdown,
	[SVM_EXIT_VMMCALL]	= svm_exit_vmmcall,
	[SVM_EXIT_VMRUN]	= svm_exit_ud,
	[SVM_EXIT_VMLOAD]	= svm_exit_ud,
	[SVM_EXIT_VMSAVE]	= svm_exit_ud,
	[SVM_EXIT_STGI]		= svm_exit_ud,
	[SVM_EXIT_CLGI]		= svm_exit_ud,
	[SVM_EXIT_SKINIT]	= svm_exit_ud,
	[SVM_EXIT_WBINVD]	= svm_exit_wbinvd,
	[SVM_EXIT_INVLPGA]	= svm_exit_ud,
	[SVM_EXIT_MONITOR]	= svm_exit_ud,
	[SVM_EXIT_MWAIT]	= svm_exit_ud,
	[SVM_EXIT_MWAIT_COND]	= svm_exit_ud,
	[SVM_EXIT_RDPRU]	= svm_exit_ud,
	[SVM_EXIT_IRET]		= svm_exit_iret,
	[SVM_EXIT_XSETBV]	= svm_exit_xsetbv,
};

/*
 * Was @info raised by an instruction (INTn, INT3, INTO)?  Then RIP still
 * points at that instruction and running it again raises the event again;
 * re-injecting it instead would push the wrong return address when there
 * is no NRIP save to tell the CPU where the instruction ends.
 */
static bool svm_event_from_insn(u64 info)
{
	u64 type = info & SVM_EVT_TYPE_MASK;
	u64 vector = info & SVM_EVT_VECTOR_MASK;

	if (type == SVM_EVT_TYPE_SOFT_INT)
		return true;
	return type == SVM_EVT_TYPE_EXCEPTION &&
	       (vector == X86_TRAP_BP || vector == X86_TRAP_OF);
}

/*
 * An event the CPU was delivering when the exit happened (EXITINTINFO.V,
 * e.g. a #PF whose IDT read hit a nested page fault) was not delivered:
 * queue it again for the next entry.  EVENTINJ itself was consumed.
 */
static void svm_requeue_event(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 info = c->exit_int_info;

	c->event_inj = 0;
	if ((info & SVM_EVT_VALID) && !svm_event_from_insn(info))
		c->event_inj = info;
}

static bool svm_exit_fast_io(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 info = c->exit_info1;
	u64 len = c->exit_info2 - svm->base.rip;

	if (!len || len > SVM_MAX_INSN_LEN)
		return false;
	svm->base.exit_insn_len = len;
	return mv_exit_fast_io(&svm->base,
			       (info & SVM_IOIO_PORT_MASK) >> SVM_IOIO_PORT_SHIFT,
			       svm_ioio_size(info), info & SVM_IOIO_TYPE_IN,
			       info & SVM_IOIO_STR);
}

/*
 * The short path (mv_exit_fast()), from svm_enter(): GIF clear, the
 * registers taken from the VMCB.  Only an instruction exit that
 * interrupted no event delivery qualifies, and none while an NMI's IRET
 * is being stepped (svm/nmi.c).
 */
bool svm_exit_fast(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 rip = svm->base.rip;
	bool done;

	if ((c->exit_int_info & SVM_EVT_VALID) || svm->nmi_step)
		return false;
	/* As svm_requeue_event() would: the last injection was delivered. */
	c->event_inj = 0;
	switch (c->exit_code) {
	case SVM_EXIT_IOIO:
		done = svm_exit_fast_io(svm);
		break;
	case SVM_EXIT_CPUID:
		svm_set_insn_len(svm, 2);
		done = mv_exit_fast(&svm->base, MV_FAST_CPUID);
		break;
	case SVM_EXIT_VMMCALL:
		svm_set_insn_len(svm, 3);
		done = mv_exit_fast(&svm->base, MV_FAST_HYPERCALL);
		break;
	default:
		return false;
	}
	if (done)
		mv_trace_exit_at(&svm->base, c->exit_code, rip);
	return done;
}

enum mv_exit_action svm_handle_exit(struct svm_vcpu *svm)
{
	u64 code = svm->vmcb->control.exit_code;
	svm_exit_fn fn = NULL;

	svm->base.exit_insn_len = 0;
	mv_trace_exit(&svm->base, code);
	if (svm_exit_is_invalid(code))
		return svm_exit_invalid(svm);
	svm_requeue_event(svm);
	if (code == SVM_EXIT_NPF)
		return svm_exit_npf(svm);
	if (code < SVM_EXIT_TABLE_SIZE)
		fn = svm_exit_table[code];
	if (!fn)
		return svm_exit_unknown(svm);
	return fn(svm);
}
