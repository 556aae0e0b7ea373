// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads and cgroup v2.
 *
 * A vCPU thread is a kernel thread, born in the root cgroup as a child of
 * kthreadd.  Before it first runs, mv_vm_start() puts it in every cgroup
 * of the task that asked for the start, with cgroup_attach_task_all():
 * the interface vhost used for its worker threads, exported
 * (EXPORT_SYMBOL_GPL) by both kernels we support, 6.1 and 6.12.  The
 * kernel exports nothing that attaches a task to a cgroup named by path
 * (cgroup_attach_task() is internal), so the choice of cgroup stays in
 * user space: minivmmctl moves itself into the VM's cgroup, sends
 * VM_START, and moves back.  The threads therefore never run outside the
 * VM's cgroup, and cpu.max, cpu.weight and cpuset.cpus apply to them
 * through the kernel's own scheduler.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include "minivmm.h"

int mv_cgroup_attach(struct task_struct *thread)
{
#ifdef CONFIG_CGROUPS
	bool same;

	/*
	 * Already there (both in the same cgroup of every hierarchy, e.g. no
	 * cgroup chosen and the starter in the root): skip the attach, which
	 * takes cgroup_threadgroup_rwsem for writing and so waits for an RCU
	 * grace period.
	 */
	rcu_read_lock();
	same = task_css_set(current) == task_css_set(thread);
	rcu_read_unlock();
	if (same)
		return 0;
	return cgroup_attach_task_all(current, thread);
#else
	return 0;
#endif
}
