# SPDX-License-Identifier: GPL-2.0
# Long mode: kvmclock as a guest sees it (kmod/kvmclock.c).
#   bit 0  CPUID 0x40000100 is not "KVMKVMKVM" with 0x40000101 or above
#   bit 1  CPUID 0x40000101 EAX lacks CLOCKSOURCE2 (bit 3)
#   bit 2  RDMSR of MSR_KVM_SYSTEM_TIME_NEW does not give back what was written
#   bit 3  the time structure at TIME: version odd or 0, no multiplier, or
#          its TSC stamp ahead of the TSC
#   bit 4  the clock (system_time + the scaled TSC since the stamp) did not
#          advance over a busy loop, or is 0
#   bit 5  the wall-clock structure at WALL: version odd, or seconds 0
# Prints "kvmclock: ok wall SSSSSSSS" (the wall-clock seconds of guest time
# 0, hex) and exits 0x70; else "kvmclock: failed checks 0xNN", exit 0x71.
	.code64
	.include "lib64.inc"
	.equ MSR_WALL, 0x4b564d00
	.equ MSR_TIME, 0x4b564d01
	.equ TIME, 0x30000		# struct pvclock_vcpu_time_info
	.equ WALL, 0x31000		# struct pvclock_wall_clock
	.globl _start
_start:
	xor %r12d, %r12d		# failures

	mov $0x40000100, %eax
	cpuid
	cmp $0x4b4d564b, %ebx		# "KVMK"
	jne 1f
	cmp $0x564b4d56, %ecx		# "VMKV"
	jne 1f
	cmp $0x4d, %edx			# "M\0\0\0"
	jne 1f
	cmp $0x40000101, %eax
	jae 2f
1:	or $1, %r12d
2:	mov $0x40000101, %eax
	cpuid
	test $8, %eax
	jnz 3f
	or $2, %r12d

3:	mov $MSR_TIME, %ecx		# on, at TIME
	mov $(TIME | 1), %eax
	xor %edx, %edx
	wrmsr
	rdmsr
	cmp $(TIME | 1), %eax
	jne 4f
	test %edx, %edx
	jz 5f
4:	or $4, %r12d

5:	mov TIME, %eax			# version: even, not 0
	test $1, %eax
	jnz 6f
	test %eax, %eax
	jz 6f
	cmpl $0, TIME + 24		# tsc_to_system_mul
	je 6f
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	cmp TIME + 8, %rax		# tsc_timestamp <= TSC
	jae 7f
6:	or $8, %r12d

7:	call clock_ns
	mov %rax, %r13
	mov $10000000, %ecx
8:	pause
	dec %ecx
	jnz 8b
	call clock_ns
	test %r13, %r13
	jz 9f
	cmp %r13, %rax
	ja 10f
9:	or $0x10, %r12d

10:	mov $MSR_WALL, %ecx
	mov $WALL, %eax
	xor %edx, %edx
	wrmsr
	testl $1, WALL			# version even
	jnz 11f
	cmpl $0, WALL + 4		# sec
	jne 12f
11:	or $0x20, %r12d

12:	test %r12d, %r12d
	jnz 13f
	PUTS m_ok
	mov WALL + 4, %ebx
	call puthex32
	mov $'\n', %al
	call putc
	EXIT 0x70
13:	PUTS m_bad
	mov %r12d, %eax
	call puthex8
	mov $'\n', %al
	call putc
	EXIT 0x71

# clock_ns: RAX = system_time + ((TSC - tsc_timestamp) << shift) * mul
# >> 32, as Linux computes it (shift negative: a right shift).
clock_ns:
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub TIME + 8, %rax		# ticks since the stamp
	movsbl TIME + 28, %ecx		# tsc_shift
	test %ecx, %ecx
	js 1f
	shl %cl, %rax
	jmp 2f
1:	neg %ecx
	shr %cl, %rax
2:	movl TIME + 24, %ecx		# mul
	mul %rcx			# RDX:RAX = ticks * mul
	shrd $32, %rdx, %rax
	add TIME + 16, %rax		# system_time
	ret

# puthex32: EBX printed as 8 hex digits.  Clobbers EAX, ECX.
puthex32:
	mov $4, %ecx
1:	rol $8, %ebx
	mov %bl, %al
	call puthex8
	dec %ecx
	jnz 1b
	ret

m_ok:	.asciz "kvmclock: ok wall "
m_bad:	.asciz "kvmclock: failed checks 0x"
