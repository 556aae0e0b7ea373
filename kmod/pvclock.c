// SPDX-License-Identifier: GPL-2.0
/*
 * The pvclock scale arithmetic of kmod/kvmclock.c, pure (KUnit:
 * tests/kunit/kvmclock_test.c).
 */
#include <linux/math64.h>
#include <linux/time64.h>
#include "pvclock.h"

/*
 * The pvclock scale for a TSC of @hz: ns = ((ticks << shift, or >> -shift)
 * * mul) >> 32, with 1e9 < hz * 2^shift <= 2e9 so that mul, 2^32 * 1e9 /
 * (hz * 2^shift), is in [2^31, 2^32).  @hz must not be 0.
 */
void mv_pvclock_scale(u64 hz, u32 *mul, s8 *shift)
{
	u64 base = hz;
	s8 s = 0;

	while (base > 2 * (u64)NSEC_PER_SEC) {
		base >>= 1;
		s--;
	}
	while (base <= NSEC_PER_SEC) {
		base <<= 1;
		s++;
	}
	*mul = (u32)div64_u64((u64)NSEC_PER_SEC << 32, base);
	*shift = s;
}

/* @ticks of the TSC in nanoseconds, as the guest computes it. */
u64 mv_pvclock_ns(u64 ticks, u32 mul, s8 shift)
{
	if (shift < 0)
		ticks >>= -shift;
	else
		ticks <<= shift;
	return mul_u64_u32_shr(ticks, mul, 32);
}

/*
 * A scale read back from guest memory (the guest may have written
 * anything there): a multiplier, and a shift mv_pvclock_ns() can apply.
 */
bool mv_pvclock_scale_valid(u32 mul, s8 shift)
{
	return mul && shift >= -32 && shift <= 32;
}
