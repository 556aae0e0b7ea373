// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl run: create a VM, set up the CPU mode, load a flat image at
 * 0x10000, start it, stream its console to stdout until end of file, report
 * why it stopped, destroy it, and exit with the guest's exit code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctl.h"

static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	int saved = errno;
	char c = 0;

	got_signal = sig;
	if (wake_pipe[1] >= 0) {
		ssize_t r = write(wake_pipe[1], &c, 1);

		(void)r;	/* a full pipe already wakes the loop */
	}
	errno = saved;
}

static int install_signals(void)
{
	struct sigaction sa;

	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		ctl_err("run: pipe: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

static int destroy_vm(uint32_t id)
{
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_DESTROY, .what = "run: destroy",
		.has_id = true, .id = id, .force = true,
	};

	return ctl_nl_call(&req, NULL, NULL);
}

static int start_vm(uint32_t id)
{
	struct ctl_nl_req req = {
		.cmd = MINIVMM_CMD_VM_START, .what = "run: start",
		.has_id = true, .id = id,
	};

	return ctl_nl_call(&req, NULL, NULL);
}

/* Print why the VM stopped; return minivmmctl's exit status. */
static int report(const struct ctl_vm *vm)
{
	if (!vm->has_state || vm->state != MINIVMM_VM_STOPPED) {
		ctl_err("the console ended but the VM is %s",
			ctl_state_name(vm->state));
		return CTL_EXIT_FAIL;
	}
	switch (vm->stop_reason) {
	case MINIVMM_STOP_EXITED:
		ctl_err("VM exited with code %u", vm->exit_code);
		if (vm->exit_code > 0xff)
			ctl_err("(the exit status carries only the low byte, %u)",
				vm->exit_code & 0xff);
		return (int)(vm->exit_code & 0xff);
	case MINIVMM_STOP_HALTED:
		ctl_err("VM halted");
		return CTL_EXIT_OK;
	case MINIVMM_STOP_CRASHED:
		ctl_err("VM crashed (triple fault)");
		return CTL_EXIT_FAIL;
	case MINIVMM_STOP_BAD_GPA:
		ctl_err("VM stopped: access to guest-physical address 0x%" PRIx64 " outside RAM",
			vm->error_gpa);
		return CTL_EXIT_FAIL;
	case MINIVMM_STOP_INTERNAL_ERROR:
		ctl_err("VM stopped: internal error, raw exit code 0x%" PRIx64,
			vm->error_raw);
		return CTL_EXIT_FAIL;
	case MINIVMM_STOP_USER:
		ctl_err("VM stopped by request");
		return CTL_EXIT_FAIL;
	default:
		ctl_err("VM stopped for an unknown reason (%u)", vm->stop_reason);
		return CTL_EXIT_FAIL;
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	enum ctl_mode mode = CTL_MODE_LONG;
	const char *mem_arg = "16M", *name = NULL, *image;
	char defname[MINIVMM_NAME_MAX];
	struct ctl_vm vm;
	struct stat st;
	uint64_t mem;
	uint32_t id;
	int c, ret, vmfd = -1, con = -1;

	while ((c = getopt_long(argc, argv, "m:M:n:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mem_arg = optarg;
			break;
		case 'M':
			if (ctl_parse_mode(optarg, &mode) < 0)
				return ctl_usage_error("run: --mode must be real, prot32 or long, not '%s'",
						       optarg);
			break;
		case 'n':
			name = optarg;
			break;
		default:
			return ctl_bad_option("run", argv);
		}
	}
	if (optind + 1 != argc)
		return ctl_usage_error("run needs exactly one IMAGE");
	image = argv[optind];
	ret = ctl_check_mem("run", mem_arg, &mem);
	if (ret)
		return ret;
	if (!name) {
		snprintf(defname, sizeof(defname), "run-%ld", (long)getpid());
		name = defname;
	}

	/* Check the image before creating anything. */
	if (stat(image, &st) < 0) {
		ctl_err("run: cannot open '%s': %s", image, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (!S_ISREG(st.st_mode)) {
		ctl_err("run: '%s' is not a regular file", image);
		return CTL_EXIT_FAIL;
	}
	if (st.st_size == 0) {
		ctl_err("run: '%s' is empty", image);
		return CTL_EXIT_FAIL;
	}
	if (mem <= CTL_IMAGE_GPA ||
	    (uint64_t)st.st_size > mem - CTL_IMAGE_GPA) {
		ctl_err("run: '%s' (%lld bytes at 0x%llx) does not fit in the guest's %" PRIu64 " bytes of RAM",
			image, (long long)st.st_size, CTL_IMAGE_GPA, mem);
		return CTL_EXIT_FAIL;
	}
	if (mode == CTL_MODE_REAL && st.st_size > 0x10000) {
		ctl_err("run: '%s' is larger than the 64 KiB real-mode code segment",
			image);
		return CTL_EXIT_FAIL;
	}

	if (install_signals() < 0)
		return CTL_EXIT_FAIL;
	ret = ctl_vm_create("run: create", name, mem, 0, &id);
	if (ret)
		return ret;

	ret = CTL_EXIT_FAIL;
	vmfd = ctl_open_vm("run", id);
	if (vmfd < 0)
		goto out;
	if (ctl_setup_mode("run", vmfd, mode, mem) ||
	    ctl_load_file("run", vmfd, image, CTL_IMAGE_GPA, mem))
		goto out;
	con = ctl_console_open("run", vmfd);
	if (con < 0)
		goto out;
	if (got_signal || start_vm(id))
		goto out;
	if (ctl_console_pump("run", con, wake_pipe[0]))
		goto out;
	if (ctl_vm_get_id("run", id, &vm))
		goto out;
	ret = report(&vm);
out:
	if (got_signal)
		ctl_err("run: interrupted by signal %d; destroying VM '%s'",
			(int)got_signal, name);
	if (con >= 0)
		close(con);
	if (vmfd >= 0)
		close(vmfd);
	if (destroy_vm(id) && ret == CTL_EXIT_OK)
		ret = CTL_EXIT_FAIL;
	return got_signal ? CTL_EXIT_FAIL : ret;
}
