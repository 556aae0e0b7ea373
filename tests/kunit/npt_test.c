// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for npt/: mapping, splitting, entry encodings, EPTP, teardown.
 * Tables are real pages from the page allocator; host-physical addresses are
 * made up (nothing is ever dereferenced through a mapping).
 */
#include <kunit/test.h>

#include "npt/npt.c"

#define T_4K	0x1000ULL
#define T_2M	0x200000ULL

/* Each case gets a zeroed struct mv_npt in test->priv; exit destroys it. */
static int npt_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct mv_npt), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void npt_test_exit(struct kunit *test)
{
	mv_npt_destroy(test->priv);
}

static struct mv_npt *npt_new(struct kunit *test, enum mv_npt_kind kind)
{
	struct mv_npt *npt = test->priv;

	KUNIT_ASSERT_EQ(test, mv_npt_init(npt, kind, GFP_KERNEL), 0);
	KUNIT_ASSERT_NOT_NULL(test, npt->root);
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 1UL);
	return npt;
}

/*
 * Expect @gpa to map to @hpa with @size-byte leaf and @prot: the leaf the
 * tree code itself finds (mv_npt_find_leaf()), read with the decoders.
 */
static void expect_map(struct kunit *test, struct mv_npt *npt, u64 gpa,
		       u64 hpa, u64 size, unsigned int prot)
{
	unsigned int level = 0;
	u64 *ptep = mv_npt_find_leaf(npt, gpa, &level);
	u64 s = mv_npt_level_size(level);

	KUNIT_ASSERT_NOT_NULL_MSG(test, ptep, "gpa %llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, mv_npt_entry_addr(*ptep, level) +
			    (gpa & (s - 1)), hpa, "gpa %llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, s, size, "gpa %llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, mv_npt_entry_prot(npt->kind, *ptep), prot,
			    "gpa %llx", gpa);
}

static void expect_unmapped(struct kunit *test, struct mv_npt *npt, u64 gpa)
{
	unsigned int level;

	KUNIT_EXPECT_NULL_MSG(test, mv_npt_find_leaf(npt, gpa, &level),
			      "gpa %llx", gpa);
}

static void npt_map_lookup_4k(struct kunit *test)
{
	enum mv_npt_kind kind;

	for (kind = MV_NPT_AMD; kind <= MV_NPT_EPT; kind++) {
		struct mv_npt *npt = npt_new(test, kind);

		KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0x7000, 0x123456000ULL,
						 T_4K, MV_NPT_R | MV_NPT_W),
				0);
		expect_map(test, npt, 0x7000, 0x123456000ULL, T_4K,
			   MV_NPT_R | MV_NPT_W);
		expect_map(test, npt, 0x7abc, 0x123456abcULL, T_4K,
			   MV_NPT_R | MV_NPT_W);
		expect_unmapped(test, npt, 0x6000);
		expect_unmapped(test, npt, 0x8000);
		/* PML4 + PDPT + PD + PT */
		KUNIT_EXPECT_EQ(test, npt->nr_tables, 4UL);
		mv_npt_destroy(npt);
	}
}

static void npt_large_when_aligned(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_EPT);
	u64 gpa = 0x40000000ULL + T_2M, hpa = 0x80000000ULL + 4 * T_2M;

	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, gpa, hpa, T_2M, MV_NPT_RWX), 0);
	expect_map(test, npt, gpa, hpa, T_2M, MV_NPT_RWX);
	expect_map(test, npt, gpa + 0x12345, hpa + 0x12345, T_2M, MV_NPT_RWX);
	expect_map(test, npt, gpa + T_2M - 1, hpa + T_2M - 1, T_2M,
		   MV_NPT_RWX);
	expect_unmapped(test, npt, gpa - T_4K);
	expect_unmapped(test, npt, gpa + T_2M);
	/* PML4 + PDPT + PD, no page table below the 2 MiB leaf. */
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 3UL);
}

/* An EPT without 2 MiB pages: aligned ranges still get 4 KiB leaves. */
static void npt_small_only(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_EPT);
	u64 gpa = 2 * T_2M, hpa = 6 * T_2M;

	npt->small_only = true;
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, gpa, hpa, T_2M, MV_NPT_RWX), 0);
	expect_map(test, npt, gpa, hpa, T_4K, MV_NPT_RWX);
	expect_map(test, npt, gpa + T_2M - T_4K, hpa + T_2M - T_4K, T_4K,
		   MV_NPT_RWX);
	/* PML4 + PDPT + PD + PT */
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 4UL);
}

static void npt_misaligned_hpa_4k(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_AMD);
	u64 gpa = 4 * T_2M, hpa = 8 * T_2M + T_4K;

	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, gpa, hpa, T_2M, MV_NPT_RWX), 0);
	expect_map(test, npt, gpa, hpa, T_4K, MV_NPT_RWX);
	expect_map(test, npt, gpa + T_2M - T_4K, hpa + T_2M - T_4K, T_4K,
		   MV_NPT_RWX);
	expect_unmapped(test, npt, gpa + T_2M);
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 4UL);
}

static void npt_mixed_sizes(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_EPT);
	u64 gpa = T_2M - T_4K, hpa = 0x10000000ULL - T_4K;

	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, gpa, hpa, T_2M + 2 * T_4K,
					 MV_NPT_R), 0);
	expect_unmapped(test, npt, gpa - T_4K);
	expect_map(test, npt, gpa, hpa, T_4K, MV_NPT_R);
	expect_map(test, npt, T_2M, hpa + T_4K, T_2M, MV_NPT_R);
	expect_map(test, npt, 2 * T_2M - 8, hpa + T_2M + T_4K - 8, T_2M,
		   MV_NPT_R);
	expect_map(test, npt, 2 * T_2M, hpa + T_2M + T_4K, T_4K, MV_NPT_R);
	expect_unmapped(test, npt, 2 * T_2M + T_4K);
	/* PML4 + PDPT + PD + two page tables (one each side of the leaf). */
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 5UL);
}

static void npt_overlap(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_AMD);
	unsigned long tables;

	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, T_2M, 0x40000000ULL, T_2M,
					 MV_NPT_RWX), 0);
	tables = npt->nr_tables;

	/* Inside, straddling the start, straddling the end, covering. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, T_2M + 5 * T_4K, 0x1000000ULL,
					 T_4K, MV_NPT_R), -EEXIST);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, T_2M - 2 * T_4K, 0x1000000ULL,
					 4 * T_4K, MV_NPT_R), -EEXIST);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 2 * T_2M - T_4K, 0x1000000ULL,
					 2 * T_4K, MV_NPT_R), -EEXIST);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, 4 * T_2M, MV_NPT_R),
			-EEXIST);

	/* Nothing changed: the original maps, the free parts stay free. */
	KUNIT_EXPECT_EQ(test, npt->nr_tables, tables);
	expect_map(test, npt, T_2M + 5 * T_4K, 0x40000000ULL + 5 * T_4K, T_2M,
		   MV_NPT_RWX);
	expect_unmapped(test, npt, T_2M - T_4K);
	expect_unmapped(test, npt, 2 * T_2M);
	expect_unmapped(test, npt, 0);

	/* 4 KiB leaves overlap too. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 8 * T_2M, 0x3000, T_4K,
					 MV_NPT_R), 0);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 8 * T_2M, 0x3000, T_4K,
					 MV_NPT_R), -EEXIST);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 7 * T_2M, 0, 2 * T_2M,
					 MV_NPT_R), -EEXIST);
	expect_map(test, npt, 8 * T_2M, 0x3000, T_4K, MV_NPT_R);
	expect_unmapped(test, npt, 7 * T_2M);
}

static void npt_split_on_unmap(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_EPT);
	u64 gpa = 3 * T_2M, hpa = 0x7600000ULL, off;
	unsigned int prot = MV_NPT_R | MV_NPT_X;

	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, gpa, hpa, T_2M, prot), 0);
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 3UL);

	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, gpa + 2 * T_4K, T_4K), 0);
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 4UL);
	expect_unmapped(test, npt, gpa + 2 * T_4K);
	expect_unmapped(test, npt, gpa + 3 * T_4K - 1);
	for (off = 0; off < T_2M; off += T_4K) {
		if (off == 2 * T_4K)
			continue;
		expect_map(test, npt, gpa + off + 0x10, hpa + off + 0x10,
			   T_4K, prot);
	}

	/* Unmapping a range that ends inside a large leaf splits it too. */
	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 5 * T_2M, 0, T_2M, MV_NPT_R), 0);
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 4 * T_2M, T_2M + T_4K), 0);
	expect_unmapped(test, npt, 5 * T_2M);
	expect_map(test, npt, 5 * T_2M + T_4K, T_4K, T_4K, MV_NPT_R);
	expect_map(test, npt, 6 * T_2M - T_4K, T_2M - T_4K, T_4K, MV_NPT_R);

	/* ...and so does one that starts inside a large leaf. */
	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 7 * T_2M, T_2M, T_2M, MV_NPT_R),
			0);
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 8 * T_2M - T_4K, T_2M), 0);
	expect_map(test, npt, 7 * T_2M, T_2M, T_4K, MV_NPT_R);
	expect_map(test, npt, 8 * T_2M - 2 * T_4K, 2 * T_2M - 2 * T_4K, T_4K,
		   MV_NPT_R);
	expect_unmapped(test, npt, 8 * T_2M - T_4K);

	/* Holes are fine. */
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 0x100000000ULL, 64 * T_2M), 0);
}

static void npt_unmap_remap(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_AMD);
	unsigned long tables;
	u64 gen;

	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 0, 0x10000000ULL, 2 * T_2M,
					 MV_NPT_RWX), 0);
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 0, 2 * T_2M), 0);
	expect_unmapped(test, npt, 0);
	expect_unmapped(test, npt, T_2M + T_4K);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0x20000000ULL, 2 * T_2M,
					 MV_NPT_R), 0);
	expect_map(test, npt, T_2M + T_4K, 0x20000000ULL + T_2M + T_4K, T_2M,
		   MV_NPT_R);

	/*
	 * Split a leaf, unmap all of it, map 2 MiB again: the emptied page
	 * table makes way for a large leaf; it is retired (a walker may still
	 * cache it), stays allocated until destroy and asks for a flush.
	 */
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, T_4K, T_4K), 0);
	tables = npt->nr_tables;
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 0, T_2M), 0);
	expect_unmapped(test, npt, 0);
	expect_unmapped(test, npt, 2 * T_4K);
	KUNIT_EXPECT_TRUE(test, list_empty(&npt->retired));
	gen = mv_npt_flush_gen(npt);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0x30000000ULL, T_2M,
					 MV_NPT_RWX), 0);
	expect_map(test, npt, 0x4000, 0x30004000ULL, T_2M, MV_NPT_RWX);
	KUNIT_EXPECT_EQ(test, npt->nr_tables, tables);
	KUNIT_EXPECT_FALSE(test, list_empty(&npt->retired));
	KUNIT_EXPECT_GT(test, mv_npt_flush_gen(npt), gen);

	/* Refilling the emptied table with small pages works as well. */
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, T_2M, T_2M), 0);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, T_2M, 0x5000, T_4K, MV_NPT_R),
			0);
	expect_map(test, npt, T_2M, 0x5000, T_4K, MV_NPT_R);
}

static void npt_invalid_args(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_EPT);
	u64 top = 1ULL << 48;

	/* Misaligned gpa, hpa, size. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0x800, 0, T_4K, MV_NPT_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0x10, T_4K, MV_NPT_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, T_4K + 1, MV_NPT_R),
			-EINVAL);
	/* Zero size. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, 0, MV_NPT_R), -EINVAL);
	/* Beyond 48 bits, and a range that crosses 2^48. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, top, 0, T_4K, MV_NPT_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, top - T_4K, 0, 2 * T_4K,
					 MV_NPT_R), -EINVAL);
	/* gpa + size wraps around 2^64. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, T_4K, 0, 0ULL - T_4K, MV_NPT_R),
			-EINVAL);
	/* hpa beyond 52 bits. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 1ULL << 52, T_4K, MV_NPT_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, (1ULL << 52) - T_4K,
					 2 * T_4K, MV_NPT_R), -EINVAL);
	/* Empty, unknown, and EPT write-only / write+exec without read. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, T_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, T_4K, 0x8), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, T_4K, MV_NPT_W), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, T_4K,
					 MV_NPT_W | MV_NPT_X), -EINVAL);
	/* Nothing of the above got mapped or allocated. */
	expect_unmapped(test, npt, 0);
	KUNIT_EXPECT_EQ(test, npt->nr_tables, 1UL);

	/* Highest valid page works. */
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, top - T_4K, (1ULL << 52) - T_4K,
					 T_4K, MV_NPT_X), 0);
	expect_map(test, npt, top - 1, (1ULL << 52) - 1, T_4K, MV_NPT_X);

	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 0x10, T_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, top - T_4K, 2 * T_4K),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_npt_init(NULL, MV_NPT_EPT, GFP_KERNEL),
			-EINVAL);
	mv_npt_destroy(npt);
	KUNIT_EXPECT_EQ(test, mv_npt_init(npt, 7, GFP_KERNEL), -EINVAL);

	/* AMD accepts write-only: it cannot deny reads of a present page. */
	npt = npt_new(test, MV_NPT_AMD);
	KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0, T_4K, MV_NPT_W), 0);
	expect_map(test, npt, 0, 0, T_4K, MV_NPT_R | MV_NPT_W);
}

/* Entries on the path to @gpa, root first; returns how many were found. */
static int npt_path(struct mv_npt *npt, u64 gpa, u64 path[4])
{
	u64 *table = npt->root;
	int n = 0;
	unsigned int l;

	for (l = MV_NPT_LEVEL_PML4; l >= MV_NPT_LEVEL_PT; l--) {
		u64 e = table[mv_npt_index(gpa, l)];

		path[n++] = e;
		if (!mv_npt_entry_present(npt->kind, e) ||
		    mv_npt_entry_leaf(e, l))
			break;
		table = phys_to_virt(e & MV_NPT_ADDR_MASK);
	}
	return n;
}

static void npt_amd_entry_bits(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_AMD);
	u64 path[4];
	int i;

	/* Pure encoders: P=0 RW=1 US=2 PS=7 NX=63; A/D clear. */
	KUNIT_EXPECT_EQ(test, mv_npt_leaf_entry(MV_NPT_AMD, 0xabcdef000ULL,
						MV_NPT_RWX, false),
			0xabcdef007ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_leaf_entry(MV_NPT_AMD, 0xabcdef000ULL,
						MV_NPT_R, false),
			0x8000000abcdef005ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_leaf_entry(MV_NPT_AMD, 0x40200000ULL,
						MV_NPT_R | MV_NPT_X, true),
			0x40200085ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_table_entry(MV_NPT_AMD, 0x1234000ULL),
			0x1234007ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_entry_addr(0x8000000040201085ULL, 2),
			0x40200000ULL);
	KUNIT_EXPECT_FALSE(test, mv_npt_entry_present(MV_NPT_AMD, 0x6ULL));

	/* In the tree: U/S at every level, NX only on the no-exec leaf. */
	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 0x5000, 0x9000, T_4K,
					 MV_NPT_R | MV_NPT_W), 0);
	KUNIT_ASSERT_EQ(test, npt_path(npt, 0x5000, path), 4);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ_MSG(test, path[i] & ~MV_NPT_ADDR_MASK, 0x7ULL,
				    "level %d", 4 - i);
		KUNIT_EXPECT_NE(test, path[i] & MV_NPT_ADDR_MASK, 0ULL);
	}
	KUNIT_EXPECT_EQ(test, path[3], 0x8000000000009007ULL);

	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 0x40000000ULL, 0x80000000ULL,
					 T_2M, MV_NPT_RWX), 0);
	KUNIT_ASSERT_EQ(test, npt_path(npt, 0x40000000ULL, path), 3);
	KUNIT_EXPECT_EQ(test, path[0] & ~MV_NPT_ADDR_MASK, 0x7ULL);
	KUNIT_EXPECT_EQ(test, path[1] & ~MV_NPT_ADDR_MASK, 0x7ULL);
	KUNIT_EXPECT_EQ(test, path[2], 0x80000087ULL);
}

static void npt_ept_entry_bits(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_EPT);
	u64 path[4];
	int i;

	/* R=0 W=1 X=2, memory type 6 (WB) in 5:3, IGNORE_PAT clear, large=7. */
	KUNIT_EXPECT_EQ(test, mv_npt_leaf_entry(MV_NPT_EPT, 0xabcdef000ULL,
						MV_NPT_RWX, false),
			0xabcdef037ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_leaf_entry(MV_NPT_EPT, 0xabcdef000ULL,
						MV_NPT_R, false),
			0xabcdef031ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_leaf_entry(MV_NPT_EPT, 0x40200000ULL,
						MV_NPT_R | MV_NPT_X, true),
			0x402000b5ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_leaf_entry(MV_NPT_EPT, 0xfffffffff000ULL,
						MV_NPT_X, false),
			0xfffffffff034ULL);
	KUNIT_EXPECT_EQ(test, mv_npt_table_entry(MV_NPT_EPT, 0x1234000ULL),
			0x1234007ULL);
	KUNIT_EXPECT_TRUE(test, mv_npt_entry_present(MV_NPT_EPT, 0x4ULL));
	KUNIT_EXPECT_FALSE(test, mv_npt_entry_present(MV_NPT_EPT, 0x1000ULL));
	KUNIT_EXPECT_EQ(test, mv_npt_entry_prot(MV_NPT_EPT, 0x402000b5ULL),
			MV_NPT_R | MV_NPT_X);

	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 0x5000, 0x9000, T_4K,
					 MV_NPT_R | MV_NPT_W), 0);
	KUNIT_ASSERT_EQ(test, npt_path(npt, 0x5000, path), 4);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, path[i] & ~MV_NPT_ADDR_MASK, 0x7ULL,
				    "level %d", 4 - i);
	KUNIT_EXPECT_EQ(test, path[3], 0x9033ULL);

	KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 0x40000000ULL, 0x80000000ULL,
					 T_2M, MV_NPT_RWX), 0);
	KUNIT_ASSERT_EQ(test, npt_path(npt, 0x40000000ULL, path), 3);
	KUNIT_EXPECT_EQ(test, path[2], 0x800000b7ULL);

	/* A split keeps permissions and memory type, drops the large bit. */
	KUNIT_ASSERT_EQ(test, mv_npt_unmap(npt, 0x40000000ULL, T_4K), 0);
	KUNIT_ASSERT_EQ(test, npt_path(npt, 0x40001000ULL, path), 4);
	KUNIT_EXPECT_EQ(test, path[2] & ~MV_NPT_ADDR_MASK, 0x7ULL);
	KUNIT_EXPECT_EQ(test, path[3], 0x80001037ULL);
}

static void npt_eptp(struct kunit *test)
{
	struct mv_npt *npt = npt_new(test, MV_NPT_EPT);
	u64 pa = virt_to_phys(npt->root);

	KUNIT_EXPECT_EQ(test, mv_npt_root_pa(npt), pa);
	KUNIT_EXPECT_EQ(test, pa & 0xfffULL, 0ULL);
	/* WB (6) in 2:0, walk length 4 - 1 in 5:3, no A/D. */
	KUNIT_EXPECT_EQ(test, mv_npt_eptp(npt), pa | 0x1eULL);
	npt->ept_ad = true;
	KUNIT_EXPECT_EQ(test, mv_npt_eptp(npt), pa | 0x5eULL);
}

/*
 * The flush request: adding mappings asks for nothing (no CPU can cache
 * what was not there); removing one, even inside a split leaf, does;
 * unmapping a hole or a refused map does not.
 */
static void npt_flush_requests(struct kunit *test)
{
	enum mv_npt_kind kind;
	u64 gen;

	for (kind = MV_NPT_AMD; kind <= MV_NPT_EPT; kind++) {
		struct mv_npt *npt = npt_new(test, kind);

		gen = mv_npt_flush_gen(npt);
		KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0x400000ULL,
						 T_2M + T_4K, MV_NPT_RWX), 0);
		KUNIT_EXPECT_EQ(test, mv_npt_flush_gen(npt), gen);
		KUNIT_EXPECT_EQ(test, mv_npt_map(npt, T_2M, 0, T_4K,
						 MV_NPT_R), -EEXIST);
		KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 4 * T_2M, T_2M), 0);
		KUNIT_EXPECT_EQ(test, mv_npt_flush_gen(npt), gen);

		KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, T_2M, T_4K), 0);
		KUNIT_EXPECT_GT(test, mv_npt_flush_gen(npt), gen);
		gen = mv_npt_flush_gen(npt);
		KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 5 * T_4K, T_4K), 0);
		KUNIT_EXPECT_GT(test, mv_npt_flush_gen(npt), gen);
		expect_unmapped(test, npt, 5 * T_4K);
		expect_map(test, npt, 6 * T_4K, 0x406000ULL, T_4K, MV_NPT_RWX);

		/* The owner's own request (INIT) counts the same way. */
		gen = mv_npt_flush_gen(npt);
		mv_npt_request_flush(npt);
		KUNIT_EXPECT_EQ(test, mv_npt_flush_gen(npt), gen + 1);
		mv_npt_destroy(npt);
	}
}

static void npt_destroy_frees_all(struct kunit *test)
{
	enum mv_npt_kind kind;

	for (kind = MV_NPT_AMD; kind <= MV_NPT_EPT; kind++) {
		struct mv_npt *npt = npt_new(test, kind);

		KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0, 0x100000000ULL,
						 8 * T_2M + 3 * T_4K,
						 MV_NPT_RWX), 0);
		KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0x7f0000000000ULL, 0x5000,
						 T_4K, MV_NPT_R), 0);
		KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 0x123400000000ULL, 0,
						 T_2M, MV_NPT_R), 0);
		/* Split one leaf, leave an emptied table, retire another. */
		KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, T_4K, T_4K), 0);
		KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 2 * T_2M, T_4K), 0);
		KUNIT_EXPECT_EQ(test, mv_npt_unmap(npt, 2 * T_2M, T_2M), 0);
		KUNIT_EXPECT_EQ(test, mv_npt_map(npt, 2 * T_2M, 0, T_2M,
						 MV_NPT_R), 0);
		KUNIT_EXPECT_GT(test, npt->nr_tables, 9UL);
		KUNIT_EXPECT_FALSE(test, list_empty(&npt->retired));

		mv_npt_destroy(npt);
		KUNIT_EXPECT_EQ(test, npt->nr_tables, 0UL);
		KUNIT_EXPECT_NULL(test, npt->root);
		/* A second destroy is harmless. */
		mv_npt_destroy(npt);
		KUNIT_EXPECT_EQ(test, npt->nr_tables, 0UL);
	}
}

/* Dirty logging: write access per 4 KiB page, large leaves split first. */
static void npt_set_writable(struct kunit *test)
{
	enum mv_npt_kind kind;

	for (kind = MV_NPT_AMD; kind <= MV_NPT_EPT; kind++) {
		struct mv_npt *npt = npt_new(test, kind);
		u64 gpa = 2 * T_2M, hpa = 0x4400000ULL, off;

		KUNIT_ASSERT_EQ(test, mv_npt_map(npt, gpa, hpa, T_2M,
						 MV_NPT_RWX), 0);
		expect_map(test, npt, gpa, hpa, T_2M, MV_NPT_RWX);
		KUNIT_EXPECT_EQ(test, mv_npt_set_writable(npt, gpa + 5 * T_4K,
							  false), 0);
		/* split: the page lost W, its 511 neighbours kept it */
		expect_map(test, npt, gpa + 5 * T_4K, hpa + 5 * T_4K, T_4K,
			   MV_NPT_R | MV_NPT_X);
		for (off = 0; off < T_2M; off += T_4K)
			if (off != 5 * T_4K)
				expect_map(test, npt, gpa + off, hpa + off,
					   T_4K, MV_NPT_RWX);
		KUNIT_EXPECT_EQ(test, mv_npt_set_writable(npt, gpa + 5 * T_4K,
							  true), 0);
		expect_map(test, npt, gpa + 5 * T_4K, hpa + 5 * T_4K, T_4K,
			   MV_NPT_RWX);
		/* unmapped, misaligned, out of range */
		KUNIT_EXPECT_EQ(test, mv_npt_set_writable(npt, 0, false),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, mv_npt_set_writable(npt, gpa + 1, false),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, mv_npt_set_writable(npt, BIT_ULL(48),
							  false), -EINVAL);
		mv_npt_destroy(npt);
	}
}

/* Set the D flag of the leaf that maps @gpa, as a CPU's write would. */
static void set_d(struct kunit *test, struct mv_npt *npt, u64 gpa)
{
	unsigned int level;
	u64 *ptep = mv_npt_find_leaf(npt, gpa, &level);

	KUNIT_ASSERT_NOT_NULL(test, ptep);
	*ptep |= BIT_ULL(mv_npt_d_bit(npt->kind));
}

/*
 * Dirty logging by D flags: a flag is taken once (and cleared), a large
 * leaf's flag marks its pages inside the range only, splitting keeps
 * mappings and flags, and nothing outside the range is touched.
 */
static void npt_take_dirty(struct kunit *test)
{
	enum mv_npt_kind kind;

	for (kind = MV_NPT_AMD; kind <= MV_NPT_EPT; kind++) {
		struct mv_npt *npt = npt_new(test, kind);
		u64 hpa = 0x4000000ULL, count = 99, off;
		unsigned long *bits;

		bits = kunit_kzalloc(test, BITS_TO_LONGS(2048) * sizeof(long),
				     GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, bits);
		/* two 2 MiB leaves from 0, 4 KiB pages at 4 MiB */
		KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 0, hpa, 2 * T_2M,
						 MV_NPT_RWX), 0);
		KUNIT_ASSERT_EQ(test, mv_npt_map(npt, 2 * T_2M, 0x9000000ULL,
						 4 * T_4K, MV_NPT_RWX), 0);
		set_d(test, npt, T_2M);
		set_d(test, npt, 2 * T_2M + T_4K);
		/* the large leaf from half of it: 256 pages, plus one */
		KUNIT_EXPECT_EQ(test, mv_npt_take_dirty(npt, T_2M + T_2M / 2,
							T_2M, bits, &count),
				0);
		KUNIT_EXPECT_EQ(test, count, 257ULL);
		KUNIT_EXPECT_EQ(test, bitmap_weight(bits, 2048), 257U);
		KUNIT_EXPECT_TRUE(test, test_bit(768, bits));
		KUNIT_EXPECT_TRUE(test, test_bit(1023, bits));
		KUNIT_EXPECT_TRUE(test, test_bit(1025, bits));
		KUNIT_EXPECT_FALSE(test, test_bit(767, bits));
		/* taken: a second scan finds nothing */
		bitmap_zero(bits, 2048);
		KUNIT_EXPECT_EQ(test, mv_npt_take_dirty(npt, 0, 3 * T_2M, bits,
							&count), 0);
		KUNIT_EXPECT_EQ(test, count, 0ULL);
		/* split: 4 KiB leaves, same memory, a flag per page */
		set_d(test, npt, 0);
		KUNIT_EXPECT_EQ(test, mv_npt_split_range(npt, 0, 2 * T_2M), 0);
		for (off = 0; off < 2 * T_2M; off += 64 * T_4K)
			expect_map(test, npt, off, hpa + off, T_4K, MV_NPT_RWX);
		set_d(test, npt, 3 * T_4K);
		KUNIT_EXPECT_EQ(test, mv_npt_take_dirty(npt, 0, 2 * T_2M, bits,
							&count), 0);
		/* the old leaf's flag went to all 512, then one more set */
		KUNIT_EXPECT_EQ(test, count, 512ULL);
		KUNIT_EXPECT_EQ(test, bitmap_weight(bits, 2048), 512U);
		/* bad ranges */
		KUNIT_EXPECT_EQ(test, mv_npt_take_dirty(npt, 1, T_4K, bits,
							&count), -EINVAL);
		KUNIT_EXPECT_EQ(test, mv_npt_split_range(npt, 0, 0), -EINVAL);
		mv_npt_destroy(npt);
	}
}

static struct kunit_case npt_test_cases[] = {
	KUNIT_CASE(npt_map_lookup_4k),
	KUNIT_CASE(npt_large_when_aligned),
	KUNIT_CASE(npt_small_only),
	KUNIT_CASE(npt_misaligned_hpa_4k),
	KUNIT_CASE(npt_mixed_sizes),
	KUNIT_CASE(npt_overlap),
	KUNIT_CASE(npt_split_on_unmap),
	KUNIT_CASE(npt_unmap_remap),
	KUNIT_CASE(npt_invalid_args),
	KUNIT_CASE(npt_amd_entry_bits),
	KUNIT_CASE(npt_ept_entry_bits),
	KUNIT_CASE(npt_eptp),
	KUNIT_CASE(npt_flush_requests),
	KUNIT_CASE(npt_destroy_frees_all),
	KUNIT_CASE(npt_set_writable),
	KUNIT_CASE(npt_take_dirty),
	{}
};

static struct kunit_suite npt_test_suite = {
	.name = "minivmm_npt",
	.init = npt_test_init,
	.exit = npt_test_exit,
	.test_cases = npt_test_cases,
};

kunit_test_suite(npt_test_suite);

MODULE_LICENSE("GPL");
