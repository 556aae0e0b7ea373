// SPDX-License-Identifier: GPL-2.0
/* minivmmctl info: what the module found on this host. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "ctl.h"

static const char *const feature_names[MINIVMM_FEAT_BIT_COUNT] = {
	[MINIVMM_FEAT_BIT_NPT]			= "npt",
	[MINIVMM_FEAT_BIT_NPT_2M]		= "npt-2m",
	[MINIVMM_FEAT_BIT_TAGGED_TLB]		= "tagged-tlb",
	[MINIVMM_FEAT_BIT_UNRESTRICTED]		= "unrestricted-guest",
	[MINIVMM_FEAT_BIT_NPT_AD]		= "npt-accessed-dirty",
	[MINIVMM_FEAT_BIT_PREEMPT_TIMER]	= "preemption-timer",
	[MINIVMM_FEAT_BIT_NRIPS]		= "nrip-save",
	[MINIVMM_FEAT_BIT_DECODE_ASSISTS]	= "decode-assists",
	[MINIVMM_FEAT_BIT_FLUSH_BY_ASID]	= "flush-by-asid",
	[MINIVMM_FEAT_BIT_VMCB_CLEAN]		= "vmcb-clean",
	[MINIVMM_FEAT_BIT_VGIF]			= "vgif",
	[MINIVMM_FEAT_BIT_PAUSE_LOOP]		= "pause-loop",
	[MINIVMM_FEAT_BIT_RDTSCP]		= "rdtscp",
	[MINIVMM_FEAT_BIT_PKS]			= "pks",
};

static const char *vendor_name(unsigned int vendor)
{
	switch (vendor) {
	case MINIVMM_VENDOR_VMX:
		return "vmx";
	case MINIVMM_VENDOR_SVM:
		return "svm";
	default:
		return "unknown";
	}
}

struct info_opts {
	bool json;
};

static void print_features(unsigned long long features, bool json)
{
	const char *sep = "";
	int bit;

	for (bit = 0; bit < MINIVMM_FEAT_BIT_COUNT; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		printf(json ? "%s\"%s\"" : "%s%s", sep, feature_names[bit]);
		sep = json ? ", " : " ";
	}
}

static int show_info(struct nlattr **attrs, void *arg)
{
	const struct info_opts *opts = arg;
	unsigned int api, vendor, cpus;
	unsigned long long features;

	if (!attrs[MINIVMM_ATTR_API_VERSION] || !attrs[MINIVMM_ATTR_VENDOR] ||
	    !attrs[MINIVMM_ATTR_CPUS_ENABLED] || !attrs[MINIVMM_ATTR_FEATURES]) {
		ctl_err("the kernel's info reply lacks an attribute");
		return CTL_EXIT_FAIL;
	}
	api = nla_get_u32(attrs[MINIVMM_ATTR_API_VERSION]);
	vendor = nla_get_u32(attrs[MINIVMM_ATTR_VENDOR]);
	cpus = nla_get_u32(attrs[MINIVMM_ATTR_CPUS_ENABLED]);
	features = nla_get_u64(attrs[MINIVMM_ATTR_FEATURES]);

	if (opts->json) {
		printf("{\"api_version\": %u, \"vendor\": \"%s\", \"cpus_enabled\": %u, \"features\": [",
		       api, vendor_name(vendor), cpus);
		print_features(features, true);
		printf("]}\n");
	} else {
		printf("api_version: %u\nvendor: %s\ncpus: %u\nfeatures: ",
		       api, vendor_name(vendor), cpus);
		print_features(features, false);
		printf("\n");
	}
	if (api != MINIVMM_API_VERSION)
		fprintf(stderr, "minivmmctl: warning: module API version %u, this tool speaks %u\n",
			api, MINIVMM_API_VERSION);
	return 0;
}

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct info_opts opts = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (c != 'j')
			return ctl_bad_option("info", argv);
		opts.json = true;
	}
	if (optind != argc)
		return ctl_usage_error("info takes no arguments");
	return ctl_nl_request(MINIVMM_CMD_INFO, show_info, &opts);
}
