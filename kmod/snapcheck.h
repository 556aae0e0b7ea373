/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot state of the device models (kmod/snapcheck.c): conversion
 * between the models' structs and the fixed-width uapi structs, and the
 * checks that a state handed in by user space is one the models could
 * have reached.  Pure (no VM or vCPU), so KUnit tests it directly.
 */
#ifndef MINIVMM_SNAPCHECK_H
#define MINIVMM_SNAPCHECK_H

#include <linux/types.h>
#include "uapi/minivmm.h"
#include "lapic.h"
#include "pit.h"
#include "platform.h"

/* 0, or -EINVAL naming nothing: any field out of its documented range. */
int mv_snap_check_dev(const struct minivmm_devstate *s, u64 ram_size,
		      u32 nr_cpus);
int mv_snap_check_lapic(const struct minivmm_lapic_state *s, u32 vcpu);

/* Models <-> uapi, times relative to @now_ns (see uapi/minivmm.h). */
void mv_snap_platform_get(const struct mv_platform *p,
			  struct minivmm_devstate *s);
void mv_snap_platform_put(struct mv_platform *p,
			  const struct minivmm_devstate *s);
void mv_snap_pit_get(const struct mv_pit *pit, struct minivmm_devstate *s,
		     u64 now_ns);
void mv_snap_pit_put(struct mv_pit *pit, const struct minivmm_devstate *s,
		     u64 now_ns);
void mv_snap_lapic_get(const struct mv_lapic *apic,
		       struct minivmm_lapic_state *s, u64 now_ns);
void mv_snap_lapic_put(struct mv_lapic *apic,
		       const struct minivmm_lapic_state *s, u64 now_ns);

#endif /* MINIVMM_SNAPCHECK_H */
