// SPDX-License-Identifier: GPL-2.0
/*
 * --bios-state: the machine as a PC BIOS and its boot loader leave it to a
 * Multiboot kernel (GRUB runs on the BIOS, QEMU's -kernel on SeaBIOS).
 * minivmm has no firmware; a kernel that relies on that state gets it from
 * here.  kvm-unit-tests' realmode test is one: it waits in HLT, with its
 * own interrupt table entries only for vectors it raises itself, for the
 * BIOS's timer tick.
 *
 *   - Both 8259s initialised as a BIOS does: edge-triggered, cascaded on
 *     IRQ 2, 8086 mode, vectors 0x08-0x0f and 0x70-0x77; every IRQ masked
 *     but the timer (0) and the cascade (2).
 *   - The PIT's channel 0 in mode 3 with the full count, 18.2 Hz.
 *   - A real-mode interrupt table at 0: vectors 0x08-0x0f to a handler that
 *     acknowledges the master 8259, 0x70-0x77 to one that acknowledges
 *     both, every other vector to an IRET.  The handlers sit in the BIOS
 *     area, at F000:FF00.
 *
 * There are no BIOS services: INT 10h, 13h or 15h return at once, with
 * nothing done.  The state goes in through what a restore uses (guest RAM
 * writes, MINIVMM_VM_SET_DEVSTATE), after the kernel is loaded.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ctl.h"

#define IVT_GPA		0x0ULL
#define IVT_VECTORS	256
#define STUB_SEG	0xf000u
#define STUB_OFF	0xff00u
#define STUB_GPA	(((uint64_t)STUB_SEG << 4) + STUB_OFF)

/* Offsets of the handlers in stub_code. */
#define STUB_IRET	0x00
#define STUB_EOI_MASTER	0x10
#define STUB_EOI_BOTH	0x20

/* 16-bit code; each handler keeps every register and flag it found. */
static const uint8_t stub_code[0x30] = {
	[STUB_IRET] = 0xcf,			/* iret */
	[STUB_EOI_MASTER] = 0x50,		/* push ax */
	0xb0, 0x20,				/* mov al, 0x20 (EOI) */
	0xe6, 0x20,				/* out 0x20, al */
	0x58,					/* pop ax */
	0xcf,					/* iret */
	[STUB_EOI_BOTH] = 0x50,			/* push ax */
	0xb0, 0x20,				/* mov al, 0x20 */
	0xe6, 0xa0,				/* out 0xa0, al: the slave */
	0xe6, 0x20,				/* out 0x20, al: the master */
	0x58,					/* pop ax */
	0xcf,					/* iret */
};

#define PIC_ICW1	0x11	/* edge, cascaded, ICW4 follows */
#define PIC_ICW4	0x01	/* 8086 mode, normal EOI */
#define PIC_MASTER_IMR	0xfa	/* IRQ 0 (timer) and 2 (cascade) open */
#define PIC_SLAVE_IMR	0xff
#define PIT_MODE_SQUARE	3
#define PIT_RW_BOTH	3
#define PIT_FULL_COUNT	65536	/* a written 0: 1193182 Hz / 65536 */

static uint32_t ivt_entry(unsigned int vector)
{
	uint16_t off = STUB_OFF + STUB_IRET;

	if (vector >= 0x08 && vector <= 0x0f)
		off = STUB_OFF + STUB_EOI_MASTER;
	else if (vector >= 0x70 && vector <= 0x77)
		off = STUB_OFF + STUB_EOI_BOTH;
	return (uint32_t)STUB_SEG << 16 | off;
}

static int write_ivt(const char *what, int vmfd)
{
	uint8_t ivt[IVT_VECTORS * 4];
	unsigned int v;

	for (v = 0; v < IVT_VECTORS; v++) {
		uint32_t e = ivt_entry(v);

		ivt[4 * v] = (uint8_t)e;
		ivt[4 * v + 1] = (uint8_t)(e >> 8);
		ivt[4 * v + 2] = (uint8_t)(e >> 16);
		ivt[4 * v + 3] = (uint8_t)(e >> 24);
	}
	if (ctl_guest_write(what, vmfd, ivt, sizeof(ivt), IVT_GPA) ||
	    ctl_guest_write(what, vmfd, stub_code, sizeof(stub_code),
			    STUB_GPA))
		return -1;
	return 0;
}

static void bios_pic(struct minivmm_pic_state *pic, uint8_t base,
		     uint8_t cascade, uint8_t imr)
{
	pic->icw1 = PIC_ICW1;
	pic->vector_base = base;
	pic->cascade = cascade;
	pic->icw4 = PIC_ICW4;
	pic->init_step = 0;
	pic->imr = imr;
	pic->read_isr = 0;
	pic->irr = 0;
	pic->isr = 0;
}

/* The 8259s and the PIT: read the fresh VM's devices, change, write back. */
static int set_devices(const char *what, int vmfd)
{
	static uint8_t ring[MINIVMM_CONSOLE_RING];
	struct minivmm_devstate s;
	struct minivmm_pit_channel_state *ch0 = &s.pit[0];

	memset(&s, 0, sizeof(s));
	s.console_ring = (uintptr_t)ring;
	if (ioctl(vmfd, MINIVMM_VM_GET_DEVSTATE, &s) < 0) {
		ctl_err("%s: --bios-state: reading the VM's devices: %s", what,
			strerror(errno));
		return -1;
	}
	bios_pic(&s.pic[0], 0x08, 0x04, PIC_MASTER_IMR);
	bios_pic(&s.pic[1], 0x70, 0x02, PIC_SLAVE_IMR);
	memset(ch0, 0, sizeof(*ch0));
	ch0->mode = PIT_MODE_SQUARE;
	ch0->rw = PIT_RW_BOTH;
	ch0->loaded = 1;
	ch0->reload = PIT_FULL_COUNT;
	if (ioctl(vmfd, MINIVMM_VM_SET_DEVSTATE, &s) < 0) {
		ctl_err("%s: --bios-state: setting the 8259s and the PIT: %s",
			what, strerror(errno));
		return -1;
	}
	return 0;
}

int ctl_bios_state(const char *what, int vmfd, const struct ctl_mb_boot *b)
{
	if (ctl_mb_overlaps(b, IVT_GPA, IVT_VECTORS * 4)) {
		ctl_err("%s: --bios-state writes the real-mode interrupt table at 0x0-0x3ff, where the kernel has a segment",
			what);
		return -1;
	}
	return write_ivt(what, vmfd) || set_devices(what, vmfd) ? -1 : 0;
}
