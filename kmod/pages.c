// SPDX-License-Identifier: GPL-2.0
/*
 * Page accounting: every page the module allocates outside the slab
 * allocator (guest RAM, VMCB/VMCS, per-CPU areas, permission maps) goes
 * through mv_pages_alloc()/mv_pages_free(), which count it as a VM's or as
 * the host's.  Nested page tables are counted by npt/ itself (nr_tables).
 * With no VM left the VM count is zero, and after the backend has freed its
 * per-CPU state at unload the host count is too; anything else is a leak,
 * which the tests read through /sys/module/minivmm/parameters/vm_pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include "minivmm.h"

atomic_long_t mv_vm_pages = ATOMIC_LONG_INIT(0);
atomic_long_t mv_host_pages = ATOMIC_LONG_INIT(0);

struct page *mv_pages_alloc(atomic_long_t *count, int node, gfp_t gfp,
			    unsigned int order)
{
	struct page *page = alloc_pages_node(node, gfp, order);

	if (page)
		atomic_long_add(1L << order, count);
	return page;
}

void mv_pages_free(atomic_long_t *count, struct page *page, unsigned int order)
{
	if (!page)
		return;
	atomic_long_sub(1L << order, count);
	__free_pages(page, order);
}

/* Read-only parameters: the current counts, for leak checks. */
static int mv_pages_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static const struct kernel_param_ops mv_pages_param_ops = {
	.get = mv_pages_get,
};

module_param_cb(vm_pages, &mv_pages_param_ops, &mv_vm_pages, 0444);
MODULE_PARM_DESC(vm_pages,
		 "pages held for VMs now: guest RAM, VMCB/VMCS (read-only)");
module_param_cb(host_pages, &mv_pages_param_ops, &mv_host_pages, 0444);
MODULE_PARM_DESC(host_pages,
		 "pages held for the host: per-CPU areas, shared maps (read-only)");

/* At unload, after every VM and the backend's host state were freed. */
void mv_pages_check_empty(void)
{
	long vm = atomic_long_read(&mv_vm_pages);
	long host = atomic_long_read(&mv_host_pages);

	WARN(vm || host, "minivmm: %ld VM and %ld host pages still held at unload\n",
	     vm, host);
}
