// SPDX-License-Identifier: GPL-2.0
/*
 * tscaux: on every online CPU of this (host) machine, read TSC_AUX with
 * RDTSCP and check that it holds what Linux keeps there, the CPU number
 * in bits 11:0.  A guest's value left in the MSR after an exit would show
 * up here (and in getcpu()).
 * Exit 0 when all agree, 1 on a mismatch, 2 when the CPU has no RDTSCP.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

static unsigned int rdtscp_aux(void)
{
	unsigned int lo, hi, aux;

	asm volatile("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
	return aux;
}

static int check_cpu(int cpu)
{
	unsigned int aux;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return 0;	/* offline: nothing to read there */
	aux = rdtscp_aux();
	if ((int)(aux & 0xfff) != cpu) {
		printf("tscaux: CPU %d has TSC_AUX 0x%x, not its number\n",
		       cpu, aux);
		return 1;
	}
	return 0;
}

int main(void)
{
	unsigned int a, b, c, d;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	int cpu, bad = 0;

	if (!__get_cpuid(0x80000001, &a, &b, &c, &d) || !(d & (1u << 27))) {
		printf("tscaux: this CPU has no RDTSCP\n");
		return 2;
	}
	for (cpu = 0; cpu < cpus; cpu++)
		bad |= check_cpu(cpu);
	if (!bad)
		printf("tscaux: TSC_AUX holds the CPU number on all %ld CPUs\n",
		       cpus);
	return bad;
}
