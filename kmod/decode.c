// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm: decoder for the instructions that guest kernels use on MMIO
 * registers (see emulate.h for why we decode at all).
 *
 * Recognised: MOV 88/89/8A/8B, MOV imm C6 /0 and C7 /0, MOVZX 0F B6/B7,
 * MOVSX 0F BE/BF, and MOV with a direct offset A0-A3; each with the operand
 * size (66) and address size (67) prefixes, segment overrides (26 2E 36 3E
 * 64 65: the access's guest-physical address comes from the exit, so the
 * segment is of no interest) and REX in 64-bit mode.
 *
 * Rejected with -EOPNOTSUPP:
 *  - F0 (LOCK): #UD with every instruction above, so the CPU never performs
 *    such an access; seeing it means the code changed under us.
 *  - F2/F3: REP/REPNE are undefined with these opcodes and, as XACQUIRE/
 *    XRELEASE, lock-elision hints no kernel puts on a device register.
 *    Refusing them is safer than guessing.
 *  - A register operand (ModRM mod=3): not a memory access.
 *  - Anything else, including VEX/EVEX and string instructions.
 *
 * Bytes are read strictly in order and never at or past @avail (capped at
 * the architectural 15-byte limit); running out yields -EINVAL.  Unsupported
 * bytes that come before the point of truncation still yield -EOPNOTSUPP.
 * A @mode_bits other than 16, 32 or 64 is a caller bug: -EINVAL.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "emulate.h"

#define MV_INSN_MAX	15

#define MV_REX_W	0x08
#define MV_REX_R	0x04
#define MV_REX_B	0x01

#define MV_MODRM_MOD(m)	((m) >> 6)
#define MV_MODRM_REG(m)	(((m) >> 3) & 7)
#define MV_MODRM_RM(m)	((m) & 7)

struct mv_decoder {
	const u8 *insn;
	unsigned int avail;
	unsigned int pos;
};

static int mv_dec_byte(struct mv_decoder *d, u8 *byte)
{
	if (d->pos >= d->avail)
		return -EINVAL;
	*byte = d->insn[d->pos++];
	return 0;
}

/* Little-endian immediate or displacement of @n (1, 2, 4 or 8) bytes. */
static int mv_dec_le(struct mv_decoder *d, unsigned int n, u64 *val)
{
	unsigned int i;

	if (n > d->avail - d->pos)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)d->insn[d->pos + i] << (8 * i);
	d->pos += n;
	return 0;
}

static int mv_dec_skip(struct mv_decoder *d, unsigned int n)
{
	if (n > d->avail - d->pos)
		return -EINVAL;
	d->pos += n;
	return 0;
}

/*
 * Step over the memory operand that follows @modrm: SIB and displacement.
 * @adbytes is the address size (2 selects the 16-bit forms, which have
 * neither SIB nor RIP-relative addressing).
 */
static int mv_dec_mem_operand(struct mv_decoder *d, u8 modrm,
			      unsigned int adbytes)
{
	unsigned int mod = MV_MODRM_MOD(modrm), rm = MV_MODRM_RM(modrm);
	int ret;
	u8 sib;

	if (mod == 3)
		return -EOPNOTSUPP;

	if (adbytes == 2) {
		/* [BX+SI] .. [BX]; mod=0 rm=6 is a bare disp16. */
		if (mod == 1)
			return mv_dec_skip(d, 1);
		if (mod == 2 || rm == 6)
			return mv_dec_skip(d, 2);
		return 0;
	}

	/* 32/64-bit forms: REX.B does not change the special encodings. */
	if (rm == 4) {
		ret = mv_dec_byte(d, &sib);
		if (ret)
			return ret;
		/* No base register: disp32 (only with mod=0). */
		if (mod == 0 && MV_MODRM_RM(sib) == 5)
			return mv_dec_skip(d, 4);
	} else if (mod == 0 && rm == 5) {
		/* disp32, RIP-relative in 64-bit mode */
		return mv_dec_skip(d, 4);
	}
	if (mod == 1)
		return mv_dec_skip(d, 1);
	if (mod == 2)
		return mv_dec_skip(d, 4);
	return 0;
}

int mv_decode_mmio(const u8 *insn, unsigned int avail, unsigned int mode_bits,
		   struct mv_mmio_op *op)
{
	struct mv_decoder d = { .insn = insn, .avail = min(avail, MV_INSN_MAX) };
	bool opsize = false, adsize = false, byte_reg = false;
	unsigned int opbytes, adbytes, immbytes = 0;
	u8 rex = 0, b, modrm;
	u64 val;
	int ret;

	memset(op, 0, sizeof(*op));
	if (mode_bits != 16 && mode_bits != 32 && mode_bits != 64)
		return -EINVAL;

	/* Prefixes.  REX counts only directly before the opcode. */
	for (;;) {
		ret = mv_dec_byte(&d, &b);
		if (ret)
			return ret;
		switch (b) {
		case 0x66:
			opsize = true;
			rex = 0;
			continue;
		case 0x67:
			adsize = true;
			rex = 0;
			continue;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
			rex = 0;
			continue;
		case 0xf0: case 0xf2: case 0xf3:
			return -EOPNOTSUPP;
		}
		if (mode_bits == 64 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		break;
	}

	if (rex & MV_REX_W)
		opbytes = 8;
	else if (mode_bits == 16)
		opbytes = opsize ? 4 : 2;
	else
		opbytes = opsize ? 2 : 4;

	if (mode_bits == 64)
		adbytes = adsize ? 4 : 8;
	else if (mode_bits == 32)
		adbytes = adsize ? 2 : 4;
	else
		adbytes = adsize ? 4 : 2;

	switch (b) {
	case 0x88:		/* MOV r/m8, r8 */
	case 0x8a:		/* MOV r8, r/m8 */
		op->size = 1;
		op->write = b == 0x88;
		byte_reg = true;
		break;
	case 0x89:		/* MOV r/m, r */
	case 0x8b:		/* MOV r, r/m */
		op->size = opbytes;
		op->write = b == 0x89;
		break;
	case 0xc6:		/* MOV r/m8, imm8 */
		op->size = 1;
		op->write = true;
		immbytes = 1;
		break;
	case 0xc7:		/* MOV r/m, imm16/imm32 (sign-extended with REX.W) */
		op->size = opbytes;
		op->write = true;
		immbytes = min(opbytes, 4U);
		break;
	case 0xa0:		/* MOV AL, moffs8 */
	case 0xa1:		/* MOV rAX, moffs */
	case 0xa2:		/* MOV moffs8, AL */
	case 0xa3:		/* MOV moffs, rAX */
		op->size = (b & 1) ? opbytes : 1;
		op->write = b >= 0xa2;
		op->dst_size = op->write ? 0 : op->size;
		/* The register is always AL/rAX; REX.B does not apply. */
		ret = mv_dec_skip(&d, adbytes);
		if (ret)
			return ret;
		op->len = d.pos;
		return 0;
	case 0x0f:
		ret = mv_dec_byte(&d, &b);
		if (ret)
			return ret;
		switch (b) {
		case 0xb6:	/* MOVZX r, r/m8 */
		case 0xbe:	/* MOVSX r, r/m8 */
			op->size = 1;
			break;
		case 0xb7:	/* MOVZX r, r/m16 */
		case 0xbf:	/* MOVSX r, r/m16 */
			op->size = 2;
			break;
		default:
			return -EOPNOTSUPP;
		}
		op->dst_size = opbytes;
		op->sign_extend = b >= 0xbe;
		break;
	default:
		return -EOPNOTSUPP;
	}

	ret = mv_dec_byte(&d, &modrm);
	if (ret)
		return ret;
	if (MV_MODRM_MOD(modrm) == 3)
		return -EOPNOTSUPP;

	if (immbytes) {
		/* C6/C7 with a reg field other than 0 are other instructions. */
		if (MV_MODRM_REG(modrm) != 0)
			return -EOPNOTSUPP;
		op->has_imm = true;
	} else {
		op->reg = MV_MODRM_REG(modrm) | ((rex & MV_REX_R) ? 8 : 0);
		/* Without any REX, byte registers 4-7 are AH CH DH BH. */
		if (byte_reg && !rex && op->reg >= 4) {
			op->reg -= 4;
			op->high_byte = true;
		}
		if (!op->write && !op->dst_size)
			op->dst_size = op->size;
	}

	ret = mv_dec_mem_operand(&d, modrm, adbytes);
	if (ret)
		return ret;

	if (immbytes) {
		ret = mv_dec_le(&d, immbytes, &val);
		if (ret)
			return ret;
		if (op->size == 8)
			val = (u64)sign_extend64(val, 31);
		op->imm = val;
	}

	op->len = d.pos;
	return 0;
}

static u64 mv_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : BIT_ULL(size * 8) - 1;
}

u64 mv_mmio_load_result(const struct mv_mmio_op *op, u64 old, u64 data)
{
	u64 val = data & mv_size_mask(op->size);

	if (op->sign_extend && op->size && op->size < 8)
		val = (u64)sign_extend64(val, op->size * 8 - 1);

	switch (op->dst_size) {
	case 8:
		return val;
	case 4:
		/* A 32-bit destination clears bits 63:32. */
		return val & 0xffffffffULL;
	case 2:
		return (old & ~0xffffULL) | (val & 0xffff);
	case 1:
		if (op->high_byte)
			return (old & ~0xff00ULL) | ((val & 0xff) << 8);
		return (old & ~0xffULL) | (val & 0xff);
	default:
		return old;
	}
}

u64 mv_mmio_store_value(const struct mv_mmio_op *op, const u64 *gprs)
{
	u64 val;

	if (op->has_imm)
		return op->imm & mv_size_mask(op->size);
	val = gprs[op->reg & 15];
	if (op->high_byte)
		val >>= 8;
	return val & mv_size_mask(op->size);
}

/*
 * MOV to a control register, 0F 22 /r: ModRM.reg (with REX.R) is the CR,
 * ModRM.rm (with REX.B) the source GPR; the mod bits are ignored (always a
 * register form).  Prefixes 66, 67 and segment overrides change nothing;
 * LOCK (AMD's alternative CR8 encoding) and REP are refused.
 */
int mv_decode_mov_to_cr(const u8 *insn, unsigned int avail,
			unsigned int mode_bits, struct mv_cr_op *op)
{
	struct mv_decoder d = { .insn = insn, .avail = min(avail, MV_INSN_MAX) };
	u8 rex = 0, b, modrm;
	int ret;

	memset(op, 0, sizeof(*op));
	if (mode_bits != 16 && mode_bits != 32 && mode_bits != 64)
		return -EINVAL;
	for (;;) {
		ret = mv_dec_byte(&d, &b);
		if (ret)
			return ret;
		if (b == 0x66 || b == 0x67 || b == 0x26 || b == 0x2e ||
		    b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65) {
			rex = 0;
			continue;
		}
		if (mode_bits == 64 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		break;
	}
	if (b != 0x0f)
		return -EOPNOTSUPP;
	ret = mv_dec_byte(&d, &b);
	if (!ret && b != 0x22)
		return -EOPNOTSUPP;
	if (!ret)
		ret = mv_dec_byte(&d, &modrm);
	if (ret)
		return ret;
	op->cr = MV_MODRM_REG(modrm) | ((rex & MV_REX_R) ? 8 : 0);
	op->gpr = MV_MODRM_RM(modrm) | ((rex & MV_REX_B) ? 8 : 0);
	op->len = d.pos;
	return 0;
}
