# SPDX-License-Identifier: GPL-2.0
# Multiboot v1 kernel: check the boot magic, then print what the loader
# passed in the multiboot_info structure, one "key value" line each:
#   info 0x........                 (EBX)
#   flags 0x........
#   cmdline <string>
#   mem_lower <KiB>  /  mem_upper <KiB>
#   mmap <base hi><base lo> <len hi><len lo> <type>   (per entry, hex)
#   loader <name>
#   mods <count>
#   mod <i> start 0x........ size <bytes> string <string> data <first 16 bytes>
# and exit with code 0x40 + the module count.  Exit codes 0xe1-0xe5 name a
# missing piece: 0xe1 EAX is not 0x2BADB002, 0xe2 no MEM, 0xe3 no CMDLINE,
# 0xe4 no MODS, 0xe5 no MMAP.
	.include "mb.inc"
	.globl main
main:
	cmp $MB_BOOT_MAGIC, %eax
	je 1f
	PUTS bad_magic
	call puthex32
	call putnl
	EXIT 0xe1
1:	PUTS s_info
	mov %ebx, %eax
	call puthex32
	call putnl
	mov MBI_FLAGS(%ebx), %edx
	PUTS s_flags
	mov %edx, %eax
	call puthex32
	call putnl

	test $MBI_F_CMDLINE, %edx
	jnz 1f
	EXIT 0xe3
1:	PUTS s_cmdline
	mov MBI_CMDLINE(%ebx), %esi
	call puts
	call putnl

	test $MBI_F_MEM, %edx
	jnz 1f
	EXIT 0xe2
1:	PUTS s_mem_lower
	mov MBI_MEM_LOWER(%ebx), %eax
	call putdec
	call putnl
	PUTS s_mem_upper
	mov MBI_MEM_UPPER(%ebx), %eax
	call putdec
	call putnl

	test $MBI_F_MMAP, %edx
	jnz 1f
	EXIT 0xe5
1:	mov MBI_MMAP_ADDR(%ebx), %edi
	mov MBI_MMAP_LENGTH(%ebx), %ecx
	add %edi, %ecx			# end of the map
2:	cmp %ecx, %edi
	jae 3f
	PUTS s_mmap
	mov MMAP_BASE+4(%edi), %eax
	call puthex32
	mov MMAP_BASE(%edi), %eax
	call puthex32
	mov $' ', %al
	call putc
	mov MMAP_LENGTH+4(%edi), %eax
	call puthex32
	mov MMAP_LENGTH(%edi), %eax
	call puthex32
	mov $' ', %al
	call putc
	mov MMAP_TYPE(%edi), %eax
	call putdec
	call putnl
	mov MMAP_SIZE(%edi), %eax
	lea 4(%edi,%eax), %edi
	jmp 2b

3:	test $MBI_F_LOADER_NAME, %edx
	jz 1f
	PUTS s_loader
	mov MBI_BOOT_LOADER_NAME(%ebx), %esi
	call puts
	call putnl

1:	test $MBI_F_MODS, %edx
	jnz 1f
	EXIT 0xe4
1:	PUTS s_mods
	mov MBI_MODS_COUNT(%ebx), %eax
	call putdec
	call putnl
	mov MBI_MODS_ADDR(%ebx), %edi
	xor %ebp, %ebp			# module index
2:	cmp MBI_MODS_COUNT(%ebx), %ebp
	jae 4f
	PUTS s_mod
	mov %ebp, %eax
	call putdec
	PUTS s_start
	mov MOD_START(%edi), %eax
	call puthex32
	PUTS s_size
	mov MOD_END(%edi), %eax
	sub MOD_START(%edi), %eax
	call putdec
	PUTS s_string
	mov MOD_STRING(%edi), %esi
	call puts
	PUTS s_data
	mov MOD_END(%edi), %ecx
	sub MOD_START(%edi), %ecx
	cmp $16, %ecx
	jbe 3f
	mov $16, %ecx
3:	mov MOD_START(%edi), %esi
	call putsn
	call putnl
	add $MOD_SIZE, %edi
	inc %ebp
	jmp 2b

4:	mov MBI_MODS_COUNT(%ebx), %eax
	add $0x40, %eax
	jmp exit_eax

bad_magic:	.asciz "bad magic: EAX = 0x"
s_info:		.asciz "info 0x"
s_flags:	.asciz "flags 0x"
s_cmdline:	.asciz "cmdline "
s_mem_lower:	.asciz "mem_lower "
s_mem_upper:	.asciz "mem_upper "
s_mmap:		.asciz "mmap "
s_loader:	.asciz "loader "
s_mods:		.asciz "mods "
s_mod:		.asciz "mod "
s_start:	.asciz " start 0x"
s_size:		.asciz " size "
s_string:	.asciz " string "
s_data:		.asciz " data "
