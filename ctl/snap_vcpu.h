/* SPDX-License-Identifier: GPL-2.0 */
/* vCPU state blobs of the snapshot file (ctl/snap_vcpu.c). */
#ifndef MINIVMMCTL_SNAP_VCPU_H
#define MINIVMMCTL_SNAP_VCPU_H

#include <stddef.h>
#include <stdint.h>

/* The blob is struct minivmm_vcpu_state (uapi), its version 1. */
#define SNAP_VCPU_VERSION	2

/* Read vCPU @index of a quiet VM into @buf: 0, or -1 with errno. */
int snap_vcpu_get(int vmfd, uint32_t index, void *buf, size_t cap,
		  uint32_t *version, uint32_t *size);
/* NULL if @buf can be put into vCPU @index, else why not (a sentence). */
const char *snap_vcpu_check(uint32_t index, const void *buf, uint32_t version,
			    uint32_t size);
/*
 * Write it into a created VM's vCPU: 0, or -1 with errno; on a refusal
 * (EINVAL) *@field names the field the kernel refused (MINIVMM_FIELD_*).
 */
int snap_vcpu_put(int vmfd, uint32_t index, const void *buf, uint32_t version,
		  uint32_t size, uint32_t *field);

#endif /* MINIVMMCTL_SNAP_VCPU_H */
