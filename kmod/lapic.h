/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC of one vCPU (kmod/lapic.c): a pure register model, driven
 * by xAPIC MMIO (through the core's instruction emulation) and by x2APIC
 * MSRs and IA32_APIC_BASE.  Time comes in as a parameter so KUnit can test
 * the model without a vCPU.
 */
#ifndef MINIVMM_LAPIC_H
#define MINIVMM_LAPIC_H

#include <linux/bits.h>
#include <linux/types.h>

/*
 * The timer's input clock, 1 GHz: what CPUID leaf 0x15 tells the guest is
 * its core crystal clock (Linux then takes its timer period from there).
 */
#define MV_LAPIC_BUS_HZ		1000000000u
#define MV_LAPIC_LVT_COUNT	6	/* timer, thermal, perf, LINT0, LINT1, error */
#define MV_LAPIC_VEC_WORDS	8	/* 256 vectors as 32-bit words */

/* IA32_APIC_BASE bits */
#define MV_APIC_BASE_BSP	BIT_ULL(8)
#define MV_APIC_BASE_EXTD	BIT_ULL(10)	/* x2APIC mode */
#define MV_APIC_BASE_EN		BIT_ULL(11)

struct mv_lapic {
	u64 base_msr;		/* IA32_APIC_BASE */
	u32 id;			/* APIC ID: the vCPU index */
	u32 tpr, dfr, ldr, svr, esr;
	u32 icr_lo, icr_hi;
	u32 lvt[MV_LAPIC_LVT_COUNT];
	u32 timer_initial, timer_divide;
	u64 timer_start_ns;	/* when timer_initial was written */
	u32 isr[MV_LAPIC_VEC_WORDS], irr[MV_LAPIC_VEC_WORDS];
	u32 tmr[MV_LAPIC_VEC_WORDS];
	u64 ipis;		/* IPIs sent */
	/*
	 * An ICR write that may reach other APICs (or needs the platform:
	 * INIT, SIPI, NMI, lowest priority): latched for the owner, which
	 * delivers it (kmod/smp.c) and clears ipi_pending.
	 */
	bool ipi_pending;
	u32 ipi_lo, ipi_hi;
	/* Set when the timer's programming changed; the owner re-arms its
	 * host timer (mv_lapic_timer_period_ns) and clears it.
	 */
	bool timer_changed;
	bool timer_restart;	/* TMICT was written: count from its load */
	/*
	 * An EOI retired a level-triggered vector (its TMR bit was set):
	 * latched for the owner, which tells the I/O APIC (kmod/ioapic.c)
	 * and clears eoi_level.
	 */
	bool eoi_level;
	u8 eoi_level_vector;
};

/* Power-up state (IA32_APIC_BASE: enabled, xAPIC mode, BSP if @bsp). */
void mv_lapic_reset(struct mv_lapic *apic, u32 id, bool bsp);
/* Enabled in xAPIC mode: the MMIO page at MINIVMM_APIC_BASE is the APIC's. */
bool mv_lapic_mmio_enabled(const struct mv_lapic *apic);
/*
 * An xAPIC MMIO access of @size (1, 2, 4 or 8) bytes at @offset within the
 * page.  Reads of undefined registers return 0; writes to read-only or
 * undefined registers, and writes that are not 32-bit and aligned, are
 * dropped, as real xAPICs do.
 */
u64 mv_lapic_mmio_read(struct mv_lapic *apic, u32 offset, unsigned int size,
		       u64 now_ns);
void mv_lapic_mmio_write(struct mv_lapic *apic, u32 offset, unsigned int size,
			 u64 val, u64 now_ns);
/*
 * IA32_APIC_BASE and the x2APIC MSRs (0x800-0x8ff).  0 when done, -ENOENT
 * for an MSR that is not the APIC's, -EINVAL when the CPU would raise #GP
 * (x2APIC off, read-only or write-only register, reserved bits set, an
 * illegal mode transition, relocating the base).
 */
int mv_lapic_rdmsr(struct mv_lapic *apic, u32 msr, u64 now_ns, u64 *val);
int mv_lapic_wrmsr(struct mv_lapic *apic, u32 msr, u64 val, u64 now_ns);

/*
 * Interrupt delivery.  The timer: how long until it expires, from when it
 * was programmed (0: not counting), and whether it restarts; on expiry the
 * owner calls mv_lapic_timer_expired().  pending_vector: the vector the
 * APIC would present to the CPU now (IRR above the processor priority,
 * APIC enabled), or -1; accept moves it from IRR to ISR as the CPU takes it.
 */
#define MV_LAPIC_MIN_PERIOD_NS	100000	/* a periodic timer's floor: 10 kHz */
u64 mv_lapic_timer_period_ns(const struct mv_lapic *apic, bool *periodic);
void mv_lapic_timer_expired(struct mv_lapic *apic);
/* Is an earlier expiry still in IRR, so that another would merge with it? */
bool mv_lapic_timer_waiting(const struct mv_lapic *apic);
void mv_lapic_set_irr(struct mv_lapic *apic, u8 vector);
/* An interrupt from the I/O APIC: IRR, and TMR set when @level-triggered. */
void mv_lapic_set_irr_trig(struct mv_lapic *apic, u8 vector, bool level);
int mv_lapic_pending_vector(const struct mv_lapic *apic);
void mv_lapic_accept(struct mv_lapic *apic, u8 vector);
/*
 * ICR fields (both modes) and the IPI destination rule, pure so that KUnit
 * can test it: does an APIC with @id, @ldr and @dfr, enabled or not
 * (@enabled: IA32_APIC_BASE.EN), accept the IPI (@lo, @hi) sent by an APIC
 * in x2APIC mode @x2 (the destination's format is the sender's)?  @is_self:
 * it is the sender itself (shorthands).  Physical and logical (flat and
 * cluster in xAPIC, cluster in x2APIC) destinations, broadcasts, and the
 * self, all and all-but-self shorthands.
 */
#define MV_ICR_DM_MASK		0x700u
#define MV_ICR_DM_FIXED		0x000u
#define MV_ICR_DM_LOWEST	0x100u
#define MV_ICR_DM_SMI		0x200u
#define MV_ICR_DM_NMI		0x400u
#define MV_ICR_DM_INIT		0x500u
#define MV_ICR_DM_SIPI		0x600u
#define MV_ICR_LOGICAL		BIT(11)
#define MV_ICR_LEVEL_ASSERT	BIT(14)
#define MV_ICR_TRIGGER_LEVEL	BIT(15)
#define MV_ICR_SH_MASK		(3u << 18)
#define MV_ICR_SH_NONE		(0u << 18)
#define MV_ICR_SH_SELF		(1u << 18)
#define MV_ICR_SH_ALL		(2u << 18)
#define MV_ICR_SH_OTHERS	(3u << 18)
bool mv_lapic_ipi_accepts(u32 lo, u32 hi, bool x2, bool is_self, u32 id,
			  u32 ldr, u32 dfr, bool enabled);
bool mv_lapic_x2apic_mode(const struct mv_lapic *apic);
/* INIT: every register back to its power-up value but the ID and the base. */
void mv_lapic_init_ipi(struct mv_lapic *apic);

/* Does the 8259's INTR reach the CPU (APIC off, or LINT0 unmasked ExtINT)? */
bool mv_lapic_accepts_extint(const struct mv_lapic *apic);
/* Is LINT@n (0 or 1) an unmasked NMI input (APIC enabled)? */
bool mv_lapic_lint_nmi(const struct mv_lapic *apic, unsigned int n);
/*
 * Saving and loading the timer (kmod/vstate.c): the count left now, and a
 * restart that leaves @count counts at @now_ns (timer_initial and
 * timer_divide already loaded; count <= timer_initial).
 */
u32 mv_lapic_timer_current(const struct mv_lapic *apic, u64 now_ns);
void mv_lapic_timer_resume_at(struct mv_lapic *apic, u32 count, u64 now_ns);

#endif /* MINIVMM_LAPIC_H */
