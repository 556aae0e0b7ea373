/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What save/restore (cmd_snapshot.c) lend to migrate/receive
 * (cmd_migrate.c): the snapshot of a quiet VM without its RAM, the CPU
 * feature check, and loading a checked image's vCPU and device state.
 */
#ifndef MINIVMMCTL_SNAPSHOT_H
#define MINIVMMCTL_SNAPSHOT_H

#include <stdint.h>
#include "ctl.h"
#include "snapfile.h"

/* Header, CONFIG, VCPU, LAPIC, DEVICES, END of @vm (paused) into @fd. */
int snap_write_state(const char *what, int fd, int vmfd,
		     const struct ctl_vm *vm, uint32_t state);
/* 0, or a sentence and CTL_EXIT_FAIL naming the first missing feature. */
int snap_check_cpu(const char *what, const struct snap_header *h);
/* The file header and CONFIG payload of @vm, saved in @state. */
void snap_describe(const struct ctl_vm *vm, uint32_t state,
		   struct snap_header *h, struct snap_config *cfg);
/* vCPU, local APIC and device state of @img into the VM (not started). */
int snap_load_state(const char *what, int vmfd, struct snap_image *img);

#endif /* MINIVMMCTL_SNAPSHOT_H */
