/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm: dirty-page logging, the pure part (kmod/dirty.c has the rest).
 * A request names a range of guest pages and a user bitmap; the log is one
 * bit per 4 KiB page of RAM, an unsigned long bitmap, whose layout on x86
 * (little-endian) is the user's byte layout, so words are copied as they
 * are.  KUnit: tests/kunit/dirty_test.c.
 */
#ifndef MINIVMM_DIRTY_H
#define MINIVMM_DIRTY_H

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/types.h>

/* Requests start on a word of the log: 64 pages, 256 KiB. */
#define MV_DIRTY_ALIGN_PAGES	BITS_PER_LONG
#define MV_DIRTY_PAGE_SHIFT	12

/*
 * 0 if [@first_gpa, + @npages pages) lies inside @mem_size bytes of RAM,
 * starts on a word of the log and @bitmap_size bytes hold its bits;
 * -EINVAL otherwise.  Written against overflow: every value is the
 * caller's.
 */
static inline int mv_dirty_check(u64 mem_size, u64 first_gpa, u64 npages,
				 u64 bitmap_size)
{
	u64 ram_pages = mem_size >> MV_DIRTY_PAGE_SHIFT;
	u64 first = first_gpa >> MV_DIRTY_PAGE_SHIFT;

	if (!npages ||
	    first_gpa & ((MV_DIRTY_ALIGN_PAGES << MV_DIRTY_PAGE_SHIFT) - 1))
		return -EINVAL;
	if (first >= ram_pages || npages > ram_pages - first)
		return -EINVAL;
	if (bitmap_size < DIV_ROUND_UP(npages, 8))
		return -EINVAL;
	return 0;
}

/*
 * Move the first @nbits bits of @log into @out (BITS_TO_LONGS(@nbits)
 * words; bits past @nbits in the last word are left in @log and come out
 * clear) and return how many were set.
 */
static inline u64 mv_dirty_take(unsigned long *log, unsigned long *out,
				unsigned long nbits)
{
	unsigned long i, words = BITS_TO_LONGS(nbits), m;
	u64 n = 0;

	for (i = 0; i < words; i++) {
		m = i + 1 == words ? BITMAP_LAST_WORD_MASK(nbits) : ~0UL;
		out[i] = log[i] & m;
		log[i] &= ~m;
		n += hweight_long(out[i]);
	}
	return n;
}

/* Give bits taken by mv_dirty_take() back (a failed copy loses none). */
static inline void mv_dirty_untake(unsigned long *log,
				   const unsigned long *out,
				   unsigned long nbits)
{
	bitmap_or(log, log, out, nbits);
}

#endif /* MINIVMM_DIRTY_H */
