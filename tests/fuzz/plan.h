/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz harnesses' shared part.  An input is 4 parameter bytes, then the
 * image: the parameters pick the guest RAM size, the --append length, the
 * initrd or module sizes and the module count from fixed tables of
 * interesting values (the boundaries the loaders check), so that one input
 * always replays the same way.
 */
#ifndef PLAN_H
#define PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAN_PARAM_BYTES	4
#define PLAN_MAX_MODS		3

struct plan_params {
	uint64_t mem;
	const char *append;		/* NULL: no --append */
	uint64_t initrd_size;		/* bzImage */
	bool has_initrd;
	unsigned int nmods;		/* Multiboot */
	uint64_t mod_size[PLAN_MAX_MODS];
};

/* Decode the parameter bytes; the image follows at *image, *image_len. */
void plan_params(const uint8_t *data, size_t size, struct plan_params *p,
		 const uint8_t **image, size_t *image_len);
/* The image in a memfd, as a path the loaders can open. */
const char *plan_image(const uint8_t *image, size_t len);

/*
 * Plan @path with ctl_mb_prepare() or ctl_bz_prepare(); if accepted (and
 * @load), load it into the fake VM and check the invariants of the result.
 * Returns whether the planner accepted the image.
 */
bool plan_mb(const char *path, const struct plan_params *p, bool load);
bool plan_bz(const char *path, const struct plan_params *p, bool load);

#endif /* PLAN_H */
