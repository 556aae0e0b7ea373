/* SPDX-License-Identifier: GPL-2.0 */
/* One /proc/meminfo field in kB, for kvmrun and mvcreate. */
#ifndef BENCH_MEMINFO_H
#define BENCH_MEMINFO_H
#include <stdio.h>
#include <string.h>

/* The value of FIELD ("MemFree", ...) in kB, or -1. */
static inline long meminfo_kb(const char *field)
{
	char line[128];
	size_t n = strlen(field);
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}
#endif
