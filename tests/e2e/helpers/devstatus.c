// SPDX-License-Identifier: GPL-2.0
/*
 * devstatus ID: MINIVMM_DEV_STATUS's input checks, on VM ID (created, not
 * running).  Attaches as its device process, claims 256 bytes of MMIO at
 * 0xfeb00000, and makes each request below; every refusal must come with
 * its errno, every good request must be taken.  Prints "devstatus: N
 * checks passed" (exit 0), or the first check that failed (exit 1).
 * Closing the device fd at exit drops the claims and the slots.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../../../uapi/minivmm.h"

#define BASE	0xfeb00000ULL

static int devfd, passed;

/* One request: @want is 0 or the errno it must fail with. */
static void expect(const char *what, struct minivmm_dev_status st, int want)
{
	int err = ioctl(devfd, MINIVMM_DEV_STATUS, &st) < 0 ? errno : 0;

	if (err != want) {
		printf("devstatus: %s: got %s, want %s\n", what,
		       err ? strerror(err) : "success",
		       want ? strerror(want) : "success");
		exit(1);
	}
	passed++;
}

static struct minivmm_dev_status define(unsigned int index, __u64 rd,
					__u64 ack, unsigned int irq)
{
	return (struct minivmm_dev_status) {
		.index = index, .op = MINIVMM_DEV_STATUS_DEFINE, .irq = irq,
		.read_gpa = rd, .ack_gpa = ack,
	};
}

static struct minivmm_dev_status raise_bits(unsigned int index, __u32 bits)
{
	return (struct minivmm_dev_status) {
		.index = index, .op = MINIVMM_DEV_STATUS_RAISE, .bits = bits,
	};
}

int main(int argc, char **argv)
{
	struct minivmm_open_vm req = { 0 };
	struct minivmm_dev_claim cl = {
		.space = MINIVMM_DEV_MMIO, .base = BASE, .len = 0x100,
	};
	struct minivmm_dev_status st;
	int dev, vm;

	if (argc != 2) {
		fprintf(stderr, "usage: devstatus ID\n");
		return 2;
	}
	req.id = strtoul(argv[1], NULL, 0);
	dev = open("/dev/minivmm", O_RDWR | O_CLOEXEC);
	vm = dev < 0 ? -1 : ioctl(dev, MINIVMM_OPEN_VM, &req);
	devfd = vm < 0 ? -1 : ioctl(vm, MINIVMM_VM_DEV_ATTACH);
	if (devfd < 0) {
		printf("devstatus: attaching to VM %s: %s\n", argv[1],
		       strerror(errno));
		return 1;
	}
	expect("raise in an undefined slot", raise_bits(0, 1), ENOENT);
	expect("define before any claim", define(0, BASE + 0x60, BASE + 0x64, 5),
	       EINVAL);
	if (ioctl(devfd, MINIVMM_DEV_CLAIM, &cl) < 0) {
		printf("devstatus: claim: %s\n", strerror(errno));
		return 1;
	}
	expect("slot beyond the last", define(MINIVMM_DEV_MAX_STATUS, BASE + 0x60,
					      BASE + 0x64, 5), EINVAL);
	st = define(0, BASE + 0x60, BASE + 0x64, 5);
	st.reserved[1] = 1;
	expect("reserved field set", st, EINVAL);
	st = define(0, BASE + 0x60, BASE + 0x64, 5);
	st.op = 0;
	expect("no operation", st, EINVAL);
	st.op = 3;
	expect("unknown operation", st, EINVAL);
	expect("COM1's line", define(0, BASE + 0x60, BASE + 0x64, 4), EINVAL);
	expect("the cascade line", define(0, BASE + 0x60, BASE + 0x64, 2), EINVAL);
	expect("line 16", define(0, BASE + 0x60, BASE + 0x64, 16), EINVAL);
	expect("read and ack at one address", define(0, BASE + 0x60,
						      BASE + 0x60, 5), EINVAL);
	expect("unaligned status", define(0, BASE + 0x62, BASE + 0x64, 5), EINVAL);
	expect("ack past the claim", define(0, BASE + 0x60, BASE + 0x100, 5),
	       EINVAL);
	expect("status in RAM", define(0, 0x1000, BASE + 0x64, 5), EINVAL);
	st = define(0, BASE + 0x60, BASE + 0x64, 5);
	st.bits = 1;
	expect("bits in a define", st, EINVAL);
	expect("a good define", define(0, BASE + 0x60, BASE + 0x64, 5), 0);
	expect("an address another slot has", define(1, BASE + 0x64,
						      BASE + 0x68, 6), EINVAL);
	expect("a second slot", define(1, BASE + 0xfc, BASE + 0xf8, 6), 0);
	expect("a raise", raise_bits(0, 1), 0);
	st = raise_bits(0, 2);
	st.read_gpa = BASE;
	expect("a raise with an address", st, EINVAL);
	expect("the slot defined again", define(0, BASE + 0x60, BASE + 0x64, 7),
	       0);
	printf("devstatus: %d checks passed\n", passed);
	return 0;
}
