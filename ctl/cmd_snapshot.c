// SPDX-License-Identifier: GPL-2.0
/*
 * save, restore, clone: a VM as a file (format: snapfile.h, minivmmctl(8)).
 *
 * save pauses a running VM, writes its configuration, vCPU and device
 * state and the guest RAM pages that hold data to a temporary file next to
 * FILE, renames it into place and resumes the VM; whatever fails on the
 * way, the temporary file goes and the VM is resumed as it was.  restore
 * checks the whole file first (snap_parse), then the policy and this
 * host's CPU, and only then creates the VM; if the kernel refuses any
 * state after that, the new VM is destroyed again.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctl.h"
#include "snapfile.h"
#include "snap_vcpu.h"
#include "snapshot.h"

#define CHUNK_BYTES	(SNAP_RUN_MAX_PAGES * SNAP_PAGE)

/* ---- CPU features ------------------------------------------------------- */

static void host_cpuid(uint32_t *w)
{
	unsigned int a, b, c, d, max;

	memset(w, 0, SNAP_CPUID_WORDS * sizeof(*w));
	max = __get_cpuid_max(0, NULL);
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		w[SNAP_CPUID_1_ECX] = c;
		w[SNAP_CPUID_1_EDX] = d;
	}
	if (max >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		w[SNAP_CPUID_7_EBX] = b;
		w[SNAP_CPUID_7_ECX] = c;
		w[SNAP_CPUID_7_EDX] = d;
	}
	if (max >= 0xd) {
		__cpuid_count(0xd, 0, a, b, c, d);
		w[SNAP_CPUID_D_EAX] = a;
	}
	if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
		w[SNAP_CPUID_X1_ECX] = c;
		w[SNAP_CPUID_X1_EDX] = d;
	}
}

/* What the guest was shown: the host's, or the baseline CPU's words. */
static void shown_cpuid(uint32_t model, uint32_t *w)
{
	if (model != MINIVMM_CPU_BASELINE) {
		host_cpuid(w);
		return;
	}
	memset(w, 0, SNAP_CPUID_WORDS * sizeof(*w));
	w[SNAP_CPUID_1_ECX] = MINIVMM_BASELINE_1_ECX;
	w[SNAP_CPUID_1_EDX] = MINIVMM_BASELINE_1_EDX;
	w[SNAP_CPUID_X1_ECX] = MINIVMM_BASELINE_X1_ECX;
	w[SNAP_CPUID_X1_EDX] = MINIVMM_BASELINE_X1_EDX;
}

/*
 * Instruction-set features a guest uses without asking twice: a guest that
 * saw one must find it after a restore.  (Other CPUID bits describe the
 * machine, not instructions, and may differ.)
 */
static const uint32_t isa_mask[SNAP_CPUID_WORDS] = {
	[SNAP_CPUID_1_ECX] = 0x76f83203,	/* SSE3 PCLMUL SSSE3 FMA CX16 SSE4.x
						 * MOVBE POPCNT AES XSAVE AVX F16C RDRAND */
	[SNAP_CPUID_1_EDX] = 0x07808111,	/* FPU TSC CX8 CMOV MMX FXSR SSE SSE2 */
	[SNAP_CPUID_7_EBX] = 0xf1bf0328,	/* BMI1 AVX2 BMI2 ERMS AVX-512 RDSEED
						 * ADX CLFLUSHOPT CLWB SHA */
	[SNAP_CPUID_7_ECX] = 0x00400f0a,	/* VBMI PKU GFNI VAES VPCLMUL VNNI RDPID */
	[SNAP_CPUID_X1_ECX] = 0x00000161,	/* LAHF LZCNT SSE4A PREFETCHW */
	[SNAP_CPUID_X1_EDX] = 0x2c100800,	/* SYSCALL NX 1G pages RDTSCP LM */
	[SNAP_CPUID_D_EAX] = 0x000000ff,	/* XCR0: x87 SSE AVX MPX AVX-512 */
};

static const char *const word_name[SNAP_CPUID_WORDS] = {
	"CPUID.1:ECX", "CPUID.1:EDX", "CPUID.7:EBX", "CPUID.7:ECX",
	"CPUID.7:EDX", "CPUID.80000001h:ECX", "CPUID.80000001h:EDX",
	"CPUID.0Dh:EAX",
};

/* 0, or a sentence and CTL_EXIT_FAIL naming the first missing feature. */
static int check_cpu(const char *what, const struct snap_header *h)
{
	uint32_t host[SNAP_CPUID_WORDS];
	int i;

	host_cpuid(host);
	for (i = 0; i < SNAP_CPUID_WORDS; i++) {
		uint32_t missing = h->cpuid[i] & isa_mask[i] & ~host[i];

		if (missing) {
			ctl_err("%s: the guest was shown CPU features this host cannot give (%s bits %#x)",
				what, word_name[i], missing);
			return CTL_EXIT_FAIL;
		}
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

struct snap_writer {
	int fd;
	int err;		/* errno of the first failed write */
};

static void put(struct snap_writer *w, const void *buf, size_t len)
{
	const char *p = buf;

	while (len && !w->err) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? errno : EIO;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

/* One section: header, @a then @b as its payload, zero padding. */
static void put_section(struct snap_writer *w, uint32_t type,
			const void *a, size_t alen, const void *b, size_t blen)
{
	struct { uint32_t type, crc; uint64_t len; } sh = {
		.type = type, .len = alen + blen,
	};
	static const uint8_t zero[8];

	sh.crc = snap_crc(snap_crc(0, a, alen), b, blen);
	put(w, &sh, sizeof(sh));
	put(w, a, alen);
	put(w, b, blen);
	put(w, zero, (8 - (alen + blen) % 8) % 8);
}

static bool page_zero(const uint8_t *p)
{
	static const uint8_t zero[SNAP_PAGE];

	return !memcmp(p, zero, SNAP_PAGE);
}

static int snap_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = ctl_pread_full(fd, buf, len, off);

	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Guest RAM: pages the kernel's map says may hold data and that are not
 * all zero (a restored VM's RAM starts zeroed), in runs within 2 MiB.
 */
static int write_ram(const char *what, struct snap_writer *w, int vmfd,
		     uint64_t mem, uint64_t *written)
{
	uint64_t pages = mem / SNAP_PAGE, map_bytes = (pages + 7) / 8, base;
	uint8_t *map = calloc(1, map_bytes), *buf = malloc(CHUNK_BYTES);
	struct minivmm_mem_map req = { .bitmap_size = map_bytes };
	int ret = CTL_EXIT_FAIL;

	*written = 0;
	if (!map || !buf) {
		ctl_err("%s: out of memory", what);
		goto out;
	}
	req.bitmap = (uintptr_t)map;
	if (ioctl(vmfd, MINIVMM_VM_GET_MEM_MAP, &req) < 0) {
		ctl_err("%s: cannot read the guest RAM map: %s", what,
			strerror(errno));
		goto out;
	}
	for (base = 0; base < pages && !w->err; base += SNAP_RUN_MAX_PAGES) {
		uint64_t n = pages - base < SNAP_RUN_MAX_PAGES ?
			     pages - base : SNAP_RUN_MAX_PAGES, i, start;
		bool any = false;

		for (i = 0; i < n; i++)
			any |= map[(base + i) / 8] >> ((base + i) % 8) & 1;
		if (!any)
			continue;
		if (snap_pread_full(vmfd, buf, n * SNAP_PAGE, base * SNAP_PAGE)) {
			ctl_err("%s: cannot read guest RAM at %#llx: %s", what,
				(unsigned long long)(base * SNAP_PAGE),
				strerror(errno));
			goto out;
		}
		for (i = 0; i < n; i = start) {
			uint64_t gpa;

			while (i < n && (!(map[(base + i) / 8] >> ((base + i) % 8) & 1) ||
					 page_zero(buf + i * SNAP_PAGE)))
				i++;
			for (start = i; start < n; start++)
				if (!(map[(base + start) / 8] >> ((base + start) % 8) & 1) ||
				    page_zero(buf + start * SNAP_PAGE))
					break;
			if (start == i)
				continue;
			gpa = (base + i) * SNAP_PAGE;
			put_section(w, SNAP_SEC_RAM, &gpa, sizeof(gpa),
				    buf + i * SNAP_PAGE, (start - i) * SNAP_PAGE);
			*written += start - i;
		}
	}
	ret = 0;
out:
	free(map);
	free(buf);
	return ret;
}

void snap_describe(const struct ctl_vm *vm, uint32_t state,
		   struct snap_header *h, struct snap_config *cfg)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, SNAP_MAGIC, 8);
	h->version = SNAP_VERSION;
	h->header_size = SNAP_HEADER_SIZE;
	h->vendor = ctl_host_vendor();	/* GET_INFO is /dev/minivmm's, not the VM fd's */
	h->nr_vcpus = vm->vcpus;
	h->mem_size = vm->mem;
	h->cpu_model = vm->cpu_model;
	shown_cpuid(vm->cpu_model, h->cpuid);
	h->crc = snap_crc(0, h, offsetof(struct snap_header, crc));
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->name, sizeof(cfg->name), "%s", vm->name);
	cfg->mem_size = vm->mem;
	cfg->nr_vcpus = vm->vcpus;
	cfg->state = state;
}

/* Everything of a quiet VM into @fd; 0 or CTL_EXIT_FAIL after a message. */
static int write_snapshot(const char *what, int fd, int vmfd,
			  const struct ctl_vm *vm, uint32_t state,
			  const char *path, uint64_t *ram_pages, bool ram)
{
	struct snap_writer w = { .fd = fd };
	struct snap_header h;
	struct snap_config cfg;
	struct minivmm_devstate dev = { 0 };
	struct minivmm_ioapic_state ioapic;
	struct minivmm_rtc_state rtc;
	uint8_t *ring = NULL, *blob = NULL;
	uint64_t keep, pos, host_tsc;
	uint32_t i;
	int ret = CTL_EXIT_FAIL;

	snap_describe(vm, state, &h, &cfg);
	put(&w, &h, sizeof(h));
	put_section(&w, SNAP_SEC_CONFIG, &cfg, sizeof(cfg), NULL, 0);

	blob = malloc(SNAP_VCPU_BLOB_MAX);
	ring = malloc(MINIVMM_CONSOLE_RING * 2);
	if (!blob || !ring) {
		ctl_err("%s: out of memory", what);
		goto out;
	}
	host_tsc = snap_host_tsc();
	for (i = 0; i < vm->vcpus; i++) {
		struct minivmm_lapic_state ls = { .vcpu = i };
		uint32_t hdr[2] = { i, 0 }, size;

		if (snap_vcpu_get(vmfd, i, blob, SNAP_VCPU_BLOB_MAX, &hdr[1],
				  &size, host_tsc) < 0 ||
		    ioctl(vmfd, MINIVMM_VM_GET_LAPIC, &ls) < 0) {
			ctl_err("%s: cannot read vCPU %u's state: %s", what, i,
				strerror(errno));
			goto out;
		}
		put_section(&w, SNAP_SEC_VCPU, hdr, sizeof(hdr), blob, size);
		put_section(&w, SNAP_SEC_LAPIC, &ls, sizeof(ls), NULL, 0);
	}

	dev.console_ring = (uintptr_t)ring;
	if (ioctl(vmfd, MINIVMM_VM_GET_DEVSTATE, &dev) < 0) {
		ctl_err("%s: cannot read the device state: %s", what,
			strerror(errno));
		goto out;
	}
	dev.console_ring = 0;
	/* The console's last bytes in stream order, after the ring. */
	keep = dev.console_total < MINIVMM_CONSOLE_RING ? dev.console_total :
							 MINIVMM_CONSOLE_RING;
	for (pos = dev.console_total - keep; pos < dev.console_total; pos++)
		ring[MINIVMM_CONSOLE_RING + pos - (dev.console_total - keep)] =
			ring[pos % MINIVMM_CONSOLE_RING];
	put_section(&w, SNAP_SEC_DEVICES, &dev, sizeof(dev),
		    ring + MINIVMM_CONSOLE_RING, keep);
	if (ioctl(vmfd, MINIVMM_VM_GET_IOAPIC, &ioapic) < 0) {
		ctl_err("%s: cannot read the I/O APIC state: %s", what,
			strerror(errno));
		goto out;
	}
	put_section(&w, SNAP_SEC_IOAPIC, &ioapic, sizeof(ioapic), NULL, 0);
	if (ioctl(vmfd, MINIVMM_VM_GET_RTC, &rtc) < 0) {
		ctl_err("%s: cannot read the RTC state: %s", what,
			strerror(errno));
		goto out;
	}
	put_section(&w, SNAP_SEC_RTC, &rtc, sizeof(rtc), NULL, 0);

	*ram_pages = 0;
	if (ram && write_ram(what, &w, vmfd, vm->mem, ram_pages))
		goto out;
	put_section(&w, SNAP_SEC_END, NULL, 0, NULL, 0);
	if (w.err) {
		ctl_err("%s: writing '%s' failed: %s", what, path,
			strerror(w.err));
		goto out;
	}
	ret = 0;
out:
	free(blob);
	free(ring);
	return ret;
}

static int vm_cmd(const char *what, int cmd, uint32_t id, bool force)
{
	struct ctl_nl_req req = { .cmd = cmd, .what = what, .has_id = true,
				  .id = id, .force = force };

	return ctl_nl_call(&req, NULL, NULL);
}

/*
 * Save VM @vm to @fd (already open); pauses a running VM for the copy and
 * resumes it after unless @stop.  *@saved_state: its state as saved.
 */
static int save_to_fd(const char *what, const struct ctl_vm *vm, int fd,
		      const char *path, bool stop, uint64_t *ram_pages)
{
	bool paused_here = false;
	int vmfd, ret;

	if (vm->state == MINIVMM_VM_STOPPED) {
		ctl_err("%s: VM '%s' has stopped: there is no running guest to save",
			what, vm->name);
		return CTL_EXIT_FAIL;
	}
	vmfd = ctl_open_vm(what, vm->id);
	if (vmfd < 0)
		return CTL_EXIT_FAIL;
	if (vm->state == MINIVMM_VM_RUNNING) {
		ret = vm_cmd(what, MINIVMM_CMD_VM_PAUSE, vm->id, false);
		if (ret)
			goto out;
		paused_here = true;
	}
	ret = write_snapshot(what, fd, vmfd, vm, vm->state, path, ram_pages,
			     true);
	if (!ret && stop && vm->state != MINIVMM_VM_CREATED)
		return close(vmfd), vm_cmd(what, MINIVMM_CMD_VM_STOP, vm->id, true);
out:
	if (paused_here && vm_cmd(what, MINIVMM_CMD_VM_RESUME, vm->id, false))
		ret = CTL_EXIT_FAIL;
	close(vmfd);
	return ret;
}

int cmd_save(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stop", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *what = "save", *path;
	bool stop = false;
	struct ctl_vm vm;
	uint64_t pages;
	char *tmp;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "s", longopts, NULL)) != -1) {
		if (c == 's')
			stop = true;
		else
			return ctl_bad_option(what, argv);
	}
	if (optind + 2 != argc)
		return ctl_usage_error("save needs a NAME|ID and a FILE");
	path = argv[optind + 1];
	ret = ctl_vm_get(what, argv[optind], &vm);
	if (ret)
		return ret;
	if (asprintf(&tmp, "%s.partial-XXXXXX", path) < 0) {
		ctl_err("%s: out of memory", what);
		return CTL_EXIT_FAIL;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		ctl_err("%s: cannot create '%s': %s", what, tmp, strerror(errno));
		free(tmp);
		return CTL_EXIT_FAIL;
	}
	ret = save_to_fd(what, &vm, fd, path, stop, &pages);
	if (!ret && close(fd) < 0) {
		ctl_err("%s: writing '%s' failed: %s", what, path, strerror(errno));
		ret = CTL_EXIT_FAIL;
	} else if (ret) {
		close(fd);
	}
	if (!ret && rename(tmp, path) < 0) {
		ctl_err("%s: cannot rename '%s' to '%s': %s", what, tmp, path,
			strerror(errno));
		ret = CTL_EXIT_FAIL;
	}
	if (ret)
		unlink(tmp);
	else
		printf("saved VM '%s' to %s: %llu of %llu RAM pages\n", vm.name,
		       path, (unsigned long long)pages,
		       (unsigned long long)(vm.mem / SNAP_PAGE));
	free(tmp);
	return ret;
}

/* ---- restoring ---------------------------------------------------------- */

static int fd_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	return snap_pread_full(*(int *)ctx, buf, n, off);
}

/* Copy the RAM runs from the file into the VM. */
static int load_ram(const char *what, int fd, int vmfd,
		    const struct snap_image *img)
{
	uint8_t *buf = malloc(CHUNK_BYTES);
	size_t i;

	if (!buf) {
		ctl_err("%s: out of memory", what);
		return CTL_EXIT_FAIL;
	}
	for (i = 0; i < img->nr_runs; i++) {
		const struct snap_ram_run *r = &img->runs[i];
		size_t len = r->npages * SNAP_PAGE;

		if (snap_pread_full(fd, buf, len, r->file_off)) {
			ctl_err("%s: cannot read the file: %s", what,
				strerror(errno));
			break;
		}
		if (ctl_guest_write(what, vmfd, buf, len, r->gpa))
			break;
	}
	free(buf);
	return i == img->nr_runs ? 0 : CTL_EXIT_FAIL;
}

static int load_state(const char *what, int vmfd, struct snap_image *img)
{
	uint64_t host_tsc = snap_host_tsc();
	uint32_t i;

	for (i = 0; i < img->hdr.nr_vcpus; i++) {
		const struct snap_vcpu_blob *b = &img->vcpu[i];
		uint32_t field;

		if (snap_vcpu_put(vmfd, i, b->data, b->version, b->size,
				  &field, host_tsc) < 0) {
			if (errno == EINVAL && field)
				ctl_err("%s: this host cannot run vCPU %u's saved state: %s is invalid here",
					what, i, ctl_state_field_name(field));
			else
				ctl_err("%s: the kernel refused vCPU %u's saved state: %s",
					what, i, strerror(errno));
			return CTL_EXIT_FAIL;
		}
		if (ioctl(vmfd, MINIVMM_VM_SET_LAPIC, &img->lapic[i]) < 0) {
			ctl_err("%s: the kernel refused vCPU %u's saved local APIC: %s",
				what, i, strerror(errno));
			return CTL_EXIT_FAIL;
		}
	}
	img->dev.console_ring = (uintptr_t)img->ring;
	if (ioctl(vmfd, MINIVMM_VM_SET_DEVSTATE, &img->dev) < 0) {
		ctl_err("%s: the kernel refused the saved device state: %s",
			what, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (img->have_ioapic &&
	    ioctl(vmfd, MINIVMM_VM_SET_IOAPIC, &img->ioapic) < 0) {
		ctl_err("%s: the kernel refused the saved I/O APIC state: %s",
			what, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	if (img->have_rtc && ioctl(vmfd, MINIVMM_VM_SET_RTC, &img->rtc) < 0) {
		ctl_err("%s: the kernel refused the saved RTC state: %s",
			what, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	return 0;
}

/* Check @fd's snapshot fully, then create NAME from it and start it. */
static int restore_from_fd(const char *what, int fd, uint64_t size,
			   const char *name, bool paused)
{
	struct snap_reader r = { .read = fd_read, .ctx = &fd, .size = size };
	struct snap_image img;
	struct ctl_create_opts copts = { 0 };
	struct ctl_policy pol;
	char err[256], a[32], b[32];
	uint32_t id = 0, i;
	int vmfd = -1, ret = CTL_EXIT_FAIL;

	if (snap_parse(&r, &img, err, sizeof(err))) {
		ctl_err("%s: %s", what, err);
		goto out;
	}
	for (i = 0; i < img.hdr.nr_vcpus; i++) {
		const char *why = snap_vcpu_check(i, img.vcpu[i].data,
						  img.vcpu[i].version,
						  img.vcpu[i].size);
		if (why) {
			ctl_err("%s: %s", what, why);
			goto out;
		}
	}
	if (!name)
		name = img.cfg.name;
	if (!snap_name_valid(name)) {
		ctl_err("%s: '%s' is not a valid VM name (1-31 of A-Z a-z 0-9 . _ -)",
			what, name);
		goto out;
	}
	if (check_cpu(what, &img.hdr))
		goto out;
	if (ctl_policy_get("policy", true, &pol) == 0 && pol.has_max_mem &&
	    pol.has_mem_reserved &&
	    (img.hdr.mem_size > pol.max_mem ||
	     img.hdr.mem_size > pol.max_mem - pol.mem_reserved)) {
		ctl_err("%s: the snapshot's RAM (%s) is more than the policy allows now (%s left)",
			what, ctl_fmt_size(img.hdr.mem_size, a, sizeof(a)),
			ctl_fmt_size(pol.max_mem > pol.mem_reserved ?
				     pol.max_mem - pol.mem_reserved : 0,
				     b, sizeof(b)));
		goto out;
	}
	copts.cpu_model = img.hdr.cpu_model;
	ret = ctl_vm_create_opts(what, name, img.hdr.mem_size,
				 img.hdr.nr_vcpus, &copts, &id);
	if (ret)
		goto out;
	ret = CTL_EXIT_FAIL;
	vmfd = ctl_open_vm(what, id);
	if (vmfd < 0 || load_ram(what, fd, vmfd, &img) ||
	    load_state(what, vmfd, &img))
		goto undo;
	if (!paused && vm_cmd(what, MINIVMM_CMD_VM_START, id, false))
		goto undo;
	printf("%u\n", id);
	ret = 0;
	goto out;
undo:
	vm_cmd("restore", MINIVMM_CMD_VM_DESTROY, id, true);
out:
	if (vmfd >= 0)
		close(vmfd);
	snap_image_free(&img);
	return ret;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "paused", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *what = "restore", *name = NULL;
	bool paused = false;
	uint64_t size;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "n:p", longopts, NULL)) != -1) {
		if (c == 'n')
			name = optarg;
		else if (c == 'p')
			paused = true;
		else
			return ctl_bad_option(what, argv);
	}
	if (optind + 1 != argc)
		return ctl_usage_error("restore needs exactly one FILE");
	fd = ctl_open_file(what, "snapshot", argv[optind], true, &size);
	if (fd < 0)
		return CTL_EXIT_FAIL;
	ret = restore_from_fd(what, fd, size, name, paused);
	close(fd);
	return ret;
}

int cmd_clone(int argc, char **argv)
{
	const char *what = "clone";
	struct ctl_vm vm;
	struct stat st;
	uint64_t pages;
	int fd, ret;

	if (argc != 3 || argv[1][0] == '-')
		return ctl_usage_error("clone needs a NAME|ID and a NEWNAME");
	if (!snap_name_valid(argv[2])) {
		ctl_err("%s: '%s' is not a valid VM name (1-31 of A-Z a-z 0-9 . _ -)",
			what, argv[2]);
		return CTL_EXIT_FAIL;
	}
	ret = ctl_vm_get(what, argv[1], &vm);
	if (ret)
		return ret;
	/* The copy passes through memory, never through a file system. */
	fd = memfd_create("minivmm-clone", MFD_CLOEXEC);
	if (fd < 0) {
		ctl_err("%s: memfd_create: %s", what, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	ret = save_to_fd(what, &vm, fd, "memory", false, &pages);
	if (!ret && fstat(fd, &st) < 0) {
		ctl_err("%s: fstat: %s", what, strerror(errno));
		ret = CTL_EXIT_FAIL;
	}
	if (!ret)
		ret = restore_from_fd(what, fd, (uint64_t)st.st_size, argv[2],
				      vm.state == MINIVMM_VM_CREATED);
	close(fd);
	return ret;
}

/* ---- for migrate and receive (snapshot.h) -------------------------------- */

int snap_write_state(const char *what, int fd, int vmfd,
		     const struct ctl_vm *vm, uint32_t state)
{
	uint64_t none;

	return write_snapshot(what, fd, vmfd, vm, state, "the stream", &none,
			      false);
}

int snap_check_cpu(const char *what, const struct snap_header *h)
{
	return check_cpu(what, h);
}

int snap_load_state(const char *what, int vmfd, struct snap_image *img)
{
	return load_state(what, vmfd, img);
}
