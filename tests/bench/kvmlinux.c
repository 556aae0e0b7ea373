// SPDX-License-Identifier: GPL-2.0
/*
 * kvmrun --linux: boot a Linux bzImage on KVM, the baseline of
 * tests/bench/linux-boot.  ctl/bzimage.c, minivmmctl's own loader, builds
 * the same guest-physical layout and zero page as for a minivmm guest;
 * the functions it calls in minivmmctl are answered here for a KVM VM
 * whose RAM is this process's mapping.
 *
 * The devices are what minivmm puts in the kernel for such a guest and a
 * VMM on KVM keeps in user space, at their smallest:
 *   COM1 (0x3f8): a 16450 (no FIFO) whose transmitter is always empty,
 *	with its THRE interrupt on IRQ 4 (KVM_IRQ_LINE), so the console's
 *	output goes out as it would from a real UART; the bytes go to stdout.
 *   the RTC (0x70/0x71): this host's time, never "update in progress".
 *   PCI configuration mechanism 1 (0xcf8/0xcfc): the address latches, and
 *	an empty bus reads as all ones.
 * KVM's in-kernel irqchip and PIT (kvmrun creates them for --linux) are
 * the interrupt controllers and timers; kvmclock is KVM's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "ctl.h"
#include "kvmlinux.h"

#define COM1		0x3f8
#define COM1_IRQ	4
#define UART_IER_THRI	0x02
#define UART_LCR_DLAB	0x80
#define UART_MCR_LOOP	0x10
#define UART_IIR_NONE	0x01
#define UART_IIR_THRI	0x02
#define UART_LSR_IDLE	0x60	/* THR and transmitter empty */
#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define PCI_ADDR	0xcf8

static struct {
	int vmfd, vcpu;
	uint8_t *mem;
	uint64_t size;
} lvm = { .vmfd = -1 };

static struct {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool thre;	/* a THRE interrupt not yet taken by an IIR read */
	bool line;	/* IRQ 4 as last set */
} com1;

static uint8_t rtc_index;
static uint32_t pci_addr;

/* ---- what ctl/bzimage.c calls ------------------------------------------- */

void ctl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("kvmrun: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

ssize_t ctl_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done,
				  off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += n;
	}
	return done;
}

int ctl_open_file(const char *what, const char *kind, const char *path,
		  bool empty_ok, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		ctl_err("%s: cannot open %s '%s': %s", what, kind, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (!empty_ok && !st.st_size)) {
		ctl_err("%s: %s '%s' is not a regular, non-empty file", what,
			kind, path);
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

int ctl_guest_write(const char *what, int vmfd, const void *buf, size_t len,
		    uint64_t gpa)
{
	(void)vmfd;
	if (gpa > lvm.size || len > lvm.size - gpa) {
		ctl_err("%s: %zu bytes at %#llx do not fit in guest RAM", what,
			len, (unsigned long long)gpa);
		return CTL_EXIT_FAIL;
	}
	memcpy(lvm.mem + gpa, buf, len);
	return 0;
}

int ctl_setup_entry(const char *what, int vmfd, enum ctl_mode mode,
		    uint64_t mem, const struct ctl_entry *entry)
{
	(void)what;
	(void)vmfd;
	(void)mode;
	(void)mem;
	kvmrun_enter_long_mode(lvm.vcpu, lvm.mem, entry->rip, entry->rbx,
			       entry->rsi);
	return 0;
}

int kvm_linux_load(int vmfd, int vcpu, uint8_t *mem, uint64_t size,
		   const char *kernel, const char *initrd, const char *append)
{
	struct ctl_bz_boot *b;
	int ret;

	lvm.vmfd = vmfd;
	lvm.vcpu = vcpu;
	lvm.mem = mem;
	lvm.size = size;
	b = ctl_bz_prepare("kvmrun", kernel, size, append, initrd);
	if (!b)
		return 1;
	ret = ctl_bz_load("kvmrun", vmfd, b);
	ctl_bz_free(b);
	return ret ? 1 : 0;
}

/* ---- COM1 ---------------------------------------------------------------- */

static void com1_set_line(bool level)
{
	struct kvm_irq_level irq = { .irq = COM1_IRQ, .level = level };

	if (level == com1.line)
		return;
	if (ioctl(lvm.vmfd, KVM_IRQ_LINE, &irq) < 0)
		perror("kvmrun: KVM_IRQ_LINE");
	com1.line = level;
}

static void com1_update(void)
{
	com1_set_line((com1.ier & UART_IER_THRI) && com1.thre);
}

static void com1_out(unsigned int reg, uint8_t v)
{
	bool dlab = com1.lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0:
		if (dlab) {
			com1.dll = v;
			break;
		}
		/* Sent at once: the THRE interrupt drops and comes again. */
		com1.thre = false;
		com1_update();
		putchar(v);
		if (v == '\n')
			fflush(stdout);
		com1.thre = true;
		break;
	case 1:
		if (dlab) {
			com1.dlm = v;
			break;
		}
		/* Enabling THRI with THR empty raises THRE. */
		if ((v & UART_IER_THRI) && !(com1.ier & UART_IER_THRI))
			com1.thre = true;
		com1.ier = v & 0x0f;
		break;
	case 3:
		com1.lcr = v;
		break;
	case 4:
		com1.mcr = v;
		break;
	case 7:
		com1.scr = v;
		break;
	}
	com1_update();
}

/* MSR in loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static uint8_t com1_msr(void)
{
	uint8_t m = com1.mcr;

	if (!(m & UART_MCR_LOOP))
		return 0xb0;	/* DCD, DSR, CTS */
	return ((m & 1) << 5) | ((m & 2) << 3) | ((m & 4) << 4) |
	       ((m & 8) << 4);
}

static uint8_t com1_in(unsigned int reg)
{
	bool dlab = com1.lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0:
		return dlab ? com1.dll : 0;
	case 1:
		return dlab ? com1.dlm : com1.ier;
	case 2:
		if ((com1.ier & UART_IER_THRI) && com1.thre) {
			com1.thre = false;
			com1_update();
			return UART_IIR_THRI;
		}
		return UART_IIR_NONE;
	case 3:
		return com1.lcr;
	case 4:
		return com1.mcr;
	case 5:
		return UART_LSR_IDLE;
	case 6:
		return com1_msr();
	default:
		return com1.scr;
	}
}

/* ---- the RTC -------------------------------------------------------------- */

static uint8_t bcd(int v)
{
	return ((v / 10) << 4) | (v % 10);
}

static uint8_t rtc_read(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (rtc_index) {
	case 0x00: return bcd(tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case 0x32: return bcd(19 + tm.tm_year / 100);
	case 0x0a: return 0x26;		/* 32.768 kHz, 1024 Hz; no UIP */
	case 0x0b: return 0x02;		/* 24-hour, BCD */
	case 0x0d: return 0x80;		/* the battery is good */
	default: return 0;
	}
}

/* ---- the port dispatch ---------------------------------------------------- */

bool kvm_linux_port_out(uint16_t port, const uint8_t *data, uint8_t size)
{
	if (lvm.vmfd < 0)
		return false;
	if (port >= COM1 && port < COM1 + 8) {
		com1_out(port - COM1, data[0]);
	} else if (port == RTC_INDEX) {
		rtc_index = data[0] & 0x7f;
	} else if (port == PCI_ADDR && size == 4) {
		memcpy(&pci_addr, data, 4);
	} else if (port != RTC_DATA) {
		return false;
	}
	return true;
}

bool kvm_linux_port_in(uint16_t port, uint8_t *data, uint8_t size)
{
	if (lvm.vmfd < 0)
		return false;
	if (port >= COM1 && port < COM1 + 8) {
		memset(data, com1_in(port - COM1), size);
	} else if (port == RTC_DATA) {
		memset(data, rtc_read(), size);
	} else if (port == PCI_ADDR && size == 4) {
		memcpy(data, &pci_addr, 4);
	} else {
		return false;
	}
	return true;
}
