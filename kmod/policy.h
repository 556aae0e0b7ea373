/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-wide resource policy: pure arithmetic, unit-tested (tests/kunit).
 * The caller holds mv_vms_lock around every use.
 */
#ifndef MINIVMM_POLICY_H
#define MINIVMM_POLICY_H

#include <linux/types.h>

#define MV_POLICY_MAX_VMS_CAP	1024	/* hard ceiling for max_vms */

struct mv_policy {
	u32 max_vms;
	u64 max_mem;		/* bytes of guest RAM, all VMs together */
	u32 max_vcpus;		/* per VM */
};

struct mv_usage {
	u32 nr_vms;
	u64 mem_reserved;
};

/* Why an admission was refused. */
enum mv_refusal {
	MV_ADMIT_OK,
	MV_ADMIT_TOO_MANY_VMS,
	MV_ADMIT_NO_MEMORY,
	MV_ADMIT_TOO_MANY_VCPUS,
};

enum mv_refusal mv_policy_admit(const struct mv_policy *p,
				const struct mv_usage *u, u64 mem, u32 vcpus);
/* Apply a successful admission / return what a VM held. */
void mv_usage_charge(struct mv_usage *u, u64 mem);
void mv_usage_release(struct mv_usage *u, u64 mem);
/*
 * Check a policy a user wants to set; @host_mem is the most guest RAM the
 * host can hand out, @vcpu_cap the most vCPUs a VM can have.  Returns NULL
 * or a sentence saying what is wrong.  Limits below the current use are
 * accepted: they apply to the next create.
 */
const char *mv_policy_check(const struct mv_policy *p, u64 host_mem,
			    u32 vcpu_cap);

#endif /* MINIVMM_POLICY_H */
