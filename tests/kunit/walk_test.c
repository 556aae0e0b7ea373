// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for kmod/walk.c: guest page walks in every paging mode over a
 * fake guest memory (a 64 KiB array at guest-physical 0; reads beyond it fail
 * like reads outside guest RAM).  Tables are built at 0x1000, 0x2000, ...;
 * the pages they map are made-up addresses that are never read.
 */
#include <kunit/test.h>

#include "kmod/walk.c"

#define FAKE_SIZE	0x10000

#define CR0_PE_PG	(X86_CR0_PE | X86_CR0_PG)

#define P	BIT_ULL(0)
#define RW	BIT_ULL(1)
#define PS	BIT_ULL(7)
#define XD	BIT_ULL(63)

struct fake_mem {
	u8 bytes[FAKE_SIZE];
	unsigned int reads;
};

static int fake_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	struct fake_mem *m = opaque;

	m->reads++;
	if (len != 4 && len != 8)
		return -EINVAL;
	if (gpa >= FAKE_SIZE || FAKE_SIZE - gpa < len)
		return -EFAULT;
	memcpy(buf, &m->bytes[gpa], len);
	return 0;
}

static void fake_write(struct fake_mem *m, u64 gpa, unsigned int len, u64 val)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		m->bytes[gpa + i] = val >> (8 * i);
}

static int walk_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct fake_mem), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* A walker for @test's fake memory. */
static struct mv_walk walker(struct kunit *test, u64 cr3, u64 cr4, u64 efer)
{
	struct mv_walk w = {
		.cr0 = CR0_PE_PG, .cr3 = cr3, .cr4 = cr4, .efer = efer,
		.read_phys = fake_read, .opaque = test->priv,
	};
	return w;
}

/*
 * Build the tables that translate @gva: the top table at @top, the table
 * of level L below it at 0x1000 * (levels - L + 2), each non-leaf entry
 * "next table | P", the entry at @leaf_level = @leaf.  slot[L] receives the
 * guest-physical address of the entry used at level L, so that cases can
 * corrupt it.  @bits index bits per level, @elen bytes per entry.
 */
static void build(struct kunit *test, u64 gva, unsigned int levels,
		  unsigned int bits, unsigned int elen, u64 top,
		  unsigned int leaf_level, u64 leaf, u64 *slot)
{
	struct fake_mem *m = test->priv;
	unsigned int level;
	u64 table = top;

	memset(m->bytes, 0, sizeof(m->bytes));
	for (level = levels; level >= leaf_level; level--) {
		unsigned int shift = 12 + bits * (level - 1);
		u64 next = 0x1000ULL * (levels - level + 2);

		slot[level] = table + ((gva >> shift) & (BIT_ULL(bits) - 1)) * elen;
		fake_write(m, slot[level], elen, level == leaf_level ? leaf :
			   next | P);
		table = next;
	}
}

static void set_entry(struct kunit *test, u64 gpa, unsigned int elen, u64 val)
{
	fake_write(test->priv, gpa, elen, val);
}

static u64 get_entry(struct kunit *test, u64 gpa, unsigned int elen)
{
	struct fake_mem *m = test->priv;
	u64 val = 0;

	memcpy(&val, &m->bytes[gpa], elen);
	return val;
}

static void expect_gpa(struct kunit *test, const struct mv_walk *w, u64 gva,
		       u64 want)
{
	u64 gpa = 0;

	KUNIT_EXPECT_EQ_MSG(test, mv_walk_gva(w, gva, &gpa), 0, "gva %llx", gva);
	KUNIT_EXPECT_EQ_MSG(test, gpa, want, "gva %llx", gva);
}

static void expect_fault(struct kunit *test, const struct mv_walk *w, u64 gva)
{
	u64 gpa;

	KUNIT_EXPECT_EQ_MSG(test, mv_walk_gva(w, gva, &gpa), -EFAULT,
			    "gva %llx", gva);
}

static void walk_paging_off(struct kunit *test)
{
	struct fake_mem *m = test->priv;
	struct mv_walk w = walker(test, 0x1000, X86_CR4_PAE, EFER_LME);

	w.cr0 = X86_CR0_PE;
	expect_gpa(test, &w, 0xfee00020, 0xfee00020);
	expect_gpa(test, &w, 0xffff0ULL, 0xffff0);
	/* Linear addresses are 32 bits wide without paging. */
	expect_gpa(test, &w, 0x100001234ULL, 0x1234);
	w.cr0 = 0;
	expect_gpa(test, &w, 0x7c00, 0x7c00);
	KUNIT_EXPECT_EQ(test, m->reads, 0U);
}

/* 32-bit paging: 4 KiB pages through a page table. */
static void walk_32bit(struct kunit *test)
{
	u64 gva = 0xc0123456, slot[6];
	struct mv_walk w = walker(test, 0x1000 | 0x18, 0, 0);

	build(test, gva, 2, 10, 4, 0x1000, 1, 0xfee00000 | P, slot);
	KUNIT_EXPECT_EQ(test, slot[2], 0x1000ULL + (0xc0123456 >> 22) * 4);
	KUNIT_EXPECT_EQ(test, slot[1], 0x2000ULL + 0x123 * 4);
	expect_gpa(test, &w, gva, 0xfee00456);
	/* Bits above 31 of a linear address do not exist here. */
	expect_gpa(test, &w, gva | 0xffffffff00000000ULL, 0xfee00456);
	/* Any flag bits besides P are irrelevant to the translation. */
	set_entry(test, slot[1], 4, 0xfee00000 | 0xfff);
	expect_gpa(test, &w, gva, 0xfee00456);
	/* PS without CR4.PSE is ignored: still a page-table pointer. */
	set_entry(test, slot[2], 4, 0x2000 | PS | P);
	expect_gpa(test, &w, gva, 0xfee00456);
	/* A neighbouring PTE that is empty. */
	expect_fault(test, &w, gva + 0x1000);
}

static void walk_32bit_pse(struct kunit *test)
{
	u64 gva = 0x80654321, slot[6];
	struct mv_walk w = walker(test, 0x1000, X86_CR4_PSE, 0);

	/* 4 MiB page at 0x3_1240_0000: bits 20:13 hold address bits 39:32. */
	build(test, gva, 2, 10, 4, 0x1000, 2,
	      0x12400000 | (0x3ULL << 13) | PS | RW | P, slot);
	expect_gpa(test, &w, gva, 0x312654321ULL);
	set_entry(test, slot[2], 4, 0xfec00000 | (0xffULL << 13) | PS | P);
	expect_gpa(test, &w, gva, 0xfffee54321ULL);
	/* The PAT bit (12) is not an address bit. */
	set_entry(test, slot[2], 4, 0xfec00000 | BIT_ULL(12) | PS | P);
	expect_gpa(test, &w, gva, 0xfee54321ULL);
	/* Bit 21 is reserved. */
	set_entry(test, slot[2], 4, 0xfec00000 | BIT_ULL(21) | PS | P);
	expect_fault(test, &w, gva);
	/* 4 KiB pages still work beside large ones. */
	build(test, gva, 2, 10, 4, 0x1000, 1, 0x5000 | P, slot);
	expect_gpa(test, &w, gva, 0x5321);
}

static void walk_32bit_not_present(struct kunit *test)
{
	u64 gva = 0x00401abc, slot[6];
	struct mv_walk w = walker(test, 0x1000, X86_CR4_PSE, 0);

	build(test, gva, 2, 10, 4, 0x1000, 1, 0x7000 | P, slot);
	expect_gpa(test, &w, gva, 0x7abc);
	set_entry(test, slot[1], 4, 0x7000);
	expect_fault(test, &w, gva);
	set_entry(test, slot[1], 4, 0x7000 | P);
	set_entry(test, slot[2], 4, 0x2000 | RW);
	expect_fault(test, &w, gva);
	set_entry(test, slot[2], 4, 0x400000 | PS);
	expect_fault(test, &w, gva);
}

static void walk_pae(struct kunit *test)
{
	u64 gva = 0xb7654321, slot[6];
	/* PDPT 32-byte aligned inside a page; CR3's low 5 bits ignored. */
	struct mv_walk w = walker(test, 0x1020 | 0x18, X86_CR4_PAE, 0);

	build(test, gva, 3, 9, 8, 0x1020, 1, 0x123456000ULL | RW | P, slot);
	KUNIT_EXPECT_EQ(test, slot[3], 0x1020ULL + 2 * 8);
	expect_gpa(test, &w, gva, 0x123456321ULL);
	/* PTE: bits 62:52 reserved, XD reserved unless EFER.NXE. */
	set_entry(test, slot[1], 8, 0x123456000ULL | XD | P);
	expect_fault(test, &w, gva);
	w.efer = EFER_NX;
	expect_gpa(test, &w, gva, 0x123456321ULL);
	set_entry(test, slot[1], 8, 0x123456000ULL | BIT_ULL(52) | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[1], 8, 0x123456000ULL | BIT_ULL(62) | P);
	expect_fault(test, &w, gva);
	/* Address bits up to 51. */
	set_entry(test, slot[1], 8, 0xffffffffff000ULL | P);
	expect_gpa(test, &w, gva, 0xffffffffff321ULL);
	/* PDE pointing to a table: 62:52 reserved too. */
	set_entry(test, slot[1], 8, 0x5000 | P);
	set_entry(test, slot[2], 8, get_entry(test, slot[2], 8) | BIT_ULL(55));
	expect_fault(test, &w, gva);
}

static void walk_pae_2m(struct kunit *test)
{
	u64 gva = 0x3fe12345, slot[6];
	struct mv_walk w = walker(test, 0x1000, X86_CR4_PAE | X86_CR4_PSE, 0);

	build(test, gva, 3, 9, 8, 0x1000, 2, 0x4fec00000ULL | PS | P, slot);
	expect_gpa(test, &w, gva, 0x4fec12345ULL);
	/* PAT bit 12 is no address bit; 20:13 are reserved. */
	set_entry(test, slot[2], 8, 0x4fec00000ULL | BIT_ULL(12) | PS | P);
	expect_gpa(test, &w, gva, 0x4fec12345ULL);
	set_entry(test, slot[2], 8, 0x4fec00000ULL | BIT_ULL(13) | PS | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[2], 8, 0x4fec00000ULL | BIT_ULL(20) | PS | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[2], 8, 0x4fec00000ULL | PS);
	expect_fault(test, &w, gva);
}

static void walk_pae_pdpte(struct kunit *test)
{
	u64 gva = 0x40000000, slot[6];
	struct mv_walk w = walker(test, 0x1000, X86_CR4_PAE, EFER_NX);

	build(test, gva, 3, 9, 8, 0x1000, 1, 0x9000 | P, slot);
	expect_gpa(test, &w, gva, 0x9000);
	/* Not present, and each reserved bit of a PAE PDPTE. */
	set_entry(test, slot[3], 8, 0x2000);
	expect_fault(test, &w, gva);
	set_entry(test, slot[3], 8, 0x2000 | RW | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[3], 8, 0x2000 | BIT_ULL(2) | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[3], 8, 0x2000 | PS | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[3], 8, 0x2000 | BIT_ULL(5) | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[3], 8, 0x2000 | XD | P);
	expect_fault(test, &w, gva);
	/* PWT, PCD and the ignored bits 11:9 are fine. */
	set_entry(test, slot[3], 8, 0x2000 | 0xe18 | P);
	expect_gpa(test, &w, gva, 0x9000);
	/* PDE not present. */
	set_entry(test, slot[2], 8, 0x3000);
	expect_fault(test, &w, gva);
}

/* 4-level paging, 4 KiB pages; canonical addresses only. */
static void walk_4level(struct kunit *test)
{
	u64 gva = 0xffff8881234567abULL, slot[6];
	struct mv_walk w = walker(test, 0x1000 | 0x7ff, X86_CR4_PAE,
				  EFER_LME | EFER_LMA);

	build(test, gva, 4, 9, 8, 0x1000, 1, 0xfee00000 | RW | P, slot);
	KUNIT_EXPECT_EQ(test, slot[4], 0x1000ULL + 0x111 * 8);
	expect_gpa(test, &w, gva, 0xfee007ab);
	/* Bits 62:52 are ignored (protection key, software). */
	set_entry(test, slot[1], 8, 0xfee00000 | GENMASK_ULL(62, 52) | P);
	expect_gpa(test, &w, gva, 0xfee007ab);
	/* XD reserved without EFER.NXE, at every level. */
	set_entry(test, slot[1], 8, 0xfee00000 | XD | P);
	expect_fault(test, &w, gva);
	w.efer |= EFER_NX;
	expect_gpa(test, &w, gva, 0xfee007ab);
	w.efer &= ~(u64)EFER_NX;
	set_entry(test, slot[1], 8, 0xfee00000 | P);
	set_entry(test, slot[4], 8, get_entry(test, slot[4], 8) | XD);
	expect_fault(test, &w, gva);
	w.efer |= EFER_NX;
	expect_gpa(test, &w, gva, 0xfee007ab);
	/* PS is reserved in a PML4E. */
	set_entry(test, slot[4], 8, get_entry(test, slot[4], 8) | PS);
	expect_fault(test, &w, gva);
	/* Non-canonical addresses. */
	build(test, gva, 4, 9, 8, 0x1000, 1, 0xfee00000 | P, slot);
	expect_gpa(test, &w, gva, 0xfee007ab);
	expect_fault(test, &w, gva & ~BIT_ULL(63));
	expect_fault(test, &w, gva & ~BIT_ULL(50));
	expect_fault(test, &w, gva & GENMASK_ULL(47, 0));
}

static void walk_4level_large(struct kunit *test)
{
	u64 gva = 0x00007f8040302010ULL, slot[6];
	struct mv_walk w = walker(test, 0x1000, X86_CR4_PAE,
				  EFER_LME | EFER_LMA | EFER_NX);

	/* 2 MiB */
	build(test, gva, 4, 9, 8, 0x1000, 2, 0x7654200000ULL | PS | XD | P,
	      slot);
	expect_gpa(test, &w, gva, 0x7654302010ULL);
	set_entry(test, slot[2], 8, 0x7654200000ULL | BIT_ULL(12) | PS | P);
	expect_gpa(test, &w, gva, 0x7654302010ULL);
	set_entry(test, slot[2], 8, 0x7654200000ULL | BIT_ULL(13) | PS | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[2], 8, 0x7654200000ULL | BIT_ULL(20) | PS | P);
	expect_fault(test, &w, gva);
	/* 1 GiB */
	build(test, gva, 4, 9, 8, 0x1000, 3, 0xfc0000000ULL | PS | RW | P,
	      slot);
	expect_gpa(test, &w, gva, 0xfc0302010ULL);
	set_entry(test, slot[3], 8, 0xfc0000000ULL | BIT_ULL(12) | PS | P);
	expect_gpa(test, &w, gva, 0xfc0302010ULL);
	set_entry(test, slot[3], 8, 0xfc0000000ULL | BIT_ULL(13) | PS | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[3], 8, 0xfc0000000ULL | BIT_ULL(29) | PS | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[3], 8, 0x100000000ULL | BIT_ULL(30) | PS | P);
	expect_gpa(test, &w, gva, 0x140302010ULL);
	set_entry(test, slot[3], 8, GENMASK_ULL(51, 30) | PS | P);
	expect_gpa(test, &w, gva, GENMASK_ULL(51, 30) | 0x302010);
}

static void walk_5level(struct kunit *test)
{
	u64 gva = 0xff12345678abcdefULL, slot[6];
	struct mv_walk w = walker(test, 0x1000,
				  X86_CR4_PAE | X86_CR4_LA57,
				  EFER_LME | EFER_LMA);

	build(test, gva, 5, 9, 8, 0x1000, 1, 0x87654000ULL | P, slot);
	KUNIT_EXPECT_EQ(test, slot[5], 0x1000ULL + 0x112 * 8);
	expect_gpa(test, &w, gva, 0x87654def);
	/* PS is reserved in a PML5E. */
	set_entry(test, slot[5], 8, get_entry(test, slot[5], 8) | PS);
	expect_fault(test, &w, gva);
	/* 57-bit canonical: bits 63:57 copy bit 56. */
	expect_fault(test, &w, gva & ~BIT_ULL(63));
	/* Not canonical for 4-level paging at all. */
	w.cr4 &= ~X86_CR4_LA57;
	expect_fault(test, &w, gva);
	/* 1 GiB and 2 MiB under five levels. */
	w.cr4 |= X86_CR4_LA57;
	build(test, gva, 5, 9, 8, 0x1000, 3, 0x40000000ULL | PS | P, slot);
	expect_gpa(test, &w, gva, 0x40000000ULL | (gva & GENMASK_ULL(29, 0)));
	build(test, gva, 5, 9, 8, 0x1000, 2, 0x600000ULL | PS | P, slot);
	expect_gpa(test, &w, gva, 0x600000ULL | (gva & GENMASK_ULL(20, 0)));
	/* Low half. */
	build(test, 0x1000, 5, 9, 8, 0x1000, 1, 0x9000 | P, slot);
	expect_gpa(test, &w, 0x1234, 0x9234);
}

/* Clearing P at any level of a long-mode walk fails it. */
static void walk_long_not_present(struct kunit *test)
{
	u64 gva = 0xffffc90000401ff0ULL, slot[6], e;
	unsigned int levels, level;

	for (levels = 4; levels <= 5; levels++) {
		struct mv_walk w = walker(test, 0x1000,
					  X86_CR4_PAE |
					  (levels == 5 ? X86_CR4_LA57 : 0),
					  EFER_LME | EFER_LMA);

		if (levels == 5)
			gva = 0xffc0000000401ff0ULL;
		for (level = 1; level <= levels; level++) {
			build(test, gva, levels, 9, 8, 0x1000, 1,
			      0xabc000 | P, slot);
			expect_gpa(test, &w, gva, 0xabcff0);
			e = get_entry(test, slot[level], 8);
			set_entry(test, slot[level], 8, e & ~P);
			KUNIT_EXPECT_EQ_MSG(test, mv_walk_gva(&w, gva, &e),
					    -EFAULT, "levels %u level %u",
					    levels, level);
		}
	}
}

/* A table outside guest RAM, or reaching off its end, fails the walk. */
static void walk_outside_ram(struct kunit *test)
{
	u64 gva = 0x401000, slot[6];
	struct mv_walk w = walker(test, 0x1000, X86_CR4_PAE,
				  EFER_LME | EFER_LMA);

	build(test, gva, 4, 9, 8, 0x1000, 1, 0x3000 | P, slot);
	expect_gpa(test, &w, gva, 0x3000);
	/* PD entry points past the end of RAM. */
	set_entry(test, slot[2], 8, 0x100000000ULL | P);
	expect_fault(test, &w, gva);
	set_entry(test, slot[2], 8, FAKE_SIZE | P);
	expect_fault(test, &w, gva);
	/* CR3 outside RAM. */
	w.cr3 = 0x7fff000;
	expect_fault(test, &w, gva);
	/* 32-bit and PAE alike. */
	w.cr4 = 0;
	w.efer = 0;
	expect_fault(test, &w, gva);
	w.cr4 = X86_CR4_PAE;
	expect_fault(test, &w, gva);
	/* A leaf address outside RAM is fine: that is what MMIO is. */
	w.cr3 = 0x1000;
	w.cr4 = X86_CR4_PAE;
	build(test, gva, 3, 9, 8, 0x1000, 1, 0xfee00000 | P, slot);
	expect_gpa(test, &w, gva + 0x20, 0xfee00020);
}

static struct kunit_case walk_test_cases[] = {
	KUNIT_CASE(walk_paging_off),
	KUNIT_CASE(walk_32bit),
	KUNIT_CASE(walk_32bit_pse),
	KUNIT_CASE(walk_32bit_not_present),
	KUNIT_CASE(walk_pae),
	KUNIT_CASE(walk_pae_2m),
	KUNIT_CASE(walk_pae_pdpte),
	KUNIT_CASE(walk_4level),
	KUNIT_CASE(walk_4level_large),
	KUNIT_CASE(walk_5level),
	KUNIT_CASE(walk_long_not_present),
	KUNIT_CASE(walk_outside_ram),
	{}
};

static struct kunit_suite walk_test_suite = {
	.name = "minivmm_walk",
	.init = walk_test_init,
	.test_cases = walk_test_cases,
};

kunit_test_suite(walk_test_suite);
