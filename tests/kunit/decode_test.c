// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for kmod/decode.c: the MMIO instruction decoder and the
 * load/store value helpers.  Expected encodings were worked out by hand from
 * the opcode tables (Intel SDM Vol. 2, AMD APM Vol. 3).
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "kmod/decode.c"

#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSP 4
#define RBP 5
#define RSI 6
#define RDI 7
#define R8 8
#define R12 12
#define R13 13
#define R15 15

struct decode_case {
	const char *name;
	unsigned int mode;
	u8 bytes[24];
	unsigned int n;	/* BYTES() sets it; a positional ret follows */
	int ret;
	struct mv_mmio_op op;	/* expected, when ret == 0 */
};

#define BYTES(...)	.bytes = { __VA_ARGS__ }, \
			.n = sizeof((u8[]){ __VA_ARGS__ })

/* Every supported form that guest kernels use, in the three modes. */
static const struct decode_case decode_ok[] = {
	/* MOV 88/89/8A/8B */
	{ "mov [rax],ecx", 64, BYTES(0x89, 0x08), 0,
	  { .len = 2, .size = 4, .write = true, .reg = RCX } },
	{ "mov [rax],rcx", 64, BYTES(0x48, 0x89, 0x08), 0,
	  { .len = 3, .size = 8, .write = true, .reg = RCX } },
	{ "mov [rax],cx", 64, BYTES(0x66, 0x89, 0x08), 0,
	  { .len = 3, .size = 2, .write = true, .reg = RCX } },
	{ "mov eax,[rip+d32]", 64, BYTES(0x8b, 0x05, 0xf0, 0x0f, 0x00, 0x00), 0,
	  { .len = 6, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "mov r15d,[rip+d32]", 64,
	  BYTES(0x44, 0x8b, 0x3d, 0x00, 0x01, 0x00, 0x00), 0,
	  { .len = 7, .size = 4, .reg = R15, .dst_size = 4 } },
	{ "mov [abs d32],rcx (SIB, no base)", 64,
	  BYTES(0x48, 0x89, 0x0c, 0x25, 0x00, 0x00, 0xe0, 0xfe), 0,
	  { .len = 8, .size = 8, .write = true, .reg = RCX } },
	{ "mov [rsp+8],edx (SIB+d8)", 64, BYTES(0x89, 0x54, 0x24, 0x08), 0,
	  { .len = 4, .size = 4, .write = true, .reg = RDX } },
	{ "mov eax,[rsp+d32] (SIB+d32)", 64,
	  BYTES(0x8b, 0x84, 0x24, 0x00, 0x03, 0x00, 0x00), 0,
	  { .len = 7, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "mov [rbx+rcx*8+d32],eax", 64,
	  BYTES(0x89, 0x84, 0xcb, 0x30, 0x03, 0x00, 0x00), 0,
	  { .len = 7, .size = 4, .write = true, .reg = RAX } },
	{ "mov [rbp+rcx+d8],eax (SIB base=5, mod=1)", 64,
	  BYTES(0x89, 0x44, 0x0d, 0x08), 0,
	  { .len = 4, .size = 4, .write = true, .reg = RAX } },
	{ "mov [r13+r12+d8],eax (REX.XB, SIB base=5)", 64,
	  BYTES(0x43, 0x89, 0x44, 0x25, 0x10), 0,
	  { .len = 5, .size = 4, .write = true, .reg = RAX } },
	{ "mov eax,[r13+rax] (REX.B, SIB base=5, mod=0: disp32)", 64,
	  BYTES(0x41, 0x8b, 0x04, 0x05, 0x00, 0x00, 0xe0, 0xfe), 0,
	  { .len = 8, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "mov [r12*4+d32],eax (REX.X)", 64,
	  BYTES(0x42, 0x89, 0x04, 0xa5, 0x00, 0x00, 0xe0, 0xfe), 0,
	  { .len = 8, .size = 4, .write = true, .reg = RAX } },
	{ "mov [r13+0],eax (REX.B, mod=1 rm=5)", 64,
	  BYTES(0x41, 0x89, 0x45, 0x00), 0,
	  { .len = 4, .size = 4, .write = true, .reg = RAX } },
	{ "mov [r12],eax (REX.B, SIB)", 64, BYTES(0x41, 0x89, 0x04, 0x24), 0,
	  { .len = 4, .size = 4, .write = true, .reg = RAX } },
	{ "mov eax,[rip+d32] (REX.B still RIP-relative)", 64,
	  BYTES(0x41, 0x8b, 0x05, 0x00, 0x00, 0x00, 0x00), 0,
	  { .len = 7, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "mov r8,[rax+d8] (REX.WR)", 64, BYTES(0x4c, 0x8b, 0x40, 0x20), 0,
	  { .len = 4, .size = 8, .reg = R8, .dst_size = 8 } },
	{ "mov [eip+d32],eax (67)", 64,
	  BYTES(0x67, 0x89, 0x05, 0x00, 0x00, 0x00, 0x00), 0,
	  { .len = 7, .size = 4, .write = true, .reg = RAX } },
	{ "mov [rax],ah", 64, BYTES(0x88, 0x20), 0,
	  { .len = 2, .size = 1, .write = true, .reg = RAX, .high_byte = true } },
	{ "mov [rax],spl (REX 40)", 64, BYTES(0x40, 0x88, 0x20), 0,
	  { .len = 3, .size = 1, .write = true, .reg = RSP } },
	{ "mov [rax],dil (REX.W)", 64, BYTES(0x48, 0x88, 0x38), 0,
	  { .len = 3, .size = 1, .write = true, .reg = RDI } },
	{ "mov [rax],r12b", 64, BYTES(0x44, 0x88, 0x20), 0,
	  { .len = 3, .size = 1, .write = true, .reg = R12 } },
	{ "mov bh,[rsi]", 64, BYTES(0x8a, 0x3e), 0,
	  { .len = 2, .size = 1, .reg = RBX, .high_byte = true,
	    .dst_size = 1 } },
	{ "mov bl,[rsi]", 64, BYTES(0x8a, 0x1e), 0,
	  { .len = 2, .size = 1, .reg = RBX, .dst_size = 1 } },
	{ "mov sil,[rsi] (REX 40)", 64, BYTES(0x40, 0x8a, 0x36), 0,
	  { .len = 3, .size = 1, .reg = RSI, .dst_size = 1 } },
	/* MOV imm C6/C7 */
	{ "mov byte [rax],0xab", 64, BYTES(0xc6, 0x00, 0xab), 0,
	  { .len = 3, .size = 1, .write = true, .has_imm = true,
	    .imm = 0xab } },
	{ "mov dword [rax+0xf0],imm32", 64,
	  BYTES(0xc7, 0x80, 0xf0, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12), 0,
	  { .len = 10, .size = 4, .write = true, .has_imm = true,
	    .imm = 0x12345678 } },
	{ "mov dword [rip+d32],0x80000000", 64,
	  BYTES(0xc7, 0x05, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80), 0,
	  { .len = 10, .size = 4, .write = true, .has_imm = true,
	    .imm = 0x80000000 } },
	{ "mov qword [rax],-1", 64,
	  BYTES(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff), 0,
	  { .len = 7, .size = 8, .write = true, .has_imm = true,
	    .imm = ~0ULL } },
	{ "mov qword [rax],0x80000000 (sign-extended)", 64,
	  BYTES(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80), 0,
	  { .len = 7, .size = 8, .write = true, .has_imm = true,
	    .imm = 0xffffffff80000000ULL } },
	{ "mov qword [rax],0x7fffffff", 64,
	  BYTES(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f), 0,
	  { .len = 7, .size = 8, .write = true, .has_imm = true,
	    .imm = 0x7fffffff } },
	{ "mov word [rax],0x1234", 64, BYTES(0x66, 0xc7, 0x00, 0x34, 0x12), 0,
	  { .len = 5, .size = 2, .write = true, .has_imm = true,
	    .imm = 0x1234 } },
	{ "mov byte [r8+rcx*1+d8],1 (REX.B, SIB)", 64,
	  BYTES(0x41, 0xc6, 0x44, 0x08, 0x10, 0x01), 0,
	  { .len = 6, .size = 1, .write = true, .has_imm = true, .imm = 1 } },
	/* MOVZX / MOVSX */
	{ "movzx eax,byte [rax+0x10]", 64, BYTES(0x0f, 0xb6, 0x40, 0x10), 0,
	  { .len = 4, .size = 1, .reg = RAX, .dst_size = 4 } },
	{ "movzx ax,byte [rax] (66)", 64, BYTES(0x66, 0x0f, 0xb6, 0x00), 0,
	  { .len = 4, .size = 1, .reg = RAX, .dst_size = 2 } },
	{ "movzx esi,byte [rax] (no high byte)", 64, BYTES(0x0f, 0xb6, 0x30), 0,
	  { .len = 3, .size = 1, .reg = RSI, .dst_size = 4 } },
	{ "movzx rcx,word [rax]", 64, BYTES(0x48, 0x0f, 0xb7, 0x08), 0,
	  { .len = 4, .size = 2, .reg = RCX, .dst_size = 8 } },
	{ "movzx ecx,word [rax]", 64, BYTES(0x0f, 0xb7, 0x08), 0,
	  { .len = 3, .size = 2, .reg = RCX, .dst_size = 4 } },
	{ "movsx edx,byte [rax]", 64, BYTES(0x0f, 0xbe, 0x10), 0,
	  { .len = 3, .size = 1, .reg = RDX, .dst_size = 4,
	    .sign_extend = true } },
	{ "movsx bx,word [rax]", 64, BYTES(0x66, 0x0f, 0xbf, 0x18), 0,
	  { .len = 4, .size = 2, .reg = RBX, .dst_size = 2,
	    .sign_extend = true } },
	{ "movsx r8,byte [rsp] (REX.WR, SIB)", 64,
	  BYTES(0x4c, 0x0f, 0xbe, 0x04, 0x24), 0,
	  { .len = 5, .size = 1, .reg = R8, .dst_size = 8,
	    .sign_extend = true } },
	{ "movsx r13d,word [rip+d32]", 64,
	  BYTES(0x44, 0x0f, 0xbf, 0x2d, 0x00, 0x00, 0x00, 0x00), 0,
	  { .len = 8, .size = 2, .reg = R13, .dst_size = 4,
	    .sign_extend = true } },
	/* MOV moffs A0-A3 */
	{ "mov eax,[moffs64]", 64,
	  BYTES(0xa1, 0x00, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 0,
	  { .len = 9, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "mov [moffs64],rax", 64,
	  BYTES(0x48, 0xa3, 0x00, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 0,
	  { .len = 10, .size = 8, .write = true, .reg = RAX } },
	{ "mov [moffs64],eax (REX.B ignored)", 64,
	  BYTES(0x41, 0xa3, 0x00, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 0,
	  { .len = 10, .size = 4, .write = true, .reg = RAX } },
	{ "mov al,[moffs32] (67)", 64,
	  BYTES(0x67, 0xa0, 0x00, 0x00, 0xe0, 0xfe), 0,
	  { .len = 6, .size = 1, .reg = RAX, .dst_size = 1 } },
	{ "mov [moffs32],al", 32, BYTES(0xa2, 0x20, 0x03, 0xe0, 0xfe), 0,
	  { .len = 5, .size = 1, .write = true, .reg = RAX } },
	{ "mov eax,[moffs32]", 32, BYTES(0xa1, 0x20, 0x03, 0xe0, 0xfe), 0,
	  { .len = 5, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "mov ax,[moffs16] (67 in 32-bit)", 32,
	  BYTES(0x66, 0x67, 0xa1, 0x20, 0x03), 0,
	  { .len = 5, .size = 2, .reg = RAX, .dst_size = 2 } },
	{ "mov [moffs16],ax", 16, BYTES(0xa3, 0x20, 0x03), 0,
	  { .len = 3, .size = 2, .write = true, .reg = RAX } },
	{ "mov eax,[moffs16] (66 in 16-bit)", 16, BYTES(0x66, 0xa1, 0x20, 0x03),
	  0, { .len = 4, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "mov al,[moffs32] (67 in 16-bit)", 16,
	  BYTES(0x67, 0xa0, 0x20, 0x03, 0xe0, 0xfe), 0,
	  { .len = 6, .size = 1, .reg = RAX, .dst_size = 1 } },
	/* 32-bit mode */
	{ "32: mov [d32],ecx", 32, BYTES(0x89, 0x0d, 0x20, 0x03, 0xe0, 0xfe), 0,
	  { .len = 6, .size = 4, .write = true, .reg = RCX } },
	{ "32: mov [esp+8],eax", 32, BYTES(0x89, 0x44, 0x24, 0x08), 0,
	  { .len = 4, .size = 4, .write = true, .reg = RAX } },
	{ "32: mov eax,[esp+d32]", 32,
	  BYTES(0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00), 0,
	  { .len = 7, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "32: mov eax,[ebp+ebp+d32] (SIB base=5, mod=2)", 32,
	  BYTES(0x8b, 0x84, 0x2d, 0x00, 0x01, 0x00, 0x00), 0,
	  { .len = 7, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "32: mov [ebp*2+d32],edi (SIB no base)", 32,
	  BYTES(0x89, 0x3c, 0x6d, 0x00, 0x00, 0xe0, 0xfe), 0,
	  { .len = 7, .size = 4, .write = true, .reg = RDI } },
	{ "32: mov [eax],dh", 32, BYTES(0x88, 0x30), 0,
	  { .len = 2, .size = 1, .write = true, .reg = RDX, .high_byte = true } },
	{ "32: mov cx,[bp+0x10] (67: 16-bit forms)", 32,
	  BYTES(0x66, 0x67, 0x8b, 0x4e, 0x10), 0,
	  { .len = 5, .size = 2, .reg = RCX, .dst_size = 2 } },
	{ "32: mov eax,[d16] (67)", 32, BYTES(0x67, 0x8b, 0x06, 0x00, 0x03), 0,
	  { .len = 5, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "32: mov dword [eax+d32],imm32", 32,
	  BYTES(0xc7, 0x80, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 0,
	  { .len = 10, .size = 4, .write = true, .has_imm = true, .imm = 0 } },
	{ "32: movzx eax,word [ecx]", 32, BYTES(0x0f, 0xb7, 0x01), 0,
	  { .len = 3, .size = 2, .reg = RAX, .dst_size = 4 } },
	/* 16-bit mode: the 16-bit ModRM table */
	{ "16: mov [bx],ax", 16, BYTES(0x89, 0x07), 0,
	  { .len = 2, .size = 2, .write = true, .reg = RAX } },
	{ "16: mov cx,[d16] (mod=0 rm=6)", 16, BYTES(0x8b, 0x0e, 0x00, 0x03), 0,
	  { .len = 4, .size = 2, .reg = RCX, .dst_size = 2 } },
	{ "16: mov [bx+si],dx (mod=0 rm=0)", 16, BYTES(0x89, 0x10), 0,
	  { .len = 2, .size = 2, .write = true, .reg = RDX } },
	{ "16: mov [bx+0x10],ah (d8)", 16, BYTES(0x88, 0x67, 0x10), 0,
	  { .len = 3, .size = 1, .write = true, .reg = RAX, .high_byte = true } },
	{ "16: mov [bp+0],ax (mod=1 rm=6)", 16, BYTES(0x89, 0x46, 0x00), 0,
	  { .len = 3, .size = 2, .write = true, .reg = RAX } },
	{ "16: mov word [bx+d16],imm16", 16,
	  BYTES(0xc7, 0x87, 0x00, 0x01, 0x34, 0x12), 0,
	  { .len = 6, .size = 2, .write = true, .has_imm = true,
	    .imm = 0x1234 } },
	{ "16: mov dword [di],imm32 (66)", 16,
	  BYTES(0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12), 0,
	  { .len = 7, .size = 4, .write = true, .has_imm = true,
	    .imm = 0x12345678 } },
	{ "16: mov eax,[si] (66)", 16, BYTES(0x66, 0x8b, 0x04), 0,
	  { .len = 3, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "16: mov [d32],eax (66 67: 32-bit forms)", 16,
	  BYTES(0x66, 0x67, 0x89, 0x05, 0x00, 0x00, 0xe0, 0xfe), 0,
	  { .len = 8, .size = 4, .write = true, .reg = RAX } },
	{ "16: mov [esp+d8],ax (67: SIB)", 16,
	  BYTES(0x67, 0x89, 0x44, 0x24, 0x08), 0,
	  { .len = 5, .size = 2, .write = true, .reg = RAX } },
	{ "16: movzx ax,byte [bx]", 16, BYTES(0x0f, 0xb6, 0x07), 0,
	  { .len = 3, .size = 1, .reg = RAX, .dst_size = 2 } },
	{ "16: movsx eax,word [bx] (66)", 16, BYTES(0x66, 0x0f, 0xbf, 0x07), 0,
	  { .len = 4, .size = 2, .reg = RAX, .dst_size = 4,
	    .sign_extend = true } },
	/* Prefix combinations */
	{ "segment overrides", 64,
	  BYTES(0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0x8b, 0x00), 0,
	  { .len = 8, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "fs: mov [rax],ecx", 64, BYTES(0x64, 0x89, 0x08), 0,
	  { .len = 3, .size = 4, .write = true, .reg = RCX } },
	{ "66 then REX.W: REX.W wins", 64, BYTES(0x66, 0x48, 0x89, 0x08), 0,
	  { .len = 4, .size = 8, .write = true, .reg = RCX } },
	{ "REX.W then 66: REX ignored", 64, BYTES(0x48, 0x66, 0x89, 0x08), 0,
	  { .len = 4, .size = 2, .write = true, .reg = RCX } },
	{ "REX.R then segment: REX ignored", 64, BYTES(0x44, 0x3e, 0x89, 0x08),
	  0, { .len = 4, .size = 4, .write = true, .reg = RCX } },
	{ "REX then ds: 8-bit reg is AH again", 64,
	  BYTES(0x40, 0x3e, 0x88, 0x20), 0,
	  { .len = 4, .size = 1, .write = true, .reg = RAX, .high_byte = true } },
	{ "two REX: the last counts", 64, BYTES(0x48, 0x44, 0x89, 0x08), 0,
	  { .len = 4, .size = 4, .write = true, .reg = R8 + RCX } },
	{ "15 bytes", 64,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x3e, 0x3e, 0x3e, 0x89, 0x08), 0,
	  { .len = 15, .size = 4, .write = true, .reg = RCX } },
};

/* Not supported: each must fail with ret whatever bytes follow. */
static const struct decode_case decode_bad[] = {
	{ "mod=3 mov eax,ecx", 64, BYTES(0x89, 0xc8), -EOPNOTSUPP },
	{ "mod=3 mov cl,al", 64, BYTES(0x8a, 0xc8), -EOPNOTSUPP },
	{ "mod=3 movzx eax,al", 64, BYTES(0x0f, 0xb6, 0xc0), -EOPNOTSUPP },
	{ "mod=3 movsx eax,ax", 64, BYTES(0x0f, 0xbf, 0xc0), -EOPNOTSUPP },
	{ "mod=3 mov al,imm8", 64, BYTES(0xc6, 0xc0, 0x01), -EOPNOTSUPP },
	{ "mod=3 mov eax,imm32", 32,
	  BYTES(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00), -EOPNOTSUPP },
	{ "16: mod=3", 16, BYTES(0x8b, 0xc1), -EOPNOTSUPP },
	{ "c6 /1", 64, BYTES(0xc6, 0x08, 0x01), -EOPNOTSUPP },
	{ "c7 /7", 64, BYTES(0xc7, 0x38, 0x01, 0x00, 0x00, 0x00), -EOPNOTSUPP },
	{ "lock", 64, BYTES(0xf0, 0x89, 0x08), -EOPNOTSUPP },
	{ "rep", 64, BYTES(0xf3, 0x89, 0x08), -EOPNOTSUPP },
	{ "repne", 64, BYTES(0xf2, 0x89, 0x08), -EOPNOTSUPP },
	{ "xrelease mov", 64, BYTES(0xf3, 0xc7, 0x00, 1, 0, 0, 0), -EOPNOTSUPP },
	{ "32: 48 is DEC eax", 32, BYTES(0x48, 0x89, 0x08), -EOPNOTSUPP },
	{ "16: 40 is INC ax", 16, BYTES(0x40, 0x89, 0x07), -EOPNOTSUPP },
	{ "nop", 64, BYTES(0x90), -EOPNOTSUPP },
	{ "lea", 64, BYTES(0x8d, 0x00), -EOPNOTSUPP },
	{ "mov r/m,sreg", 64, BYTES(0x8c, 0x18), -EOPNOTSUPP },
	{ "add [rax],ecx", 64, BYTES(0x01, 0x08), -EOPNOTSUPP },
	{ "test [rax],ecx", 64, BYTES(0x85, 0x08), -EOPNOTSUPP },
	{ "movsb", 64, BYTES(0xa4), -EOPNOTSUPP },
	{ "stosd", 64, BYTES(0xab), -EOPNOTSUPP },
	{ "syscall", 64, BYTES(0x0f, 0x05), -EOPNOTSUPP },
	{ "popcnt-like 0f b8", 64, BYTES(0x0f, 0xb8, 0x00), -EOPNOTSUPP },
	{ "movnti", 64, BYTES(0x0f, 0xc3, 0x00), -EOPNOTSUPP },
	{ "vex", 64, BYTES(0xc5, 0xf8, 0x10, 0x00), -EOPNOTSUPP },
	{ "empty", 64, .n = 0, .ret = -EINVAL },
	{ "prefixes only", 64, BYTES(0x66, 0x3e, 0x48), -EINVAL },
	{ "16 bytes", 64,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x08), -EINVAL },
	{ "16 bytes from the immediate", 64,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x80, 0, 0, 0,
		0, 1, 2, 3, 4), -EINVAL },
};

static void expect_op(struct kunit *test, const char *name,
		      const struct mv_mmio_op *got,
		      const struct mv_mmio_op *want)
{
	KUNIT_EXPECT_EQ_MSG(test, got->len, want->len, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->size, want->size, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->write, want->write, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->has_imm, want->has_imm, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->imm, want->imm, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->reg, want->reg, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->high_byte, want->high_byte, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->dst_size, want->dst_size, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, got->sign_extend, want->sign_extend, "%s",
			    name);
}

/*
 * Decode @c's first @avail bytes from a buffer of exactly @avail bytes
 * (so a memory checker would see any read past it) followed, in the
 * caller's eyes, by nothing.
 */
static int decode_prefix(struct kunit *test, const struct decode_case *c,
			 unsigned int avail, struct mv_mmio_op *op)
{
	u8 *buf = kunit_kmalloc(test, max(avail, 1U), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, c->bytes, avail);
	return mv_decode_mmio(buf, avail, c->mode, op);
}

static void decode_supported(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(decode_ok); i++) {
		const struct decode_case *c = &decode_ok[i];
		struct mv_mmio_op op;

		KUNIT_ASSERT_EQ_MSG(test, c->op.len, c->n, "%s: table", c->name);
		KUNIT_EXPECT_EQ_MSG(test, decode_prefix(test, c, c->n, &op), 0,
				    "%s", c->name);
		expect_op(test, c->name, &op, &c->op);
	}
}

/* Bytes after the instruction (here: more than 15 available) are ignored. */
static void decode_trailing_bytes(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(decode_ok); i++) {
		const struct decode_case *c = &decode_ok[i];
		struct mv_mmio_op op;
		u8 buf[32];

		memset(buf, 0xf0, sizeof(buf));
		memcpy(buf, c->bytes, c->n);
		KUNIT_EXPECT_EQ_MSG(test, mv_decode_mmio(buf, sizeof(buf),
							 c->mode, &op), 0,
				    "%s", c->name);
		expect_op(test, c->name, &op, &c->op);
	}
}

/* Every proper prefix of a supported instruction is incomplete. */
static void decode_truncated(struct kunit *test)
{
	unsigned int i, avail;

	for (i = 0; i < ARRAY_SIZE(decode_ok); i++) {
		const struct decode_case *c = &decode_ok[i];

		for (avail = 0; avail < c->n; avail++) {
			struct mv_mmio_op op;

			KUNIT_EXPECT_EQ_MSG(test,
					    decode_prefix(test, c, avail, &op),
					    -EINVAL, "%s: %u of %u bytes",
					    c->name, avail, c->n);
		}
	}
}

static void decode_unsupported(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(decode_bad); i++) {
		const struct decode_case *c = &decode_bad[i];
		struct mv_mmio_op op;
		u8 buf[24];

		KUNIT_EXPECT_EQ_MSG(test, decode_prefix(test, c, c->n, &op),
				    c->ret, "%s", c->name);
		if (c->ret != -EOPNOTSUPP)
			continue;
		/* Bytes after the rejected ones change nothing. */
		memset(buf, 0, sizeof(buf));
		memcpy(buf, c->bytes, c->n);
		KUNIT_EXPECT_EQ_MSG(test, mv_decode_mmio(buf, sizeof(buf),
							 c->mode, &op),
				    c->ret, "%s (padded)", c->name);
	}
}

static void decode_bad_mode(struct kunit *test)
{
	static const u8 insn[] = { 0x89, 0x08 };
	struct mv_mmio_op op;

	KUNIT_EXPECT_EQ(test, mv_decode_mmio(insn, 2, 0, &op), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_decode_mmio(insn, 2, 8, &op), -EINVAL);
	KUNIT_EXPECT_EQ(test, mv_decode_mmio(insn, 2, 128, &op), -EINVAL);
}

/* The 8-byte moffs in 64-bit mode: a 4-byte one would end too early. */
static void decode_moffs_width(struct kunit *test)
{
	static const u8 insn[] = { 0xa1, 0x00, 0x00, 0xe0, 0xfe, 0x90 };
	struct mv_mmio_op op;

	KUNIT_EXPECT_EQ(test, mv_decode_mmio(insn, sizeof(insn), 64, &op),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_decode_mmio(insn, sizeof(insn), 32, &op), 0);
	KUNIT_EXPECT_EQ(test, op.len, 5);
	KUNIT_EXPECT_EQ(test, mv_decode_mmio(insn, sizeof(insn), 16, &op), 0);
	KUNIT_EXPECT_EQ(test, op.len, 3);
}

#define OLD	0x1111222233334444ULL

struct load_case {
	const char *name;
	struct mv_mmio_op op;
	u64 old, data, want;
};

static const struct load_case load_cases[] = {
	{ "mov r64", { .size = 8, .dst_size = 8 }, OLD,
	  0x8877665544332211ULL, 0x8877665544332211ULL },
	{ "mov r32 zero-extends", { .size = 4, .dst_size = 4 }, OLD,
	  0xfee00020ULL, 0xfee00020ULL },
	{ "mov r32 ignores data above size", { .size = 4, .dst_size = 4 },
	  OLD, 0xdeadbeef12345678ULL, 0x12345678ULL },
	{ "mov r16 merges", { .size = 2, .dst_size = 2 }, OLD,
	  0xffffabcdULL, 0x111122223333abcdULL },
	{ "mov r8 merges", { .size = 1, .dst_size = 1 }, OLD, 0xffab,
	  0x11112222333344abULL },
	{ "mov ah merges into 15:8", { .size = 1, .dst_size = 1,
				       .high_byte = true }, OLD, 0xffab,
	  0x111122223333ab44ULL },
	{ "movzx r32,m8", { .size = 1, .dst_size = 4 }, OLD, 0xff80,
	  0x80 },
	{ "movzx r64,m16", { .size = 2, .dst_size = 8 }, OLD, 0xffff8000,
	  0x8000 },
	{ "movzx r16,m8 merges", { .size = 1, .dst_size = 2 }, OLD, 0x80,
	  0x1111222233330080ULL },
	{ "movsx r32,m8", { .size = 1, .dst_size = 4, .sign_extend = true },
	  OLD, 0x80, 0xffffff80ULL },
	{ "movsx r64,m8", { .size = 1, .dst_size = 8, .sign_extend = true },
	  OLD, 0x80, 0xffffffffffffff80ULL },
	{ "movsx r64,m8 positive", { .size = 1, .dst_size = 8,
				     .sign_extend = true }, OLD, 0xff7f, 0x7f },
	{ "movsx r16,m8 merges", { .size = 1, .dst_size = 2,
				   .sign_extend = true }, OLD, 0x90,
	  0x111122223333ff90ULL },
	{ "movsx r32,m16", { .size = 2, .dst_size = 4, .sign_extend = true },
	  OLD, 0x8001, 0xffff8001ULL },
	{ "movsx r64,m16", { .size = 2, .dst_size = 8, .sign_extend = true },
	  OLD, 0x8001, 0xffffffffffff8001ULL },
	{ "movsx r16,m16 is a mov", { .size = 2, .dst_size = 2,
				      .sign_extend = true }, OLD, 0x8001,
	  0x1111222233338001ULL },
};

static void load_result(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(load_cases); i++) {
		const struct load_case *c = &load_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, mv_mmio_load_result(&c->op, c->old,
							      c->data),
				    c->want, "%s", c->name);
	}
}

/* Decode then load: the register update the core would make. */
static void load_after_decode(struct kunit *test)
{
	static const u8 mov_ah[] = { 0x8a, 0x20 };		/* mov ah,[rax] */
	static const u8 movsx[] = { 0x48, 0x0f, 0xbe, 0x00 };	/* movsx rax,b[rax] */
	static const u8 mov32[] = { 0x8b, 0x00 };		/* mov eax,[rax] */
	struct mv_mmio_op op;

	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov_ah, 2, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_load_result(&op, OLD, 0x5a),
			0x1111222233335a44ULL);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(movsx, 4, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_load_result(&op, OLD, 0xfe), ~1ULL);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov32, 2, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_load_result(&op, OLD, 0x14),
			0x14ULL);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov32, 2, 16, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_load_result(&op, OLD, 0x14),
			0x1111222233330014ULL);
}

static void store_value(struct kunit *test)
{
	static const u8 mov_ch[] = { 0x88, 0x28 };		/* mov [rax],ch */
	static const u8 mov_bpl[] = { 0x40, 0x88, 0x28 };	/* mov [rax],bpl */
	static const u8 mov_r15[] = { 0x4c, 0x89, 0x38 };	/* mov [rax],r15 */
	static const u8 mov_esi[] = { 0x89, 0x30 };		/* mov [rax],esi */
	static const u8 mov_si[] = { 0x66, 0x89, 0x30 };	/* mov [rax],si */
	static const u8 imm64[] = { 0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff };
	static const u8 imm16[] = { 0x66, 0xc7, 0x00, 0x34, 0x12 };
	static const u8 imm8[] = { 0xc6, 0x00, 0x9c };
	struct mv_mmio_op op;
	u64 gprs[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gprs); i++)
		gprs[i] = 0x0101010101010101ULL * (i + 1) + 0x8070605040302010ULL;

	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov_ch, 2, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs),
			(gprs[RCX] >> 8) & 0xff);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov_bpl, 3, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs),
			gprs[RBP] & 0xff);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov_r15, 3, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs), gprs[R15]);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov_esi, 2, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs),
			gprs[RSI] & 0xffffffff);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(mov_si, 3, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs),
			gprs[RSI] & 0xffff);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(imm64, 7, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs), ~1ULL);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(imm16, 5, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs), 0x1234ULL);
	KUNIT_ASSERT_EQ(test, mv_decode_mmio(imm8, 3, 32, &op), 0);
	KUNIT_EXPECT_EQ(test, mv_mmio_store_value(&op, gprs), 0x9cULL);
}

/* MOV to CR (0F 22 /r): CR from ModRM.reg + REX.R, GPR from rm + REX.B. */
static void decode_mov_to_cr(struct kunit *test)
{
	static const u8 cr4_rax[] = { 0x0f, 0x22, 0xe0 };
	static const u8 cr4_r8[] = { 0x41, 0x0f, 0x22, 0xe0 };
	static const u8 cr8_rcx[] = { 0x44, 0x0f, 0x22, 0xc1 };
	static const u8 cr4_rdi_66[] = { 0x66, 0x0f, 0x22, 0xe7 };
	static const u8 cr4_mod0[] = { 0x0f, 0x22, 0x23 };	/* mod ignored */
	static const u8 lock[] = { 0xf0, 0x0f, 0x22, 0xc0 };
	static const u8 mov_from[] = { 0x0f, 0x20, 0xe0 };
	struct mv_cr_op op;

	KUNIT_ASSERT_EQ(test, mv_decode_mov_to_cr(cr4_rax, 3, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, op.cr, 4);
	KUNIT_EXPECT_EQ(test, op.gpr, RAX);
	KUNIT_EXPECT_EQ(test, op.len, 3);
	KUNIT_ASSERT_EQ(test, mv_decode_mov_to_cr(cr4_r8, 4, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, op.cr, 4);
	KUNIT_EXPECT_EQ(test, op.gpr, R8);
	KUNIT_EXPECT_EQ(test, op.len, 4);
	KUNIT_ASSERT_EQ(test, mv_decode_mov_to_cr(cr8_rcx, 4, 64, &op), 0);
	KUNIT_EXPECT_EQ(test, op.cr, 8);
	KUNIT_EXPECT_EQ(test, op.gpr, RCX);
	KUNIT_ASSERT_EQ(test, mv_decode_mov_to_cr(cr4_rdi_66, 4, 32, &op), 0);
	KUNIT_EXPECT_EQ(test, op.gpr, RDI);
	KUNIT_EXPECT_EQ(test, op.len, 4);
	KUNIT_ASSERT_EQ(test, mv_decode_mov_to_cr(cr4_mod0, 3, 16, &op), 0);
	KUNIT_EXPECT_EQ(test, op.cr, 4);
	KUNIT_EXPECT_EQ(test, op.gpr, RBX);
	/* REX is an INC/DEC outside 64-bit mode: not MOV to CR. */
	KUNIT_EXPECT_EQ(test, mv_decode_mov_to_cr(cr4_r8, 4, 32, &op),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, mv_decode_mov_to_cr(lock, 4, 64, &op),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, mv_decode_mov_to_cr(mov_from, 3, 64, &op),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, mv_decode_mov_to_cr(cr4_rax, 2, 64, &op),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mv_decode_mov_to_cr(cr4_rax, 3, 8, &op),
			-EINVAL);
}

static struct kunit_case decode_test_cases[] = {
	KUNIT_CASE(decode_supported),
	KUNIT_CASE(decode_trailing_bytes),
	KUNIT_CASE(decode_truncated),
	KUNIT_CASE(decode_unsupported),
	KUNIT_CASE(decode_bad_mode),
	KUNIT_CASE(decode_moffs_width),
	KUNIT_CASE(load_result),
	KUNIT_CASE(load_after_decode),
	KUNIT_CASE(store_value),
	KUNIT_CASE(decode_mov_to_cr),
	{}
};

static struct kunit_suite decode_test_suite = {
	.name = "minivmm_decode",
	.test_cases = decode_test_cases,
};

kunit_test_suite(decode_test_suite);
