// SPDX-License-Identifier: GPL-2.0
/*
 * Flat-binary guest loader.  The kernel only offers "write these bytes at
 * this guest-physical address" (pwrite on the VM fd) and "set these
 * registers"; everything about the boot state lives here.
 *
 * Guest-physical layout (all modes):
 *
 *   0x00000-0x003ff  real mode: IVT (IDTR base 0, limit 0x3ff); untouched
 *   0x00800-0x00837  GDT, 7 entries:
 *                      0x00 null
 *                      0x08 32-bit flat code (base 0, limit 4 GiB, D=1)
 *                      0x10 32-bit flat data
 *                      0x18 64-bit code (L=1)
 *                      0x20 64-bit/flat data
 *                      0x28 TSS, 16-byte system descriptor, busy, base 0x900
 *   0x00900-0x00967  TSS (zero; I/O map base 0x68 = none)
 *   0x01000          long mode only: PML4 (entry 0 -> PDPT)
 *   0x02000          PDPT (entries 0..3 -> the four PDs)
 *   0x03000-0x06fff  four PDs of 2 MiB pages: identity map of 0..4 GiB, RW
 *   0x07000-0x0ffff  stack (grows down from 0x10000)
 *   0x10000-...      the image (must end within guest RAM)
 *
 * Registers at entry:
 *   real:   CS=0x1000 IP=0 (linear 0x10000; link real-mode images at 0),
 *           DS=ES=FS=GS=0x1000, SS=0 SP=0xfff0, CR0=ET (0x10), EFER=0
 *   prot32: CS=0x08 DS=ES=FS=GS=SS=0x10 (flat 4 GiB), EIP=0x10000,
 *           ESP=0x10000, CR0=PE|ET (0x11), paging off, EFER=0
 *   long:   CS=0x18 (L=1) DS=ES=FS=GS=SS=0x20, RIP=0x10000, RSP=0x10000,
 *           CR0=PE|ET|PG (0x80000011), CR4=PAE (0x20), CR3=0x1000,
 *           EFER=LME|LMA (0x500)
 *   linux64 (the Linux bzImage loader, bzimage.c): as long, but the GDT
 *           follows the Linux boot protocol: 0x10 is the 64-bit code
 *           segment (__BOOT_CS) and 0x18 the flat data segment
 *           (__BOOT_DS); CS=0x10, DS=ES=FS=GS=SS=0x18.  0x08 and 0x20
 *           stay as above, TR=0x28 too.
 *   all:    RBX = guest RAM size in bytes, other GPRs 0, RFLAGS=2 (IF=0),
 *           unless the caller gives a struct ctl_entry (RIP, RAX, RBX,
 *           RSI: the Multiboot and bzImage loaders),
 *           TR=0x28 (busy TSS), LDTR unusable,
 *           a struct ctl_entry may also move the GDT (and the TSS 0x100
 *           bytes after it) and set RSP: the Multiboot loader does when
 *           its kernel occupies the default places,
 *           IDTR base 0 limit 0 in prot32/long (any exception triple-faults
 *           until the guest loads its own IDT).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctl.h"

#define GDT_GPA		0x800ULL
#define TSS_GPA		0x900ULL
#define TSS_LIMIT	0x67
_Static_assert(TSS_GPA - GDT_GPA + TSS_LIMIT + 1 <= CTL_GDT_TSS_SIZE,
	       "GDT and TSS fit in CTL_GDT_TSS_SIZE");
#define PML4_GPA	0x1000ULL
#define PDPT_GPA	0x2000ULL
#define PD_GPA		0x3000ULL
#define STACK_TOP	0x10000ULL
#define LOW_END		0x7000ULL	/* end of loader structures */

#define SEL_CODE32	0x08
#define SEL_DATA32	0x10
#define SEL_CODE64	0x18
#define SEL_DATA64	0x20
#define SEL_TSS		0x28
/* Linux boot protocol (linux64 mode): __BOOT_CS and __BOOT_DS. */
#define SEL_BOOT_CS	0x10
#define SEL_BOOT_DS	0x18

#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

int ctl_parse_mode(const char *s, enum ctl_mode *mode)
{
	if (!strcmp(s, "real"))
		*mode = CTL_MODE_REAL;
	else if (!strcmp(s, "prot32"))
		*mode = CTL_MODE_PROT32;
	else if (!strcmp(s, "long"))
		*mode = CTL_MODE_LONG;
	else
		return -1;
	return 0;
}

int ctl_guest_write(const char *what, int vmfd, const void *buf, size_t len,
		    uint64_t gpa)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(vmfd, p, len, (off_t)gpa);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ctl_err("%s: writing guest memory at 0x%" PRIx64 ": %s",
				what, gpa, n < 0 ? strerror(errno) : "short write");
			return CTL_EXIT_FAIL;
		}
		p += n;
		gpa += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int ctl_load_file(const char *what, int vmfd, const char *path, uint64_t gpa,
		  uint64_t mem)
{
	struct stat st;
	char *buf = NULL;
	size_t size, done = 0;
	int fd, ret = CTL_EXIT_FAIL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ctl_err("%s: cannot open '%s': %s", what, path, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ctl_err("%s: '%s' is not a regular file", what, path);
		goto out;
	}
	size = (size_t)st.st_size;
	if (size == 0) {
		ctl_err("%s: '%s' is empty", what, path);
		goto out;
	}
	if (gpa >= mem || (uint64_t)size > mem - gpa) {
		ctl_err("%s: '%s' (%zu bytes at 0x%" PRIx64 ") does not fit in the guest's %" PRIu64 " bytes of RAM",
			what, path, size, gpa, mem);
		goto out;
	}
	buf = malloc(size);
	if (!buf) {
		ctl_err("%s: out of memory reading '%s'", what, path);
		goto out;
	}
	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ctl_err("%s: reading '%s': %s", what, path,
				n < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		done += (size_t)n;
	}
	ret = ctl_guest_write(what, vmfd, buf, size, gpa);
out:
	free(buf);
	close(fd);
	return ret;
}

/* An 8-byte code/data descriptor: flat, 4 GiB, G=1. */
static uint64_t seg_desc(unsigned int type, unsigned int l, unsigned int db)
{
	return 0xffffULL |			/* limit 15:0 */
	       ((uint64_t)(type | 0x10) << 40) |	/* S=1, type */
	       (1ULL << 47) |			/* P */
	       (0xfULL << 48) |			/* limit 19:16 */
	       ((uint64_t)l << 53) | ((uint64_t)db << 54) |
	       (1ULL << 55);			/* G */
}

static int write_gdt_tss(const char *what, int vmfd, enum ctl_mode mode,
			 uint64_t gdt_gpa, uint64_t tss_gpa)
{
	uint64_t gdt[7] = { 0 };
	uint8_t tss[TSS_LIMIT + 1] = { 0 };

	gdt[SEL_CODE32 / 8] = seg_desc(11, 0, 1);
	gdt[SEL_DATA32 / 8] = seg_desc(3, 0, 1);
	gdt[SEL_CODE64 / 8] = seg_desc(11, 1, 0);
	gdt[SEL_DATA64 / 8] = seg_desc(3, 0, 1);
	if (mode == CTL_MODE_LINUX64) {
		gdt[SEL_BOOT_CS / 8] = seg_desc(11, 1, 0);
		gdt[SEL_BOOT_DS / 8] = seg_desc(3, 0, 1);
	}
	/* Busy 32/64-bit TSS (type 11), S=0, P=1, byte-granular limit. */
	gdt[SEL_TSS / 8] = TSS_LIMIT | ((tss_gpa & 0xffffff) << 16) |
			   (11ULL << 40) | (1ULL << 47) |
			   (((tss_gpa >> 24) & 0xff) << 56);
	gdt[SEL_TSS / 8 + 1] = tss_gpa >> 32;
	/* 64-bit TSS: I/O map base at offset 0x66 beyond the limit. */
	tss[0x66] = sizeof(tss) & 0xff;
	tss[0x67] = sizeof(tss) >> 8;

	if (ctl_guest_write(what, vmfd, gdt, sizeof(gdt), gdt_gpa))
		return CTL_EXIT_FAIL;
	return ctl_guest_write(what, vmfd, tss, sizeof(tss), tss_gpa);
}

static int write_page_tables(const char *what, int vmfd)
{
	static uint64_t tables[6][512];	/* PML4, PDPT, 4 PDs: 0x1000-0x6fff */
	int i, j;

	memset(tables, 0, sizeof(tables));
	tables[0][0] = PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++) {
		tables[1][i] = (PD_GPA + 0x1000ULL * i) | PTE_P | PTE_RW;
		for (j = 0; j < 512; j++)
			tables[2 + i][j] = (((uint64_t)i << 30) |
					    ((uint64_t)j << 21)) |
					   PTE_P | PTE_RW | PTE_PS;
	}
	return ctl_guest_write(what, vmfd, tables, sizeof(tables), PML4_GPA);
}

static void flat_seg(struct minivmm_segment *s, uint16_t sel, uint8_t type,
		     uint8_t l, uint8_t db)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->s = 1;
	s->present = 1;
	s->l = l;
	s->db = db;
	s->g = 1;
}

static void real_seg(struct minivmm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = (uint64_t)sel << 4;
	s->limit = 0xffff;
	s->selector = sel;
	s->type = type;
	s->s = 1;
	s->present = 1;
}

int ctl_setup_mode(const char *what, int vmfd, enum ctl_mode mode, uint64_t mem)
{
	return ctl_setup_entry(what, vmfd, mode, mem, NULL);
}

int ctl_setup_entry(const char *what, int vmfd, enum ctl_mode mode, uint64_t mem,
		    const struct ctl_entry *entry)
{
	struct minivmm_regs regs = { 0 };
	struct minivmm_sregs sregs = { 0 };
	uint64_t gdt_gpa = entry && entry->gdt_gpa ? entry->gdt_gpa : GDT_GPA;
	uint64_t tss_gpa = gdt_gpa + (TSS_GPA - GDT_GPA);
	bool is_linux;
	int ret;

	if (mem < CTL_IMAGE_GPA + 4096) {
		ctl_err("%s: the guest needs more than %llu KiB of RAM for the loader's layout",
			what, CTL_IMAGE_GPA >> 10);
		return CTL_EXIT_FAIL;
	}
	ret = write_gdt_tss(what, vmfd, mode, gdt_gpa, tss_gpa);
	if (!ret && (mode == CTL_MODE_LONG || mode == CTL_MODE_LINUX64))
		ret = write_page_tables(what, vmfd);
	if (ret)
		return ret;

	sregs.gdt.base = gdt_gpa;
	sregs.gdt.limit = 7 * 8 - 1;
	sregs.tr.base = tss_gpa;
	sregs.tr.limit = TSS_LIMIT;
	sregs.tr.selector = SEL_TSS;
	sregs.tr.type = 11;
	sregs.tr.present = 1;
	sregs.ldt.unusable = 1;

	switch (mode) {
	case CTL_MODE_REAL:
		real_seg(&sregs.cs, CTL_IMAGE_GPA >> 4, 11);
		real_seg(&sregs.ds, CTL_IMAGE_GPA >> 4, 3);
		sregs.es = sregs.fs = sregs.gs = sregs.ds;
		real_seg(&sregs.ss, 0, 3);
		sregs.idt.base = 0;
		sregs.idt.limit = 0x3ff;
		sregs.cr0 = CR0_ET;
		regs.rip = 0;
		regs.gprs[MINIVMM_RSP] = 0xfff0;
		break;
	case CTL_MODE_PROT32:
		flat_seg(&sregs.cs, SEL_CODE32, 11, 0, 1);
		flat_seg(&sregs.ds, SEL_DATA32, 3, 0, 1);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		sregs.cr0 = CR0_PE | CR0_ET;
		regs.rip = CTL_IMAGE_GPA;
		regs.gprs[MINIVMM_RSP] = STACK_TOP;
		break;
	case CTL_MODE_LONG:
	case CTL_MODE_LINUX64:
		/* The same long mode; Linux wants __BOOT_CS/__BOOT_DS. */
		is_linux = mode == CTL_MODE_LINUX64;
		flat_seg(&sregs.cs, is_linux ? SEL_BOOT_CS : SEL_CODE64, 11, 1, 0);
		flat_seg(&sregs.ds, is_linux ? SEL_BOOT_DS : SEL_DATA64, 3, 0, 1);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		sregs.cr0 = CR0_PE | CR0_ET | CR0_PG;
		sregs.cr3 = PML4_GPA;
		sregs.cr4 = CR4_PAE;
		sregs.efer = EFER_LME | EFER_LMA;
		regs.rip = CTL_IMAGE_GPA;
		regs.gprs[MINIVMM_RSP] = STACK_TOP;
		break;
	}
	regs.gprs[MINIVMM_RBX] = mem;
	regs.rflags = 2;
	if (entry) {
		regs.rip = entry->rip;
		regs.gprs[MINIVMM_RAX] = entry->rax;
		regs.gprs[MINIVMM_RBX] = entry->rbx;
		regs.gprs[MINIVMM_RSI] = entry->rsi;
		if (entry->rsp)
			regs.gprs[MINIVMM_RSP] = entry->rsp;
	}

	if (ioctl(vmfd, MINIVMM_VM_SET_SREGS, &sregs) < 0) {
		ctl_err("%s: setting the segment and control registers: %s",
			what, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (ioctl(vmfd, MINIVMM_VM_SET_REGS, &regs) < 0) {
		ctl_err("%s: setting the registers: %s", what, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	return 0;
}
