# SPDX-License-Identifier: GPL-2.0
# Long mode: hostile guests, one program assembled in several variants
# (Makefile: hostile-VARIANT.bin, with --defsym VARIANT_<variant>=1).
#
# hostile.bin, the catalogue: instructions and MSRs a guest must not be
# given, each run with the exception handlers of this guest watching.  One
# line per attempt, "ok NAME: vector XX" or "FAIL NAME: vector XX, expected
# YY" (ff: none), then "hostile: done"; exits 0x40 | number of failures.
# Each resumes at the next attempt, whatever the outcome.
#
# Variants that do not come back:
#   dbloop   a data breakpoint on the #DB handler's own (IST) stack: each
#            delivery of #DB raises #DB again (CVE-2015-8104).  Prints
#            "dbloop: armed" and never returns; if the handler ever runs,
#            "dbloop: handler ran" and exit 0x42.
#   spin     "spin: interrupts off" then CLI and a tight loop.
#   clihlt   "clihlt: halting" then CLI; HLT.
#   wbeyond  "wbeyond: writing 0x80000000" then a write beyond RAM.
#   xbeyond  "xbeyond: jumping to 0x80000000" then a fetch beyond RAM.
	.code64
	.include "lib64.inc"
	.equ NONE, 0xff
	.equ BEYOND, 0x80000000
	.globl _start
_start:
	call setup
.ifdef VARIANT_dbloop
	jmp dbloop
.endif
.ifdef VARIANT_spin
	PUTS m_spin
	cli
1:	jmp 1b
.endif
.ifdef VARIANT_clihlt
	PUTS m_clihlt
	cli
	hlt
	EXIT 0x7d			# not reached
.endif
.ifdef VARIANT_wbeyond
	PUTS m_wbeyond
	mov $BEYOND, %eax
	movq $0x1234, (%rax)
	EXIT 0x7e			# not reached
.endif
.ifdef VARIANT_xbeyond
	PUTS m_xbeyond
	mov $BEYOND, %eax
	jmp *%rax
.endif
	jmp catalogue

# ---- set-up: our own GDT (with a TSS for the IST stack) and IDT ---------
setup:
	lgdt gdtr(%rip)
	lea 1f(%rip), %rax
	pushq $0x08
	push %rax
	lretq				# CS = 0x08
1:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	lea tss(%rip), %rax		# TSS descriptor base
	mov %ax, gdt_tss + 2(%rip)
	shr $16, %rax
	mov %al, gdt_tss + 4(%rip)
	mov %ah, gdt_tss + 7(%rip)
	shr $16, %rax
	mov %eax, gdt_tss + 8(%rip)
	lea ist_top(%rip), %rax
	mov %rax, tss + 36(%rip)	# IST1
	mov $0x18, %ax
	ltr %ax
	lea ex_db(%rip), %rax
	mov $1, %ecx
	lea idt(%rip), %rdi
	call set_gate
	movb $1, idt + 16 + 4(%rip)	# #DB on IST1
	lea ex_ud(%rip), %rax
	mov $6, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lea ex_gp(%rip), %rax
	mov $13, %ecx
	lea idt(%rip), %rdi
	call set_gate
	lidt idtr(%rip)
	ret

# ---- exception handlers: note the vector, resume at (resume) -----------
ex_db:
	movb $1, caught(%rip)
	andq $~0x100, 16(%rsp)		# the frame's RFLAGS: TF off
.ifdef VARIANT_dbloop
	PUTS m_dbran
	EXIT 0x42
.endif
	jmp ex_resume
ex_ud:
	movb $6, caught(%rip)
	jmp ex_resume
ex_gp:
	movb $13, caught(%rip)
	add $8, %rsp			# error code
ex_resume:
	push %rax
	mov resume(%rip), %rax
	mov %rax, 8(%rsp)		# the frame's RIP
	pop %rax
	iretq

# check: AL = expected vector, RSI = name.  Prints the outcome; counts a
# failure in R15.  Clobbers RAX, RCX, RSI.
check:
	mov %al, %cl
	cmp caught(%rip), %al
	jne 1f
	push %rsi
	PUTS m_ok
	pop %rsi
	call puts
	PUTS m_vector
	mov caught(%rip), %al
	call puthex8
	jmp 2f
1:	inc %r15d
	push %rsi
	PUTS m_fail
	pop %rsi
	call puts
	PUTS m_vector
	mov caught(%rip), %al
	call puthex8
	PUTS m_expected
	mov %cl, %al
	call puthex8
2:	mov $'\n', %al
	jmp putc

# TRY, the instructions, then EXPECT VECTOR, NAME: expect VECTOR (NONE: no
# exception) from the instructions in between; they must not use label 9.
	.macro TRY
	movb $NONE, caught(%rip)
	lea 9f(%rip), %rax
	mov %rax, resume(%rip)
	.endm

	.macro EXPECT vec, name
9:	mov $\vec, %al
	lea \name(%rip), %rsi
	call check
	.endm

	.macro RDMSR_GP msr, name
	TRY
	mov $\msr, %ecx
	rdmsr
	EXPECT 13, \name
	.endm

	.macro WRMSR_GP msr, val, name
	TRY
	mov $\msr, %ecx
	mov $\val, %eax
	xor %edx, %edx
	wrmsr
	EXPECT 13, \name
	.endm

catalogue:
	xor %r15d, %r15d
	# Caches and counters of the host.
	TRY
	invd
	EXPECT NONE, n_invd
	TRY
	wbinvd
	EXPECT NONE, n_wbinvd
	# Single step: #DB comes back to the guest (intercepted on AMD).
	TRY
	pushf
	orq $0x100, (%rsp)
	popf
	nop
	EXPECT 1, n_tf
	# VMX instructions.
	TRY
	vmxon scratch(%rip)
	EXPECT 6, n_vmxon
	TRY
	vmxoff
	EXPECT 6, n_vmxoff
	TRY
	vmclear scratch(%rip)
	EXPECT 6, n_vmclear
	TRY
	vmptrld scratch(%rip)
	EXPECT 6, n_vmptrld
	TRY
	vmptrst scratch(%rip)
	EXPECT 6, n_vmptrst
	TRY
	xor %eax, %eax
	vmread %rax, %rbx
	EXPECT 6, n_vmread
	TRY
	xor %eax, %eax
	vmwrite %rax, %rbx
	EXPECT 6, n_vmwrite
	TRY
	vmlaunch
	EXPECT 6, n_vmlaunch
	TRY
	vmresume
	EXPECT 6, n_vmresume
	TRY
	mov $1, %eax
	invept scratch(%rip), %rax
	EXPECT 6, n_invept
	TRY
	mov $1, %eax
	invvpid scratch(%rip), %rax
	EXPECT 6, n_invvpid
	TRY
	xor %eax, %eax
	vmfunc
	EXPECT 6, n_vmfunc
	# SVM instructions (RAX: a page of ours, never a host address).
	TRY
	lea scratch(%rip), %rax
	vmrun
	EXPECT 6, n_vmrun
	TRY
	lea scratch(%rip), %rax
	vmload
	EXPECT 6, n_vmload
	TRY
	lea scratch(%rip), %rax
	vmsave
	EXPECT 6, n_vmsave
	TRY
	stgi
	EXPECT 6, n_stgi
	TRY
	clgi
	EXPECT 6, n_clgi
	TRY
	lea scratch(%rip), %rax
	skinit
	EXPECT 6, n_skinit
	TRY
	xor %eax, %eax
	xor %ecx, %ecx
	invlpga
	EXPECT 6, n_invlpga
	TRY
	lea scratch(%rip), %rax
	xor %ecx, %ecx
	xor %edx, %edx
	monitor
	EXPECT 6, n_monitor
	TRY
	xor %eax, %eax
	xor %ecx, %ecx
	mwait
	EXPECT 6, n_mwait
	# Host-only MSRs.
	RDMSR_GP 0xc0010117, n_rd_hsave
	WRMSR_GP 0xc0010117, 0x1000, n_wr_hsave
	RDMSR_GP 0x480, n_rd_vmx_basic
	WRMSR_GP 0x480, 0, n_wr_vmx_basic
	RDMSR_GP 0x48b, n_rd_vmx_procbased2
	RDMSR_GP 0x48, n_rd_spec_ctrl
	WRMSR_GP 0x48, 1, n_wr_spec_ctrl
	WRMSR_GP 0x49, 1, n_wr_pred_cmd
	RDMSR_GP 0x1d9, n_rd_debugctl
	WRMSR_GP 0x1d9, 1, n_wr_debugctl
	TRY
	xor %ecx, %ecx
	rdpmc
	EXPECT 13, n_rdpmc
	TRY
	mov $0x40000000, %ecx
	rdpmc
	EXPECT 13, n_rdpmc_fixed
	# No PMU is announced: CPUID leaf 0xA is all zeros.
	mov $0xa, %eax
	xor %ecx, %ecx
	cpuid
	or %ebx, %eax
	or %edx, %eax
	test %eax, %eax
	jz 3f
	inc %r15d
	PUTS m_pmu
3:	PUTS m_done
	mov %r15d, %eax
	or $0x40, %eax
	jmp exit_eax

# ---- the #DB loop --------------------------------------------------------
# A write breakpoint (DR7: L0, R/W0 = 01, LEN0 = 10: 8 bytes) on the top
# quadword of the IST1 stack, where every delivery of #DB pushes SS; then a
# write there from the guest itself raises the first #DB.
dbloop:
	PUTS m_dbloop
	lea ist_top - 8(%rip), %rax
	mov %rax, %dr0
	mov $0x90401, %eax
	mov %rax, %dr7
	lea ist_top - 8(%rip), %rax
	movq $0, (%rax)
	PUTS m_dbran			# not reached: the loop never ends
	EXIT 0x43

m_spin:		.asciz "spin: interrupts off\n"
m_clihlt:	.asciz "clihlt: halting\n"
m_wbeyond:	.asciz "wbeyond: writing 0x80000000\n"
m_xbeyond:	.asciz "xbeyond: jumping to 0x80000000\n"
m_dbloop:	.asciz "dbloop: armed\n"
m_dbran:	.asciz "dbloop: handler ran\n"
m_ok:		.asciz "ok "
m_fail:		.asciz "FAIL "
m_vector:	.asciz ": vector "
m_expected:	.asciz ", expected "
m_pmu:		.asciz "FAIL cpuid 0xa: a PMU is announced\n"
m_done:		.asciz "hostile: done\n"
n_invd:		.asciz "invd"
n_wbinvd:	.asciz "wbinvd"
n_rdpmc:	.asciz "rdpmc"
n_rdpmc_fixed:	.asciz "rdpmc fixed counter"
n_tf:		.asciz "single step"
n_vmxon:	.asciz "vmxon"
n_vmxoff:	.asciz "vmxoff"
n_vmclear:	.asciz "vmclear"
n_vmptrld:	.asciz "vmptrld"
n_vmptrst:	.asciz "vmptrst"
n_vmread:	.asciz "vmread"
n_vmwrite:	.asciz "vmwrite"
n_vmlaunch:	.asciz "vmlaunch"
n_vmresume:	.asciz "vmresume"
n_invept:	.asciz "invept"
n_invvpid:	.asciz "invvpid"
n_vmfunc:	.asciz "vmfunc"
n_vmrun:	.asciz "vmrun"
n_vmload:	.asciz "vmload"
n_vmsave:	.asciz "vmsave"
n_stgi:		.asciz "stgi"
n_clgi:		.asciz "clgi"
n_skinit:	.asciz "skinit"
n_invlpga:	.asciz "invlpga"
n_monitor:	.asciz "monitor"
n_mwait:	.asciz "mwait"
n_rd_hsave:	.asciz "rdmsr VM_HSAVE_PA"
n_wr_hsave:	.asciz "wrmsr VM_HSAVE_PA"
n_rd_vmx_basic:	.asciz "rdmsr VMX_BASIC"
n_wr_vmx_basic:	.asciz "wrmsr VMX_BASIC"
n_rd_vmx_procbased2: .asciz "rdmsr VMX_PROCBASED_CTLS2"
n_rd_spec_ctrl:	.asciz "rdmsr SPEC_CTRL"
n_wr_spec_ctrl:	.asciz "wrmsr SPEC_CTRL"
n_wr_pred_cmd:	.asciz "wrmsr PRED_CMD"
n_rd_debugctl:	.asciz "rdmsr DEBUGCTL"
n_wr_debugctl:	.asciz "wrmsr DEBUGCTL"

	.balign 16
gdt:	.quad 0
	.quad 0x00af9a000000ffff	# 0x08: 64-bit code, DPL 0
	.quad 0x00cf92000000ffff	# 0x10: data
gdt_tss:
	.quad 0x0000890000000067	# 0x18: 64-bit TSS (base filled in)
	.quad 0
gdt_end:
gdtr:	.word gdt_end - gdt - 1
	.quad gdt
	.balign 8
idtr:	.word 14 * 16 - 1
	.quad idt
resume:	.quad 0
caught:	.byte 0
	.balign 16
tss:	.fill 104, 1, 0
	.balign 16
idt:	.fill 14 * 16, 1, 0
	.balign 4096
scratch: .fill 4096, 1, 0
ist:	.fill 4096, 1, 0
ist_top:
