// SPDX-License-Identifier: GPL-2.0
/*
 * NMIs for VT-x guests, with the "virtual NMIs" pin control (SDM 25.3,
 * 26.7.1): the CPU sets virtual-NMI blocking when it delivers an NMI we
 * inject and clears it at the handler's IRET, and "NMI-window exiting"
 * exits as soon as the guest can take the next one.  The blocking is the
 * interruptibility state's bit 3, which get_state/set_state already move.
 * A CPU without virtual NMIs or NMI-window exiting (none made since 2006)
 * gets no NMIs: they stay pending (vmx.c's setup says which).
 *
 * vCPU thread; VMCS current, interrupts off, in vmx_enter().
 */
#include <asm/traps.h>
#include "vmx/vmx.h"

#define VMX_NMI_BLOCKED	(GUEST_INTR_STI_BLOCKING | GUEST_INTR_MOVSS_BLOCKING | \
			 GUEST_INTR_NMI_BLOCKING)

static bool vmx_vnmi(void)
{
	return vmx_config.pin & PIN_VIRTUAL_NMIS;
}

/*
 * After vmx_sync_irq(), which may have injected an interrupt (whose
 * sources include LINT0 in NMI mode): the NMI then waits for an
 * NMI-window exit right after that interrupt's delivery, and its handler
 * runs first, as if it had been taken first.
 */
void vmx_sync_nmi(struct vmx_vcpu *vmx)
{
	if (!vmx_vnmi() || !mv_nmi_pending(&vmx->base))
		return;
	if (!(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO) & VMX_NMI_BLOCKED) &&
	    !(vmcs_read32(VMCS_VM_ENTRY_INTR_INFO) & INTR_INFO_VALID)) {
		vmcs_write(VMCS_VM_ENTRY_INTR_INFO, X86_TRAP_NMI |
			   INTR_INFO_VALID |
			   (INTR_TYPE_NMI << INTR_INFO_TYPE_SHIFT));
		mv_nmi_accept(&vmx->base);
		return;
	}
	/* After the handler's IRET (or the queued event): exit and inject. */
	vmcs_write(VMCS_CPU_BASED_VM_EXEC_CONTROL,
		   vmcs_read32(VMCS_CPU_BASED_VM_EXEC_CONTROL) |
		   CPU_NMI_WINDOW_EXITING);
}

/*
 * Right after an exit (vmx_read_exit() done).  An NMI whose delivery the
 * exit interrupted is injected again, which VM entry allows only without
 * virtual-NMI blocking (SDM 26.3.1.5); an IRET that faulted into an exit
 * had already unblocked NMIs, which must hold again when it is retried
 * (SDM 28.2.3).
 */
void vmx_nmi_after_exit(struct vmx_vcpu *vmx)
{
	u32 basic = vmx->exit_reason & EXIT_REASON_BASIC_MASK;
	u32 intr, unblock = 0;

	if (!vmx_vnmi() || (vmx->exit_reason & EXIT_REASON_ENTRY_FAILURE))
		return;
	intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO);
	if (vmx->idt_info & INTR_INFO_VALID) {
		if (vmx_intr_type(vmx->idt_info) == INTR_TYPE_NMI &&
		    (intr & GUEST_INTR_NMI_BLOCKING))
			vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_INFO,
				   intr & ~GUEST_INTR_NMI_BLOCKING);
		return;
	}
	if (basic == EXIT_EPT_VIOLATION)
		unblock = vmx->exit_qual & INTR_INFO_NMI_UNBLOCK_IRET;
	else if (basic == EXIT_EXCEPTION_NMI &&
		 (vmx->exit_intr_info & INTR_INFO_VALID) &&
		 vmx_intr_type(vmx->exit_intr_info) != INTR_TYPE_NMI)
		unblock = vmx->exit_intr_info & INTR_INFO_NMI_UNBLOCK_IRET;
	if (unblock && !(intr & GUEST_INTR_NMI_BLOCKING))
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_INFO,
			   intr | GUEST_INTR_NMI_BLOCKING);
}

/* The guest can take an NMI now: stop asking; the next entry injects. */
enum mv_exit_action vmx_exit_nmi_window(struct vmx_vcpu *vmx)
{
	vmx->base.exits[MINIVMM_EXIT_OTHER]++;
	if (vmx_with_vmcs(vmx))
		return mv_exit_unhandled(&vmx->base, vmx->exit_reason);
	vmcs_write(VMCS_CPU_BASED_VM_EXEC_CONTROL,
		   vmcs_read32(VMCS_CPU_BASED_VM_EXEC_CONTROL) &
		   ~CPU_NMI_WINDOW_EXITING);
	vmx_done_vmcs();
	return MV_EXIT_RESUME;
}
