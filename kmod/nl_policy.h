/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attribute policy of the "minivmm" generic netlink family, in a header
 * of its own so that KUnit checks it (tests/kunit/nl_policy_test.c).
 */
#ifndef MINIVMM_NL_POLICY_H
#define MINIVMM_NL_POLICY_H

#include <net/netlink.h>
#include "uapi/minivmm.h"
#include "policy.h"

/* Not const: Linux 6.1's nla_policy.range points at non-const. */
static struct netlink_range_validation mv_nl_timeout_range = {
	.min = 0,
	.max = 60000,
};

static struct netlink_range_validation mv_nl_overcommit_range = {
	.min = 100,
	.max = MINIVMM_OVERCOMMIT_MAX,
};

/*
 * Requests may carry only the input attributes; everything the kernel
 * reports (info, state, statistics) is refused on the way in.
 */
static const struct nla_policy mv_nl_policy[MINIVMM_ATTR_MAX + 1] = {
	[MINIVMM_ATTR_PAD]		= { .type = NLA_REJECT },
	[MINIVMM_ATTR_API_VERSION]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_VENDOR]		= { .type = NLA_REJECT },
	[MINIVMM_ATTR_CPUS_ENABLED]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_FEATURES]		= { .type = NLA_REJECT },
	[MINIVMM_ATTR_VM_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[MINIVMM_ATTR_VM_NAME]		= { .type = NLA_NUL_STRING,
					    .len = MINIVMM_NAME_MAX - 1 },
	[MINIVMM_ATTR_MEM_SIZE]		= { .type = NLA_U64 },
	[MINIVMM_ATTR_NR_VCPUS]		= NLA_POLICY_RANGE(NLA_U32, 1,
							   MINIVMM_MAX_VCPUS),
	[MINIVMM_ATTR_FORCE]		= { .type = NLA_FLAG },
	[MINIVMM_ATTR_VM_STATE]		= { .type = NLA_REJECT },
	[MINIVMM_ATTR_STOP_REASON]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_EXIT_CODE]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_ERROR_GPA]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_ERROR_RAW]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_MEM_TOUCHED]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_CONSOLE_BYTES]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_UNCLAIMED_IO]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_RUN_TIME_NS]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_EXITS]		= { .type = NLA_REJECT },
	/* .max of NLA_POLICY_MAX is an s16: 60000 needs a range struct */
	[MINIVMM_ATTR_TIMEOUT_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&mv_nl_timeout_range),
	[MINIVMM_ATTR_POLICY_MAX_VMS]	= NLA_POLICY_RANGE(NLA_U32, 1,
							   MV_POLICY_MAX_VMS_CAP),
	[MINIVMM_ATTR_POLICY_MAX_MEM]	= NLA_POLICY_MIN(NLA_U64, 1),
	[MINIVMM_ATTR_POLICY_MAX_VCPUS]	= NLA_POLICY_RANGE(NLA_U32, 1,
							   MINIVMM_MAX_VCPUS),
	[MINIVMM_ATTR_NR_VMS]		= { .type = NLA_REJECT },
	[MINIVMM_ATTR_MEM_RESERVED]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_EVENT]		= { .type = NLA_REJECT },
	[MINIVMM_ATTR_OWNER_UID]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_PREALLOC]		= { .type = NLA_FLAG },
	[MINIVMM_ATTR_MEM_LIMIT]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_MEM_TARGET]	= { .type = NLA_U64 },
	[MINIVMM_ATTR_MEM_GRANTED]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_MEM_RETURNED]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_PAUSE_REASON]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_POLICY_MAX_GRANTED] = NLA_POLICY_MIN(NLA_U64, 1),
	[MINIVMM_ATTR_POLICY_OVERCOMMIT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&mv_nl_overcommit_range),
	[MINIVMM_ATTR_CGROUP]		= { .type = NLA_NUL_STRING,
					    .len = MINIVMM_CGROUP_MAX - 1 },
	[MINIVMM_ATTR_VCPU_STATS]	= { .type = NLA_REJECT },
	[MINIVMM_ATTR_CPU_MODEL]	= NLA_POLICY_MAX(NLA_U32, MINIVMM_CPU_MODEL_MAX),
	[MINIVMM_ATTR_START_PAUSED]	= { .type = NLA_FLAG },
};

#endif /* MINIVMM_NL_POLICY_H */
