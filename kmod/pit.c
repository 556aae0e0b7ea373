// SPDX-License-Identifier: GPL-2.0
/*
 * 8254 PIT: three 16-bit down counters at 1.193182 MHz behind ports
 * 0x40-0x42, the control word at 0x43, and channel 2's gate and output in
 * port 0x61 (what Linux uses to calibrate the TSC).  Counts are computed
 * from the time of loading, so nothing ticks while the guest does not
 * look; channel 0's IRQ 0 is run by the core on an hrtimer.
 *
 * Modes 0 (terminal count) and 2/3 (rate generator, square wave) are
 * modelled; 1, 4 and 5 count like mode 0.  Simplifications: BCD counting
 * is ignored, the read-back command is accepted and ignored, channel 2
 * does not count while its gate is low and restarts from its reload value
 * when the gate rises.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include "pit.h"

#define PIT_CTRL_RW_SHIFT	4
#define PIT_CTRL_MODE_SHIFT	1

/* Clock ticks since the channel was loaded (or 0 if not counting). */
static u64 mv_pit_ticks(const struct mv_pit *pit, unsigned int i, u64 now)
{
	const struct mv_pit_channel *c = &pit->ch[i];

	if (!c->loaded || now < c->load_ns || (i == 2 && !pit->gate2))
		return 0;
	return mul_u64_u32_div(now - c->load_ns, MV_PIT_HZ, NSEC_PER_SEC);
}

static bool mv_pit_periodic(u8 mode)
{
	return mode == 2 || mode == 3;
}

static u16 mv_pit_count(const struct mv_pit *pit, unsigned int i, u64 now)
{
	const struct mv_pit_channel *c = &pit->ch[i];
	u64 ticks = mv_pit_ticks(pit, i, now);

	if (!c->loaded)
		return 0;
	if (mv_pit_periodic(c->mode))
		return (u16)(c->reload - ticks % c->reload);
	/* One-shot modes wrap around after the terminal count. */
	return (u16)(c->reload - ticks);
}

/* Channel 2's OUT, as port 0x61 bit 5 shows it. */
static bool mv_pit_out2(const struct mv_pit *pit, u64 now)
{
	const struct mv_pit_channel *c = &pit->ch[2];
	u64 ticks = mv_pit_ticks(pit, 2, now);

	if (!c->loaded)
		return c->mode != 0;
	if (c->mode == 3)
		return ticks % c->reload < (c->reload + 1) / 2;
	if (c->mode == 2)
		return true;
	return ticks >= c->reload;
}

static void mv_pit_control(struct mv_pit *pit, u8 v, u64 now)
{
	unsigned int i = v >> 6;
	u8 rw = (v >> PIT_CTRL_RW_SHIFT) & 3;
	struct mv_pit_channel *c;

	if (i == 3)
		return;		/* read-back: not modelled */
	c = &pit->ch[i];
	if (!rw) {		/* counter latch command */
		if (!c->latched) {
			c->latch = mv_pit_count(pit, i, now);
			c->latched = true;
		}
		return;
	}
	c->rw = rw;
	c->mode = (v >> PIT_CTRL_MODE_SHIFT) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* 6 and 7 are 2 and 3 */
	c->loaded = false;
	c->latched = false;
	c->write_msb = rw == 2;
	c->read_msb = rw == 2;
	if (i == 0)
		pit->irq0_changed = true;
}

static void mv_pit_load(struct mv_pit *pit, unsigned int i, u16 count,
			u64 now)
{
	struct mv_pit_channel *c = &pit->ch[i];

	c->reload = count ? count : 65536;
	c->load_ns = now;
	c->loaded = true;
	if (i == 0)
		pit->irq0_changed = pit->irq0_restart = true;
}

static void mv_pit_write_count(struct mv_pit *pit, unsigned int i, u8 v,
			       u64 now)
{
	struct mv_pit_channel *c = &pit->ch[i];

	switch (c->rw) {
	case 1:
		mv_pit_load(pit, i, v, now);
		break;
	case 2:
		mv_pit_load(pit, i, v << 8, now);
		break;
	case 3:
		if (!c->write_msb) {
			c->pending_lsb = v;
			c->write_msb = true;
		} else {
			mv_pit_load(pit, i, c->pending_lsb | (v << 8), now);
			c->write_msb = false;
		}
		break;
	default:		/* never programmed: ignored */
		break;
	}
}

static u8 mv_pit_read_count(struct mv_pit *pit, unsigned int i, u64 now)
{
	struct mv_pit_channel *c = &pit->ch[i];
	u16 count = c->latched ? c->latch : mv_pit_count(pit, i, now);
	bool msb = c->rw == 2 || (c->rw == 3 && c->read_msb);
	bool done = c->rw != 3 || c->read_msb;

	if (c->rw == 3)
		c->read_msb = !c->read_msb;
	if (done)
		c->latched = false;
	return msb ? count >> 8 : count & 0xff;
}

static u8 mv_pit_port61_read(struct mv_pit *pit, u64 now)
{
	pit->refresh = !pit->refresh;
	return (pit->gate2 ? BIT(0) : 0) | (pit->speaker ? BIT(1) : 0) |
	       (pit->refresh ? BIT(4) : 0) |
	       (mv_pit_out2(pit, now) ? BIT(5) : 0);
}

static void mv_pit_port61_write(struct mv_pit *pit, u8 v, u64 now)
{
	bool gate = v & BIT(0);

	if (gate && !pit->gate2 && pit->ch[2].loaded)
		pit->ch[2].load_ns = now;	/* rising gate restarts */
	pit->gate2 = gate;
	pit->speaker = v & BIT(1);
}

bool mv_pit_io(struct mv_pit *pit, u16 port, bool in, u8 *val, u64 now_ns)
{
	if (port == 0x61) {
		if (in)
			*val = mv_pit_port61_read(pit, now_ns);
		else
			mv_pit_port61_write(pit, *val, now_ns);
		return true;
	}
	if (port < 0x40 || port > 0x43)
		return false;
	if (port == 0x43) {
		if (in)
			*val = 0xff;	/* the control word is write-only */
		else
			mv_pit_control(pit, *val, now_ns);
		return true;
	}
	if (in)
		*val = mv_pit_read_count(pit, port - 0x40, now_ns);
	else
		mv_pit_write_count(pit, port - 0x40, *val, now_ns);
	return true;
}

u64 mv_pit_irq0_period_ns(const struct mv_pit *pit, bool *periodic)
{
	const struct mv_pit_channel *c = &pit->ch[0];
	u64 ns;

	*periodic = mv_pit_periodic(c->mode);
	if (!c->loaded)
		return 0;
	ns = div_u64((u64)c->reload * NSEC_PER_SEC, MV_PIT_HZ);
	if (*periodic && ns < MV_PIT_MIN_PERIOD_NS)
		ns = MV_PIT_MIN_PERIOD_NS;
	return ns ? ns : 1;
}
