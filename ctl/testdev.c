// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's ISA test device (pc-testdev), which kvm-unit-tests' runner always
 * adds and some of its tests drive (--testdev).  Served by the device
 * process (virtio.c's loop), at QEMU's addresses:
 *
 *   ports 0xe0-0xe3      a 32-bit scratch register, any access size
 *   ports 0xe4-0xe7      QEMU re-protects a host page ("flush page"), a
 *                        test of KVM's MMU; nothing to do here: writes
 *                        are ignored, reads give 0
 *   ports 0xe8-0xeb      the same register
 *   ports 0x2000-0x2017  ISA IRQ line n follows the byte written to
 *                        0x2000 + n (nonzero: high); wider writes are
 *                        ignored, as by QEMU; reads give 0
 *   MMIO 0xff000000      64 KiB of scratch memory
 *
 * The module lets a device process drive ISA IRQs 1-15 but 2 (the
 * cascade) and 4 (COM1); a write to any other line is dropped and
 * counted.  The register and the memory are not kept for a successor
 * (serve after a device process went away): a test starts afresh.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ctl.h"
#include "virtio.h"

#define TD_PORT_BASE	0xe0
#define TD_PORT_LEN	12		/* 0xe0-0xeb */
#define TD_FLUSH	0xe4		/* 0xe4-0xe7 */
#define TD_IRQ_BASE	0x2000
#define TD_IRQ_LINES	24
#define TD_IOMEM_BASE	0xff000000ULL
#define TD_IOMEM_LEN	0x10000

struct testdev {
	uint32_t scratch;
	uint8_t iomem[TD_IOMEM_LEN];
	uint64_t dropped_irqs;
};

struct testdev *testdev_new(const char *what, int devfd)
{
	struct testdev *t = calloc(1, sizeof(*t));

	if (!t) {
		ctl_err("%s: out of memory", what);
		return NULL;
	}
	if (dev_claim(what, devfd, MINIVMM_DEV_PIO, TD_PORT_BASE, TD_PORT_LEN,
		      0) ||
	    dev_claim(what, devfd, MINIVMM_DEV_PIO, TD_IRQ_BASE, TD_IRQ_LINES,
		      0) ||
	    dev_claim(what, devfd, MINIVMM_DEV_MMIO, TD_IOMEM_BASE,
		      TD_IOMEM_LEN, 0)) {
		free(t);
		return NULL;
	}
	return t;
}

void testdev_free(struct testdev *t)
{
	free(t);
}

uint64_t testdev_dropped_irqs(const struct testdev *t)
{
	return t->dropped_irqs;
}

/* Byte @port of the ports at 0xe0: the register's byte, or NULL (flush). */
static uint8_t *scratch_byte(struct testdev *t, uint64_t port)
{
	if (port < TD_PORT_BASE || port >= TD_PORT_BASE + TD_PORT_LEN ||
	    (port >= TD_FLUSH && port < TD_FLUSH + 4))
		return NULL;
	return (uint8_t *)&t->scratch + (port & 3);
}

/*
 * Byte by byte, so an access that runs past the register's end (0xe2,
 * four bytes) touches only what is there; the register is little-endian
 * like the guest.
 */
static uint64_t scratch_access(struct testdev *t, const struct minivmm_dev_req *r)
{
	bool write = r->flags & MINIVMM_DEV_REQ_WRITE;
	uint64_t val = 0;
	unsigned int i;

	for (i = 0; i < r->size && i < 8; i++) {
		uint8_t *b = scratch_byte(t, r->addr + i);

		if (!b)
			continue;
		if (write)
			*b = (uint8_t)(r->data >> (8 * i));
		else
			val |= (uint64_t)*b << (8 * i);
	}
	return val;
}

static void irq_line_write(struct testdev *t, int devfd,
			   const struct minivmm_dev_req *r)
{
	struct minivmm_dev_irq irq = {
		.irq = (uint32_t)(r->addr - TD_IRQ_BASE),
		.level = (r->data & 0xff) ? MINIVMM_DEV_IRQ_HIGH :
					    MINIVMM_DEV_IRQ_LOW,
	};

	if (r->size != 1)
		return;
	if (ioctl(devfd, MINIVMM_DEV_IRQ, &irq) < 0)
		t->dropped_irqs++;
}

/* Bytes past the 64 KiB read as zero and are not written. */
static uint64_t iomem_access(struct testdev *t, const struct minivmm_dev_req *r)
{
	uint64_t off = r->addr - TD_IOMEM_BASE, val = 0;
	size_t n = r->size <= 8 ? r->size : 8;

	if (n > TD_IOMEM_LEN - off)
		n = (size_t)(TD_IOMEM_LEN - off);
	if (r->flags & MINIVMM_DEV_REQ_WRITE)
		memcpy(&t->iomem[off], &r->data, n);	/* x86: little-endian */
	else
		memcpy(&val, &t->iomem[off], n);
	return val;
}

bool testdev_access(struct testdev *t, int devfd,
		    const struct minivmm_dev_req *r, uint64_t *val)
{
	if (r->space == MINIVMM_DEV_PIO && r->addr >= TD_PORT_BASE &&
	    r->addr < TD_PORT_BASE + TD_PORT_LEN) {
		*val = scratch_access(t, r);
		return true;
	}
	if (r->space == MINIVMM_DEV_PIO && r->addr >= TD_IRQ_BASE &&
	    r->addr < TD_IRQ_BASE + TD_IRQ_LINES) {
		if (r->flags & MINIVMM_DEV_REQ_WRITE)
			irq_line_write(t, devfd, r);
		*val = 0;
		return true;
	}
	if (r->space == MINIVMM_DEV_MMIO && r->addr >= TD_IOMEM_BASE &&
	    r->addr < TD_IOMEM_BASE + TD_IOMEM_LEN) {
		*val = iomem_access(t, r);
		return true;
	}
	return false;
}
