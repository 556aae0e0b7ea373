// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: vendor-neutral nested page tables (Intel EPT, AMD NPT).
 *
 * The tree has four levels (PML4, PDPT, PD, PT) of 512 64-bit entries in
 * one page each.  Only the entry encoding differs between the vendors, so
 * all tree code below goes through the encoders in npt.h.  mv_npt_map()
 * creates 2 MiB leaves in PDEs wherever it can and 4 KiB leaves elsewhere;
 * the walker and the decoders also understand 1 GiB leaves in PDPTEs so
 * that they can be added later without touching the tree code.
 *
 * Locking and TLB rules are at the top of npt.h.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>

#include "npt.h"

#define MV_NPT_GPA_LIMIT	BIT_ULL(MV_NPT_GPA_BITS)
#define MV_NPT_HPA_LIMIT	BIT_ULL(MV_NPT_HPA_BITS)

/*
 * Called by mv_npt_walk() for each present leaf that overlaps the walked
 * range.  @ptep is the leaf's slot, @gpa the first address the leaf maps
 * (a large leaf may start before the range and end after it).  A non-zero
 * return stops the walk and is returned by mv_npt_walk().
 */
typedef int (*mv_npt_leaf_fn)(struct mv_npt *npt, u64 *ptep, u64 gpa,
			      unsigned int level, void *data);

static u64 *mv_npt_alloc_table(struct mv_npt *npt)
{
	u64 *table = (u64 *)get_zeroed_page(npt->gfp);

	if (table)
		npt->nr_tables++;
	return table;
}

static void mv_npt_free_table(struct mv_npt *npt, u64 *table)
{
	free_page((unsigned long)table);
	npt->nr_tables--;
}

/* Kernel VA of the table a present non-leaf entry points to. */
static u64 *mv_npt_child(u64 e)
{
	return phys_to_virt(e & MV_NPT_ADDR_MASK);
}

/*
 * Link a freshly filled table (or replace an entry by one that points to
 * it).  The barrier keeps the compiler from sinking the plain stores that
 * filled the table below the store that makes it reachable; x86 keeps
 * stores in order, so a hardware walker never sees a half-filled table.
 */
static void mv_npt_link(struct mv_npt *npt, u64 *ptep, u64 *table)
{
	smp_wmb();	/* table contents before the entry that links it */
	WRITE_ONCE(*ptep, mv_npt_table_entry(npt->kind, virt_to_phys(table)));
}

static bool mv_npt_table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < MV_NPT_ENTRIES; i++)
		if (READ_ONCE(table[i]))
			return false;
	return true;
}

/*
 * Take a table out of the tree without freeing it: a walker may still have
 * the entry that pointed to it in a paging-structure cache until the next
 * flush, and must not find a reused page there.  mv_npt_destroy() frees it.
 */
static void mv_npt_retire(struct mv_npt *npt, u64 *table)
{
	list_add(&virt_to_page(table)->lru, &npt->retired);
	mv_npt_request_flush(npt);
}

/* Free @table and every table below it; never the mapped memory. */
static void mv_npt_free_tree(struct mv_npt *npt, u64 *table,
			     unsigned int level)
{
	unsigned int i;

	for (i = 0; level > MV_NPT_LEVEL_PT && i < MV_NPT_ENTRIES; i++) {
		u64 e = table[i];

		if (mv_npt_entry_present(npt->kind, e) &&
		    !mv_npt_entry_leaf(e, level))
			mv_npt_free_tree(npt, mv_npt_child(e), level - 1);
	}
	mv_npt_free_table(npt, table);
}

static int mv_npt_walk_table(struct mv_npt *npt, u64 *table,
			     unsigned int level, u64 start, u64 end,
			     mv_npt_leaf_fn fn, void *data)
{
	u64 size = mv_npt_level_size(level);
	u64 gpa;
	int ret;

	for (gpa = start & ~(size - 1); gpa < end; gpa += size) {
		u64 *ptep = &table[mv_npt_index(gpa, level)];
		u64 e = READ_ONCE(*ptep);

		if (!mv_npt_entry_present(npt->kind, e))
			continue;
		if (mv_npt_entry_leaf(e, level))
			ret = fn(npt, ptep, gpa, level, data);
		else
			ret = mv_npt_walk_table(npt, mv_npt_child(e),
						level - 1, max(start, gpa),
						min(end, gpa + size), fn, data);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Call @fn for every present leaf overlapping [@start, @end), in address
 * order.  The generic building block for range operations: overlap checks,
 * unmapping, and later write-protection and dirty-bit harvesting.
 */
static int mv_npt_walk(struct mv_npt *npt, u64 start, u64 end,
		       mv_npt_leaf_fn fn, void *data)
{
	return mv_npt_walk_table(npt, npt->root, MV_NPT_LEVEL_PML4, start, end,
				 fn, data);
}

static int mv_npt_leaf_busy(struct mv_npt *npt, u64 *ptep, u64 gpa,
			    unsigned int level, void *data)
{
	return -EEXIST;
}

static int mv_npt_leaf_clear(struct mv_npt *npt, u64 *ptep, u64 gpa,
			     unsigned int level, void *data)
{
	WRITE_ONCE(*ptep, 0);
	mv_npt_request_flush(npt);
	return 0;
}

/* Slot of the leaf mapping @gpa, its level in *@level; NULL if unmapped. */
static u64 *mv_npt_find_leaf(const struct mv_npt *npt, u64 gpa,
			     unsigned int *level)
{
	u64 *table = npt->root;
	unsigned int l;

	for (l = MV_NPT_LEVEL_PML4; l >= MV_NPT_LEVEL_PT; l--) {
		u64 *ptep = &table[mv_npt_index(gpa, l)];
		u64 e = READ_ONCE(*ptep);

		if (!mv_npt_entry_present(npt->kind, e))
			return NULL;
		if (mv_npt_entry_leaf(e, l)) {
			*level = l;
			return ptep;
		}
		table = mv_npt_child(e);
	}
	return NULL;	/* not reached: every PT entry is a leaf */
}

/*
 * Slot for @gpa in the table at @level, allocating the tables above it.
 * ERR_PTR(-EEXIST) if a larger leaf already covers @gpa.
 */
static u64 *mv_npt_slot(struct mv_npt *npt, u64 gpa, unsigned int level)
{
	u64 *table = npt->root;
	unsigned int l;

	for (l = MV_NPT_LEVEL_PML4; l > level; l--) {
		u64 *ptep = &table[mv_npt_index(gpa, l)];
		u64 e = READ_ONCE(*ptep);

		if (!mv_npt_entry_present(npt->kind, e)) {
			u64 *child = mv_npt_alloc_table(npt);

			if (!child)
				return ERR_PTR(-ENOMEM);
			mv_npt_link(npt, ptep, child);
			table = child;
			continue;
		}
		if (mv_npt_entry_leaf(e, l))
			return ERR_PTR(-EEXIST);
		table = mv_npt_child(e);
	}
	return &table[mv_npt_index(gpa, level)];
}

static int mv_npt_set_leaf(struct mv_npt *npt, u64 gpa, u64 hpa,
			   unsigned int prot, bool large)
{
	unsigned int level = large ? MV_NPT_LEVEL_PD : MV_NPT_LEVEL_PT;
	u64 *ptep = mv_npt_slot(npt, gpa, level);
	u64 e;

	if (IS_ERR(ptep))
		return PTR_ERR(ptep);
	e = READ_ONCE(*ptep);
	if (mv_npt_entry_present(npt->kind, e)) {
		/*
		 * After the overlap check the only thing that can be here is
		 * a page table that unmap emptied; a 2 MiB leaf replaces it.
		 */
		if (mv_npt_entry_leaf(e, level) ||
		    !mv_npt_table_empty(mv_npt_child(e)))
			return -EEXIST;
		mv_npt_retire(npt, mv_npt_child(e));
	}
	WRITE_ONCE(*ptep, mv_npt_leaf_entry(npt->kind, hpa, prot, large));
	return 0;
}

/*
 * Replace the large leaf at @ptep (@level > PT) by a table of 512 leaves
 * one level down that map the same memory with the same permissions.
 * A and D are copied so that no dirty page is lost to a later harvest;
 * callers that harvest D bits write-protect first, so the hardware cannot
 * set D between the read and the replacement.
 */
static int mv_npt_split(struct mv_npt *npt, u64 *ptep, unsigned int level)
{
	u64 e = READ_ONCE(*ptep);
	unsigned int prot = mv_npt_entry_prot(npt->kind, e);
	u64 ad = mv_npt_entry_ad(npt->kind, e);
	u64 hpa = mv_npt_entry_addr(e, level);
	u64 sub = mv_npt_level_size(level - 1);
	bool large = level - 1 > MV_NPT_LEVEL_PT;
	u64 *table;
	unsigned int i;

	table = mv_npt_alloc_table(npt);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < MV_NPT_ENTRIES; i++)
		table[i] = mv_npt_leaf_entry(npt->kind, hpa + i * sub, prot,
					     large) | ad;
	mv_npt_link(npt, ptep, table);
	return 0;
}

/* Split large leaves until none crosses the boundary at @gpa. */
static int mv_npt_split_at(struct mv_npt *npt, u64 gpa)
{
	unsigned int level;
	u64 *ptep;
	int ret;

	if (gpa >= MV_NPT_GPA_LIMIT)
		return 0;
	for (;;) {
		ptep = mv_npt_find_leaf(npt, gpa, &level);
		if (!ptep || IS_ALIGNED(gpa, mv_npt_level_size(level)))
			return 0;
		ret = mv_npt_split(npt, ptep, level);
		if (ret)
			return ret;
	}
}

/* [@addr, @addr + @size) is non-empty, 4 KiB aligned and below @limit. */
static bool mv_npt_range_ok(u64 addr, u64 size, u64 limit)
{
	return size && IS_ALIGNED(addr | size, MV_NPT_PAGE_4K) &&
	       addr < limit && size <= limit - addr;
}

static bool mv_npt_use_2m(const struct mv_npt *npt, u64 gpa, u64 hpa,
			  u64 left)
{
	return !npt->small_only && IS_ALIGNED(gpa | hpa, MV_NPT_PAGE_2M) &&
	       left >= MV_NPT_PAGE_2M;
}

/**
 * mv_npt_init() - set up an empty address space
 * @npt:	the structure to fill
 * @kind:	MV_NPT_AMD or MV_NPT_EPT
 * @gfp:	flags for every table allocation (must allow sleeping if the
 *		caller's map/unmap run in sleepable context only)
 *
 * Return: 0, -EINVAL for a bad @kind, -ENOMEM.
 */
int mv_npt_init(struct mv_npt *npt, enum mv_npt_kind kind, gfp_t gfp)
{
	if (!npt || (kind != MV_NPT_AMD && kind != MV_NPT_EPT))
		return -EINVAL;

	*npt = (struct mv_npt){ .kind = kind, .gfp = gfp };
	INIT_LIST_HEAD(&npt->retired);
	npt->root = mv_npt_alloc_table(npt);
	if (!npt->root)
		return -ENOMEM;
	if (kind == MV_NPT_AMD && pgtable_l5_enabled()) {
		npt->pml5 = (u64 *)get_zeroed_page(gfp);
		if (!npt->pml5) {
			mv_npt_destroy(npt);
			return -ENOMEM;
		}
		WRITE_ONCE(npt->pml5[0],
			   mv_npt_table_entry(kind, virt_to_phys(npt->root)));
	}
	return 0;
}

/**
 * mv_npt_destroy() - free every table page
 * @npt:	the address space; no CPU may be using it any more
 *
 * The mapped memory belongs to the caller and is not touched.  Safe on a
 * zeroed structure, after a failed init and when called twice.
 */
void mv_npt_destroy(struct mv_npt *npt)
{
	struct page *page, *tmp;

	if (!npt || !npt->root)
		return;
	mv_npt_free_tree(npt, npt->root, MV_NPT_LEVEL_PML4);
	npt->root = NULL;
	if (npt->pml5)
		free_page((unsigned long)npt->pml5);
	npt->pml5 = NULL;
	list_for_each_entry_safe(page, tmp, &npt->retired, lru) {
		list_del(&page->lru);
		mv_npt_free_table(npt, page_address(page));
	}
}

/* nCR3 on AMD: the PML4, or the PML5 above it on a 5-level host. */
u64 mv_npt_root_pa(const struct mv_npt *npt)
{
	if (npt->pml5)
		return virt_to_phys(npt->pml5);
	return npt->root ? virt_to_phys(npt->root) : 0;
}

/* EPT pointer: write-back walks, 4 levels, A/D flags if ept_ad. */
u64 mv_npt_eptp(const struct mv_npt *npt)
{
	/* EPT depth is chosen by the EPTP, not the host: always 4 levels. */
	u64 eptp = (npt->root ? virt_to_phys(npt->root) : 0) & MV_NPT_ADDR_MASK;

	eptp |= MV_NPT_EPT_MT_WB;
	eptp |= (u64)(MV_NPT_LEVELS - 1) << MV_NPT_EPTP_WALK_SHIFT;
	if (npt->ept_ad)
		eptp |= MV_NPT_EPTP_AD;
	return eptp;
}

/**
 * mv_npt_map() - map guest-physical memory to host-physical memory
 * @npt:	the address space
 * @gpa:	first guest-physical address, 4 KiB aligned
 * @hpa:	first host-physical address, 4 KiB aligned
 * @size:	bytes, a non-zero multiple of 4 KiB
 * @prot:	MV_NPT_R/W/X, not empty; EPT also refuses W without R
 *
 * Uses 2 MiB leaves where @gpa and @hpa are both 2 MiB aligned and 2 MiB
 * remain, 4 KiB leaves elsewhere.  Nothing is changed when the range
 * overlaps an existing mapping.  If a table allocation fails, the leaves
 * already written are removed again (and a flush requested: a vCPU running
 * meanwhile may have cached them).
 *
 * Return: 0, -EINVAL for bad arguments, -EEXIST on overlap, -ENOMEM.
 */
int mv_npt_map(struct mv_npt *npt, u64 gpa, u64 hpa, u64 size,
	       unsigned int prot)
{
	u64 done, step;
	int ret;

	if (!npt || !npt->root ||
	    !mv_npt_range_ok(gpa, size, MV_NPT_GPA_LIMIT) ||
	    !mv_npt_range_ok(hpa, size, MV_NPT_HPA_LIMIT) ||
	    !mv_npt_prot_valid(npt->kind, prot))
		return -EINVAL;

	ret = mv_npt_walk(npt, gpa, gpa + size, mv_npt_leaf_busy, NULL);
	if (ret)
		return ret;

	for (done = 0; done < size; done += step) {
		bool large = mv_npt_use_2m(npt, gpa + done, hpa + done,
					   size - done);

		step = large ? MV_NPT_PAGE_2M : MV_NPT_PAGE_4K;
		ret = mv_npt_set_leaf(npt, gpa + done, hpa + done, prot, large);
		if (ret) {
			mv_npt_walk(npt, gpa, gpa + done, mv_npt_leaf_clear,
				    NULL);
			return ret;
		}
	}
	return 0;
}

/**
 * mv_npt_unmap() - remove the mappings of a guest-physical range
 * @npt:	the address space
 * @gpa:	first address, 4 KiB aligned
 * @size:	bytes, a non-zero multiple of 4 KiB
 *
 * A 2 MiB leaf only partly inside the range is first split into 4 KiB
 * leaves so that its remainder stays mapped.  Holes are fine.  Emptied
 * tables stay allocated until mv_npt_destroy() (or until a 2 MiB map
 * replaces them).  Every leaf removed requests a flush.
 *
 * Return: 0, -EINVAL for bad arguments, -ENOMEM if a split needed a table
 * and none could be allocated (nothing was unmapped then).
 */
int mv_npt_unmap(struct mv_npt *npt, u64 gpa, u64 size)
{
	int ret;

	if (!npt || !npt->root ||
	    !mv_npt_range_ok(gpa, size, MV_NPT_GPA_LIMIT))
		return -EINVAL;

	ret = mv_npt_split_at(npt, gpa);
	if (!ret)
		ret = mv_npt_split_at(npt, gpa + size);
	if (ret)
		return ret;
	return mv_npt_walk(npt, gpa, gpa + size, mv_npt_leaf_clear, NULL);
}

/**
 * mv_npt_lookup() - translate one guest-physical address
 * @npt:	the address space
 * @gpa:	any address below 2^48
 * @hpa:	if not NULL, the host-physical address of @gpa itself
 * @prot:	if not NULL, the leaf's MV_NPT_R/W/X
 * @page_size:	if not NULL, the leaf's size: 4 KiB or 2 MiB
 *
 * Return: 0, -ENOENT if @gpa is not mapped, -EINVAL.
 */
int mv_npt_lookup(const struct mv_npt *npt, u64 gpa, u64 *hpa,
		  unsigned int *prot, u64 *page_size)
{
	unsigned int level;
	u64 *ptep, e, size;

	if (!npt || !npt->root || gpa >= MV_NPT_GPA_LIMIT)
		return -EINVAL;

	ptep = mv_npt_find_leaf(npt, gpa, &level);
	if (!ptep)
		return -ENOENT;
	e = READ_ONCE(*ptep);
	size = mv_npt_level_size(level);
	if (hpa)
		*hpa = mv_npt_entry_addr(e, level) + (gpa & (size - 1));
	if (prot)
		*prot = mv_npt_entry_prot(npt->kind, e);
	if (page_size)
		*page_size = size;
	return 0;
}

/**
 * mv_npt_set_writable() - give or take write access to one 4 KiB page
 * @npt:	the address space
 * @gpa:	the page, 4 KiB aligned
 * @writable:	grant (true) or revoke (false) write access
 *
 * A large leaf covering @gpa is split first, down to 4 KiB leaves, so
 * that dirty logging sees writes at page granularity and the rest of the
 * large page keeps its permissions.  The entry is rewritten with a plain
 * store: a walker setting A or D in it at the same time may lose that
 * bit, which only statistics would notice (nothing here reads A/D).
 * Revoking raises a flush request (mv_npt_request_flush()); the caller
 * waits for the vCPUs to act on it where it must (kmod/dirty.c).
 *
 * Return: 0, -ENOENT if @gpa is not mapped, -EINVAL, -ENOMEM (a split
 * needed a table; nothing changed then).
 */
int mv_npt_set_writable(struct mv_npt *npt, u64 gpa, bool writable)
{
	u64 w, e, *ptep;
	unsigned int level;
	int ret;

	if (!npt || !npt->root || gpa >= MV_NPT_GPA_LIMIT ||
	    !IS_ALIGNED(gpa, MV_NPT_PAGE_4K))
		return -EINVAL;
	for (;;) {
		ptep = mv_npt_find_leaf(npt, gpa, &level);
		if (!ptep)
			return -ENOENT;
		if (level == MV_NPT_LEVEL_PT)
			break;
		ret = mv_npt_split(npt, ptep, level);
		if (ret)
			return ret;
	}
	w = npt->kind == MV_NPT_EPT ? MV_NPT_EPT_W : MV_NPT_AMD_RW;
	e = READ_ONCE(*ptep);
	/* EPT: write without read is a misconfiguration; keep R. */
	if (npt->kind == MV_NPT_EPT && writable && !(e & MV_NPT_EPT_R))
		return -EINVAL;
	WRITE_ONCE(*ptep, writable ? e | w : e & ~w);
	if (!writable)
		mv_npt_request_flush(npt);
	return 0;
}

/*
 * Split every large leaf in [@gpa, @gpa + @size) into 4 KiB leaves, for
 * dirty logging by D flags (a large leaf's flag says nothing of which of
 * its pages was written).  The leaves stay writable, so a CPU may set D
 * in a large leaf between the split's read and its replacement and that
 * flag is lost: callers split only pages their log holds already.
 */
int mv_npt_split_range(struct mv_npt *npt, u64 gpa, u64 size)
{
	unsigned int level;
	u64 end, *ptep;
	int ret;

	if (!npt || !npt->root ||
	    !mv_npt_range_ok(gpa, size, MV_NPT_GPA_LIMIT))
		return -EINVAL;
	for (end = gpa + size; gpa < end; gpa += MV_NPT_PAGE_4K) {
		for (;;) {
			ptep = mv_npt_find_leaf(npt, gpa, &level);
			if (!ptep || level == MV_NPT_LEVEL_PT)
				break;
			ret = mv_npt_split(npt, ptep, level);
			if (ret)
				return ret;
		}
	}
	return 0;
}

struct mv_npt_dirty_scan {
	u64 start, end;		/* the range scanned */
	unsigned long *bits;	/* bit n: the page at n * 4 KiB */
	u64 count;		/* D flags taken */
};

/* The D flag's bit number in a leaf of @kind. */
static unsigned int mv_npt_d_bit(enum mv_npt_kind kind)
{
	return kind == MV_NPT_EPT ? __ffs64(MV_NPT_EPT_D) : __ffs64(MV_NPT_AMD_D);
}

static int mv_npt_leaf_take_dirty(struct mv_npt *npt, u64 *ptep, u64 gpa,
				  unsigned int level, void *data)
{
	struct mv_npt_dirty_scan *scan = data;
	unsigned int d = mv_npt_d_bit(npt->kind);
	u64 first, last;

	if (!(READ_ONCE(*ptep) & BIT_ULL(d)))
		return 0;
	/* Atomic: a CPU walking the tables may set A or D meanwhile. */
	if (!test_and_clear_bit(d, (unsigned long *)ptep))
		return 0;
	/* A large leaf (none while a log splits them): all of its pages. */
	first = max(gpa, scan->start);
	last = min(gpa + mv_npt_level_size(level), scan->end);
	bitmap_set(scan->bits, first >> PAGE_SHIFT, (last - first) >> PAGE_SHIFT);
	scan->count += (last - first) >> PAGE_SHIFT;
	return 0;
}

/**
 * mv_npt_take_dirty() - move the CPU's D flags into a dirty log
 * @npt:	the address space
 * @gpa:	first page of the range (4 KiB aligned)
 * @size:	bytes in the range
 * @bits:	the log, bit n for the page at n * 4 KiB
 * @count:	set to the number of D flags taken
 *
 * Clears the D flag of every leaf in the range that has it and sets the
 * leaf's pages in @bits.  The caller flushes the vCPUs' TLBs before it
 * reports the pages clean (a TLB may hold a translation whose D flag was
 * set: writes through it set no flag again) and holds the owner's lock.
 */
int mv_npt_take_dirty(struct mv_npt *npt, u64 gpa, u64 size,
		      unsigned long *bits, u64 *count)
{
	struct mv_npt_dirty_scan scan = {
		.start = gpa, .end = gpa + size, .bits = bits,
	};
	int ret;

	if (!npt || !npt->root ||
	    !mv_npt_range_ok(gpa, size, MV_NPT_GPA_LIMIT))
		return -EINVAL;
	ret = mv_npt_walk(npt, gpa, gpa + size, mv_npt_leaf_take_dirty, &scan);
	*count = scan.count;
	return ret;
}
