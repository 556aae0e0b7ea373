/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The minivmm snapshot file (minivmmctl(8), SNAPSHOT FILE FORMAT): what
 * save writes and restore reads.  snap_parse() checks a whole file without
 * touching the hypervisor, so that restore refuses a bad file before any VM
 * exists; it is pure (reads through a callback), for the fuzzer too.
 *
 * Everything on disk is little-endian.
 */
#ifndef MINIVMMCTL_SNAPFILE_H
#define MINIVMMCTL_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "uapi/minivmm.h"

#define SNAP_MAGIC		"MVSNAP\r\n"	/* 8 bytes, no NUL */
#define SNAP_VERSION		3	/* 2: + the I/O APIC section, 3: + RTC */
#define SNAP_HEADER_SIZE	72
#define SNAP_SECTION_HDR	16
#define SNAP_PAGE		4096ULL
#define SNAP_RUN_MAX_PAGES	512		/* 2 MiB per RAM section */
#define SNAP_MAX_VCPUS		256
#define SNAP_VCPU_BLOB_MAX	65536

/* CPUID words in the header (leaf.subleaf register). */
enum snap_cpuid_word {
	SNAP_CPUID_1_ECX, SNAP_CPUID_1_EDX,
	SNAP_CPUID_7_EBX, SNAP_CPUID_7_ECX, SNAP_CPUID_7_EDX,
	SNAP_CPUID_X1_ECX, SNAP_CPUID_X1_EDX,	/* 0x80000001 */
	SNAP_CPUID_D_EAX,			/* 0xd.0: XCR0 bits, low half */
	SNAP_CPUID_WORDS,
};

enum snap_section_type {
	SNAP_SEC_END = 0,
	SNAP_SEC_CONFIG = 1,
	SNAP_SEC_VCPU = 2,
	SNAP_SEC_LAPIC = 3,
	SNAP_SEC_DEVICES = 4,
	SNAP_SEC_RAM = 5,
	SNAP_SEC_IOAPIC = 6,	/* version 2; a version 1 file has none */
	SNAP_SEC_RTC = 7,	/* version 3; older files have none */
	SNAP_SEC_LAST = SNAP_SEC_RTC,
};

/* On disk, 72 bytes. */
struct snap_header {
	char magic[8];
	uint32_t version;		/* SNAP_VERSION */
	uint32_t header_size;		/* SNAP_HEADER_SIZE */
	uint32_t vendor;		/* enum minivmm_vendor saved on */
	uint32_t nr_vcpus;
	uint64_t mem_size;		/* bytes */
	uint32_t cpuid[SNAP_CPUID_WORDS];
	uint32_t cpu_model;		/* enum minivmm_cpu_model (0: host) */
	uint32_t crc;			/* crc32 of the 68 bytes before it */
};
_Static_assert(sizeof(struct snap_header) == SNAP_HEADER_SIZE, "snap_header size");

/* The CONFIG section's payload, 48 bytes. */
struct snap_config {
	char name[MINIVMM_NAME_MAX];	/* NUL-terminated, NUL-padded */
	uint64_t mem_size;
	uint32_t nr_vcpus;
	uint32_t state;			/* enum minivmm_vm_state at save */
};
_Static_assert(sizeof(struct snap_config) == 48, "snap_config size");

struct snap_ram_run {
	uint64_t gpa, npages;
	uint64_t file_off;		/* where the npages * 4096 bytes are */
};

struct snap_vcpu_blob {
	bool have;
	uint32_t version;		/* of the vCPU state (ctl/snap_vcpu.c) */
	uint32_t size;
	uint8_t *data;
};

/* A checked file: everything but the RAM contents, which stay in it. */
struct snap_image {
	struct snap_header hdr;
	struct snap_config cfg;
	struct snap_vcpu_blob *vcpu;		/* hdr.nr_vcpus */
	struct minivmm_lapic_state *lapic;	/* hdr.nr_vcpus */
	bool *have_lapic;
	struct minivmm_devstate dev;
	struct minivmm_ioapic_state ioapic;
	bool have_ioapic;			/* else: left at power-up */
	struct minivmm_rtc_state rtc;
	bool have_rtc;				/* else: left at power-up */
	uint8_t *ring;				/* MINIVMM_CONSOLE_RING bytes,
						 * stream byte p at p % RING */
	struct snap_ram_run *runs;
	size_t nr_runs;
	uint64_t ram_pages;
};

/* Read exactly @n bytes at @off (0), or fail (-1). */
struct snap_reader {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t n);
	void *ctx;
	uint64_t size;
};

/*
 * Check the whole file: 0, or -1 with one sentence in @err (no trailing
 * period, e.g. "the file is truncated").  snap_image_free() either way.
 */
int snap_parse(const struct snap_reader *r, struct snap_image *img,
	       char *err, size_t errlen);
void snap_image_free(struct snap_image *img);

/*
 * The checks snap_parse() makes of a header already read, and of the
 * configuration against it (a migration stream starts with both): 0, or
 * -1 with one sentence in @err.
 */
int snap_header_check(const struct snap_header *h, char *err, size_t errlen);
int snap_config_check(const struct snap_config *c, const struct snap_header *h,
		      char *err, size_t errlen);

/* crc32 (zlib's) of @n bytes, continuing from @crc (0 to start). */
uint32_t snap_crc(uint32_t crc, const void *buf, size_t n);
bool snap_name_valid(const char *name);

#endif /* MINIVMMCTL_SNAPFILE_H */
