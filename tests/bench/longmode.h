/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The long-mode layout of "minivmmctl load --mode long" (ctl/loader.c),
 * for the bench's own loaders: kvmrun (KVM) and mvcreate --run (minivmm).
 * One copy, so that both hypervisors start their guests alike.
 */
#ifndef BENCH_LONGMODE_H
#define BENCH_LONGMODE_H
#include <stdint.h>
#include <string.h>

#define IMAGE_GPA	0x10000ULL
#define GDT_GPA		0x800ULL
#define TSS_GPA		0x900ULL
#define TSS_LIMIT	0x67
#define PML4_GPA	0x1000ULL
#define PDPT_GPA	0x2000ULL
#define PD_GPA		0x3000ULL
#define GDT_ENTRIES	7
#define PT_PAGES	6	/* PML4, PDPT, 4 PDs of 2 MiB pages */

#define SEL_CODE64	0x18
#define SEL_DATA64	0x20
#define SEL_TSS		0x28

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

/* An 8-byte code/data descriptor: flat, 4 GiB, G=1 (as ctl/loader.c). */
static inline uint64_t seg_desc(unsigned int type, unsigned int l,
				unsigned int db)
{
	return 0xffffULL | ((uint64_t)(type | 0x10) << 40) | (1ULL << 47) |
	       (0xfULL << 48) | ((uint64_t)l << 53) | ((uint64_t)db << 54) |
	       (1ULL << 55);
}

/*
 * Fill the GDT (null, code32, data32, code64, data64, busy 64-bit TSS),
 * the TSS (no I/O bitmap) and the page tables (identity 0..4 GiB).
 */
static inline void longmode_tables(uint64_t gdt[GDT_ENTRIES],
				   uint8_t tss[TSS_LIMIT + 1],
				   uint64_t pt[PT_PAGES][512])
{
	int i, j;

	memset(gdt, 0, GDT_ENTRIES * 8);
	gdt[1] = seg_desc(11, 0, 1);
	gdt[2] = seg_desc(3, 0, 1);
	gdt[3] = seg_desc(11, 1, 0);
	gdt[4] = seg_desc(3, 0, 1);
	gdt[5] = TSS_LIMIT | ((TSS_GPA & 0xffffff) << 16) | (11ULL << 40) |
		 (1ULL << 47) | (((TSS_GPA >> 24) & 0xff) << 56);
	gdt[6] = TSS_GPA >> 32;
	memset(tss, 0, TSS_LIMIT + 1);
	tss[0x66] = TSS_LIMIT + 1;
	memset(pt, 0, PT_PAGES * 4096);
	pt[0][0] = PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++) {
		pt[1][i] = (PD_GPA + 0x1000ULL * i) | PTE_P | PTE_RW;
		for (j = 0; j < 512; j++)
			pt[2 + i][j] = ((uint64_t)i << 30) | ((uint64_t)j << 21) |
				       PTE_P | PTE_RW | PTE_PS;
	}
}

/* A flat 4 GiB segment into @seg: struct kvm_segment or minivmm_segment. */
#define FLAT_SEG(seg, sel, typ, long_, db_) do {		\
	memset((seg), 0, sizeof(*(seg)));			\
	(seg)->limit = 0xffffffff;				\
	(seg)->selector = (sel);				\
	(seg)->type = (typ);					\
	(seg)->s = 1;						\
	(seg)->present = 1;					\
	(seg)->l = (long_);					\
	(seg)->db = (db_);					\
	(seg)->g = 1;						\
} while (0)

#endif /* BENCH_LONGMODE_H */
