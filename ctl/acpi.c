// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal ACPI 1.0 table set for bzImage guests, in the BIOS area at
 * 0xe0000 (reserved in the bzImage loader's e820 map), where Linux scans
 * for the RSDP:
 *
 *   RSDP -> RSDT -> FADT -> FACS, DSDT (\_S5_, virtio-mmio devices)
 *                -> MADT
 *
 * The FADT points at kmod/platform.c's PM1a event and control blocks
 * (MINIVMM_PORT_ACPI_PM1); SMI_CMD 0 says the machine is in ACPI mode
 * from the start; there is no PM timer (see the README: a guest that
 * cannot trust its TSC would keep time by it, one exit per clock read) and
 * no GPE block.  The DSDT holds \_S5_, so a guest's poweroff writes
 * SLP_TYP 5 and SLP_EN to PM1a_CNT, and the VM stops as POWEROFF; and,
 * under \_SB, one device per virtio-mmio transport (_HID LNRO0005, the ID
 * Linux's virtio_mmio driver matches; its registers and edge-triggered ISA
 * IRQ in _CRS).  A kernel built without CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES,
 * such as Debian's, finds the devices only there; one that also takes
 * virtio_mmio.device= from the command line may see each twice, and the
 * second probe fails on the taken registers.
 *
 * The MADT lists one local APIC per vCPU (APIC ID = vCPU index) and the
 * I/O APIC with the routing of the MP table (mptable.c): IRQ 0 on pin 2,
 * every other ISA IRQ on its own pin, and the SCI (IRQ 9) level triggered
 * and active high, so that a line no device raises never fires.
 * PCAT_COMPAT: the 8259 pair is there.  A one-vCPU guest gets the MADT
 * too: Linux then takes the symmetric I/O mode and the local APIC timer,
 * and acknowledges an interrupt with one write to the local APIC's EOI
 * register, where the 8259 cost it four port exits (mask, two EOIs,
 * unmask).  Session 9 kept one vCPU off the MADT because a Linux guest on
 * VT-x then got no timer interrupt; the cause was CPUID leaf 0x15 (see the
 * README, under the I/O APIC), fixed since.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "ctl.h"
#include "le.h"

#define ACPI_GPA		0xe0000ULL
#define ACPI_RSDP_OFF		0x000	/* 20 bytes (ACPI 1.0) */
#define ACPI_RSDT_OFF		0x040
#define ACPI_FACS_OFF		0x080	/* 64 bytes, 64-byte aligned */
#define ACPI_FADT_OFF		0x100	/* 116 bytes (revision 1) */
#define ACPI_MADT_OFF		0x180
#define ACPI_HDR_SIZE		36
#define ACPI_RSDP_SIZE		20
#define ACPI_FACS_SIZE		64
#define ACPI_FADT_SIZE		116
#define ACPI_MADT_LAPIC_SIZE	8
#define ACPI_MADT_IOAPIC_SIZE	12
#define ACPI_MADT_ISO_SIZE	10
#define ACPI_MADT_SIZE		(ACPI_HDR_SIZE + 8 + \
				 MINIVMM_MAX_VCPUS * ACPI_MADT_LAPIC_SIZE + \
				 ACPI_MADT_IOAPIC_SIZE + 2 * ACPI_MADT_ISO_SIZE)
#define ACPI_DSDT_OFF		(ACPI_MADT_OFF + ACPI_MADT_SIZE)
/* Scope (\_SB) header, then per device at most 64 bytes (aml_mmio_dev()). */
#define ACPI_AML_DEV_MAX	64
#define ACPI_DSDT_MAX		(ACPI_HDR_SIZE + 16 + 8 + \
				 CTL_ACPI_MAX_DEVS * ACPI_AML_DEV_MAX)
#define ACPI_BUF_SIZE		(ACPI_DSDT_OFF + ACPI_DSDT_MAX)
#define ACPI_APIC_ADDR		0xfee00000u
#define ACPI_IOAPIC_ADDR	0xfec00000u
#define ACPI_SCI_IRQ		9
/* FADT flags: WBINVD works, C1 (HLT) works, no fixed power or sleep button. */
#define ACPI_FADT_FLAGS		(1u << 0 | 1u << 2 | 1u << 4 | 1u << 5)
/* ISO flags: active high (01), level (11 << 2); 0: as the bus (ISA: edge, high). */
#define ACPI_ISO_LEVEL_HIGH	0x000d

/*
 * The DSDT's AML: Name (_S5_, Package (4) { 5, 5, 0, 0 }), the SLP_TYPa
 * and SLP_TYPb values kmod/platform.c takes as "off".
 */
static const uint8_t acpi_dsdt_aml[] = {
	0x08, '_', 'S', '5', '_',	/* NameOp, NameString */
	0x12, 0x08, 0x04,		/* PackageOp, PkgLength 8, 4 elements */
	0x0a, MINIVMM_ACPI_S5_TYP,	/* BytePrefix, SLP_TYPa */
	0x0a, MINIVMM_ACPI_S5_TYP,	/* BytePrefix, SLP_TYPb */
	0x00, 0x00,			/* ZeroOp, ZeroOp: reserved */
};

/* AML opcodes and resource descriptors used below (ACPI 6.x, ch. 20 and 6.4). */
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_STRING_PREFIX	0x0d
#define AML_SCOPE_OP		0x10
#define AML_BUFFER_OP		0x11
#define AML_EXT_OP		0x5b
#define AML_DEVICE_OP		0x82	/* after AML_EXT_OP */
#define RES_MEM32_FIXED		0x86
#define RES_EXT_IRQ		0x89
#define RES_END_TAG		0x79
/* Extended interrupt flags: consumer, edge-triggered, active high, exclusive. */
#define RES_IRQ_CONSUMER_EDGE	0x03

/*
 * An AML PkgLength for @len bytes following it, at @p; returns the end.
 * The encoded length counts its own bytes: one up to 63, two up to 4095.
 */
static uint8_t *aml_pkglen(uint8_t *p, size_t len)
{
	if (len + 1 <= 0x3f) {
		*p++ = len + 1;
		return p;
	}
	len += 2;
	*p++ = 0x40 | (len & 0x0f);
	*p++ = len >> 4;
	return p;
}

/* Name (@seg, ...) up to the value, at @p; returns the end. */
static uint8_t *aml_name(uint8_t *p, const char *seg)
{
	*p++ = AML_NAME_OP;
	memcpy(p, seg, 4);
	return p + 4;
}

/*
 * Device (VRnn) { _HID "LNRO0005", _UID n, _CRS { Memory32Fixed, IRQ } }
 * for @d, the @n-th, at @out; returns its length (at most
 * ACPI_AML_DEV_MAX).
 */
static size_t aml_mmio_dev(uint8_t *out, unsigned int n,
			   const struct ctl_acpi_dev *d)
{
	uint8_t body[ACPI_AML_DEV_MAX], crs[24], *b = body, *c = crs, *o;
	char seg[5];

	*c++ = RES_MEM32_FIXED;
	put16(c, 9);			/* the descriptor's length after this */
	c[2] = 1;			/* read-write */
	put32(c + 3, d->base);
	put32(c + 7, d->size);
	c += 11;
	*c++ = RES_EXT_IRQ;
	put16(c, 6);
	c[2] = RES_IRQ_CONSUMER_EDGE;
	c[3] = 1;			/* one interrupt */
	put32(c + 4, d->irq);
	c += 8;
	*c++ = RES_END_TAG;
	*c++ = 0;			/* checksum 0: not checked */

	b = aml_name(b, "_HID");
	*b++ = AML_STRING_PREFIX;
	memcpy(b, "LNRO0005", 9);	/* with its NUL */
	b += 9;
	b = aml_name(b, "_UID");
	*b++ = AML_BYTE_PREFIX;
	*b++ = n;
	b = aml_name(b, "_CRS");
	*b++ = AML_BUFFER_OP;
	b = aml_pkglen(b, 2 + (c - crs));
	*b++ = AML_BYTE_PREFIX;
	*b++ = c - crs;
	memcpy(b, crs, c - crs);
	b += c - crs;

	snprintf(seg, sizeof(seg), "VR%02u", n % 100);
	o = out;
	*o++ = AML_EXT_OP;
	*o++ = AML_DEVICE_OP;
	o = aml_pkglen(o, 4 + (b - body));
	memcpy(o, seg, 4);
	memcpy(o + 4, body, b - body);
	return o + 4 + (b - body) - out;
}

/* Scope (\_SB) { the devices } at @out; returns its length (0: none). */
static size_t aml_sb_scope(uint8_t *out, const struct ctl_acpi_dev *devs,
			   unsigned int ndevs)
{
	uint8_t inner[CTL_ACPI_MAX_DEVS * ACPI_AML_DEV_MAX], *o = out;
	size_t len = 0;
	unsigned int i;

	if (!ndevs)
		return 0;
	for (i = 0; i < ndevs && i < CTL_ACPI_MAX_DEVS; i++)
		len += aml_mmio_dev(inner + len, i, &devs[i]);
	*o++ = AML_SCOPE_OP;
	o = aml_pkglen(o, 4 + len);
	memcpy(o, "_SB_", 4);
	memcpy(o + 4, inner, len);
	return o + 4 + len - out;
}

/* A table header; the checksum comes last (acpi_seal()). */
static void acpi_header(uint8_t *t, const char *sig, uint32_t len,
			uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "MINVMM", 6);		/* OEM ID */
	memcpy(t + 16, "MINIVMM ", 8);		/* OEM table ID */
	put32(t + 24, 1);			/* OEM revision */
	memcpy(t + 28, "MVMM", 4);		/* creator ID */
	put32(t + 32, 1);			/* creator revision */
}

static void acpi_seal(uint8_t *t)
{
	t[9] = 0;
	t[9] = sum8_fix(t, get32(t + 4));
}

static void acpi_fadt(uint8_t *buf)
{
	uint8_t *t = buf + ACPI_FADT_OFF;

	acpi_header(t, "FACP", ACPI_FADT_SIZE, 1);
	put32(t + 36, ACPI_GPA + ACPI_FACS_OFF);	/* FIRMWARE_CTRL */
	put32(t + 40, ACPI_GPA + ACPI_DSDT_OFF);	/* DSDT */
	put16(t + 46, ACPI_SCI_IRQ);			/* SCI_INT */
	/* SMI_CMD (48) 0: no transition to ACPI mode; it is on. */
	put32(t + 56, MINIVMM_PORT_ACPI_PM1);		/* PM1a_EVT_BLK */
	put32(t + 64, MINIVMM_PORT_ACPI_PM1 + 4);	/* PM1a_CNT_BLK */
	t[88] = 4;					/* PM1_EVT_LEN */
	t[89] = 2;					/* PM1_CNT_LEN */
	put16(t + 96, 101);	/* P_LVL2_LAT > 100: no C2 */
	put16(t + 98, 1001);	/* P_LVL3_LAT > 1000: no C3 */
	put32(t + 112, ACPI_FADT_FLAGS);
	acpi_seal(t);
}

static void acpi_facs(uint8_t *buf)
{
	uint8_t *t = buf + ACPI_FACS_OFF;

	memcpy(t, "FACS", 4);
	put32(t + 4, ACPI_FACS_SIZE);	/* the rest zero: no waking vector */
}

static void acpi_dsdt(uint8_t *buf, const struct ctl_acpi_dev *devs,
		      unsigned int ndevs)
{
	uint8_t *t = buf + ACPI_DSDT_OFF, *aml = t + ACPI_HDR_SIZE;
	size_t len = sizeof(acpi_dsdt_aml);

	memcpy(aml, acpi_dsdt_aml, len);
	len += aml_sb_scope(aml + len, devs, ndevs);
	acpi_header(t, "DSDT", ACPI_HDR_SIZE + len, 1);
	acpi_seal(t);
}

static uint8_t *acpi_madt_iso(uint8_t *e, uint8_t irq, uint32_t gsi,
			      uint16_t flags)
{
	e[0] = 2;			/* interrupt source override */
	e[1] = ACPI_MADT_ISO_SIZE;
	e[2] = 0;			/* bus: ISA */
	e[3] = irq;
	put32(e + 4, gsi);
	put16(e + 8, flags);
	return e + ACPI_MADT_ISO_SIZE;
}

static void acpi_madt(uint8_t *buf, unsigned int ncpus)
{
	uint8_t *t = buf + ACPI_MADT_OFF, *e = t + ACPI_HDR_SIZE + 8;
	unsigned int i;

	put32(t + ACPI_HDR_SIZE, ACPI_APIC_ADDR);
	put32(t + ACPI_HDR_SIZE + 4, 1);	/* PCAT_COMPAT */
	for (i = 0; i < ncpus; i++, e += ACPI_MADT_LAPIC_SIZE) {
		e[0] = 0;			/* processor local APIC */
		e[1] = ACPI_MADT_LAPIC_SIZE;
		e[2] = i;			/* ACPI processor UID */
		e[3] = i;			/* APIC ID */
		put32(e + 4, 1);		/* enabled */
	}
	e[0] = 1;				/* I/O APIC */
	e[1] = ACPI_MADT_IOAPIC_SIZE;
	e[2] = ctl_ioapic_id(ncpus);
	put32(e + 4, ACPI_IOAPIC_ADDR);
	put32(e + 8, 0);			/* GSI base */
	e += ACPI_MADT_IOAPIC_SIZE;
	e = acpi_madt_iso(e, 0, 2, 0);
	e = acpi_madt_iso(e, ACPI_SCI_IRQ, ACPI_SCI_IRQ, ACPI_ISO_LEVEL_HIGH);
	acpi_header(t, "APIC", e - t, 1);
	acpi_seal(t);
}

static void acpi_rsdt_rsdp(uint8_t *buf)
{
	uint8_t *t = buf + ACPI_RSDT_OFF, *p = buf + ACPI_RSDP_OFF;

	acpi_header(t, "RSDT", ACPI_HDR_SIZE + 8, 1);
	put32(t + ACPI_HDR_SIZE, ACPI_GPA + ACPI_FADT_OFF);
	put32(t + ACPI_HDR_SIZE + 4, ACPI_GPA + ACPI_MADT_OFF);
	acpi_seal(t);

	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "MINVMM", 6);
	p[15] = 0;				/* revision 0: ACPI 1.0 */
	put32(p + 16, ACPI_GPA + ACPI_RSDT_OFF);
	p[8] = sum8_fix(p, ACPI_RSDP_SIZE);
}

int ctl_acpi_write(const char *what, int vmfd, unsigned int ncpus,
		   const struct ctl_acpi_dev *devs, unsigned int ndevs)
{
	uint8_t buf[ACPI_BUF_SIZE];

	if (ncpus < 1 || ncpus > MINIVMM_MAX_VCPUS) {
		ctl_err("%s: the ACPI tables describe 1 to %u CPUs, not %u",
			what, MINIVMM_MAX_VCPUS, ncpus);
		return CTL_EXIT_FAIL;
	}
	memset(buf, 0, sizeof(buf));
	acpi_facs(buf);
	acpi_fadt(buf);
	if (ndevs > CTL_ACPI_MAX_DEVS) {
		ctl_err("%s: the ACPI tables list at most %u devices, not %u",
			what, CTL_ACPI_MAX_DEVS, ndevs);
		return CTL_EXIT_FAIL;
	}
	acpi_dsdt(buf, devs, ndevs);
	acpi_madt(buf, ncpus);
	acpi_rsdt_rsdp(buf);
	return ctl_guest_write(what, vmfd, buf, sizeof(buf), ACPI_GPA);
}
