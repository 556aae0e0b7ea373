/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm: vendor-neutral nested page tables.
 *
 * One set of 4-level tables translates a 48-bit guest-physical address space
 * to host-physical addresses, written either in Intel EPT format (SDM Vol. 3C
 * "EPT Translation Mechanism") or in AMD nested-paging format, which is the
 * ordinary x86-64 long-mode format (APM Vol. 2 "Nested Paging").
 *
 * Locking: the caller serialises mv_npt_map(), mv_npt_unmap() and
 * mv_npt_destroy() on one struct mv_npt with its own lock (a mutex: these
 * functions may sleep to allocate table pages).
 * Entries are written with WRITE_ONCE() because the hardware walker of a CPU
 * running the guest may read them at any time.
 *
 * TLBs: these functions never flush; they ask for a flush instead.  Any
 * change that removes a mapping, lowers its permissions or takes a table out
 * of the tree bumps @flush_gen (mv_npt_request_flush()).  Each vCPU
 * remembers the generation it last flushed at and, when the generation has
 * moved, invalidates its cached translations (INVEPT with this EPTP, or a
 * TLB flush of the ASID on AMD) before its next entry.  A caller that must
 * know no CPU still uses an old translation (before freeing the page it
 * mapped) also makes every vCPU exit, so that each flushes on its way back.
 */
#ifndef MINIVMM_NPT_NPT_H
#define MINIVMM_NPT_NPT_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/types.h>

enum mv_npt_kind { MV_NPT_AMD, MV_NPT_EPT };

/* Access permissions asked of mv_npt_map(). */
#define MV_NPT_R	0x1u
#define MV_NPT_W	0x2u
#define MV_NPT_X	0x4u
#define MV_NPT_RWX	(MV_NPT_R | MV_NPT_W | MV_NPT_X)

/* Geometry: 4 levels of 512 entries each, 4 KiB and 2 MiB leaves. */
#define MV_NPT_LEVELS		4
#define MV_NPT_GPA_BITS		48
#define MV_NPT_HPA_BITS		52
#define MV_NPT_ENTRIES		512
#define MV_NPT_PAGE_4K		SZ_4K
#define MV_NPT_PAGE_2M		SZ_2M

/* Level numbers, counted from the leaves like the manuals do. */
enum mv_npt_level {
	MV_NPT_LEVEL_PT = 1,	/* page table: 4 KiB leaves */
	MV_NPT_LEVEL_PD = 2,	/* page directory: tables or 2 MiB leaves */
	MV_NPT_LEVEL_PDPT = 3,	/* page-directory-pointer table */
	MV_NPT_LEVEL_PML4 = 4,	/* the root */
};

/* Physical-address field of an entry: bits 51:12, or 51:21 in a 2 MiB leaf. */
#define MV_NPT_ADDR_MASK	GENMASK_ULL(51, 12)
#define MV_NPT_ADDR_MASK_2M	GENMASK_ULL(51, 21)

/*
 * AMD nested page-table entries (APM Vol. 2, long-mode 4-level paging).
 * Nested walks are treated as user-mode accesses, so U/S must be set at
 * every level or the walk faults.  NX needs EFER.NXE, which Linux sets.
 */
#define MV_NPT_AMD_P		BIT_ULL(0)	/* present */
#define MV_NPT_AMD_RW		BIT_ULL(1)	/* writable */
#define MV_NPT_AMD_US		BIT_ULL(2)	/* user: needed at every level */
#define MV_NPT_AMD_PWT		BIT_ULL(3)	/* write-through (clear: WB) */
#define MV_NPT_AMD_PCD		BIT_ULL(4)	/* cache disable (clear: WB) */
#define MV_NPT_AMD_A		BIT_ULL(5)	/* accessed, set by the walker */
#define MV_NPT_AMD_D		BIT_ULL(6)	/* dirty (leaves), by the walker */
#define MV_NPT_AMD_PS		BIT_ULL(7)	/* page size: 2 MiB leaf in a PDE */
#define MV_NPT_AMD_NX		BIT_ULL(63)	/* no execute */

/* Non-leaf AMD entries allow everything; the leaf decides. */
#define MV_NPT_AMD_TABLE_BITS	(MV_NPT_AMD_P | MV_NPT_AMD_RW | MV_NPT_AMD_US)

/*
 * Intel EPT entries (SDM Vol. 3C, "EPT Translation Mechanism").  An entry
 * whose bits 2:0 are all clear is not present.  In non-leaf entries bits 7:3
 * are reserved and must be zero.
 */
#define MV_NPT_EPT_R		BIT_ULL(0)	/* read access */
#define MV_NPT_EPT_W		BIT_ULL(1)	/* write access */
#define MV_NPT_EPT_X		BIT_ULL(2)	/* (supervisor) execute access */
#define MV_NPT_EPT_MT_SHIFT	3		/* leaf memory type, bits 5:3 */
#define MV_NPT_EPT_MT_MASK	GENMASK_ULL(5, 3)
#define MV_NPT_EPT_IGNORE_PAT	BIT_ULL(6)	/* clear: guest PAT counts too */
#define MV_NPT_EPT_LARGE	BIT_ULL(7)	/* 2 MiB leaf in a PDE */
#define MV_NPT_EPT_A		BIT_ULL(8)	/* accessed, if EPTP enables A/D */
#define MV_NPT_EPT_D		BIT_ULL(9)	/* dirty (leaves), likewise */

#define MV_NPT_EPT_RWX		(MV_NPT_EPT_R | MV_NPT_EPT_W | MV_NPT_EPT_X)
#define MV_NPT_EPT_MT_UC	0ULL	/* EPT memory type: uncacheable */
#define MV_NPT_EPT_MT_WB	6ULL	/* EPT memory type: write-back */

/*
 * EPT pointer, the VMCS field that names the root (SDM Vol. 3C, "Extended-
 * Page-Table Pointer").
 */
#define MV_NPT_EPTP_MT_MASK	GENMASK_ULL(2, 0)	/* paging-structure type */
#define MV_NPT_EPTP_WALK_SHIFT	3			/* walk length - 1 */
#define MV_NPT_EPTP_WALK_MASK	GENMASK_ULL(5, 3)
#define MV_NPT_EPTP_AD		BIT_ULL(6)		/* enable A/D flags */

/**
 * struct mv_npt - one guest-physical address space
 * @kind:	entry format; set by mv_npt_init().
 * @ept_ad:	EPT accessed/dirty flags in use; mv_npt_init() clears it, the
 *		owner sets it (if the CPU supports it) before the first
 *		mv_npt_eptp().  Ignored for AMD.
 * @small_only: map 4 KiB leaves only; mv_npt_init() clears it, the owner
 *		sets it before the first map when the CPU's EPT lacks 2 MiB
 *		pages (IA32_VMX_EPT_VPID_CAP bit 16; a 2 MiB leaf there is
 *		an EPT misconfiguration).  AMD's NPT always has them.
 * @gfp:	allocation flags for table pages, e.g. GFP_KERNEL_ACCOUNT so
 *		tables are charged to the VM creator; set by mv_npt_init().
 * @root:	kernel VA of the top-level (PML4) table.
 * @pml5:	AMD on a host running 5-level paging only: a PML5 table whose
 *		entry 0 points at @root.  Nested walks use the host's paging
 *		depth (APM Vol. 2, 15.25.x), while guest-physical space stays
 *		48 bits.  Not counted in @nr_tables, which describes the
 *		4-level tree in both formats.
 * @nr_tables:	table pages currently allocated, the root and retired tables
 *		included (statistics, leak checks).
 * @retired:	tables taken out of the tree by mv_npt_map() that a hardware
 *		walker may still hold in its paging-structure caches; freed by
 *		mv_npt_destroy().
 * @flush_gen:	the flush request: bumped by every change a cached
 *		translation could contradict (see the top of this file).
 *		Atomic: read without the owner's lock before each entry.
 *
 * All other fields are protected by the owner's lock (see the top of this
 * file).
 */
struct mv_npt {
	enum mv_npt_kind kind;
	bool ept_ad;
	bool small_only;
	gfp_t gfp;
	u64 *root;
	u64 *pml5;
	unsigned long nr_tables;
	struct list_head retired;
	atomic64_t flush_gen;
};

int mv_npt_init(struct mv_npt *npt, enum mv_npt_kind kind, gfp_t gfp);
void mv_npt_destroy(struct mv_npt *npt);
u64 mv_npt_root_pa(const struct mv_npt *npt);
u64 mv_npt_eptp(const struct mv_npt *npt);
int mv_npt_map(struct mv_npt *npt, u64 gpa, u64 hpa, u64 size,
	       unsigned int prot);
int mv_npt_unmap(struct mv_npt *npt, u64 gpa, u64 size);
/* The fault path and dirty logging: what maps @gpa, if anything. */
int mv_npt_lookup(const struct mv_npt *npt, u64 gpa, u64 *hpa,
		  unsigned int *prot, u64 *page_size);
/* Dirty logging: write access to one 4 KiB page (splits a large leaf). */
int mv_npt_set_writable(struct mv_npt *npt, u64 gpa, bool writable);
/* Dirty logging by the CPU's D flags (EPT with A/D, AMD's nested tables). */
int mv_npt_split_range(struct mv_npt *npt, u64 gpa, u64 size);
int mv_npt_take_dirty(struct mv_npt *npt, u64 gpa, u64 size,
		      unsigned long *bits, u64 *count);

/*
 * Ask every vCPU to drop its cached translations before its next entry:
 * called by the functions above themselves, and by the owner when a guest's
 * TLB must go for another reason (INIT).
 */
static inline void mv_npt_request_flush(struct mv_npt *npt)
{
	atomic64_inc(&npt->flush_gen);
}

/* The current request; a vCPU that flushed at it is up to date. */
static inline u64 mv_npt_flush_gen(const struct mv_npt *npt)
{
	return atomic64_read(&npt->flush_gen);
}

/* Pure entry encoders and decoders; no table is touched. */

/* Size of the region one entry at @level covers: 4 KiB, 2 MiB, 1 GiB... */
static inline u64 mv_npt_level_size(unsigned int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

/* Index of the entry for @gpa in a table at @level. */
static inline unsigned int mv_npt_index(u64 gpa, unsigned int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (MV_NPT_ENTRIES - 1);
}

/* Does @prot describe a mapping the format can express? */
static inline bool mv_npt_prot_valid(enum mv_npt_kind kind, unsigned int prot)
{
	if (!prot || (prot & ~MV_NPT_RWX))
		return false;
	/* EPT write-without-read is an EPT misconfiguration (SDM 29.3.3.1). */
	if (kind == MV_NPT_EPT && (prot & MV_NPT_W) && !(prot & MV_NPT_R))
		return false;
	return true;
}

/* Entry that points at a lower-level table at host-physical @table_pa. */
static inline u64 mv_npt_table_entry(enum mv_npt_kind kind, u64 table_pa)
{
	u64 bits = kind == MV_NPT_EPT ? MV_NPT_EPT_RWX : MV_NPT_AMD_TABLE_BITS;

	return (table_pa & MV_NPT_ADDR_MASK) | bits;
}

/*
 * Leaf entry mapping @hpa with @prot; @large selects a 2 MiB PDE leaf.
 * Memory type is write-back in both formats: EPT type 6 with IGNORE_PAT
 * clear, AMD PWT/PCD/PAT clear.  AMD cannot deny reads of a present page,
 * so any non-empty @prot is readable there.  A and D start clear.
 */
static inline u64 mv_npt_leaf_entry(enum mv_npt_kind kind, u64 hpa,
				    unsigned int prot, bool large)
{
	u64 e = hpa & (large ? MV_NPT_ADDR_MASK_2M : MV_NPT_ADDR_MASK);

	if (kind == MV_NPT_EPT) {
		if (prot & MV_NPT_R)
			e |= MV_NPT_EPT_R;
		if (prot & MV_NPT_W)
			e |= MV_NPT_EPT_W;
		if (prot & MV_NPT_X)
			e |= MV_NPT_EPT_X;
		e |= MV_NPT_EPT_MT_WB << MV_NPT_EPT_MT_SHIFT;
		if (large)
			e |= MV_NPT_EPT_LARGE;
		return e;
	}

	e |= MV_NPT_AMD_P | MV_NPT_AMD_US;
	if (prot & MV_NPT_W)
		e |= MV_NPT_AMD_RW;
	if (!(prot & MV_NPT_X))
		e |= MV_NPT_AMD_NX;
	if (large)
		e |= MV_NPT_AMD_PS;
	return e;
}

/* Both formats mark large leaves with bit 7; the decoders rely on it. */
static_assert(MV_NPT_EPT_LARGE == MV_NPT_AMD_PS);

static inline bool mv_npt_entry_present(enum mv_npt_kind kind, u64 e)
{
	if (kind == MV_NPT_EPT)
		return e & MV_NPT_EPT_RWX;
	return e & MV_NPT_AMD_P;
}

/* Is the present entry @e at @level a leaf?  Bit 7 in both formats. */
static inline bool mv_npt_entry_leaf(u64 e, unsigned int level)
{
	if (level == MV_NPT_LEVEL_PT)
		return true;
	/* Bit 7 is reserved in a PML4E; only PDPTEs and PDEs can be leaves. */
	return level < MV_NPT_LEVEL_PML4 && (e & MV_NPT_AMD_PS);
}

/* Host-physical address in @e: a table, or the base of a leaf's page. */
static inline u64 mv_npt_entry_addr(u64 e, unsigned int level)
{
	if (level > MV_NPT_LEVEL_PT && mv_npt_entry_leaf(e, level))
		return e & MV_NPT_ADDR_MASK & ~(mv_npt_level_size(level) - 1);
	return e & MV_NPT_ADDR_MASK;
}

/* MV_NPT_R/W/X permissions of a present leaf entry. */
static inline unsigned int mv_npt_entry_prot(enum mv_npt_kind kind, u64 e)
{
	unsigned int prot = 0;

	if (kind == MV_NPT_EPT) {
		if (e & MV_NPT_EPT_R)
			prot |= MV_NPT_R;
		if (e & MV_NPT_EPT_W)
			prot |= MV_NPT_W;
		if (e & MV_NPT_EPT_X)
			prot |= MV_NPT_X;
		return prot;
	}
	if (e & MV_NPT_AMD_P)
		prot |= MV_NPT_R;
	if (e & MV_NPT_AMD_RW)
		prot |= MV_NPT_W;
	if (!(e & MV_NPT_AMD_NX))
		prot |= MV_NPT_X;
	return prot;
}

/* Accessed and dirty bits of a leaf, to carry over when splitting it. */
static inline u64 mv_npt_entry_ad(enum mv_npt_kind kind, u64 e)
{
	if (kind == MV_NPT_EPT)
		return e & (MV_NPT_EPT_A | MV_NPT_EPT_D);
	return e & (MV_NPT_AMD_A | MV_NPT_AMD_D);
}

#endif /* MINIVMM_NPT_NPT_H */
