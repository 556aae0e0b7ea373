# SPDX-License-Identifier: GPL-2.0
# Snapshot benchmarks (issue 17): a guest whose RAM holds data.  Writes
# (address ^ PATTERN) into the first word of every 4 KiB page from the
# first page after this image up to PCT percent of RAM (RBX at entry),
# prints "fill: filled", then waits, polling the word at FLAG (0x7000,
# the bottom of the loader's stack area, which the stack never reaches):
#	1  exit 0 at once (the restore benchmark: the guest's next
#	   instruction after a restore reads the flag and leaves);
#	2  read every filled page back, print "fill: ok" and exit 0, or
#	   "fill: bad" and exit 0x61 on a mismatch (the check that a restored
#	   guest got its RAM back).
# Below the image only the loader's tables, the stack and the flag hold
# data, so PCT 100 (fill.bin) leaves 7 zero pages (of the 17 below 0x11000)
# and the save writes all of RAM but those; PCT 10 (fill10.bin) writes a
# tenth of it.
	.code64
	.include "bench.inc"
	.ifndef PCT
	.equ PCT, 100
	.endif
	.equ FLAG, 0x7000
	.globl _start
_start:
	movabs $0x5a5aa5a5c3c33c3c, %r14
	mov %rbx, %rax			# end = RAM * PCT / 100, page aligned
	mov $PCT, %ecx
	mul %rcx
	mov $100, %ecx
	div %rcx
	and $~0xfff, %rax
	mov %rax, %r15
	lea image_end(%rip), %rdi
	add $0xfff, %rdi
	and $~0xfff, %rdi
	mov %rdi, %r13			# first filled page
	call fill_pages
	PUTS m_filled
wait:	mov FLAG, %rax
	cmp $1, %rax
	je done
	cmp $2, %rax
	je check
	pause
	jmp wait
check:	mov %r13, %rdi
3:	cmp %r15, %rdi
	jae 4f
	mov %rdi, %rax
	xor %r14, %rax
	cmp %rax, (%rdi)
	jne bad
	add $0x1000, %rdi
	jmp 3b
4:	PUTS m_ok
done:	EXIT 0
bad:	PUTS m_bad
	EXIT 0x61
m_filled: .asciz "fill: filled\n"
m_ok:	.asciz "fill: ok\n"
m_bad:	.asciz "fill: bad\n"
	.text 2
image_end:
