// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's x87/SSE/AVX registers and its XCR0.
 *
 * Where the host runs with XSAVE, a vCPU's registers live in an XSAVE area
 * (standard format) covering the components a guest may enable: x87, SSE
 * and AVX, as far as the host's XCR0 has them (mv_xcr0_max).  XRSTOR loads
 * it after kernel_fpu_begin() and XSAVE stores it before kernel_fpu_end(),
 * both with the host's XCR0 in force: it contains every component a guest
 * may have, so all of them are moved whatever the guest's XCR0 is, and a
 * component the guest enables later holds its own (initially zero) values,
 * never the host's.  The guest's XCR0 is in force only around the entry
 * itself, interrupts off (mv_guest_xcr0_load/_save).
 *
 * Without XSAVE (a host booted with noxsave) the area is a plain
 * FXSAVE image and XCR0 does not exist for the guest.
 *
 * PKRU is not in the area: kmod/vcpu.c switches the register itself around
 * each entry, as it must whatever the guest's XCR0.  Where it does, the
 * guest's XCR0 may still enable the component, so that the guest's own
 * XSAVE/XRSTOR cover PKRU (Linux lays out signal frames by it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/traps.h>
#include "minivmm.h"

#define MV_FXSAVE_SIZE		512
#define MV_XSAVE_HDR_SIZE	64	/* after the legacy 512 bytes */
#define MV_FX_FCW		0	/* offsets in the legacy region */
#define MV_FX_MXCSR		24
#define MV_RESET_FCW		0x37f
#define MV_RESET_MXCSR		0x1f80

/*
 * The components of the area (0: no XSAVE), what a guest XCR0 may hold
 * (those and PKRU), and the area's size.
 */
static u64 mv_xcr0_max __ro_after_init;
static u64 mv_xcr0_guest __ro_after_init;
static unsigned int mv_fpu_size __ro_after_init = MV_FXSAVE_SIZE;

/* Called once at module load. */
void mv_fpu_setup(void)
{
	u32 eax, ebx, ecx, edx;
	u64 host;

	if (!boot_cpu_has(X86_FEATURE_XSAVE) ||
	    !boot_cpu_has(X86_FEATURE_OSXSAVE))
		return;
	host = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	mv_xcr0_max = host & (XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM);
	mv_xcr0_guest = mv_xcr0_max;
	if (mv_guest_has_pku())
		mv_xcr0_guest |= host & XFEATURE_MASK_PKRU;
	mv_fpu_size = MV_FXSAVE_SIZE + MV_XSAVE_HDR_SIZE;
	if (mv_xcr0_max & XFEATURE_MASK_YMM) {
		/* CPUID 0xD sub-leaf 2: size (EAX) and offset (EBX) of YMM. */
		cpuid_count(0xd, XFEATURE_YMM, &eax, &ebx, &ecx, &edx);
		mv_fpu_size = max(mv_fpu_size, eax + ebx);
	}
}

u64 mv_guest_xcr0_max(void)
{
	return mv_xcr0_guest;
}

u64 mv_guest_fpu_components(void)
{
	return mv_xcr0_max;
}

unsigned int mv_guest_fpu_size(void)
{
	return mv_fpu_size;
}

/* Standard format: up to the end of the last component @xcr0 enables. */
unsigned int mv_guest_xsave_size(u64 xcr0)
{
	unsigned int size = MV_FXSAVE_SIZE + MV_XSAVE_HDR_SIZE;
	u32 eax, ebx, ecx, edx;

	if (xcr0 & XFEATURE_MASK_YMM) {
		cpuid_count(0xd, XFEATURE_YMM, &eax, &ebx, &ecx, &edx);
		size = max(size, eax + ebx);
	}
	if (xcr0 & XFEATURE_MASK_PKRU) {
		cpuid_count(0xd, XFEATURE_PKRU, &eax, &ebx, &ecx, &edx);
		size = max(size, eax + ebx);
	}
	return size;
}

/*
 * Power-on state: x87 and SSE registers zero, FCW 0x37f, MXCSR 0x1f80,
 * XSTATE_BV 0 (every component in its initial configuration).  XRSTOR
 * takes MXCSR from memory even then, so it must hold the reset value.
 */
static void mv_fpu_reset(void *area)
{
	memset(area, 0, mv_fpu_size);
	*(u16 *)(area + MV_FX_FCW) = MV_RESET_FCW;
	*(u32 *)(area + MV_FX_MXCSR) = MV_RESET_MXCSR;
}

int mv_fpu_alloc(struct mv_vcpu *vcpu)
{
	/*
	 * XSAVE needs 64-byte alignment: kmalloc aligns power-of-two sizes
	 * naturally.
	 */
	vcpu->fpu = kmalloc(roundup_pow_of_two(mv_fpu_size),
			    GFP_KERNEL_ACCOUNT);
	if (!vcpu->fpu)
		return -ENOMEM;
	mv_fpu_reset(vcpu->fpu);
	vcpu->xcr0 = XFEATURE_MASK_FP;
	return 0;
}

void mv_fpu_free(struct mv_vcpu *vcpu)
{
	kfree(vcpu->fpu);
	vcpu->fpu = NULL;
}

void mv_guest_fpu_enter(struct mv_vcpu *vcpu)
{
	u32 lo = mv_xcr0_max, hi = mv_xcr0_max >> 32;

	kernel_fpu_begin();
	if (mv_xcr0_max)
		asm volatile("xrstor64 %0"
			     : : "m" (*(u8 *)vcpu->fpu), "a" (lo), "d" (hi)
			     : "memory");
	else
		asm volatile("fxrstor64 %0"
			     : : "m" (*(u8 (*)[MV_FXSAVE_SIZE])vcpu->fpu));
}

void mv_guest_fpu_exit(struct mv_vcpu *vcpu)
{
	u32 lo = mv_xcr0_max, hi = mv_xcr0_max >> 32;

	if (mv_xcr0_max)
		asm volatile("xsave64 %0"
			     : "+m" (*(u8 *)vcpu->fpu) : "a" (lo), "d" (hi)
			     : "memory");
	else
		asm volatile("fxsave64 %0"
			     : "=m" (*(u8 (*)[MV_FXSAVE_SIZE])vcpu->fpu));
	kernel_fpu_end();
}

/* An XCR0 value the guest may have (SDM Vol. 1 13.3: x87 always, AVX
 * only with SSE, only components we offer).
 */
static bool mv_xcr0_valid(u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~mv_xcr0_guest))
		return false;
	return !((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE));
}

/* Interrupts off, right before the entry: returns the host's XCR0. */
u64 mv_guest_xcr0_load(struct mv_vcpu *vcpu)
{
	u64 host;

	if (!mv_xcr0_max)
		return 0;
	host = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	if (vcpu->xcr0 != host)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	return host;
}

/*
 * Interrupts off, right after the exit.  XCR0 now holds the guest's value,
 * also when its XSETBV was not intercepted (QEMU's AMD-V does not honour
 * that intercept): keep it, limited to what we offer, and put the host's
 * back before anything of the host's can use XSAVE state.
 */
void mv_guest_xcr0_save(struct mv_vcpu *vcpu, u64 host)
{
	u64 cur;

	if (!mv_xcr0_max)
		return;
	cur = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	if (cur != host)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host);
	if (cur != vcpu->xcr0)
		vcpu->xcr0 = mv_xcr0_valid(cur) ? cur :
			     (cur & mv_xcr0_guest) | XFEATURE_MASK_FP;
}

/*
 * XSETBV (the backends' exit, instruction length set): needs CR4.OSXSAVE
 * (#UD) and a valid XCR0 value (#GP); only XCR0 exists.
 */
enum mv_exit_action mv_exit_xsetbv(struct mv_vcpu *vcpu, bool osxsave)
{
	u64 val = (vcpu->gprs[MINIVMM_RDX] << 32) |
		  (u32)vcpu->gprs[MINIVMM_RAX];

	vcpu->exits[MINIVMM_EXIT_OTHER]++;
	if (!osxsave || !mv_xcr0_max) {
		mv_host.ops->inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return MV_EXIT_RESUME;
	}
	if ((u32)vcpu->gprs[MINIVMM_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    !mv_xcr0_valid(val)) {
		mv_host.ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return MV_EXIT_RESUME;
	}
	vcpu->xcr0 = val;
	vcpu->rip += vcpu->exit_insn_len;
	return MV_EXIT_RESUME;
}
