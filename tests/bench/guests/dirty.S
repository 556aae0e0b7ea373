# SPDX-License-Identifier: GPL-2.0
# Live migration benchmark (issue 20): a guest that dirties its RAM at a
# fixed rate and watches its own clock.  It first writes a word into every
# 4 KiB page from the first page after this image to the end of RAM (RBX),
# so that all of RAM holds data and must travel, and prints
# "dirty: filled".  Then, paced by the TSC, it writes one page every
# PERIOD ticks (the word at 0x7000, set by the host before start: TSC Hz /
# 256 is 1 MiB/s), stepping 513 pages a write so that consecutive writes
# land in different 2 MiB blocks.  It reads the TSC in a loop without
# pause and keeps the two largest gaps between consecutive reads of the
# loop (a write, and any fault it takes, falls in one): the time it did
# not run, as it sees it (a migration's pause is one such gap).
# Each write is timed on its own and counted in the phase the word at
# 0x7010 names: the host sets 0 before the migration, 1 while it runs
# (the log's first fetch write-protects every page, so nearly every write
# then is a write fault), 2 on the destination; larger values count as 2.
# Once the word at 0x7008 is not zero (the host writes it after the
# migration) it prints
#	dirty: writes=N ticks=T maxgap=G gap2=H
#	dirty: phase P n=N sum=S max=M		(P = 0, 1, 2)
# (decimal TSC ticks: writes made, ticks since the first write, the largest
# and second largest gaps; per phase the writes, their ticks and the
# slowest) and exits 0; exit 2 if PERIOD is 0.
	.code64
	.include "bench.inc"
	.equ PERIOD, 0x7000
	.equ FLAG, 0x7008
	.equ PHASE, 0x7010
	.equ STEP, 513

	.macro RDTSC64 reg
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, \reg
	.endm

	.globl _start
_start:
	movabs $0x5a5aa5a5c3c33c3c, %r14
	mov %rbx, %r15
	and $~0xfff, %r15		# end of RAM
	lea image_end(%rip), %rdi
	add $0xfff, %rdi
	and $~0xfff, %rdi
	mov %rdi, %r12			# first page written
	call fill_pages
	sub %r12, %r15
	shr $12, %r15			# pages in the written area
	mov PERIOD, %rbp
	test %rbp, %rbp
	jnz 3f
	PUTS m_noperiod
	EXIT 2
3:	PUTS m_filled
	xor %r8d, %r8d			# largest gap
	xor %r9d, %r9d			# second largest
	xor %r10d, %r10d		# writes
	xor %r11d, %r11d		# page index
	RDTSC64 %r13			# previous read
	mov %r13, %rcx			# start
	lea (%r13, %rbp), %rsi		# next write due
spin:	RDTSC64 %rdi
	mov %rdi, %rax
	sub %r13, %rax			# gap since the previous read
	mov %rdi, %r13
	cmp %r9, %rax
	jbe 4f
	mov %rax, %r9
	cmp %r8, %r9
	jbe 4f
	xchg %r8, %r9			# a new largest: the old one is second
4:	cmp %rsi, %rdi
	jb spin
	# due: write the page, at most one late write (no burst to catch up)
	add %rbp, %rsi
	cmp %rsi, %rdi
	jb 5f
	lea (%rdi, %rbp), %rsi
5:	mov %r11, %rbx
	shl $12, %rbx
	add %r12, %rbx			# the page
	RDTSC64 %rdi
	mov %rdi, (%rbx)
	push %rdi
	RDTSC64 %rdi			# R13 stays: the write is in the next gap
	sub (%rsp), %rax		# the write's ticks
	add $8, %rsp
	mov PHASE, %rbx
	cmp $2, %rbx
	jbe 7f
	mov $2, %ebx
7:	imul $24, %rbx
	lea acc(%rip), %rdx
	add %rdx, %rbx
	incq (%rbx)
	add %rax, 8(%rbx)
	cmp 16(%rbx), %rax
	jbe 8f
	mov %rax, 16(%rbx)
8:	inc %r10
	add $STEP, %r11
	cmp %r15, %r11
	jb 6f
	sub %r15, %r11
6:	cmpq $0, FLAG
	je spin
	sub %rcx, %rdi
	mov %rdi, %r13			# ticks since the start
	PUTS m_writes
	mov %r10, %rax
	call putdec
	PUTS m_ticks
	mov %r13, %rax
	call putdec
	PUTS m_maxgap
	mov %r8, %rax
	call putdec
	PUTS m_gap2
	mov %r9, %rax
	call putdec
	mov $'\n', %al
	call putc
	xor %ebx, %ebx
9:	PUTS m_phase
	mov %rbx, %rax
	call putdec
	imul $24, %rbx, %r12
	lea acc(%rip), %rdx
	add %rdx, %r12
	PUTS m_n
	mov (%r12), %rax
	call putdec
	PUTS m_sum
	mov 8(%r12), %rax
	call putdec
	PUTS m_max
	mov 16(%r12), %rax
	call putdec
	mov $'\n', %al
	call putc
	inc %ebx
	cmp $3, %ebx
	jb 9b
	EXIT 0
m_noperiod: .asciz "dirty: no period at 0x7000\n"
m_filled: .asciz "dirty: filled\n"
m_writes: .asciz "dirty: writes="
m_ticks: .asciz " ticks="
m_maxgap: .asciz " maxgap="
m_gap2:	.asciz " gap2="
m_phase: .asciz "dirty: phase "
m_n:	.asciz " n="
m_sum:	.asciz " sum="
m_max:	.asciz " max="
	.balign 8
acc:	.fill 9, 8, 0			# per phase: writes, ticks, slowest
	.text 2
image_end:
