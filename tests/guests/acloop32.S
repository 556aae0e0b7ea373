# SPDX-License-Identifier: GPL-2.0
# 32-bit protected mode (flat, no paging; --mode prot32): the nested #AC
# loop (CVE-2015-5307).  Alignment checks on (CR0.AM, EFLAGS.AC), CPL 3 on
# a misaligned stack, and an #AC handler that runs at CPL 3 too, so each
# delivery of #AC pushes its frame misaligned and raises #AC again.  Prints
# "acloop: armed" and never returns.  A CPU that does not check alignment
# (QEMU's TCG) goes on: "acloop: no #AC here", exit 0x43.  If the handler
# ever runs: "acloop: handler ran", exit 0x44.
	.code32
	.equ AC_BIT, 0x40000		# CR0.AM and EFLAGS.AC: bit 18 of both
	.globl _start
_start:
	mov $m_armed, %esi
	call puts
	lgdt gdtr
	ljmp $0x08, $1f
1:	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $ac_handler, %eax		# gate 17: 32-bit interrupt gate to
	mov %ax, idt + 17 * 8		# the CPL 3 code segment
	movw $0x1b, idt + 17 * 8 + 2
	movw $0xee00, idt + 17 * 8 + 4
	shr $16, %eax
	mov %ax, idt + 17 * 8 + 6
	lidt idtr
	mov %cr0, %eax
	or $AC_BIT, %eax
	mov %eax, %cr0
	pushl $0x23			# SS: CPL 3 data
	pushl $ustack_top - 1		# ESP: misaligned
	pushl $(AC_BIT | 0x3000 | 0x2)	# EFLAGS: AC, IOPL 3 (for the console)
	pushl $0x1b			# CS: CPL 3 code
	pushl $user
	iret

user:
	mov $misaligned, %ebx
	mov (%ebx), %eax		# the first #AC
	mov $m_noac, %esi
	call puts
	mov $0x43, %eax
	jmp exit_eax

ac_handler:
	mov $m_ran, %esi
	call puts
	mov $0x44, %eax
exit_eax:
	out %eax, $0xf4
2:	jmp 2b

# puts: ESI = NUL-terminated string.  Clobbers EAX, ECX, EDX, ESI.
puts:
	lodsb
	test %al, %al
	jz 3f
	mov %al, %cl
	mov $0x3fd, %dx
4:	in %dx, %al
	test $0x20, %al
	jz 4b
	mov %cl, %al
	mov $0x3f8, %dx
	out %al, %dx
	jmp puts
3:	ret

m_armed: .asciz "acloop: armed\n"
m_noac:	.asciz "acloop: no #AC here\n"
m_ran:	.asciz "acloop: handler ran\n"
	.balign 8
gdt:	.quad 0
	.quad 0x00cf9a000000ffff	# 0x08: code, DPL 0
	.quad 0x00cf92000000ffff	# 0x10: data, DPL 0
	.quad 0x00cffa000000ffff	# 0x18: code, DPL 3
	.quad 0x00cff2000000ffff	# 0x20: data, DPL 3
gdt_end:
	.balign 4
gdtr:	.word gdt_end - gdt - 1
	.long gdt
	.balign 4
idtr:	.word 18 * 8 - 1
	.long idt
	.balign 8
idt:	.fill 18 * 8, 1, 0
	.balign 4
	.byte 0
misaligned: .long 0
	.balign 16
ustack:	.fill 256, 1, 0
ustack_top:
