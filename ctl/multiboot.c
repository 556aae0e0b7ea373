// SPDX-License-Identifier: GPL-2.0
/*
 * Image formats for "minivmmctl run" and the Multiboot (v1, spec 0.6.96)
 * kernel loader.
 *
 * Detection (first match wins):
 *   multiboot  the magic 0x1BADB002 at a 4-byte aligned offset within the
 *              first 8192 bytes of the file
 *   bzimage    "HdrS" at offset 0x202 (Linux boot protocol): bzimage.c
 *   elf        "\x7fELF" without a Multiboot header: refused
 *   flat       anything else: loaded at 0x10000 (loader.c)
 *
 * A Multiboot kernel is checked completely (header, ELF headers or the
 * flag-16 address fields, segments, modules, command line) before the VM is
 * created; every value taken from the file is bounds-checked, and a bad one
 * is refused with one sentence naming it.
 *
 * Guest-physical layout of a Multiboot boot:
 *
 *   0x00800-0x0096f  GDT and TSS (loader.c, as for --mode prot32)
 *   0x07000-0x0ffff  a scratch stack, ESP = 0x10000 at entry (the spec
 *                    leaves ESP undefined: kernels set up their own)
 *   0x10000-0x1007f  struct multiboot_info (EBX points here)
 *   0x10080-0x100af  memory map: two entries of 24 bytes (size field 20):
 *                    [0, 640 KiB) and [1 MiB, RAM end), both type 1
 *   0x100c0-0x100c7  boot loader name "minivmm"
 *   0x10100-0x104ff  module list, 16 bytes a module (at most 64)
 *   0x10800-0x9efff  strings: the kernel command line, module strings
 *   anywhere else    the kernel's segments (below 640 KiB or from 1 MiB
 *                    on), then each module page-aligned after the
 *                    kernel's highest byte (bss included) and at or above
 *                    1 MiB, all below min(RAM size, 4 GiB); a module ends
 *                    below 4 GiB (mod_end is 32-bit)
 *
 * When a kernel segment overlaps 0x800-0x10000 or the multiboot_info block
 * (as kvm-unit-tests' realmode.flat at 0x8000 does), the boot structures
 * move out of its way instead, as one block below 640 KiB, at the highest
 * page boundary that ends a kernel segment there and has room for it:
 *
 *   +0x0000-0x01ff   GDT and TSS (the TSS at +0x100)
 *   +0x1000-0x3fff   the scratch stack, ESP = +0x4000 at entry
 *   +0x4000-         struct multiboot_info, memory map, loader name,
 *                    module list and strings, laid out as above
 *
 * multiboot_info.flags = MEM | CMDLINE | MODS | MMAP | LOADER_NAME:
 *   mem_lower = 640, mem_upper = (RAM - 1 MiB) / 1 KiB (capped at 4 GiB
 *   total), cmdline = "<basename of the image>[ <--append string>]" (as
 *   GRUB and QEMU do: the first word is the kernel's name), mods_count may
 *   be 0, module string = the FILE argument as given on the command line.
 *
 * Entry: 32-bit protected mode, paging off, CS = 0x08 and DS = ES = FS =
 * GS = SS = 0x10 (flat 4 GiB), EAX = 0x2BADB002, EBX = the multiboot_info
 * (0x10000 unless moved), EIP = the
 * entry point (ELF e_entry, translated from a segment's p_vaddr to its
 * p_paddr when it lies in one; or entry_addr with flag 16), EFLAGS = 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctl.h"
#include "le.h"

#define MB_HEADER_MAGIC		0x1BADB002U
#define MB_BOOT_MAGIC		0x2BADB002U
#define MB_SEARCH		8192	/* the header lies within these bytes */

/* Header flags: bits 0-15 are required (refuse unknown ones), 16-31 optional. */
#define MB_F_PAGE_ALIGN		(1U << 0)
#define MB_F_MEMORY_INFO	(1U << 1)
#define MB_F_VIDEO_MODE		(1U << 2)
#define MB_F_AOUT_KLUDGE	(1U << 16)
#define MB_F_REQUIRED_KNOWN	(MB_F_PAGE_ALIGN | MB_F_MEMORY_INFO)

/* multiboot_info.flags */
#define MBI_F_MEM		(1U << 0)
#define MBI_F_CMDLINE		(1U << 2)
#define MBI_F_MODS		(1U << 3)
#define MBI_F_MMAP		(1U << 6)
#define MBI_F_LOADER_NAME	(1U << 9)

#define MB_INFO_GPA		0x10000ULL
#define MB_MMAP_OFF		0x80
#define MB_NAME_OFF		0xc0
#define MB_MODS_OFF		0x100
#define MB_STR_OFF		0x800
#define MB_INFO_END		0x9f000ULL	/* strings end below here */
#define MB_INFO_SIZE		(MB_INFO_END - MB_INFO_GPA)
#define MB_KERNEL_MIN		0x100000ULL	/* 1 MiB */
#define MB_LOW_END		0xa0000ULL	/* 640 KiB: the legacy hole */
#define MB_LEGACY_START		0x800ULL	/* the default GDT */
/* The block the boot structures move to: GDT+TSS, stack, info. */
#define MB_MOVED_STACK		0x1000ULL
#define MB_MOVED_INFO		0x4000ULL
_Static_assert(CTL_GDT_TSS_SIZE <= MB_MOVED_STACK,
	       "the GDT and TSS end below the moved stack");
#define MB_LOW_KIB		640
#define MB_4G			0x100000000ULL
#define MB_MAX_SEGS		16
#define MB_MAX_PHDRS		256

_Static_assert(MB_MODS_OFF + CTL_MB_MAX_MODULES * 16 <= MB_STR_OFF,
	       "the module list fits below the strings");

/* ELF32 as the spec defines it (no <elf.h>: fixed, explicit layout). */
#define EI_NIDENT		16
#define ELFCLASS32		1
#define ELFDATA2LSB		1
#define ET_EXEC			2
#define EM_386			3
#define PT_LOAD			1
#define ELF32_EHDR_SIZE		52
#define ELF32_PHDR_SIZE		32

struct mb_seg {
	uint64_t gpa;		/* guest-physical start */
	uint64_t filesz;	/* bytes from the file */
	uint64_t memsz;		/* filesz, then zeros */
	uint64_t off;		/* file offset */
	int fd;			/* the kernel or a module file */
	const char *path;
};

struct ctl_mb_boot {
	int kernel_fd;
	int mod_fd[CTL_MB_MAX_MODULES];
	unsigned int nmods;
	struct mb_seg seg[MB_MAX_SEGS + CTL_MB_MAX_MODULES];
	unsigned int nseg;	/* kernel segments, then modules */
	uint8_t *info;		/* MB_INFO_SIZE bytes for info_gpa */
	size_t info_len;	/* how much of it to write */
	uint64_t info_gpa;	/* MB_INFO_GPA, or in the moved block */
	uint64_t moved;		/* the moved block's address; 0: not moved */
	uint32_t entry;
	uint64_t mem;
};

int ctl_parse_format(const char *s, enum ctl_format *fmt)
{
	if (!strcmp(s, "flat"))
		*fmt = CTL_FMT_FLAT;
	else if (!strcmp(s, "multiboot"))
		*fmt = CTL_FMT_MULTIBOOT;
	else if (!strcmp(s, "bzimage"))
		*fmt = CTL_FMT_BZIMAGE;
	else
		return -1;
	return 0;
}

/* Helpers shared with bzimage.c (ctl.h). */
ssize_t ctl_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int ctl_open_file(const char *what, const char *kind, const char *path,
		  bool empty_ok, uint64_t *size)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ctl_err("%s: cannot open %s '%s': %s", what, kind, path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ctl_err("%s: %s '%s' is not a regular file", what, kind, path);
		close(fd);
		return -1;
	}
	if (st.st_size == 0 && !empty_ok) {
		ctl_err("%s: %s '%s' is empty", what, kind, path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* Offset of the first aligned Multiboot magic in @head, or -1. */
static long find_mb_magic(const uint8_t *head, size_t len)
{
	size_t off;

	for (off = 0; off + 4 <= len && off < MB_SEARCH; off += 4)
		if (get32(head + off) == MB_HEADER_MAGIC)
			return (long)off;
	return -1;
}

static enum ctl_format detect(const uint8_t *head, size_t len)
{
	if (find_mb_magic(head, len) >= 0)
		return CTL_FMT_MULTIBOOT;
	if (len >= 0x206 && !memcmp(head + 0x202, "HdrS", 4))
		return CTL_FMT_BZIMAGE;
	if (len >= 4 && !memcmp(head, "\x7f" "ELF", 4))
		return CTL_FMT_ELF;
	return CTL_FMT_FLAT;
}

enum ctl_format ctl_detect_format(const char *what, const char *path)
{
	uint8_t head[MB_SEARCH];
	uint64_t size;
	ssize_t n;
	int fd;

	fd = ctl_open_file(what, "image", path, false, &size);
	if (fd < 0)
		return CTL_FMT_AUTO;
	n = ctl_pread_full(fd, head, sizeof(head), 0);
	close(fd);
	if (n < 0) {
		ctl_err("%s: reading image '%s': %s", what, path, strerror(errno));
		return CTL_FMT_AUTO;
	}
	return detect(head, (size_t)n);
}

/* ------------------------------------------------------------ the plan */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Add a segment after checking it lies in RAM below @limit, outside
 * 640 KiB-1 MiB, and overlaps none.
 */
static int add_seg(const char *what, struct ctl_mb_boot *b, const char *kind,
		   unsigned int idx, const struct mb_seg *s, uint64_t limit)
{
	const char *path = s->path;
	unsigned int i;

	if (overlaps(s->gpa, s->memsz, MB_LOW_END, MB_KERNEL_MIN - MB_LOW_END)) {
		ctl_err("%s: '%s': %s %u (0x%" PRIx64 "-0x%" PRIx64 ") overlaps 0xa0000-0xfffff, which the memory map leaves out",
			what, path, kind, idx, s->gpa, s->gpa + s->memsz);
		return -1;
	}
	if (s->memsz > limit || s->gpa > limit - s->memsz) {
		ctl_err("%s: '%s': %s %u (0x%" PRIx64 "-0x%" PRIx64 ") does not fit in the guest's RAM, which ends at 0x%" PRIx64,
			what, path, kind, idx, s->gpa, s->gpa + s->memsz, limit);
		return -1;
	}
	for (i = 0; i < b->nseg; i++) {
		const struct mb_seg *o = &b->seg[i];

		if (overlaps(s->gpa, s->memsz, o->gpa, o->memsz)) {
			ctl_err("%s: '%s': %s %u (0x%" PRIx64 "-0x%" PRIx64 ") overlaps an earlier one (0x%" PRIx64 "-0x%" PRIx64 ")",
				what, path, kind, idx, s->gpa, s->gpa + s->memsz,
				o->gpa, o->gpa + o->memsz);
			return -1;
		}
	}
	b->seg[b->nseg++] = *s;
	return 0;
}

/* Flag 16: the header's own address fields say what to load where. */
static int plan_kludge(const char *what, const char *path, struct ctl_mb_boot *b,
		       const uint8_t *h, uint64_t hoff, uint64_t size,
		       uint64_t limit)
{
	uint32_t header_addr = get32(h + 12), load_addr = get32(h + 16);
	uint32_t load_end = get32(h + 20), bss_end = get32(h + 24);
	uint32_t entry = get32(h + 28);
	struct mb_seg s = { .fd = b->kernel_fd, .path = path };

	if (load_addr > header_addr) {
		ctl_err("%s: '%s': Multiboot load_addr 0x%x is above header_addr 0x%x",
			what, path, load_addr, header_addr);
		return -1;
	}
	if (header_addr - load_addr > hoff) {
		ctl_err("%s: '%s': Multiboot header_addr - load_addr (0x%x) is more than the header's file offset (0x%" PRIx64 ")",
			what, path, header_addr - load_addr, hoff);
		return -1;
	}
	s.off = hoff - (header_addr - load_addr);
	s.gpa = load_addr;
	if (load_end == 0) {
		s.filesz = size - s.off;
	} else {
		if (load_end <= load_addr) {
			ctl_err("%s: '%s': Multiboot load_end_addr 0x%x is not above load_addr 0x%x",
				what, path, load_end, load_addr);
			return -1;
		}
		s.filesz = load_end - load_addr;
		if (s.filesz > size - s.off) {
			ctl_err("%s: '%s' is %" PRIu64 " bytes, too short for the 0x%" PRIx64 " bytes its Multiboot header says to load from offset 0x%" PRIx64,
				what, path, size, s.filesz, s.off);
			return -1;
		}
	}
	s.memsz = s.filesz;
	if (bss_end) {
		if (bss_end < load_addr + s.filesz) {
			ctl_err("%s: '%s': Multiboot bss_end_addr 0x%x is below the end of the loaded bytes (0x%" PRIx64 ")",
				what, path, bss_end, load_addr + s.filesz);
			return -1;
		}
		s.memsz = bss_end - load_addr;
	}
	if (add_seg(what, b, "the Multiboot load range", 0, &s, limit))
		return -1;
	if (entry < load_addr || entry >= load_addr + s.memsz) {
		ctl_err("%s: '%s': Multiboot entry_addr 0x%x is outside the loaded range 0x%x-0x%" PRIx64,
			what, path, entry, load_addr, load_addr + s.memsz);
		return -1;
	}
	b->entry = entry;
	return 0;
}

/* No flag 16: an ELF32 i386 executable; its PT_LOAD segments by p_paddr. */
static int plan_elf(const char *what, const char *path, struct ctl_mb_boot *b,
		    const uint8_t *head, size_t headlen, uint64_t size,
		    uint64_t limit)
{
	uint8_t *ph = NULL;
	uint32_t e_entry, e_phoff;
	uint16_t e_type, e_machine, e_phentsize, e_phnum;
	uint64_t phlen;
	unsigned int i, nload = 0;
	bool entry_found = false;
	int ret = -1;

	if (size < 4 || memcmp(head, "\x7f" "ELF", 4)) {
		ctl_err("%s: '%s' has a Multiboot header without the address fields (flag 16) and is not an ELF file",
			what, path);
		return -1;
	}
	if (size < ELF32_EHDR_SIZE || headlen < ELF32_EHDR_SIZE) {
		ctl_err("%s: '%s' is %" PRIu64 " bytes, too short for an ELF32 header (52 bytes)",
			what, path, size);
		return -1;
	}
	if (head[4] != ELFCLASS32) {
		ctl_err("%s: '%s' is not a 32-bit ELF file (class %u); a Multiboot v1 kernel must be ELF32",
			what, path, head[4]);
		return -1;
	}
	if (head[5] != ELFDATA2LSB) {
		ctl_err("%s: '%s' is not a little-endian ELF file (data encoding %u)",
			what, path, head[5]);
		return -1;
	}
	e_type = get16(head + 16);
	e_machine = get16(head + 18);
	e_entry = get32(head + 24);
	e_phoff = get32(head + 28);
	e_phentsize = get16(head + 42);
	e_phnum = get16(head + 44);
	if (e_machine != EM_386) {
		ctl_err("%s: '%s' is an ELF file for machine %u, not i386 (EM_386)",
			what, path, e_machine);
		return -1;
	}
	if (e_type != ET_EXEC) {
		ctl_err("%s: '%s' is not an ELF executable (type %u, expected ET_EXEC)",
			what, path, e_type);
		return -1;
	}
	if (e_phentsize != ELF32_PHDR_SIZE) {
		ctl_err("%s: '%s' has ELF program headers of %u bytes, expected 32",
			what, path, e_phentsize);
		return -1;
	}
	if (e_phnum == 0 || e_phnum > MB_MAX_PHDRS) {
		ctl_err("%s: '%s' has %u ELF program headers; minivmm loads 1 to %u",
			what, path, e_phnum, MB_MAX_PHDRS);
		return -1;
	}
	phlen = (uint64_t)e_phnum * ELF32_PHDR_SIZE;
	if (e_phoff > size || phlen > size - e_phoff) {
		ctl_err("%s: '%s' is %" PRIu64 " bytes, too short for its ELF program headers (offset 0x%x, %" PRIu64 " bytes): truncated?",
			what, path, size, e_phoff, phlen);
		return -1;
	}
	ph = malloc(phlen);
	if (!ph) {
		ctl_err("%s: out of memory reading '%s'", what, path);
		return -1;
	}
	if (ctl_pread_full(b->kernel_fd, ph, phlen, e_phoff) != (ssize_t)phlen) {
		ctl_err("%s: reading the ELF program headers of '%s' failed", what,
			path);
		goto out;
	}
	for (i = 0; i < e_phnum; i++) {
		const uint8_t *p = ph + (size_t)i * ELF32_PHDR_SIZE;
		struct mb_seg s = { .fd = b->kernel_fd, .path = path };
		uint32_t vaddr = get32(p + 8);

		if (get32(p) != PT_LOAD)
			continue;
		s.off = get32(p + 4);
		s.gpa = get32(p + 12);
		s.filesz = get32(p + 16);
		s.memsz = get32(p + 20);
		if (s.memsz == 0)
			continue;
		if (s.filesz > s.memsz) {
			ctl_err("%s: '%s': ELF segment %u has more file bytes (0x%" PRIx64 ") than memory bytes (0x%" PRIx64 ")",
				what, path, i, s.filesz, s.memsz);
			goto out;
		}
		if (s.off > size || s.filesz > size - s.off) {
			ctl_err("%s: '%s' is %" PRIu64 " bytes, too short for ELF segment %u (file bytes 0x%" PRIx64 "-0x%" PRIx64 "): truncated?",
				what, path, size, i, s.off, s.off + s.filesz);
			goto out;
		}
		if (nload == MB_MAX_SEGS) {
			ctl_err("%s: '%s' has more than %u loadable ELF segments",
				what, path, MB_MAX_SEGS);
			goto out;
		}
		if (add_seg(what, b, "ELF segment", i, &s, limit))
			goto out;
		nload++;
		/* As GRUB: an entry in p_vaddr's range runs at p_paddr's. */
		if (!entry_found && e_entry >= vaddr &&
		    e_entry - vaddr < s.memsz) {
			b->entry = (uint32_t)(s.gpa + (e_entry - vaddr));
			entry_found = true;
		}
	}
	if (!nload) {
		ctl_err("%s: '%s' has no loadable (PT_LOAD) ELF segment", what, path);
		goto out;
	}
	for (i = 0; i < b->nseg && !entry_found; i++)
		if (e_entry >= b->seg[i].gpa &&
		    e_entry - b->seg[i].gpa < b->seg[i].memsz) {
			b->entry = e_entry;
			entry_found = true;
		}
	if (!entry_found) {
		ctl_err("%s: '%s': the ELF entry point 0x%x is not inside any loadable segment",
			what, path, e_entry);
		goto out;
	}
	ret = 0;
out:
	free(ph);
	return ret;
}

static int check_header(const char *what, const char *path, const uint8_t *head,
			size_t headlen, long hoff, uint32_t *flags)
{
	uint32_t sum;

	if (hoff < 0) {
		ctl_err("%s: '%s' has no Multiboot header (magic 0x1BADB002) in its first 8192 bytes",
			what, path);
		return -1;
	}
	if ((size_t)hoff + 12 > headlen || hoff + 12 > MB_SEARCH) {
		ctl_err("%s: '%s': the Multiboot header at offset 0x%lx is cut off by the end of the file or of the first 8192 bytes",
			what, path, hoff);
		return -1;
	}
	*flags = get32(head + hoff + 4);
	sum = MB_HEADER_MAGIC + *flags + get32(head + hoff + 8);
	if (sum) {
		ctl_err("%s: '%s': the Multiboot header at offset 0x%lx has a bad checksum (magic + flags + checksum = 0x%x, must be 0)",
			what, path, hoff, sum);
		return -1;
	}
	if (*flags & MB_F_VIDEO_MODE) {
		ctl_err("%s: '%s' asks for a graphics mode (Multiboot flag 2), which minivmm does not provide",
			what, path);
		return -1;
	}
	if (*flags & 0xffffU & ~MB_F_REQUIRED_KNOWN) {
		ctl_err("%s: '%s' sets required Multiboot flag bits 0x%x that minivmm does not know",
			what, path, *flags & 0xffffU & ~MB_F_REQUIRED_KNOWN);
		return -1;
	}
	if ((*flags & MB_F_AOUT_KLUDGE) &&
	    ((size_t)hoff + 32 > headlen || hoff + 32 > MB_SEARCH)) {
		ctl_err("%s: '%s': the Multiboot header at offset 0x%lx sets flag 16 but its address fields are cut off",
			what, path, hoff);
		return -1;
	}
	return 0;
}

/* Append a NUL-terminated string to the info block; its guest address. */
static int add_string(const char *what, struct ctl_mb_boot *b, const char *s,
		      const char *s2, uint32_t *gpa)
{
	size_t l1 = strlen(s), l2 = s2 ? strlen(s2) : 0;
	size_t need = l1 + (s2 ? 1 + l2 : 0) + 1;

	if (need > MB_INFO_SIZE - b->info_len) {
		ctl_err("%s: the command line and module names do not fit in the %llu KiB minivmm keeps for them",
			what, (MB_INFO_SIZE - MB_STR_OFF) >> 10);
		return -1;
	}
	*gpa = (uint32_t)(b->info_gpa + b->info_len);
	memcpy(b->info + b->info_len, s, l1);
	if (s2) {
		b->info[b->info_len + l1] = ' ';
		memcpy(b->info + b->info_len + l1 + 1, s2, l2);
	}
	b->info[b->info_len + need - 1] = 0;
	b->info_len += need;
	return 0;
}

static int build_info(const char *what, struct ctl_mb_boot *b, const char *path,
		      const char *append, char *const *modules, uint64_t limit)
{
	uint8_t *mbi = b->info, *e;
	uint32_t addr;
	uint64_t upper_kib = (limit - MB_KERNEL_MIN) >> 10;
	unsigned int i;

	b->info_len = MB_STR_OFF;
	put32(mbi + 0, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS | MBI_F_MMAP |
			MBI_F_LOADER_NAME);
	put32(mbi + 4, MB_LOW_KIB);			/* mem_lower */
	put32(mbi + 8, (uint32_t)upper_kib);		/* mem_upper */
	if (add_string(what, b, base_name(path), append, &addr))
		return -1;
	put32(mbi + 16, addr);				/* cmdline */
	put32(mbi + 20, b->nmods);			/* mods_count */
	put32(mbi + 24, (uint32_t)(b->info_gpa + MB_MODS_OFF)); /* mods_addr */
	for (i = 0; i < b->nmods; i++) {
		const struct mb_seg *s = &b->seg[b->nseg - b->nmods + i];

		e = mbi + MB_MODS_OFF + 16 * i;
		put32(e + 0, (uint32_t)s->gpa);			/* mod_start */
		put32(e + 4, (uint32_t)(s->gpa + s->filesz));	/* mod_end */
		if (add_string(what, b, modules[i], NULL, &addr))
			return -1;
		put32(e + 8, addr);				/* string */
	}
	put32(mbi + 44, 2 * 24);			/* mmap_length */
	put32(mbi + 48, (uint32_t)(b->info_gpa + MB_MMAP_OFF)); /* mmap_addr */
	e = mbi + MB_MMAP_OFF;
	put32(e + 0, 20);
	put64(e + 4, 0);
	put64(e + 12, MB_LOW_KIB * 1024ULL);
	put32(e + 20, 1);
	e += 24;
	put32(e + 0, 20);
	put64(e + 4, MB_KERNEL_MIN);
	put64(e + 12, b->mem - MB_KERNEL_MIN);
	put32(e + 20, 1);
	memcpy(mbi + MB_NAME_OFF, "minivmm", 8);
	put32(mbi + 64, (uint32_t)(b->info_gpa + MB_NAME_OFF)); /* loader name */
	return 0;
}

/* The bytes build_info() will use: the fixed part, then the strings. */
static uint64_t info_size(const char *path, const char *append,
			  char *const *modules, unsigned int nmods)
{
	uint64_t n = MB_STR_OFF + strlen(base_name(path)) + 1;
	unsigned int i;

	if (append)
		n += 1 + strlen(append);
	for (i = 0; i < nmods; i++)
		n += strlen(modules[i]) + 1;
	return n;
}

bool ctl_mb_overlaps(const struct ctl_mb_boot *b, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < b->nseg; i++)
		if (overlaps(gpa, len, b->seg[i].gpa, b->seg[i].memsz))
			return true;
	return false;
}

/* Does [gpa, gpa + len) fit in RAM, outside the hole and every segment? */
static bool area_free(const struct ctl_mb_boot *b, uint64_t gpa, uint64_t len,
		      uint64_t limit)
{
	if (gpa > limit || len > limit - gpa ||
	    overlaps(gpa, len, MB_LOW_END, MB_KERNEL_MIN - MB_LOW_END))
		return false;
	return !ctl_mb_overlaps(b, gpa, len);
}

/*
 * Keep the boot structures where they always were unless a kernel segment
 * is there; then move them, as one block, below 640 KiB to the highest page
 * boundary that ends a kernel segment there and leaves room for the block
 * (QEMU too puts its multiboot_info after the kernel).
 */
static int place_info(const char *what, struct ctl_mb_boot *b, uint64_t need,
		      uint64_t limit)
{
	uint64_t len = MB_MOVED_INFO + need, at = 0, end;
	unsigned int i;

	b->info_gpa = MB_INFO_GPA;
	b->moved = 0;
	if (area_free(b, MB_LEGACY_START, MB_INFO_GPA + need - MB_LEGACY_START,
		      limit))
		return 0;
	for (i = 0; i < b->nseg; i++) {
		end = (b->seg[i].gpa + b->seg[i].memsz + 0xfff) & ~0xfffULL;
		if (end > at && end < MB_LOW_END && area_free(b, end, len, limit))
			at = end;
	}
	if (!at) {
		ctl_err("%s: no room below 640 KiB for the %" PRIu64 " KiB of boot structures (GDT, stack, multiboot_info) after the kernel's segments there",
			what, (len + 1023) >> 10);
		return -1;
	}
	b->moved = at;
	b->info_gpa = at + MB_MOVED_INFO;
	return 0;
}

void ctl_mb_free(struct ctl_mb_boot *b)
{
	unsigned int i;

	if (!b)
		return;
	if (b->kernel_fd >= 0)
		close(b->kernel_fd);
	for (i = 0; i < b->nmods; i++)
		if (b->mod_fd[i] >= 0)
			close(b->mod_fd[i]);
	free(b->info);
	free(b);
}

struct ctl_mb_boot *ctl_mb_prepare(const char *what, const char *path,
				   uint64_t mem, const char *append,
				   char *const *modules, unsigned int nmods)
{
	struct ctl_mb_boot *b;
	uint8_t head[MB_SEARCH];
	uint64_t size, limit, end = 0;
	uint32_t flags;
	unsigned int i;
	ssize_t n;
	long hoff;

	if (nmods > CTL_MB_MAX_MODULES) {
		ctl_err("%s: %u modules given; minivmm passes at most %u", what,
			nmods, CTL_MB_MAX_MODULES);
		return NULL;
	}
	if (mem <= MB_KERNEL_MIN) {
		ctl_err("%s: a Multiboot kernel needs more than 1 MiB of guest RAM (the memory map gives it RAM from 1 MiB on)",
			what);
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		ctl_err("%s: out of memory", what);
		return NULL;
	}
	b->kernel_fd = -1;
	b->mem = mem;
	b->info = calloc(1, MB_INFO_SIZE);
	if (!b->info) {
		ctl_err("%s: out of memory", what);
		goto fail;
	}
	limit = mem < MB_4G ? mem : MB_4G;

	b->kernel_fd = ctl_open_file(what, "image", path, false, &size);
	if (b->kernel_fd < 0)
		goto fail;
	n = ctl_pread_full(b->kernel_fd, head, sizeof(head), 0);
	if (n < 0) {
		ctl_err("%s: reading image '%s': %s", what, path, strerror(errno));
		goto fail;
	}
	hoff = find_mb_magic(head, (size_t)n);
	if (check_header(what, path, head, (size_t)n, hoff, &flags))
		goto fail;
	if (flags & MB_F_AOUT_KLUDGE) {
		if (plan_kludge(what, path, b, head + hoff, (uint64_t)hoff, size,
				limit))
			goto fail;
	} else if (plan_elf(what, path, b, head, (size_t)n, size, limit)) {
		goto fail;
	}
	for (i = 0; i < b->nseg; i++)
		if (b->seg[i].gpa + b->seg[i].memsz > end)
			end = b->seg[i].gpa + b->seg[i].memsz;

	/* Modules: each page-aligned after the kernel and the one before. */
	for (i = 0; i < nmods; i++)
		b->mod_fd[i] = -1;
	b->nmods = nmods;
	for (i = 0; i < nmods; i++) {
		struct mb_seg s = { .path = modules[i] };
		uint64_t msize;

		b->mod_fd[i] = ctl_open_file(what, "module", modules[i], true, &msize);
		if (b->mod_fd[i] < 0)
			goto fail;
		s.fd = b->mod_fd[i];
		s.gpa = (end + 0xfff) & ~0xfffULL;
		if (s.gpa < MB_KERNEL_MIN)
			s.gpa = MB_KERNEL_MIN;	/* above a low kernel */
		s.filesz = s.memsz = msize;
		if (s.gpa > limit || msize > limit - s.gpa) {
			ctl_err("%s: module '%s' (%" PRIu64 " bytes at 0x%" PRIx64 ", after the kernel and the modules before it) does not fit in the guest's RAM, which ends at 0x%" PRIx64,
				what, modules[i], msize, s.gpa, limit);
			goto fail;
		}
		/*
		 * multiboot_info gives the module as 32-bit mod_start and
		 * mod_end (exclusive): one ending at 4 GiB, or empty and
		 * starting there, would be described as ending (or starting)
		 * at 0.
		 */
		if (s.gpa + msize >= MB_4G) {
			ctl_err("%s: module '%s' (%" PRIu64 " bytes at 0x%" PRIx64 ") would end at 4 GiB, which Multiboot's 32-bit mod_end cannot express",
				what, modules[i], msize, s.gpa);
			goto fail;
		}
		b->seg[b->nseg++] = s;
		end = s.gpa + msize;
	}
	if (place_info(what, b, info_size(path, append, modules, nmods),
		       limit) ||
	    build_info(what, b, path, append, modules, limit))
		goto fail;
	return b;
fail:
	ctl_mb_free(b);
	return NULL;
}

/* Copy one segment's file bytes, then zero the rest of its memory size. */
static int write_seg(const char *what, int vmfd, const struct mb_seg *s)
{
	static uint8_t buf[1 << 20];
	uint64_t done = 0;

	while (done < s->memsz) {
		size_t chunk = s->memsz - done < sizeof(buf) ?
			       (size_t)(s->memsz - done) : sizeof(buf);

		if (done < s->filesz) {
			ssize_t n;

			if (chunk > s->filesz - done)
				chunk = (size_t)(s->filesz - done);
			n = ctl_pread_full(s->fd, buf, chunk, s->off + done);
			if (n != (ssize_t)chunk) {
				ctl_err("%s: reading '%s': %s", what, s->path,
					n < 0 ? strerror(errno) : "the file shrank");
				return CTL_EXIT_FAIL;
			}
		} else {
			memset(buf, 0, chunk);	/* bss */
		}
		if (ctl_guest_write(what, vmfd, buf, chunk, s->gpa + done))
			return CTL_EXIT_FAIL;
		done += chunk;
	}
	return 0;
}

int ctl_mb_load(const char *what, int vmfd, struct ctl_mb_boot *b)
{
	struct ctl_entry entry = {
		.rip = b->entry, .rax = MB_BOOT_MAGIC, .rbx = b->info_gpa,
		.gdt_gpa = b->moved,
		.rsp = b->moved ? b->moved + MB_MOVED_INFO : 0,
	};
	unsigned int i;

	if (ctl_setup_entry(what, vmfd, CTL_MODE_PROT32, b->mem, &entry))
		return CTL_EXIT_FAIL;
	for (i = 0; i < b->nseg; i++)
		if (write_seg(what, vmfd, &b->seg[i]))
			return CTL_EXIT_FAIL;
	return ctl_guest_write(what, vmfd, b->info, b->info_len, b->info_gpa);
}
