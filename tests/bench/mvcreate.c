// SPDX-License-Identifier: GPL-2.0
/*
 * mvcreate N PREFIX SIZE [MIN_FREE_KB]: create up to N minivmm VMs named
 * PREFIX0, PREFIX1, ... with SIZE bytes of RAM and one vCPU (never
 * started), from one process over generic netlink, until the module refuses
 * one or (with MIN_FREE_KB) MemFree in /proc/meminfo is below MIN_FREE_KB
 * before a create, as kvmrun --idle --min-free.  Prints
 * "mvcreate created=K" and, if it stopped early, why.  The VMs stay after
 * it exits (minivmm VMs are not tied to a file descriptor).
 *
 * The same thing as "minivmmctl create" in a loop, without paying for a
 * process start per VM: the benchmarks' VMs-alive figure compares kernels,
 * and kvmrun --idle also creates its VMs from one process.
 *
 * Each create is answered by two datagrams, the reply (VM_ID) and the ACK
 * (NLMSG_ERROR 0), or by one error ACK.  Both are read before the next
 * create.  (An earlier version used nl_send_sync(), whose nl_wait_for_ack()
 * returns after reading one datagram: the reply.  One ACK per create was
 * left queued, the socket's 64 KiB receive buffer filled after about 85
 * creates, the kernel dropped the next reply and set ENOBUFS on the socket,
 * and libnl reported that as "Out of memory".  See README.md.)
 *
 * mvcreate --run IMAGE [--check-touch BYTES] N PREFIX SIZE [MIN_FREE_KB]:
 * each VM is also loaded with IMAGE (a flat long-mode guest, the layout
 * of ctl/loader.c: GDT and TSS at 0x800, page tables at 0x1000, IMAGE at
 * 0x10000) through its VM fd, started, and counted only once its guest
 * has halted with the VM still RUNNING (VM_STATS: a HLT exit), as
 * tests/bench/guests/touchhold.S does after touching its memory; a guest
 * that stops, is paused (a refused grant) or has not halted within 60 s
 * ends the count.  With --check-touch, BYTES from 8 MiB are read back
 * through the VM fd and must hold touchhold.S's pattern.  Prints
 * "mvcreate created=K touched=T granted=G" (T and G: bytes, summed over
 * the K VMs from their stats when they halted).  For the "touched VMs
 * alive" figure; kvmrun --hold does the same on KVM.
 * Build: gcc -static ... $(pkg-config --cflags --libs --static libnl-genl-3.0)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "../../uapi/minivmm.h"
#include "longmode.h"
#include "meminfo.h"

struct ctx {
	int done;	/* the ACK or the error arrived */
	int err;	/* errno from the kernel, 0 if none */
	int replies;	/* VM_CREATE replies seen for this request */
	char msg[256];	/* the kernel's extended-ack message, if any */
	/* From the reply, where present (VM_CREATE, VM_STATS). */
	uint32_t id, state, stop_reason, exit_code, pause_reason;
	uint64_t hlt_exits, touched, granted;
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[MINIVMM_ATTR_MAX + 1], *ex[MINIVMM_EXIT_COUNT + 1];
	struct ctx *c = arg;

	c->replies++;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MINIVMM_ATTR_MAX, NULL))
		return NL_OK;
	if (tb[MINIVMM_ATTR_VM_ID])
		c->id = nla_get_u32(tb[MINIVMM_ATTR_VM_ID]);
	if (tb[MINIVMM_ATTR_VM_STATE])
		c->state = nla_get_u32(tb[MINIVMM_ATTR_VM_STATE]);
	if (tb[MINIVMM_ATTR_STOP_REASON])
		c->stop_reason = nla_get_u32(tb[MINIVMM_ATTR_STOP_REASON]);
	if (tb[MINIVMM_ATTR_EXIT_CODE])
		c->exit_code = nla_get_u32(tb[MINIVMM_ATTR_EXIT_CODE]);
	if (tb[MINIVMM_ATTR_PAUSE_REASON])
		c->pause_reason = nla_get_u32(tb[MINIVMM_ATTR_PAUSE_REASON]);
	if (tb[MINIVMM_ATTR_MEM_TOUCHED])
		c->touched = nla_get_u64(tb[MINIVMM_ATTR_MEM_TOUCHED]);
	if (tb[MINIVMM_ATTR_MEM_GRANTED])
		c->granted = nla_get_u64(tb[MINIVMM_ATTR_MEM_GRANTED]);
	/* EXITS: MINIVMM_EXIT_* + 1 -> u64. */
	if (tb[MINIVMM_ATTR_EXITS] &&
	    !nla_parse_nested(ex, MINIVMM_EXIT_COUNT, tb[MINIVMM_ATTR_EXITS],
			      NULL) && ex[MINIVMM_EXIT_HLT + 1])
		c->hlt_exits = nla_get_u64(ex[MINIVMM_EXIT_HLT + 1]);
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct ctx *)arg)->done = 1;
	return NL_STOP;
}

/* NLMSG_ERROR: errno, the echoed request (unless capped), then TLVs. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	struct ctx *c = arg;
	size_t total, off;

	(void)nla;
	c->done = 1;
	c->err = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	total = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off < total &&
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      (int)(total - off), NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 1)
		snprintf(c->msg, sizeof(c->msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]) - 1,
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static struct nl_sock *sk;
static struct nl_cb *cb;
static int fam;
static struct ctx c;
static char why_buf[320];

/*
 * Send CMD for VM (id, or NAME if id is 0; SIZE: a create) and read its
 * reply and ACK, or its error, into c.  NULL, or why it failed.
 */
static const char *request(uint8_t cmd, uint32_t id, const char *name,
			   unsigned long long size)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	memset(&c, 0, sizeof(c));
	if (!msg)
		return "out of memory";
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0, cmd,
			 MINIVMM_GENL_VERSION) ||
	    (id && nla_put_u32(msg, MINIVMM_ATTR_VM_ID, id)) ||
	    (!id && nla_put_string(msg, MINIVMM_ATTR_VM_NAME, name)) ||
	    (size && (nla_put_u64(msg, MINIVMM_ATTR_MEM_SIZE, size) ||
		      nla_put_u32(msg, MINIVMM_ATTR_NR_VCPUS, 1)))) {
		nlmsg_free(msg);
		return "building the message failed";
	}
	/* nl_send_auto() adds NLM_F_REQUEST and NLM_F_ACK. */
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	/* The reply, then the ACK; or the error alone. */
	while (err >= 0 && !c.done)
		err = nl_recvmsgs(sk, cb);
	/* An error ACK also makes nl_recvmsgs() fail: report the kernel's
	 * errno and message, not libnl's translation. */
	if (c.err) {
		snprintf(why_buf, sizeof(why_buf), "%s%s%s%s", c.msg,
			 c.msg[0] ? " (" : "", strerror(c.err),
			 c.msg[0] ? ")" : "");
		return why_buf;
	}
	if (err < 0)
		return nl_geterror(err);
	return NULL;
}

/* ---- --run: load, start, wait for the guest's HLT ----------------------- */

/* What tests/bench/guests/touchhold.S writes from 8 MiB. */
#define TOUCH_START	0x800000ULL
#define TOUCH_PATTERN	0x5a5aa5a5c3c33c3cULL

static char *image;
static size_t image_size;
static int dev_fd = -1;

static int put(int fd, const void *buf, size_t len, uint64_t gpa)
{
	return pwrite(fd, buf, len, (off_t)gpa) == (ssize_t)len ? 0 : -1;
}

/* Long mode, as "minivmmctl load --mode long": NULL, or why not. */
static const char *load_long(int fd, uint64_t mem)
{
	static uint64_t pt[PT_PAGES][512];
	uint64_t gdt[GDT_ENTRIES];
	uint8_t tss[TSS_LIMIT + 1];
	struct minivmm_sregs sr = { 0 };
	struct minivmm_regs r = { 0 };

	longmode_tables(gdt, tss, pt);
	if (put(fd, gdt, sizeof(gdt), GDT_GPA) ||
	    put(fd, tss, sizeof(tss), TSS_GPA) ||
	    put(fd, pt, sizeof(pt), PML4_GPA) ||
	    put(fd, image, image_size, IMAGE_GPA)) {
		snprintf(why_buf, sizeof(why_buf),
			 "writing guest memory failed: %s", strerror(errno));
		return why_buf;
	}
	FLAT_SEG(&sr.cs, SEL_CODE64, 11, 1, 0);
	FLAT_SEG(&sr.ds, SEL_DATA64, 3, 0, 1);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.tr.base = TSS_GPA;
	sr.tr.limit = TSS_LIMIT;
	sr.tr.selector = SEL_TSS;
	sr.tr.type = 11;
	sr.tr.present = 1;
	sr.ldt.unusable = 1;
	sr.gdt.base = GDT_GPA;
	sr.gdt.limit = 7 * 8 - 1;
	sr.cr0 = 0x80000011;		/* PG | ET | PE */
	sr.cr3 = PML4_GPA;
	sr.cr4 = 0x20;			/* PAE */
	sr.efer = 0x500;		/* LMA | LME */
	r.rip = IMAGE_GPA;
	r.gprs[MINIVMM_RSP] = IMAGE_GPA;
	r.gprs[MINIVMM_RBX] = mem;
	r.rflags = 2;
	if (ioctl(fd, MINIVMM_VM_SET_SREGS, &sr) < 0 ||
	    ioctl(fd, MINIVMM_VM_SET_REGS, &r) < 0) {
		snprintf(why_buf, sizeof(why_buf),
			 "setting the registers failed: %s", strerror(errno));
		return why_buf;
	}
	return NULL;
}

/* NULL if BYTES from 8 MiB hold touchhold.S's pattern, else why not. */
static const char *touch_check(int fd, uint64_t bytes)
{
	static uint64_t page[512];
	uint64_t gpa;

	for (gpa = TOUCH_START; gpa < TOUCH_START + bytes; gpa += 4096) {
		if (pread(fd, page, sizeof(page), (off_t)gpa) != sizeof(page))
			return "reading guest memory back failed";
		if (page[0] != (gpa ^ TOUCH_PATTERN) || page[511] != page[0]) {
			snprintf(why_buf, sizeof(why_buf),
				 "guest memory at 0x%llx does not hold the guest's pattern",
				 (unsigned long long)gpa);
			return why_buf;
		}
	}
	return NULL;
}

/* Names as minivmmctl prints them, for the reason a count stopped. */
static const char *name_of(uint32_t v, const char *const *names, uint32_t n)
{
	return v < n ? names[v] : "unknown";
}

static const char *const state_names[] = {
	[MINIVMM_VM_CREATED] = "created", [MINIVMM_VM_RUNNING] = "running",
	[MINIVMM_VM_PAUSED] = "paused", [MINIVMM_VM_STOPPED] = "stopped",
};
static const char *const stop_names[] = {
	[MINIVMM_STOP_NONE] = "-", [MINIVMM_STOP_EXITED] = "exited",
	[MINIVMM_STOP_HALTED] = "halted", [MINIVMM_STOP_CRASHED] = "crashed",
	[MINIVMM_STOP_BAD_GPA] = "bad-gpa",
	[MINIVMM_STOP_INTERNAL_ERROR] = "internal-error",
	[MINIVMM_STOP_USER] = "stopped", [MINIVMM_STOP_POWEROFF] = "poweroff",
};
static const char *const pause_names[] = {
	[MINIVMM_PAUSE_NONE] = "-", [MINIVMM_PAUSE_USER] = "user",
	[MINIVMM_PAUSE_HOST_MEM_LIMIT] = "host-mem-limit",
	[MINIVMM_PAUSE_VM_MEM_LIMIT] = "vm-mem-limit",
	[MINIVMM_PAUSE_HOST_NO_MEMORY] = "host-no-memory",
	[MINIVMM_PAUSE_DEVICE_GONE] = "device-gone",
};
#define NAME(v, t)	name_of(v, t, sizeof(t) / sizeof(t[0]))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Load, start and wait for VM c.id (SIZE bytes of RAM) to halt; NULL, or
 * why not.  Adds its stats to *touched and *granted.
 */
static const char *run_one(uint32_t id, uint64_t size, uint64_t check,
			   uint64_t *touched, uint64_t *granted)
{
	struct minivmm_open_vm o = { .id = id };
	const char *why;
	double t0;
	int fd;

	fd = ioctl(dev_fd, MINIVMM_OPEN_VM, &o);
	if (fd < 0) {
		snprintf(why_buf, sizeof(why_buf), "MINIVMM_OPEN_VM: %s",
			 strerror(errno));
		return why_buf;
	}
	why = load_long(fd, size);
	if (!why)
		why = request(MINIVMM_CMD_VM_START, id, NULL, 0);
	t0 = now();
	while (!why) {
		why = request(MINIVMM_CMD_VM_STATS, id, NULL, 0);
		if (why)
			break;
		if (c.state == MINIVMM_VM_RUNNING && c.hlt_exits)
			break;
		if (c.state != MINIVMM_VM_RUNNING) {
			snprintf(why_buf, sizeof(why_buf),
				 "%s before its guest halted (stop reason %s, exit code 0x%x, pause reason %s; granted %llu bytes)",
				 NAME(c.state, state_names),
				 NAME(c.stop_reason, stop_names), c.exit_code,
				 NAME(c.pause_reason, pause_names),
				 (unsigned long long)c.granted);
			why = why_buf;
		} else if (now() - t0 > 60) {
			why = "the guest did not halt within 60 s";
		} else {
			usleep(1000);
		}
	}
	if (!why) {
		*touched += c.touched;
		*granted += c.granted;
		if (check)
			why = touch_check(fd, check);
	}
	close(fd);
	return why;
}

static int read_image(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) || !(image = malloc(n)) ||
	    fread(image, 1, n, f) != (size_t)n) {
		fprintf(stderr, "mvcreate: cannot read %s\n", path);
		return -1;
	}
	image_size = n;
	fclose(f);
	return 0;
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long size, check = 0;
	uint64_t touched = 0, granted = 0;
	char name[MINIVMM_NAME_MAX], buf[320];
	const char *why = NULL, *run = NULL;
	long n, k, min_free = 0, free_kb;
	double t_start = now();
	int one = 1;

	while (argc > 2 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "--run"))
			run = argv[2];
		else if (!strcmp(argv[1], "--check-touch"))
			check = parse_size(argv[2]);
		else
			break;
		argc -= 2;
		argv += 2;
	}
	if (argc < 4 || argc > 5 || (n = strtol(argv[1], NULL, 0)) <= 0 ||
	    (check && (!run || check % 4096))) {
		fprintf(stderr, "usage: mvcreate [--run IMAGE [--check-touch BYTES]] N PREFIX SIZE [MIN_FREE_KB]\n");
		return 2;
	}
	if (argc == 5)
		min_free = strtol(argv[4], NULL, 0);
	size = parse_size(argv[3]);
	if (check && TOUCH_START + check > size) {
		fprintf(stderr, "mvcreate: --check-touch goes beyond SIZE\n");
		return 2;
	}
	if (run) {
		if (read_image(run))
			return 1;
		if (size < IMAGE_GPA + image_size) {
			fprintf(stderr, "mvcreate: %s does not fit in SIZE\n", run);
			return 2;
		}
		dev_fd = open("/dev/minivmm", O_RDWR | O_CLOEXEC);
		if (dev_fd < 0) {
			fprintf(stderr, "mvcreate: /dev/minivmm: %s\n",
				strerror(errno));
			return 1;
		}
	}
	sk = nl_socket_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!sk || !cb || genl_connect(sk) < 0) {
		fprintf(stderr, "mvcreate: cannot open a generic netlink socket\n");
		return 1;
	}
	/* The policy's refusal reason comes as an extended-ack message. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	fam = genl_ctrl_resolve(sk, MINIVMM_GENL_NAME);
	if (fam < 0) {
		fprintf(stderr, "mvcreate: family %s: %s (module loaded?)\n",
			MINIVMM_GENL_NAME, nl_geterror(fam));
		return 1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &c);
	for (k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "%s%ld", argv[2], k);
		free_kb = min_free > 0 ? meminfo_kb("MemFree") : -1;
		if (free_kb >= 0 && free_kb < min_free) {
			snprintf(buf, sizeof(buf), "MemFree %ld kB < %ld kB",
				 free_kb, min_free);
			why = buf;
			break;
		}
		why = request(MINIVMM_CMD_VM_CREATE, 0, name, size);
		if (!why && c.replies != 1)
			why = "no VM_ID reply before the ACK";
		if (!why && run)
			why = run_one(c.id, size, check, &touched, &granted);
		if (why)
			break;
		/* Progress on stderr (the console), as kvmrun --hold. */
		if (run && (k + 1) % 250 == 0)
			fprintf(stderr, "mvcreate: %ld halted VMs, MemFree %ld kB, %.1f s\n",
				k + 1, meminfo_kb("MemFree"), now() - t_start);
	}
	printf("mvcreate created=%ld", k);
	if (run)
		printf(" touched=%llu granted=%llu",
		       (unsigned long long)touched, (unsigned long long)granted);
	if (why)
		printf(" stopped: %s %s: %s\n", run ? "VM" : "create", name,
		       why);
	else
		printf("\n");
	nl_cb_put(cb);
	nl_socket_free(sk);
	return 0;
}
