# SPDX-License-Identifier: GPL-2.0
# Multiboot: the PC platform ports a QEMU-minded kernel probes.  Prints what
# it reads (the e2e case compares it with what the host configured), checks
# each piece, and then powers the VM off through the "Shutdown" port 0x8900.
# On any failed check it prints "FAIL <what>" and exits through 0xf4 with
# 0x40 | failure bits instead:
#   bit 0 fw_cfg signature     bit 1 fw_cfg ID / file directory
#   bit 2 PCI address latch    bit 3 PCI config data (no device)
#   bit 4 8259 masks           bit 5 UART line status
	.include "mb.inc"

	.equ FW_CFG_SEL, 0x510
	.equ FW_CFG_DATA, 0x511
	.equ PCI_ADDR, 0xcf8
	.equ PCI_DATA, 0xcfc

# FW_CFG key: select an item (clobbers AX, DX); read_u32/read_u16 read it.
	.macro FW_CFG key
	mov $\key, %ax
	mov $FW_CFG_SEL, %dx
	out %ax, %dx
	.endm

	.globl main
main:
	xor %edi, %edi			# failure bits

	# fw_cfg signature: four bytes "QEMU"
	FW_CFG 0x0000
	mov $FW_CFG_DATA, %dx
	mov $sig, %ebx
	mov $4, %ecx
1:	in %dx, %al
	mov %al, (%ebx)
	inc %ebx
	loop 1b
	PUTS s_sig
	PUTS sig
	call putnl
	cmpl $0x554d4551, sig		# "QEMU"
	je 2f
	or $1, %edi
	PUTS f_sig
2:
	# fw_cfg ID (u32: traditional interface only) and the empty file dir.
	FW_CFG 0x0001
	call read_u32
	PUTS s_id
	call puthex32
	call putnl
	cmp $1, %eax
	jne 3f
	FW_CFG 0x0019
	call read_u32
	test %eax, %eax
	jz 4f
3:	or $2, %edi
	PUTS f_id
4:
	# RAM size (u64) and CPU counts (u16)
	FW_CFG 0x0003
	call read_u32
	mov %eax, %esi
	call read_u32
	PUTS s_ram
	call puthex32
	mov %esi, %eax
	call puthex32
	call putnl
	FW_CFG 0x0005
	call read_u16
	PUTS s_cpus
	call putdec
	call putnl
	FW_CFG 0x000f
	call read_u16
	PUTS s_maxcpus
	call putdec
	call putnl

	# PCI: the address latch reads back; bus 0 device 0 is absent.
	mov $PCI_ADDR, %dx
	mov $0x80000000, %eax
	out %eax, %dx
	xor %eax, %eax
	in %dx, %eax
	PUTS s_pciaddr
	call puthex32
	call putnl
	cmp $0x80000000, %eax
	je 5f
	or $4, %edi
	PUTS f_pciaddr
5:	mov $PCI_DATA, %dx
	in %dx, %eax
	PUTS s_pcidata
	call puthex32
	call putnl
	cmp $0xffffffff, %eax
	je 6f
	or $8, %edi
	PUTS f_pcidata
6:
	# 8259 pair: ICW1-ICW4 as Linux and firmware send them, then masks.
	mov $0x11, %al
	out %al, $0x20
	out %al, $0xa0
	mov $0x20, %al			# ICW2: vectors 0x20 / 0x28
	out %al, $0x21
	mov $0x28, %al
	out %al, $0xa1
	mov $0x04, %al			# ICW3: slave on IR2
	out %al, $0x21
	mov $0x02, %al
	out %al, $0xa1
	mov $0x01, %al			# ICW4: 8086 mode
	out %al, $0x21
	out %al, $0xa1
	mov $0xfb, %al			# mask all but the cascade
	out %al, $0x21
	mov $0xff, %al
	out %al, $0xa1
	in $0x21, %al
	mov %al, %ah
	in $0xa1, %al
	PUTS s_pic
	push %eax
	mov %ah, %al
	call puthex8
	mov $' ', %al
	call putc
	pop %eax
	call puthex8
	call putnl
	cmp $0xfbff, %ax
	je 7f
	or $0x10, %edi
	PUTS f_pic
7:
	# UART: the transmitter reports empty (THRE and TEMT).
	mov $COM1_LSR, %dx
	in %dx, %al
	and $0x60, %al
	cmp $0x60, %al
	je 8f
	or $0x20, %edi
	PUTS f_uart
8:
	test %edi, %edi
	jz 9f
	mov %edi, %eax
	or $0x40, %eax
	jmp exit_eax

9:	PUTS s_off
	mov $0x8900, %dx
	mov $shutdown, %esi
10:	lodsb
	test %al, %al
	jz 11f
	out %al, %dx
	jmp 10b
11:	PUTS f_alive			# "Shutdown" did not stop us
	EXIT 0x7f

# EAX = next four bytes of the selected fw_cfg item, little endian.
read_u32:
	push %ecx
	push %edx
	mov $FW_CFG_DATA, %dx
	xor %eax, %eax
	mov $4, %ecx
1:	in %dx, %al			# byte i lands in bits 8i+7:8i
	ror $8, %eax
	loop 1b
	pop %edx
	pop %ecx
	ret

# EAX = next two bytes, little endian, zero-extended.
read_u16:
	push %edx
	mov $FW_CFG_DATA, %dx
	in %dx, %al
	mov %al, %ah
	in %dx, %al
	xchg %al, %ah
	movzwl %ax, %eax
	pop %edx
	ret

	.data
sig:		.long 0
		.byte 0
shutdown:	.asciz "Shutdown"
s_sig:		.asciz "fw_cfg signature "
s_id:		.asciz "fw_cfg id "
s_ram:		.asciz "fw_cfg ram 0x"
s_cpus:		.asciz "fw_cfg cpus "
s_maxcpus:	.asciz "fw_cfg max cpus "
s_pciaddr:	.asciz "pci cf8 "
s_pcidata:	.asciz "pci 00:00.0 "
s_pic:		.asciz "pic masks "
s_off:		.asciz "powering off\n"
f_sig:		.asciz "FAIL fw_cfg signature\n"
f_id:		.asciz "FAIL fw_cfg id or file dir\n"
f_pciaddr:	.asciz "FAIL pci address latch\n"
f_pcidata:	.asciz "FAIL pci config data\n"
f_pic:		.asciz "FAIL pic masks\n"
f_uart:		.asciz "FAIL uart line status\n"
f_alive:	.asciz "FAIL still running after Shutdown\n"
