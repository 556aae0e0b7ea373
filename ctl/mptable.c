// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel MultiProcessor Specification 1.4 table that tells a kernel
 * (Linux's mpparse) how many CPUs a VM has: a floating pointer structure at
 * 0xf0000 (the BIOS area, reserved in the bzImage loader's e820 map, which
 * mpparse scans), followed by the configuration table: one processor entry per vCPU (APIC ID = vCPU index, vCPU 0 the
 * bootstrap processor) and one ISA bus.  No I/O APIC is listed: interrupts
 * stay with the 8259, through the BSP's LINT0 (ExtINT), and the pointer
 * says so (PIC mode).
 */
#include <stdint.h>
#include <string.h>
#include "ctl.h"

#define MP_GPA			0xf0000ULL
#define MP_FPS_SIZE		16
#define MP_HDR_SIZE		44
#define MP_CPU_SIZE		20
#define MP_BUS_SIZE		8
#define MP_SPEC_REV		4	/* 1.4 */
#define MP_APIC_VERSION		0x14
#define MP_CPU_EN		0x01
#define MP_CPU_BP		0x02
#define MP_APIC_ADDR		0xfee00000u
#define MP_MAX_CPUS		MINIVMM_MAX_VCPUS
#define MP_BUF_SIZE		(MP_FPS_SIZE + MP_HDR_SIZE + MP_BUS_SIZE + \
				 MP_MAX_CPUS * MP_CPU_SIZE)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* The byte that makes @len bytes at @p sum to zero. */
static uint8_t mp_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

int ctl_mptable_write(const char *what, int vmfd, unsigned int ncpus)
{
	uint8_t buf[MP_BUF_SIZE];
	uint8_t *fps = buf, *hdr = buf + MP_FPS_SIZE, *e;
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
	len = e - hdr;

	memcpy(hdr, "PCMP", 4);
	put16(hdr + 4, len);
	hdr[6] = MP_SPEC_REV;
	memcpy(hdr + 8, "MINIVMM ", 8);
	memcpy(hdr + 16, "VCPUS       ", 12);
	put16(hdr + 34, ncpus + 1);		/* entries */
	put32(hdr + 36, MP_APIC_ADDR);
	hdr[7] = mp_checksum(hdr, len);

	memcpy(fps, "_MP_", 4);
	put32(fps + 4, (uint32_t)(MP_GPA + MP_FPS_SIZE));
	fps[8] = 1;				/* length in 16-byte units */
	fps[9] = MP_SPEC_REV;
	/*
	 * Feature byte 1 = 0: the configuration table is present.  Byte 2
	 * bit 7 (IMCRP): "PIC mode", interrupts reach the BSP through the
	 * 8259 and its LINT0 (ExtINT), which is this platform: without it a
	 * kernel masks LINT0 and waits for an I/O APIC there is not.
	 */
	fps[12] = 0x80;
	fps[10] = mp_checksum(fps, MP_FPS_SIZE);

	return ctl_guest_write(what, vmfd, buf, MP_FPS_SIZE + len, MP_GPA);
}
