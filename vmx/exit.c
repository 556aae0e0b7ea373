// SPDX-License-Identifier: GPL-2.0
/*
 * VT-x exit dispatch: one handler per basic exit reason, from a
 * bounds-checked table, calling the core's mv_exit_*().  Those count their
 * own exits (vcpu->exits[]); we count only the exits the core never sees,
 * and never one that ends in mv_exit_unhandled() (which counts it as
 * OTHER): each exit is counted once.
 * The exit information was read right after the exit (vmx_read_exit());
 * handlers that touch the VMCS make it current with vmx_with_vmcs().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include "vmx/vmx.h"

/* Longest x86 instruction. */
#define VMX_MAX_INSN_LEN	15

typedef enum mv_exit_action (*vmx_exit_fn)(struct vmx_vcpu *vmx);

static void vmx_count(struct vmx_vcpu *vmx, enum minivmm_exit_reason reason)
{
	vmx->base.exits[reason]++;
}

static enum mv_exit_action vmx_unhandled(struct vmx_vcpu *vmx)
{
	return mv_exit_unhandled(&vmx->base, vmx->exit_reason);
}

/* VM_EXIT_INSTRUCTION_LEN is valid for instruction exits (SDM 28.2.5). */
static bool vmx_set_insn_len(struct vmx_vcpu *vmx)
{
	u32 len = vmx->exit_insn_len;

	if (!len || len > VMX_MAX_INSN_LEN)
		return false;
	vmx->base.exit_insn_len = len;
	return true;
}

/*
 * Exception or NMI.  Host NMIs and machine checks were handed to the host
 * in vmx_enter(); #AC goes back to the guest (the intercept only makes
 * each delivery an exit; its error code is always 0).  The exception
 * bitmap holds nothing else.
 */
static enum mv_exit_action vmx_exit_exception_nmi(struct vmx_vcpu *vmx)
{
	u32 info = vmx->exit_intr_info;
	u32 vector = info & INTR_INFO_VECTOR_MASK;

	if ((info & INTR_INFO_VALID) &&
	    vmx_intr_type(info) == INTR_TYPE_NMI) {
		vmx_count(vmx, MINIVMM_EXIT_NMI);
		return MV_EXIT_RESUME;
	}
	if ((info & INTR_INFO_VALID) &&
	    vmx_intr_type(info) == INTR_TYPE_HARD_EXCEPTION) {
		if (vector == X86_TRAP_AC)
			return mv_exit_reflect(&vmx->base, X86_TRAP_AC, true, 0);
		if (vector == X86_TRAP_MC) {
			vmx_count(vmx, MINIVMM_EXIT_EXCEPTION);
			return MV_EXIT_RESUME;
		}
	}
	/* Counted once, as OTHER, by mv_exit_unhandled(). */
	return mv_exit_unhandled(&vmx->base, vmx->exit_reason |
				 ((u64)vmx->exit_intr_info << 32));
}

/* Host interrupt: taken by the host at local_irq_enable(); go round. */
static enum mv_exit_action vmx_exit_intr(struct vmx_vcpu *vmx)
{
	vmx_count(vmx, MINIVMM_EXIT_INTR);
	return MV_EXIT_RESUME;
}

/* The bounded time slice ended. */
static enum mv_exit_action vmx_exit_preempt(struct vmx_vcpu *vmx)
{
	vmx_count(vmx, MINIVMM_EXIT_PREEMPT);
	return MV_EXIT_RESUME;
}

/* The guest opened its interrupt window: stop asking; the entry injects. */
static enum mv_exit_action vmx_exit_window(struct vmx_vcpu *vmx)
{
	if (vmx_with_vmcs(vmx))
		return vmx_unhandled(vmx);
	vmx_count(vmx, MINIVMM_EXIT_OTHER);
	vmcs_write(VMCS_CPU_BASED_VM_EXEC_CONTROL,
		   vmcs_read32(VMCS_CPU_BASED_VM_EXEC_CONTROL) &
		   ~CPU_INTR_WINDOW_EXITING);
	vmx_done_vmcs();
	return MV_EXIT_RESUME;
}

static enum mv_exit_action vmx_exit_triple_fault(struct vmx_vcpu *vmx)
{
	return mv_exit_shutdown(&vmx->base);
}

static enum mv_exit_action vmx_exit_cpuid(struct vmx_vcpu *vmx)
{
	if (!vmx_set_insn_len(vmx))
		return vmx_unhandled(vmx);
	return mv_exit_cpuid(&vmx->base);
}

static enum mv_exit_action vmx_exit_hlt(struct vmx_vcpu *vmx)
{
	if (!vmx_set_insn_len(vmx))
		return vmx_unhandled(vmx);
	return mv_exit_hlt(&vmx->base);
}

static enum mv_exit_action vmx_exit_pause(struct vmx_vcpu *vmx)
{
	if (!vmx_set_insn_len(vmx))
		return vmx_unhandled(vmx);
	return mv_exit_pause(&vmx->base);
}

static enum mv_exit_action vmx_exit_vmcall(struct vmx_vcpu *vmx)
{
	if (!vmx_set_insn_len(vmx))
		return vmx_unhandled(vmx);
	return mv_exit_hypercall(&vmx->base);
}

static enum mv_exit_action vmx_exit_msr(struct vmx_vcpu *vmx)
{
	if (!vmx_set_insn_len(vmx))
		return vmx_unhandled(vmx);
	return mv_exit_msr(&vmx->base,
			   (vmx->exit_reason & EXIT_REASON_BASIC_MASK) ==
			   EXIT_WRMSR);
}

static enum mv_exit_action vmx_exit_io(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	u8 size = (q & IO_QUAL_SIZE_MASK) + 1;

	if (!vmx_set_insn_len(vmx) || (size != 1 && size != 2 && size != 4))
		return vmx_unhandled(vmx);
	return mv_exit_io(&vmx->base,
			  (q & IO_QUAL_PORT_MASK) >> IO_QUAL_PORT_SHIFT, size,
			  q & IO_QUAL_IN, q & IO_QUAL_STRING);
}

/* Exit qualification of an EPT violation (SDM 28.2.1, table 28-7). */
#define EPT_QUAL_FETCH		BIT_ULL(2)
#define EPT_QUAL_GLA_VALID	BIT_ULL(7)
#define EPT_QUAL_GLA_FINAL	BIT_ULL(8)	/* the access, not a walk */

static enum mv_exit_action vmx_exit_ept_violation(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	unsigned int flags = 0;

	if (q & EPT_QUAL_FETCH)
		flags |= MV_NPF_FETCH;
	if (!(q & EPT_QUAL_GLA_VALID) || !(q & EPT_QUAL_GLA_FINAL))
		flags |= MV_NPF_WALK;
	vmx->base.exit_insn_len = 0;
	return mv_exit_npf(&vmx->base, vmx->exit_gpa, flags);
}

/* Our EPT entries are wrong: a bug on our side; stop this VM only. */
static enum mv_exit_action vmx_exit_ept_misconfig(struct vmx_vcpu *vmx)
{
	pr_warn_ratelimited("VM %s: EPT misconfiguration at guest-physical address %#llx\n",
			    vmx->base.vm->name, vmx->exit_gpa);
	return vmx_unhandled(vmx);
}

/* INVD, WBINVD: no-ops (mv_exit_cache_flush()). */
static enum mv_exit_action vmx_exit_cache_flush(struct vmx_vcpu *vmx)
{
	if (!vmx_set_insn_len(vmx))
		return vmx_unhandled(vmx);
	return mv_exit_cache_flush(&vmx->base);
}

static enum mv_exit_action vmx_exit_rdpmc(struct vmx_vcpu *vmx)
{
	return mv_exit_rdpmc(&vmx->base);
}

/*
 * VMX instructions (VMCALL is the hypercall), INVEPT/INVVPID, VMFUNC,
 * MONITOR/MWAIT, GETSEC: CPUID tells the guest it has none of them, so
 * answer as a CPU without them would.
 */
static enum mv_exit_action vmx_exit_ud(struct vmx_vcpu *vmx)
{
	vmx_count(vmx, MINIVMM_EXIT_OTHER);
	vmx_queue_exception(vmx, X86_TRAP_UD, false, 0);
	return MV_EXIT_RESUME;
}

/* XSETBV exits unconditionally: XCR0 is the guest's own (kmod/fpu.c). */
static enum mv_exit_action vmx_exit_xsetbv(struct vmx_vcpu *vmx)
{
	u64 cr4, mask;

	if (!vmx_set_insn_len(vmx) || vmx_with_vmcs(vmx))
		return vmx_unhandled(vmx);
	mask = vmcs_read(VMCS_CR4_GUEST_HOST_MASK);
	cr4 = (vmcs_read(VMCS_GUEST_CR4) & ~mask) |
	      (vmcs_read(VMCS_CR4_READ_SHADOW) & mask);
	vmx_done_vmcs();
	return mv_exit_xsetbv(&vmx->base, cr4 & X86_CR4_OSXSAVE);
}

/*
 * MOV to/from CR0/CR3/CR4, CLTS, LMSW (SDM 28.1.3 and Table 28-3).  CR0
 * and CR4 writes exit only when they change a host-owned bit (NE, VMXE, the
 * fixed bits); CR3 moves only if the CPU forced CR3-load/store exiting on.
 */
static enum mv_exit_action vmx_exit_cr(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	unsigned int cr = q & CR_QUAL_NUM_MASK;
	unsigned int type = (q & CR_QUAL_TYPE_MASK) >> CR_QUAL_TYPE_SHIFT;
	unsigned int gpr = (q & CR_QUAL_GPR_MASK) >> CR_QUAL_GPR_SHIFT;
	u64 *reg = &vmx->base.gprs[gpr];
	u64 mask, val;
	int ret = 0;

	if (!vmx_set_insn_len(vmx))
		return vmx_unhandled(vmx);
	if (vmx_with_vmcs(vmx))
		return vmx_unhandled(vmx);
	vmx_count(vmx, MINIVMM_EXIT_OTHER);

	switch (type) {
	case CR_TYPE_MOV_TO_CR:
		val = *reg;
		if (!(vmx->efer & EFER_LMA))
			val = (u32)val;
		if (cr == 0)
			ret = vmx_write_cr0(vmx, val);
		else if (cr == 4)
			ret = vmx_write_cr4(vmx, val);
		else if (cr == 3)
			vmcs_write(VMCS_GUEST_CR3, val);
		else if (cr == 8)	/* the APIC's TPR, bits 7:4 */
			ret = val & ~0xfULL ? -EINVAL :
			      (vmx->base.apic.tpr = val << 4, 0);
		else
			goto unhandled;
		break;
	case CR_TYPE_MOV_FROM_CR:
		if (cr == 8)
			*reg = vmx->base.apic.tpr >> 4;
		else if (cr == 3)
			*reg = vmcs_read(VMCS_GUEST_CR3);
		else
			goto unhandled;
		break;
	case CR_TYPE_CLTS:
		mask = vmcs_read(VMCS_CR0_GUEST_HOST_MASK);
		val = (vmcs_read(VMCS_GUEST_CR0) & ~mask) |
		      (vmcs_read(VMCS_CR0_READ_SHADOW) & mask);
		ret = vmx_write_cr0(vmx, val & ~X86_CR0_TS);
		break;
	case CR_TYPE_LMSW:
		mask = vmcs_read(VMCS_CR0_GUEST_HOST_MASK);
		val = (vmcs_read(VMCS_GUEST_CR0) & ~mask) |
		      (vmcs_read(VMCS_CR0_READ_SHADOW) & mask);
		/* LMSW loads MP, EM, TS and may set but not clear PE. */
		val = (val & ~0xeULL) | ((q >> CR_QUAL_LMSW_SRC_SHIFT) & 0xf) |
		      (val & X86_CR0_PE);
		ret = vmx_write_cr0(vmx, val);
		break;
	}
	vmx_done_vmcs();
	if (ret)
		vmx_queue_exception(vmx, X86_TRAP_GP, true, 0);
	else
		vmx->base.rip += vmx->base.exit_insn_len;
	return MV_EXIT_RESUME;
unhandled:
	vmx_done_vmcs();
	return vmx_unhandled(vmx);
}

static const vmx_exit_fn vmx_exit_table[EXIT_REASON_MAX + 1] = {
	[EXIT_EXCEPTION_NMI]		= vmx_exit_exception_nmi,
	[EXIT_EXTERNAL_INTERRUPT]	= vmx_exit_intr,
	[EXIT_TRIPLE_FAULT]		= vmx_exit_triple_fault,
	[EXIT_INIT_SIGNAL]		= vmx_exit_intr,
	[EXIT_IO_SMI]			= vmx_exit_intr,
	[EXIT_OTHER_SMI]		= vmx_exit_intr,
	[EXIT_INTERRUPT_WINDOW]		= vmx_exit_window,
	[EXIT_NMI_WINDOW]		= vmx_exit_nmi_window,
	[EXIT_CPUID]			= vmx_exit_cpuid,
	[EXIT_GETSEC]			= vmx_exit_ud,
	[EXIT_HLT]			= vmx_exit_hlt,
	[EXIT_INVD]			= vmx_exit_cache_flush,
	[EXIT_RDPMC]			= vmx_exit_rdpmc,
	[EXIT_VMCALL]			= vmx_exit_vmcall,
	[EXIT_VMCLEAR]			= vmx_exit_ud,
	[EXIT_VMLAUNCH]			= vmx_exit_ud,
	[EXIT_VMPTRLD]			= vmx_exit_ud,
	[EXIT_VMPTRST]			= vmx_exit_ud,
	[EXIT_VMREAD]			= vmx_exit_ud,
	[EXIT_VMRESUME]			= vmx_exit_ud,
	[EXIT_VMWRITE]			= vmx_exit_ud,
	[EXIT_VMXOFF]			= vmx_exit_ud,
	[EXIT_VMXON]			= vmx_exit_ud,
	[EXIT_CR_ACCESS]		= vmx_exit_cr,
	[EXIT_IO_INSTRUCTION]		= vmx_exit_io,
	[EXIT_RDMSR]			= vmx_exit_msr,
	[EXIT_WRMSR]			= vmx_exit_msr,
	[EXIT_MWAIT]			= vmx_exit_ud,
	[EXIT_MONITOR]			= vmx_exit_ud,
	[EXIT_PAUSE]			= vmx_exit_pause,
	[EXIT_EPT_VIOLATION]		= vmx_exit_ept_violation,
	[EXIT_EPT_MISCONFIG]		= vmx_exit_ept_misconfig,
	[EXIT_INVEPT]			= vmx_exit_ud,
	[EXIT_PREEMPTION_TIMER]		= vmx_exit_preempt,
	[EXIT_INVVPID]			= vmx_exit_ud,
	[EXIT_WBINVD]			= vmx_exit_cache_flush,
	[EXIT_XSETBV]			= vmx_exit_xsetbv,
	[EXIT_VMFUNC]			= vmx_exit_ud,
};

/* VM entry failed after loading guest state (exit reason bit 31). */
static const char *vmx_entry_failure_name(u32 basic)
{
	switch (basic) {
	case EXIT_INVALID_GUEST_STATE:
		return "invalid guest state";
	case EXIT_MSR_LOADING:
		return "MSR loading";
	case EXIT_MACHINE_CHECK:
		return "machine check";
	default:
		return "unknown";
	}
}

static enum mv_exit_action vmx_exit_entry_failure(struct vmx_vcpu *vmx)
{
	u32 basic = vmx->exit_reason & EXIT_REASON_BASIC_MASK;
	u64 cr0 = 0, cr4 = 0, efer = 0, cs_ar = 0, tr_ar = 0, ss_ar = 0;
	u64 rflags = 0, entry = 0, intr = 0;

	if (!vmx_with_vmcs(vmx)) {
		cr0 = vmcs_read(VMCS_GUEST_CR0);
		cr4 = vmcs_read(VMCS_GUEST_CR4);
		efer = vmcs_read(VMCS_GUEST_IA32_EFER);
		cs_ar = vmcs_read(VMCS_GUEST_CS_AR_BYTES);
		ss_ar = vmcs_read(VMCS_GUEST_SS_AR_BYTES);
		tr_ar = vmcs_read(VMCS_GUEST_TR_AR_BYTES);
		rflags = vmcs_read(VMCS_GUEST_RFLAGS);
		entry = vmcs_read(VMCS_VM_ENTRY_CONTROLS);
		intr = vmcs_read(VMCS_VM_ENTRY_INTR_INFO);
		vmx_done_vmcs();
	}
	pr_warn_ratelimited("VM %s: VM entry failed: exit reason %u (%s), qualification %#llx: cr0 %#llx cr4 %#llx efer %#llx cs ar %#llx ss ar %#llx tr ar %#llx rip %#llx rflags %#llx entry controls %#llx entry event %#llx\n",
			    vmx->base.vm->name, basic,
			    vmx_entry_failure_name(basic), vmx->exit_qual,
			    cr0, cr4, efer, cs_ar, ss_ar, tr_ar,
			    vmx->base.rip, rflags, entry, intr);
	return vmx_unhandled(vmx);
}

/*
 * An event the CPU was delivering when the exit happened (IDT-vectoring
 * information valid, e.g. a #PF whose IDT read hit an EPT violation) was
 * not delivered: queue it again for the next entry (SDM 28.2.4, 27.6.1).
 * Software interrupts and exceptions need their instruction length.
 */
static void vmx_requeue_event(struct vmx_vcpu *vmx)
{
	u32 info = vmx->idt_info;
	unsigned int type = vmx_intr_type(info);

	if (!(info & INTR_INFO_VALID))
		return;
	vmx->pending_event = info & (INTR_INFO_VECTOR_MASK |
				     INTR_INFO_TYPE_MASK |
				     INTR_INFO_DELIVER_CODE | INTR_INFO_VALID);
	vmx->pending_error = vmx->idt_error;
	vmx->pending_len = 0;
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == INTR_TYPE_SOFT_EXCEPTION)
		vmx->pending_len = vmx->exit_insn_len;
}

static bool vmx_exit_fast_io(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;

	return mv_exit_fast_io(&vmx->base,
			       (q & IO_QUAL_PORT_MASK) >> IO_QUAL_PORT_SHIFT,
			       (q & IO_QUAL_SIZE_MASK) + 1, q & IO_QUAL_IN,
			       q & IO_QUAL_STRING);
}

/*
 * The short path (mv_exit_fast()), from vmx_enter(): interrupts off, the
 * exit information read.  Only an instruction exit that interrupted no
 * event delivery qualifies, so there is nothing to queue again.
 */
bool vmx_exit_fast(struct vmx_vcpu *vmx)
{
	u64 rip = vmx->base.rip;
	bool done;

	if ((vmx->idt_info & INTR_INFO_VALID) || !vmx_set_insn_len(vmx))
		return false;
	switch (vmx->exit_reason) {	/* entry failures never match */
	case EXIT_IO_INSTRUCTION:
		done = vmx_exit_fast_io(vmx);
		break;
	case EXIT_CPUID:
		done = mv_exit_fast(&vmx->base, MV_FAST_CPUID);
		break;
	case EXIT_VMCALL:
		done = mv_exit_fast(&vmx->base, MV_FAST_HYPERCALL);
		break;
	default:
		return false;
	}
	if (done)
		mv_trace_exit_at(&vmx->base, vmx->exit_reason, rip);
	return done;
}

enum mv_exit_action vmx_handle_exit(struct vmx_vcpu *vmx)
{
	u32 basic = vmx->exit_reason & EXIT_REASON_BASIC_MASK;
	vmx_exit_fn fn = NULL;

	vmx->base.exit_insn_len = 0;
	mv_trace_exit(&vmx->base, vmx->exit_reason);
	if (vmx->exit_reason & EXIT_REASON_ENTRY_FAILURE)
		return vmx_exit_entry_failure(vmx);
	vmx_requeue_event(vmx);
	if (basic <= EXIT_REASON_MAX)
		fn = vmx_exit_table[basic];
	if (!fn)
		return vmx_unhandled(vmx);
	return fn(vmx);
}
