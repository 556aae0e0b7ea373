/* SPDX-License-Identifier: GPL-2.0 */
/* The pvclock scale: TSC ticks to nanoseconds as a kvmclock guest computes. */
#ifndef MINIVMM_PVCLOCK_H
#define MINIVMM_PVCLOCK_H

#include <linux/types.h>

void mv_pvclock_scale(u64 hz, u32 *mul, s8 *shift);
u64 mv_pvclock_ns(u64 ticks, u32 mul, s8 shift);
bool mv_pvclock_scale_valid(u32 mul, s8 shift);

#endif /* MINIVMM_PVCLOCK_H */
