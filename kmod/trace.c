// SPDX-License-Identifier: GPL-2.0
/* Instantiates the tracepoints of trace.h, and the backends' exit hook. */
#define CREATE_TRACE_POINTS
#include "minivmm.h"
#include "trace.h"

void mv_trace_exit_at(struct mv_vcpu *vcpu, u64 raw, u64 rip)
{
	trace_minivmm_exit(vcpu->vm->id, vcpu->index, raw, rip);
}

void mv_trace_exit(struct mv_vcpu *vcpu, u64 raw)
{
	mv_trace_exit_at(vcpu, raw, vcpu->rip);
}
