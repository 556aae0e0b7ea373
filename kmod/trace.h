/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints: guest entries and exits, for perf and trace-cmd
 * (events minivmm:minivmm_entry and minivmm:minivmm_exit).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM minivmm

#if !defined(MINIVMM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MINIVMM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(minivmm_entry,
	TP_PROTO(u32 vm_id, u32 vcpu, u64 rip),
	TP_ARGS(vm_id, vcpu, rip),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu = vcpu;
		__entry->rip = rip;
	),
	TP_printk("vm %u vcpu %u rip 0x%llx", __entry->vm_id, __entry->vcpu,
		  __entry->rip)
);

/* @reason is the raw vendor exit code (SVM EXITCODE, VMX exit reason). */
TRACE_EVENT(minivmm_exit,
	TP_PROTO(u32 vm_id, u32 vcpu, u64 reason, u64 rip),
	TP_ARGS(vm_id, vcpu, reason, rip),
	TP_STRUCT__entry(
		__field(u32, vm_id)
		__field(u32, vcpu)
		__field(u64, reason)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vm_id = vm_id;
		__entry->vcpu = vcpu;
		__entry->reason = reason;
		__entry->rip = rip;
	),
	TP_printk("vm %u vcpu %u reason 0x%llx rip 0x%llx", __entry->vm_id,
		  __entry->vcpu, __entry->reason, __entry->rip)
);

#endif /* MINIVMM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
