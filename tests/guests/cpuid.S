# SPDX-License-Identifier: GPL-2.0
# Long mode: what CPUID tells a minivmm guest.  Exit code 0x40 | failures:
#   bit 0: leaf 1 ECX[31] (hypervisor present) is clear
#   bit 1: leaf 1 ECX[5] (VMX) is set
#   bit 2: leaf 0x80000001 ECX[2] (SVM) is set
#   bit 3: leaf 0x40000000 signature is not "MiniVMMiniVM"
#   bit 4: leaf 0x15 names a crystal other than the local APIC timer's
#          1 GHz clock (ECX), or not as 1,000,000 kHz (EAX)
#   bit 5: leaf 1 EDX shows thermal monitoring (ACPI, TM), not emulated
# so 0x40 means all good.  Prints the signature, then the CPU's vendor
# and its leaf 1 ECX/EDX and 0x80000001 ECX/EDX words (the CPU model).
	.code64
	.include "lib64.inc"
	.globl _start
_start:
	xor %r12d, %r12d		# failures
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	bt $31, %ecx
	jc 1f
	or $1, %r12d
1:	bt $5, %ecx
	jnc 2f
	or $2, %r12d
2:	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb 3f
	mov $0x80000001, %eax
	xor %ecx, %ecx
	cpuid
	bt $2, %ecx
	jnc 3f
	or $4, %r12d
3:	mov $0x40000000, %eax
	xor %ecx, %ecx
	cpuid
	lea sig(%rip), %rdi
	mov %ebx, 0(%rdi)
	mov %ecx, 4(%rdi)
	mov %edx, 8(%rdi)
	movb $0, 12(%rdi)
	PUTS prefix
	PUTS sig
	mov $'\n', %al
	call putc
	cmpl $0x696e694d, sig(%rip)	# "Mini"
	jne 4f
	cmpl $0x694d4d56, sig+4(%rip)	# "VMMi"
	jne 4f
	cmpl $0x4d56696e, sig+8(%rip)	# "niVM"
	je 5f
4:	or $8, %r12d
5:	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	cmp $0x15, %eax
	jb 7f
	mov $0x15, %eax
	xor %ecx, %ecx
	cpuid
	test %ecx, %ecx			# zeros: the host's TSC rate unknown
	jz 7f
	cmp $1000000000, %ecx
	jne 6f
	cmp $1000000, %eax
	je 7f
6:	or $16, %r12d
7:	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	test $0x20400000, %edx		# ACPI (22), TM (29)
	jz 8f
	or $32, %r12d
8:	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	lea sig(%rip), %rdi
	mov %ebx, 0(%rdi)		# vendor: EBX, EDX, ECX
	mov %edx, 4(%rdi)
	mov %ecx, 8(%rdi)
	PUTS vprefix
	PUTS sig
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	PUTS l1prefix
	call put_ecx_edx
	mov $0x80000001, %eax
	xor %ecx, %ecx
	cpuid
	PUTS x1prefix
	call put_ecx_edx
	mov $'\n', %al
	call putc
	mov %r12d, %eax
	or $0x40, %eax
	jmp exit_eax

# put_ecx_edx: "ECX EDX" as two 8-digit hex words.  Clobbers RAX, RCX.
put_ecx_edx:
	call put_hex32_ecx
	mov $' ', %al
	call putc
	mov %edx, %ecx
	# fall through
put_hex32_ecx:
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
prefix:	.asciz "hypervisor signature: "
vprefix:	.asciz "cpu vendor: "
l1prefix:	.asciz "\nleaf 1: "
x1prefix:	.asciz "\nleaf 80000001: "
	.balign 16
sig:	.fill 16, 1, 0
