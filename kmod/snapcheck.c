// SPDX-License-Identifier: GPL-2.0
/*
 * Device-model state for snapshots: see kmod/snapcheck.h.  Every check
 * mirrors what the model itself can produce, so a state that passes is
 * one the guest could have driven the device into; anything else (a
 * corrupted or hand-made file) is refused before it reaches a model.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/apicdef.h>
#include "snapcheck.h"

/* As kmod/lapic.c: the bits a guest can set in each register. */
#define SNAP_SVR_WRITABLE	0x3ffu
#define SNAP_ICR_LO_WRITABLE	0x000ccfffu
#define SNAP_TDCR_WRITABLE	0xbu
#define SNAP_APIC_BASE_BITS	(MV_APIC_BASE_BSP | MV_APIC_BASE_EXTD | \
				 MV_APIC_BASE_EN)
static const u32 snap_lvt_writable[MV_LAPIC_LVT_COUNT] = {
	0x000700ff, 0x000107ff, 0x000107ff, 0x0001a7ff, 0x0001a7ff, 0x000100ff,
};

/* Elapsed times beyond ~146 years are not from a running guest. */
#define SNAP_ELAPSED_MAX	BIT_ULL(62)

static bool snap_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static bool snap_bool(u8 v)
{
	return v <= 1;
}

static int snap_check_pic(const struct minivmm_pic_state *pic)
{
	if (pic->init_step != 0 && (pic->init_step < 2 || pic->init_step > 4))
		return -EINVAL;
	if (!snap_bool(pic->read_isr) || !snap_zero(pic->padding,
						    sizeof(pic->padding)))
		return -EINVAL;
	return 0;
}

static int snap_check_pit(const struct minivmm_pit_channel_state *c)
{
	if (c->mode > 5 || c->rw > 3 || c->pending_lsb > 0xff || c->padding0)
		return -EINVAL;
	if (!snap_bool(c->write_msb) || !snap_bool(c->read_msb) ||
	    !snap_bool(c->loaded) || !snap_bool(c->latched))
		return -EINVAL;
	if (c->reload > 65536 || (c->loaded && !c->reload) ||
	    (c->loaded && !c->rw))
		return -EINVAL;
	if (c->elapsed_ns >= SNAP_ELAPSED_MAX)
		return -EINVAL;
	return 0;
}

int mv_snap_check_dev(const struct minivmm_devstate *s, u64 ram_size,
		      u32 nr_cpus)
{
	unsigned int i;

	if (s->size != sizeof(*s) || s->version != MINIVMM_DEVSTATE_VERSION)
		return -EINVAL;
	if (s->padding0 || s->padding1 || s->padding2 || s->padding3 ||
	    !snap_zero(s->reserved, sizeof(s->reserved)))
		return -EINVAL;
	if (s->uart_ier & ~0x0f || s->uart_mcr & ~0x1f ||
	    !snap_bool(s->uart_thre_pending))
		return -EINVAL;
	if (s->console_read_max > s->console_total ||
	    s->console_dropped > s->console_total ||
	    s->console_total >= SNAP_ELAPSED_MAX ||
	    s->console_in_len > MINIVMM_CONSOLE_INPUT)
		return -EINVAL;
	if (s->ram_size != ram_size || s->nr_cpus != nr_cpus ||
	    s->shutdown_pos > 7)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(s->pic); i++)
		if (snap_check_pic(&s->pic[i]))
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(s->pit); i++)
		if (snap_check_pit(&s->pit[i]))
			return -EINVAL;
	if (!snap_bool(s->pit_gate2) || !snap_bool(s->pit_speaker) ||
	    !snap_bool(s->pit_refresh) ||
	    s->pit_irq0_pending > MINIVMM_TIMER_PENDING_MAX)
		return -EINVAL;
	return 0;
}

int mv_snap_check_lapic(const struct minivmm_lapic_state *s, u32 vcpu)
{
	u64 base = s->base_msr;
	unsigned int i;

	if (s->vcpu != vcpu || s->version != MINIVMM_LAPIC_STATE_VERSION ||
	    s->id != vcpu || s->padding0 ||
	    !snap_zero(s->reserved, sizeof(s->reserved)))
		return -EINVAL;
	/* Not relocated; x2APIC only when enabled; BSP is vCPU 0. */
	if ((base & ~SNAP_APIC_BASE_BITS) != MINIVMM_APIC_BASE ||
	    ((base & MV_APIC_BASE_EXTD) && !(base & MV_APIC_BASE_EN)) ||
	    !!(base & MV_APIC_BASE_BSP) != (vcpu == 0))
		return -EINVAL;
	if (s->tpr > 0xff || s->svr & ~SNAP_SVR_WRITABLE || s->esr ||
	    s->icr_lo & ~SNAP_ICR_LO_WRITABLE ||
	    s->timer_divide & ~SNAP_TDCR_WRITABLE ||
	    (s->dfr | 0xf0000000u) != 0xffffffffu || s->ldr & 0x00ffffffu)
		return -EINVAL;
	for (i = 0; i < MV_LAPIC_LVT_COUNT; i++)
		if (s->lvt[i] & ~snap_lvt_writable[i])
			return -EINVAL;
	/* Timer modes 0 (one-shot) and 1 (periodic); 2 is hidden, 3 reserved. */
	if ((s->lvt[0] >> 17 & 3) > 1)
		return -EINVAL;
	if (s->timer_elapsed_ns >= SNAP_ELAPSED_MAX ||
	    s->timer_pending > MINIVMM_TIMER_PENDING_MAX)
		return -EINVAL;
	/* Edge triggered only: TMR stays zero (kmod/lapic.c). */
	if (!snap_zero(s->tmr, sizeof(s->tmr)))
		return -EINVAL;
	return 0;
}

/* ---- conversion --------------------------------------------------------- */

static u64 snap_elapsed(u64 start_ns, u64 now_ns)
{
	return now_ns > start_ns ? now_ns - start_ns : 0;
}

static u64 snap_start(u64 elapsed_ns, u64 now_ns)
{
	return now_ns > elapsed_ns ? now_ns - elapsed_ns : 0;
}

void mv_snap_platform_get(const struct mv_platform *p,
			  struct minivmm_devstate *s)
{
	unsigned int i;

	s->ram_size = p->ram_size;
	s->nr_cpus = p->nr_cpus;
	s->fw_cfg_key = p->fw_cfg_key;
	s->fw_cfg_offset = p->fw_cfg_offset;
	s->pci_addr = p->pci_addr;
	s->shutdown_pos = p->shutdown_pos;
	for (i = 0; i < 2; i++) {
		const struct mv_pic *pic = &p->pic[i];
		struct minivmm_pic_state *d = &s->pic[i];

		d->icw1 = pic->icw1;
		d->vector_base = pic->vector_base;
		d->cascade = pic->cascade;
		d->icw4 = pic->icw4;
		d->init_step = pic->init_step;
		d->imr = pic->imr;
		d->read_isr = pic->read_isr;
		d->irr = pic->irr;
		d->isr = pic->isr;
		d->lines = pic->lines;
		d->elcr = p->elcr[i];
	}
}

void mv_snap_platform_put(struct mv_platform *p,
			  const struct minivmm_devstate *s)
{
	unsigned int i;

	p->fw_cfg_key = s->fw_cfg_key;
	p->fw_cfg_offset = s->fw_cfg_offset;
	p->pci_addr = s->pci_addr;
	p->shutdown_pos = s->shutdown_pos;
	for (i = 0; i < 2; i++) {
		const struct minivmm_pic_state *d = &s->pic[i];
		struct mv_pic *pic = &p->pic[i];

		pic->icw1 = d->icw1;
		pic->vector_base = d->vector_base;
		pic->cascade = d->cascade;
		pic->icw4 = d->icw4;
		pic->init_step = d->init_step;
		pic->imr = d->imr;
		pic->read_isr = d->read_isr;
		pic->irr = d->irr;
		pic->isr = d->isr;
		pic->lines = d->lines;
		p->elcr[i] = d->elcr;
	}
}

void mv_snap_pit_get(const struct mv_pit *pit, struct minivmm_devstate *s,
		     u64 now_ns)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		const struct mv_pit_channel *c = &pit->ch[i];
		struct minivmm_pit_channel_state *d = &s->pit[i];

		d->mode = c->mode;
		d->rw = c->rw;
		d->write_msb = c->write_msb;
		d->read_msb = c->read_msb;
		d->loaded = c->loaded;
		d->latched = c->latched;
		d->latch = c->latch;
		d->pending_lsb = c->pending_lsb;
		d->reload = c->reload;
		d->elapsed_ns = c->loaded ? snap_elapsed(c->load_ns, now_ns) : 0;
	}
	s->pit_gate2 = pit->gate2;
	s->pit_speaker = pit->speaker;
	s->pit_refresh = pit->refresh;
}

void mv_snap_pit_put(struct mv_pit *pit, const struct minivmm_devstate *s,
		     u64 now_ns)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		const struct minivmm_pit_channel_state *d = &s->pit[i];
		struct mv_pit_channel *c = &pit->ch[i];

		c->mode = d->mode;
		c->rw = d->rw;
		c->write_msb = d->write_msb;
		c->read_msb = d->read_msb;
		c->loaded = d->loaded;
		c->latched = d->latched;
		c->latch = d->latch;
		c->pending_lsb = d->pending_lsb;
		c->reload = d->reload;
		c->load_ns = snap_start(d->elapsed_ns, now_ns);
	}
	pit->gate2 = s->pit_gate2;
	pit->speaker = s->pit_speaker;
	pit->refresh = s->pit_refresh;
	/* Re-arm channel 0 keeping its phase; expiries are in _pending. */
	pit->irq0_changed = true;
	pit->irq0_restart = false;
}

void mv_snap_lapic_get(const struct mv_lapic *apic,
		       struct minivmm_lapic_state *s, u64 now_ns)
{
	s->base_msr = apic->base_msr;
	s->id = apic->id;
	s->tpr = apic->tpr;
	s->dfr = apic->dfr;
	s->ldr = apic->ldr;
	s->svr = apic->svr;
	s->esr = apic->esr;
	s->icr_lo = apic->icr_lo;
	s->icr_hi = apic->icr_hi;
	memcpy(s->lvt, apic->lvt, sizeof(s->lvt));
	s->timer_initial = apic->timer_initial;
	s->timer_divide = apic->timer_divide;
	s->timer_elapsed_ns = apic->timer_initial ?
			      snap_elapsed(apic->timer_start_ns, now_ns) : 0;
	memcpy(s->isr, apic->isr, sizeof(s->isr));
	memcpy(s->irr, apic->irr, sizeof(s->irr));
	memcpy(s->tmr, apic->tmr, sizeof(s->tmr));
	s->ipis = apic->ipis;
}

void mv_snap_lapic_put(struct mv_lapic *apic,
		       const struct minivmm_lapic_state *s, u64 now_ns)
{
	apic->base_msr = s->base_msr;
	apic->id = s->id;
	apic->tpr = s->tpr;
	apic->dfr = s->dfr;
	apic->ldr = s->ldr;
	apic->svr = s->svr;
	apic->esr = s->esr;
	apic->icr_lo = s->icr_lo;
	apic->icr_hi = s->icr_hi;
	memcpy(apic->lvt, s->lvt, sizeof(apic->lvt));
	apic->timer_initial = s->timer_initial;
	apic->timer_divide = s->timer_divide;
	apic->timer_start_ns = snap_start(s->timer_elapsed_ns, now_ns);
	memcpy(apic->isr, s->isr, sizeof(apic->isr));
	memcpy(apic->irr, s->irr, sizeof(apic->irr));
	memcpy(apic->tmr, s->tmr, sizeof(apic->tmr));
	apic->ipis = s->ipis;
	apic->timer_changed = true;
	apic->timer_restart = false;
}
