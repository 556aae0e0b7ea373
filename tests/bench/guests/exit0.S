# SPDX-License-Identifier: GPL-2.0
# The first instruction exits with code 0: for create -> first guest
# instruction -> destroy latency.
	.code64
	.globl _start
_start:
	xor %eax, %eax
	out %eax, $0xf4
1:	hlt
	jmp 1b
