// SPDX-License-Identifier: GPL-2.0
/*
 * timeit [--after SHELL] N CMD [ARG...]: run CMD N times in a row (stdout
 * and stderr to /dev/null) and print "timeit n=N avg_us=A min_us=M
 * fails=F", wall clock (CLOCK_MONOTONIC) per run.  A run fails when CMD
 * exits non-zero.  --after: run "sh -c SHELL" after each run, untimed (to
 * remove what the run made, e.g. a file or a VM); its failure counts as
 * the run's.  Static, no libraries: busybox's time has only 10 ms
 * resolution.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Run @argv with stdout and stderr to /dev/null; 0 when it exited 0. */
static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("timeit: fork");
		exit(1);
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("timeit: waitpid");
		exit(1);
	}
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* "sh -c @cmd", as run(). */
static int run_shell(char *cmd)
{
	char *argv[4];

	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	return run(argv);
}

int main(int argc, char **argv)
{
	double total = 0, min = -1;
	char *after = NULL;
	int n = 0, i, fails = 0;

	if (argc > 2 && !strcmp(argv[1], "--after")) {
		after = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc >= 3)
		n = atoi(argv[1]);
	if (n <= 0) {
		fprintf(stderr, "usage: timeit [--after SHELL] N CMD [ARG...]\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		double t0 = now_us(), dt;
		int failed = run(argv + 2);

		dt = now_us() - t0;
		if (after && run_shell(after))
			failed = 1;
		fails += failed;
		total += dt;
		if (min < 0 || dt < min)
			min = dt;
	}
	printf("timeit n=%d avg_us=%.0f min_us=%.0f fails=%d\n", n, total / n,
	       min, fails);
	return 0;
}
