# SPDX-License-Identifier: GPL-2.0
# Multiboot: MMIO accesses the VMM must refuse by stopping this VM (and
# nothing else).  The command line picks one with "mode=X":
#   mode=x  x2APIC on, then a read of the xAPIC page: there is no device
#           there any more, so the VM stops as bad-gpa at 0xfee00030
#   mode=o  OR to an APIC register: not an instruction the VMM emulates,
#           so the VM stops with an internal error
#   mode=f  a jump into the APIC page: instruction fetch from MMIO, bad-gpa
# If the VM is still running afterwards it exits with 0x7f.
	.include "mb.inc"

	.equ APIC, 0xfee00000

	.globl main
main:
	mov mb_info, %ebx
	testl $MBI_F_CMDLINE, MBI_FLAGS(%ebx)
	jz no_mode
	mov MBI_CMDLINE(%ebx), %esi
1:	lodsb				# find '='; the mode letter follows
	test %al, %al
	jz no_mode
	cmp $'=', %al
	jne 1b
	lodsb
	PUTS s_mode
	call putc
	call putnl
	cmp $'x', %al
	je x2apic_then_mmio
	cmp $'o', %al
	je or_to_apic
	cmp $'f', %al
	je fetch_from_apic
no_mode:
	PUTS s_nomode
	EXIT 0x7e

x2apic_then_mmio:
	mov $0x1b, %ecx
	mov $0xfee00d00, %eax
	xor %edx, %edx
	wrmsr
	mov APIC + 0x30, %eax
	jmp alive

or_to_apic:
	orl $0x100, APIC + 0xf0
	jmp alive

fetch_from_apic:
	mov $APIC, %eax
	jmp *%eax

alive:
	PUTS s_alive
	EXIT 0x7f

	.data
s_mode:		.asciz "mode "
s_nomode:	.asciz "no mode= on the command line\n"
s_alive:	.asciz "FAIL still running\n"
