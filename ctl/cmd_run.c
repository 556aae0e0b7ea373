// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl run: check the image (flat binary, Multiboot kernel, see
 * multiboot.c, or Linux bzImage, see bzimage.c), create a VM, set up the CPU mode and load the image, start
 * it, stream its console to stdout until end of file, report why it
 * stopped, destroy it, and exit with the guest's exit code (or QEMU's
 * isa-debug-exit status with --exit-status=qemu).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ctl.h"
#include "virtio.h"

static int wake_pipe[2] = { -1, -1 };
/* Long options without a short letter. */
enum { OPT_DETACH = 256, OPT_CPU_MODEL, OPT_BIOS_STATE };
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

/*
 * How run ended, and the exit status for each --exit-status convention.
 * "code" (default): 0 ok/halted, 1 failure, else the guest's code & 0xff.
 * "qemu": as QEMU with isa-debug-exit at 0xf4 and -no-reboot: a guest
 * exit gives (code << 1) | 1 (always odd), a halted guest 0, any failure
 * 2, so that no failure looks like a guest's exit code 0 (status 1).
 */
enum run_status { STATUS_CODE, STATUS_QEMU };

enum run_end { END_EXITED, END_HALTED, END_FAILED, END_DETACHED };

static int exit_status(enum run_status conv, enum run_end end, uint32_t code)
{
	if (end == END_DETACHED)
		return CTL_EXIT_OK;
	if (conv == STATUS_QEMU) {
		if (end == END_EXITED)
			return (int)(((code << 1) | 1) & 0xff);
		return end == END_HALTED ? 0 : 2;
	}
	if (end == END_EXITED)
		return (int)(code & 0xff);
	return end == END_HALTED ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

/* Print why the VM stopped; return how it ended (code in *code). */
static enum run_end report(const struct ctl_vm *vm, enum run_status conv,
			   uint32_t *code)
{
	if (!vm->has_state || vm->state != MINIVMM_VM_STOPPED) {
		ctl_err("the console ended but the VM is %s",
			ctl_state_name(vm->state));
		return END_FAILED;
	}
	switch (vm->stop_reason) {
	case MINIVMM_STOP_EXITED:
		*code = vm->exit_code;
		ctl_err("VM exited with code %u", vm->exit_code);
		if (conv == STATUS_QEMU)
			ctl_err("(--exit-status=qemu: status (%u << 1) | 1 = %u)",
				vm->exit_code,
				exit_status(conv, END_EXITED, vm->exit_code));
		else if (vm->exit_code > 0xff)
			ctl_err("(the exit status carries only the low byte, %u)",
				vm->exit_code & 0xff);
		return END_EXITED;
	case MINIVMM_STOP_HALTED:
		ctl_err("VM halted");
		return END_HALTED;
	case MINIVMM_STOP_POWEROFF:
		/* QEMU also exits 0 when its guest powers off. */
		ctl_err("VM powered off");
		return END_HALTED;
	case MINIVMM_STOP_CRASHED:
		ctl_err("VM crashed (triple fault)");
		return END_FAILED;
	case MINIVMM_STOP_BAD_GPA:
		ctl_err("VM stopped: access to guest-physical address 0x%" PRIx64 " outside RAM",
			vm->error_gpa);
		return END_FAILED;
	case MINIVMM_STOP_INTERNAL_ERROR:
		ctl_err("VM stopped: internal error, raw exit code 0x%" PRIx64,
			vm->error_raw);
		return END_FAILED;
	case MINIVMM_STOP_USER:
		ctl_err("VM stopped by request");
		return END_FAILED;
	default:
		ctl_err("VM stopped for an unknown reason (%u)", vm->stop_reason);
		return END_FAILED;
	}
}

/* Flat images: the same checks as before there was a choice of format. */
static int check_flat(const char *image, enum ctl_mode mode, uint64_t mem)
{
	struct stat st;

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
	return 0;
}

/* Everything run does after the options; returns how it ended. */
/* What run was asked to do, once the command line is checked. */
struct run_req {
	const char *image, *name, *append, *initrd;
	char *const *modules;
	unsigned int nmods;
	enum ctl_format fmt;
	enum ctl_mode mode;
	enum run_status conv;
	uint64_t mem;
	uint32_t vcpus;
	struct ctl_create_opts create;
	struct virtio_setup *devs;
	bool detach;		/* leave the VM running: print its id, exit 0 */
	bool bios_state;	/* --bios-state (Multiboot only) */
};

/* Check the image before creating anything: 0, or -1 after a message. */
static int prepare_image(const struct run_req *r, struct ctl_mb_boot **boot,
			 struct ctl_bz_boot **bz)
{
	if (r->fmt == CTL_FMT_MULTIBOOT) {
		*boot = ctl_mb_prepare("run", r->image, r->mem, r->append,
				       r->modules, r->nmods);
		return *boot ? 0 : -1;
	}
	if (r->fmt == CTL_FMT_BZIMAGE) {
		*bz = ctl_bz_prepare("run", r->image, r->mem, r->append, r->initrd);
		return *bz ? 0 : -1;
	}
	return check_flat(r->image, r->mode, r->mem);
}

static enum run_end run_image(const struct run_req *r, uint32_t *code)
{
	const struct virtio_setup *devs = r->devs;
	const char *name = r->name, *image = r->image;
	enum ctl_mode mode = r->mode;
	uint32_t id, vcpus = r->vcpus;
	uint64_t mem = r->mem;
	pid_t server = -1;
	struct ctl_mb_boot *boot = NULL;
	struct ctl_bz_boot *bz = NULL;
	enum run_end end = END_FAILED;
	struct ctl_vm vm;
	int vmfd = -1, con = -1;

	if (prepare_image(r, &boot, &bz))
		return END_FAILED;
	if (install_signals() < 0 ||
	    ctl_vm_create_opts("run: create", name, mem, vcpus, &r->create, &id)) {
		ctl_mb_free(boot);
		ctl_bz_free(bz);
		return END_FAILED;
	}

	vmfd = ctl_open_vm("run", id);
	if (vmfd < 0)
		goto out;
	if (boot) {
		if (ctl_mb_load("run", vmfd, boot) ||
		    (r->bios_state && ctl_bios_state("run", vmfd, boot)))
			goto out;
	} else if (bz) {
		struct ctl_acpi_dev acpi_devs[CTL_ACPI_MAX_DEVS];
		unsigned int nacpi = virtio_acpi_devs(devs, acpi_devs);

		if (ctl_bz_load("run", vmfd, bz) ||
		    ctl_acpi_write("run", vmfd, vcpus ? vcpus : 1, acpi_devs,
				   nacpi) ||
		    (vcpus > 1 && ctl_mptable_write("run", vmfd, vcpus)))
			goto out;
	} else if (ctl_setup_mode("run", vmfd, mode, mem) ||
		   ctl_load_file("run", vmfd, image, CTL_IMAGE_GPA, mem)) {
		goto out;
	}
	con = ctl_console_open("run", vmfd);
	if (con < 0)
		goto out;
	/* Devices: a child process serves them (as "serve" would). */
	if (devs->n || devs->testdev) {
		struct virtio_server *srv = virtio_attach("run", vmfd, mem, devs);

		if (!srv)
			goto out;
		server = fork();
		if (server == 0) {
			close(con);
			signal(SIGINT, SIG_IGN);
			signal(SIGHUP, SIG_IGN);
			_exit(virtio_serve(srv, -1) ? CTL_EXIT_FAIL : 0);
		}
		virtio_free(srv);
		if (server < 0) {
			ctl_err("run: fork: %s", strerror(errno));
			goto out;
		}
	}
	if (got_signal || start_vm(id))
		goto out;
	if (r->detach) {
		printf("%u\n", id);
		end = END_DETACHED;
		goto out;
	}
	if (ctl_console_pump("run", con, wake_pipe[0]))
		goto out;
	if (ctl_vm_get_id("run", id, &vm))
		goto out;
	end = report(&vm, r->conv, code);
out:
	ctl_mb_free(boot);
	ctl_bz_free(bz);
	if (end == END_DETACHED)	/* started: a late signal changes nothing */
		got_signal = 0;
	if (got_signal)
		ctl_err("run: interrupted by signal %d; destroying VM '%s'",
			(int)got_signal, name);
	if (con >= 0)
		close(con);
	if (vmfd >= 0)
		close(vmfd);
	if (end != END_DETACHED && destroy_vm(id) && end != END_EXITED)
		end = END_FAILED;
	if (server > 0)
		waitpid(server, NULL, 0);
	return got_signal ? END_FAILED : end;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "name", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "append", required_argument, NULL, 'a' },
		{ "module", required_argument, NULL, 'd' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "exit-status", required_argument, NULL, 'x' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "disk", required_argument, NULL, 'D' },
		{ "net", required_argument, NULL, 'N' },
		{ "rng", no_argument, NULL, 'R' },
		{ "testdev", no_argument, NULL, 'T' },
		{ "bios-state", no_argument, NULL, OPT_BIOS_STATE },
		{ "detach", no_argument, NULL, OPT_DETACH },
		{ "cpu-model", required_argument, NULL, OPT_CPU_MODEL },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_create_opts create = { .cpu_model = MINIVMM_CPU_HOST };
	bool detach = false, bios_state = false;
	static struct virtio_setup devs;
	char *full_append = NULL;
	enum ctl_mode mode = CTL_MODE_LONG;
	enum ctl_format fmt = CTL_FMT_AUTO;
	enum run_status conv = STATUS_CODE;
	enum run_end end;
	const char *mem_arg = "16M", *name = NULL, *image, *append = NULL;
	const char *initrd = NULL;
	char *modules[CTL_MB_MAX_MODULES];
	char defname[MINIVMM_NAME_MAX];
	unsigned int nmods = 0;
	bool mode_set = false;
	uint32_t code = 0, vcpus = 0;
	uint64_t mem;
	int c, ret;

	while ((c = getopt_long(argc, argv, "m:M:n:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mem_arg = optarg;
			break;
		case 'M':
			if (ctl_parse_mode(optarg, &mode) < 0)
				return ctl_usage_error("run: --mode must be real, prot32 or long, not '%s'",
						       optarg);
			mode_set = true;
			break;
		case 'n':
			name = optarg;
			break;
		case 'f':
			if (ctl_parse_format(optarg, &fmt) < 0)
				return ctl_usage_error("run: --format must be flat, multiboot or bzimage, not '%s'",
						       optarg);
			break;
		case 'a':
			append = optarg;
			break;
		case 'd':
			if (nmods == CTL_MB_MAX_MODULES)
				return ctl_usage_error("run: more than %u --module options",
						       CTL_MB_MAX_MODULES);
			modules[nmods++] = optarg;
			break;
		case 'i':
			if (initrd)
				return ctl_usage_error("run: more than one --initrd option");
			initrd = optarg;
			break;
		case 'c': {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !v ||
			    v > MINIVMM_MAX_VCPUS || optarg[0] == '-')
				return ctl_usage_error("run: --vcpus must be 1 to %u, not '%s'",
						       MINIVMM_MAX_VCPUS, optarg);
			vcpus = (uint32_t)v;
			break;
		}
		case OPT_DETACH:
			detach = true;
			break;
		case OPT_BIOS_STATE:
			bios_state = true;
			break;
		case OPT_CPU_MODEL:
			if (ctl_parse_cpu_model("run", optarg, &create.cpu_model))
				return CTL_EXIT_USAGE;
			break;
		case 'x':
			if (!strcmp(optarg, "code"))
				conv = STATUS_CODE;
			else if (!strcmp(optarg, "qemu"))
				conv = STATUS_QEMU;
			else
				return ctl_usage_error("run: --exit-status must be code or qemu, not '%s'",
						       optarg);
			break;
		default:
			ret = ctl_virtio_option(&devs, "run", c, optarg);
			if (ret < 0)
				return CTL_EXIT_USAGE;
			if (ret > 0)
				return ctl_bad_option("run", argv);
			break;
		}
	}
	if (optind + 1 != argc)
		return ctl_usage_error("run needs exactly one IMAGE");
	if (detach && (devs.n || devs.testdev))
		return ctl_usage_error("run: --detach leaves no process to serve --disk, --net, --rng or --testdev devices (create, load and start the VM, then run serve)");
	image = argv[optind];
	ret = ctl_check_mem("run", mem_arg, &mem);
	if (ret)
		return ret;
	if (!name) {
		snprintf(defname, sizeof(defname), "run-%ld", (long)getpid());
		name = defname;
	}

	if (fmt == CTL_FMT_AUTO) {
		fmt = ctl_detect_format("run", image);
		switch (fmt) {
		case CTL_FMT_AUTO:	/* could not read it: said why */
			return exit_status(conv, END_FAILED, 0);
		case CTL_FMT_ELF:
			ctl_err("run: '%s' is an ELF file without a Multiboot header; run loads Multiboot kernels, Linux bzImages and flat binaries (--format flat loads its raw bytes)",
				image);
			return exit_status(conv, END_FAILED, 0);
		default:
			break;
		}
	}
	if (fmt == CTL_FMT_MULTIBOOT && mode_set)
		return ctl_usage_error("run: --mode applies to flat images, and '%s' is loaded as a Multiboot kernel, which always starts in 32-bit protected mode (--format flat loads it as a flat image)",
				       image);
	if (fmt == CTL_FMT_BZIMAGE && mode_set)
		return ctl_usage_error("run: --mode applies to flat images, and '%s' is loaded as a Linux bzImage, which always starts in 64-bit mode (--format flat loads it as a flat image)",
				       image);
	if (fmt == CTL_FMT_BZIMAGE && nmods)
		return ctl_usage_error("run: --module needs a Multiboot kernel, and '%s' is loaded as a Linux bzImage (--initrd passes an initramfs)",
				       image);
	if (fmt == CTL_FMT_FLAT && (append || nmods))
		return ctl_usage_error("run: --append and --module need a Multiboot kernel or a Linux bzImage, and '%s' is loaded as a flat image",
				       image);
	if (fmt != CTL_FMT_MULTIBOOT && bios_state)
		return ctl_usage_error("run: --bios-state sets up the machine as a BIOS leaves it to a Multiboot kernel, and '%s' is loaded as a %s",
				       image, fmt == CTL_FMT_FLAT ? "flat image" :
				       "Linux bzImage");
	if (fmt != CTL_FMT_BZIMAGE && initrd)
		return ctl_usage_error("run: --initrd needs a Linux bzImage, and '%s' is loaded as a %s",
				       image, fmt == CTL_FMT_FLAT ? "flat image" :
				       "Multiboot kernel (--module passes files to it)");

	if (devs.n && fmt == CTL_FMT_BZIMAGE) {
		/* The devices, on the kernel command line (virtio_mmio). */
		char extra[VIRTIO_MAX_DEVS * 48];

		virtio_cmdline(&devs, extra, sizeof(extra));
		if (asprintf(&full_append, "%s%s", append ? append : "",
			     append ? extra : extra + 1) < 0) {
			ctl_err("run: out of memory");
			return exit_status(conv, END_FAILED, 0);
		}
		append = full_append;
	}
	{
		struct run_req r = {
			.image = image, .name = name, .append = append,
			.initrd = initrd, .modules = modules, .nmods = nmods,
			.fmt = fmt, .mode = mode, .conv = conv, .mem = mem,
			.vcpus = vcpus, .create = create, .devs = &devs,
			.detach = detach, .bios_state = bios_state,
		};

		end = run_image(&r, &code);
	}
	free(full_append);
	return exit_status(conv, end, code);
}
