// SPDX-License-Identifier: GPL-2.0
/*
 * minivmmctl: manage minivmm virtual machines.
 *
 * Exit status: 0 success, 1 the request failed (a sentence on stderr says
 * why), 2 bad command line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "ctl.h"

static const struct ctl_cmd commands[] = {
	{ "info", "[--json]", "show the hypervisor: API version, vendor, CPUs, features",
	  cmd_info },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

void ctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("minivmmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
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

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return ctl_usage_error("no command given");
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return ctl_usage_error("unknown command '%s'", argv[1]);
}
