// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM on demand.
 *
 * A VM's RAM is an array of 2 MiB chunks.  A chunk is backed either by a
 * block (c->huge: 512 physically contiguous pages from one order-9
 * allocation, split into pages of their own so that each can be freed
 * alone; the nested tables map it with one 2 MiB leaf) or page by page
 * (c->pages).  A VM created with "prealloc" gets every chunk at create, as
 * a block where the allocator has one.  Any other VM starts with nothing:
 * RAM is allocated, zeroed, when the guest first touches it (nested page
 * fault), when the loader writes it (pwrite on the VM fd), or when another
 * part of the module asks for it through mv_gpa_to_page(..., true).  Such
 * a first touch is granted a 4 KiB page, or the whole chunk as a block
 * when the guest is filling RAM block after block (mv_chunk_wants_block()).
 * Each grant is decided by the policy (policy.h: a host-wide limit on
 * granted RAM, a per-VM limit); a refused grant pauses the VM with a
 * reason that names the limit, and never reaches the host's OOM killer
 * (__GFP_NORETRY: a failed allocation is a refusal too).
 *
 * A guest can give pages back (the balloon hypercalls in kmod/exits.c):
 * they are unmapped from the nested tables, the TLBs are flushed before
 * the guest runs again, and the page is freed; touched again, it comes
 * back zeroed.  A page of a block is given back by first turning the block
 * into a chunk of single pages (the 2 MiB leaf split into 4 KiB ones).
 *
 * Locking: vm->npt_lock (a mutex: allocation sleeps) protects the chunk
 * array's page pointers, the nested tables and vm->mem_granted /
 * vm->mem_touched.  mv_grant_lock (a spinlock, innermost) protects the
 * host-wide total against the policy's limit.  Every page handed out by
 * mv_gpa_to_page() carries a reference, so a page returned by the guest
 * while someone copies from it is freed only after mv_guest_page_put().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include "minivmm.h"
#include "policy.h"

/* Host-wide: bytes of guest RAM granted, and the policy's limit on them. */
static DEFINE_SPINLOCK(mv_grant_lock);
static u64 mv_granted_total;		/* mv_grant_lock */
static u64 mv_granted_limit = U64_MAX;	/* mv_grant_lock */

void mv_mem_set_host_limit(u64 limit)
{
	spin_lock(&mv_grant_lock);
	mv_granted_limit = limit;
	spin_unlock(&mv_grant_lock);
}

u64 mv_mem_granted_total(void)
{
	u64 v;

	spin_lock(&mv_grant_lock);
	v = mv_granted_total;
	spin_unlock(&mv_grant_lock);
	return v;
}

/*
 * Charge @bytes to the host and to @vm (vm->npt_lock held), or say which
 * limit refuses them.
 */
static enum mv_grant_refusal mv_grant(struct mv_vm *vm, u64 bytes)
{
	enum mv_grant_refusal r;

	lockdep_assert_held(&vm->npt_lock);
	spin_lock(&mv_grant_lock);
	r = mv_policy_grant(mv_granted_limit, mv_granted_total,
			    READ_ONCE(vm->mem_limit), vm->mem_granted, bytes);
	if (r == MV_GRANT_OK)
		mv_granted_total += bytes;
	spin_unlock(&mv_grant_lock);
	if (r == MV_GRANT_OK)
		WRITE_ONCE(vm->mem_granted, vm->mem_granted + bytes);
	return r;
}

static void mv_ungrant(struct mv_vm *vm, u64 bytes)
{
	spin_lock(&mv_grant_lock);
	mv_granted_total -= min(bytes, mv_granted_total);
	spin_unlock(&mv_grant_lock);
	WRITE_ONCE(vm->mem_granted, vm->mem_granted - min(bytes, vm->mem_granted));
}

/*
 * Grant a whole block at the first touch of a chunk when the guest fills
 * RAM in order (module parameter; on by default).  Off, every first touch
 * is granted 4 KiB: what the bench compares against.
 */
static bool grant_blocks = true;
module_param(grant_blocks, bool, 0644);
MODULE_PARM_DESC(grant_blocks,
		 "grant guest RAM in 2 MiB blocks where the guest fills it in order (default: on)");

/* ---- create and destroy ------------------------------------------------- */

/*
 * A zeroed 2 MiB block (first page), or NULL.  split_page() makes its 512
 * pages independent: the balloon can free one while the others stay.
 */
static struct page *mv_block_alloc(void)
{
	struct page *page;

	page = mv_pages_alloc(&mv_vm_pages, NUMA_NO_NODE,
			      GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN |
			      __GFP_NORETRY, MV_CHUNK_ORDER);
	if (page)
		split_page(page, MV_CHUNK_ORDER);
	return page;
}

static void mv_block_free(struct page *block)
{
	unsigned int j;

	for (j = 0; block && j < MV_CHUNK_PAGES; j++)
		mv_pages_free(&mv_vm_pages, block + j, 0);
}

static int mv_chunk_alloc_pages(struct mv_mem_chunk *c, u64 bytes)
{
	unsigned long j;

	if (!c->pages) {
		c->pages = kcalloc(PTRS_PER_PTE, sizeof(*c->pages),
				   GFP_KERNEL_ACCOUNT);
		if (!c->pages)
			return -ENOMEM;
	}
	for (j = 0; j < bytes >> PAGE_SHIFT; j++) {
		c->pages[j] = mv_pages_alloc(&mv_vm_pages, NUMA_NO_NODE,
					     GFP_KERNEL_ACCOUNT | __GFP_ZERO, 0);
		if (!c->pages[j])
			return -ENOMEM;
	}
	return 0;
}

/*
 * Every chunk at once (create --prealloc): today's behaviour, 2 MiB
 * compound blocks where possible.  The whole size is granted first.
 */
static int mv_mem_prealloc(struct mv_vm *vm, struct netlink_ext_ack *extack)
{
	unsigned long i;
	int ret;

	mutex_lock(&vm->npt_lock);
	if (mv_grant(vm, vm->mem_size) != MV_GRANT_OK) {
		mutex_unlock(&vm->npt_lock);
		NL_SET_ERR_MSG(extack, "preallocating this VM's RAM would exceed the policy's limit on granted memory");
		return -ENOMEM;
	}
	mutex_unlock(&vm->npt_lock);
	for (i = 0; i < vm->nr_chunks; i++) {
		struct mv_mem_chunk *c = &vm->chunks[i];
		u64 bytes = min_t(u64, MV_CHUNK_SIZE,
				  vm->mem_size - (i << MV_CHUNK_SHIFT));

		if (bytes == MV_CHUNK_SIZE)
			c->huge = mv_block_alloc();
		if (!c->huge) {
			ret = mv_chunk_alloc_pages(c, bytes);
			if (ret) {
				NL_SET_ERR_MSG(extack, "not enough host memory for this VM");
				return ret;	/* mv_mem_free() undoes */
			}
		}
		cond_resched();
	}
	return 0;
}

int mv_mem_init(struct mv_vm *vm, bool prealloc, struct netlink_ext_ack *extack)
{
	vm->nr_chunks = DIV_ROUND_UP(vm->mem_size, MV_CHUNK_SIZE);
	vm->chunks = kvcalloc(vm->nr_chunks, sizeof(*vm->chunks),
			      GFP_KERNEL_ACCOUNT);
	if (!vm->chunks) {
		NL_SET_ERR_MSG(extack, "not enough host memory for this VM");
		return -ENOMEM;
	}
	vm->mem_prealloc = prealloc;
	return prealloc ? mv_mem_prealloc(vm, extack) : 0;
}

/* The last reference is gone: nothing maps or copies guest RAM any more. */
void mv_mem_free(struct mv_vm *vm)
{
	unsigned long i, j;

	if (!vm->chunks)
		return;
	for (i = 0; i < vm->nr_chunks; i++) {
		struct mv_mem_chunk *c = &vm->chunks[i];

		mv_block_free(c->huge);
		if (c->pages) {
			for (j = 0; j < PTRS_PER_PTE; j++)
				mv_pages_free(&mv_vm_pages, c->pages[j], 0);
			kfree(c->pages);
		}
	}
	kvfree(vm->chunks);
	vm->chunks = NULL;
	mv_dirty_free(vm);
	mv_ungrant(vm, vm->mem_granted);
}

/* ---- lookup and allocation ---------------------------------------------- */

static enum minivmm_pause_reason mv_refusal_reason(enum mv_grant_refusal r)
{
	return r == MV_GRANT_VM_LIMIT ? MINIVMM_PAUSE_VM_MEM_LIMIT :
					MINIVMM_PAUSE_HOST_MEM_LIMIT;
}

/* Is every page of chunk @i (possibly out of range) backed?  npt_lock. */
static bool mv_chunk_full(const struct mv_vm *vm, unsigned long i)
{
	const struct mv_mem_chunk *c;
	unsigned int j;

	if (i >= vm->nr_chunks)
		return false;
	c = &vm->chunks[i];
	if (c->huge)
		return true;
	if (!c->pages)
		return false;
	for (j = 0; j < MV_CHUNK_PAGES; j++)
		if (!c->pages[j])
			return false;
	return true;
}

/*
 * Grant chunk @i whole at its first touch?  Only when a neighbour is
 * backed in full already: the guest is filling RAM block after block,
 * upward (a decompressor, a memset) or downward (Linux's early allocator),
 * and will most likely fill this one too.  That costs one nested fault per
 * 2 MiB instead of 512 and one TLB entry instead of 512.  A guest that
 * touches a little here and there is granted 4 KiB pages, so what it is
 * granted stays what it touched.  The last, partial chunk never is.
 */
static bool mv_chunk_wants_block(const struct mv_vm *vm, unsigned long i)
{
	const struct mv_mem_chunk *c = &vm->chunks[i];

	if (!READ_ONCE(grant_blocks) || c->huge || c->pages ||
	    ((u64)(i + 1) << MV_CHUNK_SHIFT) > vm->mem_size)
		return false;
	return (i > 0 && mv_chunk_full(vm, i - 1)) || mv_chunk_full(vm, i + 1);
}

/*
 * Back chunk @c with a block if the policy grants 2 MiB and the host has
 * one; false leaves it to the 4 KiB path.  npt_lock held.
 */
static bool mv_chunk_grant_block(struct mv_vm *vm, struct mv_mem_chunk *c)
{
	if (mv_grant(vm, MV_CHUNK_SIZE) != MV_GRANT_OK)
		return false;
	c->huge = mv_block_alloc();
	if (!c->huge) {
		mv_ungrant(vm, MV_CHUNK_SIZE);
		return false;
	}
	return true;
}

/*
 * The page backing @gpa (< vm->mem_size), without a reference; NULL when
 * none is allocated and !@alloc.  vm->npt_lock held.  *@reason says why an
 * allocation was refused (ERR_PTR(-ENOSPC), or -ENOMEM when the host had
 * no page).
 */
static struct page *mv_gpa_page_locked(struct mv_vm *vm, u64 gpa, bool alloc,
				       enum minivmm_pause_reason *reason)
{
	struct mv_mem_chunk *c = &vm->chunks[gpa >> MV_CHUNK_SHIFT];
	unsigned long idx = (gpa >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
	enum mv_grant_refusal r;
	struct page *page;

	lockdep_assert_held(&vm->npt_lock);
	if (c->huge)
		return c->huge + idx;
	if (c->pages && c->pages[idx])
		return c->pages[idx];
	if (!alloc)
		return NULL;
	if (mv_chunk_wants_block(vm, gpa >> MV_CHUNK_SHIFT) &&
	    mv_chunk_grant_block(vm, c))
		return c->huge + idx;
	if (!c->pages) {
		c->pages = kcalloc(PTRS_PER_PTE, sizeof(*c->pages),
				   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!c->pages) {
			*reason = MINIVMM_PAUSE_HOST_NO_MEMORY;
			return ERR_PTR(-ENOMEM);
		}
	}
	r = mv_grant(vm, PAGE_SIZE);
	if (r != MV_GRANT_OK) {
		*reason = mv_refusal_reason(r);
		return ERR_PTR(-ENOSPC);
	}
	/* No OOM killer, no warning: a failure pauses this VM instead. */
	page = mv_pages_alloc(&mv_vm_pages, NUMA_NO_NODE,
			      GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NORETRY |
			      __GFP_NOWARN, 0);
	if (!page) {
		mv_ungrant(vm, PAGE_SIZE);
		*reason = MINIVMM_PAUSE_HOST_NO_MEMORY;
		return ERR_PTR(-ENOMEM);
	}
	c->pages[idx] = page;
	return page;
}

struct page *mv_gpa_to_page(struct mv_vm *vm, u64 gpa, bool alloc)
{
	enum minivmm_pause_reason reason;
	struct page *page;

	if (gpa >= vm->mem_size)
		return ERR_PTR(-EFAULT);
	mutex_lock(&vm->npt_lock);
	page = mv_gpa_page_locked(vm, gpa, alloc, &reason);
	if (!IS_ERR_OR_NULL(page))
		get_page(page);
	mutex_unlock(&vm->npt_lock);
	return page;
}

void mv_guest_page_put(struct page *page)
{
	put_page(page);
}

void mv_gpa_present_pfns(struct mv_vm *vm, u64 gpa, unsigned int n,
			 unsigned long *pfns)
{
	enum minivmm_pause_reason unused;
	struct page *page;
	unsigned int i;

	mutex_lock(&vm->npt_lock);
	for (i = 0; i < n; i++, gpa += PAGE_SIZE) {
		page = gpa < vm->mem_size ?
			mv_gpa_page_locked(vm, gpa, false, &unused) : NULL;
		pfns[i] = page ? page_to_pfn(page) : 0;
	}
	mutex_unlock(&vm->npt_lock);
}

/* ---- the nested page fault ---------------------------------------------- */

/*
 * The vCPU thread pauses its own VM: state PAUSED with @reason (if it was
 * RUNNING), an event, and the run loop parks the thread.  RIP is left on
 * the faulting instruction, so resume retries the access.
 */
static void mv_vm_pause_self(struct mv_vcpu *vcpu,
			     enum minivmm_pause_reason reason)
{
	struct mv_vm *vm = vcpu->vm;
	bool paused = false;

	spin_lock(&vm->stop_lock);
	if (vm->state == MINIVMM_VM_RUNNING) {
		WRITE_ONCE(vm->pause_reason, reason);
		WRITE_ONCE(vm->state, MINIVMM_VM_PAUSED);
		paused = true;
	}
	spin_unlock(&vm->stop_lock);
	if (paused) {
		mv_nl_event(vm, MINIVMM_EVENT_MEM_REFUSED);
		mv_nl_event(vm, MINIVMM_EVENT_PAUSED);
	}
}

/*
 * mv_npt_unmap() asked for a flush (npt.h): make every vCPU exit so that it
 * flushes before its next entry.  With one vCPU the caller is that vCPU,
 * outside guest mode.  An SMP VM must also wait for every other vCPU to
 * have flushed before the pages are freed; the kick makes them exit so
 * they flush soon.
 */
static void mv_mem_kick_all(struct mv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		mv_vcpu_kick(vm->vcpus[i]);
}

enum mv_exit_action mv_mem_fault(struct mv_vcpu *vcpu, u64 gpa)
{
	struct mv_vm *vm = vcpu->vm;
	enum minivmm_pause_reason reason = MINIVMM_PAUSE_NONE;
	struct mv_mem_chunk *c;
	struct page *page;
	u64 base, size, hpa;
	unsigned int prot;
	int ret;

	mutex_lock(&vm->npt_lock);
	/*
	 * A write to a page dirty logging write-protected (kmod/dirty.c), or
	 * left so when logging stopped: log it and give write access back.
	 */
	if (!mv_npt_lookup(&vm->npt, gpa, NULL, &prot, NULL) &&
	    !(prot & MV_NPT_W)) {
		ret = mv_dirty_write_fault(vm, gpa);
		mutex_unlock(&vm->npt_lock);
		vcpu->npf_retry_gpa = 0;
		if (ret == -ENOMEM) {
			mv_vm_pause_self(vcpu, MINIVMM_PAUSE_HOST_NO_MEMORY);
			return MV_EXIT_RESUME;
		}
		if (ret) {
			mv_vm_stop(vm, MINIVMM_STOP_INTERNAL_ERROR, gpa);
			return MV_EXIT_STOP;
		}
		return MV_EXIT_RESUME;
	}
	c = &vm->chunks[gpa >> MV_CHUNK_SHIFT];
	page = mv_gpa_page_locked(vm, gpa, true, &reason);
	if (IS_ERR(page)) {
		mutex_unlock(&vm->npt_lock);
		mv_vm_pause_self(vcpu, reason);
		return MV_EXIT_RESUME;	/* the run loop parks */
	}
	/*
	 * A 2 MiB leaf for a 2 MiB block, unless dirty logging wants 4 KiB
	 * ones or some of the block is mapped 4 KiB already (split by an
	 * earlier logging round).
	 */
	ret = -EEXIST;
	if (c->huge && !mv_dirty_logging(vm)) {
		base = gpa & ~(MV_CHUNK_SIZE - 1);
		size = MV_CHUNK_SIZE;
		hpa = page_to_phys(c->huge);
		ret = mv_npt_map(&vm->npt, base, hpa, size, MV_NPT_RWX);
	}
	if (ret == -EEXIST && (!c->huge || mv_dirty_logging(vm) ||
			       mv_npt_lookup(&vm->npt, gpa, NULL, NULL,
					     NULL) == -ENOENT)) {
		base = gpa & PAGE_MASK;
		size = PAGE_SIZE;
		hpa = page_to_phys(page);
		ret = mv_npt_map(&vm->npt, base, hpa, size, MV_NPT_RWX);
	}
	if (!ret) {
		WRITE_ONCE(vm->mem_touched, vm->mem_touched + size);
		/* Writable from now on: the guest's writes go unseen. */
		mv_dirty_mark_locked(vm, gpa);
	}
	mutex_unlock(&vm->npt_lock);

	if (ret == -EEXIST && vcpu->npf_retry_gpa != (gpa | 1)) {
		/* Another vCPU mapped it since this one faulted: try again,
		 * once for this address.
		 */
		vcpu->npf_retry_gpa = gpa | 1;
		return MV_EXIT_RESUME;
	}
	vcpu->npf_retry_gpa = 0;
	if (ret == -EEXIST) {
		/* Mapped already, yet it faulted twice: the tables are not
		 * what the hardware expects.  Resuming would loop forever.
		 */
		pr_warn_ratelimited("VM %u: nested fault on mapped GPA %#llx\n",
				    vm->id, gpa);
		mv_vm_stop(vm, MINIVMM_STOP_INTERNAL_ERROR, gpa);
		return MV_EXIT_STOP;
	}
	if (ret == -ENOMEM) {	/* no page for a table: a host shortage */
		mv_vm_pause_self(vcpu, MINIVMM_PAUSE_HOST_NO_MEMORY);
		return MV_EXIT_RESUME;
	}
	if (ret) {
		mv_vm_stop(vm, MINIVMM_STOP_INTERNAL_ERROR, gpa);
		return MV_EXIT_STOP;
	}
	return MV_EXIT_RESUME;
}

/* ---- the balloon -------------------------------------------------------- */

/*
 * Turn the block behind chunk @c (at @base) into single pages, so that one
 * can be freed: its 2 MiB leaf, if any, becomes 512 4 KiB leaves to the
 * same pages (no flush needed: both translate alike).  False if the host
 * had no memory for the page array or a table.  npt_lock held.
 */
static bool mv_chunk_break_block(struct mv_vm *vm, struct mv_mem_chunk *c,
				 u64 base)
{
	struct page **pages;
	unsigned int j;

	lockdep_assert_held(&vm->npt_lock);
	pages = kcalloc(MV_CHUNK_PAGES, sizeof(*pages),
			GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages)
		return false;
	if (mv_npt_split_range(&vm->npt, base, MV_CHUNK_SIZE)) {
		kfree(pages);
		return false;
	}
	for (j = 0; j < MV_CHUNK_PAGES; j++)
		pages[j] = c->huge + j;
	c->pages = pages;
	c->huge = NULL;
	return true;
}

/*
 * The guest gives back @npages pages from @gpa (page aligned, inside RAM):
 * each allocated one is unmapped and freed.  A page of a block is freed
 * once the block is broken into single pages; if the host has no memory
 * for that, the page stays (and is counted as given back, as the guest
 * no longer uses it).  Returns how many pages
 * the guest no longer holds (freed, or never allocated) or a negative
 * errno for a bad range.  vCPU thread; the flush is done before its next
 * entry (the NPT's flush request), and no other CPU runs this 1-vCPU guest.
 */
long mv_mem_return(struct mv_vcpu *vcpu, u64 gpa, u64 npages)
{
	struct mv_vm *vm = vcpu->vm;
	struct page *freed[16];
	unsigned int nfreed = 0, k;
	u64 i, done = 0;

	if (!PAGE_ALIGNED(gpa) || gpa >= vm->mem_size ||
	    npages > (vm->mem_size - gpa) >> PAGE_SHIFT)
		return -EINVAL;
	for (i = 0; i < npages; i++) {
		u64 at = gpa + (i << PAGE_SHIFT);
		struct mv_mem_chunk *c = &vm->chunks[at >> MV_CHUNK_SHIFT];
		unsigned long idx = (at >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);

		mutex_lock(&vm->npt_lock);
		if (c->huge && !mv_chunk_break_block(vm, c, at & ~(MV_CHUNK_SIZE - 1))) {
			mutex_unlock(&vm->npt_lock);
			continue;
		}
		if (c->pages && c->pages[idx]) {
			if (!mv_npt_unmap(&vm->npt, at, PAGE_SIZE))
				WRITE_ONCE(vm->mem_touched,
					   vm->mem_touched - PAGE_SIZE);
			freed[nfreed++] = c->pages[idx];
			c->pages[idx] = NULL;
			mv_ungrant(vm, PAGE_SIZE);
		}
		mutex_unlock(&vm->npt_lock);
		done++;
		if (nfreed == ARRAY_SIZE(freed) || i + 1 == npages) {
			mv_mem_kick_all(vm);
			for (k = 0; k < nfreed; k++) {
				/* A copy in progress holds its own reference. */
				atomic_long_dec(&mv_vm_pages);
				put_page(freed[k]);
			}
			nfreed = 0;
			cond_resched();
		}
	}
	return done;
}

/* The balloon hypercalls (uapi/minivmm.h, MINIVMM_HC_MEM_*). */
u64 mv_hc_balloon(struct mv_vcpu *vcpu, u64 nr, u64 gpa, u64 npages)
{
	struct mv_vm *vm = vcpu->vm;
	u64 target, bytes;
	long done;

	switch (nr) {
	case MINIVMM_HC_MEM_TARGET:
		target = READ_ONCE(vm->mem_target);
		return target ? target : vm->mem_size;
	case MINIVMM_HC_MEM_RETURN:
		/*
		 * Freeing a page is safe only once no CPU can still reach it
		 * through a stale TLB entry: the caller flushes before its next
		 * entry, but nothing waits for the other vCPUs' flushes yet.
		 */
		if (vm->nr_vcpus > 1)
			return (u64)-EOPNOTSUPP;
		/* A device process's mapping would keep reaching a freed page. */
		if (READ_ONCE(vm->ram_mapped))
			return (u64)-EOPNOTSUPP;
		done = mv_mem_return(vcpu, gpa, npages);
		if (done < 0)
			return (u64)done;
		bytes = (u64)done << PAGE_SHIFT;
		WRITE_ONCE(vm->mem_returned,
			   min(vm->mem_size, vm->mem_returned + bytes));
		return done;
	case MINIVMM_HC_MEM_RECLAIM:
		if (!PAGE_ALIGNED(gpa) || gpa >= vm->mem_size ||
		    npages > (vm->mem_size - gpa) >> PAGE_SHIFT)
			return (u64)-EINVAL;
		/* Nothing to do but count: a touch grants them again. */
		bytes = npages << PAGE_SHIFT;
		WRITE_ONCE(vm->mem_returned,
			   vm->mem_returned - min(bytes, vm->mem_returned));
		return 0;
	default:	/* not a balloon call: the caller never passes one */
		return (u64)-EINVAL;
	}
}
