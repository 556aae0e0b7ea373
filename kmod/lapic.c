// SPDX-License-Identifier: GPL-2.0
/*
 * Local APIC register model, enough for one vCPU to enable its APIC in
 * xAPIC or x2APIC mode, read its ID and version, program the spurious
 * vector, the LVT entries and the timer registers, and send IPIs (INIT,
 * SIPI, fixed, NMI, lowest priority) to any APIC of the VM.
 *
 * Interrupts: the timer (one-shot and periodic, counting at a 1 GHz bus
 * clock; the owner runs a host timer from mv_lapic_timer_period_ns()) and
 * fixed IPIs to this APIC itself set IRR; the owner injects what
 * mv_lapic_pending_vector() says and acknowledges it with
 * mv_lapic_accept(); EOI retires the highest vector in service.  IPIs
 * and the timer are edge triggered; a level-triggered interrupt from the
 * I/O APIC sets TMR, and its EOI is latched for the owner (eoi_level),
 * which broadcasts it to the I/O APIC.
 *
 * Fixed IPIs to this APIC itself land in IRR here; every other IPI is
 * latched (ipi_pending) for kmod/smp.c, which finds the destinations with
 * mv_lapic_ipi_accepts() and delivers to the other vCPUs.
 *
 * Not modelled: TSC-deadline mode (hidden in CPUID), relocating
 * the APIC base, CMCI, error reporting (ESR stays zero).
 *
 * Pure: nothing here calls into the rest of the module.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include "uapi/minivmm.h"
#include "lapic.h"

#define MV_LAPIC_VERSION	(0x14 | ((MV_LAPIC_LVT_COUNT - 1) << 16))
#define MV_APIC_BUS_NS		(NSEC_PER_SEC / MV_LAPIC_BUS_HZ)

#define LVT_TIMER_MODE_MASK	(3u << 17)
#define LVT_TIMER_PERIODIC	(1u << 17)
#define LVT_TIMER_TSC_DEADLINE	(2u << 17)

#define SVR_WRITABLE		0x3ffu	/* vector, enable, focus check */
#define ICR_LO_WRITABLE		0x000ccfffu	/* delivery status reads 0 */
#define TDCR_WRITABLE		0xbu

/* Writable bits of each LVT entry, in register order from APIC_LVTT. */
static const u32 mv_lvt_writable[MV_LAPIC_LVT_COUNT] = {
	0x000700ff,	/* timer: vector, mask, mode */
	0x000107ff,	/* thermal: vector, delivery mode, mask */
	0x000107ff,	/* performance counters */
	0x0001a7ff,	/* LINT0: + polarity, trigger */
	0x0001a7ff,	/* LINT1 */
	0x000100ff,	/* error: vector, mask */
};

static bool mv_lapic_x2apic(const struct mv_lapic *apic)
{
	return apic->base_msr & MV_APIC_BASE_EXTD;
}

bool mv_lapic_mmio_enabled(const struct mv_lapic *apic)
{
	return (apic->base_msr & MV_APIC_BASE_EN) && !mv_lapic_x2apic(apic);
}

static void mv_lapic_reset_regs(struct mv_lapic *apic)
{
	u64 base = apic->base_msr;
	u32 id = apic->id;
	unsigned int i;

	memset(apic, 0, sizeof(*apic));
	apic->base_msr = base;
	apic->id = id;
	apic->timer_changed = true;	/* a counting timer stops */
	apic->dfr = 0xffffffff;
	apic->svr = 0xff;
	for (i = 0; i < MV_LAPIC_LVT_COUNT; i++)
		apic->lvt[i] = APIC_LVT_MASKED;
}

void mv_lapic_reset(struct mv_lapic *apic, u32 id, bool bsp)
{
	apic->id = id;
	apic->base_msr = MINIVMM_APIC_BASE | MV_APIC_BASE_EN |
			 (bsp ? MV_APIC_BASE_BSP : 0);
	mv_lapic_reset_regs(apic);
	/*
	 * Firmware leaves the BSP in virtual-wire mode (LINT0 ExtINT), as
	 * QEMU and KVM do at reset: a kernel that only programs the 8259
	 * gets its interrupts.
	 */
	if (bsp)
		apic->lvt[3] = APIC_DM_EXTINT;
}

/* Highest vector set in a 256-bit register, or 0. */
static unsigned int mv_lapic_highest(const u32 *vec)
{
	int i;

	for (i = MV_LAPIC_VEC_WORDS - 1; i >= 0; i--)
		if (vec[i])
			return i * 32 + __fls(vec[i]);
	return 0;
}

static u32 mv_lapic_ppr(const struct mv_lapic *apic)
{
	u32 isrv = mv_lapic_highest(apic->isr);

	if ((apic->tpr & 0xf0) >= (isrv & 0xf0))
		return apic->tpr;
	return isrv & 0xf0;
}

static void mv_lapic_eoi(struct mv_lapic *apic)
{
	unsigned int v = mv_lapic_highest(apic->isr);

	if (!v)
		return;			/* nothing in service */
	apic->isr[v / 32] &= ~BIT(v % 32);
	/*
	 * The TMR keeps its bit: it says how the vector was last accepted
	 * until it is accepted again (SDM 11.8.4), and guests read it.
	 */
	if (apic->tmr[v / 32] & BIT(v % 32)) {
		apic->eoi_level = true;
		apic->eoi_level_vector = v;
	}
}

/* Divide configuration register -> divisor (bits 0, 1 and 3). */
static u32 mv_lapic_divisor(u32 tdcr)
{
	u32 v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return v == 7 ? 1 : 2u << v;
}

static u32 mv_lapic_current_count(const struct mv_lapic *apic, u64 now_ns)
{
	u32 mode = apic->lvt[0] & LVT_TIMER_MODE_MASK;
	u64 ticks;

	if (!apic->timer_initial || mode == LVT_TIMER_TSC_DEADLINE ||
	    now_ns < apic->timer_start_ns)
		return 0;
	ticks = (now_ns - apic->timer_start_ns) /
		(MV_APIC_BUS_NS * (u64)mv_lapic_divisor(apic->timer_divide));
	if (mode == LVT_TIMER_PERIODIC)
		return apic->timer_initial - ticks % apic->timer_initial;
	return ticks >= apic->timer_initial ? 0 : apic->timer_initial - ticks;
}

/*
 * Read register @reg (16-byte aligned offset).  -EINVAL when it does not
 * exist or is write-only in the current mode.
 */
static int mv_lapic_read_reg(struct mv_lapic *apic, u32 reg, u64 now_ns,
			     u32 *val)
{
	bool x2 = mv_lapic_x2apic(apic);

	switch (reg) {
	case APIC_ID:
		*val = x2 ? apic->id : apic->id << 24;
		return 0;
	case APIC_LVR:
		*val = MV_LAPIC_VERSION;
		return 0;
	case APIC_TASKPRI:
		*val = apic->tpr;
		return 0;
	case APIC_PROCPRI:
		*val = mv_lapic_ppr(apic);
		return 0;
	case APIC_LDR:
		*val = apic->ldr;
		return 0;
	case APIC_SPIV:
		*val = apic->svr;
		return 0;
	case APIC_ISR ... APIC_ISR + 0x70:
		*val = apic->isr[(reg - APIC_ISR) >> 4];
		return 0;
	case APIC_TMR ... APIC_TMR + 0x70:
		*val = apic->tmr[(reg - APIC_TMR) >> 4];
		return 0;
	case APIC_IRR ... APIC_IRR + 0x70:
		*val = apic->irr[(reg - APIC_IRR) >> 4];
		return 0;
	case APIC_ESR:
		*val = apic->esr;
		return 0;
	case APIC_ICR:
		*val = apic->icr_lo;
		return 0;
	case APIC_LVTT ... APIC_LVTERR:
		*val = apic->lvt[(reg - APIC_LVTT) >> 4];
		return 0;
	case APIC_TMICT:
		*val = apic->timer_initial;
		return 0;
	case APIC_TMCCT:
		*val = mv_lapic_current_count(apic, now_ns);
		return 0;
	case APIC_TDCR:
		*val = apic->timer_divide;
		return 0;
	}
	if (x2)
		return -EINVAL;
	/* xAPIC-only registers */
	switch (reg) {
	case APIC_ARBPRI:
	case APIC_RRR:
		*val = 0;
		return 0;
	case APIC_DFR:
		*val = apic->dfr;
		return 0;
	case APIC_ICR2:
		*val = apic->icr_hi;
		return 0;
	}
	return -EINVAL;
}

static void mv_lapic_write_svr(struct mv_lapic *apic, u32 val)
{
	unsigned int i;

	apic->svr = val & SVR_WRITABLE;
	/* Software-disabling masks every LVT entry. */
	if (!(apic->svr & APIC_SPIV_APIC_ENABLED))
		for (i = 0; i < MV_LAPIC_LVT_COUNT; i++)
			apic->lvt[i] |= APIC_LVT_MASKED;
}

static void mv_lapic_write_lvt(struct mv_lapic *apic, unsigned int i, u32 val)
{
	apic->lvt[i] = val & mv_lvt_writable[i];
	if (!(apic->svr & APIC_SPIV_APIC_ENABLED))
		apic->lvt[i] |= APIC_LVT_MASKED;
}

/* Accept an edge-triggered @vector: its TMR bit clears. */
void mv_lapic_set_irr(struct mv_lapic *apic, u8 vector)
{
	if (vector < 16)	/* 0-15 are illegal vectors: dropped */
		return;
	apic->irr[vector / 32] |= BIT(vector % 32);
	apic->tmr[vector / 32] &= ~BIT(vector % 32);
}

void mv_lapic_set_irr_trig(struct mv_lapic *apic, u8 vector, bool level)
{
	if (vector < 16)
		return;
	mv_lapic_set_irr(apic, vector);
	if (level)
		apic->tmr[vector / 32] |= BIT(vector % 32);
}

bool mv_lapic_x2apic_mode(const struct mv_lapic *apic)
{
	return mv_lapic_x2apic(apic);
}

/* The destination field without the shorthands. */
static bool mv_lapic_dest_matches(u32 dest, bool logical, bool x2, u32 id,
				  u32 ldr, u32 dfr)
{
	u32 mda, lid;

	if (!logical)
		return dest == id || dest == (x2 ? U32_MAX : 0xff);
	if (x2)		/* cluster in 31:16, member bits in 15:0 */
		return dest == U32_MAX ||
		       ((dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff));
	mda = dest & 0xff;
	lid = ldr >> 24;
	if (mda == 0xff)
		return true;		/* logical broadcast */
	if ((dfr >> 28) == 0xf)		/* flat: one bit per APIC */
		return (mda & lid) != 0;
	/* cluster: cluster number in 7:4, member bits in 3:0 */
	return (mda >> 4) == (lid >> 4) && (mda & lid & 0xf);
}

bool mv_lapic_ipi_accepts(u32 lo, u32 hi, bool x2, bool is_self, u32 id,
			  u32 ldr, u32 dfr, bool enabled)
{
	if (!enabled)
		return false;
	switch (lo & MV_ICR_SH_MASK) {
	case MV_ICR_SH_SELF:
		return is_self;
	case MV_ICR_SH_ALL:
		return true;
	case MV_ICR_SH_OTHERS:
		return !is_self;
	}
	return mv_lapic_dest_matches(x2 ? hi : hi >> 24, lo & MV_ICR_LOGICAL,
				     x2, id, ldr, dfr);
}

/*
 * An IPI.  A fixed IPI that includes this APIC arrives here (in IRR);
 * everything that may reach another APIC, or is not a fixed interrupt, is
 * latched for the owner (kmod/smp.c).
 */
static void mv_lapic_send_ipi(struct mv_lapic *apic)
{
	u32 lo = apic->icr_lo, hi = apic->icr_hi;

	apic->ipis++;
	if ((lo & MV_ICR_DM_MASK) == MV_ICR_DM_FIXED &&
	    mv_lapic_ipi_accepts(lo, hi, mv_lapic_x2apic(apic), true, apic->id,
				 apic->ldr, apic->dfr, true))
		mv_lapic_set_irr(apic, lo & 0xff);
	if ((lo & MV_ICR_DM_MASK) == MV_ICR_DM_FIXED &&
	    (lo & MV_ICR_SH_MASK) == MV_ICR_SH_SELF)
		return;
	apic->ipi_pending = true;
	apic->ipi_lo = lo;
	apic->ipi_hi = hi;
}

void mv_lapic_init_ipi(struct mv_lapic *apic)
{
	mv_lapic_reset_regs(apic);
}

/* Registers whose writes are common to both modes; -ENOENT for the rest. */
static int mv_lapic_write_common(struct mv_lapic *apic, u32 reg, u32 val,
				 u64 now_ns)
{
	switch (reg) {
	case APIC_TASKPRI:
		apic->tpr = val & 0xff;
		return 0;
	case APIC_SPIV:
		mv_lapic_write_svr(apic, val);
		return 0;
	case APIC_LVTT ... APIC_LVTERR:
		mv_lapic_write_lvt(apic, (reg - APIC_LVTT) >> 4, val);
		apic->timer_changed |= reg == APIC_LVTT;
		return 0;
	case APIC_TMICT:
		apic->timer_initial = val;
		apic->timer_start_ns = now_ns;
		apic->timer_changed = true;
		apic->timer_restart = true;
		return 0;
	case APIC_TDCR:
		apic->timer_divide = val & TDCR_WRITABLE;
		apic->timer_changed = true;
		return 0;
	}
	return -ENOENT;
}

static void mv_lapic_write_xapic(struct mv_lapic *apic, u32 reg, u32 val,
				 u64 now_ns)
{
	if (mv_lapic_write_common(apic, reg, val, now_ns) != -ENOENT)
		return;
	switch (reg) {
	case APIC_EOI:
		mv_lapic_eoi(apic);
		break;
	case APIC_LDR:
		apic->ldr = val & 0xff000000;
		break;
	case APIC_DFR:
		apic->dfr = val | 0x0fffffff;
		break;
	case APIC_ESR:
		apic->esr = 0;		/* we never latch an error */
		break;
	case APIC_ICR2:
		apic->icr_hi = val & 0xff000000;
		break;
	case APIC_ICR:
		apic->icr_lo = val & ICR_LO_WRITABLE;
		mv_lapic_send_ipi(apic);
		break;
	default:		/* read-only or undefined: dropped */
		break;
	}
}

static int mv_lapic_write_x2apic(struct mv_lapic *apic, u32 reg, u64 val,
				 u64 now_ns)
{
	if (reg == APIC_ICR) {
		apic->icr_hi = val >> 32;
		apic->icr_lo = (u32)val & ICR_LO_WRITABLE;
		mv_lapic_send_ipi(apic);
		return 0;
	}
	if (val >> 32)
		return -EINVAL;		/* reserved bits */
	switch (reg) {
	case APIC_EOI:
	case APIC_ESR:
		if (val)
			return -EINVAL;
		if (reg == APIC_EOI)
			mv_lapic_eoi(apic);
		else
			apic->esr = 0;
		return 0;
	case APIC_SELF_IPI:
		if (val & ~0xffull)
			return -EINVAL;
		apic->ipis++;
		mv_lapic_set_irr(apic, val);
		return 0;
	}
	if (mv_lapic_write_common(apic, reg, val, now_ns) == -ENOENT)
		return -EINVAL;		/* read-only or undefined */
	return 0;
}

u64 mv_lapic_mmio_read(struct mv_lapic *apic, u32 offset, unsigned int size,
		       u64 now_ns)
{
	unsigned int sub = offset & 0xf;
	u32 reg32;

	/* Bytes 4-15 of each 16-byte slot are reserved and read as zero. */
	if (sub >= 4 || mv_lapic_read_reg(apic, offset & 0xff0, now_ns,
					  &reg32))
		return 0;
	reg32 >>= 8 * sub;
	if (size < 4)
		reg32 &= (1u << (8 * size)) - 1;
	return reg32;
}

void mv_lapic_mmio_write(struct mv_lapic *apic, u32 offset, unsigned int size,
			 u64 val, u64 now_ns)
{
	if (size != 4 || (offset & 0xf) || offset > 0xff0)
		return;
	mv_lapic_write_xapic(apic, offset, (u32)val, now_ns);
}

#define MV_APIC_BASE_WRITABLE	(MV_APIC_BASE_BSP | MV_APIC_BASE_EXTD | \
				 MV_APIC_BASE_EN)

/* IA32_APIC_BASE: the mode transitions of SDM 10.12.5; no relocation. */
static int mv_lapic_set_base(struct mv_lapic *apic, u64 val)
{
	u64 old = apic->base_msr;
	bool old_en = old & MV_APIC_BASE_EN, new_en = val & MV_APIC_BASE_EN;
	bool old_x2 = old & MV_APIC_BASE_EXTD, new_x2 = val & MV_APIC_BASE_EXTD;

	if ((val & ~MV_APIC_BASE_WRITABLE) != MINIVMM_APIC_BASE)
		return -EINVAL;		/* reserved bits, or a new base */
	if (new_x2 && !new_en)
		return -EINVAL;		/* the invalid state */
	if (old_x2 && new_en && !new_x2)
		return -EINVAL;		/* x2APIC -> xAPIC needs a disable */
	if (!old_en && new_x2)
		return -EINVAL;		/* disabled -> x2APIC skips xAPIC */

	/* The BSP flag is the platform's to set; writes keep it. */
	apic->base_msr = (val & ~MV_APIC_BASE_BSP) | (old & MV_APIC_BASE_BSP);
	if (!new_en)
		mv_lapic_reset_regs(apic);	/* comes back as at power-up */
	else if (new_x2 && !old_x2)
		apic->ldr = ((apic->id >> 4) << 16) | BIT(apic->id & 0xf);
	return 0;
}

static bool mv_lapic_is_x2apic_msr(u32 msr)
{
	return msr >= APIC_BASE_MSR && msr < APIC_BASE_MSR + 0x100;
}

int mv_lapic_rdmsr(struct mv_lapic *apic, u32 msr, u64 now_ns, u64 *val)
{
	u32 reg = (msr - APIC_BASE_MSR) << 4;
	u32 reg32;
	int ret;

	if (msr == MSR_IA32_APICBASE) {
		*val = apic->base_msr;
		return 0;
	}
	if (!mv_lapic_is_x2apic_msr(msr))
		return -ENOENT;
	if (!mv_lapic_x2apic(apic))
		return -EINVAL;
	ret = mv_lapic_read_reg(apic, reg, now_ns, &reg32);
	if (ret)
		return ret;
	*val = reg32;
	if (reg == APIC_ICR)
		*val |= (u64)apic->icr_hi << 32;
	return 0;
}

int mv_lapic_wrmsr(struct mv_lapic *apic, u32 msr, u64 val, u64 now_ns)
{
	if (msr == MSR_IA32_APICBASE)
		return mv_lapic_set_base(apic, val);
	if (!mv_lapic_is_x2apic_msr(msr))
		return -ENOENT;
	if (!mv_lapic_x2apic(apic))
		return -EINVAL;
	return mv_lapic_write_x2apic(apic, (msr - APIC_BASE_MSR) << 4, val,
				     now_ns);
}

/* ---- delivery ------------------------------------------------------------ */

static bool mv_lapic_sw_enabled(const struct mv_lapic *apic)
{
	return (apic->base_msr & MV_APIC_BASE_EN) &&
	       (apic->svr & APIC_SPIV_APIC_ENABLED);
}

u64 mv_lapic_timer_period_ns(const struct mv_lapic *apic, bool *periodic)
{
	u32 mode = apic->lvt[0] & LVT_TIMER_MODE_MASK;
	u64 ns;

	*periodic = mode == LVT_TIMER_PERIODIC;
	if (!apic->timer_initial || mode == LVT_TIMER_TSC_DEADLINE ||
	    !(apic->base_msr & MV_APIC_BASE_EN))
		return 0;
	ns = (u64)apic->timer_initial * mv_lapic_divisor(apic->timer_divide) *
	     MV_APIC_BUS_NS;
	/* A guest must not make the host take an interrupt per microsecond. */
	if (*periodic && ns < MV_LAPIC_MIN_PERIOD_NS)
		ns = MV_LAPIC_MIN_PERIOD_NS;
	return ns;
}

void mv_lapic_timer_expired(struct mv_lapic *apic)
{
	u32 lvt = apic->lvt[0];

	if (!(lvt & APIC_LVT_MASKED))
		mv_lapic_set_irr(apic, lvt & 0xff);
}

bool mv_lapic_timer_waiting(const struct mv_lapic *apic)
{
	u32 lvt = apic->lvt[0];
	u8 v = lvt & 0xff;

	return !(lvt & APIC_LVT_MASKED) && (apic->irr[v / 32] & BIT(v % 32));
}

int mv_lapic_pending_vector(const struct mv_lapic *apic)
{
	unsigned int v = mv_lapic_highest(apic->irr);

	if (!v || !mv_lapic_sw_enabled(apic))
		return -1;
	if ((v & 0xf0) <= (mv_lapic_ppr(apic) & 0xf0))
		return -1;
	return v;
}

void mv_lapic_accept(struct mv_lapic *apic, u8 vector)
{
	apic->irr[vector / 32] &= ~BIT(vector % 32);
	apic->isr[vector / 32] |= BIT(vector % 32);
}

#define LVT_DM_MASK		0x700u
#define LVT_DM_EXTINT		0x700u

bool mv_lapic_accepts_extint(const struct mv_lapic *apic)
{
	u32 lint0 = apic->lvt[3];

	if (!(apic->base_msr & MV_APIC_BASE_EN))
		return true;
	return !(lint0 & APIC_LVT_MASKED) &&
	       (lint0 & LVT_DM_MASK) == LVT_DM_EXTINT;
}

#define LVT_DM_NMI		0x400u

bool mv_lapic_lint_nmi(const struct mv_lapic *apic, unsigned int n)
{
	u32 lint = apic->lvt[3 + (n & 1)];

	return (apic->base_msr & MV_APIC_BASE_EN) &&
	       !(lint & APIC_LVT_MASKED) &&
	       (lint & LVT_DM_MASK) == LVT_DM_NMI;
}

u32 mv_lapic_timer_current(const struct mv_lapic *apic, u64 now_ns)
{
	return mv_lapic_current_count(apic, now_ns);
}

void mv_lapic_timer_resume_at(struct mv_lapic *apic, u32 count, u64 now_ns)
{
	u64 ticks = apic->timer_initial - count;

	apic->timer_start_ns = now_ns - ticks * MV_APIC_BUS_NS *
			       mv_lapic_divisor(apic->timer_divide);
	apic->timer_changed = true;
}
