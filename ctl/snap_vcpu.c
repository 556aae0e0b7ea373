// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's state in a snapshot: the only place that knows what the VCPU
 * section's blob holds.  Version 2 is the vendor-neutral vCPU state
 * (struct minivmm_vcpu_state, uapi/minivmm.h) with every section but the
 * local APIC, which the snapshot's LAPIC section carries with its timer's
 * age and undelivered expiries.  Being vendor-neutral, a blob saved on
 * AMD-V is put into a VT-x vCPU unchanged; the kernel checks it there
 * against what that host can run (SET_STATE) and names a field it refuses.
 *
 * The TSC: the kernel gives the guest's TSC as an offset from this host's
 * TSC, which means nothing on another host, nor on this one once its TSC
 * has moved on: a guest restored with it found its TSC jumped by however
 * far the hosts' TSCs were apart, backwards too.  So a version 3 blob
 * holds the guest's TSC itself, taken against one reading of the host's
 * TSC for all vCPUs (their TSCs keep their distances), and the restore
 * makes it an offset again against one reading of the new host's: the
 * guest's TSC goes on from where it was saved.
 */
#include <errno.h>
#include <string.h>
#include <x86intrin.h>
#include "ctl.h"
#include "snap_vcpu.h"

#define SNAP_STATE_MASK	(MINIVMM_STATE_ALL & ~MINIVMM_STATE_LAPIC)

uint64_t snap_host_tsc(void)
{
	return __rdtsc();
}

int snap_vcpu_get(int vmfd, uint32_t index, void *buf, size_t cap,
		  uint32_t *version, uint32_t *size, uint64_t host_tsc)
{
	struct minivmm_vcpu_state st;

	if (cap < sizeof(st)) {
		errno = ENOSPC;
		return -1;
	}
	if (ctl_state_get(vmfd, index, SNAP_STATE_MASK, &st) < 0)
		return -1;
	st.msrs.tsc_offset += host_tsc;		/* the guest's TSC */
	memcpy(buf, &st, sizeof(st));
	*version = SNAP_VCPU_VERSION;
	*size = sizeof(st);
	return 0;
}

const char *snap_vcpu_check(uint32_t index, const void *buf, uint32_t version,
			    uint32_t size)
{
	struct minivmm_vcpu_state st;

	if (version > SNAP_VCPU_VERSION)
		return "a vCPU's state has a newer version than this minivmmctl reads";
	if (version < 2 || size != sizeof(st))
		return "a vCPU's state has an unknown version or size";
	memcpy(&st, buf, sizeof(st));
	if (st.version != MINIVMM_STATE_VERSION || st.size != sizeof(st))
		return "a vCPU's state has a layout version this minivmm does not know";
	if (st.vcpu != index)
		return "a vCPU's state names another vCPU";
	if (st.mask != SNAP_STATE_MASK)
		return "a vCPU's state lacks sections or has unknown ones";
	return NULL;
}

int snap_vcpu_put(int vmfd, uint32_t index, const void *buf, uint32_t version,
		  uint32_t size, uint32_t *field, uint64_t host_tsc)
{
	struct minivmm_vcpu_state st;

	*field = 0;
	if (snap_vcpu_check(index, buf, version, size)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&st, buf, sizeof(st));
	if (version >= 3)	/* version 2: the raw offset, as saved */
		st.msrs.tsc_offset -= host_tsc;
	return ctl_state_set(vmfd, &st, field);
}
