// SPDX-License-Identifier: GPL-2.0
/*
 * Linux bzImage loader for "minivmmctl run": the x86 boot protocol
 * (Documentation/arch/x86/boot.rst), version 2.12 or later, through the
 * 64-bit entry point.  The real-mode setup code is never run: minivmm builds
 * the zero page (struct boot_params) itself, as a 64-bit boot loader does.
 *
 * The image and the initrd are checked completely before the VM is created;
 * every value taken from the setup header is bounds-checked, and a bad one
 * is refused with one sentence naming it.
 *
 * What is checked: "HdrS" at 0x202, protocol version >= 2.12 (xloadflags),
 * boot_flag 0xAA55, XLF_KERNEL_64, a setup header long enough for init_size,
 * setup_sects (0 means 4), syssize (the kernel's bytes are in the file),
 * kernel_alignment (a power of two), init_size (covers the kernel's bytes),
 * pref_address (where the kernel goes),
 * cmdline_size (the --append string fits), initrd_addr_max (the initrd lies
 * below it).
 *
 * Guest-physical layout of a bzImage boot:
 *
 *   0x00800-0x0096f  GDT and TSS (loader.c, linux64: 0x10 64-bit code =
 *                    __BOOT_CS, 0x18 flat data = __BOOT_DS)
 *   0x01000-0x06fff  identity map of 0..4 GiB with 2 MiB pages (loader.c)
 *   0x07000-0x0ffff  a scratch stack, RSP = 0x10000 (the kernel sets its own)
 *   0x20000-0x20fff  the zero page (struct boot_params)
 *   0x21000-         the command line (the --append string, NUL-terminated)
 *   pref_address     the protected-mode kernel (file offset
 *                    (setup_sects + 1) * 512, syssize * 16 bytes), with
 *                    init_size bytes of room (relocatable or not: the
 *                    64-bit decompressor never runs a kernel below it)
 *   top of RAM       the initrd, page-aligned, as high as RAM, 4 GiB and
 *                    initrd_addr_max allow, above the kernel's init_size
 *
 * Zero page: the image's setup header copied to 0x1f1, type_of_loader 0xff,
 * loadflags without KEEP_SEGMENTS, QUIET_FLAG and CAN_USE_HEAP (no real-mode
 * heap: the setup code does not run), cmd_line_ptr, ramdisk_image/size (and
 * their ext_ high halves, zero below 4 GiB), and the e820 map:
 *   [0, 0x9fc00) RAM, [0x9fc00, 0xa0000) reserved, [0xe0000, 0x100000)
 *   reserved, [1 MiB, RAM end) RAM.
 *
 * Entry: 64-bit mode, paging on (the 4 GiB identity map), CS = 0x10,
 * DS = ES = FS = GS = SS = 0x18, RIP = load address + 0x200, RSI = the zero
 * page (0x20000), RFLAGS = 2 (interrupts off).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "le.h"

/*
 * struct boot_params offsets (the zero page), from the boot protocol
 * document; the kernel's own headers are not ours to include.
 */
#define BP_SIZE			4096
#define BP_EXT_RAMDISK_IMAGE	0x0c0	/* u32, ramdisk_image >> 32 */
#define BP_EXT_RAMDISK_SIZE	0x0c4	/* u32, ramdisk_size >> 32 */
#define BP_EXT_CMD_LINE_PTR	0x0c8	/* u32, cmd_line_ptr >> 32 */
#define BP_E820_ENTRIES		0x1e8	/* u8 */
#define BP_SENTINEL		0x1ef	/* u8, must stay 0 */
#define BP_HDR			0x1f1	/* struct setup_header */
#define BP_HDR_END		0x290	/* edd_mbr_sig_buffer follows it */
#define BP_E820_TABLE		0x2d0	/* 20-byte entries: addr, size, type */
#define BP_E820_MAX		128

/* struct setup_header, at the same offsets in the image and the zero page. */
#define HDR_SETUP_SECTS		0x1f1	/* u8, 0 means 4 */
#define HDR_SYSSIZE		0x1f4	/* u32, 16-byte paragraphs */
#define HDR_BOOT_FLAG		0x1fe	/* u16, 0xAA55 */
#define HDR_JUMP		0x200	/* u16: the header ends at 0x202 + byte 0x201 */
#define HDR_HEADER		0x202	/* "HdrS" */
#define HDR_VERSION		0x206	/* u16, major << 8 | minor */
#define HDR_TYPE_OF_LOADER	0x210	/* u8 */
#define HDR_LOADFLAGS		0x211	/* u8 */
#define HDR_RAMDISK_IMAGE	0x218	/* u32 */
#define HDR_RAMDISK_SIZE	0x21c	/* u32 */
#define HDR_HEAP_END_PTR	0x224	/* u16 */
#define HDR_CMD_LINE_PTR	0x228	/* u32 */
#define HDR_INITRD_ADDR_MAX	0x22c	/* u32, highest byte the initrd may use */
#define HDR_KERNEL_ALIGNMENT	0x230	/* u32 */
#define HDR_XLOADFLAGS		0x236	/* u16, protocol 2.12 */
#define HDR_CMDLINE_SIZE	0x238	/* u32, without the NUL */
#define HDR_PREF_ADDRESS	0x258	/* u64 */
#define HDR_INIT_SIZE		0x260	/* u32 */
#define HDR_NEED_END		0x264	/* the fields up to init_size */

#define BOOT_FLAG		0xAA55
#define PROTO_MIN		0x020c	/* 2.12: xloadflags, the 64-bit entry */
#define LOADER_UNDEFINED	0xff
#define LF_KEEP_SEGMENTS	(1U << 6)
#define LF_QUIET		(1U << 5)
#define LF_CAN_USE_HEAP		(1U << 7)
#define XLF_KERNEL_64		(1U << 0)
#define ENTRY64_OFFSET		0x200

#define E820_RAM		1
#define E820_RESERVED		2

#define BZ_ZERO_PAGE_GPA	0x20000ULL
#define BZ_CMDLINE_GPA		0x21000ULL
#define BZ_LOW_END		0x9c000ULL	/* below the EBDA and the 5-level trampoline */
#define BZ_CMDLINE_MAX		(BZ_LOW_END - BZ_CMDLINE_GPA - 1)
#define BZ_1M			0x100000ULL
#define BZ_4G			0x100000000ULL
#define BZ_PAGE			0x1000ULL
#define BZ_HEAD			0x400	/* bytes read for the header */

struct ctl_bz_boot {
	int kernel_fd, initrd_fd;
	const char *path, *initrd_path;
	uint64_t mem;
	uint64_t kernel_off;	/* file offset of the protected-mode kernel */
	uint64_t kernel_len;	/* syssize * 16 */
	uint64_t load;		/* guest-physical load address */
	uint64_t initrd_gpa, initrd_len;
	uint8_t zero_page[BP_SIZE];
	char *cmdline;
	size_t cmdline_len;	/* with the NUL */
};

void ctl_bz_free(struct ctl_bz_boot *b)
{
	if (!b)
		return;
	if (b->kernel_fd >= 0)
		close(b->kernel_fd);
	if (b->initrd_fd >= 0)
		close(b->initrd_fd);
	free(b->cmdline);
	free(b);
}

/* The header fields that say whether this is a kernel we can enter. */
static int check_header(const char *what, const char *path, const uint8_t *h,
			uint64_t size)
{
	unsigned int version, hdr_end;

	if (size < HDR_HEADER + 4 || memcmp(h + HDR_HEADER, "HdrS", 4)) {
		ctl_err("%s: '%s' has no Linux setup header (\"HdrS\" at 0x202)",
			what, path);
		return -1;
	}
	if (size < BZ_HEAD) {
		ctl_err("%s: '%s' is %" PRIu64 " bytes, too short for a Linux setup header (%u bytes): truncated?",
			what, path, size, BZ_HEAD);
		return -1;
	}
	version = get16(h + HDR_VERSION);
	if (version < PROTO_MIN) {
		ctl_err("%s: '%s' is a Linux bzImage of boot protocol %u.%02u; minivmm loads protocol 2.12 and later through the 64-bit entry point, older ones are not supported yet",
			what, path, version >> 8, version & 0xff);
		return -1;
	}
	if (get16(h + HDR_BOOT_FLAG) != BOOT_FLAG) {
		ctl_err("%s: '%s': the boot_flag at 0x1fe is 0x%04x, not 0xAA55",
			what, path, get16(h + HDR_BOOT_FLAG));
		return -1;
	}
	hdr_end = 0x202 + h[HDR_JUMP + 1];
	if (hdr_end < HDR_NEED_END) {
		ctl_err("%s: '%s': the setup header ends at 0x%x (0x202 + the byte at 0x201), before init_size (0x260-0x263), which protocol %u.%02u has",
			what, path, hdr_end, version >> 8, version & 0xff);
		return -1;
	}
	if (!(get16(h + HDR_XLOADFLAGS) & XLF_KERNEL_64)) {
		ctl_err("%s: '%s' has no 64-bit entry point (xloadflags 0x%x lacks XLF_KERNEL_64); minivmm boots 64-bit Linux kernels only",
			what, path, get16(h + HDR_XLOADFLAGS));
		return -1;
	}
	return 0;
}

/* Where the protected-mode kernel goes: b->load, or -1 after a message. */
static int place_kernel(const char *what, struct ctl_bz_boot *b,
			const uint8_t *h, uint64_t limit, uint64_t *kernel_end)
{
	uint64_t align = get32(h + HDR_KERNEL_ALIGNMENT);
	uint64_t pref = get64(h + HDR_PREF_ADDRESS);
	uint64_t init_size = get32(h + HDR_INIT_SIZE);

	if (align == 0 || (align & (align - 1)) || align > 1ULL << 30) {
		ctl_err("%s: '%s': kernel_alignment 0x%" PRIx64 " is not a power of two up to 1 GiB",
			what, b->path, align);
		return -1;
	}
	if (init_size < b->kernel_len) {
		ctl_err("%s: '%s': init_size 0x%" PRIx64 " is smaller than the 0x%" PRIx64 " kernel bytes syssize gives",
			what, b->path, init_size, b->kernel_len);
		return -1;
	}
	/*
	 * A 64-bit kernel's decompressor never runs it below pref_address
	 * (LOAD_PHYSICAL_ADDR): a relocatable kernel loaded lower still
	 * decompresses into [pref_address, pref_address + init_size), so
	 * that room must be RAM whatever relocatable_kernel says.
	 */
	if (pref < BZ_1M) {
		ctl_err("%s: '%s': pref_address 0x%" PRIx64 " is below 1 MiB",
			what, b->path, pref);
		return -1;
	}
	if (pref >= limit || init_size > limit - pref) {
		ctl_err("%s: '%s' needs 0x%" PRIx64 " bytes (init_size) from its pref_address 0x%" PRIx64 ", which a 64-bit kernel never runs below, relocatable or not; they do not fit in the guest's RAM below 0x%" PRIx64,
			what, b->path, init_size, pref, limit);
		return -1;
	}
	b->load = pref;
	*kernel_end = b->load + init_size;
	return 0;
}

/* The initrd: page-aligned, as high as allowed, above the kernel's room. */
static int place_initrd(const char *what, struct ctl_bz_boot *b,
			const uint8_t *h, uint64_t limit, uint64_t kernel_end)
{
	uint64_t top = limit, max = (uint64_t)get32(h + HDR_INITRD_ADDR_MAX) + 1;
	uint64_t low = (kernel_end + BZ_PAGE - 1) & ~(BZ_PAGE - 1);

	b->initrd_fd = ctl_open_file(what, "initrd", b->initrd_path, false,
				     &b->initrd_len);
	if (b->initrd_fd < 0)
		return -1;
	if (max < top)
		top = max;
	if (b->initrd_len > top || ((top - b->initrd_len) & ~(BZ_PAGE - 1)) < low) {
		ctl_err("%s: initrd '%s' (%" PRIu64 " bytes) does not fit in the guest's RAM between the kernel's end at 0x%" PRIx64 " (load address + init_size) and 0x%" PRIx64 " (the end of RAM, 4 GiB or initrd_addr_max + 1)",
			what, b->initrd_path, b->initrd_len, low, top);
		return -1;
	}
	b->initrd_gpa = (top - b->initrd_len) & ~(BZ_PAGE - 1);
	return 0;
}

static void e820_add(uint8_t *zp, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = zp + BP_E820_TABLE + 20 * zp[BP_E820_ENTRIES];

	put64(e, addr);
	put64(e + 8, size);
	put32(e + 16, type);
	zp[BP_E820_ENTRIES]++;
}

static void build_zero_page(struct ctl_bz_boot *b, const uint8_t *h)
{
	uint8_t *zp = b->zero_page;
	unsigned int hdr_end = 0x202 + h[HDR_JUMP + 1];

	_Static_assert(BP_E820_TABLE + 20 * BP_E820_MAX <= BP_SIZE,
		       "the e820 table fits in the zero page");
	memset(zp, 0, BP_SIZE);
	if (hdr_end > BP_HDR_END)
		hdr_end = BP_HDR_END;
	memcpy(zp + BP_HDR, h + BP_HDR, hdr_end - BP_HDR);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[HDR_LOADFLAGS] &= (uint8_t)~(LF_KEEP_SEGMENTS | LF_QUIET |
					LF_CAN_USE_HEAP);
	put16(zp + HDR_HEAP_END_PTR, 0);
	put32(zp + HDR_CMD_LINE_PTR, (uint32_t)BZ_CMDLINE_GPA);
	put32(zp + BP_EXT_CMD_LINE_PTR, (uint32_t)(BZ_CMDLINE_GPA >> 32));
	put32(zp + HDR_RAMDISK_IMAGE, (uint32_t)b->initrd_gpa);
	put32(zp + HDR_RAMDISK_SIZE, (uint32_t)b->initrd_len);
	put32(zp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(b->initrd_gpa >> 32));
	put32(zp + BP_EXT_RAMDISK_SIZE, (uint32_t)(b->initrd_len >> 32));
	zp[BP_SENTINEL] = 0;

	e820_add(zp, 0, 0x9fc00, E820_RAM);
	e820_add(zp, 0x9fc00, 0x400, E820_RESERVED);
	e820_add(zp, 0xe0000, 0x20000, E820_RESERVED);
	e820_add(zp, BZ_1M, b->mem - BZ_1M, E820_RAM);
}

struct ctl_bz_boot *ctl_bz_prepare(const char *what, const char *path,
				   uint64_t mem, const char *append,
				   const char *initrd)
{
	struct ctl_bz_boot *b;
	uint8_t h[BZ_HEAD];
	uint64_t size, limit, kernel_end, syssize;
	unsigned int setup_sects;
	uint32_t cmdline_size;
	size_t len = append ? strlen(append) : 0;
	ssize_t n;

	b = calloc(1, sizeof(*b));
	if (!b) {
		ctl_err("%s: out of memory", what);
		return NULL;
	}
	b->kernel_fd = b->initrd_fd = -1;
	b->path = path;
	b->initrd_path = initrd;
	b->mem = mem;
	if (mem <= BZ_1M * 2) {
		ctl_err("%s: a Linux kernel needs more than 2 MiB of guest RAM (it is loaded at 1 MiB or above)",
			what);
		goto fail;
	}
	limit = mem < BZ_4G ? mem : BZ_4G;	/* the identity map's end */

	b->kernel_fd = ctl_open_file(what, "image", path, false, &size);
	if (b->kernel_fd < 0)
		goto fail;
	memset(h, 0, sizeof(h));
	n = ctl_pread_full(b->kernel_fd, h, sizeof(h), 0);
	if (n < 0) {
		ctl_err("%s: reading image '%s': %s", what, path, strerror(errno));
		goto fail;
	}
	if (check_header(what, path, h, (uint64_t)n))
		goto fail;

	setup_sects = h[HDR_SETUP_SECTS] ? h[HDR_SETUP_SECTS] : 4;
	b->kernel_off = (setup_sects + 1ULL) * 512;
	syssize = get32(h + HDR_SYSSIZE);
	b->kernel_len = syssize * 16;
	if (syssize == 0) {
		ctl_err("%s: '%s': syssize is 0, so there is no protected-mode kernel to load",
			what, path);
		goto fail;
	}
	if (b->kernel_off > size || b->kernel_len > size - b->kernel_off) {
		ctl_err("%s: '%s' is %" PRIu64 " bytes, too short for its %" PRIu64 "-byte setup (setup_sects %u) and the %" PRIu64 "-byte kernel syssize gives: truncated?",
			what, path, size, b->kernel_off, setup_sects, b->kernel_len);
		goto fail;
	}
	if (place_kernel(what, b, h, limit, &kernel_end))
		goto fail;

	cmdline_size = get32(h + HDR_CMDLINE_SIZE);
	if (len > cmdline_size || len > BZ_CMDLINE_MAX) {
		ctl_err("%s: the command line is %zu bytes; '%s' takes at most %" PRIu64 " (cmdline_size %u)",
			what, len, path,
			cmdline_size < BZ_CMDLINE_MAX ? (uint64_t)cmdline_size :
			(uint64_t)BZ_CMDLINE_MAX, cmdline_size);
		goto fail;
	}
	b->cmdline_len = len + 1;
	b->cmdline = calloc(1, b->cmdline_len);
	if (!b->cmdline) {
		ctl_err("%s: out of memory", what);
		goto fail;
	}
	if (len)
		memcpy(b->cmdline, append, len);

	if (initrd && place_initrd(what, b, h, limit, kernel_end))
		goto fail;
	build_zero_page(b, h);
	return b;
fail:
	ctl_bz_free(b);
	return NULL;
}

/* Copy @len bytes of @fd from @off to guest-physical @gpa. */
static int copy_file(const char *what, int vmfd, int fd, const char *path,
		     uint64_t off, uint64_t len, uint64_t gpa)
{
	static uint8_t buf[1 << 20];
	uint64_t done = 0;

	while (done < len) {
		size_t chunk = len - done < sizeof(buf) ? (size_t)(len - done) :
			       sizeof(buf);
		ssize_t n = ctl_pread_full(fd, buf, chunk, off + done);

		if (n != (ssize_t)chunk) {
			ctl_err("%s: reading '%s': %s", what, path,
				n < 0 ? strerror(errno) : "the file shrank");
			return CTL_EXIT_FAIL;
		}
		if (ctl_guest_write(what, vmfd, buf, chunk, gpa + done))
			return CTL_EXIT_FAIL;
		done += chunk;
	}
	return 0;
}

int ctl_bz_load(const char *what, int vmfd, struct ctl_bz_boot *b)
{
	struct ctl_entry entry = {
		.rip = b->load + ENTRY64_OFFSET, .rsi = BZ_ZERO_PAGE_GPA,
	};

	if (ctl_setup_entry(what, vmfd, CTL_MODE_LINUX64, b->mem, &entry) ||
	    copy_file(what, vmfd, b->kernel_fd, b->path, b->kernel_off,
		      b->kernel_len, b->load) ||
	    (b->initrd_fd >= 0 &&
	     copy_file(what, vmfd, b->initrd_fd, b->initrd_path, 0,
		       b->initrd_len, b->initrd_gpa)) ||
	    ctl_guest_write(what, vmfd, b->cmdline, b->cmdline_len,
			    BZ_CMDLINE_GPA))
		return CTL_EXIT_FAIL;
	return ctl_guest_write(what, vmfd, b->zero_page, BP_SIZE,
			       BZ_ZERO_PAGE_GPA);
}
