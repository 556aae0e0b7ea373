// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot file checks (see snapfile.h and minivmmctl(8)).  The parser
 * trusts nothing in the file: every length is checked against the file
 * and against the section's type before anything is read or allocated,
 * and each section's checksum before its contents are looked at.
 */
#include <endian.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "snapfile.h"

#if __BYTE_ORDER != __LITTLE_ENDIAN
#error "the snapshot format is little-endian; this code reads it in place"
#endif

#define RAM_CHUNK	(SNAP_RUN_MAX_PAGES * SNAP_PAGE)

uint32_t snap_crc(uint32_t crc, const void *buf, size_t n)
{
	/* zlib's crc32() of a NULL buffer is its initial value, not @crc. */
	if (!n)
		return crc;
	return (uint32_t)crc32(crc, buf, (uInt)n);
}

bool snap_name_valid(const char *name)
{
	size_t len = strnlen(name, MINIVMM_NAME_MAX), i;

	if (len == 0 || len >= MINIVMM_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *sec_name(uint32_t type)
{
	switch (type) {
	case SNAP_SEC_END: return "end";
	case SNAP_SEC_CONFIG: return "configuration";
	case SNAP_SEC_VCPU: return "vCPU";
	case SNAP_SEC_LAPIC: return "local APIC";
	case SNAP_SEC_DEVICES: return "device";
	case SNAP_SEC_RAM: return "RAM";
	case SNAP_SEC_IOAPIC: return "I/O APIC";
	case SNAP_SEC_RTC: return "RTC";
	default: return "unknown";
	}
}

void snap_image_free(struct snap_image *img)
{
	uint32_t i;

	if (img->vcpu)
		for (i = 0; i < img->hdr.nr_vcpus; i++)
			free(img->vcpu[i].data);
	free(img->vcpu);
	free(img->lapic);
	free(img->have_lapic);
	free(img->ring);
	free(img->runs);
	memset(img, 0, sizeof(*img));
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static int check_header(const struct snap_reader *r, struct snap_header *h,
			char *err, size_t errlen)
{
	if (r->size < sizeof(*h)) {
		if (r->size >= 8 && r->read(r->ctx, 0, h, 8) == 0 &&
		    memcmp(h->magic, SNAP_MAGIC, 8))
			return say(err, errlen, "the file is not a minivmm snapshot (bad magic)");
		return say(err, errlen, "the file is truncated (it ends inside the header)");
	}
	if (r->read(r->ctx, 0, h, sizeof(*h)))
		return say(err, errlen, "cannot read the header");
	return snap_header_check(h, err, errlen);
}

int snap_header_check(const struct snap_header *h, char *err, size_t errlen)
{
	if (memcmp(h->magic, SNAP_MAGIC, 8))
		return say(err, errlen, "the file is not a minivmm snapshot (bad magic)");
	if (h->version > SNAP_VERSION)
		return say(err, errlen, "the file's format version %u is newer than this minivmmctl reads (%u)",
			   h->version, SNAP_VERSION);
	if (h->version == 0)
		return say(err, errlen, "the file's format version 0 does not exist");
	if (snap_crc(0, h, offsetof(struct snap_header, crc)) != h->crc)
		return say(err, errlen, "the header's checksum does not match its contents");
	if (h->header_size != sizeof(*h))
		return say(err, errlen, "the header's size field is wrong");
	if (h->cpu_model > MINIVMM_CPU_MODEL_MAX)
		return say(err, errlen, "the header's CPU model %u is unknown", h->cpu_model);
	if (h->nr_vcpus < 1 || h->nr_vcpus > SNAP_MAX_VCPUS)
		return say(err, errlen, "the header's vCPU count %u is out of range", h->nr_vcpus);
	if (h->mem_size < 65536 || h->mem_size % SNAP_PAGE ||
	    h->mem_size > MINIVMM_APIC_BASE)
		return say(err, errlen, "the header's RAM size %llu is not a valid guest RAM size",
			   (unsigned long long)h->mem_size);
	return 0;
}

/* Payload checksum, read in pieces; @buf (if set) gets the first @keep bytes. */
static int section_crc(const struct snap_reader *r, uint64_t off, uint64_t len,
		       uint32_t *crc, uint8_t *scratch)
{
	uint32_t c = 0;

	while (len) {
		size_t n = len > RAM_CHUNK ? RAM_CHUNK : (size_t)len;

		if (r->read(r->ctx, off, scratch, n))
			return -1;
		c = snap_crc(c, scratch, n);
		off += n;
		len -= n;
	}
	*crc = c;
	return 0;
}

static int parse_config(struct snap_image *img, const uint8_t *p, uint64_t len,
			char *err, size_t errlen)
{
	if (len != sizeof(img->cfg))
		return say(err, errlen, "the configuration section has the wrong size");
	memcpy(&img->cfg, p, sizeof(img->cfg));
	return snap_config_check(&img->cfg, &img->hdr, err, errlen);
}

int snap_config_check(const struct snap_config *c, const struct snap_header *h,
		      char *err, size_t errlen)
{
	if (!memchr(c->name, 0, sizeof(c->name)) || !snap_name_valid(c->name) ||
	    !all_zero(c->name + strlen(c->name),
		      sizeof(c->name) - strlen(c->name)))
		return say(err, errlen, "the configuration's VM name is not valid");
	if (c->mem_size != h->mem_size || c->nr_vcpus != h->nr_vcpus)
		return say(err, errlen, "the configuration disagrees with the header on RAM size or vCPU count");
	if (c->state > MINIVMM_VM_PAUSED)
		return say(err, errlen, "the configuration's VM state %u is not one a save records",
			   c->state);
	return 0;
}

static int parse_vcpu(struct snap_image *img, const uint8_t *p, uint64_t len,
		      char *err, size_t errlen)
{
	uint32_t idx, version;
	struct snap_vcpu_blob *b;

	if (len < 8 || len - 8 > SNAP_VCPU_BLOB_MAX)
		return say(err, errlen, "a vCPU section has an impossible size");
	memcpy(&idx, p, 4);
	memcpy(&version, p + 4, 4);
	if (idx >= img->hdr.nr_vcpus)
		return say(err, errlen, "a vCPU section names vCPU %u of %u", idx,
			   img->hdr.nr_vcpus);
	b = &img->vcpu[idx];
	if (b->have)
		return say(err, errlen, "vCPU %u's state appears twice", idx);
	b->data = malloc(len - 8 ? len - 8 : 1);
	if (!b->data)
		return say(err, errlen, "out of memory");
	memcpy(b->data, p + 8, len - 8);
	b->size = (uint32_t)(len - 8);
	b->version = version;
	b->have = true;
	return 0;
}

static int parse_lapic(struct snap_image *img, const uint8_t *p, uint64_t len,
		       char *err, size_t errlen)
{
	struct minivmm_lapic_state s;

	if (len != sizeof(s))
		return say(err, errlen, "a local APIC section has the wrong size");
	memcpy(&s, p, sizeof(s));
	if (s.version != MINIVMM_LAPIC_STATE_VERSION)
		return say(err, errlen, "a local APIC section has version %u, not %u",
			   s.version, MINIVMM_LAPIC_STATE_VERSION);
	if (s.vcpu >= img->hdr.nr_vcpus)
		return say(err, errlen, "a local APIC section names vCPU %u of %u",
			   s.vcpu, img->hdr.nr_vcpus);
	if (img->have_lapic[s.vcpu])
		return say(err, errlen, "vCPU %u's local APIC appears twice", s.vcpu);
	img->lapic[s.vcpu] = s;
	img->have_lapic[s.vcpu] = true;
	return 0;
}

/*
 * A section that is one kernel state struct starting with its size and
 * version (the I/O APIC's, the RTC's); the kernel checks the fields
 * themselves when they are put back (MINIVMM_VM_SET_IOAPIC, _SET_RTC).
 */
static int parse_state(const char *name, void *dst, size_t size,
		       uint32_t version, bool *have, const uint8_t *p,
		       uint64_t len, char *err, size_t errlen)
{
	uint32_t head[2];

	if (*have)
		return say(err, errlen, "the %s section appears twice", name);
	if (len != size)
		return say(err, errlen, "the %s section has the wrong size", name);
	memcpy(head, p, sizeof(head));
	if (head[0] != size || head[1] != version)
		return say(err, errlen, "the %s state has version %u (size %u), not %u",
			   name, head[1], head[0], version);
	memcpy(dst, p, size);
	*have = true;
	return 0;
}

static int parse_devices(struct snap_image *img, const uint8_t *p, uint64_t len,
			 bool *have, char *err, size_t errlen)
{
	struct minivmm_devstate *d = &img->dev;
	uint64_t keep, pos;

	if (*have)
		return say(err, errlen, "the device section appears twice");
	if (len < sizeof(*d))
		return say(err, errlen, "the device section is too short");
	memcpy(d, p, sizeof(*d));
	if (d->size != sizeof(*d) || d->version != MINIVMM_DEVSTATE_VERSION)
		return say(err, errlen, "the device state has version %u (size %u), not %u",
			   d->version, d->size, MINIVMM_DEVSTATE_VERSION);
	if (d->console_ring || d->console_total > (1ULL << 62) ||
	    d->console_read_max > d->console_total)
		return say(err, errlen, "the device state's console fields are inconsistent");
	if (d->ram_size != img->hdr.mem_size || d->nr_cpus != img->hdr.nr_vcpus)
		return say(err, errlen, "the device state disagrees with the header on RAM size or vCPU count");
	keep = d->console_total < MINIVMM_CONSOLE_RING ? d->console_total :
						       MINIVMM_CONSOLE_RING;
	if (len != sizeof(*d) + keep)
		return say(err, errlen, "the device section's console bytes do not match its length");
	for (pos = d->console_total - keep; pos < d->console_total; pos++)
		img->ring[pos % MINIVMM_CONSOLE_RING] =
			p[sizeof(*d) + (pos - (d->console_total - keep))];
	*have = true;
	return 0;
}

static int parse_ram(struct snap_image *img, const struct snap_reader *r,
		     uint64_t off, uint64_t len, size_t *cap,
		     char *err, size_t errlen)
{
	struct snap_ram_run *run;
	uint64_t gpa, npages;

	if (len < 8 + SNAP_PAGE || (len - 8) % SNAP_PAGE ||
	    len - 8 > RAM_CHUNK)
		return say(err, errlen, "a RAM section has an impossible size");
	if (r->read(r->ctx, off, &gpa, 8))
		return say(err, errlen, "cannot read a RAM section");
	npages = (len - 8) / SNAP_PAGE;
	if (gpa % SNAP_PAGE || gpa >= img->hdr.mem_size ||
	    npages > (img->hdr.mem_size - gpa) / SNAP_PAGE)
		return say(err, errlen, "a RAM section lies outside the guest's RAM");
	if (img->nr_runs) {
		const struct snap_ram_run *prev = &img->runs[img->nr_runs - 1];

		if (gpa < prev->gpa + prev->npages * SNAP_PAGE)
			return say(err, errlen, "RAM sections overlap or are out of order");
	}
	if (img->nr_runs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct snap_ram_run *n = realloc(img->runs, ncap * sizeof(*n));

		if (!n)
			return say(err, errlen, "out of memory");
		img->runs = n;
		*cap = ncap;
	}
	run = &img->runs[img->nr_runs++];
	run->gpa = gpa;
	run->npages = npages;
	run->file_off = off + 8;
	img->ram_pages += npages;
	return 0;
}

/* Largest payload read whole into memory (all but RAM). */
#define SMALL_MAX	(sizeof(struct minivmm_devstate) + MINIVMM_CONSOLE_RING + \
			 SNAP_VCPU_BLOB_MAX + 8)

int snap_parse(const struct snap_reader *r, struct snap_image *img,
	       char *err, size_t errlen)
{
	uint8_t *scratch = NULL;
	bool have_cfg = false, have_dev = false;
	uint64_t off = SNAP_HEADER_SIZE;
	size_t cap = 0;
	unsigned int n = 0;
	uint32_t i;
	int ret = -1;

	memset(img, 0, sizeof(*img));
	if (check_header(r, &img->hdr, err, errlen))
		return -1;
	img->vcpu = calloc(img->hdr.nr_vcpus, sizeof(*img->vcpu));
	img->lapic = calloc(img->hdr.nr_vcpus, sizeof(*img->lapic));
	img->have_lapic = calloc(img->hdr.nr_vcpus, sizeof(*img->have_lapic));
	img->ring = calloc(1, MINIVMM_CONSOLE_RING);
	scratch = malloc(RAM_CHUNK > SMALL_MAX ? RAM_CHUNK : SMALL_MAX);
	if (!img->vcpu || !img->lapic || !img->have_lapic || !img->ring ||
	    !scratch) {
		say(err, errlen, "out of memory");
		goto out;
	}
	for (;; n++) {
		struct { uint32_t type, crc; uint64_t len; } sh;
		uint64_t padded;
		uint32_t crc;

		if (r->size - off < sizeof(sh)) {
			say(err, errlen, "the file is truncated (it ends before its end section)");
			goto out;
		}
		if (r->read(r->ctx, off, &sh, sizeof(sh))) {
			say(err, errlen, "cannot read section %u", n);
			goto out;
		}
		off += sizeof(sh);
		if (sh.type > SNAP_SEC_LAST) {
			say(err, errlen, "section %u has an unknown type %u", n, sh.type);
			goto out;
		}
		if (sh.len > r->size - off) {
			say(err, errlen, "the file is truncated (section %u, %s, ends past the end)",
			    n, sec_name(sh.type));
			goto out;
		}
		padded = (sh.len + 7) & ~7ULL;
		if (padded > r->size - off) {
			say(err, errlen, "the file is truncated (section %u's padding is missing)", n);
			goto out;
		}
		if (sh.type != SNAP_SEC_RAM && sh.len > SMALL_MAX) {
			say(err, errlen, "section %u (%s) is larger than such a section can be",
			    n, sec_name(sh.type));
			goto out;
		}
		if (section_crc(r, off, sh.len, &crc, scratch)) {
			say(err, errlen, "cannot read section %u", n);
			goto out;
		}
		if (crc != sh.crc) {
			say(err, errlen, "section %u (%s) has a bad checksum", n,
			    sec_name(sh.type));
			goto out;
		}
		if (padded > sh.len) {
			uint8_t pad[8];

			if (r->read(r->ctx, off + sh.len, pad, padded - sh.len) ||
			    !all_zero(pad, padded - sh.len)) {
				say(err, errlen, "section %u's padding is not zero", n);
				goto out;
			}
		}
		/* Small sections: the checksum pass left them in scratch. */
		switch (sh.type) {
		case SNAP_SEC_END:
			if (sh.len) {
				say(err, errlen, "the end section is not empty");
				goto out;
			}
			if (off != r->size) {
				say(err, errlen, "the file has data after its end section");
				goto out;
			}
			break;
		case SNAP_SEC_CONFIG:
			if (have_cfg) {
				say(err, errlen, "the configuration section appears twice");
				goto out;
			}
			if (parse_config(img, scratch, sh.len, err, errlen))
				goto out;
			have_cfg = true;
			break;
		case SNAP_SEC_VCPU:
			if (parse_vcpu(img, scratch, sh.len, err, errlen))
				goto out;
			break;
		case SNAP_SEC_LAPIC:
			if (parse_lapic(img, scratch, sh.len, err, errlen))
				goto out;
			break;
		case SNAP_SEC_DEVICES:
			if (parse_devices(img, scratch, sh.len, &have_dev, err, errlen))
				goto out;
			break;
		case SNAP_SEC_IOAPIC:
			if (parse_state("I/O APIC", &img->ioapic, sizeof(img->ioapic),
					MINIVMM_IOAPIC_STATE_VERSION, &img->have_ioapic,
					scratch, sh.len, err, errlen))
				goto out;
			break;
		case SNAP_SEC_RTC:
			if (parse_state("RTC", &img->rtc, sizeof(img->rtc),
					MINIVMM_RTC_STATE_VERSION, &img->have_rtc,
					scratch, sh.len, err, errlen))
				goto out;
			break;
		case SNAP_SEC_RAM:
			if (parse_ram(img, r, off, sh.len, &cap, err, errlen))
				goto out;
			break;
		}
		off += padded;
		if (sh.type == SNAP_SEC_END)
			break;
	}
	if (!have_cfg || !have_dev) {
		say(err, errlen, "the file lacks its %s section",
		    have_cfg ? "device" : "configuration");
		goto out;
	}
	for (i = 0; i < img->hdr.nr_vcpus; i++)
		if (!img->vcpu[i].have || !img->have_lapic[i]) {
			say(err, errlen, "the file lacks vCPU %u's %s", i,
			    img->vcpu[i].have ? "local APIC" : "state");
			goto out;
		}
	ret = 0;
out:
	free(scratch);
	return ret;
}
