// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the I/O APIC register model of kmod/ioapic.c - the indirect
 * registers behind IOREGSEL/IOWIN, what a guest may and may not write,
 * edge and level pins with remote IRR and EOI, the messages it sends -
 * and the local APIC's side of level-triggered interrupts (TMR, and the
 * EOI latched for the I/O APIC).
 */
#include <kunit/test.h>
#include <asm/apicdef.h>
#include "kmod/ioapic.c"

#define MSG_MAX	8

struct ioapic_sink {
	unsigned int n;
	u32 lo[MSG_MAX], hi[MSG_MAX];
};

static void sink_deliver(void *opaque, u32 lo, u32 hi)
{
	struct ioapic_sink *s = opaque;

	if (s->n < MSG_MAX) {
		s->lo[s->n] = lo;
		s->hi[s->n] = hi;
	}
	s->n++;
}

static void io_init(struct mv_ioapic *io, struct ioapic_sink *s, u32 id)
{
	memset(s, 0, sizeof(*s));
	mv_ioapic_reset(io, id);
	io->deliver = sink_deliver;
	io->opaque = s;
}

static u32 rd(struct mv_ioapic *io, u8 reg)
{
	mv_ioapic_mmio_write(io, MV_IOAPIC_IOREGSEL, 4, reg);
	return mv_ioapic_mmio_read(io, MV_IOAPIC_IOWIN, 4);
}

static void wr(struct mv_ioapic *io, u8 reg, u32 val)
{
	mv_ioapic_mmio_write(io, MV_IOAPIC_IOREGSEL, 4, reg);
	mv_ioapic_mmio_write(io, MV_IOAPIC_IOWIN, 4, val);
}

static void set_rte(struct mv_ioapic *io, unsigned int pin, u32 lo, u8 dest)
{
	wr(io, MV_IOAPIC_REG_REDIR + 2 * pin + 1, (u32)dest << 24);
	wr(io, MV_IOAPIC_REG_REDIR + 2 * pin, lo);
}

static void ioapic_reset_state(struct kunit *test)
{
	struct ioapic_sink s;
	struct mv_ioapic io;
	unsigned int pin;

	io_init(&io, &s, 2);
	KUNIT_EXPECT_EQ(test, rd(&io, MV_IOAPIC_REG_ID), 2u << 24);
	KUNIT_EXPECT_EQ(test, rd(&io, MV_IOAPIC_REG_ARB), 2u << 24);
	/* 24 pins (maximum redirection entry 23), version 0x20 */
	KUNIT_EXPECT_EQ(test, rd(&io, MV_IOAPIC_REG_VER), 0x00170020u);
	for (pin = 0; pin < MV_IOAPIC_PINS; pin++) {
		KUNIT_EXPECT_EQ(test, rd(&io, 0x10 + 2 * pin), 0x10000u);
		KUNIT_EXPECT_EQ(test, rd(&io, 0x11 + 2 * pin), 0u);
	}
	KUNIT_EXPECT_EQ(test, mv_ioapic_mmio_read(&io, MV_IOAPIC_IOREGSEL, 4),
			0x3fu);
	/* Inputs on masked pins send nothing. */
	for (pin = 0; pin < MV_IOAPIC_PINS; pin++)
		mv_ioapic_set_irq(&io, pin, true);
	KUNIT_EXPECT_EQ(test, s.n, 0u);
}

static void ioapic_hostile_writes(struct kunit *test)
{
	struct ioapic_sink s;
	struct mv_ioapic io;
	unsigned int reg;

	io_init(&io, &s, 1);
	/* ID: bits 27:24 only; version and arbitration are read-only. */
	wr(&io, MV_IOAPIC_REG_ID, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(&io, MV_IOAPIC_REG_ID), 0x0f000000u);
	wr(&io, MV_IOAPIC_REG_VER, 0);
	wr(&io, MV_IOAPIC_REG_ARB, 0);
	KUNIT_EXPECT_EQ(test, rd(&io, MV_IOAPIC_REG_VER), 0x00170020u);
	KUNIT_EXPECT_EQ(test, rd(&io, MV_IOAPIC_REG_ARB), 0x0f000000u);
	/* Every other index: reads 0, writes go nowhere. */
	for (reg = 0x03; reg < 0x100; reg++) {
		if (reg >= 0x10 && reg < 0x40)
			continue;
		wr(&io, reg, 0xffffffff);
		KUNIT_EXPECT_EQ(test, rd(&io, reg), 0u);
	}
	for (reg = 0x10; reg < 0x40; reg++)
		KUNIT_EXPECT_EQ(test, rd(&io, reg), reg & 1 ? 0u : 0x10000u);
	/* Reserved, delivery status and remote IRR bits stay clear. */
	wr(&io, 0x10, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(&io, 0x10), 0x0001afffu);
	wr(&io, 0x11, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(&io, 0x11), 0xff000000u);
	/* Accesses of other sizes and offsets are dropped and read 0. */
	mv_ioapic_mmio_write(&io, MV_IOAPIC_IOREGSEL, 4, 0x12);
	mv_ioapic_mmio_write(&io, MV_IOAPIC_IOWIN, 2, 0);
	mv_ioapic_mmio_write(&io, MV_IOAPIC_IOWIN + 1, 4, 0);
	mv_ioapic_mmio_write(&io, 0x20, 4, 0);
	mv_ioapic_mmio_write(&io, 0xffc, 4, 0);
	KUNIT_EXPECT_EQ(test, mv_ioapic_mmio_read(&io, MV_IOAPIC_IOWIN, 4),
			0x10000u);
	KUNIT_EXPECT_EQ(test, mv_ioapic_mmio_read(&io, MV_IOAPIC_IOWIN, 1), 0u);
	KUNIT_EXPECT_EQ(test, mv_ioapic_mmio_read(&io, 0x30, 4), 0u);
	/* IOREGSEL takes a byte write and keeps 8 bits. */
	mv_ioapic_mmio_write(&io, MV_IOAPIC_IOREGSEL, 1, 0x101);
	KUNIT_EXPECT_EQ(test, mv_ioapic_mmio_read(&io, MV_IOAPIC_IOWIN, 4),
			0x00170020u);
	/* Pins beyond 23 do not exist. */
	mv_ioapic_set_irq(&io, MV_IOAPIC_PINS, true);
	mv_ioapic_set_irq(&io, ~0u, true);
	KUNIT_EXPECT_EQ(test, io.lines, 0u);
	KUNIT_EXPECT_EQ(test, s.n, 0u);
}

static void ioapic_edge(struct kunit *test)
{
	struct ioapic_sink s;
	struct mv_ioapic io;

	io_init(&io, &s, 0);
	set_rte(&io, 4, 0x34, 1);		/* fixed, physical, edge */
	mv_ioapic_set_irq(&io, 4, true);
	KUNIT_ASSERT_EQ(test, s.n, 1u);
	KUNIT_EXPECT_EQ(test, s.lo[0], 0x34u | MV_ICR_LEVEL_ASSERT);
	KUNIT_EXPECT_EQ(test, s.hi[0], 1u << 24);
	/* Held high: no new edge; no remote IRR on an edge pin. */
	mv_ioapic_set_irq(&io, 4, true);
	KUNIT_EXPECT_EQ(test, s.n, 1u);
	KUNIT_EXPECT_EQ(test, rd(&io, 0x18) & BIT(14), 0u);
	mv_ioapic_set_irq(&io, 4, false);
	mv_ioapic_set_irq(&io, 4, true);
	KUNIT_EXPECT_EQ(test, s.n, 2u);
	/* An edge on a masked pin is lost, unmasking sends nothing. */
	mv_ioapic_set_irq(&io, 4, false);
	set_rte(&io, 4, 0x34 | BIT(16), 1);
	mv_ioapic_set_irq(&io, 4, true);
	mv_ioapic_set_irq(&io, 4, false);
	set_rte(&io, 4, 0x34, 1);
	KUNIT_EXPECT_EQ(test, s.n, 2u);
	/* An EOI for the vector changes nothing on an edge pin. */
	mv_ioapic_eoi(&io, 0x34);
	KUNIT_EXPECT_EQ(test, s.n, 2u);
	/* Logical destination, lowest priority */
	set_rte(&io, 1, 0x931, 0x03);
	mv_ioapic_set_irq(&io, 1, true);
	KUNIT_ASSERT_EQ(test, s.n, 3u);
	KUNIT_EXPECT_EQ(test, s.lo[2], 0x931u | MV_ICR_LEVEL_ASSERT);
	KUNIT_EXPECT_EQ(test, s.lo[2] & MV_ICR_DM_MASK, MV_ICR_DM_LOWEST);
	KUNIT_EXPECT_TRUE(test, s.lo[2] & MV_ICR_LOGICAL);
	KUNIT_EXPECT_EQ(test, s.hi[2], 0x03000000u);
	/* NMI, INIT and ExtINT entries reach no one. */
	set_rte(&io, 5, 0x435, 0);
	set_rte(&io, 6, 0x536, 0);
	set_rte(&io, 7, 0x737, 0);
	mv_ioapic_set_irq(&io, 5, true);
	mv_ioapic_set_irq(&io, 6, true);
	mv_ioapic_set_irq(&io, 7, true);
	KUNIT_EXPECT_EQ(test, s.n, 3u);
}

static void ioapic_level(struct kunit *test)
{
	struct ioapic_sink s;
	struct mv_ioapic io;

	io_init(&io, &s, 0);
	set_rte(&io, 9, 0x8039, 0);		/* fixed, physical, level */
	mv_ioapic_set_irq(&io, 9, true);
	KUNIT_ASSERT_EQ(test, s.n, 1u);
	KUNIT_EXPECT_EQ(test, s.lo[0],
			0x39u | MV_ICR_LEVEL_ASSERT | MV_ICR_TRIGGER_LEVEL);
	KUNIT_EXPECT_TRUE(test, rd(&io, 0x22) & BIT(14));	/* remote IRR */
	/* Until the EOI, nothing more, asserted or not. */
	mv_ioapic_set_irq(&io, 9, false);
	mv_ioapic_set_irq(&io, 9, true);
	KUNIT_EXPECT_EQ(test, s.n, 1u);
	/* A guest cannot clear remote IRR by writing the entry. */
	wr(&io, 0x22, 0x8039);
	KUNIT_EXPECT_TRUE(test, rd(&io, 0x22) & BIT(14));
	/* Another vector's EOI does nothing. */
	mv_ioapic_eoi(&io, 0x3a);
	KUNIT_EXPECT_EQ(test, s.n, 1u);
	/* EOI with the line still high: sent again. */
	mv_ioapic_eoi(&io, 0x39);
	KUNIT_EXPECT_EQ(test, s.n, 2u);
	KUNIT_EXPECT_TRUE(test, rd(&io, 0x22) & BIT(14));
	/* The line drops, then the EOI (through the EOI register). */
	mv_ioapic_set_irq(&io, 9, false);
	mv_ioapic_mmio_write(&io, MV_IOAPIC_EOI, 4, 0x39);
	KUNIT_EXPECT_EQ(test, s.n, 2u);
	KUNIT_EXPECT_FALSE(test, rd(&io, 0x22) & BIT(14));
	/* Masked while asserted: held, sent on unmask. */
	set_rte(&io, 9, 0x18039, 0);
	mv_ioapic_set_irq(&io, 9, true);
	KUNIT_EXPECT_EQ(test, s.n, 2u);
	set_rte(&io, 9, 0x8039, 0);
	KUNIT_EXPECT_EQ(test, s.n, 3u);
	/* Switching the pin to edge drops remote IRR and the request. */
	wr(&io, 0x22, 0x39);
	KUNIT_EXPECT_FALSE(test, rd(&io, 0x22) & BIT(14));
	KUNIT_EXPECT_EQ(test, s.n, 3u);
}

static void ioapic_state_roundtrip(struct kunit *test)
{
	struct minivmm_ioapic_state st, *bad;
	struct ioapic_sink s, s2;
	struct mv_ioapic io, *io2;

	/* Off the stack: the kernel's frame limit is 1 KiB. */
	bad = kunit_kzalloc(test, sizeof(*bad), GFP_KERNEL);
	io2 = kunit_kzalloc(test, sizeof(*io2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	KUNIT_ASSERT_NOT_NULL(test, io2);

	io_init(&io, &s, 3);
	set_rte(&io, 9, 0x8039, 1);
	mv_ioapic_set_irq(&io, 9, true);	/* remote IRR set */
	mv_ioapic_mmio_write(&io, MV_IOAPIC_IOREGSEL, 4, 0x22);
	mv_ioapic_get_state(&io, &st);
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(&st), 0);
	io_init(io2, &s2, 0);
	mv_ioapic_set_state(io2, &st);
	KUNIT_EXPECT_EQ(test, mv_ioapic_mmio_read(io2, MV_IOAPIC_IOWIN, 4),
			0xc039u);
	KUNIT_EXPECT_EQ(test, rd(io2, MV_IOAPIC_REG_ID), 3u << 24);
	/* The restored pin waits for its EOI, then sends again. */
	mv_ioapic_eoi(io2, 0x39);
	KUNIT_EXPECT_EQ(test, s2.n, 1u);
	KUNIT_EXPECT_EQ(test, s2.hi[0], 1u << 24);

	/* Each out-of-range field is refused. */
	*bad = st;
	bad->version = 2;
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->size = 255;
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->id = 1;
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->irr = BIT(24);
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->lines = 0x80000000;
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->rte[0] |= MV_IOAPIC_RTE_STATUS;
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->rte[1] |= BIT_ULL(40);
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->rte[2] |= MV_IOAPIC_RTE_RIRR;	/* on an edge pin */
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->padding[1] = 1;
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
	*bad = st;
	bad->reserved[4] = 1;
	KUNIT_EXPECT_EQ(test, mv_ioapic_check_state(bad), -EINVAL);
}

/* The local APIC's half: TMR for level vectors, their EOI latched. */
static void ioapic_lapic_level_eoi(struct kunit *test)
{
	struct mv_lapic a;

	mv_lapic_reset(&a, 0, true);
	mv_lapic_mmio_write(&a, APIC_SPIV, 4, 0x1ff, 0);
	mv_lapic_set_irr_trig(&a, 0x39, true);
	mv_lapic_set_irr_trig(&a, 0x41, false);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMR + 0x10, 4, 0),
			(u64)BIT(0x39 - 32));
	KUNIT_ASSERT_EQ(test, mv_lapic_pending_vector(&a), 0x41);
	mv_lapic_accept(&a, 0x41);
	mv_lapic_mmio_write(&a, APIC_EOI, 4, 0, 0);
	KUNIT_EXPECT_FALSE(test, a.eoi_level);		/* edge */
	KUNIT_ASSERT_EQ(test, mv_lapic_pending_vector(&a), 0x39);
	mv_lapic_accept(&a, 0x39);
	mv_lapic_mmio_write(&a, APIC_EOI, 4, 0, 0);
	KUNIT_EXPECT_TRUE(test, a.eoi_level);
	KUNIT_EXPECT_EQ(test, a.eoi_level_vector, 0x39);
	/* TMR keeps the bit until 0x39 is accepted again (SDM 11.8.4). */
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMR + 0x10, 4, 0),
			(u64)BIT(0x39 - 32));
	/* An EOI with nothing in service latches nothing. */
	a.eoi_level = false;
	mv_lapic_mmio_write(&a, APIC_EOI, 4, 0, 0);
	KUNIT_EXPECT_FALSE(test, a.eoi_level);
	/* Illegal vectors are dropped. */
	mv_lapic_set_irr_trig(&a, 5, true);
	KUNIT_EXPECT_EQ(test, mv_lapic_mmio_read(&a, APIC_TMR, 4, 0), 0ULL);
}

static struct kunit_case minivmm_ioapic_cases[] = {
	KUNIT_CASE(ioapic_reset_state),
	KUNIT_CASE(ioapic_hostile_writes),
	KUNIT_CASE(ioapic_edge),
	KUNIT_CASE(ioapic_level),
	KUNIT_CASE(ioapic_state_roundtrip),
	KUNIT_CASE(ioapic_lapic_level_eoi),
	{}
};

static struct kunit_suite minivmm_ioapic_suite = {
	.name = "minivmm_ioapic",
	.test_cases = minivmm_ioapic_cases,
};

kunit_test_suite(minivmm_ioapic_suite);
