/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for a VM fd, for testing the image loaders without
 * /dev/minivmm.  The test binaries are linked with
 * -Wl,--wrap=pwrite,--wrap=ioctl: pwrite and ioctl on the fake VM's fd are
 * recorded here (every guest write's range, a copy of what lands below
 * 1 MiB, the registers); on any other fd they go to the C library.
 */
#ifndef FAKEVM_H
#define FAKEVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ctl/ctl.h"

#define FV_LOW		0x100000ULL	/* below here writes are copied */
#define FV_4G		0x100000000ULL

struct fv_range {
	uint64_t start, end;	/* [start, end) */
};

struct fakevm {
	int fd;			/* the "VM fd" the loaders write to */
	uint64_t mem;		/* guest RAM size */
	uint64_t budget;	/* bytes accepted before pwrite fails */
	uint64_t written;
	bool over_budget;	/* a write was refused for the budget */
	struct fv_range *w;	/* every write, in order */
	size_t nw, cap;
	uint8_t low[FV_LOW];	/* guest memory below 1 MiB, as written */
	struct minivmm_regs regs;
	struct minivmm_sregs sregs;
	bool has_regs, has_sregs;
};

extern struct fakevm fv;
/* The last message a loader printed through ctl_err() (without "minivmmctl: "). */
extern char fv_last_err[1024];
/* Print every ctl_err() message to stderr too (FAKEVM_VERBOSE=1). */
extern bool fv_verbose;

/* Print a message and abort(): libFuzzer and the unit tests see a crash. */
#define FV_ASSERT(cond, ...)						\
	do {								\
		if (!(cond))						\
			fv_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)
void fv_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn));

/* Forget earlier writes; a guest of @mem bytes; refuse writes past @budget. */
void fv_reset(uint64_t mem, uint64_t budget);
/*
 * The invariants of any load: every write lies in guest RAM, no two writes
 * overlap, and a write below 1 MiB lies inside one of the @n windows
 * @allowed (the boot structures of loader.c and of the format's loader).
 */
void fv_check_writes(const struct fv_range *allowed, size_t n);
/* Whether exactly [gpa, gpa + len) was written, possibly in several pieces. */
bool fv_written(uint64_t gpa, uint64_t len);
uint32_t fv_get32(uint64_t gpa);	/* little-endian, below 1 MiB */
uint64_t fv_get64(uint64_t gpa);

/* A memfd holding @len bytes of @data (ftruncate'd to @size if larger). */
int fv_memfd(const char *name, const void *data, size_t len, uint64_t size);
/* Replace the contents of the memfd @fd. */
void fv_memfd_set(int fd, const void *data, size_t len, uint64_t size);
/* "/proc/self/fd/N": a path the loaders can open(). */
const char *fv_fd_path(int fd, char *buf, size_t len);

#endif /* FAKEVM_H */
