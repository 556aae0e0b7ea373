// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC register model (see kmod/ioapic.h).
 *
 * A pin's request (irr) is sent as one message to the local APICs through
 * the owner's deliver callback (kmod/smp.c finds the destinations, fixed
 * or lowest priority, physical or logical, with the local APIC's own
 * destination rule).  Edge-triggered pins send once per rising edge.  A
 * level-triggered pin sets remote IRR when it sends and sends again only
 * after an EOI for its vector clears it, if the line is still asserted.
 * SMI, NMI, INIT and ExtINT entries are accepted and reach no one (the
 * local APIC model does not deliver them from an I/O APIC either).
 *
 * Every value here is the guest's: indexes are checked, read-only and
 * reserved bits are kept out of the table.  Pure: the caller serialises
 * (the VM's dev_lock).
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "uapi/minivmm.h"
#include "lapic.h"
#include "ioapic.h"

#define MV_IOAPIC_ID_MASK	(0xfu << 24)
#define MV_IOAPIC_DM_FIXED	(0ULL << 8)
#define MV_IOAPIC_DM_LOWEST	(1ULL << 8)

void mv_ioapic_reset(struct mv_ioapic *io, u32 id)
{
	unsigned int i;

	io->id = (id << 24) & MV_IOAPIC_ID_MASK;
	io->regsel = 0;
	io->irr = 0;
	io->lines = 0;
	io->delivered = 0;
	for (i = 0; i < MV_IOAPIC_PINS; i++)
		io->rte[i] = MV_IOAPIC_RTE_MASKED;
}

/* Send pin @pin's request if it may go now. */
static void mv_ioapic_service(struct mv_ioapic *io, unsigned int pin)
{
	u64 e = io->rte[pin];
	u64 dm = e & MV_IOAPIC_RTE_DM_MASK;
	bool level = e & MV_IOAPIC_RTE_LEVEL;
	u32 lo;

	if (!(io->irr & BIT(pin)) || (e & MV_IOAPIC_RTE_MASKED))
		return;
	if (level && (e & MV_IOAPIC_RTE_RIRR))
		return;			/* waits for the EOI */
	if (!level)
		io->irr &= ~BIT(pin);	/* an edge is sent once */
	if (dm != MV_IOAPIC_DM_FIXED && dm != MV_IOAPIC_DM_LOWEST)
		return;			/* SMI, NMI, INIT, ExtINT: see above */
	if (level)
		io->rte[pin] |= MV_IOAPIC_RTE_RIRR;
	lo = (e & (MV_IOAPIC_RTE_VECTOR | MV_IOAPIC_RTE_DM_MASK |
		   MV_IOAPIC_RTE_LOGICAL)) |
	     MV_ICR_LEVEL_ASSERT | (level ? MV_ICR_TRIGGER_LEVEL : 0);
	io->delivered++;
	if (io->deliver)
		io->deliver(io->opaque, lo,
			    (u32)(e >> MV_IOAPIC_RTE_DEST_SHIFT) << 24);
}

void mv_ioapic_set_irq(struct mv_ioapic *io, unsigned int pin, bool level)
{
	u32 bit;

	if (pin >= MV_IOAPIC_PINS)
		return;
	bit = BIT(pin);
	if (io->rte[pin] & MV_IOAPIC_RTE_LEVEL) {
		if (level)
			io->irr |= bit;
		else
			io->irr &= ~bit;
	} else if (level && !(io->lines & bit) &&
		   !(io->rte[pin] & MV_IOAPIC_RTE_MASKED)) {
		io->irr |= bit;		/* rising edge on an open pin */
	}
	if (level)
		io->lines |= bit;
	else
		io->lines &= ~bit;
	mv_ioapic_service(io, pin);
}

void mv_ioapic_eoi(struct mv_ioapic *io, u8 vector)
{
	unsigned int pin;

	for (pin = 0; pin < MV_IOAPIC_PINS; pin++) {
		u64 e = io->rte[pin];

		if ((e & MV_IOAPIC_RTE_VECTOR) != vector ||
		    !(e & MV_IOAPIC_RTE_RIRR))
			continue;
		io->rte[pin] &= ~MV_IOAPIC_RTE_RIRR;
		mv_ioapic_service(io, pin);	/* still asserted: again */
	}
}

static u32 mv_ioapic_read_reg(const struct mv_ioapic *io, u8 reg)
{
	unsigned int pin;

	switch (reg) {
	case MV_IOAPIC_REG_ID:
	case MV_IOAPIC_REG_ARB:	/* loaded from the ID */
		return io->id;
	case MV_IOAPIC_REG_VER:
		return MV_IOAPIC_VERSION | ((MV_IOAPIC_PINS - 1) << 16);
	}
	if (reg < MV_IOAPIC_REG_REDIR ||
	    reg >= MV_IOAPIC_REG_REDIR + 2 * MV_IOAPIC_PINS)
		return 0;		/* undefined: reads as 0 */
	pin = (reg - MV_IOAPIC_REG_REDIR) / 2;
	if (reg & 1)
		return io->rte[pin] >> 32;
	return (u32)io->rte[pin];
}

static void mv_ioapic_write_rte(struct mv_ioapic *io, unsigned int pin,
				bool high, u32 val)
{
	u64 old = io->rte[pin], e;

	if (high)
		e = (old & 0xffffffffULL) | ((u64)val << 32);
	else
		e = (old & ~0xffffffffULL) | val;
	/* Reserved bits stay 0; delivery status and remote IRR are ours. */
	e = (e & MV_IOAPIC_RTE_WRITABLE) | (old & MV_IOAPIC_RTE_RIRR);
	/* An edge-triggered pin has no remote IRR. */
	if (!(e & MV_IOAPIC_RTE_LEVEL))
		e &= ~MV_IOAPIC_RTE_RIRR;
	io->rte[pin] = e;
	/*
	 * The request follows the new trigger mode: a level pin requests
	 * while its line is asserted; an edge pin keeps only an edge that
	 * was already latched.
	 */
	if (e & MV_IOAPIC_RTE_LEVEL) {
		if (io->lines & BIT(pin))
			io->irr |= BIT(pin);
		else
			io->irr &= ~BIT(pin);
	} else if (old & MV_IOAPIC_RTE_LEVEL) {
		io->irr &= ~BIT(pin);
	}
	mv_ioapic_service(io, pin);
}

static void mv_ioapic_write_reg(struct mv_ioapic *io, u8 reg, u32 val)
{
	if (reg == MV_IOAPIC_REG_ID) {
		io->id = val & MV_IOAPIC_ID_MASK;
		return;
	}
	if (reg < MV_IOAPIC_REG_REDIR ||
	    reg >= MV_IOAPIC_REG_REDIR + 2 * MV_IOAPIC_PINS)
		return;			/* read-only or undefined */
	mv_ioapic_write_rte(io, (reg - MV_IOAPIC_REG_REDIR) / 2, reg & 1, val);
}

u32 mv_ioapic_mmio_read(struct mv_ioapic *io, u32 offset, unsigned int size)
{
	if (offset == MV_IOAPIC_IOREGSEL && (size == 1 || size == 4))
		return io->regsel;
	if (offset == MV_IOAPIC_IOWIN && size == 4)
		return mv_ioapic_read_reg(io, io->regsel);
	return 0;
}

void mv_ioapic_mmio_write(struct mv_ioapic *io, u32 offset, unsigned int size,
			  u32 val)
{
	if (offset == MV_IOAPIC_IOREGSEL && (size == 1 || size == 4))
		io->regsel = (u8)val;
	else if (offset == MV_IOAPIC_IOWIN && size == 4)
		mv_ioapic_write_reg(io, io->regsel, val);
	else if (offset == MV_IOAPIC_EOI && size == 4)
		mv_ioapic_eoi(io, (u8)val);
}

/* ---- saving and loading ------------------------------------------------ */

static_assert(MINIVMM_IOAPIC_PINS == MV_IOAPIC_PINS);

void mv_ioapic_get_state(const struct mv_ioapic *io,
			 struct minivmm_ioapic_state *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->version = MINIVMM_IOAPIC_STATE_VERSION;
	s->id = io->id;
	s->irr = io->irr;
	s->lines = io->lines;
	s->regsel = io->regsel;
	memcpy(s->rte, io->rte, sizeof(s->rte));
}

int mv_ioapic_check_state(const struct minivmm_ioapic_state *s)
{
	u32 pins = BIT(MV_IOAPIC_PINS) - 1;
	unsigned int i;

	if (s->size != sizeof(*s) || s->version != MINIVMM_IOAPIC_STATE_VERSION)
		return -EINVAL;
	if ((s->id & ~MV_IOAPIC_ID_MASK) || (s->irr & ~pins) ||
	    (s->lines & ~pins) || memchr_inv(s->padding, 0, sizeof(s->padding)) ||
	    memchr_inv(s->reserved, 0, sizeof(s->reserved)))
		return -EINVAL;
	for (i = 0; i < MV_IOAPIC_PINS; i++) {
		u64 e = s->rte[i];

		if (e & ~(MV_IOAPIC_RTE_WRITABLE | MV_IOAPIC_RTE_RIRR))
			return -EINVAL;
		if ((e & MV_IOAPIC_RTE_RIRR) && !(e & MV_IOAPIC_RTE_LEVEL))
			return -EINVAL;
	}
	return 0;
}

/* @s passed mv_ioapic_check_state(); the deliver callback stays. */
void mv_ioapic_set_state(struct mv_ioapic *io,
			 const struct minivmm_ioapic_state *s)
{
	io->id = s->id;
	io->irr = s->irr;
	io->lines = s->lines;
	io->regsel = s->regsel;
	memcpy(io->rte, s->rte, sizeof(io->rte));
}
