// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO emulation: a nested page fault outside guest RAM that lands on an
 * in-kernel device page (the local APIC, the I/O APIC) is completed by decoding
 * the faulting instruction ourselves.  Neither backend relies on hardware
 * help for this (AMD decode assists, VMX instruction information), so the
 * same path serves both: fetch the bytes at CS:RIP through the guest's own
 * page tables (kmod/walk.c), decode the access (kmod/decode.c), perform it
 * on the device, write back the destination register and skip the
 * instruction.  Everything read here is guest-controlled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "minivmm.h"
#include "emulate.h"

#define MV_INSN_MAX	15

/* Copy guest RAM; -EFAULT if any byte lies outside it. */
static int mv_read_guest_ram(struct mv_vm *vm, u64 gpa, void *buf,
			     unsigned int len)
{
	unsigned int done = 0;

	if (gpa >= vm->mem_size || len > vm->mem_size - gpa)
		return -EFAULT;
	while (done < len) {
		u64 at = gpa + done;
		unsigned int off = offset_in_page(at);
		unsigned int n = min_t(unsigned int, PAGE_SIZE - off,
				       len - done);

		struct page *page = mv_gpa_to_page(vm, at, false);

		if (IS_ERR(page))
			return -EFAULT;
		if (page) {
			memcpy((u8 *)buf + done, page_address(page) + off, n);
			mv_guest_page_put(page);
		} else {	/* never touched: zeros */
			memset((u8 *)buf + done, 0, n);
		}
		done += n;
	}
	return 0;
}

static int mv_walk_read_phys(void *opaque, u64 gpa, void *buf,
			     unsigned int len)
{
	return mv_read_guest_ram(opaque, gpa, buf, len);
}

/* Default operand size of the code segment: 16, 32 or 64. */
static unsigned int mv_code_bits(const struct minivmm_sregs *sr, u64 rflags)
{
	if ((sr->efer & EFER_LMA) && sr->cs.l)
		return 64;
	if (!(sr->cr0 & X86_CR0_PE) || (rflags & X86_EFLAGS_VM))
		return 16;
	return sr->cs.db ? 32 : 16;
}

/*
 * Fetch up to MV_INSN_MAX bytes at CS:RIP, a page at a time.  Returns how
 * many bytes could be fetched (the decoder says if they are too few).
 */
static unsigned int mv_fetch_insn(struct mv_vcpu *vcpu,
				  const struct minivmm_sregs *sr,
				  unsigned int bits, u8 *insn)
{
	struct mv_walk walk = {
		.cr0 = sr->cr0, .cr3 = sr->cr3, .cr4 = sr->cr4,
		.efer = sr->efer, .read_phys = mv_walk_read_phys,
		.opaque = vcpu->vm,
	};
	u64 linear = bits == 64 ? vcpu->rip : (u32)(sr->cs.base + vcpu->rip);
	unsigned int got = 0;

	while (got < MV_INSN_MAX) {
		u64 la = linear + got, gpa = la;
		unsigned int n = min_t(unsigned int, MV_INSN_MAX - got,
				       PAGE_SIZE - offset_in_page(la));

		if (bits != 64)
			gpa = la = (u32)la;
		if ((sr->cr0 & X86_CR0_PG) && mv_walk_gva(&walk, la, &gpa))
			break;
		if (mv_read_guest_ram(vcpu->vm, gpa, insn + got, n))
			break;
		got += n;
	}
	return got;
}

/*
 * The bytes at the guest's CS:RIP, for exits that come without them (AMD-V
 * without decode assists): returns how many could be read into @insn
 * (MV_INSN_MAX bytes) and the code segment's default size in @bits.
 */
unsigned int mv_fetch_guest_insn(struct mv_vcpu *vcpu,
				 const struct minivmm_sregs *sr, u8 *insn,
				 unsigned int *bits)
{
	*bits = mv_code_bits(sr, vcpu->rflags);
	return mv_fetch_insn(vcpu, sr, *bits, insn);
}

/* The decoded access, performed on the local APIC page. */
static void mv_mmio_lapic(struct mv_vcpu *vcpu, const struct mv_mmio_op *op,
			  u32 offset)
{
	u64 now = ktime_get_ns();
	u64 *reg = &vcpu->gprs[op->reg];
	u64 data;

	if (op->write) {
		mv_lapic_mmio_write(&vcpu->apic, offset, op->size,
				    mv_mmio_store_value(op, vcpu->gprs), now);
		if (vcpu->apic.ipi_pending)
			mv_smp_send_ipi(vcpu);
		mv_ioapic_lapic_eoi(vcpu);
		return;
	}
	data = mv_lapic_mmio_read(&vcpu->apic, offset, op->size, now);
	*reg = mv_mmio_load_result(op, *reg, data);
}

/* The decoded access, performed on the I/O APIC page (dev_lock). */
static void mv_mmio_ioapic(struct mv_vcpu *vcpu, const struct mv_mmio_op *op,
			   u32 offset)
{
	struct mv_vm *vm = vcpu->vm;
	u64 *reg = &vcpu->gprs[op->reg];
	u64 data;

	spin_lock(&vm->dev_lock);
	if (op->write) {
		mv_ioapic_mmio_write(&vm->ioapic, offset, op->size,
				     (u32)mv_mmio_store_value(op, vcpu->gprs));
		data = 0;
	} else {
		data = mv_ioapic_mmio_read(&vm->ioapic, offset, op->size);
	}
	spin_unlock(&vm->dev_lock);
	if (!op->write)
		*reg = mv_mmio_load_result(op, *reg, data);
}

/* Stop the VM: an access we cannot emulate.  @raw carries up to 8 bytes. */
static enum mv_exit_action mv_mmio_fail(struct mv_vcpu *vcpu, u64 gpa,
					const u8 *insn, unsigned int got,
					const char *why)
{
	u64 raw = 0;

	memcpy(&raw, insn, min_t(unsigned int, got, sizeof(raw)));
	pr_warn_ratelimited("VM %u: MMIO at %#llx, RIP %#llx: %s (%*ph): VM stopped\n",
			    vcpu->vm->id, gpa, vcpu->rip, why,
			    (int)min_t(unsigned int, got, 8), insn);
	mv_vm_stop(vcpu->vm, MINIVMM_STOP_INTERNAL_ERROR, raw);
	return MV_EXIT_STOP;
}

static bool mv_is_lapic_page(struct mv_vcpu *vcpu, u64 gpa)
{
	return (gpa & PAGE_MASK) == MINIVMM_APIC_BASE &&
	       mv_lapic_mmio_enabled(&vcpu->apic);
}

/*
 * A data access (not a fetch, not the guest's own table walk) at @gpa
 * outside RAM.  Returns false when no device claims the page.
 */
bool mv_mmio_claims(struct mv_vcpu *vcpu, u64 gpa, unsigned int npf_flags)
{
	return !(npf_flags & (MV_NPF_FETCH | MV_NPF_WALK)) &&
	       (mv_is_lapic_page(vcpu, gpa) || mv_ioapic_claims(gpa) ||
		mv_uio_claims_mmio(vcpu->vm, gpa));
}

/* The decoded access, sent to the device process (kmod/uio.c). */
static enum mv_uio_result mv_mmio_uio(struct mv_vcpu *vcpu,
				      const struct mv_mmio_op *op, u64 gpa)
{
	u64 *reg = &vcpu->gprs[op->reg];
	u64 data = op->write ? mv_mmio_store_value(op, vcpu->gprs) : 0;
	enum mv_uio_result ret;

	ret = mv_uio_access(vcpu, MINIVMM_DEV_MMIO, gpa, op->size, op->write,
			    &data);
	if (ret == MV_UIO_DONE && !op->write)
		*reg = mv_mmio_load_result(op, *reg, data);
	return ret;
}

enum mv_exit_action mv_exit_mmio(struct mv_vcpu *vcpu, u64 gpa)
{
	struct minivmm_sregs sr = { 0 };
	struct mv_mmio_op op;
	u8 insn[MV_INSN_MAX];
	unsigned int bits, got, offset = offset_in_page(gpa);
	int ret;

	mv_vcpu_sregs(vcpu, &sr);
	bits = mv_code_bits(&sr, vcpu->rflags);
	got = mv_fetch_insn(vcpu, &sr, bits, insn);
	if (!got)
		return mv_mmio_fail(vcpu, gpa, insn, 0,
				    "instruction not fetchable");
	ret = mv_decode_mmio(insn, got, bits, &op);
	if (ret)
		return mv_mmio_fail(vcpu, gpa, insn, got,
				    ret == -EOPNOTSUPP ?
				    "instruction not emulated" :
				    "instruction not decodable");
	if (offset + op.size > PAGE_SIZE)
		return mv_mmio_fail(vcpu, gpa, insn, got,
				    "access crosses the device page");

	if (mv_is_lapic_page(vcpu, gpa)) {
		mv_mmio_lapic(vcpu, &op, offset);
	} else if (mv_ioapic_claims(gpa)) {
		mv_mmio_ioapic(vcpu, &op, offset);
	} else {
		switch (mv_mmio_uio(vcpu, &op, gpa)) {
		case MV_UIO_DONE:
			break;
		case MV_UIO_RETRY:	/* pausing: done again on resume */
			return MV_EXIT_RESUME;
		case MV_UIO_NONE:	/* the claim went away */
			mv_vm_stop(vcpu->vm, MINIVMM_STOP_BAD_GPA, gpa);
			return MV_EXIT_STOP;
		}
	}
	vcpu->rip += op.len;
	if (bits == 32)
		vcpu->rip = (u32)vcpu->rip;
	else if (bits == 16)
		vcpu->rip = (u16)vcpu->rip;	/* IP wraps in 16-bit code */
	return MV_EXIT_RESUME;
}
