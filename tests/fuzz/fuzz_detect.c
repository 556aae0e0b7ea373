// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: ctl_detect_format(), and whether what it detects agrees with
 * what the planners accept ("minivmmctl run" picks the planner by it): an
 * image the Multiboot planner accepts must be detected as Multiboot, one the
 * bzImage planner accepts as bzImage (or Multiboot, which wins).
 */
#include "fakevm.h"
#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan_params p;
	const uint8_t *image;
	const char *path;
	enum ctl_format fmt;
	size_t len;

	plan_params(data, size, &p, &image, &len);
	path = plan_image(image, len);
	fv_reset(p.mem, 0);
	fmt = ctl_detect_format("fuzz", path);
	FV_ASSERT(len ? fmt > CTL_FMT_AUTO && fmt <= CTL_FMT_ELF :
		  fmt == CTL_FMT_AUTO, "format %d of %zu bytes", fmt, len);
	if (plan_mb(path, &p, false))
		FV_ASSERT(fmt == CTL_FMT_MULTIBOOT, "Multiboot plan, format %d",
			  fmt);
	if (plan_bz(path, &p, false))
		FV_ASSERT(fmt == CTL_FMT_BZIMAGE || fmt == CTL_FMT_MULTIBOOT,
			  "bzImage plan, format %d", fmt);
	return 0;
}
