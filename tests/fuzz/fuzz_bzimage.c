// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: ctl_bz_prepare() and ctl_bz_load() into the fake VM. */
#include "fakevm.h"
#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan_params p;
	const uint8_t *image;
	size_t len;

	plan_params(data, size, &p, &image, &len);
	plan_bz(plan_image(image, len), &p, true);
	return 0;
}
