// SPDX-License-Identifier: GPL-2.0
/* The fake VM fd of fakevm.h, and ctl_err() for the loaders. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fakevm.h"

struct fakevm fv = { .fd = -1 };
char fv_last_err[1024];
bool fv_verbose;

/* The C library's functions, under the names ld --wrap gives them. */
ssize_t __real_pwrite(int fd, const void *buf, size_t len, off_t off);
int __real_ioctl(int fd, unsigned long req, void *arg);

void fv_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: assertion '%s' failed: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(last loader message: %s)\n", fv_last_err);
	abort();
}

/* minivmmctl.c's ctl_err() prints; here the message is kept for the tests. */
void ctl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fv_last_err, sizeof(fv_last_err), fmt, ap);
	va_end(ap);
	if (fv_verbose)
		fprintf(stderr, "minivmmctl: %s\n", fv_last_err);
}

void fv_reset(uint64_t mem, uint64_t budget)
{
	if (fv.fd < 0) {
		fv.fd = memfd_create("fakevm", MFD_CLOEXEC);
		FV_ASSERT(fv.fd >= 0, "memfd_create: %s", strerror(errno));
		fv_verbose = getenv("FAKEVM_VERBOSE") != NULL;
	}
	fv.mem = mem;
	fv.budget = budget;
	fv.written = 0;
	fv.over_budget = false;
	fv.nw = 0;
	memset(fv.low, 0, sizeof(fv.low));
	memset(&fv.regs, 0, sizeof(fv.regs));
	memset(&fv.sregs, 0, sizeof(fv.sregs));
	fv.has_regs = fv.has_sregs = false;
	fv_last_err[0] = 0;
}

static void record(uint64_t gpa, const void *buf, size_t len)
{
	if (fv.nw == fv.cap) {
		fv.cap = fv.cap ? 2 * fv.cap : 64;
		fv.w = realloc(fv.w, fv.cap * sizeof(*fv.w));
		FV_ASSERT(fv.w, "out of memory");
	}
	fv.w[fv.nw].start = gpa;
	fv.w[fv.nw].end = gpa + len;
	fv.nw++;
	if (gpa < FV_LOW)
		memcpy(fv.low + gpa, buf,
		       len < FV_LOW - gpa ? len : (size_t)(FV_LOW - gpa));
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (fd != fv.fd || fd < 0)
		return __real_pwrite(fd, buf, len, off);
	FV_ASSERT(off >= 0 && len, "pwrite of %zu bytes at %jd", len,
		  (intmax_t)off);
	if (fv.written + len > fv.budget) {
		fv.over_budget = true;
		errno = EFBIG;
		return -1;
	}
	fv.written += len;
	record((uint64_t)off, buf, len);
	return (ssize_t)len;
}

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
	if (fd != fv.fd || fd < 0)
		return __real_ioctl(fd, req, arg);
	if (req == MINIVMM_VM_SET_REGS) {
		memcpy(&fv.regs, arg, sizeof(fv.regs));
		fv.has_regs = true;
		return 0;
	}
	if (req == MINIVMM_VM_SET_SREGS) {
		memcpy(&fv.sregs, arg, sizeof(fv.sregs));
		fv.has_sregs = true;
		return 0;
	}
	FV_ASSERT(0, "unexpected ioctl 0x%lx on the VM fd", req);
}

static int cmp_range(const void *a, const void *b)
{
	const struct fv_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static bool inside(const struct fv_range *r, const struct fv_range *allowed,
		   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r->start >= allowed[i].start && r->end <= allowed[i].end)
			return true;
	return false;
}

void fv_check_writes(const struct fv_range *allowed, size_t n)
{
	struct fv_range *s;
	size_t i;

	if (!fv.nw)
		return;
	s = malloc(fv.nw * sizeof(*s));
	FV_ASSERT(s, "out of memory");
	memcpy(s, fv.w, fv.nw * sizeof(*s));
	qsort(s, fv.nw, sizeof(*s), cmp_range);
	for (i = 0; i < fv.nw; i++) {
		FV_ASSERT(s[i].end <= fv.mem,
			  "write 0x%" PRIx64 "-0x%" PRIx64 " beyond the guest's RAM (0x%" PRIx64 ")",
			  s[i].start, s[i].end, fv.mem);
		FV_ASSERT(!i || s[i].start >= s[i - 1].end,
			  "write 0x%" PRIx64 "-0x%" PRIx64 " overlaps 0x%" PRIx64 "-0x%" PRIx64,
			  s[i].start, s[i].end, s[i - 1].start, s[i - 1].end);
		FV_ASSERT(s[i].start >= FV_LOW || inside(&s[i], allowed, n),
			  "write 0x%" PRIx64 "-0x%" PRIx64 " below 1 MiB outside the boot structures",
			  s[i].start, s[i].end);
	}
	free(s);
}

bool fv_written(uint64_t gpa, uint64_t len)
{
	uint64_t pos = gpa;
	size_t i;

	for (i = 0; i < fv.nw; i++)
		if (fv.w[i].start == pos && fv.w[i].end <= gpa + len)
			pos = fv.w[i].end;
	return pos == gpa + len;
}

uint32_t fv_get32(uint64_t gpa)
{
	const uint8_t *p = fv.low + gpa;

	FV_ASSERT(gpa + 4 <= FV_LOW, "read at 0x%" PRIx64, gpa);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t fv_get64(uint64_t gpa)
{
	return fv_get32(gpa) | (uint64_t)fv_get32(gpa + 4) << 32;
}

void fv_memfd_set(int fd, const void *data, size_t len, uint64_t size)
{
	FV_ASSERT(ftruncate(fd, 0) == 0, "ftruncate: %s", strerror(errno));
	FV_ASSERT(!len || pwrite(fd, data, len, 0) == (ssize_t)len,
		  "writing a memfd: %s", strerror(errno));
	if (size > len)
		FV_ASSERT(ftruncate(fd, (off_t)size) == 0, "ftruncate: %s",
			  strerror(errno));
}

int fv_memfd(const char *name, const void *data, size_t len, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	FV_ASSERT(fd >= 0, "memfd_create: %s", strerror(errno));
	fv_memfd_set(fd, data, len, size);
	return fd;
}

const char *fv_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}
