// SPDX-License-Identifier: GPL-2.0
/*
 * Switching virtualization on and off on every CPU.
 *
 * A dynamic CPU-hotplug state runs the backend's cpu_enable on each online
 * CPU at load, on every CPU that comes online later, and cpu_disable when a
 * CPU goes down or the module unloads.  The emergency callback leaves
 * VMX/SVM on reboot, kexec and crash paths, where VMX root mode would
 * otherwise block INIT and hang the machine.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/percpu.h>
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <asm/reboot.h>
#include "minivmm.h"

/* Written only on the CPU concerned (hotplug callbacks); read by the NMI
 * emergency path on the same CPU.
 */
static DEFINE_PER_CPU(bool, mv_cpu_on);
static atomic_t mv_cpus_on = ATOMIC_INIT(0);
static enum cpuhp_state mv_cpuhp_state;

unsigned int mv_virt_cpus_enabled(void)
{
	return atomic_read(&mv_cpus_on);
}

static int mv_cpu_online(unsigned int cpu)
{
	int ret = mv_host.ops->cpu_enable();

	if (ret)
		return ret;
	this_cpu_write(mv_cpu_on, true);
	atomic_inc(&mv_cpus_on);
	return 0;
}

static int mv_cpu_offline(unsigned int cpu)
{
	if (!this_cpu_read(mv_cpu_on))
		return 0;
	this_cpu_write(mv_cpu_on, false);
	mv_host.ops->cpu_disable();
	atomic_dec(&mv_cpus_on);
	return 0;
}

static void mv_emergency_disable(void)
{
	if (this_cpu_read(mv_cpu_on))
		mv_host.ops->emergency_disable();
}

/*
 * KVM and minivmm cannot share a CPU's VT-x/AMD-V, nor the kernel's one
 * emergency-reboot hook, which kvm_intel takes at load on Linux 6.1 even
 * before it switches VMX on.  kvm.ko exports kvm_init in every supported
 * kernel; finding it means KVM is loaded.
 */
static bool mv_kvm_loaded(void)
{
	if (!__symbol_get("kvm_init"))
		return false;
	__symbol_put("kvm_init");
	return true;
}

/*
 * The other direction: while minivmm is loaded, refuse kvm.ko (and with it
 * kvm_amd/kvm_intel).  Otherwise kvm_amd on 6.12 (virtualization enabled at
 * load) and kvm_intel on 6.1 hit WARN_ON in the kernel's one-slot emergency
 * callback, a crash under panic_on_warn.  A COMING notifier's error fails
 * that module's load.
 */
static int mv_module_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct module *mod = data;

	if (action != MODULE_STATE_COMING || strcmp(mod->name, "kvm"))
		return NOTIFY_DONE;
	pr_err("refusing to let kvm load: minivmm owns VT-x/AMD-V; unload minivmm first ('rmmod minivmm')\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block mv_module_nb = {
	.notifier_call = mv_module_notify,
};

int mv_virt_init(void)
{
	int ret;

	/* Before the check, so that KVM cannot slip in between. */
	ret = register_module_notifier(&mv_module_nb);
	if (ret)
		return ret;
	if (mv_kvm_loaded()) {
		unregister_module_notifier(&mv_module_nb);
		pr_err("cannot load: another hypervisor, KVM (kvm.ko), is loaded; unload it first: 'modprobe -r kvm_intel kvm_amd kvm'\n");
		return -EBUSY;
	}
	/* Registered first so that a crash while CPUs are coming up is safe. */
	cpu_emergency_register_virt_callback(mv_emergency_disable);

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "minivmm:online",
				mv_cpu_online, mv_cpu_offline);
	if (ret < 0) {
		cpu_emergency_unregister_virt_callback(mv_emergency_disable);
		unregister_module_notifier(&mv_module_nb);
		return ret;
	}
	mv_cpuhp_state = ret;
	return 0;
}

void mv_virt_exit(void)
{
	cpuhp_remove_state(mv_cpuhp_state);
	cpu_emergency_unregister_virt_callback(mv_emergency_disable);
	unregister_module_notifier(&mv_module_nb);
}
