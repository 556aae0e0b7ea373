/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PC platform devices (kmod/platform.c): fw_cfg, PCI configuration ports,
 * the 8259 pair, the RTC and CMOS RAM, and the "Shutdown" port.  A pure model: no VM or vCPU
 * dependencies, so KUnit tests it without the rest of the module.
 */
#ifndef MINIVMM_PLATFORM_H
#define MINIVMM_PLATFORM_H

#include <linux/types.h>
#include "uapi/minivmm.h"

#define MV_PORT_ELCR	0x4d0	/* edge/level control, one byte per 8259 */

/* One 8259: what initialisation and OCW1 wrote, and its requests. */
struct mv_pic {
	u8 icw1, vector_base, cascade, icw4;
	u8 init_step;		/* next ICW expected on the data port, or 0 */
	u8 imr;
	bool read_isr;		/* OCW3: command-port reads return ISR */
	u8 irr, isr;		/* requested, in service */
	u8 lines;		/* input levels, for edge detection */
};

/*
 * MC146818 real-time clock: its registers and CMOS RAM as the guest wrote
 * them, and how far the guest set its clock from the host's.
 */
#define MV_RTC_REGS	MINIVMM_RTC_REGS
struct mv_rtc {
	u8 index;		/* selected by port 0x70 */
	u8 reg[MV_RTC_REGS];
	s64 offset;		/* guest's time - host's real time, seconds */
};

struct mv_platform {
	u64 ram_size;		/* const: fw_cfg RAM_SIZE */
	u16 nr_cpus;		/* const: fw_cfg NB_CPUS and MAX_CPUS */
	u16 fw_cfg_key;
	u32 fw_cfg_offset;
	u32 pci_addr;
	struct mv_pic pic[2];
	u8 elcr[2];
	u8 shutdown_pos;	/* bytes of "Shutdown" matched so far */
	struct mv_rtc rtc;
};

enum mv_io_result {
	MV_IO_UNCLAIMED,	/* not a platform port */
	MV_IO_DONE,
	MV_IO_POWEROFF,		/* the guest wrote "Shutdown" */
};

/*
 * fw_cfg, PCI configuration and the RTC: models that raise no line, arm
 * no timer and wake nobody, so the backends' short path may answer them.
 */
bool mv_platform_port_is_quiet(u16 port);
/* Power-on state of what is not zero (the RTC's status registers). */
void mv_platform_init(struct mv_platform *p);
enum mv_io_result mv_platform_io(struct mv_platform *p, u16 port, u8 size,
				 bool in, u32 *val);

/*
 * The 8259 pair as an interrupt source: set an ISA IRQ line (0-15) high
 * or low (edge triggered: a rising edge requests), ask for the vector the
 * pair would present on INTR (-1: none), and acknowledge it as the CPU's
 * INTA cycle would (IRR to ISR, or straight through in auto-EOI mode).
 * Fixed priority, IRQ 0 highest, the slave cascaded on IRQ 2.
 */
void mv_pic_set_irq(struct mv_platform *p, unsigned int irq, bool level);
int mv_pic_pending(const struct mv_platform *p);
/* Does the master 8259 hold an unmasked request of @irq (0-7) not yet taken? */
bool mv_pic_irq_waiting(const struct mv_platform *p, unsigned int irq);
int mv_pic_ack(struct mv_platform *p);

/*
 * The RTC's state for snapshots: get copies it out, check says whether a
 * state from user space may be put back (0 or -EINVAL), set puts it back.
 */
void mv_rtc_get_state(const struct mv_rtc *r, struct minivmm_rtc_state *s);
int mv_rtc_check_state(const struct minivmm_rtc_state *s);
void mv_rtc_set_state(struct mv_rtc *r, const struct minivmm_rtc_state *s);

#endif /* MINIVMM_PLATFORM_H */
