/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's whole architectural state in the neutral layout of
 * uapi/minivmm.h (struct minivmm_vcpu_state): its reset value and the
 * rules a state handed in by user space must obey (kmod/state.c, pure
 * functions, tested by tests/kunit/state_test.c), and moving it in and out
 * of a vCPU (kmod/vstate.c).
 */
#ifndef MINIVMM_STATE_H
#define MINIVMM_STATE_H

#include <linux/types.h>
#include "uapi/minivmm.h"

/* What this host lets a guest hold; filled by mv_state_limits_get(). */
struct mv_state_limits {
	u64 cr0_valid;		/* CR0 bits a guest may set */
	u64 cr4_valid;		/* CR4 bits (host's, minus the backend's) */
	u64 efer_valid;		/* EFER bits */
	u64 xcr0_max;		/* XCR0 bits; 0: no XSAVE for guests */
	u32 fpu_format;		/* MINIVMM_FPU_* */
	u32 fpu_size;		/* bytes of the FPU area */
	u64 fpu_components;	/* what the area holds (XCR0 bits), 0 for FXSAVE */
	u32 mxcsr_mask;		/* MXCSR bits the CPU implements */
	bool tsc_aux;		/* RDTSCP or RDPID exist */
	bool pkru;		/* guests get protection keys (PKRU) */
	bool pkrs;		/* and supervisor keys (IA32_PKRS) */
	bool soft_int_len;	/* an injected INT n needs its length (VT-x) */
	u64 misc_enable;	/* the one IA32_MISC_ENABLE value */
};

/* CR0 bits an x86-64 CPU defines; everything else is reserved. */
#define MV_CR0_VALID	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | \
			 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | \
			 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)
/* RFLAGS bits a guest may hold (bit 1 is always 1, the others reserved). */
#define MV_RFLAGS_VALID	0x3f7fd5ULL

/* Power-on state of vCPU @index, every section but LAPIC (mv_lapic_reset). */
void mv_state_reset(struct minivmm_vcpu_state *st, unsigned int index,
		    const struct mv_state_limits *lim);
/*
 * Check the sections of st->mask (cross-section rules read the other
 * sections of @st, which must hold the vCPU's current values): 0 when a
 * CPU would take it at VM entry, else the MINIVMM_FIELD_* to blame.
 */
enum minivmm_state_field mv_state_check(const struct minivmm_vcpu_state *st,
					unsigned int index,
					const struct mv_state_limits *lim);
/* Is @pat a valid IA32_PAT value (every entry a defined memory type)? */
bool mv_pat_valid(u64 pat);
/* Does @vector push an error code in protected mode? */
bool mv_exception_has_error(u8 vector);

struct mv_vcpu;
struct minivmm_sregs;
void mv_state_limits_get(struct mv_state_limits *lim);
/* kmod/vstate.c: vCPU outside guest mode (its thread, or vm->lock held). */
void mv_vcpu_get_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st,
		       u32 mask);
/* Checks first; -EINVAL with st->invalid_field set on refusal. */
int mv_vcpu_set_state(struct mv_vcpu *vcpu, struct minivmm_vcpu_state *st);
/* Put a new vCPU in its reset state (after the backend's vcpu_init). */
int mv_vcpu_reset_state(struct mv_vcpu *vcpu);
/* A Startup IPI with @vector for a vCPU in wait-for-SIPI (vCPU thread). */
int mv_vcpu_sipi_state(struct mv_vcpu *vcpu, u8 vector);
/* Segments and control registers for the vCPU thread's own exits. */
void mv_vcpu_sregs(struct mv_vcpu *vcpu, struct minivmm_sregs *sr);

#endif /* MINIVMM_STATE_H */
