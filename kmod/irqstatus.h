/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interrupt status register with write-1-to-clear acknowledgement, such
 * as virtio-mmio's InterruptStatus and InterruptACK, whose interrupt goes
 * out as edges on an ISA line.  The driver's handler reads the register,
 * acknowledges what it read and then handles all of it, so one edge covers
 * every bit set before that read.  An edge is due when bits appear in a
 * clear register, and after an acknowledgement that leaves bits set: a bit
 * set after the driver's read survives its acknowledgement of that same
 * bit, which it had not seen.
 */
#ifndef MINIVMM_IRQSTATUS_H
#define MINIVMM_IRQSTATUS_H

#include <linux/types.h>

struct mv_irq_status {
	u32 bits;	/* the register */
	u32 unread;	/* set since the driver last read it */
};

/* The device sets @bits: true when an edge is due. */
static inline bool mv_irq_status_raise(struct mv_irq_status *s, u32 bits)
{
	bool was_clear = !s->bits;

	s->bits |= bits;
	s->unread |= bits;
	return was_clear && bits;
}

/* The driver reads the register. */
static inline u32 mv_irq_status_read(struct mv_irq_status *s)
{
	s->unread = 0;
	return s->bits;
}

/* The driver acknowledges @bits: true when an edge is due. */
static inline bool mv_irq_status_ack(struct mv_irq_status *s, u32 bits)
{
	s->bits &= ~(bits & ~s->unread);
	return s->bits != 0;
}

#endif
