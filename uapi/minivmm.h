/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * minivmm user-space ABI: the only header shared by the kernel module and
 * minivmmctl.
 *
 * Rules (see DESIGN.md): fixed-width types only, explicit padding, reserved
 * tails that must be zero, a size assertion for every struct.  Enumerations
 * are append-only; MINIVMM_API_VERSION changes only on an incompatible break.
 *
 * Control plane: generic netlink family MINIVMM_GENL_NAME.
 * Data plane:    the character device /dev/minivmm (ioctls below).
 */
#ifndef _UAPI_MINIVMM_H
#define _UAPI_MINIVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MINIVMM_API_VERSION		1

/* ---- generic netlink ---------------------------------------------------- */

#define MINIVMM_GENL_NAME		"minivmm"
#define MINIVMM_GENL_VERSION		1
#define MINIVMM_GENL_MCGRP_EVENTS	"events"

/* Commands (append only). */
enum minivmm_cmd {
	MINIVMM_CMD_UNSPEC,
	MINIVMM_CMD_INFO,		/* -> API_VERSION VENDOR CPUS_ENABLED FEATURES */

	__MINIVMM_CMD_MAX,
};
#define MINIVMM_CMD_MAX (__MINIVMM_CMD_MAX - 1)

/* Attributes (append only). */
enum minivmm_attr {
	MINIVMM_ATTR_UNSPEC,
	MINIVMM_ATTR_PAD,		/* alignment padding for u64 attributes */
	MINIVMM_ATTR_API_VERSION,	/* u32 */
	MINIVMM_ATTR_VENDOR,		/* u32, enum minivmm_vendor */
	MINIVMM_ATTR_CPUS_ENABLED,	/* u32 */
	MINIVMM_ATTR_FEATURES,		/* u64, MINIVMM_FEAT_* */

	__MINIVMM_ATTR_MAX,
};
#define MINIVMM_ATTR_MAX (__MINIVMM_ATTR_MAX - 1)

/* ---- facts about the host ----------------------------------------------- */

enum minivmm_vendor {
	MINIVMM_VENDOR_NONE = 0,
	MINIVMM_VENDOR_VMX  = 1,	/* Intel VT-x */
	MINIVMM_VENDOR_SVM  = 2,	/* AMD-V */
};

/* Hardware features the module found and uses (bit numbers, append only). */
enum minivmm_feature_bit {
	MINIVMM_FEAT_BIT_NPT,		/* nested paging: EPT or NPT */
	MINIVMM_FEAT_BIT_NPT_2M,	/* 2 MiB nested pages */
	MINIVMM_FEAT_BIT_TAGGED_TLB,	/* VPID or ASID */
	MINIVMM_FEAT_BIT_UNRESTRICTED,	/* VMX unrestricted guest */
	MINIVMM_FEAT_BIT_NPT_AD,	/* EPT accessed/dirty flags */
	MINIVMM_FEAT_BIT_PREEMPT_TIMER,	/* VMX preemption timer */
	MINIVMM_FEAT_BIT_NRIPS,		/* SVM next-RIP save */
	MINIVMM_FEAT_BIT_DECODE_ASSISTS,/* SVM decode assists */
	MINIVMM_FEAT_BIT_FLUSH_BY_ASID,	/* SVM TLB flush by ASID */
	MINIVMM_FEAT_BIT_VMCB_CLEAN,	/* SVM VMCB clean bits */
	MINIVMM_FEAT_BIT_VGIF,		/* SVM virtual GIF */

	MINIVMM_FEAT_BIT_COUNT,
};
#define MINIVMM_FEAT(bit)	(1ULL << MINIVMM_FEAT_BIT_##bit)

/* ---- /dev/minivmm ------------------------------------------------------- */

#define MINIVMM_IOC_MAGIC	0xB7

struct minivmm_info {
	__u32 api_version;	/* MINIVMM_API_VERSION */
	__u32 vendor;		/* enum minivmm_vendor */
	__u32 cpus_enabled;	/* CPUs with virtualization switched on */
	__u32 reserved0;
	__u64 features;		/* MINIVMM_FEAT(...) mask */
	__u64 reserved[4];
};
_Static_assert(sizeof(struct minivmm_info) == 56, "minivmm_info ABI size");

#define MINIVMM_GET_INFO	_IOR(MINIVMM_IOC_MAGIC, 0x00, struct minivmm_info)

#endif /* _UAPI_MINIVMM_H */
