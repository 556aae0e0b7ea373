// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's state in a snapshot: the only place that knows what the VCPU
 * section's blob holds.  Version 1 is what the register ioctls give:
 * struct minivmm_regs followed by struct minivmm_sregs (536 bytes).
 *
 * Not in version 1 (so not carried across a save): FPU/SSE/AVX registers
 * and XCR0, debug registers, the TSC, the syscall and other MSRs, a pending
 * event or interrupt shadow.  The vendor-neutral vCPU state ioctls replace
 * this file's two functions with a version 2 blob holding all of it.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "ctl.h"
#include "snap_vcpu.h"

struct snap_vcpu_v1 {
	struct minivmm_regs regs;
	struct minivmm_sregs sregs;
};

int snap_vcpu_get(int vmfd, uint32_t index, void *buf, size_t cap,
		  uint32_t *version, uint32_t *size)
{
	struct snap_vcpu_v1 v;

	if (cap < sizeof(v)) {
		errno = ENOSPC;
		return -1;
	}
	memset(&v, 0, sizeof(v));
	v.regs.vcpu = index;
	v.sregs.vcpu = index;
	if (ioctl(vmfd, MINIVMM_VM_GET_REGS, &v.regs) < 0 ||
	    ioctl(vmfd, MINIVMM_VM_GET_SREGS, &v.sregs) < 0)
		return -1;
	memcpy(buf, &v, sizeof(v));
	*version = SNAP_VCPU_VERSION;
	*size = sizeof(v);
	return 0;
}

const char *snap_vcpu_check(uint32_t index, const void *buf, uint32_t version,
			    uint32_t size)
{
	struct snap_vcpu_v1 v;

	if (version > SNAP_VCPU_VERSION)
		return "a vCPU's state has a newer version than this minivmmctl reads";
	if (version != SNAP_VCPU_VERSION || size != sizeof(v))
		return "a vCPU's state has an unknown version or size";
	memcpy(&v, buf, sizeof(v));
	if (v.regs.vcpu != index || v.sregs.vcpu != index)
		return "a vCPU's state names another vCPU";
	return NULL;
}

int snap_vcpu_put(int vmfd, uint32_t index, const void *buf, uint32_t version,
		  uint32_t size)
{
	struct snap_vcpu_v1 v;

	if (snap_vcpu_check(index, buf, version, size)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&v, buf, sizeof(v));
	/* Segments and control registers first: RFLAGS is checked alone. */
	if (ioctl(vmfd, MINIVMM_VM_SET_SREGS, &v.sregs) < 0 ||
	    ioctl(vmfd, MINIVMM_VM_SET_REGS, &v.regs) < 0)
		return -1;
	return 0;
}
