// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: module init and exit.
 *
 * Init order: pick the vendor backend, probe the hardware, allocate per-CPU
 * state, switch virtualization on everywhere, and only then register the
 * user-visible interfaces (device, netlink).  Exit unwinds in reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <asm/processor.h>
#include "minivmm.h"

struct mv_host mv_host;

/* Raw CPUID, not the kernel's feature flags: Linux clears X86_FEATURE_VMX
 * when firmware disabled VMX, and we want to say that, not "no VMX".
 */
static const struct mv_vendor_ops *mv_pick_vendor(void)
{
	if (cpuid_ecx(1) & BIT(5))			/* CPUID.1:ECX.VMX */
		return &mv_vmx_ops;
	if (cpuid_eax(0x80000000) >= 0x80000001 &&
	    (cpuid_ecx(0x80000001) & BIT(2)))		/* 8000_0001h:ECX.SVM */
		return &mv_svm_ops;
	return NULL;
}

void mv_fill_info(struct minivmm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->api_version = MINIVMM_API_VERSION;
	info->vendor = mv_host.ops->vendor;
	info->cpus_enabled = mv_virt_cpus_enabled();
	info->features = mv_host.features;
}

static int __init minivmm_init(void)
{
	const struct mv_vendor_ops *ops = mv_pick_vendor();
	int ret;

	if (!ops) {
		pr_err("cannot load: this CPU has neither Intel VT-x (VMX) nor AMD-V (SVM); run minivmm on a CPU that has one, or inside the emulated testbed (tests/testbed/run)\n");
		return -ENODEV;
	}
	ret = ops->probe(&mv_host.features);
	if (ret)
		return ret;
	/* Guests get RDTSCP/RDPID only where the host has TSC_AUX. */
	if (!mv_has_tsc_aux())
		mv_host.features &= ~MINIVMM_FEAT(RDTSCP);
	mv_host.ops = ops;

	mv_policy_init();
	mv_fpu_setup();
	ret = ops->hardware_setup();
	if (ret)
		return ret;
	ret = mv_virt_init();
	if (ret)
		goto err_unsetup;
	mv_vcpu_waits_init();
	ret = mv_chardev_init();
	if (ret)
		goto err_virt;
	ret = mv_netlink_init();
	if (ret)
		goto err_chardev;

	pr_info("%s enabled on %u CPUs (API version %u)\n", ops->name,
		mv_virt_cpus_enabled(), MINIVMM_API_VERSION);
	return 0;

err_chardev:
	mv_chardev_exit();
err_virt:
	mv_vcpu_waits_exit();
	mv_virt_exit();
err_unsetup:
	ops->hardware_unsetup();
	return ret;
}

static void __exit minivmm_exit(void)
{
	mv_netlink_exit();
	mv_chardev_exit();
	/* Open fds pin the module, so only unreferenced VMs remain. */
	mv_vm_destroy_all();
	mv_vcpu_waits_exit();
	mv_virt_exit();
	mv_host.ops->hardware_unsetup();
	mv_pages_check_empty();
	pr_info("unloaded\n");
}

module_init(minivmm_init);
module_exit(minivmm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("minivmm: a small hypervisor on Intel VT-x and AMD-V");
MODULE_VERSION("0.1");
