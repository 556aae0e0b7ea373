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
	MV_P_LOAD,	/* VMCS current, regs to VMCB/VMCS, clock read */
	MV_P_IRQ,	/* IRQs off, guest mode, interrupts/NMIs to inject, TLB */
	MV_P_PRE,	/* host state, MSRs, DRs, XCR0, speculation barriers */
	MV_P_SWITCH,	/* VMRUN/VMRESUME to the exit: world switch + guest */
	MV_P_FAST,	/* short path: exit read, answer, state for the next entry */
	MV_P_RESTORE,	/* back to host state: XCR0, MSRs, DRs, GDT */
	MV_P_POST,	/* exit information, IRQs on, clock read */
	MV_P_FPU_OUT,	/* regs from VMCB, run-time clock, XSAVE, kernel_fpu_end */
	MV_P_HANDLE,	/* dispatch and the handler (CPUID, hypercall) */
	MV_P_TAIL,	/* cond_resched, kthread_should_stop, back to the top */
	MV_P_NR,
};

/* Round trips through the run loop, then those of the short path. */
enum { MV_PK_CPUID, MV_PK_HC, MV_PK_FAST_CPUID, MV_PK_FAST_HC, MV_PK_NR };
#define MV_PK_FAST_OFFSET	MV_PK_FAST_CPUID

struct mv_probe {
	u64 last;
	u64 cur[MV_P_NR];	/* this round trip */
	u64 sum[MV_PK_NR][MV_P_NR];
	u64 min[MV_PK_NR][MV_P_NR];
	u64 n[MV_PK_NR];
	int kind;		/* of the exit this round trip: MV_PK_*, or -1 */
	bool armed;		/* a full round trip is being measured */
	bool fast_armed;	/* a short-path round trip is being measured */
	bool fast_seen;		/* this loop round trip had short-path ones */
};

#ifdef MV_EXIT_PROBE
#include <asm/msr.h>

static inline void mv_probe_at(struct mv_probe *p, enum mv_probe_point pt)
{
	u64 t = rdtsc();

	p->cur[pt] = t - p->last;
	p->last = t;
}

static inline void mv_probe_account(struct mv_probe *p, int k)
{
	int i;

	for (i = 0; i < MV_P_NR; i++) {
		p->sum[k][i] += p->cur[i];
		if (!p->n[k] || p->cur[i] < p->min[k][i])
			p->min[k][i] = p->cur[i];
	}
	p->n[k]++;
}

/*
 * Loop top: account the round trip that ended here (unless short-path
 * round trips were part of it), start the next.
 */
static inline void mv_probe_top(struct mv_probe *p)
{
	mv_probe_at(p, MV_P_TAIL);
	if (p->armed && p->kind >= 0 && !p->fast_seen)
		mv_probe_account(p, p->kind);
	p->armed = true;
	p->fast_armed = false;
	p->fast_seen = false;
	p->kind = -1;
}

/*
 * Short path, before the next entry: a round trip that began at the
 * previous one is the entry (pre), the switch and this segment.
 */
static inline void mv_probe_fast(struct mv_probe *p)
{
	int i;

	mv_probe_at(p, MV_P_FAST);
	if (p->fast_armed && p->kind >= 0) {
		for (i = 0; i < MV_P_NR; i++)
			if (i != MV_P_PRE && i != MV_P_SWITCH && i != MV_P_FAST)
				p->cur[i] = 0;
		mv_probe_account(p, p->kind + MV_PK_FAST_OFFSET);
	}
	p->fast_armed = true;
	p->fast_seen = true;
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
#define MV_PROBE_FAST(vcpu)	mv_probe_fast(&(vcpu)->probe)
#define MV_PROBE_KIND(vcpu, k)	mv_probe_kind(&(vcpu)->probe, k)
#define MV_PROBE_REPORT(vcpu) \
	mv_probe_report((vcpu)->vm->name, (vcpu)->index, &(vcpu)->probe)
#else
#define MV_PROBE(vcpu, pt)	do { } while (0)
#define MV_PROBE_TOP(vcpu)	do { } while (0)
#define MV_PROBE_FAST(vcpu)	do { } while (0)
#define MV_PROBE_KIND(vcpu, k)	do { } while (0)
#define MV_PROBE_REPORT(vcpu)	do { } while (0)
#endif

#endif
