// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: guest page walk, linear -> guest-physical, for fetching the
 * instruction behind an MMIO exit (see emulate.h).
 *
 * One loop covers every paging mode; a mode differs only in the number of
 * levels, the entry width, the index bits per level, where the large leaves
 * may be and which bits are reserved.  MAXPHYADDR is taken as 52 (so "bits
 * 51:MAXPHYADDR" are never reserved), and the 32-bit mode's 4 MiB pages
 * reach 40 address bits (PSE-36).  Only presence and reserved bits are
 * checked, not R/W, U/S or XD: the caller fetches code the guest CPU has
 * just executed.  Long mode is recognised by EFER.LMA, which both VMCB and
 * VMCS hold as the guest sees it.  Linear addresses that are not canonical
 * fail as they would with #GP.  No accessed or dirty bit is written.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>

#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "emulate.h"

#define MV_PTE_P	BIT_ULL(0)
#define MV_PTE_PS	BIT_ULL(7)
#define MV_PTE_XD	BIT_ULL(63)

enum mv_walk_mode {
	MV_WALK_32,	/* 2 levels of 1024 4-byte entries */
	MV_WALK_PAE,	/* 4-entry PDPT, then 2 levels of 512 8-byte entries */
	MV_WALK_LONG,	/* 4 or 5 levels of 512 8-byte entries */
};

static int mv_walk_read(const struct mv_walk *w, u64 gpa, unsigned int len,
			u64 *entry)
{
	u8 buf[8] = {};
	unsigned int i;

	if (w->read_phys(w->opaque, gpa, buf, len))
		return -EFAULT;
	*entry = 0;
	for (i = 0; i < len; i++)
		*entry |= (u64)buf[i] << (8 * i);
	return 0;
}

/*
 * Reserved bits of the present entry @e at @level (1 = page table), whose
 * index starts at linear-address bit @shift.
 */
static u64 mv_walk_rsvd(const struct mv_walk *w, enum mv_walk_mode mode,
			unsigned int level, unsigned int shift, u64 e)
{
	u64 xd = (w->efer & EFER_NX) ? 0 : MV_PTE_XD;
	bool large = level > 1 && (e & MV_PTE_PS);

	switch (mode) {
	case MV_WALK_32:
		/*
		 * 4 MiB page: bits 20:13 are address bits 39:32, 21 is
		 * reserved.  Without CR4.PSE the PS bit is ignored.
		 */
		return large && (w->cr4 & X86_CR4_PSE) ? BIT_ULL(21) : 0;
	case MV_WALK_PAE:
		if (level == 3)
			return GENMASK_ULL(63, 52) | GENMASK_ULL(8, 5) |
			       GENMASK_ULL(2, 1);
		return GENMASK_ULL(62, 52) | xd |
		       (large ? GENMASK_ULL(20, 13) : 0);
	case MV_WALK_LONG:
		if (level >= 4)
			return MV_PTE_PS | xd;
		return xd | (large ? GENMASK_ULL(shift - 1, 13) : 0);
	}
	return 0;
}

int mv_walk_gva(const struct mv_walk *w, u64 gva, u64 *gpa)
{
	unsigned int level, bits, shift, entry_len;
	enum mv_walk_mode mode;
	u64 table, e, addr_mask;
	int ret;

	if (!(w->cr0 & X86_CR0_PG)) {
		/* Without paging linear addresses are 32 bits wide. */
		*gpa = gva & 0xffffffffULL;
		return 0;
	}

	if (w->efer & EFER_LMA) {
		mode = MV_WALK_LONG;
		level = (w->cr4 & X86_CR4_LA57) ? 5 : 4;
		bits = 9;
		entry_len = 8;
		table = w->cr3 & GENMASK_ULL(51, 12);
		addr_mask = GENMASK_ULL(51, 12);
		/* 48 or 57 linear-address bits, sign-extended. */
		if ((u64)sign_extend64(gva, 12 + 9 * level - 1) != gva)
			return -EFAULT;
	} else if (w->cr4 & X86_CR4_PAE) {
		mode = MV_WALK_PAE;
		level = 3;
		bits = 9;
		entry_len = 8;
		table = w->cr3 & GENMASK_ULL(31, 5);
		addr_mask = GENMASK_ULL(51, 12);
		gva &= 0xffffffffULL;
	} else {
		mode = MV_WALK_32;
		level = 2;
		bits = 10;
		entry_len = 4;
		table = w->cr3 & GENMASK_ULL(31, 12);
		addr_mask = GENMASK_ULL(31, 12);
		gva &= 0xffffffffULL;
	}

	for (;; level--) {
		shift = 12 + bits * (level - 1);
		/* PAE's top level has 4 entries: gva is 32 bits there. */
		ret = mv_walk_read(w, table + ((gva >> shift) &
					       (BIT_ULL(bits) - 1)) * entry_len,
				   entry_len, &e);
		if (ret)
			return ret;
		if (!(e & MV_PTE_P))
			return -EFAULT;
		if (e & mv_walk_rsvd(w, mode, level, shift, e))
			return -EFAULT;

		if (level == 1) {
			*gpa = (e & addr_mask) | (gva & GENMASK_ULL(11, 0));
			return 0;
		}
		/*
		 * A large leaf.  PS is a reserved bit in PAE PDPTEs and in
		 * PML4Es/PML5Es, so only PDEs and long-mode PDPTEs get here.
		 */
		if ((e & MV_PTE_PS) && mode == MV_WALK_32) {
			if (w->cr4 & X86_CR4_PSE) {
				*gpa = (e & GENMASK_ULL(31, 22)) |
				       ((e & GENMASK_ULL(20, 13)) << 19) |
				       (gva & GENMASK_ULL(21, 0));
				return 0;
			}
		} else if (e & MV_PTE_PS) {
			*gpa = (e & GENMASK_ULL(51, shift)) |
			       (gva & GENMASK_ULL(shift - 1, 0));
			return 0;
		}
		table = e & addr_mask;
	}
}
