// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel MultiProcessor Specification 1.4 table that tells a kernel
 * (Linux's mpparse) how many CPUs a VM has: a floating pointer structure at
 * 0xf0000 (the BIOS area, reserved in the bzImage loader's e820 map, which
 * mpparse scans), followed by the configuration table: one processor
 * entry per vCPU (APIC ID = vCPU index, vCPU 0 the bootstrap processor),
 * one ISA bus, the I/O APIC at 0xfec00000 (kmod/ioapic.c; its ID follows
 * the last vCPU's, within its 4 bits) and one I/O interrupt entry per
 * ISA IRQ: IRQ 0 (the PIT) on pin 2, as on most boards, IRQ 2 (the 8259
 * cascade) on none, every other IRQ on the pin of its own number, all
 * edge triggered and active high as ISA is.  The 8259 stays usable: it
 * reaches the BSP through LINT0 (virtual wire mode), and the devices
 * raise their lines on both.  acpi.c writes the same facts as ACPI tables,
 * which a kernel with ACPI prefers.
 */
#include <stdint.h>
#include <string.h>
#include "ctl.h"
#include "le.h"

#define MP_GPA			0xf0000ULL
#define MP_FPS_SIZE		16
#define MP_HDR_SIZE		44
#define MP_CPU_SIZE		20
#define MP_BUS_SIZE		8
#define MP_IOAPIC_SIZE		8
#define MP_IRQ_SIZE		8
#define MP_ISA_IRQS		15	/* 0-15 but the cascade, IRQ 2 */
#define MP_IOAPIC_VERSION	0x20
#define MP_IOAPIC_ADDR		0xfec00000u
#define MP_SPEC_REV		4	/* 1.4 */
#define MP_APIC_VERSION		0x14
#define MP_CPU_EN		0x01
#define MP_CPU_BP		0x02
#define MP_APIC_ADDR		0xfee00000u
#define MP_MAX_CPUS		MINIVMM_MAX_VCPUS
#define MP_BUF_SIZE		(MP_FPS_SIZE + MP_HDR_SIZE + MP_BUS_SIZE + \
				 MP_MAX_CPUS * MP_CPU_SIZE + MP_IOAPIC_SIZE + \
				 MP_ISA_IRQS * MP_IRQ_SIZE)

/* kmod/ioapic.c's ID: the one after the last vCPU, within 4 bits. */
uint8_t ctl_ioapic_id(unsigned int ncpus)
{
	return ncpus < 15 ? ncpus : 15;
}

int ctl_mptable_write(const char *what, int vmfd, unsigned int ncpus)
{
	uint8_t buf[MP_BUF_SIZE];
	uint8_t *fps = buf, *hdr = buf + MP_FPS_SIZE, *e;
	uint8_t ioapic_id = ctl_ioapic_id(ncpus);
	unsigned int i;
	size_t len;

	if (ncpus < 1 || ncpus > MP_MAX_CPUS) {
		ctl_err("%s: an MP table describes 1 to %u CPUs, not %u", what,
			MP_MAX_CPUS, ncpus);
		return CTL_EXIT_FAIL;
	}
	memset(buf, 0, sizeof(buf));
	e = hdr + MP_HDR_SIZE;
	for (i = 0; i < ncpus; i++, e += MP_CPU_SIZE) {
		e[0] = 0;			/* processor */
		e[1] = i;			/* local APIC ID */
		e[2] = MP_APIC_VERSION;
		e[3] = MP_CPU_EN | (i ? 0 : MP_CPU_BP);
		put32(e + 8, 0x201);		/* features: FPU, APIC */
	}
	e[0] = 1;				/* bus 0: ISA */
	memcpy(e + 2, "ISA   ", 6);
	e += MP_BUS_SIZE;
	e[0] = 2;				/* I/O APIC */
	e[1] = ioapic_id;
	e[2] = MP_IOAPIC_VERSION;
	e[3] = 1;				/* enabled */
	put32(e + 4, MP_IOAPIC_ADDR);
	e += MP_IOAPIC_SIZE;
	for (i = 0; i < 16; i++) {
		if (i == 2)
			continue;
		e[0] = 3;			/* I/O interrupt assignment */
		e[1] = 0;			/* INT: vectored */
		put16(e + 2, 0);		/* conforming: ISA edge, high */
		e[4] = 0;			/* bus 0, ISA */
		e[5] = i;			/* its IRQ */
		e[6] = ioapic_id;
		e[7] = i ? i : 2;		/* pin */
		e += MP_IRQ_SIZE;
	}
	len = e - hdr;

	memcpy(hdr, "PCMP", 4);
	put16(hdr + 4, len);
	hdr[6] = MP_SPEC_REV;
	memcpy(hdr + 8, "MINIVMM ", 8);
	memcpy(hdr + 16, "VCPUS       ", 12);
	put16(hdr + 34, ncpus + 2 + MP_ISA_IRQS);	/* entries */
	put32(hdr + 36, MP_APIC_ADDR);
	hdr[7] = sum8_fix(hdr, len);

	memcpy(fps, "_MP_", 4);
	put32(fps + 4, (uint32_t)(MP_GPA + MP_FPS_SIZE));
	fps[8] = 1;				/* length in 16-byte units */
	fps[9] = MP_SPEC_REV;
	/*
	 * Feature byte 1 = 0: the configuration table is present.  Byte 2
	 * bit 7 (IMCRP) clear: virtual wire mode, no IMCR to switch; the
	 * 8259 reaches the BSP through LINT0 (ExtINT) until the kernel
	 * moves the ISA IRQs to the I/O APIC.
	 */
	fps[12] = 0;
	fps[10] = sum8_fix(fps, MP_FPS_SIZE);

	return ctl_guest_write(what, vmfd, buf, MP_FPS_SIZE + len, MP_GPA);
}
