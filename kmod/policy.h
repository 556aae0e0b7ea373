/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-wide resource policy: pure arithmetic, unit-tested (tests/kunit).
 * The caller holds mv_vms_lock around every use.
 */
#ifndef MINIVMM_POLICY_H
#define MINIVMM_POLICY_H

#include <linux/types.h>

/*
 * Hard ceiling for max_vms.  A VM costs about 100 KiB of host memory
 * besides its RAM (a console ring grown up to 64 KiB as the guest writes,
 * VMCB/VMCS, root nested table, FPU area), so 4096 VMs hold about 400 MiB;
 * VPIDs (65535) and AMD ASIDs (shared when exhausted) are not the limit.
 * Memory limits bound it first on small hosts.
 */
#define MV_POLICY_MAX_VMS_CAP	4096

struct mv_policy {
	u32 max_vms;
	u64 max_mem;		/* bytes of guest RAM, all VMs together */
	u32 max_vcpus;		/* per VM */
	u64 max_granted;	/* bytes of RAM allocated for all VMs */
	u32 overcommit;		/* percent: declared RAM <= max_mem * this / 100 */
};

struct mv_usage {
	u32 nr_vms;
	u64 mem_reserved;	/* declared RAM of all VMs */
	u64 mem_granted;	/* RAM allocated for them (read-only copy) */
};

/* Why an admission was refused. */
enum mv_refusal {
	MV_ADMIT_OK,
	MV_ADMIT_TOO_MANY_VMS,
	MV_ADMIT_NO_MEMORY,
	MV_ADMIT_TOO_MANY_VCPUS,
};

/* Why a grant of guest RAM (first touch) was refused. */
enum mv_grant_refusal {
	MV_GRANT_OK,
	MV_GRANT_HOST_LIMIT,	/* policy max_granted */
	MV_GRANT_VM_LIMIT,	/* the VM's mem_limit */
};

/*
 * May @bytes more be granted to a VM holding @vm_granted (limit @vm_limit,
 * 0: none) while all VMs hold @host_granted (limit @host_limit)?  Never
 * overflows; a limit lowered below what is held refuses every new grant.
 */
enum mv_grant_refusal mv_policy_grant(u64 host_limit, u64 host_granted,
				      u64 vm_limit, u64 vm_granted, u64 bytes);
/* Declared RAM admission allows: max_mem * overcommit / 100, saturated. */
u64 mv_policy_declared_limit(const struct mv_policy *p);

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
