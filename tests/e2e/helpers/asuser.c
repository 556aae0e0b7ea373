// SPDX-License-Identifier: GPL-2.0
/* asuser CMD [ARGS...]: run CMD as uid/gid 65534 (nobody), no groups. */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: asuser CMD [ARGS...]\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("asuser: dropping privileges");
		return 126;
	}
	execvp(argv[1], argv + 1);
	perror("asuser: exec");
	return 127;
}
