// SPDX-License-Identifier: GPL-2.0
/*
 * fpu-hammer: keep the host's vector registers busy and check they stay
 * ours.  Loads a pattern of its own (from the pid) into YMM0-15 (AVX, when
 * the OS enabled it) or XMM0-15, spins, stores them back and compares,
 * over and over, until SIGTERM.  Run beside guests that fill their own
 * registers: a guest value seen here, or ours seen there, is a leak.
 * Prints "fpu-hammer: avx|sse, N rounds" and exits 0, or exits 1 on the
 * first mismatch.
 */
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int have_avx(void)
{
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 27)) || !(c & (1u << 28)))	/* OSXSAVE, AVX */
		return 0;
	__asm__ volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (lo & 6) == 6;
}

#define REGS(op) \
	op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7) \
	op(8) op(9) op(10) op(11) op(12) op(13) op(14) op(15)

#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", \
	"xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", \
	"xmm14", "xmm15"

/* One round: load, spin, store; 1 when every register came back. */
static int round_avx(const uint8_t *pat, uint8_t *out)
{
#define LD(n) "vmovdqu " #n "*32(%0), %%ymm" #n "\n\t"
#define ST(n) "vmovdqu %%ymm" #n ", " #n "*32(%1)\n\t"
	__asm__ volatile(REGS(LD)
			 "mov $200000, %%ecx\n\t"
			 "1: dec %%ecx\n\t"
			 "jnz 1b\n\t"
			 REGS(ST)
			 : : "r" (pat), "r" (out) : "rcx", "memory", XMM_CLOBBERS);
	return !memcmp(pat, out, 16 * 32);
}

static int round_sse(const uint8_t *pat, uint8_t *out)
{
#define LDX(n) "movdqu " #n "*16(%0), %%xmm" #n "\n\t"
#define STX(n) "movdqu %%xmm" #n ", " #n "*16(%1)\n\t"
	__asm__ volatile(REGS(LDX)
			 "mov $200000, %%ecx\n\t"
			 "1: dec %%ecx\n\t"
			 "jnz 1b\n\t"
			 REGS(STX)
			 : : "r" (pat), "r" (out) : "rcx", "memory", XMM_CLOBBERS);
	return !memcmp(pat, out, 16 * 16);
}

int main(void)
{
	static uint8_t pat[16 * 32], out[16 * 32];
	int avx = have_avx();
	unsigned long rounds = 0;
	unsigned int i;

	for (i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(getpid() * 7 + i * 13 + 1);
	signal(SIGTERM, on_term);
	while (!stop) {
		if (!(avx ? round_avx(pat, out) : round_sse(pat, out))) {
			printf("fpu-hammer: registers changed under us after %lu rounds\n",
			       rounds);
			return 1;
		}
		rounds++;
	}
	printf("fpu-hammer: %s, %lu rounds\n", avx ? "avx" : "sse", rounds);
	return 0;
}
