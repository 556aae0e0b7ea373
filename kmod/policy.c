// SPDX-License-Identifier: GPL-2.0
/* Host-wide resource policy arithmetic (see policy.h). */
#include <linux/kernel.h>
#include "policy.h"

enum mv_refusal mv_policy_admit(const struct mv_policy *p,
				const struct mv_usage *u, u64 mem, u32 vcpus)
{
	if (u->nr_vms >= p->max_vms)
		return MV_ADMIT_TOO_MANY_VMS;
	if (vcpus > p->max_vcpus)
		return MV_ADMIT_TOO_MANY_VCPUS;
	/* Written to never overflow: reserved may exceed a lowered limit. */
	if (u->mem_reserved > p->max_mem || mem > p->max_mem - u->mem_reserved)
		return MV_ADMIT_NO_MEMORY;
	return MV_ADMIT_OK;
}

void mv_usage_charge(struct mv_usage *u, u64 mem)
{
	u->nr_vms++;
	u->mem_reserved += mem;
}

void mv_usage_release(struct mv_usage *u, u64 mem)
{
	if (!WARN_ON_ONCE(u->nr_vms == 0 || u->mem_reserved < mem)) {
		u->nr_vms--;
		u->mem_reserved -= mem;
	}
}

const char *mv_policy_check(const struct mv_policy *p, u64 host_mem,
			    u32 vcpu_cap)
{
	if (p->max_vms < 1 || p->max_vms > MV_POLICY_MAX_VMS_CAP)
		return "max VMs must be between 1 and 1024";
	if (p->max_vcpus < 1 || p->max_vcpus > vcpu_cap)
		return "max vCPUs per VM must be between 1 and what this version supports";
	if (p->max_mem < 1 || p->max_mem > host_mem)
		return "max guest memory must be positive and at most three quarters of host RAM";
	return NULL;
}
