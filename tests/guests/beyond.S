# SPDX-License-Identifier: GPL-2.0
# Long mode: read guest-physical 0x80000000 (2 GiB), mapped by the loader's
# identity tables but beyond a 16 MiB guest's RAM: the VM must stop with
# "access to guest-physical address 0x80000000 outside RAM".
	.code64
	.include "lib64.inc"
	.globl _start
_start:
	PUTS msg
	mov $0x80000000, %eax
	mov (%rax), %rax
	PUTS m_after			# not reached
	EXIT 0x7e
msg:	.asciz "reading 0x80000000\n"
m_after: .asciz "read beyond RAM succeeded?!\n"
