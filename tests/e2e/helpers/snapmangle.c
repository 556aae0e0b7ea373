// SPDX-License-Identifier: GPL-2.0
/*
 * snapmangle IN SEED I OUT: write variant I of snapshot file IN to OUT, a
 * damaged copy chosen by SEED and I alone (reproducible), and print what
 * was done on one line.  Most variants mend the CRCs after the damage, so
 * that they get past the file's checksums into what restore and the
 * kernel check about the contents (vCPU state, device state, RAM runs,
 * the header's fields); the others are left with a wrong CRC, truncated
 * or extended.  The layout (minivmmctl(8), SNAPSHOT FILES): a 72-byte
 * header with its CRC-32 at 68, then sections of u32 type, u32 CRC of the
 * payload, u64 length, the payload and padding to 8 bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define HDR_SIZE	72
#define HDR_CRC_OFF	68
#define SEC_HDR		16
#define MAX_SECTIONS	4096

static uint64_t rng_state;

/* splitmix64: a fixed generator, so a variant is the same everywhere. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

struct section {
	size_t off;		/* of its 16-byte header */
	uint64_t len;		/* payload bytes */
};

/* The sections of a well-formed file; returns how many. */
static size_t find_sections(const uint8_t *f, size_t size,
			    struct section *sec)
{
	size_t off = HDR_SIZE, n = 0;

	while (off + SEC_HDR <= size && n < MAX_SECTIONS) {
		uint64_t len = get64(f + off + 8);

		if (len > size - off - SEC_HDR)
			break;
		sec[n].off = off;
		sec[n].len = len;
		n++;
		off += SEC_HDR + len + (8 - len % 8) % 8;
	}
	return n;
}

static void mend_header(uint8_t *f)
{
	put32(f + HDR_CRC_OFF, (uint32_t)crc32(0, f, HDR_CRC_OFF));
}

static void mend_section(uint8_t *f, const struct section *s)
{
	put32(f + s->off + 4,
	      (uint32_t)crc32(0, f + s->off + SEC_HDR, (uInt)s->len));
}

/* Damage @f (@size bytes, room for @cap); returns the new size. */
static size_t mangle(uint8_t *f, size_t size, size_t cap, char *what,
		     size_t wlen)
{
	static struct section sec[MAX_SECTIONS];
	size_t nsec = find_sections(f, size, sec), off, n, i;
	unsigned int kind = (unsigned int)below(8);
	const struct section *s;

	switch (kind) {
	case 0:	/* one header byte, CRC mended */
		off = below(HDR_CRC_OFF);
		f[off] ^= (uint8_t)(1 + below(255));
		mend_header(f);
		snprintf(what, wlen, "header byte %zu, CRC mended", off);
		return size;
	case 1:	/* one header word set to an edge value, CRC mended */
		off = 4 * below(HDR_CRC_OFF / 4);
		put32(f + off, (const uint32_t[]){ 0, 1, 0x7fffffff,
				0xffffffff, 0x1000 }[below(5)]);
		mend_header(f);
		snprintf(what, wlen, "header word at %zu, CRC mended", off);
		return size;
	case 2: case 3: case 4:	/* payload bytes of one section, CRC mended */
		if (!nsec)
			break;
		s = &sec[below(nsec)];
		if (!s->len)
			break;
		n = 1 + below(4);
		for (i = 0; i < n; i++)
			f[s->off + SEC_HDR + below(s->len)] ^= (uint8_t)(1 + below(255));
		mend_section(f, s);
		snprintf(what, wlen, "%zu byte(s) of section type %u at %zu, CRC mended",
			 n, get32(f + s->off), s->off);
		return size;
	case 5:	/* a section's type or length, CRC left */
		if (!nsec)
			break;
		s = &sec[below(nsec)];
		off = s->off + (below(2) ? 0 : 8);
		put32(f + off, (uint32_t)rnd());
		snprintf(what, wlen, "section header at %zu", off);
		return size;
	case 6:	/* truncated */
		n = below(size);
		snprintf(what, wlen, "truncated to %zu bytes", n);
		return n;
	default:	/* extended */
		n = 1 + below(cap - size < 4096 ? cap - size : 4096);
		for (i = 0; i < n; i++)
			f[size + i] = (uint8_t)rnd();
		snprintf(what, wlen, "extended by %zu bytes", n);
		return size + n;
	}
	/* no section to damage: a byte anywhere, CRCs left */
	off = below(size);
	f[off] ^= 0x55;
	snprintf(what, wlen, "byte %zu", off);
	return size;
}

int main(int argc, char **argv)
{
	size_t size, cap;
	uint8_t *f;
	char what[128];
	FILE *in, *out;
	long len;

	if (argc != 5) {
		fprintf(stderr, "usage: snapmangle IN SEED I OUT\n");
		return 2;
	}
	in = fopen(argv[1], "rb");
	if (!in || fseek(in, 0, SEEK_END) || (len = ftell(in)) < HDR_SIZE ||
	    fseek(in, 0, SEEK_SET)) {
		perror(argv[1]);
		return 1;
	}
	size = (size_t)len;
	cap = size + 4096;
	f = malloc(cap);
	if (!f || fread(f, 1, size, in) != size) {
		perror(argv[1]);
		return 1;
	}
	fclose(in);
	rng_state = strtoull(argv[2], NULL, 0) * 1000003ULL +
		    strtoull(argv[3], NULL, 0);
	size = mangle(f, size, cap, what, sizeof(what));
	out = fopen(argv[4], "wb");
	if (!out || fwrite(f, 1, size, out) != size || fclose(out)) {
		perror(argv[4]);
		return 1;
	}
	printf("%s\n", what);
	free(f);
	return 0;
}
