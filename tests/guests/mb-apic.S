# SPDX-License-Identifier: GPL-2.0
# Multiboot: the local APIC of a one-vCPU VM, as a bare-metal kernel sees it.
# With 32-bit paging on (4 MiB pages, so the VMM must walk our tables to
# find each instruction), it drives the xAPIC page at 0xfee00000 through
# several MOV forms (moffs, ModRM with SIB and displacements, MOVZX, 8- and
# 16-bit loads, immediate stores), then IA32_APIC_BASE and the x2APIC MSRs,
# including the accesses that must raise #GP.  Each check prints "ok NAME"
# or "FAIL NAME got X want Y"; exit code 0x42 when all pass, else 0x41.
	.include "mb.inc"

	.equ APIC, 0xfee00000
	.equ MSR_APIC_BASE, 0x1b

# CHECK name: compare EAX (got) with EDX (want), report under "name".
	.macro CHECK name
	push %esi
	mov $\name, %esi
	call check
	pop %esi
	.endm

	.macro RDMSR_ msr
	mov $\msr, %ecx
	rdmsr
	.endm

	.macro WRMSR_ msr, lo
	mov $\msr, %ecx
	mov $\lo, %eax
	xor %edx, %edx
	wrmsr
	.endm

	.globl main
main:
	call setup_idt
	call setup_paging
	mov $APIC, %ebx

	RDMSR_ MSR_APIC_BASE
	mov $0xfee00900, %edx		# enabled, xAPIC, BSP
	CHECK n_base

	mov APIC + 0x20, %eax		# A1: moffs
	xor %edx, %edx
	CHECK n_id

	movzbl APIC + 0x30, %eax	# 0F B6 /r, disp32
	mov $0x14, %edx
	CHECK n_ver8

	mov 0x30(%ebx), %eax		# 8B /r, disp8
	mov $0x50014, %edx
	CHECK n_ver

	mov $0xdead0000, %eax
	movw 0x30(%ebx), %ax		# 66 8B: merges into EAX
	mov $0xdead0014, %edx
	CHECK n_ver16

	xor %eax, %eax
	movb 0x32(%ebx), %ah		# 8A, high-byte register
	mov $0x500, %edx
	CHECK n_verhi

	movl $0x1ff, APIC + 0xf0	# C7 /0, disp32 imm32
	mov $0xf0, %edi
	mov (%ebx,%edi), %eax		# SIB
	mov $0x1ff, %edx
	CHECK n_svr

	mov $0x20, %ecx
	mov %ecx, 0x80(%ebx)		# 89 /r, disp32: TPR
	mov 0xa0(%ebx), %eax		# PPR follows TPR
	mov $0x20, %edx
	CHECK n_ppr

	movl $0x10030, 0x320(%ebx)	# LVT timer: masked one-shot, vector 0x30
	mov 0x320(%ebx), %eax
	mov $0x10030, %edx
	CHECK n_lvtt

	movl $0xb, 0x3e0(%ebx)		# divide by 1
	movl $0xffffffff, 0x380(%ebx)	# initial count
	mov 0x390(%ebx), %esi		# current count, twice
	mov 0x390(%ebx), %edi
	xor %eax, %eax
	test %esi, %esi			# running: not zero yet
	setnz %al
	cmp %esi, %edi			# counting down
	setbe %dl
	and %edx, %eax
	movzbl %al, %eax
	mov $1, %edx
	CHECK n_timer

	movl $0x01000000, 0x310(%ebx)	# destination APIC 1: nobody
	movl $0x4500, 0x300(%ebx)	# INIT
	movl $0x4608, 0x300(%ebx)	# SIPI, vector 8
	mov 0x300(%ebx), %eax		# delivery status idle
	mov $0x4608, %edx
	CHECK n_icr
	mov 0x310(%ebx), %eax
	mov $0x01000000, %edx
	CHECK n_icr2

	movl $0, 0x280(%ebx)		# ESR: write to latch, then read
	mov 0x280(%ebx), %eax
	xor %edx, %edx
	CHECK n_esr

	# x2APIC mode: the registers move to MSRs 0x800 + offset / 16.
	WRMSR_ MSR_APIC_BASE, 0xfee00d00
	RDMSR_ 0x802
	xor %edx, %edx
	CHECK n_x2id
	RDMSR_ 0x803
	mov $0x50014, %edx
	CHECK n_x2ver
	RDMSR_ 0x80f			# SVR survives the mode switch
	mov $0x1ff, %edx
	CHECK n_x2svr
	RDMSR_ 0x80d			# LDR: cluster 0, bit 0
	mov $1, %edx
	CHECK n_x2ldr
	mov $0x830, %ecx		# ICR: INIT to all but self: nobody
	mov $0xc4500, %eax
	xor %edx, %edx
	wrmsr
	RDMSR_ 0x830
	mov $0xc4500, %edx
	CHECK n_x2icr

	movl $0, gp_count
	RDMSR_ 0x80e			# DFR does not exist in x2APIC mode
	WRMSR_ 0x802, 0			# ID is read-only
	RDMSR_ 0x83f			# SELF IPI is write-only
	WRMSR_ MSR_APIC_BASE, 0xfee00900	# x2APIC -> xAPIC directly
	WRMSR_ MSR_APIC_BASE, 0xfed00d00	# relocation
	mov gp_count, %eax
	mov $5, %edx
	CHECK n_gp

	WRMSR_ MSR_APIC_BASE, 0xfee00000	# disable ...
	RDMSR_ MSR_APIC_BASE
	mov $0xfee00100, %edx		# (the BSP flag stays)
	CHECK n_off
	WRMSR_ MSR_APIC_BASE, 0xfee00800	# ... and back to xAPIC
	mov 0xf0(%ebx), %eax		# SVR back at its reset value
	mov $0xff, %edx
	CHECK n_reset

	PUTS s_done
	mov fails, %eax
	call putdec
	call putnl
	cmpl $0, fails
	jne 1f
	EXIT 0x42
1:	EXIT 0x41

# EAX = got, EDX = want, ESI = name.
check:
	push %eax
	cmp %edx, %eax
	jne 1f
	PUTS s_ok
	call puts
	call putnl
	pop %eax
	ret
1:	incl fails
	PUTS s_fail
	call puts
	PUTS s_got
	call puthex32
	PUTS s_want
	mov %edx, %eax
	call puthex32
	call putnl
	pop %eax
	ret

# #GP handler: count, skip the 2-byte RDMSR/WRMSR that faulted.
gp_handler:
	add $4, %esp			# error code
	addl $2, (%esp)
	incl gp_count
	iret

setup_idt:
	mov %cs, %ax
	mov %ax, idt_gp + 2
	mov $gp_handler, %eax
	mov %ax, idt_gp
	shr $16, %eax
	mov %ax, idt_gp + 6
	lidt idtr
	ret

# Identity-map 4 GiB with 4 MiB pages (CR4.PSE) and turn paging on.
setup_paging:
	mov $pd, %edi
	mov $0x83, %eax			# present, writable, 4 MiB
	mov $1024, %ecx
1:	mov %eax, (%edi)
	add $0x400000, %eax
	add $4, %edi
	loop 1b
	mov %cr4, %eax
	or $0x10, %eax
	mov %eax, %cr4
	mov $pd, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0
	ret

	.data
	.p2align 3
idt:		.skip 13 * 8
idt_gp:		.word 0, 0, 0x8e00, 0
idt_end:
idtr:		.word idt_end - idt - 1
		.long idt
fails:		.long 0
gp_count:	.long 0
s_ok:		.asciz "ok "
s_fail:		.asciz "FAIL "
s_got:		.asciz " got "
s_want:		.asciz " want "
s_done:		.asciz "apic checks failed: "
n_base:		.asciz "apic-base-msr"
n_id:		.asciz "xapic-id"
n_ver8:		.asciz "xapic-version-movzb"
n_ver:		.asciz "xapic-version"
n_ver16:	.asciz "xapic-version-16bit"
n_verhi:	.asciz "xapic-version-high-byte"
n_svr:		.asciz "xapic-svr"
n_ppr:		.asciz "xapic-tpr-ppr"
n_lvtt:		.asciz "xapic-lvt-timer"
n_timer:	.asciz "xapic-timer-counts-down"
n_icr:		.asciz "xapic-icr-init-sipi"
n_icr2:		.asciz "xapic-icr-destination"
n_esr:		.asciz "xapic-esr"
n_x2id:		.asciz "x2apic-id"
n_x2ver:	.asciz "x2apic-version"
n_x2svr:	.asciz "x2apic-svr"
n_x2ldr:	.asciz "x2apic-ldr"
n_x2icr:	.asciz "x2apic-icr"
n_gp:		.asciz "x2apic-gp-count"
n_off:		.asciz "apic-disable"
n_reset:	.asciz "apic-reenable-reset"

	.bss
	.p2align 12
pd:		.skip 4096
