/* SPDX-License-Identifier: GPL-2.0 */
/* minivmmctl internals shared by the subcommand files. */
#ifndef MINIVMMCTL_H
#define MINIVMMCTL_H

#include <stdbool.h>
#include <netlink/attr.h>
#include "uapi/minivmm.h"

/* Documented exit codes (minivmmctl(8)). */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAIL = 1,	/* the request failed; a sentence on stderr */
	CTL_EXIT_USAGE = 2,	/* bad command line */
};

struct ctl_cmd {
	const char *name;
	const char *args;	/* usage synopsis after the name */
	const char *help;
	int (*run)(int argc, char **argv);
};

void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Netlink (nl.c).  ctl_nl_request() sends one command with no attributes
 * and hands each reply's parsed attributes to @handle.  Returns 0 or a
 * CTL_EXIT_* code after printing what went wrong.
 */
typedef int (*ctl_nl_handler)(struct nlattr **attrs, void *arg);
int ctl_nl_request(int cmd, ctl_nl_handler handle, void *arg);

int cmd_info(int argc, char **argv);

#endif /* MINIVMMCTL_H */
