// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz N SEED: throw malformed requests at minivmm and check it survives.
 *
 * Each of N iterations sends one generic netlink message to the "minivmm"
 * family (random command 0..20, random genl version/reserved bytes, random
 * netlink flags incl. NLM_F_DUMP, attributes of valid types with wrong
 * lengths, unknown types, nested garbage; sometimes the finished bytes are
 * mutated: truncated headers, huge nlmsg_len/nla_len, flipped bytes) and does
 * one data-plane operation: an ioctl with the minivmm magic on /dev/minivmm
 * or a VM/console fd (random numbers and sizes, NULL, (void *)1, pointers
 * into unmapped memory, reserved fields set, OPEN_VM of random ids), pread/
 * pwrite at random offsets incl. negative and huge ones, closing fds and
 * using the stale numbers.  Every N/16 iterations a real VM is created,
 * started and destroyed while a forked child destroys it concurrently.
 *
 * Results of individual requests are ignored; replies are drained unread.
 * Messages are built with libnl's nlmsg/nla API (then mutated as bytes, which
 * is the fuzzer's job); the only replies parsed are those of the set-up and
 * the final checks, through genlmsg_parse().
 *
 * Bounded: stops after N iterations or 60 s.  At the end, restores the
 * resource policy it found, destroys the VMs it (or its random requests)
 * created, checks that INFO still answers over netlink and GET_INFO over
 * ioctl, and prints "nlfuzz: N messages, M ioctls, done".  Exit status 0, or
 * 1 if the module stopped answering (2: bad command line or set-up failed).
 *
 * nlfuzz --cycles N NAME: no fuzzing; N create/destroy cycles of a 64 KiB VM
 * named NAME in one process (for leak checks: 1000 cycles through
 * minivmmctl take minutes in an emulated machine).  Exit 1 on the first
 * refusal.
 *
 * Needs: gcc -static ... $(pkg-config --cflags --libs libnl-genl-3.0)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "../../../uapi/minivmm.h"

#define TIME_LIMIT_S	60
#define MAX_FDS		24
#define DEV_PATH	"/dev/minivmm"

static uint64_t rng;
static unsigned long nr_msgs, nr_ioctls;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static void fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = (uint8_t)rnd();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- netlink: set-up and checks (parsed with libnl) ----------------------- */

static struct nl_sock *nl_open(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	if (genl_connect(sk) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	*family = genl_ctrl_resolve(sk, MINIVMM_GENL_NAME);
	if (*family < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

struct reply {
	struct nlattr *tb[MINIVMM_ATTR_MAX + 1];
	bool got;
	/* VM_GET dump: ids seen */
	uint32_t ids[256];
	unsigned int nr_ids;
	uint32_t max_id;
	/* POLICY_GET */
	bool has_policy;
	uint32_t max_vms, max_vcpus;
	uint64_t max_mem;
	/* INFO / CREATE */
	bool has_api;
	uint32_t id;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;
	struct nlattr **tb = r->tb;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MINIVMM_ATTR_MAX, NULL) < 0)
		return NL_SKIP;
	r->got = true;
	if (tb[MINIVMM_ATTR_API_VERSION])
		r->has_api = true;
	if (tb[MINIVMM_ATTR_VM_ID] && nla_len(tb[MINIVMM_ATTR_VM_ID]) >= 4) {
		r->id = nla_get_u32(tb[MINIVMM_ATTR_VM_ID]);
		if (r->nr_ids < 256)
			r->ids[r->nr_ids++] = r->id;
		if (r->id > r->max_id)
			r->max_id = r->id;
	}
	if (tb[MINIVMM_ATTR_POLICY_MAX_VMS] && tb[MINIVMM_ATTR_POLICY_MAX_MEM] &&
	    tb[MINIVMM_ATTR_POLICY_MAX_VCPUS]) {
		r->has_policy = true;
		r->max_vms = nla_get_u32(tb[MINIVMM_ATTR_POLICY_MAX_VMS]);
		r->max_mem = nla_get_u64(tb[MINIVMM_ATTR_POLICY_MAX_MEM]);
		r->max_vcpus = nla_get_u32(tb[MINIVMM_ATTR_POLICY_MAX_VCPUS]);
	}
	return NL_OK;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	*(int *)arg = 1;
	return NL_STOP;
}

static int on_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	*(int *)arg = e->error ? e->error : 1;
	return NL_STOP;
}

/*
 * A well-formed request; returns 0 or a negative errno.  @build adds
 * attributes.  Waits (at most 10 s per read) for the ACK or NLMSG_DONE.
 */
static int nl_request(int cmd, bool dump, struct reply *r,
		      void (*build)(struct nl_msg *, void *), void *arg)
{
	struct timeval tv = { .tv_sec = 10 };
	struct nl_sock *sk;
	struct nl_msg *msg;
	struct nl_cb *cb;
	int family, err, done = 0;

	sk = nl_open(&family);
	if (!sk)
		return -ENOENT;		/* no module, no family */
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		err = -ENOMEM;
		goto out;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
		    dump ? NLM_F_DUMP : 0, cmd, MINIVMM_GENL_VERSION);
	if (build)
		build(msg, arg);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &done);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &done);
	nl_cb_err(cb, NL_CB_CUSTOM, on_err, &done);
	err = nl_send_auto(sk, msg);
	while (err >= 0 && !done)
		err = nl_recvmsgs(sk, cb);
	/* The kernel's errno if it refused; EIO if libnl failed. */
	if (done < 0)
		err = done;
	else if (err < 0)
		err = -EIO;
	else
		err = 0;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	nl_socket_free(sk);
	return err < 0 ? err : 0;
}

static void put_id_force(struct nl_msg *msg, void *arg)
{
	nla_put_u32(msg, MINIVMM_ATTR_VM_ID, *(uint32_t *)arg);
	nla_put_flag(msg, MINIVMM_ATTR_FORCE);
}

static void put_id(struct nl_msg *msg, void *arg)
{
	nla_put_u32(msg, MINIVMM_ATTR_VM_ID, *(uint32_t *)arg);
}

struct create_args {
	const char *name;
	uint64_t mem;
};

static void put_create(struct nl_msg *msg, void *arg)
{
	struct create_args *c = arg;

	nla_put_string(msg, MINIVMM_ATTR_VM_NAME, c->name);
	nla_put_u64(msg, MINIVMM_ATTR_MEM_SIZE, c->mem);
}

static void put_policy(struct nl_msg *msg, void *arg)
{
	struct reply *p = arg;

	nla_put_u32(msg, MINIVMM_ATTR_POLICY_MAX_VMS, p->max_vms);
	nla_put_u64(msg, MINIVMM_ATTR_POLICY_MAX_MEM, p->max_mem);
	nla_put_u32(msg, MINIVMM_ATTR_POLICY_MAX_VCPUS, p->max_vcpus);
}

static int vm_simple(int cmd, uint32_t id, bool force)
{
	struct reply r = { 0 };

	return nl_request(cmd, false, &r, force ? put_id_force : put_id, &id);
}

/* ---- netlink: the fuzzing part (raw bytes out, replies drained unread) ---- */

static void drain(int fd)
{
	static char buf[65536];
	int i;

	/* Bounded: a dump of many VMs takes a few reads. */
	for (i = 0; i < 64; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
		    errno != ENOBUFS && errno != EINTR)
			break;
}

/* Valid attribute types get payloads of wrong sizes; others anything. */
static void put_random_attr(struct nl_msg *msg, int depth)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 32,
					33, 64, 255, 1000, 4000 };
	uint8_t payload[4096];
	size_t len = sizes[below(sizeof(sizes) / sizeof(sizes[0]))];
	int type;

	switch (below(10)) {
	case 0:
		type = (int)below(0x8000);			/* unknown, huge */
		break;
	case 1:
		type = MINIVMM_ATTR_MAX + 1 + (int)below(8);	/* just past */
		break;
	default:
		type = (int)below(MINIVMM_ATTR_MAX + 1);	/* valid */
		break;
	}
	if (chance(10))
		type |= NLA_F_NESTED;
	if (chance(3))
		type |= NLA_F_NET_BYTEORDER;
	if (depth < 3 && chance(12)) {
		struct nlattr *nest = nla_nest_start(msg, type & ~NLA_F_NESTED);
		int i, n = (int)below(5);

		if (!nest)
			return;
		for (i = 0; i < n; i++)
			put_random_attr(msg, depth + 1);
		if (chance(30)) {			/* garbage inside */
			len = below(64);
			fill(payload, len);
			nlmsg_append(msg, payload, len, NLMSG_ALIGNTO);
		}
		nla_nest_end(msg, nest);
		return;
	}
	fill(payload, len);
	if (chance(40) && len >= 8)		/* plausible small numbers */
		memset(payload + 1, 0, 7);
	if (chance(20) && len)			/* strings without the NUL */
		memset(payload, 'a', len);
	nla_put(msg, type, (int)len, payload);
}

static void fuzz_netlink(struct nl_sock *sk, int family)
{
	static const int flag_bits[] = { NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP,
					 NLM_F_ECHO, NLM_F_MULTI, NLM_F_EXCL,
					 NLM_F_CREATE, NLM_F_REPLACE };
	struct nl_msg *msg = nlmsg_alloc_size(64 * 1024);
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;
	uint8_t *bytes;
	size_t len;
	int flags = NLM_F_REQUEST, i, n;

	if (!msg)
		return;
	for (i = 0; i < 8; i++)
		if (chance(15))
			flags |= flag_bits[i];
	if (chance(25))
		flags |= NLM_F_DUMP;
	if (chance(3))
		flags &= ~NLM_F_REQUEST;
	if (chance(2))
		flags = (int)(rnd() & 0xffff);
	nlh = nlmsg_put(msg, (uint32_t)(chance(5) ? rnd() : 0),
			(uint32_t)rnd(), chance(2) ? (int)below(32) : family,
			GENL_HDRLEN, flags);
	if (!nlh) {
		nlmsg_free(msg);
		return;
	}
	gh = nlmsg_data(nlh);
	gh->cmd = (uint8_t)below(21);
	gh->version = chance(85) ? MINIVMM_GENL_VERSION : (uint8_t)rnd();
	gh->reserved = chance(85) ? 0 : (uint16_t)rnd();
	n = (int)below(7);
	for (i = 0; i < n; i++)
		put_random_attr(msg, 0);

	nlh = nlmsg_hdr(msg);
	bytes = (uint8_t *)nlh;
	len = nlh->nlmsg_len;
	switch (below(12)) {
	case 0:		/* truncated: part of the headers only */
		len = below(NLMSG_HDRLEN + GENL_HDRLEN + 8);
		if (len >= sizeof(nlh->nlmsg_len))
			nlh->nlmsg_len = (uint32_t)len;
		break;
	case 1:		/* nlmsg_len larger than what is sent */
		nlh->nlmsg_len = chance(50) ? 0xffffffffu : (uint32_t)(len + below(4096));
		break;
	case 2:		/* nlmsg_len shorter than the payload */
		nlh->nlmsg_len = (uint32_t)below(len + 1);
		break;
	case 3:		/* a huge nla_len in the first attribute */
		if (len >= NLMSG_HDRLEN + GENL_HDRLEN + 4) {
			struct nlattr *a = (struct nlattr *)
				(bytes + NLMSG_HDRLEN + GENL_HDRLEN);

			a->nla_len = chance(50) ? 0xffff : (uint16_t)below(4);
		}
		break;
	case 4:		/* flipped bytes after the netlink header */
		for (i = 0; i < 1 + (int)below(8) && len > NLMSG_HDRLEN; i++)
			bytes[NLMSG_HDRLEN + below(len - NLMSG_HDRLEN)] ^=
				(uint8_t)(1 + below(255));
		break;
	case 5:		/* trailing junk not covered by nlmsg_len */
		if (len + 64 <= 64 * 1024) {
			fill(bytes + len, 64);
			len += below(64);
		}
		break;
	default:
		break;
	}
	nl_sendto(sk, bytes, len);
	nr_msgs++;
	drain(nl_socket_get_fd(sk));
	nlmsg_free(msg);
}

/* ---- the character device ----------------------------------------------- */

enum fd_kind { FD_FREE, FD_DEV, FD_VM, FD_CONSOLE, FD_OTHER, FD_STALE };

static struct {
	int fd;
	enum fd_kind kind;
} fds[MAX_FDS];

static uint8_t *bigbuf;		/* 64 KiB of random bytes */
static uint8_t *guard;		/* a PROT_NONE page */
static uint8_t *edge;		/* last bytes before guard */

static int pick_fd(enum fd_kind want)
{
	int i, start = (int)below(MAX_FDS);

	for (i = 0; i < MAX_FDS; i++) {
		int j = (start + i) % MAX_FDS;

		if (fds[j].kind != FD_FREE &&
		    (want == FD_FREE || fds[j].kind == want))
			return j;
	}
	return -1;
}

static void add_fd(int fd, enum fd_kind kind)
{
	int i;

	if (fd <= 2)
		return;
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i].kind != FD_FREE && fds[i].kind != FD_STALE &&
		    fds[i].fd == fd)
			return;		/* already ours */
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i].kind == FD_FREE || fds[i].kind == FD_STALE) {
			fds[i].fd = fd;
			fds[i].kind = kind;
			return;
		}
	close(fd);		/* pool full */
}

static void *bad_pointer(size_t size)
{
	switch (below(8)) {
	case 0:	return NULL;
	case 1:	return (void *)1;
	case 2:	return guard;
	case 3:	return edge + 8 - (size > 8 ? 8 : size);  /* crosses into guard */
	case 4:	return (void *)(uintptr_t)0xffff800000000000ULL;
	default: return bigbuf + below(4096);
	}
}

static void fuzz_ioctl(int listener_fd)
{
	static const unsigned long known[] = {
		MINIVMM_GET_INFO, MINIVMM_OPEN_VM, MINIVMM_VM_GET_REGS,
		MINIVMM_VM_SET_REGS, MINIVMM_VM_GET_SREGS, MINIVMM_VM_SET_SREGS,
		MINIVMM_VM_CONSOLE,
	};
	unsigned long cmd;
	void *arg;
	int slot, fd, ret;
	size_t size;

	slot = pick_fd(FD_FREE);
	if (slot < 0 || chance(5)) {
		fd = open(DEV_PATH, chance(90) ? O_RDWR : O_RDONLY);
		if (fd >= 0)
			add_fd(fd, FD_DEV);
		return;
	}
	fd = fds[slot].fd;
	fill(bigbuf, 4096);

	if (chance(50)) {
		cmd = known[below(sizeof(known) / sizeof(known[0]))];
		size = _IOC_SIZE(cmd);
		if (chance(20))		/* right number, wrong size/direction */
			cmd = _IOC(below(4), MINIVMM_IOC_MAGIC, _IOC_NR(cmd),
				   below(512));
	} else {
		size = below(chance(80) ? 512 : 0x3fff);
		cmd = _IOC(below(4), chance(95) ? MINIVMM_IOC_MAGIC : below(256),
			   below(0x30), size);
	}
	if (_IOC_NR(cmd) == 0x01 && _IOC_TYPE(cmd) == MINIVMM_IOC_MAGIC) {
		struct minivmm_open_vm *ov = (void *)bigbuf;

		/* Mostly plausible ids; reserved fields zero half the time. */
		ov->id = chance(80) ? (uint32_t)below(48) : (uint32_t)rnd();
		if (chance(50)) {
			ov->flags = 0;
			memset(ov->reserved, 0, sizeof(ov->reserved));
		}
	}
	if (_IOC_NR(cmd) == 0x10 || _IOC_NR(cmd) == 0x12) {
		/* GET_(S)REGS: vcpu index small half the time */
		if (chance(50))
			memset(bigbuf, 0, 8);
	}
	arg = chance(75) ? (void *)bigbuf : bad_pointer(size);
	ret = ioctl(fd, cmd, arg);
	nr_ioctls++;
	if (ret > 2 && ret != listener_fd && fcntl(ret, F_GETFD) >= 0) {
		if (_IOC_TYPE(cmd) == MINIVMM_IOC_MAGIC && _IOC_NR(cmd) == 0x01)
			add_fd(ret, FD_VM);
		else if (_IOC_TYPE(cmd) == MINIVMM_IOC_MAGIC &&
			 _IOC_NR(cmd) == 0x14)
			add_fd(ret, FD_CONSOLE);
		else
			add_fd(ret, FD_OTHER);
	}
}

static void fuzz_rw(void)
{
	static const int64_t offsets[] = {
		0, 1, 4095, 4096, 0x10000, 0xfffff, 0x100000, 0x1000000,
		-1, -4096, INT64_MIN, INT64_MAX, INT64_MAX - 4095,
		0x7ffffffff000LL, 0x100000000LL,
	};
	int slot = pick_fd(FD_VM);
	off_t off;
	size_t len;

	if (slot < 0)
		return;
	off = chance(70) ? (off_t)offsets[below(sizeof(offsets) / sizeof(offsets[0]))]
			 : (off_t)below(1 << 24);
	if (chance(30))
		off += (off_t)below(8192);
	len = chance(80) ? below(8192) : below(65536);
	if (chance(50)) {
		if (pread(fds[slot].fd, chance(90) ? bigbuf : bad_pointer(len),
			  len, off) < 0) {
			/* ignored */
		}
	} else {
		fill(bigbuf, len < 65536 ? len : 65536);
		if (pwrite(fds[slot].fd, chance(90) ? bigbuf : bad_pointer(len),
			   len, off) < 0) {
			/* ignored */
		}
	}
}

static void fuzz_console(void)
{
	int slot = pick_fd(FD_CONSOLE);
	char buf[512];

	if (slot < 0)
		return;
	fcntl(fds[slot].fd, F_SETFL, O_NONBLOCK);
	if (read(fds[slot].fd, buf, below(sizeof(buf))) < 0) {
		/* ignored */
	}
}

/* Close an fd; sometimes keep the number around, stale (maybe reused). */
static void fuzz_close(void)
{
	int slot = pick_fd(FD_FREE);

	if (slot < 0 || fds[slot].kind == FD_STALE)
		return;
	if (chance(30) && fds[slot].kind == FD_VM) {
		int d = dup(fds[slot].fd);

		close(fds[slot].fd);
		if (d >= 0)
			fds[slot].fd = d;
		else
			fds[slot].kind = FD_FREE;
		return;
	}
	close(fds[slot].fd);
	fds[slot].kind = chance(30) ? FD_STALE : FD_FREE;
}

/* Only minivmm-magic ioctls on a stale number: harmless if it was reused. */
static void fuzz_stale(void)
{
	int slot = pick_fd(FD_STALE);

	if (slot < 0)
		return;
	memset(bigbuf, 0, 64);
	ioctl(fds[slot].fd, MINIVMM_VM_GET_REGS, bigbuf);
	nr_ioctls++;
	fds[slot].kind = FD_FREE;
}

/* ---- real VMs, destroyed concurrently ------------------------------------ */

static void real_vm_round(unsigned int round)
{
	struct reply r = { 0 };
	struct create_args c;
	char name[MINIVMM_NAME_MAX];
	pid_t child;
	int dev, vmfd = -1, con = -1, i;
	uint32_t id;

	snprintf(name, sizeof(name), "nlfuzz-%d-%u", (int)getpid(), round);
	c.name = name;
	c.mem = (1 + below(64)) * 64 * 1024;
	if (nl_request(MINIVMM_CMD_VM_CREATE, false, &r, put_create, &c) < 0 ||
	    !r.id)
		return;
	id = r.id;
	dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev >= 0) {
		struct minivmm_open_vm ov = { .id = id };

		vmfd = ioctl(dev, MINIVMM_OPEN_VM, &ov);
		nr_ioctls++;
		close(dev);
	}
	if (vmfd >= 0) {
		/* A guest of random bytes: it faults, spins or exits. */
		fill(bigbuf, 8192);
		if (pwrite(vmfd, bigbuf, 8192, 0) < 0) {
			/* ignored */
		}
		con = ioctl(vmfd, MINIVMM_VM_CONSOLE);
		nr_ioctls++;
		if (con >= 0)
			fcntl(con, F_SETFL, O_NONBLOCK);
	}
	vm_simple(MINIVMM_CMD_VM_START, id, false);
	nr_msgs++;

	child = fork();
	if (child == 0) {
		struct timespec ts = { 0, (long)below(3000000) };

		nanosleep(&ts, NULL);
		vm_simple(MINIVMM_CMD_VM_DESTROY, id, true);
		_exit(0);
	}
	/* Meanwhile: use the VM through its fds and over netlink. */
	for (i = 0; i < 20; i++) {
		char buf[256];

		switch (below(6)) {
		case 0:
			if (vmfd >= 0 && pread(vmfd, bigbuf, 4096, (off_t)below(c.mem)) < 0) {
				/* ignored */
			}
			break;
		case 1:
			if (vmfd >= 0) {
				memset(bigbuf, 0, sizeof(struct minivmm_regs));
				ioctl(vmfd, MINIVMM_VM_GET_REGS, bigbuf);
				nr_ioctls++;
			}
			break;
		case 2:
			if (con >= 0 && read(con, buf, sizeof(buf)) < 0) {
				/* ignored */
			}
			break;
		case 3:
			vm_simple(chance(50) ? MINIVMM_CMD_VM_PAUSE
					     : MINIVMM_CMD_VM_RESUME, id, false);
			nr_msgs++;
			break;
		case 4:
			vm_simple(MINIVMM_CMD_VM_STOP, id, chance(50));
			nr_msgs++;
			break;
		default:
			vm_simple(MINIVMM_CMD_VM_DESTROY, id, true);
			nr_msgs++;
			break;
		}
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	vm_simple(MINIVMM_CMD_VM_DESTROY, id, true);
	nr_msgs++;
	/* The fds outlive the VM: they must fail cleanly now. */
	if (vmfd >= 0) {
		if (pread(vmfd, bigbuf, 64, 0) < 0) {
			/* ignored */
		}
		ioctl(vmfd, MINIVMM_VM_GET_REGS, bigbuf);
		nr_ioctls++;
		close(vmfd);
	}
	if (con >= 0) {
		char buf[64];

		if (read(con, buf, sizeof(buf)) < 0) {
			/* ignored */
		}
		close(con);
	}
}

/* ---- nlfuzz --cycles N NAME [start] ------------------------------------------ */

/*
 * N create/destroy cycles; with "start", each VM is also started (its
 * zeroed RAM runs as code until the forced destroy takes the CPU back), so
 * that vCPU threads, control structures and nested page tables come and go.
 */
static int cycles(const char *count, const char *name, bool start)
{
	struct create_args c = { .name = name, .mem = 64 * 1024 };
	unsigned long n, i;
	char *end;
	int err;

	n = strtoul(count, &end, 0);
	if (*end || !n) {
		fprintf(stderr, "nlfuzz: --cycles N must be a positive number\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		struct reply r = { 0 };

		err = nl_request(MINIVMM_CMD_VM_CREATE, false, &r, put_create, &c);
		if (err < 0 || !r.id) {
			fprintf(stderr, "nlfuzz: create %s in cycle %lu: %s\n", name,
				i, err < 0 ? strerror(-err) : "no id in the reply");
			return 1;
		}
		err = start ? vm_simple(MINIVMM_CMD_VM_START, r.id, false) : 0;
		if (err < 0) {
			fprintf(stderr, "nlfuzz: start %s (id %u) in cycle %lu: %s\n",
				name, r.id, i, strerror(-err));
			return 1;
		}
		err = vm_simple(MINIVMM_CMD_VM_DESTROY, r.id, start);
		if (err < 0) {
			fprintf(stderr, "nlfuzz: destroy %s (id %u) in cycle %lu: %s\n",
				name, r.id, i, strerror(-err));
			return 1;
		}
	}
	printf("nlfuzz: %lu create/%sdestroy cycles of %s, done\n", n,
	       start ? "start/" : "", name);
	return 0;
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	struct reply before = { 0 }, after = { 0 }, pol = { 0 }, info = { 0 };
	struct nl_sock *sk;
	unsigned long n, i, every;
	double t0;
	int family, dev, ok = 1;
	unsigned int rounds = 0, j;
	char *end;

	if ((argc == 4 || (argc == 5 && !strcmp(argv[4], "start"))) &&
	    !strcmp(argv[1], "--cycles"))
		return cycles(argv[2], argv[3], argc == 5);
	if (argc != 3) {
		fprintf(stderr, "usage: nlfuzz N SEED | nlfuzz --cycles N NAME [start]\n");
		return 2;
	}
	n = strtoul(argv[1], &end, 0);
	if (*end || !n) {
		fprintf(stderr, "nlfuzz: N must be a positive number\n");
		return 2;
	}
	rng = strtoull(argv[2], &end, 0);
	if (*end) {
		fprintf(stderr, "nlfuzz: SEED must be a number\n");
		return 2;
	}
	rng = rng * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	if (!rng)
		rng = 1;
	signal(SIGPIPE, SIG_IGN);
	printf("nlfuzz: %lu iterations, seed %s\n", n, argv[2]);
	fflush(stdout);

	bigbuf = mmap(NULL, 65536 + 8192, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bigbuf == MAP_FAILED) {
		perror("nlfuzz: mmap");
		return 2;
	}
	guard = bigbuf + 65536 + 4096;
	mprotect(guard, 4096, PROT_NONE);
	edge = guard - 8;

	sk = nl_open(&family);
	if (!sk) {
		fprintf(stderr, "nlfuzz: the minivmm netlink family is not there\n");
		return 1;
	}
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	/* What exists now is not ours to destroy; the policy is restored. */
	nl_request(MINIVMM_CMD_VM_GET, true, &before, NULL, NULL);
	nl_request(MINIVMM_CMD_POLICY_GET, false, &pol, NULL, NULL);

	every = n / 16 ? n / 16 : 1;
	t0 = now();
	for (i = 0; i < n && now() - t0 < TIME_LIMIT_S; i++) {
		fuzz_netlink(sk, family);
		switch (below(8)) {
		case 0: case 1: case 2:
			fuzz_ioctl(nl_socket_get_fd(sk));
			break;
		case 3: case 4:
			fuzz_rw();
			break;
		case 5:
			fuzz_console();
			break;
		case 6:
			fuzz_close();
			break;
		default:
			fuzz_stale();
			break;
		}
		if (i % every == every - 1 && rounds < 16)
			real_vm_round(rounds++);
	}
	if (i < n)
		printf("nlfuzz: time limit (%d s) reached after %lu iterations\n",
		       TIME_LIMIT_S, i);

	for (j = 0; j < MAX_FDS; j++)
		if (fds[j].kind != FD_FREE && fds[j].kind != FD_STALE)
			close(fds[j].fd);
	nl_socket_free(sk);

	/* Clean up: policy back, VMs created by random requests gone. */
	if (pol.has_policy &&
	    nl_request(MINIVMM_CMD_POLICY_SET, false, &after, put_policy, &pol) < 0)
		fprintf(stderr, "nlfuzz: could not restore the policy\n");
	memset(&after, 0, sizeof(after));
	if (nl_request(MINIVMM_CMD_VM_GET, true, &after, NULL, NULL) < 0) {
		fprintf(stderr, "nlfuzz: VM_GET dump fails after fuzzing\n");
		ok = 0;
	}
	for (j = 0; j < after.nr_ids; j++) {
		unsigned int k;
		bool old = false;

		for (k = 0; k < before.nr_ids; k++)
			old |= before.ids[k] == after.ids[j];
		if (!old)
			vm_simple(MINIVMM_CMD_VM_DESTROY, after.ids[j], true);
	}

	/* Does the module still answer? */
	if (nl_request(MINIVMM_CMD_INFO, false, &info, NULL, NULL) < 0 ||
	    !info.has_api) {
		fprintf(stderr, "nlfuzz: INFO over netlink does not answer\n");
		ok = 0;
	}
	dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "nlfuzz: cannot open %s: %s\n", DEV_PATH,
			strerror(errno));
		ok = 0;
	} else {
		struct minivmm_info mi;

		if (ioctl(dev, MINIVMM_GET_INFO, &mi) < 0 ||
		    mi.api_version != MINIVMM_API_VERSION) {
			fprintf(stderr, "nlfuzz: GET_INFO ioctl fails: %s\n",
				strerror(errno));
			ok = 0;
		}
		close(dev);
	}
	printf("nlfuzz: %lu messages, %lu ioctls, %s\n", nr_msgs, nr_ioctls,
	       ok ? "done" : "MODULE STOPPED ANSWERING");
	return ok ? 0 : 1;
}
