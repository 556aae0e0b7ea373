// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page logging for live migration: MINIVMM_VM_DIRTY_LOG and
 * MINIVMM_VM_GET_DIRTY on the VM fd (uapi/minivmm.h).
 *
 * Write-protect and log.  Starting the log marks every page that holds
 * data dirty; each fetch takes the bits of a range and write-protects
 * the nested leaves of the pages it reports, so the guest's next write
 * to one of them is a nested page fault, which marks the page dirty and
 * gives write access back (mv_dirty_write_fault(), from kmod/mem.c).  A
 * page the guest touches for the first time while logging is mapped
 * writable and marked at once.  The host's own writes (pwrite on the VM
 * fd: loaders, restore) mark through mv_dirty_mark().  A device process
 * that mmapped guest RAM writes without any of this seeing it, so logging
 * is refused once RAM was mapped and mapping is refused while logging
 * (kmod/uio.c).
 *
 * 2 MiB leaves (preallocated VMs) are split into 4 KiB leaves the first
 * time a fetch write-protects one of their pages, and a preallocated
 * chunk touched while logging is mapped 4 KiB at a time: logging at
 * 2 MiB granularity would send 512 pages for each byte a guest writes,
 * and a guest dirtying 1 MiB/s in scattered places would then never
 * converge.  The split costs one table page per 2 MiB (0.2 %); the
 * leaves are not merged back when logging stops.
 *
 * TLBs.  Write-protecting an entry does not take a writable translation
 * out of a CPU's TLB: a vCPU in guest mode could keep writing the page
 * through it, unlogged, after we reported the page clean and while user
 * space copies it - and the destination would lose that write.  So a
 * fetch returns only after every vCPU has flushed or cannot run guest
 * code without flushing first (mv_dirty_flush()): the NPT's flush
 * request is raised, and each backend checks it (mv_vcpu_flush_due()),
 * after publishing IN_GUEST (mv_vcpu_enter_guest_mode()), before every
 * entry, flushing when it changed.  Then for each vCPU: if it is not in guest mode when we look
 * (after a full barrier), its next entry sees the new generation; if it
 * is, an IPI that we wait for can only run on its CPU once the guest has
 * exited, and its next entry flushes.  This relies on the backends
 * calling mv_vcpu_flush_due() after mv_vcpu_enter_guest_mode(), as both
 * do today.
 *
 * D flags.  Where the CPU keeps dirty flags in the nested tables (EPT
 * with A/D enabled; AMD's nested tables always have them), the log uses
 * them instead (module parameter dirty_flags, on by default): starting
 * the log splits 2 MiB leaves, and each fetch moves the D flags of its
 * range into the log, clearing them, instead of write-protecting what it
 * reports; the flush that follows makes every later write set a flag
 * again.  No write faults: tests/bench/README.md, "Live migration",
 * measured a write fault at 140-300 us of guest time in the emulated
 * testbed against well under 1 us per page for a fetch's walk.
 *
 * Locking: vm->dirty and its bitmap are protected by vm->npt_lock, like
 * the nested tables whose write bits they mirror: with the lock held,
 * "the leaf is writable" implies "the page's bit is set" (with D flags:
 * "the leaf's D flag is clear or the page's bit is set", once the first
 * fetch has taken the flags set before the log started).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include "minivmm.h"
#include "dirty.h"

static bool dirty_flags = true;
module_param(dirty_flags, bool, 0444);
MODULE_PARM_DESC(dirty_flags,
		 "log dirty pages by the CPU's D flags where it has them (default), else by write-protection");

struct mv_dirty {
	const struct file *owner;	/* the VM fd that started it; const */
	unsigned long nbits;		/* pages of RAM; const */
	bool by_flags;			/* D flags, not write faults; const */
	unsigned long *bits;		/* vm->npt_lock */
};

/* Does this VM's CPU keep D flags in its nested tables? */
static bool mv_dirty_flags_usable(const struct mv_vm *vm)
{
	return dirty_flags && (vm->npt.kind == MV_NPT_AMD || vm->npt.ept_ad);
}

/* D flags mean nothing for a 2 MiB leaf's pages: split every one. */
static int mv_dirty_split_huge(struct mv_vm *vm)
{
	unsigned long i;
	int ret;

	for (i = 0; i < vm->nr_chunks; i++) {
		if (!vm->chunks[i].huge)
			continue;
		ret = mv_npt_split_range(&vm->npt, (u64)i << MV_CHUNK_SHIFT,
					 MV_CHUNK_SIZE);
		if (ret)
			return ret;
	}
	return 0;
}

/* Pages per pass of a fetch: one page of bits, 128 MiB of guest RAM. */
#define MV_DIRTY_PASS_BITS	(PAGE_SIZE * BITS_PER_BYTE)

static bool mv_dirty_backed(struct mv_vm *vm, u64 gpa)
{
	const struct mv_mem_chunk *c = &vm->chunks[gpa >> 21];

	if (c->huge)
		return true;
	return c->pages && c->pages[(gpa >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)];
}

bool mv_dirty_logging(struct mv_vm *vm)
{
	lockdep_assert_held(&vm->npt_lock);
	return vm->dirty;
}

void mv_dirty_mark_locked(struct mv_vm *vm, u64 gpa)
{
	lockdep_assert_held(&vm->npt_lock);
	if (vm->dirty && gpa < vm->mem_size)
		__set_bit(gpa >> PAGE_SHIFT, vm->dirty->bits);
}

void mv_dirty_mark(struct mv_vm *vm, u64 gpa)
{
	mutex_lock(&vm->npt_lock);
	mv_dirty_mark_locked(vm, gpa);
	mutex_unlock(&vm->npt_lock);
}

int mv_dirty_write_fault(struct mv_vm *vm, u64 gpa)
{
	int ret;

	lockdep_assert_held(&vm->npt_lock);
	ret = mv_npt_set_writable(&vm->npt, gpa & PAGE_MASK, true);
	if (!ret)
		mv_dirty_mark_locked(vm, gpa);
	return ret;
}

void mv_dirty_free(struct mv_vm *vm)
{
	struct mv_dirty *d = vm->dirty;

	vm->dirty = NULL;
	if (d) {
		kvfree(d->bits);
		kfree(d);
	}
}

static void mv_dirty_ipi(void *unused)
{
}

/* See "TLBs" at the top.  Process context, no lock held. */
static void mv_dirty_flush(struct mv_vm *vm)
{
	unsigned int i;
	int cpu;

	mv_npt_request_flush(&vm->npt);
	/* The generation before our reads of mode: pairs with the
	 * smp_store_mb() of mode in mv_vcpu_enter_guest_mode().
	 */
	smp_mb();
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct mv_vcpu *vcpu = vm->vcpus[i];

		/* Acquire: mode before cpu, as in mv_vcpu_kick(). */
		if (smp_load_acquire(&vcpu->mode) != MV_IN_GUEST)
			continue;
		cpu = READ_ONCE(vcpu->cpu);
		if (cpu >= 0 && cpu_online(cpu))
			smp_call_function_single(cpu, mv_dirty_ipi, NULL, 1);
	}
}

static long mv_dirty_enable(struct mv_vm *vm, const struct file *owner)
{
	unsigned long nbits = vm->mem_size >> PAGE_SHIFT, i;
	struct mv_dirty *d;
	long ret = 0;

	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return -ENOMEM;
	d->owner = owner;
	d->nbits = nbits;
	d->bits = kvcalloc(BITS_TO_LONGS(nbits), sizeof(long),
			   GFP_KERNEL_ACCOUNT);
	if (!d->bits) {
		kfree(d);
		return -ENOMEM;
	}
	mutex_lock(&vm->npt_lock);
	if (vm->dirty) {
		ret = -EEXIST;		/* another migration is logging */
	} else if (READ_ONCE(vm->ram_mapped)) {
		ret = -EBUSY;		/* a device process writes unseen */
	} else {
		/* Everything that holds data goes in the first round. */
		for (i = 0; i < nbits; i++)
			if (mv_dirty_backed(vm, (u64)i << PAGE_SHIFT))
				__set_bit(i, d->bits);
		d->by_flags = mv_dirty_flags_usable(vm);
		/* Splitting: a flag lost meanwhile is for a page set above. */
		ret = d->by_flags ? mv_dirty_split_huge(vm) : 0;
		if (!ret) {
			vm->dirty = d;
			d = NULL;
		}
	}
	mutex_unlock(&vm->npt_lock);
	if (d) {
		kvfree(d->bits);
		kfree(d);
	}
	return ret;
}

/*
 * Stop: leaves stay write-protected; a later write fault finds the page
 * mapped read-only and only gives write access back (kmod/mem.c).
 */
static long mv_dirty_disable(struct mv_vm *vm)
{
	long ret = 0;

	mutex_lock(&vm->npt_lock);
	if (vm->dirty)
		mv_dirty_free(vm);
	else
		ret = -ENOENT;
	mutex_unlock(&vm->npt_lock);
	return ret;
}

static long mv_dirty_log(struct mv_vm *vm, const struct file *file,
			 void __user *argp)
{
	struct minivmm_dirty_log req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.reserved[0] || req.reserved[1] ||
	    req.reserved[2] || req.enable > 1)
		return -EINVAL;
	return req.enable ? mv_dirty_enable(vm, file) : mv_dirty_disable(vm);
}

/*
 * One pass: take up to MV_DIRTY_PASS_BITS bits from page @start into
 * @buf and write-protect their pages (or, by D flags, first move the
 * range's flags into the log).  -ENOENT when not logging, -ENOMEM
 * when a split found no table page (the bits are back in the log then).
 */
static long mv_dirty_take_pass(struct mv_vm *vm, unsigned long start,
			       unsigned long n, unsigned long *buf, u64 *count)
{
	struct mv_dirty *d;
	unsigned long b;
	int ret = 0;

	mutex_lock(&vm->npt_lock);
	d = vm->dirty;
	if (!d) {
		mutex_unlock(&vm->npt_lock);
		return -ENOENT;
	}
	if (d->by_flags) {
		u64 flagged;

		/* Before the bits are taken: a failure loses none. */
		ret = mv_npt_take_dirty(&vm->npt, (u64)start << PAGE_SHIFT,
					(u64)n << PAGE_SHIFT, d->bits, &flagged);
		if (!ret)
			*count = mv_dirty_take(d->bits + start / BITS_PER_LONG,
					       buf, n);
		mutex_unlock(&vm->npt_lock);
		return ret;
	}
	*count = mv_dirty_take(d->bits + start / BITS_PER_LONG, buf, n);
	for_each_set_bit(b, buf, n) {
		ret = mv_npt_set_writable(&vm->npt,
					  (u64)(start + b) << PAGE_SHIFT, false);
		if (ret == -ENOENT)	/* not mapped: nothing to protect */
			ret = 0;
		if (ret)
			break;
	}
	if (ret)
		mv_dirty_untake(d->bits + start / BITS_PER_LONG, buf, n);
	mutex_unlock(&vm->npt_lock);
	return ret;
}

static long mv_dirty_get(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_dirty_bitmap __user *uarg = argp;
	struct minivmm_dirty_bitmap req;
	unsigned long first, done, n, *buf;
	u8 __user *dst;
	u64 total = 0, count;
	long ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.reserved[0] || req.reserved[1] || req.reserved[2])
		return -EINVAL;
	ret = mv_dirty_check(vm->mem_size, req.first_gpa, req.npages,
			     req.bitmap_size);
	if (ret)
		return ret;
	dst = u64_to_user_ptr(req.bitmap);
	buf = (unsigned long *)__get_free_page(GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	first = req.first_gpa >> PAGE_SHIFT;
	for (done = 0; done < req.npages; done += n) {
		n = min_t(u64, req.npages - done, MV_DIRTY_PASS_BITS);
		ret = mv_dirty_take_pass(vm, first + done, n, buf, &count);
		if (ret)
			break;
		mv_dirty_flush(vm);
		if (copy_to_user(dst + done / 8, buf, DIV_ROUND_UP(n, 8))) {
			mutex_lock(&vm->npt_lock);
			if (vm->dirty)
				mv_dirty_untake(vm->dirty->bits +
						(first + done) / BITS_PER_LONG,
						buf, n);
			mutex_unlock(&vm->npt_lock);
			ret = -EFAULT;
			break;
		}
		total += count;
		cond_resched();
	}
	free_page((unsigned long)buf);
	if (!ret && put_user(total, &uarg->dirty))
		ret = -EFAULT;
	return ret;
}

/* The VM fd's dirty-logging ioctls; -ENOTTY for any other command. */
long mv_dirty_ioctl(struct mv_vm *vm, const struct file *file,
		    unsigned int cmd, void __user *argp)
{
	switch (cmd) {
	case MINIVMM_VM_DIRTY_LOG:
		return mv_dirty_log(vm, file, argp);
	case MINIVMM_VM_GET_DIRTY:
		return mv_dirty_get(vm, argp);
	default:
		return -ENOTTY;
	}
}

/*
 * The VM fd that started logging is closed: a migration that died (killed
 * with SIGKILL) must not leave the log on, refusing every later one.
 */
void mv_dirty_release(struct mv_vm *vm, const struct file *file)
{
	mutex_lock(&vm->npt_lock);
	if (vm->dirty && vm->dirty->owner == file)
		mv_dirty_free(vm);
	mutex_unlock(&vm->npt_lock);
}
