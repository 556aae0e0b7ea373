// SPDX-License-Identifier: GPL-2.0
/* Exit-path probes (kmod/probe.h): the report, in a debug build only. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/math64.h>
#include "minivmm.h"

static const char *const mv_probe_names[MV_P_NR] = {
	"loop", "fpu_in", "load", "irq", "pre", "switch", "fast", "restore",
	"post", "fpu_out", "handle", "tail",
};

static const char *const mv_probe_kinds[MV_PK_NR] = {
	"cpuid", "hypercall", "cpuid-short", "hypercall-short",
};

void mv_probe_report(const char *vm, unsigned int index,
		     const struct mv_probe *p)
{
	int k, i;

	for (k = 0; k < MV_PK_NR; k++) {
		u64 tot = 0, tmin = 0;

		if (!p->n[k])
			continue;
		for (i = 0; i < MV_P_NR; i++) {
			if (!p->sum[k][i])
				continue;	/* not on this path */
			tot += p->sum[k][i];
			tmin += p->min[k][i];
			pr_info("probe %s/%u %s %s: avg %llu min %llu\n", vm,
				index, mv_probe_kinds[k], mv_probe_names[i],
				div64_u64(p->sum[k][i], p->n[k]),
				p->min[k][i]);
		}
		pr_info("probe %s/%u %s total: n %llu avg %llu sum-of-min %llu\n",
			vm, index, mv_probe_kinds[k], p->n[k],
			div64_u64(tot, p->n[k]), tmin);
	}
}
