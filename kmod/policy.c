// SPDX-License-Identifier: GPL-2.0
/* Host-wide resource policy arithmetic (see policy.h). */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include "uapi/minivmm.h"
#include "policy.h"

u64 mv_policy_declared_limit(const struct mv_policy *p)
{
	u64 prod;

	if (check_mul_overflow(p->max_mem, (u64)p->overcommit, &prod))
		return U64_MAX;	/* saturate */
	return div_u64(prod, 100);
}

enum mv_grant_refusal mv_policy_grant(u64 host_limit, u64 host_granted,
				      u64 vm_limit, u64 vm_granted, u64 bytes)
{
	if (vm_limit && (vm_granted > vm_limit || bytes > vm_limit - vm_granted))
		return MV_GRANT_VM_LIMIT;
	if (host_granted > host_limit || bytes > host_limit - host_granted)
		return MV_GRANT_HOST_LIMIT;
	return MV_GRANT_OK;
}

enum mv_refusal mv_policy_admit(const struct mv_policy *p,
				const struct mv_usage *u, u64 mem, u32 vcpus)
{
	u64 limit = mv_policy_declared_limit(p);

	if (u->nr_vms >= p->max_vms)
		return MV_ADMIT_TOO_MANY_VMS;
	if (vcpus > p->max_vcpus)
		return MV_ADMIT_TOO_MANY_VCPUS;
	/* Written to never overflow: reserved may exceed a lowered limit. */
	if (u->mem_reserved > limit || mem > limit - u->mem_reserved)
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
		return "max VMs must be between 1 and 4096";
	if (p->max_vcpus < 1 || p->max_vcpus > vcpu_cap)
		return "max vCPUs per VM must be between 1 and what this version supports";
	if (p->max_mem < 1 || p->max_mem > host_mem)
		return "max guest memory must be positive and at most three quarters of host RAM";
	if (p->max_granted < 1 || p->max_granted > host_mem)
		return "max granted memory must be positive and at most three quarters of host RAM";
	if (p->overcommit < 100 || p->overcommit > MINIVMM_OVERCOMMIT_MAX)
		return "overcommit must be between 100% and 10000% of max guest memory";
	return NULL;
}
