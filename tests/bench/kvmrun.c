// SPDX-License-Identifier: GPL-2.0
/*
 * kvmrun: run a minivmm guest image on KVM, for the benchmarks' baseline.
 * Plain /dev/kvm ioctls, no libraries; build with gcc -static.
 *
 *   kvmrun [--mem SIZE] [--pit] [--no-populate] [--huge] [--vcpus N] IMAGE
 *	One VM, one vCPU (N with --vcpus), one memory slot of SIZE (default 16M) at guest-
 *	physical 0, IMAGE loaded at 0x10000 in 64-bit long mode with exactly
 *	the layout of ctl/loader.c (GDT at 0x800, TSS at 0x900, PML4 at
 *	0x1000, identity map of 0..4 GiB with 2 MiB pages, RSP = 0x10000,
 *	RBX = SIZE).  The guest's COM1 output (port 0x3f8) goes to stdout;
 *	a write to port 0xf4 ends the run and becomes kvmrun's exit status,
 *	as with "minivmmctl run".  Other ports read as all ones and ignore
 *	writes (in user space: a full exit to this program).
 *	--pit creates KVM's in-kernel irqchip and PIT (KVM_CREATE_IRQCHIP,
 *	KVM_CREATE_PIT2), so ports 0x40-0x43 and 0x61 (and the PICs at
 *	0x20/0x21, 0xa0/0xa1, 0x4d0/0x4d1) never leave the kernel.
 *	--vcpus N (2 to 64) creates KVM's in-kernel irqchip (local APICs)
 *	and N vCPUs: vCPU 0 starts the image as above, the others wait for
 *	INIT/SIPI from it, each in its own thread; the CPU count is fw_cfg's
 *	item 5 (selector port 0x510, data 0x511), as "minivmmctl run
 *	--vcpus N" gives it (tests/guests/smp.S reads it there).
 *	Guest RAM is MAP_POPULATE'd (allocated and zeroed before the guest
 *	runs, as minivmm does at create) unless --no-populate.
 *	--huge backs it with 2 MiB hugetlbfs pages (MAP_HUGETLB; SIZE a
 *	multiple of 2 MiB, enough pages in /proc/sys/vm/nr_hugepages), so
 *	that KVM can map 2 MiB per nested fault; fails where the kernel has
 *	no hugetlbfs.
 *
 *   kvmrun --idle N [--mem SIZE] [--ready FILE] [--min-free KB]
 *	Create up to N VMs, each with one vCPU and a populated SIZE slot
 *	(nothing loaded, never run), until KVM refuses one or, with
 *	--min-free, MemFree in /proc/meminfo is below KB before a create
 *	(so the OOM killer does not end the count; not MemAvailable, which
 *	counts KVM's per-VM reclaimable slab that cannot be freed); print
 *	"idle created=K" (and why it stopped), write K to FILE, then sleep
 *	until killed.  For the memory-per-VM and VMs-alive figures.
 *
 *   kvmrun --hold N [--mem SIZE] [--no-populate] [--ready FILE]
 *	    [--min-free KB] [--check-touch BYTES] IMAGE
 *	Like --idle, but each VM also runs IMAGE (loaded as above) until
 *	the guest halts (KVM_EXIT_HLT: no in-kernel irqchip, so a HLT comes
 *	back here), and only then counts; the VM is then kept, never run
 *	again (no thread waits in KVM_RUN for it).  Any other end of the
 *	guest (port 0xf4, shutdown, an error) stops the count.  With
 *	--check-touch, BYTES from 8 MiB must hold what tests/bench/guests/
 *	touchhold.S writes (address ^ its pattern in the first and last 8
 *	bytes of every 4 KiB page), read back through this process's
 *	mapping of guest RAM.  Prints "hold created=K ..." as --idle does.
 *	For the "touched VMs alive" figure.
 *
 *   kvmrun --linux BZIMAGE [--mem SIZE] [--initrd FILE] [--append CMDLINE]
 *	A Linux kernel (x86 boot protocol 2.12 or later, 64-bit entry) in
 *	one vCPU, loaded by ctl/bzimage.c as "minivmmctl run" loads it, with
 *	KVM's irqchip and PIT, and COM1, the RTC and an empty PCI bus in
 *	this program (kvmlinux.c); COM1's output goes to stdout.  RAM is
 *	allocated on first touch (as --no-populate).  For
 *	tests/bench/linux-boot's KVM figure; it runs until killed.
 *
 * Exit status: the guest's exit code; 1 on any error (a message says what),
 * 2 for usage errors, 3 if the guest triple-faulted or halted.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kvmlinux.h"
#include "longmode.h"
#include "meminfo.h"

#define STACK_TOP	0x10000ULL

#define PORT_COM1	0x3f8
#define PORT_EXIT	0xf4
#define PORT_FW_CFG_SEL	0x510
#define PORT_FW_CFG_DATA 0x511
#define FW_CFG_NB_CPUS	5
#define MAX_VCPUS	64

static int kvm_fd;
static unsigned int nr_vcpus = 1;
/* fw_cfg: the selected item and the next byte of it (vCPU 0 reads it). */
static uint16_t fw_cfg_key;
static unsigned int fw_cfg_off;
static int populate = 1;
static int huge;
static int hold;	/* --hold: run_vcpu() reports instead of dying */
static int run_errno;	/* --hold: errno of a failed KVM_RUN */

static void die(const char *what)
{
	fprintf(stderr, "kvmrun: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end || v == 0 || v % 4096)
		return -1;
	*out = v;
	return 0;
}

struct vm {
	int fd, vcpu;
	struct kvm_run *run;
	uint8_t *mem;
	uint64_t size;
};

/* The host's CPUID as KVM supports it: what a VMM normally hands the guest
 * (vendor string, long mode, the 0x40000000 KVM leaves). */
static void set_cpuid(int vcpu)
{
	static struct kvm_cpuid2 *cpuid;
	int n = 128;

	if (!cpuid) {
		for (;;) {
			cpuid = calloc(1, sizeof(*cpuid) +
				       n * sizeof(struct kvm_cpuid_entry2));
			if (!cpuid)
				die("calloc");
			cpuid->nent = n;
			if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
				break;
			if (errno != E2BIG)
				die("KVM_GET_SUPPORTED_CPUID");
			free(cpuid);
			n *= 2;
		}
	}
	/* CPUID.1:ECX.HYPERVISOR, which KVM leaves to the VMM (Linux's cue
	 * to look for the 0x40000000 leaves, kvmclock among them). */
	for (n = 0; n < (int)cpuid->nent; n++)
		if (cpuid->entries[n].function == 1)
			cpuid->entries[n].ecx |= 1u << 31;
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0)
		die("KVM_SET_CPUID2");
}

/* Devices for vm_create(): the local APICs (and PICs, I/O APIC), the PIT. */
#define VM_IRQCHIP	1
#define VM_PIT		2

/* 0 on success, else -errno (for --idle, which stops at the first refusal). */
static int vm_create(struct vm *vm, uint64_t size, int devices, const char **why)
{
	struct kvm_userspace_memory_region region = { 0 };
	long run_size;

	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
	vm->size = size;
	*why = "KVM_CREATE_VM";
	vm->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	/* Intel without unrestricted guest needs these; AMD ignores them. */
	ioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	if (devices) {
		*why = "KVM_CREATE_IRQCHIP";
		if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
			return -errno;
	}
	if (devices & VM_PIT) {
		struct kvm_pit_config pc = { .flags = 0 };

		*why = "KVM_CREATE_PIT2";
		if (ioctl(vm->fd, KVM_CREATE_PIT2, &pc) < 0)
			return -errno;
	}
	*why = "mmap guest RAM";
	vm->mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		       (populate ? MAP_POPULATE : 0) |
		       (huge ? MAP_HUGETLB : 0), -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return -errno;
	}
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = size;
	region.userspace_addr = (uintptr_t)vm->mem;
	*why = "KVM_SET_USER_MEMORY_REGION";
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -errno;
	*why = "KVM_CREATE_VCPU";
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return -errno;
	*why = "KVM_GET_VCPU_MMAP_SIZE";
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return -errno;
	*why = "mmap kvm_run";
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return -errno;
	}
	set_cpuid(vm->vcpu);
	return 0;
}

/*
 * The loader's long-mode layout in @mem (GDT, TSS, identity map) and the
 * vCPU's registers for an entry at @rip in 64-bit mode, RSP = STACK_TOP.
 */
void kvmrun_enter_long_mode(int vcpu, uint8_t *mem, uint64_t rip,
			    uint64_t rbx, uint64_t rsi)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	longmode_tables((uint64_t *)(mem + GDT_GPA), mem + TSS_GPA,
			(uint64_t (*)[512])(mem + PML4_GPA));
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	FLAT_SEG(&sregs.cs, SEL_CODE64, 11, 1, 0);
	FLAT_SEG(&sregs.ds, SEL_DATA64, 3, 0, 1);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.base = TSS_GPA;
	sregs.tr.limit = TSS_LIMIT;
	sregs.tr.selector = SEL_TSS;
	sregs.tr.type = 11;
	sregs.tr.present = 1;
	memset(&sregs.ldt, 0, sizeof(sregs.ldt));
	sregs.ldt.type = 2;
	sregs.ldt.unusable = 1;
	sregs.gdt.base = GDT_GPA;
	sregs.gdt.limit = 7 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = 0x80000011;		/* PG | ET | PE */
	sregs.cr3 = PML4_GPA;
	sregs.cr4 = 0x20;		/* PAE */
	sregs.efer = 0x500;		/* LMA | LME */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = STACK_TOP;
	regs.rbx = rbx;
	regs.rsi = rsi;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

static void load_long_mode(struct vm *vm, const char *image)
{
	struct stat st;
	int fd;
	size_t done = 0;

	if (vm->size < IMAGE_GPA + 4096) {
		fprintf(stderr, "kvmrun: --mem too small for the loader's layout\n");
		exit(1);
	}
	fd = open(image, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		die(image);
	if (st.st_size <= 0 || (uint64_t)st.st_size > vm->size - IMAGE_GPA) {
		fprintf(stderr, "kvmrun: %s does not fit in guest RAM\n", image);
		exit(1);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, vm->mem + IMAGE_GPA + done, st.st_size - done);

		if (n <= 0)
			die(image);
		done += n;
	}
	close(fd);
	kvmrun_enter_long_mode(vm->vcpu, vm->mem, IMAGE_GPA, vm->size, 0);
}

/* --hold: run_vcpu()'s result for a HLT (exit statuses are 0..255). */
#define RUN_HALTED	256

/* A byte of fw_cfg: only the CPU count (item 5, 16 bits) is non-zero. */
static uint8_t fw_cfg_read(void)
{
	unsigned int off = fw_cfg_off++;

	if (fw_cfg_key == FW_CFG_NB_CPUS && off < 2)
		return (nr_vcpus >> (8 * off)) & 0xff;
	return 0;
}

static void port_out(uint16_t port, const uint8_t *data, uint8_t size)
{
	if (kvm_linux_port_out(port, data, size))
		return;
	if (port == PORT_COM1) {
		putchar(*data);
	} else if (port == PORT_FW_CFG_SEL) {
		fw_cfg_key = data[0] | (size > 1 ? data[1] << 8 : 0);
		fw_cfg_off = 0;
	}
}

static void port_in(uint16_t port, uint8_t *data, uint8_t size)
{
	if (kvm_linux_port_in(port, data, size))
		return;
	if (port == PORT_FW_CFG_DATA) {
		for (uint8_t i = 0; i < size; i++)
			data[i] = fw_cfg_read();
		return;
	}
	/* LSR: transmitter empty; else all ones. */
	memset(data, port == PORT_COM1 + 5 ? 0x60 : 0xff, size);
}

/* Run until port 0xf4, HLT, shutdown or an error; returns the exit status. */
static int run_vcpu_fd(int vcpu, struct kvm_run *run)
{
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (hold) {
				run_errno = errno;
				return -1;
			}
			die("KVM_RUN");
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *data = (uint8_t *)run + run->io.data_offset;
			uint32_t k;

			for (k = 0; k < run->io.count; k++, data += run->io.size) {
				if (run->io.direction == KVM_EXIT_IO_OUT &&
				    run->io.port == PORT_EXIT) {
					uint32_t v = 0;

					memcpy(&v, data, run->io.size);
					fflush(stdout);
					return v & 0xff;
				}
				if (run->io.direction == KVM_EXIT_IO_OUT)
					port_out(run->io.port, data, run->io.size);
				else
					port_in(run->io.port, data, run->io.size);
			}
			break;
		}
		case KVM_EXIT_HLT:
			fflush(stdout);
			if (hold)
				return RUN_HALTED;
			fprintf(stderr, "kvmrun: guest halted\n");
			return 3;
		case KVM_EXIT_SHUTDOWN:
			fflush(stdout);
			fprintf(stderr, "kvmrun: guest triple-faulted (shutdown)\n");
			return 3;
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			break;
		case KVM_EXIT_FAIL_ENTRY:
			fprintf(stderr, "kvmrun: entry failed, reason 0x%llx\n",
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			return 1;
		case KVM_EXIT_INTERNAL_ERROR:
			fprintf(stderr, "kvmrun: KVM internal error, suberror %u\n",
				run->internal.suberror);
			return 1;
		default:
			fprintf(stderr, "kvmrun: unexpected exit reason %u\n",
				run->exit_reason);
			return 1;
		}
	}
}

static int run_vcpu(struct vm *vm)
{
	return run_vcpu_fd(vm->vcpu, vm->run);
}

struct ap {
	int fd;
	struct kvm_run *run;
};

/* An AP's thread: whatever ends its run (port 0xf4 included) ends kvmrun. */
static void *ap_thread(void *arg)
{
	struct ap *ap = arg;

	exit(run_vcpu_fd(ap->fd, ap->run));
}

/*
 * vCPUs 1..N-1 in their own threads.  With the in-kernel irqchip KVM
 * keeps them in wait-for-SIPI (KVM_RUN blocks) until vCPU 0's INIT/SIPI.
 */
static void start_aps(struct vm *vm)
{
	static struct ap aps[MAX_VCPUS];
	long run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	pthread_t t;
	unsigned int i;

	if (run_size <= 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	for (i = 1; i < nr_vcpus; i++) {
		aps[i].fd = ioctl(vm->fd, KVM_CREATE_VCPU, i);
		if (aps[i].fd < 0)
			die("KVM_CREATE_VCPU");
		aps[i].run = mmap(NULL, run_size, PROT_READ | PROT_WRITE,
				  MAP_SHARED, aps[i].fd, 0);
		if (aps[i].run == MAP_FAILED)
			die("mmap kvm_run");
		set_cpuid(aps[i].fd);
		errno = pthread_create(&t, NULL, ap_thread, &aps[i]);
		if (errno)
			die("pthread_create");
	}
}

static void on_signal(int sig)
{
	(void)sig;
	_exit(0);
}

/* Seconds since boot, or -1. */
static double uptime(void)
{
	double t = -1;
	FILE *f = fopen("/proc/uptime", "r");

	if (f) {
		if (fscanf(f, "%lf", &t) != 1)
			t = -1;
		fclose(f);
	}
	return t;
}

/* Two descriptors per VM: lift the usual 1024 soft limit for N VMs. */
static void lift_nofile(long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)(4 * n + 64);
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			getrlimit(RLIMIT_NOFILE, &rl);
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
}

/* Write the count K to READY (if any), then sleep until killed. */
static void __attribute__((noreturn)) ready_and_wait(const char *ready, long k)
{
	fflush(stdout);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (!f)
			die(ready);
		fprintf(f, "%ld\n", k);
		fclose(f);
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (;;)
		pause();
}

static void __attribute__((noreturn))
idle(long n, uint64_t size, const char *ready, long min_free)
{
	struct vm vm;
	const char *why = "";
	long k, free_kb = -1;
	int err = 0;

	lift_nofile(n);
	for (k = 0; k < n; k++) {
		free_kb = min_free > 0 ? meminfo_kb("MemFree") : -1;
		if (free_kb >= 0 && free_kb < min_free)
			break;
		err = vm_create(&vm, size, 0, &why);
		if (err)
			break;
		/* Progress on stderr (the console): slow in Bochs. */
		if ((k + 1) % 250 == 0)
			fprintf(stderr, "kvmrun: %ld idle VMs, MemFree %ld kB, %.1f s\n",
				k + 1, meminfo_kb("MemFree"), uptime());
	}
	if (err)
		printf("idle created=%ld stopped: %s: %s\n", k, why, strerror(-err));
	else if (k < n)
		printf("idle created=%ld stopped: MemFree %ld kB < %ld kB\n",
		       k, free_kb, min_free);
	else
		printf("idle created=%ld\n", k);
	ready_and_wait(ready, k);
}

/* What tests/bench/guests/touchhold.S writes from 8 MiB. */
#define TOUCH_START	0x800000ULL
#define TOUCH_PATTERN	0x5a5aa5a5c3c33c3cULL

/* 0 if BYTES from TOUCH_START hold the guest's pattern, else the GPA. */
static uint64_t touch_check(const struct vm *vm, uint64_t bytes)
{
	uint64_t gpa, w0, w1;

	for (gpa = TOUCH_START; gpa < TOUCH_START + bytes; gpa += 4096) {
		memcpy(&w0, vm->mem + gpa, 8);
		memcpy(&w1, vm->mem + gpa + 4088, 8);
		if (w0 != (gpa ^ TOUCH_PATTERN) || w1 != w0)
			return gpa;
	}
	return 0;
}

/*
 * --hold: create up to N VMs that each run IMAGE until it halts, and keep
 * them all.  A VM counts once its guest has halted (and, with CHECK, its
 * touched memory reads back right); the first that cannot be created,
 * ends otherwise or reads back wrong stops the count, as does MemFree
 * below MIN_FREE (checked before each create).
 */
static void __attribute__((noreturn))
hold_vms(long n, uint64_t size, const char *image, const char *ready,
	 long min_free, uint64_t check)
{
	char buf[128];
	struct vm vm;
	const char *why = "";
	long k, free_kb = -1;
	uint64_t bad;
	int err = 0, ret;

	if (check && (TOUCH_START + check > size || check % 4096)) {
		fprintf(stderr, "kvmrun: --check-touch must be a multiple of 4 KiB within --mem above 8 MiB\n");
		exit(2);
	}
	hold = 1;
	lift_nofile(n);
	for (k = 0; k < n; k++) {
		free_kb = min_free > 0 ? meminfo_kb("MemFree") : -1;
		if (free_kb >= 0 && free_kb < min_free) {
			snprintf(buf, sizeof(buf), "MemFree %ld kB < %ld kB",
				 free_kb, min_free);
			why = buf;
			break;
		}
		err = vm_create(&vm, size, 0, &why);
		if (err) {
			snprintf(buf, sizeof(buf), "%s: %s", why, strerror(-err));
			why = buf;
			break;
		}
		load_long_mode(&vm, image);
		ret = run_vcpu(&vm);
		if (ret != RUN_HALTED) {
			if (ret < 0)
				snprintf(buf, sizeof(buf), "KVM_RUN: %s",
					 strerror(run_errno));
			else
				snprintf(buf, sizeof(buf),
					 "the guest ended with status %d, not a HLT",
					 ret);
			why = buf;
			break;
		}
		bad = check ? touch_check(&vm, check) : 0;
		if (bad) {
			snprintf(buf, sizeof(buf),
				 "guest memory at 0x%llx does not hold the guest's pattern",
				 (unsigned long long)bad);
			why = buf;
			break;
		}
		if ((k + 1) % 250 == 0)
			fprintf(stderr, "kvmrun: %ld halted VMs, MemFree %ld kB, %.1f s\n",
				k + 1, meminfo_kb("MemFree"), uptime());
	}
	if (k < n)
		printf("hold created=%ld stopped: VM %ld: %s\n", k, k, why);
	else
		printf("hold created=%ld\n", k);
	ready_and_wait(ready, k);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kvmrun [--mem SIZE] [--pit] [--no-populate] [--huge] [--vcpus N] IMAGE\n"
		   "       kvmrun --idle N [--mem SIZE] [--ready FILE] [--min-free KB]\n"
		   "       kvmrun --hold N [--mem SIZE] [--no-populate] [--ready FILE]\n"
		   "              [--min-free KB] [--check-touch BYTES] IMAGE\n"
		   "       kvmrun --linux BZIMAGE [--mem SIZE] [--initrd FILE] [--append CMDLINE]\n");
}

int main(int argc, char **argv)
{
	uint64_t size = 16ULL << 20;
	const char *image = NULL, *ready = NULL, *why;
	const char *linux_image = NULL, *initrd = NULL, *append = NULL;
	long nidle = 0, nhold = 0, min_free = 0;
	uint64_t check = 0;
	int pit = 0, i, ret;
	struct vm vm;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mem") && i + 1 < argc) {
			if (parse_size(argv[++i], &size)) {
				fprintf(stderr, "kvmrun: bad --mem %s\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--pit")) {
			pit = 1;
		} else if (!strcmp(argv[i], "--vcpus") && i + 1 < argc) {
			long n = strtol(argv[++i], NULL, 0);

			if (n < 1 || n > MAX_VCPUS) {
				fprintf(stderr, "kvmrun: --vcpus must be 1 to %d\n",
					MAX_VCPUS);
				return 2;
			}
			nr_vcpus = n;
		} else if (!strcmp(argv[i], "--no-populate")) {
			populate = 0;
		} else if (!strcmp(argv[i], "--huge")) {
			huge = 1;
		} else if (!strcmp(argv[i], "--idle") && i + 1 < argc) {
			nidle = strtol(argv[++i], NULL, 0);
			if (nidle <= 0) {
				usage(stderr);
				return 2;
			}
		} else if (!strcmp(argv[i], "--hold") && i + 1 < argc) {
			nhold = strtol(argv[++i], NULL, 0);
			if (nhold <= 0) {
				usage(stderr);
				return 2;
			}
		} else if (!strcmp(argv[i], "--check-touch") && i + 1 < argc) {
			if (parse_size(argv[++i], &check)) {
				fprintf(stderr, "kvmrun: bad --check-touch %s\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--min-free") && i + 1 < argc) {
			min_free = strtol(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--linux") && i + 1 < argc) {
			linux_image = argv[++i];
		} else if (!strcmp(argv[i], "--initrd") && i + 1 < argc) {
			initrd = argv[++i];
		} else if (!strcmp(argv[i], "--append") && i + 1 < argc) {
			append = argv[++i];
		} else if (!strcmp(argv[i], "--ready") && i + 1 < argc) {
			ready = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] != '-' && !image) {
			image = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (linux_image && (image || nidle || nhold || nr_vcpus > 1)) {
		usage(stderr);
		return 2;
	}
	/* RAM on first touch, as minivmm and a VMM such as QEMU give it. */
	if (linux_image) {
		image = linux_image;
		populate = 0;
	}
	if ((!nidle && !image) || (nhold && (nidle || !image || pit || huge)) ||
	    (nr_vcpus > 1 && (nidle || nhold))) {
		usage(stderr);
		return 2;
	}
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm");
	if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "kvmrun: unexpected KVM API version\n");
		return 1;
	}
	if (nidle)
		idle(nidle, size, ready, min_free);
	if (nhold)
		hold_vms(nhold, size, image, ready, min_free, check);

	/*
	 * Several vCPUs need the in-kernel local APICs for their IPIs; Linux
	 * the PIT and interrupt controllers as well.
	 */
	ret = vm_create(&vm, size, (pit || linux_image ? VM_PIT : 0) |
			(nr_vcpus > 1 ? VM_IRQCHIP : 0), &why);
	if (ret) {
		errno = -ret;
		die(why);
	}
	if (linux_image) {
		if (kvm_linux_load(vm.fd, vm.vcpu, vm.mem, size, linux_image,
				   initrd, append))
			return 1;
	} else {
		load_long_mode(&vm, image);
	}
	if (nr_vcpus > 1)
		start_aps(&vm);
	return run_vcpu(&vm);
}
