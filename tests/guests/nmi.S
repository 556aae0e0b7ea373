# SPDX-License-Identifier: GPL-2.0
# NMIs through the local APIC (long mode, "minivmmctl run --vcpus 2"):
#  1. the BSP sends itself an NMI (shorthand self); its handler sends a
#     second one from inside, which must wait for the handler's IRET
#     (NMI blocking) and then arrive: 2 handler runs, none nested;
#  2. one to itself by physical destination (APIC ID 0): 3 runs;
#  3. INIT/SIPI start the AP, which parks with "cli; hlt" (only an NMI or
#     INIT wakes it); the BSP sends it one by physical destination 1, one
#     with the all-but-self shorthand, then one to all including self:
#     AP 3 runs, BSP 4;
#  4. LVT LINT0 in NMI mode: the PIT's IRQ 0 through the 8259 (interrupts
#     off all along) is an NMI: BSP 5 runs.
# Each wait gives up after a while (bit 1).  Prints "nmi self S ap A
# nested N" (hex) and exits with 0x40 | failure bits:
#   bit 0 a handler ran inside a handler   bit 1 an NMI did not arrive
#   bit 2 the counts are not 4 and 3 after step 3, or 5 after step 4
# With --defsym HOST=1 (nmi-host.bin) two steps for the host side come
# before the report (tests/e2e/cases/115-nmi.sh):
#  5. "nmi hold": the BSP's handler sends itself one more NMI and spins
#     until the host writes a non-zero quadword at 0x30000: the host sees
#     the NMI pending and blocked in the vCPU state, saves and reloads it;
#  6. "nmi wait-host": the BSP waits for an NMI the host makes pending
#     through the vCPU state (event.nmi_pending=1).  BSP 7 then 8 runs.
	.code64
	.include "lib64.inc"

	.equ APIC, 0xfee00000
	.equ APIC_SVR, 0xf0
	.equ APIC_ICR, 0x300
	.equ APIC_ICR2, 0x310
	.equ APIC_LVT0, 0x350
	.equ NMI_SELF, 0x00044400	# NMI, assert, shorthand self
	.equ NMI_PHYS, 0x00004400	# NMI, assert, destination in ICR2
	.equ NMI_OTHERS, 0x000c4400	# all but self
	.equ NMI_ALL, 0x00084400	# all including self
	.equ AP_STACK, 0x80000		# the AP's stack top; the BSP's is 0x10000
	.equ RELEASE, 0x30000
	.equ WAIT, 0x2000000		# pause loops before giving up

	.globl _start
_start:
	xor %r15d, %r15d			# failures
	lea nmi_isr(%rip), %rax
	mov $2, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lidt idtr(%rip)
	mov $APIC, %r8d
	movl $0x1ff, APIC_SVR(%r8)

	# 1. self, nested from inside the handler
	movl $1, nest_test(%rip)
	movl $NMI_SELF, APIC_ICR(%r8)
	mov $2, %eax
	call wait_bsp
	# 2. self by physical destination 0
	movl $0, APIC_ICR2(%r8)
	movl $NMI_PHYS, APIC_ICR(%r8)
	mov $3, %eax
	call wait_bsp

	# 3. the AP: INIT assert, INIT de-assert, SIPI (all but self)
	lea ap_tramp(%rip), %rax
	shr $12, %eax
	movl $0, APIC_ICR2(%r8)
	movl $0x000c4500, APIC_ICR(%r8)
	movl $0x000c8500, APIC_ICR(%r8)
	or $0x000c4600, %eax
	mov %eax, APIC_ICR(%r8)
	mov $WAIT, %ecx
1:	cmpl $0, started(%rip)
	jne 2f
	pause
	dec %ecx
	jnz 1b
	or $2, %r15d
	jmp report
2:	movl $0x01000000, APIC_ICR2(%r8)	# APIC ID 1
	movl $NMI_PHYS, APIC_ICR(%r8)
	mov $1, %eax
	call wait_ap
	movl $NMI_OTHERS, APIC_ICR(%r8)
	mov $2, %eax
	call wait_ap
	movl $NMI_ALL, APIC_ICR(%r8)
	mov $3, %eax
	call wait_ap
	mov $4, %eax
	call wait_bsp
	# the exact counts, now that every wait is over
	cmpq $4, nmis(%rip)
	jne 3f
	cmpq $3, nmis+8(%rip)
	je 4f
3:	or $4, %r15d
	# 4. LINT0 in NMI mode, IRQ 0 of the 8259 unmasked alone
4:	mov $0xfffe, %ax
	call pic_init
	movl $0x400, APIC_LVT0(%r8)		# NMI, unmasked
	mov $0x30, %al				# PIT channel 0, lo/hi, mode 0
	out %al, $0x43
	xor %al, %al
	out %al, $0x40
	mov $0x10, %al				# 4096 ticks: 3.4 ms
	out %al, $0x40
	mov $5, %eax
	call wait_bsp
	movl $0x10000, APIC_LVT0(%r8)		# masked
	cmpq $5, nmis(%rip)
	je 5f
	or $4, %r15d
5:
	.ifdef HOST
	# 5. held in the handler, one more pending, until the host says
	PUTS msg_hold
	movl $2, nest_test(%rip)
	movl $NMI_SELF, APIC_ICR(%r8)
5:	cmpq $7, nmis(%rip)
	jae 6f
	pause
	jmp 5b
	# 6. one the host makes pending
6:	PUTS msg_wait
7:	cmpq $8, nmis(%rip)
	jae report
	pause
	jmp 7b
	.endif

report:
	PUTS msg_self
	mov nmis(%rip), %eax
	call puthex32
	PUTS msg_ap
	mov nmis+8(%rip), %eax
	call puthex32
	PUTS msg_nested
	mov nested(%rip), %eax
	call puthex32
	mov $'\n', %al
	call putc
	mov %r15d, %eax
	or $0x40, %eax
	jmp exit_eax

# wait_bsp / wait_ap: until that CPU's handler ran EAX times, or give up
# (bit 1).  Clobbers RCX, RDX.
wait_bsp:
	lea nmis(%rip), %rdx
	jmp 1f
wait_ap:
	lea nmis+8(%rip), %rdx
1:	mov $WAIT, %ecx
2:	cmp %rax, (%rdx)
	jae 3f
	pause
	dec %ecx
	jnz 2b
	or $2, %r15d
3:	ret

# puthex32: EAX as 8 hex digits.  Clobbers RAX, RCX, RDX.
puthex32:
	mov %eax, %ecx
	mov $4, %edx
1:	rol $8, %ecx
	mov %cl, %al
	call puthex8
	dec %edx
	jnz 1b
	ret

# The NMI handler of both CPUs (the AP's stack is above 0x40000).
nmi_isr:
	push %rax
	push %rcx
	push %rdx
	xor %eax, %eax
	cmp $0x40000, %rsp
	jb 1f
	mov $1, %eax
1:	lea in_nmi(%rip), %rcx
	cmpb $0, (%rcx,%rax)
	je 2f
	lock incl nested(%rip)
2:	movb $1, (%rcx,%rax)
	lea nmis(%rip), %rdx
	lock incq (%rdx,%rax,8)
	test %eax, %eax
	jnz 9f
	mov nest_test(%rip), %edx
	movl $0, nest_test(%rip)
	test %edx, %edx
	jz 9f
	mov $APIC, %eax
	movl $NMI_SELF, APIC_ICR(%rax)		# blocked until our IRET
	cmp $2, %edx
	je 4f
	mov $100000, %edx			# time for a wrong delivery
3:	pause
	dec %edx
	jnz 3b
	jmp 8f
4:	mov $RELEASE, %eax			# the host's word
5:	cmpq $0, (%rax)
	jne 8f
	pause
	jmp 5b
8:	xor %eax, %eax
9:	lea in_nmi(%rip), %rcx
	movb $0, (%rcx,%rax)
	pop %rdx
	pop %rcx
	pop %rax
	iretq

# The AP, in long mode on its own stack: count itself, then sleep where
# only an NMI (or INIT) wakes it, again after each.
ap_main:
	lidt idtr(%rip)
	mov $APIC, %r8d
	movl $0x1ff, APIC_SVR(%r8)
	lock incl started(%rip)
1:	cli
	hlt
	jmp 1b

msg_self:	.asciz "nmi self "
msg_ap:		.asciz " ap "
msg_nested:	.asciz " nested "
	.ifdef HOST
msg_hold:	.asciz "nmi hold\n"
msg_wait:	.asciz "nmi wait-host\n"
	.endif

	.balign 8
nmis:		.quad 0, 0
nested:		.long 0
nest_test:	.long 0
started:	.long 0
in_nmi:		.byte 0, 0
	.balign 8
idtr:		.word 256 * 16 - 1
		.quad idt
	.balign 16
idt:		.fill 256 * 16, 1, 0

# The AP trampoline: real mode at CS = vector << 8, IP 0 (its own page),
# to long mode on the loader's GDT (0x800) and page tables (0x1000).
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
	ljmpl $0x08, $ap_prot32
	.code32
ap_prot32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $0x20, %eax				# PAE
	mov %eax, %cr4
	mov $0x1000, %eax
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
	mov $AP_STACK, %esp
	jmp ap_main
tramp_gdtr:	.word 0x37
		.long 0x800
