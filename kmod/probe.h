/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit-path probes: a debug build only (make module MINIVMM_PROBE=y, or
 * MINIVMM_PROBE=y in the environment of tests/bench/run).  The TSC is read
 * at fixed points of the run loop and the ticks between two points are
 * added to that segment, for round trips whose exit was CPUID or a
 * hypercall; a VM's sums are printed when its vCPU is freed.  Under Bochs
 * (clock: sync=none) a tick is about one emulated instruction, so the
 * minima are instruction counts of each piece of the path.  Compiled out
 * entirely otherwise.
 */
#ifndef MINIVMM_PROBE_H
#define MINIVMM_PROBE_H

#include <linux/types.h>

enum mv_probe_point {
	MV_P_LOOP,	/* loop top -> vcpu_run: runnable, timer, trace */
	MV_P_FPU_IN,	/* guest FPU in (kernel_fpu_begin, XRSTOR) */
	MV_P_PRE,	/* regs to VMCB/VMCS, host state, IRQs off, MSRs, DRs, XCR0 */
	MV_P_SWITCH,	/* VMRUN/VMRESUME to the exit: world switch + guest */
	MV_P_POST,	/* back to host state: XCR0, MSRs, DRs, GDT, IRQs on */
	MV_P_FPU_OUT,	/* regs from VMCB, run-time clock, XSAVE, kernel_fpu_end */
	MV_P_HANDLE,	/* dispatch and the handler (CPUID, hypercall) */
	MV_P_TAIL,	/* cond_resched, kthread_should_stop, back to the top */
	MV_P_NR,
};

enum { MV_PK_CPUID, MV_PK_HC, MV_PK_NR };

struct mv_probe {
	u64 last;
	u64 cur[MV_P_NR];	/* this round trip */
	u64 sum[MV_PK_NR][MV_P_NR];
	u64 min[MV_PK_NR][MV_P_NR];
	u64 n[MV_PK_NR];
	int kind;		/* of the exit this round trip: MV_PK_*, or -1 */
	bool armed;		/* a full round trip is being measured */
};

#ifdef MV_EXIT_PROBE
#include <asm/msr.h>

static inline void mv_probe_at(struct mv_probe *p, enum mv_probe_point pt)
{
	u64 t = rdtsc();

	p->cur[pt] = t - p->last;
	p->last = t;
}

/* Loop top: account the round trip that ended here, start the next. */
static inline void mv_probe_top(struct mv_probe *p)
{
	int i, k = p->kind;

	mv_probe_at(p, MV_P_TAIL);
	if (p->armed && k >= 0) {
		for (i = 0; i < MV_P_NR; i++) {
			p->sum[k][i] += p->cur[i];
			if (!p->n[k] || p->cur[i] < p->min[k][i])
				p->min[k][i] = p->cur[i];
		}
		p->n[k]++;
	}
	p->armed = true;
	p->kind = -1;
}

static inline void mv_probe_kind(struct mv_probe *p, int kind)
{
	p->kind = kind;
}

void mv_probe_report(const char *vm, unsigned int index,
		     const struct mv_probe *p);
#define MV_PROBE(vcpu, pt)	mv_probe_at(&(vcpu)->probe, pt)
#define MV_PROBE_TOP(vcpu)	mv_probe_top(&(vcpu)->probe)
#define MV_PROBE_KIND(vcpu, k)	mv_probe_kind(&(vcpu)->probe, k)
#define MV_PROBE_REPORT(vcpu) \
	mv_probe_report((vcpu)->vm->name, (vcpu)->index, &(vcpu)->probe)
#else
#define MV_PROBE(vcpu, pt)	do { } while (0)
#define MV_PROBE_TOP(vcpu)	do { } while (0)
#define MV_PROBE_KIND(vcpu, k)	do { } while (0)
#define MV_PROBE_REPORT(vcpu)	do { } while (0)
#endif

#endif
