// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the image loaders (ctl/multiboot.c, ctl/bzimage.c): each
 * test builds a small image in memory, plans it, and asserts either the
 * refusal (NULL and the sentence naming the problem) or, for accepted
 * images, where the loader put everything (loaded into the fake VM).
 *
 * Usage: unit [--seeds DIR]   prints "ok NAME" or "FAIL NAME" per test;
 * --seeds also writes each test's image, behind a fuzz parameter prefix
 * (plan.h), into DIR: the hand-made part of the fuzz seed corpus.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fakevm.h"

#define MB_MAGIC	0x1BADB002U
#define MB_INFO		0x10000ULL
#define ZP		0x20000ULL
#define IMG_MAX		(1 << 20)
#define MiB		(1ULL << 20)

static const char *seed_dir;
static const char *cur_test;
static uint8_t img[IMG_MAX];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Write @len bytes of img as "<dir>/<test>.<n>" behind two parameter sets. */
static void write_seeds(size_t len)
{
	static const uint8_t prefixes[2][4] = {
		{ 0x07, 0x06, 0x05, 0x01 },	/* 64 MiB, 2047, 1 MiB, 1 module */
		{ 0x0c, 0x00, 0x00, 0x00 },	/* 4 GiB, none */
	};
	static unsigned int n;
	char path[4096];
	unsigned int i;
	FILE *f;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s.%u", seed_dir, cur_test, n++);
		f = fopen(path, "wb");
		FV_ASSERT(f, "%s: %s", path, strerror(errno));
		FV_ASSERT(fwrite(prefixes[i], 4, 1, f) == 1 &&
			  (!len || fwrite(img, len, 1, f) == 1) && !fclose(f),
			  "writing %s", path);
	}
}

/* The first @len bytes of img as a file; its path. */
static const char *image(size_t len)
{
	static char path[32];

	if (seed_dir)
		write_seeds(len);
	return fv_fd_path(fv_memfd("image", img, len, len), path, sizeof(path));
}

/* A file of @size zero bytes (a module or an initrd); its path. */
static const char *blob(uint64_t size)
{
	static char paths[4][32];
	static unsigned int n;
	char *p = paths[n++ % 4];

	return fv_fd_path(fv_memfd("blob", NULL, 0, size), p, sizeof(paths[0]));
}

/* The loader refused, saying @why. */
static void refused(const void *plan, const char *why)
{
	FV_ASSERT(!plan, "accepted; expected a refusal saying '%s'", why);
	FV_ASSERT(strstr(fv_last_err, why), "refused saying '%s', expected '%s'",
		  fv_last_err, why);
}

/* ------------------------------------------------------------ Multiboot */

struct seg {
	uint32_t off, paddr, vaddr, filesz, memsz;
};

static void mb_header(uint8_t *h, uint32_t flags)
{
	put32(h, MB_MAGIC);
	put32(h + 4, flags);
	put32(h + 8, -(MB_MAGIC + flags));
}

/*
 * An ELF32 i386 executable of 0x1000 bytes: headers, program headers at 52,
 * the Multiboot header at 0x100; code from 0x200 on.
 */
static size_t mb_elf(uint32_t flags, const struct seg *s, unsigned int n,
		     uint32_t entry)
{
	unsigned int i;

	memset(img, 0, 0x1000);
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 1;			/* ELFCLASS32 */
	img[5] = 1;			/* little-endian */
	img[6] = 1;
	put16(img + 16, 2);		/* ET_EXEC */
	put16(img + 18, 3);		/* EM_386 */
	put32(img + 20, 1);
	put32(img + 24, entry);
	put32(img + 28, 52);		/* e_phoff */
	put16(img + 40, 52);
	put16(img + 42, 32);
	put16(img + 44, (uint16_t)n);
	for (i = 0; i < n; i++) {
		uint8_t *p = img + 52 + 32 * i;

		put32(p, 1);		/* PT_LOAD */
		put32(p + 4, s[i].off);
		put32(p + 8, s[i].vaddr ? s[i].vaddr : s[i].paddr);
		put32(p + 12, s[i].paddr);
		put32(p + 16, s[i].filesz);
		put32(p + 20, s[i].memsz);
		put32(p + 24, 7);
	}
	mb_header(img + 0x100, flags);
	return 0x1000;
}

static const struct seg one_seg = { 0, 0x100000, 0, 0x1000, 0x2000 };

/* A flat image with the address fields (flag 16), header at 0x40. */
static size_t mb_kludge(uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	uint8_t *h = img + 0x40;

	memset(img, 0x90, 0x1000);
	mb_header(h, 0x10003);
	put32(h + 12, 0x100040);	/* header_addr */
	put32(h + 16, 0x100000);	/* load_addr */
	put32(h + 20, load_end);
	put32(h + 24, bss_end);
	put32(h + 28, entry);
	return 0x1000;
}

static struct ctl_mb_boot *mb_plan(const char *path, uint64_t mem,
				   const char *append, char **mods,
				   unsigned int nmods)
{
	fv_reset(mem, ~0ULL);
	return ctl_mb_prepare("test", path, mem, append, mods, nmods);
}

/* Load an accepted plan into the fake VM; check EAX/EBX. */
static void mb_load(struct ctl_mb_boot *b)
{
	FV_ASSERT(b, "refused: %s", fv_last_err);
	FV_ASSERT(!ctl_mb_load("test", fv.fd, b), "load: %s", fv_last_err);
	ctl_mb_free(b);
	FV_ASSERT(fv.regs.gprs[MINIVMM_RAX] == 0x2BADB002 &&
		  fv.regs.gprs[MINIVMM_RBX] == MB_INFO, "EAX/EBX");
}

static void test_mb_elf(void)
{
	char *mods[1] = { (char *)blob(5000) };
	const char *path = image(mb_elf(0x3, &one_seg, 1, 0x100200));
	const char *base;
	uint32_t cmd;

	mb_load(mb_plan(path, 16 * MiB, "quiet", mods, 1));
	FV_ASSERT(fv.regs.rip == 0x100200, "entry %llx",
		  (unsigned long long)fv.regs.rip);
	FV_ASSERT(fv_written(0x100000, 0x2000), "segment and bss");
	FV_ASSERT(fv_get32(MB_INFO + 20) == 1, "mods_count");
	/* the module goes page-aligned after the bss */
	FV_ASSERT(fv_get32(MB_INFO + 0x100) == 0x102000 &&
		  fv_get32(MB_INFO + 0x104) == 0x102000 + 5000, "module range");
	FV_ASSERT(fv_written(0x102000, 5000), "module bytes");
	/* the command line: the image's base name, then --append */
	cmd = fv_get32(MB_INFO + 16);
	base = strrchr(path, '/') + 1;
	FV_ASSERT(!strncmp((char *)fv.low + cmd, base, strlen(base)) &&
		  !strcmp((char *)fv.low + cmd + strlen(base), " quiet"),
		  "command line '%s'", (char *)fv.low + cmd);
	FV_ASSERT(fv_get32(MB_INFO + 8) == (16 * MiB - MiB) >> 10, "mem_upper");
}

/* An entry in p_vaddr's range runs at the matching p_paddr. */
static void test_mb_elf_vaddr(void)
{
	struct seg s = { 0, 0x100000, 0xc0100000, 0x1000, 0x1000 };

	mb_load(mb_plan(image(mb_elf(0x3, &s, 1, 0xc0100300)), 16 * MiB, NULL,
			NULL, 0));
	FV_ASSERT(fv.regs.rip == 0x100300, "entry %llx",
		  (unsigned long long)fv.regs.rip);
}

static void test_mb_kludge(void)
{
	mb_load(mb_plan(image(mb_kludge(0, 0x103000, 0x100080)), 4 * MiB, NULL,
			NULL, 0));
	FV_ASSERT(fv.regs.rip == 0x100080, "entry");
	FV_ASSERT(fv_written(0x100000, 0x3000), "file bytes and bss");
}

static void test_mb_truncated_elf(void)
{
	mb_elf(0x3, &one_seg, 1, 0x100200);
	refused(mb_plan(image(0x180), 16 * MiB, NULL, NULL, 0),
		"too short for ELF segment 0");
}

static void test_mb_truncated_kludge(void)
{
	mb_kludge(0x102000, 0, 0x100080);	/* 0x2000 bytes of a 0x1000 file */
	refused(mb_plan(image(0x1000), 16 * MiB, NULL, NULL, 0),
		"too short for the 0x2000 bytes");
}

static void test_mb_header_cut(void)
{
	memset(img, 0, 0x2000);
	mb_header(img + 0x1ffc, 0);	/* magic in the last word searched */
	refused(mb_plan(image(0x2000), 16 * MiB, NULL, NULL, 0), "is cut off");
}

static void test_mb_no_header(void)
{
	memset(img, 0x90, 0x3000);
	mb_header(img + 0x2000, 0);	/* beyond the first 8 KiB */
	refused(mb_plan(image(0x3000), 16 * MiB, NULL, NULL, 0),
		"no Multiboot header");
}

static void test_mb_checksum(void)
{
	mb_elf(0x3, &one_seg, 1, 0x100200);
	img[0x108]++;
	refused(mb_plan(image(0x1000), 16 * MiB, NULL, NULL, 0),
		"bad checksum");
}

static void test_mb_graphics(void)
{
	refused(mb_plan(image(mb_elf(0x7, &one_seg, 1, 0x100200)), 16 * MiB,
			NULL, NULL, 0), "graphics mode");
}

static void test_mb_unknown_flag(void)
{
	refused(mb_plan(image(mb_elf(0x8003, &one_seg, 1, 0x100200)), 16 * MiB,
			NULL, NULL, 0), "required Multiboot flag bits 0x8000");
}

static void test_mb_elf64(void)
{
	mb_elf(0x3, &one_seg, 1, 0x100200);
	img[4] = 2;			/* ELFCLASS64 */
	refused(mb_plan(image(0x1000), 16 * MiB, NULL, NULL, 0),
		"not a 32-bit ELF file");
}

static void test_mb_not_elf(void)
{
	memset(img, 0, 0x1000);
	mb_header(img + 0x40, 0x3);
	refused(mb_plan(image(0x1000), 16 * MiB, NULL, NULL, 0),
		"is not an ELF file");
}

static void test_mb_seg_beyond_ram(void)
{
	struct seg s = { 0, 0x100000, 0, 0x1000, 0x2000 };

	refused(mb_plan(image(mb_elf(0x3, &s, 1, 0x100200)), 0x101000, NULL,
			NULL, 0), "does not fit in the guest's RAM");
}

/*
 * A kernel at 0x8000 (as kvm-unit-tests' realmode.flat): loaded there, and
 * the GDT, stack and multiboot_info move to the page after it.
 */
static void test_mb_seg_low(void)
{
	struct seg s = { 0, 0x8000, 0, 0x1000, 0x2a30 };
	char *mods[1] = { (char *)blob(100) };
	struct ctl_mb_boot *b;
	const uint64_t moved = 0xb000, info = moved + 0x4000;

	b = mb_plan(image(mb_elf(0x3, &s, 1, 0x8200)), 16 * MiB, "x", mods, 1);
	FV_ASSERT(b, "refused: %s", fv_last_err);
	FV_ASSERT(!ctl_mb_load("test", fv.fd, b), "load: %s", fv_last_err);
	ctl_mb_free(b);
	FV_ASSERT(fv.regs.rip == 0x8200 && fv_written(0x8000, 0x2a30), "kernel");
	FV_ASSERT(fv.regs.gprs[MINIVMM_RBX] == info &&
		  fv.regs.gprs[MINIVMM_RSP] == info, "EBX/ESP");
	FV_ASSERT(fv.sregs.gdt.base == moved && fv.sregs.tr.base == moved + 0x100,
		  "GDT/TSS");
	FV_ASSERT(fv_written(moved, 0x38) && fv_written(moved + 0x100, 0x68),
		  "GDT/TSS bytes");
	/* the module still goes to 1 MiB, not after the low kernel */
	FV_ASSERT(fv_get32(info + 20) == 1 && fv_get32(info + 0x100) == MiB,
		  "module at 0x%x", fv_get32(info + 0x100));
	FV_ASSERT(fv_get32(info + 16) >= info + 0x800 &&
		  fv_get32(info + 48) == info + 0x80, "cmdline/mmap in the block");
}

/* 640 KiB-1 MiB is not RAM in the memory map: nothing is loaded there. */
static void test_mb_seg_hole(void)
{
	struct seg s = { 0, 0x9f000, 0, 0x1000, 0x2000 };

	refused(mb_plan(image(mb_elf(0x3, &s, 1, 0x9f200)), 16 * MiB, NULL,
			NULL, 0), "overlaps 0xa0000-0xfffff");
}

/* A low kernel that leaves no room for the boot structures below 640 KiB. */
static void test_mb_seg_low_full(void)
{
	struct seg s = { 0, 0x1000, 0, 0x1000, 0x9e000 };

	refused(mb_plan(image(mb_elf(0x3, &s, 1, 0x1200)), 16 * MiB, NULL,
			NULL, 0), "no room below 640 KiB");
}

static void test_mb_seg_overlap(void)
{
	struct seg s[2] = {
		{ 0, 0x100000, 0, 0x800, 0x2000 },
		{ 0x800, 0x101000, 0, 0x800, 0x800 },
	};

	refused(mb_plan(image(mb_elf(0x3, s, 2, 0x100200)), 16 * MiB, NULL,
			NULL, 0), "overlaps an earlier one");
}

static void test_mb_entry_outside(void)
{
	refused(mb_plan(image(mb_elf(0x3, &one_seg, 1, 0x200000)), 16 * MiB,
			NULL, NULL, 0), "not inside any loadable segment");
}

static void test_mb_module_too_big(void)
{
	char *mods[1] = { (char *)blob(15 * MiB) };

	refused(mb_plan(image(mb_elf(0x3, &one_seg, 1, 0x100200)), 16 * MiB,
			NULL, mods, 1), "module '");
}

/*
 * multiboot_info's mod_start and mod_end are 32-bit: a module that would
 * end at 4 GiB (or start there, if empty) cannot be described.
 */
static void test_mb_module_at_4g(void)
{
	struct seg s = { 0, 0xffe00000, 0, 0x1000, 0x100000 };
	char *mods[1] = { (char *)blob(MiB) };

	refused(mb_plan(image(mb_elf(0x3, &s, 1, 0xffe00200)), 8ULL << 30,
			NULL, mods, 1), "4 GiB");
	s.paddr = 0xfff00000;
	mods[0] = (char *)blob(0);
	refused(mb_plan(image(mb_elf(0x3, &s, 1, 0xfff00200)), 8ULL << 30,
			NULL, mods, 1), "4 GiB");
	/* just below: accepted, and described as loaded */
	s.paddr = 0xffd00000;
	mods[0] = (char *)blob(MiB - 1);
	mb_load(mb_plan(image(mb_elf(0x3, &s, 1, 0xffd00200)), 8ULL << 30,
			NULL, mods, 1));
	FV_ASSERT(fv_get32(MB_INFO + 0x100) == 0xffe00000 &&
		  fv_get32(MB_INFO + 0x104) == 0xffefffff, "module range");
}

static void test_mb_small_ram(void)
{
	refused(mb_plan(image(mb_elf(0x3, &one_seg, 1, 0x100200)), MiB, NULL,
			NULL, 0), "more than 1 MiB");
}

/* ------------------------------------------------------------ bzImage */

#define BZ_KERNEL	0x10000		/* bytes of "protected-mode kernel" */

/*
 * A bzImage of protocol 2.15: one setup sector after the boot sector (the
 * kernel at file offset 0x400), 64-bit entry, relocatable, 2 MiB aligned,
 * preferring 16 MiB, init_size 8 MiB, cmdline_size 2047.
 */
static size_t bz_image(void)
{
	size_t len = 0x400 + BZ_KERNEL;

	memset(img, 0, len);
	img[0x1f1] = 1;				/* setup_sects */
	put32(img + 0x1f4, BZ_KERNEL / 16);	/* syssize */
	put16(img + 0x1fe, 0xAA55);
	img[0x200] = 0xeb;
	img[0x201] = 0x66;			/* header ends at 0x268 */
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x020f);
	put32(img + 0x22c, 0x7fffffff);		/* initrd_addr_max */
	put32(img + 0x230, 0x200000);		/* kernel_alignment */
	img[0x234] = 1;				/* relocatable_kernel */
	put16(img + 0x236, 1);			/* XLF_KERNEL_64 */
	put32(img + 0x238, 2047);		/* cmdline_size */
	put64(img + 0x258, 16 * MiB);		/* pref_address */
	put32(img + 0x260, 8 * MiB);		/* init_size */
	return len;
}

static struct ctl_bz_boot *bz_plan(size_t len, uint64_t mem,
				   const char *append, const char *initrd)
{
	const char *path = image(len);

	fv_reset(mem, ~0ULL);
	return ctl_bz_prepare("test", path, mem, append, initrd);
}

/* Load an accepted plan; check the kernel went to @load. */
static void bz_load(struct ctl_bz_boot *b, uint64_t load)
{
	FV_ASSERT(b, "refused: %s", fv_last_err);
	FV_ASSERT(!ctl_bz_load("test", fv.fd, b), "load: %s", fv_last_err);
	ctl_bz_free(b);
	FV_ASSERT(fv.regs.rip == load + 0x200 &&
		  fv.regs.gprs[MINIVMM_RSI] == ZP, "entry %llx",
		  (unsigned long long)fv.regs.rip);
	FV_ASSERT(fv_written(load, BZ_KERNEL), "kernel bytes");
}

static void test_bz_ok(void)
{
	bz_load(bz_plan(bz_image(), 64 * MiB, "console=ttyS0", blob(MiB)),
		16 * MiB);
	/* the initrd at the top of RAM, page-aligned */
	FV_ASSERT(fv_get32(ZP + 0x218) == 63 * MiB &&
		  fv_get32(ZP + 0x21c) == MiB, "ramdisk");
	FV_ASSERT(fv_written(63 * MiB, MiB), "initrd bytes");
	FV_ASSERT(fv_get32(ZP + 0x228) == 0x21000 &&
		  !strcmp((char *)fv.low + 0x21000, "console=ttyS0"), "cmdline");
	FV_ASSERT(fv.low[ZP + 0x210] == 0xff, "type_of_loader");
	FV_ASSERT(fv.low[ZP + 0x1e8] == 4 &&
		  fv_get64(ZP + 0x2d0 + 68) == 63 * MiB, "e820");
}

/*
 * pref_address + init_size beyond RAM: refused, relocatable or not (a
 * 64-bit kernel's decompressor never runs below pref_address).
 */
static void test_bz_relocatable_no_room(void)
{
	refused(bz_plan(bz_image(), 12 * MiB, NULL, NULL),
		"never runs below, relocatable or not");
}

static void test_bz_not_relocatable(void)
{
	bz_image();
	img[0x234] = 0;
	refused(bz_plan(0x400 + BZ_KERNEL, 12 * MiB, NULL, NULL),
		"needs 0x800000 bytes (init_size) from its pref_address 0x1000000");
	bz_image();
	img[0x234] = 0;
	bz_load(bz_plan(0x400 + BZ_KERNEL, 24 * MiB, NULL, NULL), 16 * MiB);
}

static void test_bz_proto_2_11(void)
{
	bz_image();
	put16(img + 0x206, 0x020b);
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, NULL),
		"boot protocol 2.11");
}

static void test_bz_no_64bit(void)
{
	bz_image();
	put16(img + 0x236, 0);
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, NULL),
		"no 64-bit entry point");
}

static void test_bz_cmdline_max(void)
{
	static char append[2048];

	memset(append, 'x', 2047);
	bz_load(bz_plan(bz_image(), 64 * MiB, append, NULL), 16 * MiB);
	FV_ASSERT(strlen((char *)fv.low + 0x21000) == 2047, "cmdline");
}

static void test_bz_cmdline_over(void)
{
	static char append[2049];

	memset(append, 'x', 2048);
	refused(bz_plan(bz_image(), 64 * MiB, append, NULL),
		"the command line is 2048 bytes");
}

static void test_bz_initrd_too_big(void)
{
	/* the kernel's room ends at 24 MiB; 9 MiB do not fit below 32 MiB */
	refused(bz_plan(bz_image(), 32 * MiB, NULL, blob(9 * MiB)),
		"initrd '");
}

static void test_bz_initrd_addr_max(void)
{
	bz_image();
	put32(img + 0x22c, 25 * MiB - 1);	/* 1 MiB above the kernel */
	bz_load(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, blob(MiB)), 16 * MiB);
	FV_ASSERT(fv_get32(ZP + 0x218) == 24 * MiB, "initrd under the max");
	bz_image();
	put32(img + 0x22c, 25 * MiB - 2);
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, blob(MiB)),
		"initrd_addr_max");
}

static void test_bz_truncated_header(void)
{
	bz_image();
	refused(bz_plan(0x300, 64 * MiB, NULL, NULL),
		"too short for a Linux setup header");
}

static void test_bz_truncated_kernel(void)
{
	refused(bz_plan(bz_image() - 1, 64 * MiB, NULL, NULL), "truncated?");
}

static void test_bz_boot_flag(void)
{
	bz_image();
	put16(img + 0x1fe, 0);
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, NULL), "boot_flag");
}

static void test_bz_short_header(void)
{
	bz_image();
	img[0x201] = 0x5d;			/* ends at 0x25f */
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, NULL),
		"before init_size");
}

static void test_bz_alignment(void)
{
	bz_image();
	put32(img + 0x230, 0x300000);
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, NULL),
		"not a power of two");
}

static void test_bz_init_size(void)
{
	bz_image();
	put32(img + 0x260, BZ_KERNEL - 16);
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, NULL),
		"init_size 0xfff0 is smaller");
}

static void test_bz_syssize_zero(void)
{
	bz_image();
	put32(img + 0x1f4, 0);
	refused(bz_plan(0x400 + BZ_KERNEL, 64 * MiB, NULL, NULL),
		"syssize is 0");
}

static void test_bz_small_ram(void)
{
	refused(bz_plan(bz_image(), 2 * MiB, NULL, NULL), "more than 2 MiB");
}

/* ------------------------------------------------------------ detection */

static enum ctl_format detect(size_t len)
{
	const char *path = image(len);

	fv_reset(0, 0);
	return ctl_detect_format("test", path);
}

static void test_detect(void)
{
	static const struct seg s = { 0, 0x100000, 0, 0x1000, 0x1000 };

	FV_ASSERT(detect(mb_elf(0x3, &s, 1, 0x100000)) == CTL_FMT_MULTIBOOT,
		  "Multiboot ELF");
	FV_ASSERT(detect(mb_kludge(0, 0, 0x100080)) == CTL_FMT_MULTIBOOT,
		  "Multiboot kludge");
	FV_ASSERT(detect(bz_image()) == CTL_FMT_BZIMAGE, "bzImage");
	mb_elf(0x3, &s, 1, 0x100000);
	memset(img + 0x100, 0, 4);
	FV_ASSERT(detect(0x1000) == CTL_FMT_ELF, "ELF without a header");
	memset(img, 0xf4, 16);
	FV_ASSERT(detect(16) == CTL_FMT_FLAT, "flat");
	FV_ASSERT(detect(0) == CTL_FMT_AUTO && strstr(fv_last_err, "is empty"),
		  "empty");
}

/* ------------------------------------------------------------ runner */

struct test {
	const char *name;
	void (*fn)(void);
};

#define T(name) { #name, test_##name }
static const struct test tests[] = {
	T(mb_elf), T(mb_elf_vaddr), T(mb_kludge), T(mb_truncated_elf),
	T(mb_truncated_kludge), T(mb_header_cut), T(mb_no_header),
	T(mb_checksum), T(mb_graphics), T(mb_unknown_flag), T(mb_elf64),
	T(mb_not_elf), T(mb_seg_beyond_ram), T(mb_seg_low), T(mb_seg_hole),
	T(mb_seg_low_full), T(mb_seg_overlap),
	T(mb_entry_outside), T(mb_module_too_big), T(mb_module_at_4g),
	T(mb_small_ram),
	T(bz_ok), T(bz_relocatable_no_room), T(bz_not_relocatable), T(bz_proto_2_11),
	T(bz_no_64bit), T(bz_cmdline_max), T(bz_cmdline_over),
	T(bz_initrd_too_big), T(bz_initrd_addr_max), T(bz_truncated_header),
	T(bz_truncated_kernel), T(bz_boot_flag), T(bz_short_header),
	T(bz_alignment), T(bz_init_size), T(bz_syssize_zero), T(bz_small_ram),
	T(detect),
};

/* Each test in a child: a failed assertion aborts only that test. */
static bool run(const struct test *t)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	FV_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		cur_test = t->name;
		t->fn();
		exit(0);
	}
	FV_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	unsigned int i, failed = 0;

	if (argc == 3 && !strcmp(argv[1], "--seeds"))
		seed_dir = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [--seeds DIR]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		bool ok = run(&tests[i]);

		printf("%s %s\n", ok ? "ok" : "FAIL", tests[i].name);
		failed += !ok;
	}
	return failed ? 1 : 0;
}
