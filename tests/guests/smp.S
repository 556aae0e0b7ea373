# SPDX-License-Identifier: GPL-2.0
# Multiprocessor guest (long mode, "minivmmctl run --vcpus N", N >= 2):
#  1. the BSP reads the CPU count from fw_cfg (key 5), sends INIT (assert
#     and de-assert) and SIPI to all but itself through the xAPIC ICR, then
#     a second SIPI, which the APs, running by then, must ignore;
#  2. each AP runs the trampoline below (real mode at vector << 12 ->
#     protected mode -> long mode on the BSP's page tables) exactly once;
#  3. every CPU adds 1 to a shared counter INCS times under a spinlock
#     (XCHG), the BSP checks the total is exactly N * INCS;
#  4. x2APIC on every CPU, then ROUNDS round trips of a fixed IPI (vector
#     0x40, physical destination) around the ring 0 -> 1 -> ... -> N-1 -> 0;
#     each CPU counts what it received, the BSP checks every count.
# Prints "smp cpus N started S counter C rounds R hits H" (hex) and exits
# with 0x40 | failure bits:
#   bit 0 fewer than 2 CPUs        bit 1 APs started != N-1
#   bit 2 counter != N * INCS      bit 3 rounds != ROUNDS
#   bit 4 some CPU's hits != ROUNDS
# ROUNDS and INCS are --defsym'd per variant (Makefile).
# With BENCH defined (tests/bench/guests, ITERS = ROUNDS), the ring is also
# timed: "bench cycles=C iters=ROUNDS" (decimal, TSC ticks of the whole
# ring) comes first, and a run without failures exits 0 for the bench.
	.code64
	.ifdef BENCH
	.include "bench.inc"
	.else
	.include "lib64.inc"
	.endif

	.ifndef ROUNDS
	.equ ROUNDS, 1000
	.endif
	.ifndef INCS
	.equ INCS, 20000
	.endif
	.equ APIC, 0xfee00000
	.equ APIC_SVR, 0xf0
	.equ APIC_ICR, 0x300
	.equ APIC_ICR2, 0x310
	.equ MSR_APIC_BASE, 0x1b
	.equ MSR_X2_ID, 0x802
	.equ MSR_X2_EOI, 0x80b
	.equ MSR_X2_SVR, 0x80f
	.equ MSR_X2_ICR, 0x830
	.equ VEC_RING, 0x40
	.equ AP_STACKS, 0x200000	# AP n: stack in 0x200000 + [n*4K, (n+1)*4K)
	.equ MAX_CPUS, 64

	.globl _start
_start:
	xor %r15d, %r15d			# failures
	call setup_idt
	lidt idtr(%rip)
	mov $APIC, %r8d
	movl $0x1ff, APIC_SVR(%r8)		# APIC on, spurious 0xff

	# CPU count from fw_cfg
	mov $5, %ax
	mov $0x510, %dx
	out %ax, %dx
	mov $0x511, %dx
	in %dx, %al
	movzbl %al, %ebx
	in %dx, %al
	movzbl %al, %eax
	shl $8, %eax
	or %eax, %ebx
	mov %ebx, ncpus(%rip)
	cmp $2, %ebx
	jae 1f
	or $1, %r15d
	jmp report
1:	cmp $MAX_CPUS, %ebx
	jbe 2f
	or $1, %r15d
	jmp report

	# INIT assert, INIT de-assert, SIPI, all but self
2:	lea ap_tramp(%rip), %rax
	shr $12, %eax
	mov %eax, %r9d				# the SIPI vector
	movl $0, APIC_ICR2(%r8)
	movl $0x000c4500, APIC_ICR(%r8)	# INIT, assert, all-but-self
	movl $0x000c8500, APIC_ICR(%r8)	# INIT de-assert (ignored)
	mov %r9d, %eax
	or $0x000c4600, %eax
	mov %eax, APIC_ICR(%r8)			# SIPI

	# wait for N-1 APs
	mov ncpus(%rip), %ebx
	dec %ebx
3:	pause
	cmp started(%rip), %ebx
	jne 3b
	# a second SIPI: every AP runs already and must ignore it
	mov %r9d, %eax
	or $0x000c4600, %eax
	mov %eax, APIC_ICR(%r8)

	call count_work				# the BSP's share
	# wait until every AP has added its share
	mov ncpus(%rip), %ebx
	dec %ebx
4:	pause
	cmp done(%rip), %ebx
	jne 4b
	# check the counter: N * INCS
	mov ncpus(%rip), %eax
	imul $INCS, %rax
	cmp counter(%rip), %rax
	je 5f
	or $4, %r15d
5:	mov started(%rip), %eax
	inc %eax
	cmp ncpus(%rip), %eax
	je 6f
	or $2, %r15d

	# the IPI ring
6:	call x2apic_on
	sti
	xor %r12d, %r12d			# rounds sent
	.ifdef BENCH
	TSC_START				# R14
	.endif
7:	cmp $ROUNDS, %r12d
	je 9f
	inc %r12d
	mov $1, %edx				# to CPU 1
	mov $VEC_RING, %eax
	mov $MSR_X2_ICR, %ecx
	wrmsr
8:	cli
	cmp rounds(%rip), %r12d
	je 7b
	sti
	hlt
	jmp 8b
9:
	.ifdef BENCH
	lfence
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub %r14, %rax
	mov %rax, %r13				# the ring's TSC ticks
	.endif
	cli
	cmpl $ROUNDS, rounds(%rip)
	je 10f
	or $8, %r15d
10:	xor %ecx, %ecx				# every CPU's hits
11:	lea hits(%rip), %rax
	cmpq $ROUNDS, (%rax,%rcx,8)
	je 12f
	or $16, %r15d
12:	inc %ecx
	cmp ncpus(%rip), %ecx
	jb 11b

report:
	.ifdef BENCH
	PUTS m_cycles
	mov %r13, %rax
	call putdec
	PUTS m_iters
	mov $ROUNDS, %eax
	call putdec
	mov $'\n', %al
	call putc
	.endif
	PUTS msg_cpus
	mov ncpus(%rip), %eax
	call puthex32
	PUTS msg_started
	mov started(%rip), %eax
	call puthex32
	PUTS msg_counter
	mov counter(%rip), %eax
	call puthex32
	PUTS msg_rounds
	mov rounds(%rip), %eax
	call puthex32
	PUTS msg_hits
	mov hits+8(%rip), %eax
	call puthex32
	mov $'\n', %al
	call putc
	mov %r15d, %eax
	.ifdef BENCH
	test %eax, %eax
	jz exit_eax				# 0: the bench's success
	.endif
	or $0x40, %eax
	jmp exit_eax

# puthex32: EAX as 8 hex digits.  Clobbers RAX, RCX.
puthex32:
	mov %eax, %ecx
	rol $8, %ecx
	mov %cl, %al
	call puthex8
	rol $8, %ecx
	mov %cl, %al
	call puthex8
	rol $8, %ecx
	mov %cl, %al
	call puthex8
	rol $8, %ecx
	mov %cl, %al
	jmp puthex8

# count_work: INCS times, under the spinlock, counter += 1 (a plain
# load-add-store, which only the lock makes safe).  Clobbers RAX, RCX.
count_work:
	mov $INCS, %ecx
1:	mov $1, %eax
2:	xchg %eax, lock(%rip)
	test %eax, %eax
	jz 3f
4:	pause
	cmpl $0, lock(%rip)
	jne 4b
	jmp 1b
3:	mov counter(%rip), %rax
	inc %rax
	mov %rax, counter(%rip)
	movl $0, lock(%rip)			# release (stores are ordered)
	dec %ecx
	jnz 1b
	ret

# x2apic_on: IA32_APIC_BASE.EXTD, then SVR.  Clobbers RAX, RCX, RDX.
x2apic_on:
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $0xc00, %eax
	wrmsr
	mov $MSR_X2_SVR, %ecx
	mov $0x1ff, %eax
	xor %edx, %edx
	wrmsr
	ret

# The ring: count, pass to the next CPU (the BSP ends a round), EOI.
ring_isr:
	push %rax
	push %rcx
	push %rdx
	xor %eax, %eax				# the CPU: from the stack
	cmp $AP_STACKS, %rsp
	jb 4f
	mov %rsp, %rax
	sub $AP_STACKS, %rax
	shr $12, %rax				# AP n's stack is page n
4:	lea hits(%rip), %rcx
	lock incq (%rcx,%rax,8)
	test %eax, %eax
	jnz 1f
	lock incl rounds(%rip)
	jmp 2f
1:	lea 1(%rax), %edx			# next CPU
	cmp ncpus(%rip), %edx
	jb 3f
	xor %edx, %edx
3:	mov $VEC_RING, %eax
	mov $MSR_X2_ICR, %ecx
	wrmsr
2:	mov $MSR_X2_EOI, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %rdx
	pop %rcx
	pop %rax
	iretq

spurious_isr:
	iretq

setup_idt:
	lea ring_isr(%rip), %rax
	mov $VEC_RING, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lea spurious_isr(%rip), %rax
	mov $0xff, %ecx
	lea idt(%rip), %rdi
	call set_gate
	ret

# An AP, in long mode on its own stack: count itself, do its share of
# the counter, then x2APIC and idle with interrupts on (the ring).
ap_main:
	lidt idtr(%rip)
	mov $APIC, %r8d
	movl $0x1ff, APIC_SVR(%r8)
	lock incl started(%rip)
	call count_work
	lock incl done(%rip)
	call x2apic_on
1:	sti
	hlt
	jmp 1b

msg_cpus:	.asciz "smp cpus "
msg_started:	.asciz " started "
msg_counter:	.asciz " counter "
msg_rounds:	.asciz " rounds "
msg_hits:	.asciz " hits1 "

	.balign 8
ncpus:		.long 0
started:	.long 0
done:		.long 0
rounds:		.long 0
lock:		.long 0
		.long 0
counter:	.quad 0
hits:		.fill MAX_CPUS, 8, 0
idtr:		.word 256 * 16 - 1
		.quad idt
	.balign 16
idt:		.fill 256 * 16, 1, 0

# The AP trampoline: real mode at CS = vector << 8, IP 0 (its own page).
	.balign 4096
	.code16
ap_tramp:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdtr - ap_tramp
	mov %cr0, %eax
	or $1, %eax				# PE
	mov %eax, %cr0
	ljmpl $0x08, $ap_prot32			# the loader's flat 32-bit code
	.code32
ap_prot32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $0x20, %eax				# PAE
	mov %eax, %cr4
	mov $0x1000, %eax			# the loader's PML4
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax				# EFER.LME
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax			# PG
	mov %eax, %cr0
	ljmp $0x18, $ap_long
	.code64
ap_long:
	mov $0x20, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $APIC, %ebx
	mov 0x20(%rbx), %eax			# xAPIC ID in 31:24
	shr $24, %eax
	inc %eax				# the top of page n
	shl $12, %rax
	add $AP_STACKS, %rax
	mov %rax, %rsp
	jmp ap_main
tramp_gdtr:	.word 0x37			# the loader's GDT at 0x800
		.long 0x800
