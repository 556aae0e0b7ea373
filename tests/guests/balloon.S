# SPDX-License-Identifier: GPL-2.0
# Long mode: a tiny balloon driver (e2e 91), using the MINIVMM_HC_MEM_*
# hypercalls of uapi/minivmm.h.  RBX at entry = RAM size.
#  1. Fill its RAM from 8 MiB to the top (first and last word of each page
#     get address ^ pattern); print "balloon: filled".
#  2. Poll MEM_TARGET until it is below the RAM size; give back the top
#     (RAM - target) bytes (all but the lowest 4 MiB of the filled region
#     at most) with MEM_RETURN; print "balloon: returned".
#  3. Check that what it kept still holds its pattern (the guest keeps
#     running on it); print "balloon: kept ok".
#  4. Poll MEM_TARGET until it is back at the RAM size; MEM_RECLAIM the
#     pages, check each reads zero, fill and check them again.
# Exit 0x74 on success; 0x75 a hypercall failed; 0x76 kept memory changed;
# 0x77 a reclaimed page was not zero; 0x78 mismatch after refill; 0x79 RAM
# below 16 MiB or a target below 12 MiB.
	.code64
	.include "lib64.inc"
	.equ HC_MEM_TARGET, 5
	.equ HC_MEM_RETURN, 6
	.equ HC_MEM_RECLAIM, 7
	.equ START, 0x800000		# filled from here to the top of RAM
	.equ KEEP, 0x400000		# of which this much is never returned
	.equ MIN_RAM, 0x1000000
	.globl _start
_start:
	mov %rbx, %r13			# RAM size
	cmp $MIN_RAM, %r13
	jb small
	call hc_init
	movabs $0x5a5aa5a5c3c33c3c, %r14
	mov $START, %rdi
	mov %r13, %rsi
	call fill
	PUTS m_filled
	# 2. wait for a target below the RAM size
1:	pause
	mov $HC_MEM_TARGET, %eax
	call hypercall
	cmp %r13, %rax
	jae 1b
	cmp $(START + KEEP), %rax
	jb small
	mov %r13, %rcx
	sub %rax, %rcx			# bytes to give back
	mov %rax, %rbx			# from the target to the top
	mov %rbx, %r12			# remember where
	shr $12, %rcx			# pages
	mov %rcx, %rbp
	mov $HC_MEM_RETURN, %eax
	call hypercall
	cmp %rbp, %rax
	jne hcfail
	PUTS m_returned
	# 3. what we kept is intact
	mov $START, %rdi
	mov %r12, %rsi
	call check
	jc kept_bad
	PUTS m_kept
	# 4. wait for the target to come back up
2:	pause
	mov $HC_MEM_TARGET, %eax
	call hypercall
	cmp %r13, %rax
	jb 2b
	mov $HC_MEM_RECLAIM, %eax
	mov %r12, %rbx
	mov %rbp, %rcx
	call hypercall
	test %rax, %rax
	jnz hcfail
	mov %r12, %rdi
3:	cmpq $0, (%rdi)
	jne notzero
	cmpq $0, 4088(%rdi)
	jne notzero
	add $4096, %rdi
	cmp %r13, %rdi
	jb 3b
	mov %r12, %rdi
	mov %r13, %rsi
	call fill
	mov $START, %rdi
	mov %r13, %rsi
	call check
	jc refill_bad
	PUTS m_ok
	EXIT 0x74
hcfail:	PUTS m_hc
	EXIT 0x75
kept_bad: PUTS m_kbad
	EXIT 0x76
notzero: PUTS m_nz
	EXIT 0x77
refill_bad: PUTS m_rbad
	EXIT 0x78
small:	PUTS m_small
	EXIT 0x79

# fill [RDI, RSI): first and last word of each page = address ^ R14
fill:	mov %rdi, %rax
	xor %r14, %rax
	mov %rax, (%rdi)
	mov %rax, 4088(%rdi)
	add $4096, %rdi
	cmp %rsi, %rdi
	jb fill
	ret
# check [RDI, RSI): CF set on a mismatch
check:	mov %rdi, %rax
	xor %r14, %rax
	cmp %rax, (%rdi)
	jne 1f
	cmp %rax, 4088(%rdi)
	jne 1f
	add $4096, %rdi
	cmp %rsi, %rdi
	jb check
	clc
	ret
1:	stc
	ret

m_filled: .asciz "balloon: filled\n"
m_returned: .asciz "balloon: returned\n"
m_kept:	.asciz "balloon: kept ok\n"
m_ok:	.asciz "balloon: ok\n"
m_hc:	.asciz "balloon: a hypercall failed\n"
m_kbad:	.asciz "balloon: kept memory changed\n"
m_nz:	.asciz "balloon: a reclaimed page was not zero\n"
m_rbad:	.asciz "balloon: mismatch after refill\n"
m_small: .asciz "balloon: RAM below 16 MiB or a target below 12 MiB\n"
