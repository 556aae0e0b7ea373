/* SPDX-License-Identifier: GPL-2.0 */
/* vCPU state blobs of the snapshot file (ctl/snap_vcpu.c). */
#ifndef MINIVMMCTL_SNAP_VCPU_H
#define MINIVMMCTL_SNAP_VCPU_H

#include <stddef.h>
#include <stdint.h>

/*
 * The blob is struct minivmm_vcpu_state (uapi), its version 1.  Blob
 * version 3: msrs.tsc_offset holds the guest's TSC instead (snap_vcpu.c);
 * version 2 blobs, with the raw offset, still load.
 */
#define SNAP_VCPU_VERSION	3

/* This host's TSC: read once per snapshot or restore, for every vCPU. */
uint64_t snap_host_tsc(void);
/*
 * Read vCPU @index of a quiet VM into @buf, its TSC as of @host_tsc: 0,
 * or -1 with errno.
 */
int snap_vcpu_get(int vmfd, uint32_t index, void *buf, size_t cap,
		  uint32_t *version, uint32_t *size, uint64_t host_tsc);
/* NULL if @buf can be put into vCPU @index, else why not (a sentence). */
const char *snap_vcpu_check(uint32_t index, const void *buf, uint32_t version,
			    uint32_t size);
/*
 * Write it into a created VM's vCPU: 0, or -1 with errno; on a refusal
 * (EINVAL) *@field names the field the kernel refused (MINIVMM_FIELD_*).
 */
int snap_vcpu_put(int vmfd, uint32_t index, const void *buf, uint32_t version,
		  uint32_t size, uint32_t *field, uint64_t host_tsc);

#endif /* MINIVMMCTL_SNAP_VCPU_H */
