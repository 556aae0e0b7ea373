// SPDX-License-Identifier: GPL-2.0
/*
 * asuser [-g GID]... [-n] CMD [ARGS...]: run CMD as uid/gid 65534 (nobody),
 * with only the supplementary groups given by -g, and with -n keeping
 * CAP_NET_ADMIN across the exec (an ambient capability): a local user who
 * may use the control plane but owns none of root's VMs.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#define NOBODY		65534
#define MAX_GROUPS	8

static int keep_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };
	unsigned int bit = 1u << CAP_NET_ADMIN;

	data[0].effective = data[0].permitted = data[0].inheritable = bit;
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0);
}

int main(int argc, char **argv)
{
	gid_t groups[MAX_GROUPS];
	int opt, ngroups = 0, net_admin = 0;

	while ((opt = getopt(argc, argv, "+g:n")) != -1) {
		if (opt == 'g' && ngroups < MAX_GROUPS)
			groups[ngroups++] = (gid_t)strtoul(optarg, NULL, 10);
		else if (opt == 'n')
			net_admin = 1;
		else
			goto usage;
	}
	if (optind >= argc)
		goto usage;
	if (net_admin && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) {
		perror("asuser: PR_SET_KEEPCAPS");
		return 126;
	}
	if (setgroups(ngroups, groups) || setgid(NOBODY) || setuid(NOBODY)) {
		perror("asuser: dropping privileges");
		return 126;
	}
	if (net_admin && keep_net_admin()) {
		perror("asuser: keeping CAP_NET_ADMIN");
		return 126;
	}
	execvp(argv[optind], argv + optind);
	perror("asuser: exec");
	return 127;
usage:
	fprintf(stderr, "usage: asuser [-g GID]... [-n] CMD [ARGS...]\n");
	return 2;
}
