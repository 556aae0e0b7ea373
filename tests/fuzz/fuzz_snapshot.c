// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the snapshot file parser (ctl/snapfile.c), which restore runs
 * on a file before anything else.  An input is either a file as it is
 * (first byte below 0x80), or (0x80 and above) edits of a valid file built here:
 * the second byte says whether to recompute every checksum after editing
 * (so the checks behind the checksums are reached too), then triples of
 * (offset low, offset high, xor value), then optionally a cut length.
 * Asserted: the parser returns 0 or -1 with a sentence; an accepted file
 * describes only RAM inside the guest, in order, within the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl/snapfile.h"

struct mem { const uint8_t *p; size_t n; };

static int mem_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	const struct mem *m = ctx;

	if (off > m->n || n > m->n - off)
		return -1;
	memcpy(buf, m->p + off, n);
	return 0;
}

static size_t add_section(uint8_t *f, size_t at, uint32_t type,
			  const void *payload, uint64_t len)
{
	struct { uint32_t type, crc; uint64_t len; } sh = {
		.type = type, .len = len,
		.crc = snap_crc(0, payload, (size_t)len),
	};

	memcpy(f + at, &sh, sizeof(sh));
	if (len)
		memcpy(f + at + sizeof(sh), payload, (size_t)len);
	at += sizeof(sh) + len;
	while (at % 8)
		f[at++] = 0;
	return at;
}

/* A valid file of a 1 MiB guest with one vCPU, two RAM runs. */
static size_t build(uint8_t *f)
{
	struct snap_header h = { .version = SNAP_VERSION,
				 .header_size = SNAP_HEADER_SIZE,
				 .vendor = MINIVMM_VENDOR_SVM, .nr_vcpus = 1,
				 .mem_size = 1 << 20 };
	struct snap_config c = { .name = "fuzz", .mem_size = 1 << 20,
				 .nr_vcpus = 1, .state = MINIVMM_VM_RUNNING };
	struct minivmm_lapic_state l = { .version = MINIVMM_LAPIC_STATE_VERSION };
	struct minivmm_ioapic_state io = { .size = sizeof(io),
					   .version = MINIVMM_IOAPIC_STATE_VERSION };
	struct minivmm_rtc_state rtc = { .size = sizeof(rtc),
					 .version = MINIVMM_RTC_STATE_VERSION };
	struct { struct minivmm_devstate d; char con[5]; } dev = { 0 };
	uint8_t vcpu[8 + sizeof(struct minivmm_vcpu_state)] = { 0 };
	uint8_t ram[8 + 8192];
	uint64_t gpa;
	size_t at;

	memcpy(h.magic, SNAP_MAGIC, 8);
	h.crc = snap_crc(0, &h, offsetof(struct snap_header, crc));
	memcpy(f, &h, sizeof(h));
	at = add_section(f, sizeof(h), SNAP_SEC_CONFIG, &c, sizeof(c));
	vcpu[4] = 2;		/* blob version 2: struct minivmm_vcpu_state */
	at = add_section(f, at, SNAP_SEC_VCPU, vcpu, sizeof(vcpu));
	at = add_section(f, at, SNAP_SEC_LAPIC, &l, sizeof(l));
	dev.d.size = sizeof(dev.d);
	dev.d.version = MINIVMM_DEVSTATE_VERSION;
	dev.d.ram_size = 1 << 20;
	dev.d.nr_cpus = 1;
	dev.d.console_total = 5;
	memcpy(dev.con, "hello", 5);
	at = add_section(f, at, SNAP_SEC_DEVICES, &dev, sizeof(dev.d) + 5);
	at = add_section(f, at, SNAP_SEC_IOAPIC, &io, sizeof(io));
	at = add_section(f, at, SNAP_SEC_RTC, &rtc, sizeof(rtc));
	memset(ram, 0x5a, sizeof(ram));
	gpa = 0x10000;
	memcpy(ram, &gpa, 8);
	at = add_section(f, at, SNAP_SEC_RAM, ram, sizeof(ram));
	gpa = 0x80000;
	memcpy(ram, &gpa, 8);
	at = add_section(f, at, SNAP_SEC_RAM, ram, 8 + 4096);
	return add_section(f, at, SNAP_SEC_END, NULL, 0);
}

/* Recompute the header's and each section's checksum where they fit. */
static void fix_crcs(uint8_t *f, size_t n)
{
	size_t at = SNAP_HEADER_SIZE;

	if (n < SNAP_HEADER_SIZE)
		return;
	*(uint32_t *)(f + offsetof(struct snap_header, crc)) =
		snap_crc(0, f, offsetof(struct snap_header, crc));
	while (n - at >= SNAP_SECTION_HDR) {
		uint64_t len;

		memcpy(&len, f + at + 8, 8);
		if (len > n - at - SNAP_SECTION_HDR)
			return;
		*(uint32_t *)(f + at + 4) =
			snap_crc(0, f + at + SNAP_SECTION_HDR, (size_t)len);
		at += SNAP_SECTION_HDR + ((len + 7) & ~7ULL);
		if (at > n)
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[1 << 16];
	struct snap_image img;
	struct snap_reader r;
	struct mem m = { data, size };
	char err[256] = "";
	size_t i;
	int ret;

	if (size && (data[0] & 0x80)) {
		size_t n = build(file);

		for (i = 2; i + 3 <= size; i += 3)
			file[(data[i] | data[i + 1] << 8) % n] ^= data[i + 2];
		if (size % 3 == 0 && size > 2)
			n = (data[size - 1] | data[size - 2] << 8) % (n + 1);
		if (size > 1 && (data[1] & 1))
			fix_crcs(file, n);
		m.p = file;
		m.n = n;
	}
	r.read = mem_read;
	r.ctx = &m;
	r.size = m.n;
	ret = snap_parse(&r, &img, err, sizeof(err));
	if (ret != 0 && (ret != -1 || !err[0] || strlen(err) >= sizeof(err) - 1)) {
		fprintf(stderr, "snap_parse returned %d with '%s'\n", ret, err);
		abort();
	}
	if (!ret) {
		uint64_t end = 0;

		for (i = 0; i < img.nr_runs; i++) {
			const struct snap_ram_run *run = &img.runs[i];

			if (run->gpa < end || run->npages == 0 ||
			    run->gpa + run->npages * SNAP_PAGE > img.hdr.mem_size ||
			    run->file_off + run->npages * SNAP_PAGE > m.n) {
				fprintf(stderr, "accepted a bad RAM run %zu\n", i);
				abort();
			}
			end = run->gpa + run->npages * SNAP_PAGE;
		}
	}
	snap_image_free(&img);
	return 0;
}
