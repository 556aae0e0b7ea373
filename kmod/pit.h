/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8254 programmable interval timer (kmod/pit.c): a pure model driven
 * by port I/O with the time passed in, so KUnit tests it directly.  The
 * owner runs channel 0's IRQ 0 on a host timer (mv_pit_irq0_period_ns).
 */
#ifndef MINIVMM_PIT_H
#define MINIVMM_PIT_H

#include <linux/types.h>

#define MV_PIT_HZ		1193182
#define MV_PIT_MIN_PERIOD_NS	100000	/* periodic IRQ 0 floor: 10 kHz */

struct mv_pit_channel {
	u8 mode;		/* 0-5 */
	u8 rw;			/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool write_msb;		/* next count write is the MSB */
	bool read_msb;		/* next count read is the MSB */
	bool loaded;		/* a count was written: counting */
	bool latched;
	u16 latch;
	u16 pending_lsb;
	u32 reload;		/* 1-65536 */
	u64 load_ns;		/* counting started */
};

struct mv_pit {
	struct mv_pit_channel ch[3];
	bool gate2;		/* port 0x61 bit 0 */
	bool speaker;		/* port 0x61 bit 1 */
	bool refresh;		/* port 0x61 bit 4, toggles on each read */
	bool irq0_changed;	/* channel 0 reprogrammed: re-arm */
	bool irq0_restart;	/* a count was loaded: count from its load */
};

/* Ports 0x40-0x43 and 0x61 (byte accesses); false if not a PIT port. */
bool mv_pit_io(struct mv_pit *pit, u16 port, bool in, u8 *val, u64 now_ns);
/*
 * Channel 0's interrupt: nanoseconds from its load to the first IRQ 0 (0:
 * none), and whether it repeats with that period.
 */
u64 mv_pit_irq0_period_ns(const struct mv_pit *pit, bool *periodic);

#endif /* MINIVMM_PIT_H */
