// SPDX-License-Identifier: GPL-2.0
/*
 * The PC platform pieces that firmware-less kernels written for QEMU probe
 * (kvm-unit-tests and friends), each reduced to what such a kernel can
 * observe:
 *
 *  - fw_cfg (0x510 selector, 0x511 data): the traditional interface only,
 *    with the signature, the ID, the RAM size, the CPU count and an empty
 *    file directory.  Other keys read as zeros, as on QEMU.
 *  - PCI configuration mechanism #1 (0xcf8/0xcfc): the address latch reads
 *    back, every function reads as absent (all ones), writes are dropped.
 *  - The 8259 pair (0x20/0x21, 0xa0/0xa1, ELCR 0x4d0/0x4d1): the ICW1-ICW4
 *    sequence, masks, OCW2 EOIs and OCW3 IRR/ISR reads; edge-triggered
 *    requests with fixed priority, delivered by the core through the local
 *    APIC's LINT0 (ExtINT) or straight to the CPU when the APIC is off.
 *    Not modelled: level mode, rotation, special mask, poll.
 *  - The MC146818 real-time clock with its CMOS RAM (0x70 index, 0x71
 *    data): the host's wall clock plus whatever offset the guest set, in
 *    BCD or binary, 24 or 12 hours as register B asks; SET freezes the
 *    time registers while the guest writes them.  An update is never in
 *    progress (UIP reads 0) and no interrupt is raised (C reads 0).
 *    Linux's boot read the absent clock 40,000 times, each an exit,
 *    waiting for UIP to clear on a port that read all ones.
 *  - The "Shutdown" port at 0x8900: writing those eight bytes powers the VM
 *    off (MINIVMM_STOP_POWEROFF).
 *  - The ACPI PM1a event and control blocks (MINIVMM_PORT_ACPI_PM1) of the
 *    FADT minivmmctl writes: ACPI mode always, no events; sleep state S5
 *    powers the VM off.
 *
 * State is touched by the vCPU thread only: one vCPU per VM today; SMP
 * guests will put these devices under a per-VM lock.  Nothing here calls
 * into the rest of the module, so KUnit drives it directly.
 */
#include <linux/bcd.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/time.h>
#include "platform.h"

/* ---- fw_cfg ------------------------------------------------------------- */

enum {
	FW_CFG_SIGNATURE = 0x00,
	FW_CFG_ID = 0x01,
	FW_CFG_RAM_SIZE = 0x03,
	FW_CFG_NB_CPUS = 0x05,
	FW_CFG_MAX_CPUS = 0x0f,
	FW_CFG_FILE_DIR = 0x19,
};
#define FW_CFG_ID_TRADITIONAL	BIT(0)	/* no DMA interface */

/* Little endian without <asm/unaligned.h>, which moved in Linux 6.12. */
static void mv_put_le(u8 *item, u64 value, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		item[i] = value >> (8 * i);
}

/*
 * One byte of the selected item.  Items are at most 8 bytes; numbers are
 * little endian except the file directory's count (big endian, zero).
 */
static u8 mv_fw_cfg_byte(const struct mv_platform *p, u16 key, u32 offset)
{
	u8 item[8] = { 0 };
	unsigned int len = 0;

	switch (key) {
	case FW_CFG_SIGNATURE:
		memcpy(item, "QEMU", 4);
		len = 4;
		break;
	case FW_CFG_ID:
		item[0] = FW_CFG_ID_TRADITIONAL;
		len = 4;
		break;
	case FW_CFG_RAM_SIZE:
		len = 8;
		mv_put_le(item, p->ram_size, len);
		break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		len = 2;
		mv_put_le(item, p->nr_cpus, len);
		break;
	case FW_CFG_FILE_DIR:
		len = 4;		/* a count of zero files */
		break;
	}
	return offset < len ? item[offset] : 0;
}

static void mv_fw_cfg_io(struct mv_platform *p, u16 port, u8 size, bool in,
			 u32 *val)
{
	unsigned int i;

	if (port == MINIVMM_PORT_FW_CFG) {
		if (!in) {
			p->fw_cfg_key = (u16)*val;
			p->fw_cfg_offset = 0;
		}
		return;		/* the selector does not read back */
	}
	if (!in)
		return;		/* data writes are ignored, as on QEMU */
	*val = 0;
	for (i = 0; i < size; i++) {
		*val |= (u32)mv_fw_cfg_byte(p, p->fw_cfg_key,
					    p->fw_cfg_offset) << (8 * i);
		if (p->fw_cfg_offset < U32_MAX)
			p->fw_cfg_offset++;
	}
}

/* ---- PCI configuration mechanism #1 ------------------------------------- */

#define PCI_ADDR_WRITABLE	0x80fffffcu	/* enable, bus, dev, fn, reg */

static void mv_pci_io(struct mv_platform *p, u16 port, u8 size, bool in,
		      u32 *val)
{

	if (port == MINIVMM_PORT_PCI_ADDR && size == 4) {
		if (in)
			*val = p->pci_addr;
		else
			p->pci_addr = *val & PCI_ADDR_WRITABLE;
		return;
	}
	/* Data port: no function exists, so reads see all ones. */
	if (in)
		*val = U32_MAX;
}

/* ---- 8259 pair ----------------------------------------------------------- */

#define PIC_ICW1		BIT(4)	/* on the command port: start init */
#define PIC_ICW1_IC4		BIT(0)	/* ICW4 follows */
#define PIC_ICW1_SINGLE		BIT(1)	/* no ICW3 */
#define PIC_OCW3		BIT(3)
#define PIC_OCW3_RR		BIT(1)	/* bit 0 selects ISR (1) or IRR (0) */
#define PIC_OCW2_EOI		BIT(5)
#define PIC_OCW2_SPECIFIC	BIT(6)	/* bits 2:0 name the level */
#define PIC_ICW4_AEOI		BIT(1)

/* Highest-priority (lowest-numbered) bit of @bits, or 8 for none. */
static unsigned int mv_pic_first(u8 bits)
{
	return bits ? __ffs(bits) : 8;
}

static void mv_pic_write_cmd(struct mv_pic *pic, u8 v)
{
	if (v & PIC_ICW1) {
		pic->imr = 0;
		pic->irr = 0;
		pic->isr = 0;
		pic->read_isr = false;
		pic->icw1 = v;
		pic->icw4 = 0;	/* until an ICW4 says otherwise */
		pic->init_step = 2;
	} else if (v & PIC_OCW3) {
		if (v & PIC_OCW3_RR)
			pic->read_isr = v & 1;
	} else if (v & PIC_OCW2_EOI) {
		unsigned int level = v & PIC_OCW2_SPECIFIC ?
				     (v & 7) : mv_pic_first(pic->isr);

		if (level < 8)
			pic->isr &= ~BIT(level);
	}
	/* Rotation commands (OCW2 without EOI) are accepted and ignored. */
}

static void mv_pic_write_data(struct mv_pic *pic, u8 v)
{
	switch (pic->init_step) {
	case 2:
		pic->vector_base = v & 0xf8;
		if (!(pic->icw1 & PIC_ICW1_SINGLE))
			pic->init_step = 3;
		else
			pic->init_step = pic->icw1 & PIC_ICW1_IC4 ? 4 : 0;
		break;
	case 3:
		pic->cascade = v;
		pic->init_step = pic->icw1 & PIC_ICW1_IC4 ? 4 : 0;
		break;
	case 4:
		pic->icw4 = v;
		pic->init_step = 0;
		break;
	default:
		pic->imr = v;		/* OCW1 */
		break;
	}
}

static void mv_pic_io(struct mv_platform *p, u16 port, bool in, u32 *val)
{
	struct mv_pic *pic = &p->pic[port >= MINIVMM_PORT_PIC2];
	bool data = port & 1;

	if (port == MV_PORT_ELCR || port == MV_PORT_ELCR + 1) {
		u8 *elcr = &p->elcr[port - MV_PORT_ELCR];

		if (in)
			*val = *elcr;
		else
			*elcr = (u8)*val;
		return;
	}
	if (in)
		*val = data ? pic->imr : pic->read_isr ? pic->isr : pic->irr;
	else if (data)
		mv_pic_write_data(pic, (u8)*val);
	else
		mv_pic_write_cmd(pic, (u8)*val);
}

/* ---- 8259 delivery ------------------------------------------------------- */

void mv_pic_set_irq(struct mv_platform *p, unsigned int irq, bool level)
{
	struct mv_pic *pic;
	u8 bit;

	if (irq >= 16)
		return;
	pic = &p->pic[irq / 8];
	bit = BIT(irq % 8);
	if (level && !(pic->lines & bit))
		pic->irr |= bit;	/* rising edge */
	if (level)
		pic->lines |= bit;
	else
		pic->lines &= ~bit;
}

/*
 * The level one 8259 would present (0-7), or -1: the highest-priority
 * unmasked request that outranks everything in service.  An uninitialised
 * PIC presents nothing.
 */
static int mv_pic_level(const struct mv_pic *pic, u8 extra_irr)
{
	unsigned int req = mv_pic_first((pic->irr | extra_irr) & ~pic->imr);

	if (!pic->icw1 || pic->init_step || req >= 8)
		return -1;
	return req < mv_pic_first(pic->isr) ? (int)req : -1;
}

/* The slave's request shows on the master's cascade input (IRQ 2). */
static u8 mv_pic_cascade_irr(const struct mv_platform *p)
{
	return mv_pic_level(&p->pic[1], 0) >= 0 ? BIT(2) : 0;
}

bool mv_pic_irq_waiting(const struct mv_platform *p, unsigned int irq)
{
	const struct mv_pic *pic = &p->pic[0];

	return irq < 8 && (pic->irr & ~pic->imr & BIT(irq));
}

int mv_pic_pending(const struct mv_platform *p)
{
	int level = mv_pic_level(&p->pic[0], mv_pic_cascade_irr(p));
	int slave;

	if (level < 0)
		return -1;
	if (level != 2 || !mv_pic_cascade_irr(p))
		return p->pic[0].vector_base + level;
	slave = mv_pic_level(&p->pic[1], 0);
	return p->pic[1].vector_base + slave;
}

static void mv_pic_take(struct mv_pic *pic, unsigned int level)
{
	pic->irr &= ~BIT(level);
	if (!(pic->icw4 & PIC_ICW4_AEOI))
		pic->isr |= BIT(level);
}

int mv_pic_ack(struct mv_platform *p)
{
	int vector = mv_pic_pending(p);
	int level;

	if (vector < 0)
		return -1;
	level = mv_pic_level(&p->pic[0], mv_pic_cascade_irr(p));
	if (level == 2 && mv_pic_cascade_irr(p)) {
		mv_pic_take(&p->pic[1], mv_pic_level(&p->pic[1], 0));
		/* The master's cascade input is in service too. */
		if (!(p->pic[0].icw4 & PIC_ICW4_AEOI))
			p->pic[0].isr |= BIT(2);
		return vector;
	}
	mv_pic_take(&p->pic[0], level);
	return vector;
}

/* ---- the "Shutdown" port ------------------------------------------------- */

static bool mv_shutdown_port_write(struct mv_platform *p, u8 byte)
{
	static const char magic[] = "Shutdown";

	if (byte == magic[p->shutdown_pos])
		p->shutdown_pos++;
	else
		p->shutdown_pos = byte == magic[0];
	if (p->shutdown_pos < sizeof(magic) - 1)
		return false;
	p->shutdown_pos = 0;
	return true;
}

/* ---- ACPI PM1a blocks ---------------------------------------------------- */

#define MV_PM1_CNT		(MINIVMM_PORT_ACPI_PM1 + 4)
#define MV_PM1_SCI_EN		BIT(0)
#define MV_PM1_SLP_TYP_SHIFT	10
#define MV_PM1_SLP_TYP_MASK	7
#define MV_PM1_SLP_EN		BIT(13)

static bool mv_is_pm1_port(u16 port)
{
	return port >= MINIVMM_PORT_ACPI_PM1 && port < MV_PM1_CNT + 2;
}

/*
 * No events: status and enable read 0 and take any write.  The control
 * register reads SCI_EN (ACPI mode, always); a write with SLP_EN and the
 * \_S5_ sleep type is the poweroff.  No other sleep state is offered.
 */
static bool mv_pm1_io(u16 port, u8 size, bool in, u32 *val)
{
	u32 typ;

	if (in) {
		*val = port == MV_PM1_CNT ? MV_PM1_SCI_EN : 0;
		return false;
	}
	if (port != MV_PM1_CNT || size < 2 || !(*val & MV_PM1_SLP_EN))
		return false;
	typ = (*val >> MV_PM1_SLP_TYP_SHIFT) & MV_PM1_SLP_TYP_MASK;
	return typ == MINIVMM_ACPI_S5_TYP;
}

/* ---- MC146818 RTC and CMOS RAM ------------------------------------------ */

#define MV_PORT_RTC_INDEX	0x70
#define MV_PORT_RTC_DATA	0x71

enum {
	MV_RTC_SEC = 0x00, MV_RTC_MIN = 0x02, MV_RTC_HOUR = 0x04,
	MV_RTC_WDAY = 0x06, MV_RTC_MDAY = 0x07, MV_RTC_MON = 0x08,
	MV_RTC_YEAR = 0x09, MV_RTC_A = 0x0a, MV_RTC_B = 0x0b, MV_RTC_C = 0x0c,
	MV_RTC_D = 0x0d, MV_RTC_CENTURY = 0x32,
};
#define MV_RTC_A_UIP		BIT(7)
#define MV_RTC_A_RESET		0x26	/* 32.768 kHz time base, 1024 Hz */
#define MV_RTC_B_SET		BIT(7)
#define MV_RTC_B_BINARY		BIT(2)
#define MV_RTC_B_24H		BIT(1)
#define MV_RTC_D_VRT		BIT(7)	/* the battery is fine */
#define MV_RTC_HOUR_PM		BIT(7)

static bool mv_rtc_is_time_reg(unsigned int idx)
{
	return idx == MV_RTC_SEC || idx == MV_RTC_MIN || idx == MV_RTC_HOUR ||
	       (idx >= MV_RTC_WDAY && idx <= MV_RTC_YEAR) ||
	       idx == MV_RTC_CENTURY;
}

static u8 mv_rtc_enc(const struct mv_rtc *r, unsigned int v)
{
	return (r->reg[MV_RTC_B] & MV_RTC_B_BINARY) ? v : bin2bcd(v);
}

static unsigned int mv_rtc_dec(const struct mv_rtc *r, u8 v)
{
	return (r->reg[MV_RTC_B] & MV_RTC_B_BINARY) ? v : bcd2bin(v);
}

static u8 mv_rtc_enc_hour(const struct mv_rtc *r, unsigned int hour)
{
	u8 pm = 0;

	if (!(r->reg[MV_RTC_B] & MV_RTC_B_24H)) {
		pm = hour >= 12 ? MV_RTC_HOUR_PM : 0;
		hour = hour % 12 ? hour % 12 : 12;
	}
	return mv_rtc_enc(r, hour) | pm;
}

static unsigned int mv_rtc_dec_hour(const struct mv_rtc *r, u8 v)
{
	if (r->reg[MV_RTC_B] & MV_RTC_B_24H)
		return mv_rtc_dec(r, v);
	return mv_rtc_dec(r, v & ~MV_RTC_HOUR_PM) % 12 +
	       (v & MV_RTC_HOUR_PM ? 12 : 0);
}

/* The time registers from the clock: the host's time plus the offset. */
static void mv_rtc_latch(struct mv_rtc *r)
{
	unsigned int year;
	struct tm tm;

	time64_to_tm(ktime_get_real_seconds() + r->offset, 0, &tm);
	year = tm.tm_year + 1900;
	r->reg[MV_RTC_SEC] = mv_rtc_enc(r, tm.tm_sec);
	r->reg[MV_RTC_MIN] = mv_rtc_enc(r, tm.tm_min);
	r->reg[MV_RTC_HOUR] = mv_rtc_enc_hour(r, tm.tm_hour);
	r->reg[MV_RTC_WDAY] = mv_rtc_enc(r, tm.tm_wday + 1);
	r->reg[MV_RTC_MDAY] = mv_rtc_enc(r, tm.tm_mday);
	r->reg[MV_RTC_MON] = mv_rtc_enc(r, tm.tm_mon + 1);
	r->reg[MV_RTC_YEAR] = mv_rtc_enc(r, year % 100);
	r->reg[MV_RTC_CENTURY] = mv_rtc_enc(r, year / 100);
}

/*
 * The guest wrote a time into the registers: the clock runs on from it.
 * Any bytes give some time (mktime64() takes fields out of range), and a
 * century outside 19-99 counts as 20.
 */
static void mv_rtc_set_from_regs(struct mv_rtc *r)
{
	unsigned int century = mv_rtc_dec(r, r->reg[MV_RTC_CENTURY]);
	unsigned int year = mv_rtc_dec(r, r->reg[MV_RTC_YEAR]) % 100;

	if (century < 19 || century > 99)
		century = 20;
	r->offset = mktime64(century * 100 + year,
			     mv_rtc_dec(r, r->reg[MV_RTC_MON]),
			     mv_rtc_dec(r, r->reg[MV_RTC_MDAY]),
			     mv_rtc_dec_hour(r, r->reg[MV_RTC_HOUR]),
			     mv_rtc_dec(r, r->reg[MV_RTC_MIN]),
			     mv_rtc_dec(r, r->reg[MV_RTC_SEC])) -
		    ktime_get_real_seconds();
}

static u8 mv_rtc_read(struct mv_rtc *r, unsigned int idx)
{
	switch (idx) {
	case MV_RTC_A:
		return r->reg[MV_RTC_A] & ~MV_RTC_A_UIP;
	case MV_RTC_C:		/* no interrupt flags: none are raised */
		return 0;
	case MV_RTC_D:
		return MV_RTC_D_VRT;
	}
	if (mv_rtc_is_time_reg(idx) && !(r->reg[MV_RTC_B] & MV_RTC_B_SET))
		mv_rtc_latch(r);
	return r->reg[idx];
}

static void mv_rtc_write(struct mv_rtc *r, unsigned int idx, u8 val)
{
	u8 old_b = r->reg[MV_RTC_B];

	switch (idx) {
	case MV_RTC_C:
	case MV_RTC_D:		/* read only */
		return;
	case MV_RTC_B:
		/* SET freezes the registers; clearing it runs the clock. */
		if ((val & MV_RTC_B_SET) && !(old_b & MV_RTC_B_SET))
			mv_rtc_latch(r);
		r->reg[MV_RTC_B] = val;
		if (!(val & MV_RTC_B_SET) && (old_b & MV_RTC_B_SET))
			mv_rtc_set_from_regs(r);
		return;
	}
	if (!mv_rtc_is_time_reg(idx) || (old_b & MV_RTC_B_SET)) {
		r->reg[idx] = val;
		return;
	}
	/* One field of a running clock. */
	mv_rtc_latch(r);
	r->reg[idx] = val;
	mv_rtc_set_from_regs(r);
}

/* Port 0x70 is write only (bit 7 masks the NMI: not modelled). */
static void mv_rtc_io(struct mv_rtc *r, u16 port, bool in, u32 *val)
{
	unsigned int idx = r->index;

	if (port == MV_PORT_RTC_INDEX) {
		if (!in)
			r->index = *val & (MV_RTC_REGS - 1);
		return;
	}
	if (in)
		*val = mv_rtc_read(r, idx);
	else
		mv_rtc_write(r, idx, *val);
}

void mv_rtc_get_state(const struct mv_rtc *r, struct minivmm_rtc_state *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->version = MINIVMM_RTC_STATE_VERSION;
	s->offset_s = r->offset;
	s->index = r->index;
	memcpy(s->reg, r->reg, sizeof(s->reg));
}

int mv_rtc_check_state(const struct minivmm_rtc_state *s)
{
	if (s->size != sizeof(*s) || s->version != MINIVMM_RTC_STATE_VERSION ||
	    s->index >= MV_RTC_REGS ||
	    s->offset_s > MINIVMM_RTC_OFFSET_MAX ||
	    s->offset_s < -MINIVMM_RTC_OFFSET_MAX ||
	    memchr_inv(s->padding, 0, sizeof(s->padding)) ||
	    memchr_inv(s->reserved, 0, sizeof(s->reserved)))
		return -EINVAL;
	return 0;
}

void mv_rtc_set_state(struct mv_rtc *r, const struct minivmm_rtc_state *s)
{
	r->offset = s->offset_s;
	r->index = s->index;
	memcpy(r->reg, s->reg, sizeof(r->reg));
}

bool mv_platform_port_is_quiet(u16 port)
{
	return port == MINIVMM_PORT_FW_CFG || port == MINIVMM_PORT_FW_CFG + 1 ||
	       (port >= MINIVMM_PORT_PCI_ADDR &&
		port < MINIVMM_PORT_PCI_DATA + 4) ||
	       port == MV_PORT_RTC_INDEX || port == MV_PORT_RTC_DATA;
}

void mv_platform_init(struct mv_platform *p)
{
	p->rtc.reg[MV_RTC_A] = MV_RTC_A_RESET;
	p->rtc.reg[MV_RTC_B] = MV_RTC_B_24H;
}

/* ---- dispatch ----------------------------------------------------------- */

static bool mv_is_pic_port(u16 port)
{
	return port == MINIVMM_PORT_PIC1 || port == MINIVMM_PORT_PIC1 + 1 ||
	       port == MINIVMM_PORT_PIC2 || port == MINIVMM_PORT_PIC2 + 1 ||
	       port == MV_PORT_ELCR || port == MV_PORT_ELCR + 1;
}

/*
 * Claim @port for one of the devices above.  @val is as for
 * mv_io_dispatch(): the value written, or all ones to be replaced by the
 * value read.  MV_IO_POWEROFF asks the caller to stop the VM.
 */
enum mv_io_result mv_platform_io(struct mv_platform *p, u16 port, u8 size,
				 bool in, u32 *val)
{
	if (port == MINIVMM_PORT_FW_CFG || port == MINIVMM_PORT_FW_CFG + 1) {
		mv_fw_cfg_io(p, port, size, in, val);
		return MV_IO_DONE;
	}
	if (port >= MINIVMM_PORT_PCI_ADDR && port < MINIVMM_PORT_PCI_DATA + 4 &&
	    (port >= MINIVMM_PORT_PCI_DATA || size == 4)) {
		mv_pci_io(p, port, size, in, val);
		return MV_IO_DONE;
	}
	if (mv_is_pic_port(port) && size == 1) {
		mv_pic_io(p, port, in, val);
		return MV_IO_DONE;
	}
	if ((port == MV_PORT_RTC_INDEX || port == MV_PORT_RTC_DATA) &&
	    size == 1) {
		mv_rtc_io(&p->rtc, port, in, val);
		return MV_IO_DONE;
	}
	if (port == MINIVMM_PORT_SHUTDOWN && !in && size == 1)
		return mv_shutdown_port_write(p, (u8)*val) ? MV_IO_POWEROFF :
							     MV_IO_DONE;
	if (mv_is_pm1_port(port))
		return mv_pm1_io(port, size, in, val) ? MV_IO_POWEROFF :
							MV_IO_DONE;
	return MV_IO_UNCLAIMED;
}
