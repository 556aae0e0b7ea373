/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm core: what the vendor backends (vmx/, svm/) and the core (kmod/)
 * share.  The core talks to the hardware only through one const
 * struct mv_vendor_ops per vendor.
 */
#ifndef MINIVMM_CORE_H
#define MINIVMM_CORE_H

#include <linux/types.h>
#include "uapi/minivmm.h"

/*
 * Hardware operations of one vendor.  Every op is set; the core never checks
 * for NULL.  cpu_enable/cpu_disable run on the CPU concerned, from a CPU
 * hotplug callback (preemptible, but pinned to that CPU).
 */
struct mv_vendor_ops {
	const char *name;		/* "vmx" or "svm" */
	enum minivmm_vendor vendor;

	/*
	 * Check that this CPU model supports us and that firmware left the
	 * feature on.  On refusal, log one line ("cannot load: ...") and
	 * return a negative errno.  Fills *features with MINIVMM_FEAT bits.
	 */
	int (*probe)(u64 *features);
	/* Allocate what every CPU needs; undone by hardware_unsetup. */
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	/*
	 * Switch virtualization on/off on the current CPU.  cpu_enable
	 * returns -EBUSY, after logging why, if someone else already owns it.
	 */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	/* Reboot/crash path, NMI context: leave VMX/SVM, never fault. */
	void (*emergency_disable)(void);
};

extern const struct mv_vendor_ops mv_vmx_ops;
extern const struct mv_vendor_ops mv_svm_ops;

/* Set once at module init, read-only afterwards. */
struct mv_host {
	const struct mv_vendor_ops *ops;
	u64 features;			/* MINIVMM_FEAT_* */
};
extern struct mv_host mv_host;

/* kmod/virt.c: per-CPU enable through CPU hotplug. */
int mv_virt_init(void);
void mv_virt_exit(void);
unsigned int mv_virt_cpus_enabled(void);

/* kmod/chardev.c, kmod/netlink.c: the user-visible interfaces. */
int mv_chardev_init(void);
void mv_chardev_exit(void);
int mv_netlink_init(void);
void mv_netlink_exit(void);

/* The answer to an info query, shared by the ioctl and netlink paths. */
void mv_fill_info(struct minivmm_info *info);

#endif /* MINIVMM_CORE_H */
