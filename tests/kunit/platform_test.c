// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the PC platform ports of kmod/platform.c (fw_cfg, PCI
 * configuration, the 8259 pair, the RTC, the "Shutdown" port), driven as a guest
 * would drive them.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include "kmod/platform.c"

static struct mv_platform test_platform(void)
{
	return (struct mv_platform){ .ram_size = SZ_64M, .nr_cpus = 1 };
}

static enum mv_io_result io_out(struct mv_platform *p, u16 port, u8 size,
				u32 val)
{
	return mv_platform_io(p, port, size, false, &val);
}

static u32 io_in(struct kunit *test, struct mv_platform *p, u16 port, u8 size)
{
	u32 val = U32_MAX;

	KUNIT_EXPECT_EQ(test, mv_platform_io(p, port, size, true, &val),
			MV_IO_DONE);
	return val;
}

static void fw_cfg_select(struct mv_platform *p, u16 key)
{
	io_out(p, MINIVMM_PORT_FW_CFG, 2, key);
}

static void fw_cfg_items(struct kunit *test)
{
	struct mv_platform p = test_platform();
	char sig[5] = { 0 };
	int i;

	fw_cfg_select(&p, 0x0000);
	for (i = 0; i < 4; i++)
		sig[i] = io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 1);
	KUNIT_EXPECT_STREQ(test, sig, "QEMU");
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 1), 0u);

	/* Selecting again starts from the first byte. */
	fw_cfg_select(&p, 0x0000);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 4),
			0x554d4551u);

	fw_cfg_select(&p, 0x0001);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 4), 1u);

	fw_cfg_select(&p, 0x0003);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 4),
			(u32)SZ_64M);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 4), 0u);

	fw_cfg_select(&p, 0x0005);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 1), 1u);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 1), 0u);

	fw_cfg_select(&p, 0x0019);	/* empty file directory */
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 4), 0u);

	fw_cfg_select(&p, 0x1234);	/* unknown keys read as zeros */
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 4), 0u);

	/* Data writes are ignored and do not move the offset. */
	fw_cfg_select(&p, 0x0000);
	KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_FW_CFG + 1, 1, 0xaa),
			MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 1),
			(u32)'Q');
}

static void fw_cfg_long_reads_stay_bounded(struct kunit *test)
{
	struct mv_platform p = test_platform();
	int i;

	fw_cfg_select(&p, 0x0003);
	p.fw_cfg_offset = U32_MAX - 1;	/* as after ~4 GiB of reads */
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test,
				io_in(test, &p, MINIVMM_PORT_FW_CFG + 1, 4), 0u);
	KUNIT_EXPECT_EQ(test, p.fw_cfg_offset, U32_MAX);
}

static void pci_has_no_devices(struct kunit *test)
{
	struct mv_platform p = test_platform();
	u32 val = 0;

	KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_PCI_ADDR, 4, U32_MAX),
			MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_PCI_ADDR, 4),
			0x80fffffcu);
	io_out(&p, MINIVMM_PORT_PCI_ADDR, 4, 0x80000000);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_PCI_DATA, 4),
			U32_MAX);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_PCI_DATA + 2, 2),
			U32_MAX);
	KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_PCI_DATA, 4, 0),
			MV_IO_DONE);
	/* Byte accesses to 0xcf8-0xcfb are not configuration accesses. */
	KUNIT_EXPECT_EQ(test, mv_platform_io(&p, MINIVMM_PORT_PCI_ADDR + 1, 1,
					     true, &val), MV_IO_UNCLAIMED);
}

static void pic_init_and_masks(struct kunit *test)
{
	struct mv_platform p = test_platform();

	io_out(&p, 0x20, 1, 0x11);	/* ICW1: cascade, ICW4 follows */
	io_out(&p, 0x21, 1, 0x20);	/* ICW2 */
	io_out(&p, 0x21, 1, 0x04);	/* ICW3 */
	io_out(&p, 0x21, 1, 0x01);	/* ICW4 */
	io_out(&p, 0x21, 1, 0xfb);	/* OCW1 */
	KUNIT_EXPECT_EQ(test, p.pic[0].vector_base, 0x20);
	KUNIT_EXPECT_EQ(test, p.pic[0].cascade, 0x04);
	KUNIT_EXPECT_EQ(test, p.pic[0].init_step, 0);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, 0x21, 1), 0xfbu);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, 0x20, 1), 0u);	/* IRR */
	io_out(&p, 0x20, 1, 0x0b);	/* OCW3: read ISR */
	KUNIT_EXPECT_TRUE(test, p.pic[0].read_isr);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, 0x20, 1), 0u);

	/* Single mode without ICW4: the mask comes right after ICW2. */
	io_out(&p, 0xa0, 1, 0x12);
	io_out(&p, 0xa1, 1, 0x28);
	io_out(&p, 0xa1, 1, 0xff);
	KUNIT_EXPECT_EQ(test, p.pic[1].vector_base, 0x28);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, 0xa1, 1), 0xffu);

	io_out(&p, MV_PORT_ELCR + 1, 1, 0x0e);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MV_PORT_ELCR + 1, 1), 0x0eu);
}

/* ACPI PM1a: SCI_EN reads set; only SLP_EN with S5's SLP_TYP powers off. */
static void acpi_pm1(struct kunit *test)
{
	struct mv_platform p = test_platform();
	const u16 cnt = MINIVMM_PORT_ACPI_PM1 + 4;
	const u32 s5 = MINIVMM_ACPI_S5_TYP << 10;

	KUNIT_EXPECT_EQ(test, io_in(test, &p, cnt, 2), 1u);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_ACPI_PM1, 2), 0u);
	KUNIT_EXPECT_EQ(test, io_in(test, &p, MINIVMM_PORT_ACPI_PM1 + 2, 2), 0u);
	KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_ACPI_PM1 + 2, 2, 0x121),
			MV_IO_DONE);
	/* ACPICA writes the type first, then type and SLP_EN. */
	KUNIT_EXPECT_EQ(test, io_out(&p, cnt, 2, s5 | 1), MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, io_out(&p, cnt, 2, BIT(13) | (3 << 10) | 1),
			MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, io_out(&p, cnt, 1, BIT(13) | s5), MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_ACPI_PM1, 2,
				     BIT(13) | s5), MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, io_out(&p, cnt, 2, BIT(13) | s5 | 1),
			MV_IO_POWEROFF);
	KUNIT_EXPECT_EQ(test, io_out(&p, cnt, 4, BIT(13) | s5),
			MV_IO_POWEROFF);
	KUNIT_EXPECT_EQ(test, io_out(&p, cnt + 2, 2, 0), MV_IO_UNCLAIMED);
}

static void shutdown_port(struct kunit *test)
{
	struct mv_platform p = test_platform();
	const char *s;
	u32 val;

	for (s = "ShutShutdow"; *s; s++)
		KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_SHUTDOWN, 1, *s),
				MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_SHUTDOWN, 1, 'n'),
			MV_IO_POWEROFF);
	for (s = "Shutdowx"; *s; s++)
		KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_SHUTDOWN, 1, *s),
				MV_IO_DONE);
	KUNIT_EXPECT_EQ(test, mv_platform_io(&p, MINIVMM_PORT_SHUTDOWN, 1,
					     true, &val), MV_IO_UNCLAIMED);
	KUNIT_EXPECT_EQ(test, io_out(&p, MINIVMM_PORT_SHUTDOWN, 2, 'S'),
			MV_IO_UNCLAIMED);
}

static void other_ports_unclaimed(struct kunit *test)
{
	struct mv_platform p = test_platform();

	KUNIT_EXPECT_EQ(test, io_out(&p, 0x80, 1, 0), MV_IO_UNCLAIMED);
	KUNIT_EXPECT_EQ(test, io_out(&p, 0x3f8, 1, 'x'), MV_IO_UNCLAIMED);
	KUNIT_EXPECT_EQ(test, io_out(&p, 0x21, 2, 0), MV_IO_UNCLAIMED);
}

static void pic_init_pair(struct mv_platform *p)
{
	io_out(p, 0x20, 1, 0x11);
	io_out(p, 0xa0, 1, 0x11);
	io_out(p, 0x21, 1, 0x20);
	io_out(p, 0xa1, 1, 0x28);
	io_out(p, 0x21, 1, 0x04);
	io_out(p, 0xa1, 1, 0x02);
	io_out(p, 0x21, 1, 0x01);
	io_out(p, 0xa1, 1, 0x01);
	io_out(p, 0x21, 1, 0x00);
	io_out(p, 0xa1, 1, 0x00);
}

static void pic_delivers_by_priority(struct kunit *test)
{
	struct mv_platform p = test_platform();

	/* Uninitialised: nothing is presented. */
	mv_pic_set_irq(&p, 4, true);
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), -1);
	pic_init_pair(&p);		/* ICW1 clears the old request */
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), -1);

	/* Edge triggered: a line held high requests once. */
	mv_pic_set_irq(&p, 4, false);
	mv_pic_set_irq(&p, 4, true);
	mv_pic_set_irq(&p, 3, true);
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), 0x23);
	KUNIT_EXPECT_EQ(test, mv_pic_ack(&p), 0x23);
	/* IRQ 3 in service blocks the lower-priority IRQ 4 until EOI. */
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), -1);
	io_out(&p, 0x20, 1, 0x0b);	/* OCW3: read ISR */
	KUNIT_EXPECT_EQ(test, io_in(test, &p, 0x20, 1), 0x08u);
	io_out(&p, 0x20, 1, 0x20);	/* non-specific EOI */
	KUNIT_EXPECT_EQ(test, mv_pic_ack(&p), 0x24);
	io_out(&p, 0x20, 1, 0x64);	/* specific EOI, level 4 */
	KUNIT_EXPECT_EQ(test, io_in(test, &p, 0x20, 1), 0u);
	mv_pic_set_irq(&p, 4, true);	/* still high: no new edge */
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), -1);

	/* Masked requests wait; unmasking presents them. */
	mv_pic_set_irq(&p, 4, false);
	io_out(&p, 0x21, 1, 0x10);
	mv_pic_set_irq(&p, 4, true);
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), -1);
	io_out(&p, 0x21, 1, 0x00);
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), 0x24);
}

static void pic_cascade(struct kunit *test)
{
	struct mv_platform p = test_platform();

	pic_init_pair(&p);
	mv_pic_set_irq(&p, 12, true);
	mv_pic_set_irq(&p, 4, true);
	/* IRQ 12 arrives through the master's IRQ 2: it outranks IRQ 4. */
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), 0x2c);
	KUNIT_EXPECT_EQ(test, mv_pic_ack(&p), 0x2c);
	KUNIT_EXPECT_EQ(test, p.pic[1].isr, (u8)BIT(4));
	KUNIT_EXPECT_EQ(test, p.pic[0].isr, (u8)BIT(2));
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), -1);
	io_out(&p, 0xa0, 1, 0x20);
	io_out(&p, 0x20, 1, 0x20);
	KUNIT_EXPECT_EQ(test, mv_pic_ack(&p), 0x24);
	/* A masked cascade input hides the slave. */
	io_out(&p, 0x21, 1, 0x04);
	mv_pic_set_irq(&p, 12, false);
	mv_pic_set_irq(&p, 12, true);
	io_out(&p, 0x20, 1, 0x20);
	KUNIT_EXPECT_EQ(test, mv_pic_pending(&p), -1);
	/* Out-of-range lines are ignored. */
	mv_pic_set_irq(&p, 16, true);
	mv_pic_set_irq(&p, 1000, true);
}

static void pic_auto_eoi(struct kunit *test)
{
	struct mv_platform p = test_platform();

	io_out(&p, 0x20, 1, 0x13);	/* single, ICW4 */
	io_out(&p, 0x21, 1, 0x08);
	io_out(&p, 0x21, 1, 0x03);	/* ICW4: 8086, auto EOI */
	io_out(&p, 0x21, 1, 0x00);
	mv_pic_set_irq(&p, 0, true);
	KUNIT_EXPECT_EQ(test, mv_pic_ack(&p), 0x08);
	KUNIT_EXPECT_EQ(test, p.pic[0].isr, 0);
	KUNIT_EXPECT_EQ(test, mv_pic_ack(&p), -1);
}

/* ---- the RTC ---------------------------------------------------------- */

static struct mv_platform test_rtc_platform(void)
{
	struct mv_platform p = test_platform();

	mv_platform_init(&p);
	return p;
}

static u8 rtc_get(struct kunit *test, struct mv_platform *p, u8 reg)
{
	io_out(p, 0x70, 1, reg);
	return io_in(test, p, 0x71, 1);
}

static void rtc_put(struct mv_platform *p, u8 reg, u8 val)
{
	io_out(p, 0x70, 1, reg);
	io_out(p, 0x71, 1, val);
}

/* The time the registers show, read in BCD, 24-hour mode (the reset). */
static time64_t rtc_time_bcd(struct kunit *test, struct mv_platform *p)
{
	unsigned int year = bcd2bin(rtc_get(test, p, 0x32)) * 100 +
			    bcd2bin(rtc_get(test, p, 0x09));

	return mktime64(year, bcd2bin(rtc_get(test, p, 0x08)),
			bcd2bin(rtc_get(test, p, 0x07)),
			bcd2bin(rtc_get(test, p, 0x04)),
			bcd2bin(rtc_get(test, p, 0x02)),
			bcd2bin(rtc_get(test, p, 0x00)));
}

static void rtc_runs_on_the_host_clock(struct kunit *test)
{
	struct mv_platform p = test_rtc_platform();
	time64_t now = ktime_get_real_seconds();
	time64_t t = rtc_time_bcd(test, &p);

	KUNIT_EXPECT_GE(test, t, now);
	KUNIT_EXPECT_LE(test, t, now + 2);
	/* Never updating, valid, no interrupt flags; the divider as reset. */
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x0a), 0x26);
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x0d), 0x80);
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x0c), 0);
	/* Port 0x70 is write only. */
	KUNIT_EXPECT_EQ(test, io_in(test, &p, 0x70, 1), U32_MAX);
	/* Other sizes are not the RTC's. */
	KUNIT_EXPECT_EQ(test, io_out(&p, 0x70, 2, 0), MV_IO_UNCLAIMED);
}

static void rtc_guest_sets_the_time(struct kunit *test)
{
	struct mv_platform p = test_rtc_platform();
	time64_t want = mktime64(2001, 2, 3, 4, 5, 6), t;

	/* What Linux's mc146818_set_time() does: SET, the fields, clear. */
	rtc_put(&p, 0x0b, 0x82);
	rtc_put(&p, 0x00, 0x06);
	rtc_put(&p, 0x02, 0x05);
	rtc_put(&p, 0x04, 0x04);
	rtc_put(&p, 0x07, 0x03);
	rtc_put(&p, 0x08, 0x02);
	rtc_put(&p, 0x09, 0x01);
	rtc_put(&p, 0x32, 0x20);
	/* Frozen while SET is on. */
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x09), 0x01);
	rtc_put(&p, 0x0b, 0x02);
	t = rtc_time_bcd(test, &p);
	KUNIT_EXPECT_GE(test, t, want);
	KUNIT_EXPECT_LE(test, t, want + 2);

	/* One field of the running clock: the year. */
	rtc_put(&p, 0x09, 0x02);
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x09), 0x02);
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x08), 0x02);
}

/* 12-hour binary hour for a 24-hour one: 1-12, bit 7 for PM. */
static u8 hour12(u8 h24)
{
	return (h24 % 12 ? h24 % 12 : 12) | (h24 >= 12 ? 0x80 : 0);
}

static void rtc_binary_and_12_hours(struct kunit *test)
{
	struct mv_platform p = test_rtc_platform();
	u8 before, after, h12;

	rtc_put(&p, 0x0b, 0x06);	/* binary, 24 hours */
	KUNIT_EXPECT_LT(test, rtc_get(test, &p, 0x00), 60);
	before = rtc_get(test, &p, 0x04);
	KUNIT_EXPECT_LT(test, before, 24);
	rtc_put(&p, 0x0b, 0x04);	/* binary, 12 hours */
	h12 = rtc_get(test, &p, 0x04);
	rtc_put(&p, 0x0b, 0x06);
	after = rtc_get(test, &p, 0x04);
	/* The hour may turn between the reads: either side will do. */
	KUNIT_EXPECT_TRUE(test, h12 == hour12(before) || h12 == hour12(after));
}

static void rtc_cmos_ram_and_hostile_bytes(struct kunit *test)
{
	struct mv_platform p = test_rtc_platform();
	time64_t now;
	unsigned int reg;

	/* Bit 7 of the index (NMI mask) is not part of it. */
	rtc_put(&p, 0xc0, 0x5a);
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x40), 0x5a);
	/* C and D are read only. */
	rtc_put(&p, 0x0d, 0x00);
	KUNIT_EXPECT_EQ(test, rtc_get(test, &p, 0x0d), 0x80);
	/* Nonsense in every time register: some time, and valid BCD after. */
	rtc_put(&p, 0x0b, 0x82);
	for (reg = 0; reg < 10; reg++)
		rtc_put(&p, reg, 0xff);
	rtc_put(&p, 0x32, 0xff);
	rtc_put(&p, 0x0b, 0x02);
	for (reg = 0; reg < 10; reg += 2) {
		u8 v = rtc_get(test, &p, reg);

		KUNIT_EXPECT_LE(test, v & 0x0f, 9);
		KUNIT_EXPECT_LE(test, v >> 4, 9);
	}
	/* Writing the host's time back makes the offset vanish. */
	now = ktime_get_real_seconds();
	p.rtc.offset = 0;
	KUNIT_EXPECT_LE(test, rtc_time_bcd(test, &p) - now, 2);
}

/*
 * The state for snapshots: a clock set by the guest, CMOS RAM and the
 * index survive get and set into another platform; bad states are refused.
 */
static void rtc_state_round_trip_and_refusals(struct kunit *test)
{
	struct mv_platform a = test_rtc_platform(), b = test_rtc_platform();
	struct minivmm_rtc_state s, bad;
	time64_t t;

	rtc_put(&a, 0x0b, 0x82);
	rtc_put(&a, 0x09, 0x42);	/* 2042 */
	rtc_put(&a, 0x0b, 0x02);
	rtc_put(&a, 0x40, 0x5a);
	rtc_put(&a, 0x41, 0x77);	/* and leaves the index at 0x41 */
	mv_rtc_get_state(&a.rtc, &s);
	KUNIT_EXPECT_EQ(test, s.size, (u32)sizeof(s));
	KUNIT_EXPECT_EQ(test, s.index, 0x41);
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&s), 0);
	mv_rtc_set_state(&b.rtc, &s);
	KUNIT_EXPECT_EQ(test, io_in(test, &b, 0x71, 1), 0x77);	/* the index */
	KUNIT_EXPECT_EQ(test, rtc_get(test, &b, 0x40), 0x5a);
	KUNIT_EXPECT_EQ(test, rtc_get(test, &b, 0x09), 0x42);
	t = rtc_time_bcd(test, &a);
	KUNIT_EXPECT_LE(test, abs(rtc_time_bcd(test, &b) - t), 1);

	bad = s;
	bad.index = 128;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), -EINVAL);
	bad = s;
	bad.offset_s = MINIVMM_RTC_OFFSET_MAX + 1;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), -EINVAL);
	bad.offset_s = -MINIVMM_RTC_OFFSET_MAX - 1;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), -EINVAL);
	bad = s;
	bad.padding[6] = 1;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), -EINVAL);
	bad = s;
	bad.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), -EINVAL);
	bad = s;
	bad.version = 2;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), -EINVAL);
	bad = s;
	bad.size = 0;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), -EINVAL);
	/* The limits themselves are states a restore may bring. */
	bad = s;
	bad.offset_s = -MINIVMM_RTC_OFFSET_MAX;
	KUNIT_EXPECT_EQ(test, mv_rtc_check_state(&bad), 0);
}

static struct kunit_case minivmm_platform_cases[] = {
	KUNIT_CASE(pic_delivers_by_priority),
	KUNIT_CASE(pic_cascade),
	KUNIT_CASE(pic_auto_eoi),
	KUNIT_CASE(fw_cfg_items),
	KUNIT_CASE(fw_cfg_long_reads_stay_bounded),
	KUNIT_CASE(pci_has_no_devices),
	KUNIT_CASE(pic_init_and_masks),
	KUNIT_CASE(shutdown_port),
	KUNIT_CASE(acpi_pm1),
	KUNIT_CASE(other_ports_unclaimed),
	KUNIT_CASE(rtc_runs_on_the_host_clock),
	KUNIT_CASE(rtc_guest_sets_the_time),
	KUNIT_CASE(rtc_binary_and_12_hours),
	KUNIT_CASE(rtc_cmos_ram_and_hostile_bytes),
	KUNIT_CASE(rtc_state_round_trip_and_refusals),
	{}
};

static struct kunit_suite minivmm_platform_suite = {
	.name = "minivmm_platform",
	.test_cases = minivmm_platform_cases,
};

kunit_test_suite(minivmm_platform_suite);
