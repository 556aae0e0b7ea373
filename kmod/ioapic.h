/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O APIC of a VM (kmod/ioapic.c): a pure register model of one
 * 24-pin I/O APIC at MINIVMM_IOAPIC_BASE, laid out as Intel's 82093AA
 * (IOREGSEL/IOWIN, ID, version, arbitration ID, redirection table) and
 * reporting version 0x20 as the ICH's I/O APICs do, which adds the EOI
 * register.  Interrupt messages leave through the owner's deliver
 * callback, so KUnit can test the model without a VM.
 */
#ifndef MINIVMM_IOAPIC_H
#define MINIVMM_IOAPIC_H

#include <linux/bits.h>
#include <linux/types.h>

#define MINIVMM_IOAPIC_BASE	0xfec00000ULL
#define MV_IOAPIC_PINS		24
#define MV_IOAPIC_VERSION	0x20

/* Memory-mapped registers (offsets in the page) */
#define MV_IOAPIC_IOREGSEL	0x00
#define MV_IOAPIC_IOWIN		0x10
#define MV_IOAPIC_EOI		0x40

/* Indirect registers (IOREGSEL values) */
#define MV_IOAPIC_REG_ID	0x00
#define MV_IOAPIC_REG_VER	0x01
#define MV_IOAPIC_REG_ARB	0x02
#define MV_IOAPIC_REG_REDIR	0x10	/* + 2 * pin: low dword, + 1: high */

/* Redirection table entry bits */
#define MV_IOAPIC_RTE_VECTOR	0xffULL
#define MV_IOAPIC_RTE_DM_MASK	(7ULL << 8)	/* delivery mode */
#define MV_IOAPIC_RTE_LOGICAL	BIT_ULL(11)
#define MV_IOAPIC_RTE_STATUS	BIT_ULL(12)	/* delivery status (RO) */
#define MV_IOAPIC_RTE_LOW	BIT_ULL(13)	/* polarity: active low */
#define MV_IOAPIC_RTE_RIRR	BIT_ULL(14)	/* remote IRR (RO) */
#define MV_IOAPIC_RTE_LEVEL	BIT_ULL(15)	/* trigger mode */
#define MV_IOAPIC_RTE_MASKED	BIT_ULL(16)
#define MV_IOAPIC_RTE_DEST_SHIFT 56
/* What the guest may write; the rest is read-only or reserved. */
#define MV_IOAPIC_RTE_WRITABLE	(MV_IOAPIC_RTE_VECTOR | MV_IOAPIC_RTE_DM_MASK | \
				 MV_IOAPIC_RTE_LOGICAL | MV_IOAPIC_RTE_LOW | \
				 MV_IOAPIC_RTE_LEVEL | MV_IOAPIC_RTE_MASKED | \
				 (0xffULL << MV_IOAPIC_RTE_DEST_SHIFT))

/*
 * An interrupt message, in the local APIC's ICR format (kmod/lapic.h):
 * @lo holds the vector, delivery mode, destination mode and trigger mode
 * (MV_ICR_TRIGGER_LEVEL for a level-triggered pin), @hi the 8-bit
 * destination in bits 31:24.
 */
typedef void (*mv_ioapic_deliver_fn)(void *opaque, u32 lo, u32 hi);

struct mv_ioapic {
	u32 id;			/* ID register: bits 27:24 */
	u8 regsel;		/* IOREGSEL */
	u32 irr;		/* pins with a request not yet sent */
	u32 lines;		/* input levels (asserted = 1) */
	u64 rte[MV_IOAPIC_PINS];
	u64 delivered;		/* messages sent (statistics) */
	/* The owner's, set once: where messages go. */
	mv_ioapic_deliver_fn deliver;
	void *opaque;
};

/* Power-up: every pin masked, edge, ID @id (0-15). */
void mv_ioapic_reset(struct mv_ioapic *io, u32 id);
/*
 * MMIO of @size bytes at @offset within the page: IOREGSEL, IOWIN and
 * EOI take aligned 32-bit accesses (IOREGSEL also a byte); anything else
 * reads as 0 and is dropped on write, as on the chip.
 */
u32 mv_ioapic_mmio_read(struct mv_ioapic *io, u32 offset, unsigned int size);
void mv_ioapic_mmio_write(struct mv_ioapic *io, u32 offset, unsigned int size,
			  u32 val);
/*
 * Input pin @pin (< MV_IOAPIC_PINS) asserted (@level true) or not.  An
 * edge-triggered pin sends on a rising edge when unmasked (an edge on a
 * masked pin is lost, as on the 82093AA); a level-triggered pin sends
 * while asserted and unmasked, once per EOI (remote IRR).  Polarity is
 * kept as written: @level is the device's assertion, already logical.
 */
void mv_ioapic_set_irq(struct mv_ioapic *io, unsigned int pin, bool level);
/* A local APIC's EOI of a level-triggered @vector (or the EOI register). */
void mv_ioapic_eoi(struct mv_ioapic *io, u8 vector);

/*
 * Saving and loading (kmod/snapshot.c, VM quiet): check returns -EINVAL
 * for any field a running I/O APIC could not hold.
 */
struct minivmm_ioapic_state;
void mv_ioapic_get_state(const struct mv_ioapic *io,
			 struct minivmm_ioapic_state *s);
int mv_ioapic_check_state(const struct minivmm_ioapic_state *s);
void mv_ioapic_set_state(struct mv_ioapic *io,
			 const struct minivmm_ioapic_state *s);

#endif /* MINIVMM_IOAPIC_H */
