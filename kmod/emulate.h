/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm: vCPU-independent pieces of MMIO emulation.
 *
 * Neither AMD decode assists (absent under QEMU TCG) nor VMX hand us the
 * instruction that touched an emulated MMIO page (the local APIC at
 * 0xfee00000), so the core fetches the bytes at the guest's RIP itself:
 * mv_walk_gva() turns the linear address into a guest-physical one and
 * mv_decode_mmio() decodes the few MOV forms that guest kernels use for
 * device registers.  Nothing here touches a vCPU, a lock or guest memory
 * other than through the caller's read_phys() callback, so both run in any
 * context and are tested by KUnit (tests/kunit/decode_test.c, walk_test.c).
 */
#ifndef MINIVMM_EMULATE_H
#define MINIVMM_EMULATE_H

#include <linux/types.h>

/* One decoded instruction that accesses memory through ModRM (MMIO). */
struct mv_mmio_op {
	u8 len;		/* instruction length in bytes, prefixes included */
	u8 size;	/* bytes accessed in memory: 1, 2, 4 or 8 */
	bool write;	/* true: the instruction stores to memory */
	bool has_imm;	/* store of an immediate (imm) rather than a register */
	u64 imm;	/* sign-extended to size as the CPU would */
	u8 reg;		/* GPR index, uapi order RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
	bool high_byte;	/* reg means AH/CH/DH/BH (bits 15:8 of RAX..RBX) */
	u8 dst_size;	/* loads: register width written (2/4/8; = size for MOV) */
	bool sign_extend;	/* loads: MOVSX (else MOVZX or plain MOV) */
};

/*
 * @mode_bits: 16, 32 or 64 (default operand/address size of the code segment;
 * 64 = long mode CS.L=1). Returns 0, -EOPNOTSUPP for an instruction that is
 * not a supported MMIO access, -EINVAL for bytes that do not form a complete
 * instruction within @avail (max 15).
 */
int mv_decode_mmio(const u8 *insn, unsigned int avail, unsigned int mode_bits,
		   struct mv_mmio_op *op);
/*
 * The register's new value after a load of @data (x86 rules: 32-bit dst
 * zero-extends to 64 bits, 8/16-bit dst merges into @old, high_byte into 15:8).
 */
u64 mv_mmio_load_result(const struct mv_mmio_op *op, u64 old, u64 data);
/* The value a store writes (register source truncated to size, or imm). */
u64 mv_mmio_store_value(const struct mv_mmio_op *op, const u64 *gprs);

/* A MOV to a control register (0F 22 /r). */
struct mv_cr_op {
	u8 len;		/* instruction length in bytes, prefixes included */
	u8 cr;		/* control register number, 0..15 */
	u8 gpr;		/* source GPR index, uapi order */
};

/* As mv_decode_mmio(): 0, -EOPNOTSUPP (another instruction) or -EINVAL. */
int mv_decode_mov_to_cr(const u8 *insn, unsigned int avail,
			unsigned int mode_bits, struct mv_cr_op *op);

/*
 * Guest page walk for instruction fetch: paging off, 32-bit (PSE 4 MiB pages),
 * PAE (PDPTEs read from memory at CR3), 4-level and 5-level (CR4.LA57), with
 * 2 MiB / 1 GiB large pages; honour the present bit and reserved-bit
 * violations (return -EFAULT), MAXPHYADDR is 52 for masking.
 */
struct mv_walk {
	u64 cr0, cr3, cr4, efer;
	/*
	 * Read @len (4 or 8) bytes of guest-physical memory at @gpa into @buf,
	 * little endian. Returns 0 or -EFAULT (outside RAM).
	 */
	int (*read_phys)(void *opaque, u64 gpa, void *buf, unsigned int len);
	void *opaque;
};

/*
 * Linear address -> guest-physical. 0 or -EFAULT (not present, reserved bits
 * set, unreadable table). No accessed/dirty bit updates.
 */
int mv_walk_gva(const struct mv_walk *w, u64 gva, u64 *gpa);

#endif /* MINIVMM_EMULATE_H */
