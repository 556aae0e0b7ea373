// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl serve: the device process of a VM made with create/load/start
 * (run forks its own, ctl/cmd_run.c).  Attaches to the VM, serves its
 * virtio-mmio devices (ctl/virtio.c) and, if the VM was paused because
 * its previous device process went away, resumes it.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "virtio.h"

/* Options shared with run: 0 if @c was one of them, 1 if not, -1 bad. */
int ctl_virtio_option(struct virtio_setup *s, const char *what, int c,
		      const char *arg)
{
	switch (c) {
	case 'D':
		return virtio_add_disk(s, what, arg) ? -1 : 0;
	case 'N':
		return virtio_add_net(s, what, arg) ? -1 : 0;
	case 'R':
		return virtio_add_rng(s, what) ? -1 : 0;
	case 'T':
		s->testdev = true;
		return 0;
	default:
		return 1;
	}
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "disk", required_argument, NULL, 'D' },
		{ "net", required_argument, NULL, 'N' },
		{ "rng", no_argument, NULL, 'R' },
		{ "testdev", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct virtio_setup setup = { .n = 0 };
	struct virtio_server *srv;
	struct ctl_vm vm;
	int c, ret, vmfd;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		ret = ctl_virtio_option(&setup, "serve", c, optarg);
		if (ret < 0)
			return CTL_EXIT_USAGE;
		if (ret > 0)
			return ctl_bad_option("serve", argv);
	}
	if (optind + 1 != argc)
		return ctl_usage_error("serve needs exactly one NAME|ID");
	if (!setup.n)
		return ctl_usage_error("serve: no devices (--disk, --net, --rng)");
	if (ctl_vm_get("serve", argv[optind], &vm))
		return CTL_EXIT_FAIL;
	if (vm.state == MINIVMM_VM_STOPPED) {
		ctl_err("serve: VM '%s' has stopped", vm.name);
		return CTL_EXIT_FAIL;
	}
	vmfd = ctl_open_vm("serve", vm.id);
	if (vmfd < 0)
		return CTL_EXIT_FAIL;
	srv = virtio_attach("serve", vmfd, vm.mem, &setup);
	if (!srv) {
		close(vmfd);
		return CTL_EXIT_FAIL;
	}
	fprintf(stderr, "minivmmctl: serve: serving %u device(s) of VM '%s'\n",
		setup.n, vm.name);
	if (vm.state == MINIVMM_VM_PAUSED &&
	    vm.pause_reason == MINIVMM_PAUSE_DEVICE_GONE) {
		struct ctl_nl_req req = {
			.cmd = MINIVMM_CMD_VM_RESUME, .what = "serve: resume",
			.has_id = true, .id = vm.id,
		};

		if (ctl_nl_call(&req, NULL, NULL)) {
			virtio_free(srv);
			close(vmfd);
			return CTL_EXIT_FAIL;
		}
		fprintf(stderr, "minivmmctl: serve: VM '%s' resumed\n", vm.name);
	}
	ret = virtio_serve(srv, -1);
	virtio_free(srv);
	close(vmfd);
	return ret ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
