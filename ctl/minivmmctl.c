// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl: manage minivmm virtual machines.
 *
 * Exit status: 0 success, 1 the request failed (a sentence on stderr says
 * why), 2 bad command line; "run" exits with the guest's exit code.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "ctl.h"

static const struct ctl_cmd commands[] = {
	{ "info", "[--json]", "show the hypervisor: API version, vendor, CPUs, features",
	  cmd_info },
	{ "create", "NAME --mem SIZE [--vcpus N] [--prealloc] [--mem-limit SIZE]\n"
	  "      [--cgroup PATH|none] [--cpu-model host|baseline]",
	  "create a VM with SIZE bytes of RAM (64K, 16M, 1G), granted as the\n"
	  "      guest touches it (--prealloc: all at once), at most --mem-limit;\n"
	  "      its vCPU threads run in cgroup v2 PATH (default minivmm/NAME);\n"
	  "      --cpu-model baseline: a CPU the same on AMD and Intel hosts, so\n"
	  "      that a saved VM restores on either; prints its id",
	  cmd_create },
	{ "load", "NAME|ID FILE [--addr GPA] [--mode real|prot32|long]",
	  "write FILE into guest RAM at GPA (default 0x10000); --mode also\n"
	  "      sets up that CPU mode as run does (tables below 0x10000, registers)",
	  cmd_load },
	{ "start", "NAME|ID", "start a created VM", cmd_start },
	{ "pause", "NAME|ID", "pause a running VM (its vCPUs stop being scheduled)",
	  cmd_pause },
	{ "resume", "NAME|ID", "resume a paused VM", cmd_resume },
	{ "stop", "[--force] [--timeout MS] NAME|ID",
	  "stop a running VM: ask the guest, take the CPU back after MS\n"
	  "      milliseconds (kernel default 250); --force: at once",
	  cmd_stop },
	{ "destroy", "[--force] NAME|ID",
	  "destroy a VM and free its memory (--force: even while running)",
	  cmd_destroy },
	{ "list", "[--json]",
	  "list VMs: id, name, state, memory, vCPUs, why stopped", cmd_list },
	{ "stats", "[--json] [NAME|ID]",
	  "state, memory granted and touched, run time, exits per reason,\n"
	  "      console bytes, unclaimed I/O: of one VM, or of all",
	  cmd_stats },
	{ "top", "[--interval SEC] [--once]",
	  "live view: per VM, exits per second by reason (refreshes every\n"
	  "      SEC, default 1; --once: one plain sample after one interval)",
	  cmd_top },
	{ "events", "[--json]",
	  "print VM lifecycle events (created, started, exited, crashed, ...)\n"
	  "      one per line as they happen, until interrupted",
	  cmd_events },
	{ "policy", "[--json]",
	  "show the resource limits (VMs, memory, vCPUs per VM) and their use",
	  cmd_policy },
	{ "policy set", "[--max-vms N] [--max-mem SIZE] [--max-vcpus N]\n"
	  "      [--max-granted SIZE] [--overcommit PCT%]",
	  "change the resource limits (root): RAM granted to all VMs, declared\n"
	  "      RAM allowed as a percentage of --max-mem", NULL },
	{ "set", "NAME|ID [--mem-limit SIZE|none] [--mem-target SIZE|none]\n"
	  "      [--cpu-max PCT%|max] [--cpu-weight N] [--cpus LIST]",
	  "change a VM's resources while it runs: memory limit, balloon target,\n"
	  "      cpu.max, cpu.weight, cpuset.cpus of its cgroup",
	  cmd_set },
	{ "console", "NAME|ID",
	  "attach to the VM's serial console: its output to stdout, stdin to the guest, until the VM stops (Ctrl-] leaves)", cmd_console },
	{ "save", "[--stop] NAME|ID FILE",
	  "save the VM to FILE (RAM, vCPUs, devices): a running VM is paused\n"
	  "      for the copy and resumed, or stopped with --stop",
	  cmd_save },
	{ "restore", "[--name NAME] [--paused] FILE",
	  "create a VM from a saved FILE and start it where it was saved\n"
	  "      (--paused: leave it created, for start); prints its id",
	  cmd_restore },
	{ "clone", "NAME|ID NEWNAME",
	  "a running copy of a VM, with RAM of its own; prints its id",
	  cmd_clone },
	{ "migrate", "NAME|ID HOST:PORT|- [--max-downtime MS] [--bandwidth RATE]\n"
	  "      [--max-rounds N] [--timeout SEC] [--json]",
	  "move a running VM to a receiver (or through stdin/stdout with -):\n"
	  "      pre-copy rounds, then a short pause; destroyed here once the\n"
	  "      receiver runs it, resumed here if anything fails",
	  cmd_migrate },
	{ "receive", "--listen [ADDR:]PORT|- [--name NAME] [--timeout SEC]",
	  "accept one migration and run the VM here; prints its id",
	  cmd_receive },
	{ "state", "NAME|ID [--vcpu N] [--json] [--save FILE] [--set NAME=VALUE]...\n"
	  "      | NAME|ID [--vcpu N] --load FILE",
	  "a vCPU's whole state (registers, segments, control and debug\n"
	  "      registers, MSRs, pending events, local APIC, FPU) of a VM that\n"
	  "      is not running; --vcpu: which vCPU (default 0); --save/--load:\n"
	  "      to/from FILE (binary); --set: change fields (rip, rax, cr0,\n"
	  "      efer, cs.l, ...) and write it back",
	  cmd_state },
	{ "run", "[--mem SIZE] [--vcpus N] [--mode real|prot32|long] [--name NAME]\n"
	  "      [--format flat|multiboot|bzimage] [--append STRING]\n"
	  "      [--module FILE]... [--initrd FILE] [--exit-status code|qemu]\n"
	  "      [--disk FILE[,ro]]... [--net tap:NAME]... [--rng] [--testdev]\n"
	  "      [--bios-state] [--cpu-model host|baseline] [--detach] IMAGE",
	  "create, load IMAGE (a flat binary at 0x10000, a Multiboot v1 kernel\n"
	  "      or a Linux bzImage with --initrd: detected, or as --format says),\n"
	  "      start, show the console, destroy; exit with the guest's exit\n"
	  "      code (default 16M, long mode) or, with --exit-status=qemu,\n"
	  "      (code << 1) | 1 as QEMU's isa-debug-exit; --detach: print the\n"
	  "      id of the started VM and leave it running; --testdev: QEMU's\n"
	  "      pc-testdev (kvm-unit-tests); --bios-state: the 8259s, PIT and\n"
	  "      real-mode interrupt table as a BIOS leaves them (Multiboot)",
	  cmd_run },
	{ "serve", "NAME|ID [--disk FILE[,ro]]... [--net tap:NAME]... [--rng]\n"
	  "      [--testdev]",
	  "be the device process of a VM made with create/start: serve its\n"
	  "      virtio-mmio devices until it stops; resumes a VM paused because\n"
	  "      its previous device process went away",
	  cmd_serve },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

char ctl_last_err[256];

void ctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("minivmmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* Kept for whoever must pass the sentence on (receive). */
	va_start(ap, fmt);
	vsnprintf(ctl_last_err, sizeof(ctl_last_err), fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: minivmmctl COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %s %s\n      %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(out, "  help\n      show this text\n");
	fprintf(out, "\nNAME|ID: a VM name, or its decimal id.\n"
		"\nexit status:\n"
		"  0  success (run: the guest halted or exited with code 0)\n"
		"  1  failure: the request failed, the guest crashed or was stopped\n"
		"  2  usage error (bad command line)\n"
		"  run: otherwise the low byte of the guest's exit code (port 0xf4)\n"
		"  run --exit-status=qemu: (code << 1) | 1 after a guest exit, 0 if the\n"
		"     guest halted, 2 for any failure or usage error\n"
		"\n--json output: list and stats (all VMs) print one JSON array,\n"
		"info, policy and stats NAME|ID one object, events one object per line.\n");
}

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("minivmmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	usage(stderr);
	return CTL_EXIT_USAGE;
}

int ctl_bad_option(const char *what, char **argv)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (optopt && opt[0] == '-' && opt[1] != '-')
		return ctl_usage_error("%s: bad option '-%c' (unknown, or its value is missing)",
				       what, optopt);
	return ctl_usage_error("%s: bad option '%s' (unknown, or its value is missing)",
			       what, opt);
}

int main(int argc, char **argv)
{
	size_t i;

	opterr = 0;	/* ctl_bad_option() says it in our own words */
	if (argc < 2)
		return ctl_usage_error("no command given");
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (commands[i].run && !strcmp(argv[1], commands[i].name)) {
			int ret = commands[i].run(argc - 1, argv + 1);

			if (fflush(stdout) != 0 && ret == CTL_EXIT_OK) {
				ctl_err("writing to stdout failed");
				ret = CTL_EXIT_FAIL;
			}
			return ret;
		}
	return ctl_usage_error("unknown command '%s'", argv[1]);
}
