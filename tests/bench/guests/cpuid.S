# SPDX-License-Identifier: GPL-2.0
# CPUID leaf 0, ITERS times: one CPUID exit round trip each (both
# hypervisors intercept CPUID unconditionally and answer in the kernel).
	.code64
	.include "bench.inc"
	.globl _start
_start:
	mov $ITERS, %r12
	TSC_START
1:	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	dec %r12
	jnz 1b
	REPORT
