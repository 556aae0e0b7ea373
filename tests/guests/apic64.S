# SPDX-License-Identifier: GPL-2.0
# Long mode (4-level paging, 2 MiB pages): the xAPIC page through the
# instruction forms 64-bit code uses - REX.B/REX.R extended registers,
# REX.W 8-byte loads, SIL (REX without W), MOVSX, immediate stores.
# Exit code 0x40 | failure bits, so 0x40 means all good:
#   bit 0 ID via R8 base into R11D   bit 1 MOVZX byte into R12D
#   bit 2 8-byte load of ID          bit 3 SIL byte load keeps RSI high bits
#   bit 4 SVR imm store, R9 readback bit 5 MOVSX of a byte with bit 7 set
	.code64
	.include "lib64.inc"
	.globl _start
_start:
	xor %r15d, %r15d			# failures
	mov $0xfee00000, %r8d

	mov $-1, %r11
	mov 0x20(%r8), %r11d			# 45 8B 58 20: zero-extends
	test %r11, %r11
	jz 1f
	or $1, %r15d
1:	mov $-1, %r12
	movzbl 0x30(%r8), %r12d			# 45 0F B6 60 30
	cmp $0x14, %r12
	je 2f
	or $2, %r15d
2:	mov $-1, %rax
	mov 0x20(%r8), %rax			# 49 8B 40 20: bytes 4-7 read 0
	test %rax, %rax
	jz 3f
	or $4, %r15d
3:	mov $0x1122334455667700, %rsi
	mov 0x30(%r8), %sil			# 41 8A 70 30: REX makes it SIL
	mov $0x1122334455667714, %rax
	cmp %rax, %rsi
	je 4f
	or $8, %r15d
4:	movl $0x1ff, 0xf0(%r8)			# 41 C7 80 f0000000 imm32
	mov $0xf0, %r9
	mov (%r8,%r9), %r10d			# SIB with REX.X and REX.B
	cmp $0x1ff, %r10
	je 5f
	or $0x10, %r15d
5:	movl $0x000000f0, 0x80(%r8)		# TPR = 0xf0
	movsbq 0x80(%r8), %r13			# 4D 0F BE: sign-extends 0xf0
	cmp $-0x10, %r13
	je 6f
	or $0x20, %r15d
6:	PUTS msg
	mov %r15b, %al
	call puthex8
	mov $'\n', %al
	call putc
	mov %r15d, %eax
	or $0x40, %eax
	jmp exit_eax

msg:	.asciz "apic64 failures: "
