// SPDX-License-Identifier: GPL-2.0
/* The fuzz harnesses' shared part: see plan.h. */
#include <inttypes.h>
#include <string.h>
#include "fakevm.h"
#include "plan.h"

/* Guest bytes a load may write before the fake VM refuses (keeps runs fast). */
#define PLAN_BUDGET	(8ULL << 20)

#define MB_INFO		0x10000ULL	/* multiboot.c's layout */
#define MB_STR_OFF	0x800ULL	/* strings, from the info block */
#define MB_MOVED_INFO	0x4000ULL	/* GDT to info when moved */
#define MB_LOW_END	0xa0000ULL	/* 640 KiB */
#define BZ_ZP		0x20000ULL	/* bzimage.c's layout */
#define BZ_CMDLINE	0x21000ULL
#define BZ_LOW_END	0x9c000ULL

static const uint64_t mems[16] = {
	0x11000, 0x100000, 0x101000, 0x200000, 0x201000, 0x400000,
	0x1000000, 0x4000000, 0x10000000, 0x40000000, 0xc0000000,
	0xfffff000, 0x100000000, 0x100200000, 0x200000000, 0x123456000,
};

/*
 * --append lengths; ~0 means none.  Around cmdline_size's usual 2047 and
 * the two loaders' own limits.
 */
static const size_t append_lens[16] = {
	~(size_t)0, 0, 1, 15, 255, 256, 2047, 2048, 4095, 4096, 65535,
	0x7affe, 0x7afff, 0x7b000, 0x8e000, 0x8e800,
};

static const uint64_t sizes[16] = {
	0, 1, 4095, 4096, 4097, 0x100000, 0x1000000, 0x4000000, 0x10000000,
	0x40000000, 0xbff00000, 0xfff00000, 0x100000000, 0x1000, 0x200000,
	0x7ffff000,
};

/*
 * The loaders' structures below 1 MiB (loader.c, multiboot.c, bzimage.c).
 * A Multiboot kernel may itself be loaded below 640 KiB, with the boot
 * structures moved beside it: fv_check_writes() still finds any two writes
 * that overlap, and check_mb_state() where the structures went.
 */
static const struct fv_range mb_windows[] = {
	{ 0, MB_LOW_END },
};
static const struct fv_range bz_windows[] = {
	{ 0x800, 0x838 }, { 0x900, 0x968 }, { 0x1000, 0x7000 },
	{ BZ_ZP, BZ_ZP + 0x1000 }, { BZ_CMDLINE, BZ_LOW_END },
};

static char append_buf[0x8e800 + 1];

void plan_params(const uint8_t *data, size_t size, struct plan_params *p,
		 const uint8_t **image, size_t *image_len)
{
	uint8_t b[PLAN_PARAM_BYTES] = { 0 };
	size_t n = size < PLAN_PARAM_BYTES ? size : PLAN_PARAM_BYTES;
	size_t alen;

	memcpy(b, data, n);
	*image = data + n;
	*image_len = size - n;

	memset(p, 0, sizeof(*p));
	p->mem = mems[b[0] & 15];
	alen = append_lens[b[1] & 15];
	if (alen != ~(size_t)0) {
		memset(append_buf, 'a', alen);
		append_buf[alen] = 0;
		p->append = append_buf;
	}
	/* initrd: b[2] low nibble, index 0 = none unless b[3] bit 2 */
	p->initrd_size = sizes[b[2] & 15];
	p->has_initrd = p->initrd_size || (b[3] & 4);
	p->nmods = b[3] & 3;
	p->mod_size[0] = sizes[b[2] & 15];
	p->mod_size[1] = sizes[b[2] >> 4];
	p->mod_size[2] = sizes[b[1] >> 4];
}

static const char *memfd_path(int *fd, const char *name, const void *data,
			      size_t len, uint64_t size)
{
	static char paths[PLAN_MAX_MODS + 2][32];
	static unsigned int next;
	char *buf;

	if (*fd < 0)
		*fd = fv_memfd(name, data, len, size);
	else
		fv_memfd_set(*fd, data, len, size);
	buf = paths[next++ % (PLAN_MAX_MODS + 2)];
	return fv_fd_path(*fd, buf, sizeof(paths[0]));
}

const char *plan_image(const uint8_t *image, size_t len)
{
	static int fd = -1;

	return memfd_path(&fd, "image", image, len, len);
}

static uint64_t limit_of(uint64_t mem)
{
	return mem < FV_4G ? mem : FV_4G;
}

/* A NUL-terminated string at @gpa, ending before @end; its length. */
static size_t guest_strlen(uint64_t gpa, uint64_t end)
{
	const uint8_t *s = fv.low + gpa, *nul;

	FV_ASSERT(gpa < end && end <= FV_LOW, "string at 0x%" PRIx64, gpa);
	nul = memchr(s, 0, end - gpa);
	FV_ASSERT(nul, "string at 0x%" PRIx64 " not terminated", gpa);
	return (size_t)(nul - s);
}

static void check_mb_modules(const struct plan_params *p,
			     char *const *modules, uint64_t info)
{
	uint64_t limit = limit_of(p->mem), lowest = 0x100000;
	unsigned int i;

	FV_ASSERT(fv_get32(info + 20) == p->nmods, "mods_count %u",
		  fv_get32(info + 20));
	for (i = 0; i < p->nmods; i++) {
		uint64_t e = info + 0x100 + 16 * i;
		uint64_t start = fv_get32(e), end = fv_get32(e + 4);
		uint64_t str = fv_get32(e + 8);

		FV_ASSERT(start >= lowest && !(start & 0xfff),
			  "module %u starts at 0x%" PRIx64, i, start);
		FV_ASSERT(end >= start && end - start == p->mod_size[i] &&
			  end <= limit,
			  "module %u of 0x%" PRIx64 " bytes given as 0x%" PRIx64 "-0x%" PRIx64,
			  i, p->mod_size[i], start, end);
		FV_ASSERT(fv_written(start, end - start),
			  "module %u not written at 0x%" PRIx64, i, start);
		FV_ASSERT(str >= info + MB_STR_OFF &&
			  guest_strlen(str, MB_LOW_END) == strlen(modules[i]) &&
			  !memcmp(fv.low + str, modules[i], strlen(modules[i])),
			  "module %u string", i);
		lowest = end;
	}
}

/* Was @w the GDT, the TSS or the multiboot_info block? */
static bool boot_structure(const struct fv_range *w, uint64_t info)
{
	return w->start == fv.sregs.gdt.base || w->start == fv.sregs.tr.base ||
	       w->start == info;
}

/*
 * Whether @rip lies in what the Multiboot loader wrote for the kernel (file
 * bytes and zeroed bss), before the @nmods modules' writes.
 */
static bool entry_in_kernel(uint64_t rip, unsigned int nmods, uint64_t info)
{
	uint64_t mods_from = fv_get32(info + 0x100);
	size_t i;

	for (i = 0; i < fv.nw; i++) {
		const struct fv_range *w = &fv.w[i];

		if (boot_structure(w, info))
			continue;
		if (nmods && w->start >= mods_from)
			break;		/* the modules come after the kernel */
		if (rip >= w->start && rip < w->end)
			return true;
	}
	return false;
}

/* What a Multiboot kernel finds at entry (multiboot.c's header comment). */
static void check_mb_state(const char *path, const struct plan_params *p,
			   char *const *modules)
{
	uint64_t limit = limit_of(p->mem), cmd;
	uint64_t info = fv.regs.gprs[MINIVMM_RBX];
	const char *base = strrchr(path, '/') + 1;
	size_t want = strlen(base) + (p->append ? 1 + strlen(p->append) : 0);

	FV_ASSERT(fv.has_regs && fv.has_sregs, "registers not set");
	FV_ASSERT(fv.regs.gprs[MINIVMM_RAX] == 0x2BADB002, "EAX");
	/* at 0x10000, or moved below 640 KiB with the GDT and stack */
	FV_ASSERT(info == MB_INFO ||
		  (info < MB_LOW_END && !(info & 0xfff) &&
		   fv.sregs.gdt.base == info - MB_MOVED_INFO &&
		   fv.regs.gprs[MINIVMM_RSP] == info),
		  "EBX 0x%" PRIx64 ", GDT 0x%" PRIx64, info,
		  (uint64_t)fv.sregs.gdt.base);
	FV_ASSERT(entry_in_kernel(fv.regs.rip, p->nmods, info),
		  "entry 0x%" PRIx64 " outside the kernel's loaded bytes",
		  (uint64_t)fv.regs.rip);
	FV_ASSERT(fv_get32(info + 8) == (limit - 0x100000) >> 10,
		  "mem_upper %u", fv_get32(info + 8));
	cmd = fv_get32(info + 16);
	FV_ASSERT(cmd >= info + MB_STR_OFF &&
		  guest_strlen(cmd, MB_LOW_END) == want &&
		  !memcmp(fv.low + cmd, base, strlen(base)),
		  "command line at 0x%" PRIx64, cmd);
	FV_ASSERT(fv_get64(info + 0x80 + 24 + 12) == p->mem - 0x100000,
		  "memory map");
	check_mb_modules(p, modules, info);
}

bool plan_mb(const char *path, const struct plan_params *p, bool load)
{
	static int fds[PLAN_MAX_MODS] = { -1, -1, -1 };
	char *modules[PLAN_MAX_MODS];
	struct ctl_mb_boot *b;
	unsigned int i;
	int ret;

	for (i = 0; i < p->nmods; i++)
		modules[i] = (char *)memfd_path(&fds[i], "module", NULL, 0,
						p->mod_size[i]);
	fv_reset(p->mem, PLAN_BUDGET);
	b = ctl_mb_prepare("fuzz", path, p->mem, p->append, modules, p->nmods);
	if (!b) {
		FV_ASSERT(fv_last_err[0], "refused without a message");
		return false;
	}
	if (!load) {
		ctl_mb_free(b);
		return true;
	}
	ret = ctl_mb_load("fuzz", fv.fd, b);
	ctl_mb_free(b);
	fv_check_writes(mb_windows, sizeof(mb_windows) / sizeof(mb_windows[0]));
	if (ret) {
		FV_ASSERT(fv.over_budget, "a checked plan failed to load: %s",
			  fv_last_err);
		return true;
	}
	check_mb_state(path, p, modules);
	return true;
}

static void check_bz_initrd(const struct plan_params *p, uint64_t kernel_end)
{
	const uint64_t zp = BZ_ZP;
	uint64_t img = fv_get32(zp + 0x218) | (uint64_t)fv_get32(zp + 0xc0) << 32;
	uint64_t len = fv_get32(zp + 0x21c) | (uint64_t)fv_get32(zp + 0xc4) << 32;
	uint64_t max = (uint64_t)fv_get32(zp + 0x22c) + 1;
	uint64_t top = limit_of(p->mem) < max ? limit_of(p->mem) : max;

	if (!p->has_initrd) {
		FV_ASSERT(!img && !len, "an initrd without --initrd");
		return;
	}
	FV_ASSERT(len == p->initrd_size, "ramdisk_size 0x%" PRIx64, len);
	FV_ASSERT(!(img & 0xfff) && img >= kernel_end && img + len <= top,
		  "initrd at 0x%" PRIx64 "-0x%" PRIx64 ", kernel ends at 0x%" PRIx64 ", top 0x%" PRIx64,
		  img, img + len, kernel_end, top);
	FV_ASSERT(fv_written(img, len), "initrd not written at 0x%" PRIx64, img);
}

/* What Linux finds at entry (bzimage.c's header comment). */
static void check_bz_state(const struct plan_params *p)
{
	const uint64_t zp = BZ_ZP;
	uint64_t load = fv.regs.rip - 0x200, limit = limit_of(p->mem);
	uint64_t init_size = fv_get32(zp + 0x260);
	uint64_t kernel_len = (uint64_t)fv_get32(zp + 0x1f4) * 16;
	uint64_t pref = fv_get64(zp + 0x258);
	size_t alen = p->append ? strlen(p->append) : 0;

	FV_ASSERT(fv.has_regs && fv.has_sregs, "registers not set");
	FV_ASSERT(fv.regs.gprs[MINIVMM_RSI] == zp && fv.sregs.cs.selector == 0x10,
		  "RSI/CS");
	FV_ASSERT(load >= 0x100000 && init_size >= kernel_len &&
		  load + init_size <= limit,
		  "kernel at 0x%" PRIx64 ", init_size 0x%" PRIx64, load, init_size);
	FV_ASSERT(fv_written(load, kernel_len), "kernel not written at 0x%" PRIx64,
		  load);
	/* always at pref_address: the decompressor never runs below it */
	FV_ASSERT(load == pref, "kernel at 0x%" PRIx64 ", pref_address 0x%" PRIx64,
		  load, pref);
	FV_ASSERT(fv_get32(zp + 0x228) == BZ_CMDLINE && !fv_get32(zp + 0xc8),
		  "cmd_line_ptr");
	FV_ASSERT(guest_strlen(BZ_CMDLINE, BZ_LOW_END) == alen &&
		  alen <= fv_get32(zp + 0x238), "command line");
	FV_ASSERT(fv.low[zp + 0x1e8] == 4 &&
		  fv_get64(zp + 0x2d0 + 60) == 0x100000 &&
		  fv_get64(zp + 0x2d0 + 68) == p->mem - 0x100000, "e820 map");
	check_bz_initrd(p, (load + init_size + 0xfff) & ~0xfffULL);
}

bool plan_bz(const char *path, const struct plan_params *p, bool load)
{
	static int fd = -1;
	const char *initrd = NULL;
	struct ctl_bz_boot *b;
	int ret;

	if (p->has_initrd)
		initrd = memfd_path(&fd, "initrd", NULL, 0, p->initrd_size);
	fv_reset(p->mem, PLAN_BUDGET);
	b = ctl_bz_prepare("fuzz", path, p->mem, p->append, initrd);
	if (!b) {
		FV_ASSERT(fv_last_err[0], "refused without a message");
		return false;
	}
	if (!load) {
		ctl_bz_free(b);
		return true;
	}
	ret = ctl_bz_load("fuzz", fv.fd, b);
	ctl_bz_free(b);
	fv_check_writes(bz_windows, sizeof(bz_windows) / sizeof(bz_windows[0]));
	if (ret) {
		FV_ASSERT(fv.over_budget, "a checked plan failed to load: %s",
			  fv_last_err);
		return true;
	}
	check_bz_state(p);
	return true;
}
