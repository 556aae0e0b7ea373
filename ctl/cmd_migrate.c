// SPDX-License-Identifier: GPL-2.0
/*
 * migrate, receive: move a running VM to another minivmm host, over TCP or
 * through a pipe (minivmmctl(8), LIVE MIGRATION).
 *
 * The stream is a sequence of frames, each a snapshot section header
 * (type, crc32 of the payload, payload length; little-endian) and its
 * payload:
 *
 *   source -> receiver
 *     HELLO   the snapshot file header and CONFIG payload: RAM size,
 *             vCPUs, name, the CPU features the guest was shown
 *     PAGES   a guest-physical address and 1..512 pages of RAM
 *     STATE   a whole snapshot file without RAM sections, taken while
 *             the VM is paused: vCPUs, local APICs, devices, console
 *     SYNC    answer SYNCED once everything before it is in the VM
 *     GO      start the VM
 *     ABORT   a sentence: the source gives up; the receiver frees all
 *   receiver -> source
 *     SYNCED  everything before the SYNC is in the VM
 *     READY   STATE was checked and loaded into the VM, started paused
 *     RUNNING the VM runs here (payload: its id)
 *     REFUSED a sentence: the receiver gives up and frees all
 *
 * The source enables dirty logging (kmod/dirty.c) and sends pre-copy
 * rounds: first every page that holds data, then the pages dirtied during
 * the previous round, until the pages dirtied meanwhile would take no more
 * than --max-downtime at the rate the last round reached (or --max-rounds
 * is reached: stop-and-copy, said so).  Each round ends with SYNC: its
 * rate is the rate at which the receiver took the pages, not the rate of
 * filling the buffers on the way, and no backlog of earlier rounds is
 * left to the downtime.  Then it pauses the VM, sends the
 * last dirty pages and STATE, and waits for READY before it sends GO.
 * Until GO, any failure (connection lost, REFUSED, a timeout) resumes the
 * VM here and nothing is lost; once GO is sent the receiver may run the
 * VM, so without RUNNING the source leaves its copy paused (never two
 * running copies) and says so.  After RUNNING it destroys its VM.
 *
 * The receiver accepts one migration per invocation and checks every
 * frame as restore checks a file (the same code for STATE); whatever goes
 * wrong, the VM it created is destroyed.  Nothing is authenticated or
 * encrypted: the crc32s catch damage, not an attacker (README.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "ctl.h"
#include "snapfile.h"
#include "snap_vcpu.h"
#include "snapshot.h"

enum mig_type {
	MIG_HELLO = 0x4d470001,
	MIG_PAGES,
	MIG_STATE,
	MIG_GO,
	MIG_ABORT,
	MIG_SYNC,
	MIG_READY = 0x4d470101,
	MIG_RUNNING,
	MIG_REFUSED,
	MIG_SYNCED,
};

struct mig_frame {
	uint32_t type, crc;
	uint64_t len;
};
_Static_assert(sizeof(struct mig_frame) == SNAP_SECTION_HDR, "mig_frame size");

#define MIG_PAGES_MAX		SNAP_RUN_MAX_PAGES
#define MIG_HELLO_LEN		(SNAP_HEADER_SIZE + sizeof(struct snap_config))
#define MIG_STATE_MAX		(64ULL << 20)
#define MIG_MSG_MAX		255
#define MIG_IDLE_MS		120000	/* no byte for this long: give up */
#define MIG_REPLY_MS		60000	/* READY / RUNNING after STATE / GO */
#define MIG_DEFAULT_DOWNTIME	300	/* ms, as QEMU's default */
#define MIG_DEFAULT_ROUNDS	30
/* A dirty set this small is not worth another round. */
#define MIG_FINAL_PAGES		16

/*
 * SIGINT, SIGTERM, SIGHUP: give up cleanly (resume, or destroy the copy).
 * The reads and writes look at the flag before each call too: a signal
 * that came while this process was not blocked interrupts nothing, and a
 * steady stream would otherwise never be cut.
 */
static volatile sig_atomic_t mig_interrupted;

static void mig_on_signal(int sig)
{
	mig_interrupted = sig;
}

static void mig_signals(void)
{
	struct sigaction sa = { .sa_handler = mig_on_signal };

	/* No SA_RESTART: a blocked read or write returns EINTR. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct mig_io {
	int in, out;
	int err;		/* errno of the first failure, or EPIPE at EOF */
	uint64_t sent;		/* bytes written */
	bool last_word;		/* the ABORT/REFUSED after a failure: tried
				 * even after a signal asked to give up */
	int idle_ms;		/* no byte for this long: give up */
	int reply_ms;		/* READY / RUNNING after STATE / GO */
	/*
	 * The receiver reads through a buffer (MIG_RBUF bytes, NULL: not):
	 * a round after the first is mostly frames of one page, and one
	 * read() for each header and payload cost more than the page.
	 */
	uint8_t *rbuf;
	size_t rpos, rlen;
};

#define MIG_RBUF		(256 * 1024)

/* The waits of struct mig_io until --timeout says otherwise. */
#define MIG_IO_DEFAULT_WAITS { .idle_ms = MIG_IDLE_MS, .reply_ms = MIG_REPLY_MS }

/* --timeout SECONDS: both waits at least that long (a slow link). */
static int mig_parse_timeout(const char *what, const char *arg,
			     struct mig_io *io)
{
	char *end;
	unsigned long sec;

	errno = 0;
	sec = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || !sec || sec > 86400)
		return ctl_usage_error("%s: --timeout takes seconds, 1 to 86400", what);
	io->reply_ms = (int)(sec * 1000);
	io->idle_ms = io->reply_ms > MIG_IDLE_MS ? io->reply_ms : MIG_IDLE_MS;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* All of @iov (@cnt pieces, consumed) in as few writes as the fd takes. */
static void io_writev(struct mig_io *io, struct iovec *iov, int cnt)
{
	while (cnt && !io->err) {
		ssize_t n;

		if (!iov->iov_len) {
			iov++;
			cnt--;
			continue;
		}
		if (mig_interrupted && !io->last_word) {
			io->err = EINTR;
			return;
		}
		n = writev(io->out, iov, cnt);
		if (n < 0 && errno == EINTR && !mig_interrupted)
			continue;
		if (n <= 0) {
			io->err = n < 0 ? errno : EIO;
			return;
		}
		io->sent += (uint64_t)n;
		while (cnt && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
}

/* Exactly @len bytes within @timeout_ms of silence each; 0 or -1. */
static int io_read(struct mig_io *io, void *buf, size_t len, int timeout_ms)
{
	char *p = buf;

	while (len) {
		struct pollfd pfd = { .fd = io->in, .events = POLLIN };
		size_t take = io->rlen - io->rpos < len ? io->rlen - io->rpos : len;
		void *dst = p;
		size_t want = len;
		ssize_t n;
		int r;

		if (take) {	/* what the buffer holds first */
			memcpy(p, io->rbuf + io->rpos, take);
			io->rpos += take;
			p += take;
			len -= take;
			continue;
		}
		/* A large rest goes straight where it belongs. */
		if (io->rbuf && len < MIG_RBUF / 2) {
			io->rpos = io->rlen = 0;
			dst = io->rbuf;
			want = MIG_RBUF;
		}

		if (mig_interrupted) {
			io->err = EINTR;
			return -1;
		}
		r = poll(&pfd, 1, timeout_ms);

		if (r < 0 && errno == EINTR && !mig_interrupted)
			continue;
		if (r <= 0) {
			io->err = r == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		n = read(io->in, dst, want);
		if (n < 0 && errno == EINTR && !mig_interrupted)
			continue;
		if (n <= 0) {
			io->err = n < 0 ? errno : EPIPE;
			return -1;
		}
		if (dst == io->rbuf) {
			io->rlen = (size_t)n;
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void send_frame(struct mig_io *io, uint32_t type, const void *a,
		       size_t alen, const void *b, size_t blen)
{
	struct mig_frame f = { .type = type, .len = alen + blen };
	struct iovec iov[3] = {
		{ .iov_base = &f, .iov_len = sizeof(f) },
		{ .iov_base = (void *)a, .iov_len = alen },
		{ .iov_base = (void *)b, .iov_len = blen },
	};

	f.crc = snap_crc(snap_crc(0, a, alen), b, blen);
	/* One write, one segment: frames of one page are the common case. */
	io_writev(io, iov, 3);
}

static void send_msg(struct mig_io *io, uint32_t type, const char *msg)
{
	send_frame(io, type, msg, strnlen(msg, MIG_MSG_MAX), NULL, 0);
}

/* A short frame (reply, ABORT, GO) into @buf (NUL-terminated). */
static int recv_small(struct mig_io *io, struct mig_frame *f, char *buf,
		      size_t cap, int timeout_ms)
{
	if (io_read(io, f, sizeof(*f), timeout_ms))
		return -1;
	if (f->len >= cap) {
		io->err = EPROTO;
		return -1;
	}
	if (io_read(io, buf, f->len, timeout_ms))
		return -1;
	buf[f->len] = 0;
	if (snap_crc(0, buf, f->len) != f->crc) {
		io->err = EBADMSG;
		return -1;
	}
	return 0;
}

static const char *io_why(const struct mig_io *io)
{
	if (io->err == EPIPE)
		return "the connection was closed";
	if (io->err == ETIMEDOUT)
		return "the other side sent nothing for too long";
	if (io->err == EPROTO || io->err == EBADMSG)
		return "the other side sent a damaged or unexpected frame";
	if (io->err == EINTR)
		return "interrupted by a signal";
	return strerror(io->err);
}

static int vm_nl(const char *what, int cmd, uint32_t id, bool force)
{
	struct ctl_nl_req req = { .cmd = cmd, .what = what, .has_id = true,
				  .id = id, .force = force };

	return ctl_nl_call(&req, NULL, NULL);
}

/* HOST:PORT or [ADDR]:PORT: split at the last colon. */
static int split_hostport(const char *arg, char *host, size_t cap,
			  const char **port)
{
	const char *colon = strrchr(arg, ':');
	size_t hl;

	if (!colon) {
		host[0] = 0;
		*port = arg;
		return **port ? 0 : -1;
	}
	hl = (size_t)(colon - arg);
	if (hl && arg[0] == '[' && arg[hl - 1] == ']') {
		arg++;
		hl -= 2;
	}
	if (hl >= cap || !colon[1])
		return -1;
	memcpy(host, arg, hl);
	host[hl] = 0;
	*port = colon + 1;
	return 0;
}

/* ==== the source ========================================================= */

struct mig_src {
	const char *what;
	struct ctl_vm vm;
	int vmfd;
	struct mig_io io;
	uint64_t bandwidth;		/* bytes/s, 0: unlimited */
	uint64_t t_start;
	uint64_t npages, map_bytes;
	uint8_t *map, *map2, *buf;
	uint64_t pages_sent;
	/* What logging per 2 MiB block would have sent (issue 20's choice). */
	uint64_t pages_if_2m;
	/* The first fetch, which write-protects every page holding data. */
	uint64_t first_fetch_ns, first_fetch_pages;
	char refusal[MIG_MSG_MAX + 1];	/* the receiver's REFUSED sentence */
};

/*
 * Keep the average rate since the start at or under --bandwidth.  The
 * wait ends early when the receiver says something (a refusal) or goes.
 */
static void throttle(struct mig_src *s)
{
	struct pollfd pfd = { .fd = s->io.in, .events = POLLIN };
	uint64_t due, el;

	if (!s->bandwidth)
		return;
	due = (uint64_t)((double)s->io.sent * 1e9 / (double)s->bandwidth);
	el = now_ns() - s->t_start;
	if (due > el)
		poll(&pfd, 1, (int)((due - el) / 1000000ULL) + 1);
}

/* Did the receiver say something (it only ever refuses before STATE)? */
static bool receiver_refused(struct mig_src *s, int timeout_ms)
{
	struct pollfd pfd = { .fd = s->io.in, .events = POLLIN };
	struct mig_frame f;
	struct mig_io rio = { .in = s->io.in };

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return false;
	if (recv_small(&rio, &f, s->refusal, sizeof(s->refusal), 1000)) {
		s->refusal[0] = 0;
		s->io.err = rio.err;	/* closed, most likely */
	} else if (f.type != MIG_REFUSED) {
		snprintf(s->refusal, sizeof(s->refusal), "it sent an unexpected frame");
	}
	return true;
}

/*
 * After the first round: stop and copy once the @count pages left fit the
 * downtime target, unless another round would still halve them (from
 * @prev): a round costs the guest nothing but bytes, and every page it
 * takes off the final copy is downtime saved.  At 1 MiB/s dirtied and a
 * link 20 times faster, the target alone would stop with about 1.5 MiB
 * (some 100 ms) to copy while paused; halving stops with a few pages.
 */
static bool precopy_done(uint64_t count, uint64_t prev, uint64_t est_ms,
			 unsigned long max_downtime)
{
	if (est_ms > max_downtime)
		return false;
	return count <= MIG_FINAL_PAGES || count * 2 > prev;
}

static int fetch_dirty(struct mig_src *s, uint8_t *map, uint64_t *count)
{
	struct minivmm_dirty_bitmap req = {
		.bitmap = (uintptr_t)map, .bitmap_size = s->map_bytes,
		.first_gpa = 0, .npages = s->npages,
	};

	uint64_t t0 = now_ns();

	if (ioctl(s->vmfd, MINIVMM_VM_GET_DIRTY, &req) < 0) {
		ctl_err("%s: cannot fetch the dirty-page log: %s", s->what,
			strerror(errno));
		return -1;
	}
	if (!s->first_fetch_ns) {
		s->first_fetch_ns = now_ns() - t0 + 1;
		s->first_fetch_pages = req.dirty;
	}
	*count = req.dirty;
	return 0;
}

/*
 * Pages that logging per 2 MiB block would send for @map: every page of
 * each block with a dirty page.  Only counted (the bench compares it).
 */
static uint64_t pages_at_2m(const struct mig_src *s, const uint8_t *map)
{
	const uint64_t block_bytes = MIG_PAGES_MAX / 8;
	uint64_t base, i, n = 0, end;

	for (base = 0; base < s->map_bytes; base += block_bytes) {
		end = base + block_bytes < s->map_bytes ? base + block_bytes : s->map_bytes;
		for (i = base; i < end && !map[i]; i++)
			;
		if (i < end)
			n += MIG_PAGES_MAX < s->npages - base * 8 ?
			     MIG_PAGES_MAX : s->npages - base * 8;
	}
	return n;
}

static bool bit(const uint8_t *map, uint64_t n)
{
	return map[n / 8] >> (n % 8) & 1;
}

static bool page_zero(const uint8_t *p)
{
	static const uint8_t zero[SNAP_PAGE];

	return !memcmp(p, zero, SNAP_PAGE);
}

/* Frames for the @n pages in s->buf from page @first (zero ones skipped). */
static int send_run(struct mig_src *s, uint64_t first, uint64_t n,
		    bool skip_zero)
{
	uint64_t i = 0, start, gpa;

	while (i < n) {
		while (i < n && skip_zero && page_zero(s->buf + i * SNAP_PAGE))
			i++;
		for (start = i; i < n; i++)
			if (skip_zero && page_zero(s->buf + i * SNAP_PAGE))
				break;
		if (start == i)
			continue;
		gpa = (first + start) * SNAP_PAGE;
		send_frame(&s->io, MIG_PAGES, &gpa, sizeof(gpa),
			   s->buf + start * SNAP_PAGE, (i - start) * SNAP_PAGE);
		s->pages_sent += i - start;
		throttle(s);
		if (s->io.err || receiver_refused(s, 0))
			return -1;
	}
	return 0;
}

/*
 * Send the pages set in @map, in frames of up to 512 pages within a
 * 2 MiB block, reading only those pages; with @skip_zero, pages that are
 * all zero are left out (the receiver's RAM starts zeroed).
 */
static int send_pages(struct mig_src *s, const uint8_t *map, bool skip_zero)
{
	uint64_t base, i, end, n, len;

	for (base = 0; base < s->npages; base += MIG_PAGES_MAX) {
		n = s->npages - base < MIG_PAGES_MAX ? s->npages - base : MIG_PAGES_MAX;
		for (i = 0; i < n; i = end) {
			while (i < n && !bit(map, base + i))
				i++;
			for (end = i; end < n && bit(map, base + end); end++)
				;
			if (end == i)
				continue;
			len = (end - i) * SNAP_PAGE;
			if (ctl_pread_full(s->vmfd, s->buf, len,
					   (base + i) * SNAP_PAGE) != (ssize_t)len) {
				ctl_err("%s: cannot read guest RAM at %#llx: %s",
					s->what,
					(unsigned long long)((base + i) * SNAP_PAGE),
					strerror(errno));
				return -1;
			}
			if (send_run(s, base + i, end - i, skip_zero))
				return -1;
		}
	}
	return 0;
}

/*
 * End a round: wait until the receiver has taken everything sent so far
 * (SYNC, SYNCED), or refused.
 */
static int sync_round(struct mig_src *s)
{
	struct mig_frame f;
	char reply[MIG_MSG_MAX + 1];

	send_frame(&s->io, MIG_SYNC, NULL, 0, NULL, 0);
	if (s->io.err ||
	    recv_small(&s->io, &f, reply, sizeof(reply), s->io.reply_ms))
		return -1;
	if (f.type == MIG_REFUSED) {
		snprintf(s->refusal, sizeof(s->refusal), "%s", reply);
		return -1;
	}
	if (f.type != MIG_SYNCED) {
		s->io.err = EPROTO;
		return -1;
	}
	return 0;
}

static int send_hello(struct mig_src *s)
{
	struct snap_header h;
	struct snap_config cfg;

	snap_describe(&s->vm, MINIVMM_VM_RUNNING, &h, &cfg);
	send_frame(&s->io, MIG_HELLO, &h, sizeof(h), &cfg, sizeof(cfg));
	return s->io.err ? -1 : 0;
}

/* The paused VM's state (no RAM) as one STATE frame. */
static int send_state(struct mig_src *s)
{
	int fd = memfd_create("minivmm-migrate", MFD_CLOEXEC);
	struct stat st;
	void *p;
	int ret = -1;

	if (fd < 0) {
		ctl_err("%s: memfd_create: %s", s->what, strerror(errno));
		return -1;
	}
	if (snap_write_state(s->what, fd, s->vmfd, &s->vm, MINIVMM_VM_RUNNING))
		goto out;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		ctl_err("%s: fstat: %s", s->what, strerror(errno));
		goto out;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ctl_err("%s: mmap: %s", s->what, strerror(errno));
		goto out;
	}
	send_frame(&s->io, MIG_STATE, p, (size_t)st.st_size, NULL, 0);
	munmap(p, (size_t)st.st_size);
	ret = s->io.err ? -1 : 0;
out:
	close(fd);
	return ret;
}

static int connect_to(const char *what, const char *dest)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char host[256];
	const char *port;
	int fd = -1, r, one = 1;

	if (split_hostport(dest, host, sizeof(host), &port) || !host[0]) {
		ctl_usage_error("migrate: '%s' is not HOST:PORT or -", dest);
		return -2;
	}
	r = getaddrinfo(host, port, &hints, &res);
	if (r) {
		ctl_err("%s: cannot resolve '%s': %s", what, dest, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		r = errno;
		close(fd);
		fd = -1;
		errno = r;
	}
	freeaddrinfo(res);
	if (fd < 0)
		ctl_err("%s: cannot connect to %s: %s", what, dest, strerror(errno));
	else
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

int cmd_migrate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-downtime", required_argument, NULL, 'd' },
		{ "bandwidth", required_argument, NULL, 'b' },
		{ "max-rounds", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct mig_src s = { .what = "migrate", .vmfd = -1,
			     .io = MIG_IO_DEFAULT_WAITS };
	struct minivmm_dirty_log log = { .enable = 1 };
	unsigned long max_downtime = MIG_DEFAULT_DOWNTIME;
	unsigned long max_rounds = MIG_DEFAULT_ROUNDS;
	uint64_t count, prev = 0, est_ms = 0, rate = 0, t0, b0, p0, t_pause = 0;
	uint64_t t_ready = 0, t_run = 0, final_pages = 0, i;
	/* Where the downtime goes: paused, log fetched, pages and state sent. */
	uint64_t t_paused = 0, t_fetched = 0, t_sent = 0, t_state = 0;
	bool json = false, logging = false, paused = false, go_sent = false;
	bool stop_copy = false;
	unsigned int round = 0;
	struct mig_frame f;
	char reply[MIG_MSG_MAX + 1], a[32], b[32], *end;
	const char *dest;
	uint32_t dest_id = 0;
	int c, sock = -1, ret = CTL_EXIT_FAIL;

	while ((c = getopt_long(argc, argv, "d:b:r:jt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			errno = 0;
			max_downtime = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || !max_downtime ||
			    max_downtime > 3600000)
				return ctl_usage_error("migrate: --max-downtime takes milliseconds, 1 to 3600000");
			break;
		case 'b':
			if (ctl_parse_size(optarg, &s.bandwidth) < 0 ||
			    s.bandwidth < 4096)
				return ctl_usage_error("migrate: --bandwidth takes bytes per second (4K at least; K, M, G suffixes)");
			break;
		case 'r':
			errno = 0;
			max_rounds = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || max_rounds < 1 ||
			    max_rounds > 1000)
				return ctl_usage_error("migrate: --max-rounds takes 1 to 1000");
			break;
		case 'j':
			json = true;
			break;
		case 't':
			if (mig_parse_timeout(s.what, optarg, &s.io))
				return CTL_EXIT_USAGE;
			break;
		default:
			return ctl_bad_option(s.what, argv);
		}
	}
	if (optind + 2 != argc)
		return ctl_usage_error("migrate needs a NAME|ID and HOST:PORT or -");
	dest = argv[optind + 1];
	if (strcmp(dest, "-") && !strrchr(dest, ':'))
		return ctl_usage_error("migrate: '%s' is not HOST:PORT or -", dest);
	mig_signals();
	ret = ctl_vm_get(s.what, argv[optind], &s.vm);
	if (ret)
		return ret;
	ret = CTL_EXIT_FAIL;
	if (s.vm.state != MINIVMM_VM_RUNNING) {
		ctl_err("%s: VM '%s' is %s: migrate moves running VMs (save and restore move others)",
			s.what, s.vm.name, ctl_state_name(s.vm.state));
		return CTL_EXIT_FAIL;
	}
	s.npages = s.vm.mem / SNAP_PAGE;
	s.map_bytes = (s.npages + 7) / 8;
	s.map = calloc(1, s.map_bytes);
	s.map2 = calloc(1, s.map_bytes);
	s.buf = malloc(MIG_PAGES_MAX * SNAP_PAGE);
	if (!s.map || !s.map2 || !s.buf) {
		ctl_err("%s: out of memory", s.what);
		goto out;
	}
	if (!strcmp(dest, "-")) {
		s.io.in = 0;
		s.io.out = 1;
	} else {
		sock = connect_to(s.what, dest);
		if (sock == -2) {
			ret = CTL_EXIT_USAGE;
			goto out;
		}
		if (sock < 0)
			goto out;
		s.io.in = s.io.out = sock;
	}
	s.vmfd = ctl_open_vm(s.what, s.vm.id);
	if (s.vmfd < 0)
		goto out;
	if (ioctl(s.vmfd, MINIVMM_VM_DIRTY_LOG, &log) < 0) {
		if (errno == EBUSY)
			ctl_err("%s: VM '%s' has had its RAM mapped by a device process (virtio): its writes cannot be tracked, so it cannot migrate live",
				s.what, s.vm.name);
		else if (errno == EEXIST)
			ctl_err("%s: VM '%s' is already being migrated", s.what,
				s.vm.name);
		else
			ctl_err("%s: cannot start dirty-page logging: %s",
				s.what, strerror(errno));
		goto out;
	}
	logging = true;
	s.t_start = now_ns();
	if (send_hello(&s))
		goto lost;

	/* Pre-copy rounds. */
	for (;;) {
		round++;
		if (mig_interrupted) {
			s.io.err = EINTR;
			goto lost;
		}
		if (fetch_dirty(&s, s.map, &count))
			goto fail;
		if (round > 1) {
			est_ms = rate ? count * SNAP_PAGE * 1000 / rate : 0;
			if (precopy_done(count, prev, est_ms, max_downtime))
				break;
			if (round > max_rounds) {
				stop_copy = est_ms > max_downtime;
				break;
			}
		}
		prev = count;
		t0 = now_ns();
		b0 = s.io.sent;
		p0 = s.pages_sent;
		if (round > 1)
			s.pages_if_2m += pages_at_2m(&s, s.map);
		if (send_pages(&s, s.map, round == 1) || sync_round(&s))
			goto lost;
		if (round == 1)	/* pages holding data, either way */
			s.pages_if_2m += s.pages_sent - p0;
		t0 = now_ns() - t0;
		rate = (uint64_t)((double)(s.io.sent - b0) * 1e9 /
				  (double)(t0 ? t0 : 1));
		if (!rate)
			rate = 1;
		fprintf(stderr, "migrate: round %u: %" PRIu64 " dirty pages, sent %" PRIu64
			" (%s) in %.1f ms, %s/s\n", round, count,
			s.pages_sent - p0, ctl_fmt_size(s.io.sent - b0, a, sizeof(a)),
			ms(t0), ctl_fmt_size(rate, b, sizeof(b)));
	}
	fprintf(stderr, "migrate: round %u: %" PRIu64 " dirty pages, estimated downtime %" PRIu64
		" ms (limit %lu)%s\n", round, count, est_ms, max_downtime,
		stop_copy ? ": not converging, stop-and-copy" : "");

	/* Stop and copy the rest. */
	t_pause = now_ns();
	if (vm_nl(s.what, MINIVMM_CMD_VM_PAUSE, s.vm.id, false))
		goto fail;
	paused = true;
	t_paused = now_ns();
	if (fetch_dirty(&s, s.map2, &count))
		goto fail;
	t_fetched = now_ns();
	for (i = 0; i < s.map_bytes; i++)
		s.map[i] |= s.map2[i];
	s.pages_if_2m += pages_at_2m(&s, s.map);
	p0 = s.pages_sent;
	if (send_pages(&s, s.map, false))
		goto lost;
	t_sent = now_ns();
	if (send_state(&s))
		goto lost;
	t_state = now_ns();
	final_pages = s.pages_sent - p0;
	if (recv_small(&s.io, &f, reply, sizeof(reply), s.io.reply_ms))
		goto lost;
	if (f.type == MIG_REFUSED) {
		snprintf(s.refusal, sizeof(s.refusal), "%s", reply);
		goto lost;
	}
	if (f.type != MIG_READY) {
		s.io.err = EPROTO;
		goto lost;
	}
	t_ready = now_ns();
	send_frame(&s.io, MIG_GO, NULL, 0, NULL, 0);
	if (s.io.err)
		goto lost;
	go_sent = true;
	if (recv_small(&s.io, &f, reply, sizeof(reply), s.io.reply_ms))
		goto lost;
	if (f.type == MIG_REFUSED) {
		/* The receiver refused to start it: it runs nowhere. */
		snprintf(s.refusal, sizeof(s.refusal), "%s", reply);
		go_sent = false;
		goto lost;
	}
	if (f.type != MIG_RUNNING || f.len != sizeof(dest_id)) {
		s.io.err = EPROTO;
		goto lost;
	}
	memcpy(&dest_id, reply, sizeof(dest_id));
	t_run = now_ns();
	/* Running there: this copy goes. */
	ret = vm_nl(s.what, MINIVMM_CMD_VM_DESTROY, s.vm.id, true);
	if (ret)
		ctl_err("%s: VM '%s' runs on the receiver, but this copy could not be destroyed: destroy it by hand",
			s.what, s.vm.name);
	fprintf(stderr, "migrate: done: %u rounds%s, %" PRIu64 " pages (%s) sent for %s of RAM; downtime %.1f ms (paused here to running there), %" PRIu64 " pages while paused\n",
		round, stop_copy ? " then stop-and-copy" : "", s.pages_sent,
		ctl_fmt_size(s.io.sent, a, sizeof(a)),
		ctl_fmt_size(s.vm.mem, b, sizeof(b)), ms(t_run - t_pause),
		final_pages);
	/* With -, stdout is the stream: the summary goes to stderr. */
	if (json && !strcmp(dest, "-")) {
		fflush(stdout);
		if (dup2(2, 1) < 0)
			json = false;
	}
	if (json) {
		printf("{\"vm\": ");
		ctl_json_string(s.vm.name);
		printf(", \"dest_id\": %u, \"rounds\": %u, \"stop_and_copy\": %s, \"pages_sent\": %" PRIu64
		       ", \"bytes_sent\": %" PRIu64 ", \"ram_bytes\": %" PRIu64
		       ", \"final_pages\": %" PRIu64 ", \"downtime_ms\": %.3f, \"ready_ms\": %.3f, \"total_ms\": %.3f"
		       ", \"pages_if_2m\": %" PRIu64 ", \"first_fetch_pages\": %" PRIu64
		       ", \"first_fetch_ms\": %.3f, \"downtime_parts_ms\": {\"pause\": %.3f"
		       ", \"fetch\": %.3f, \"pages\": %.3f, \"state\": %.3f, \"ready\": %.3f"
		       ", \"running\": %.3f}}\n",
		       dest_id, round, stop_copy ? "true" : "false",
		       s.pages_sent, s.io.sent, s.vm.mem, final_pages,
		       ms(t_run - t_pause), ms(t_ready - t_pause),
		       ms(t_run - s.t_start), s.pages_if_2m,
		       s.first_fetch_pages, ms(s.first_fetch_ns),
		       ms(t_paused - t_pause), ms(t_fetched - t_paused),
		       ms(t_sent - t_fetched), ms(t_state - t_sent),
		       ms(t_ready - t_state), ms(t_run - t_ready));
	} else if (strcmp(dest, "-")) {
		printf("%u\n", dest_id);
	}
	logging = false;	/* the VM is gone */
	goto out;

lost:
	if (s.refusal[0])
		ctl_err("%s: the receiver refused the migration: %s", s.what,
			s.refusal);
	else if (s.io.err)
		ctl_err("%s: the migration stream failed: %s", s.what,
			io_why(&s.io));
fail:
	if (!go_sent && !s.refusal[0]) {
		/* Best effort: the receiver frees its VM either way. */
		struct mig_io a = { .out = s.io.out, .last_word = true };

		send_msg(&a, MIG_ABORT, s.io.err ? io_why(&s.io) : ctl_last_err);
	}
	if (go_sent) {
		ctl_err("%s: the receiver may be running VM '%s' now: this copy stays paused; check the receiver, then destroy or resume it here",
			s.what, s.vm.name);
	} else if (paused) {
		if (vm_nl(s.what, MINIVMM_CMD_VM_RESUME, s.vm.id, false) == 0)
			ctl_err("%s: VM '%s' was resumed here", s.what, s.vm.name);
	} else {
		ctl_err("%s: VM '%s' kept running here", s.what, s.vm.name);
	}
	ret = CTL_EXIT_FAIL;
out:
	if (logging) {
		log.enable = 0;
		ioctl(s.vmfd, MINIVMM_VM_DIRTY_LOG, &log);
	}
	if (s.vmfd >= 0)
		close(s.vmfd);
	if (sock >= 0)
		close(sock);
	free(s.map);
	free(s.map2);
	free(s.buf);
	return ret;
}

/* ==== the receiver ======================================================= */

struct mem_reader {
	const uint8_t *p;
	uint64_t size;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	const struct mem_reader *m = ctx;

	if (off > m->size || n > m->size - off)
		return -1;
	memcpy(buf, m->p + off, n);
	return 0;
}

/* Check HELLO as restore checks a file header; a sentence in @err. */
static int check_hello(const uint8_t *p, struct snap_header *h,
		       struct snap_config *cfg, char *err, size_t cap)
{
	memcpy(h, p, sizeof(*h));
	memcpy(cfg, p + sizeof(*h), sizeof(*cfg));
	if (memcmp(h->magic, SNAP_MAGIC, 8)) {
		snprintf(err, cap, "the stream does not start with a minivmm migration header");
		return -1;
	}
	if (snap_header_check(h, err, cap) || snap_config_check(cfg, h, err, cap))
		return -1;
	/* Unlike a file, a stream is read by the version that sends it. */
	if (h->version != SNAP_VERSION) {
		snprintf(err, cap, "the stream's format version %u is not this minivmmctl's (%u)",
			 h->version, SNAP_VERSION);
		return -1;
	}
	return 0;
}

static int listen_on(const char *what, const char *arg)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE }, *res;
	char host[256];
	const char *port;
	int fd, r, one = 1;

	if (split_hostport(arg, host, sizeof(host), &port)) {
		ctl_usage_error("receive: '%s' is not [ADDR:]PORT or -", arg);
		return -2;
	}
	r = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (r) {
		ctl_err("%s: cannot listen on '%s': %s", what, arg, gai_strerror(r));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
		    res->ai_protocol);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1) < 0) {
		ctl_err("%s: cannot listen on '%s': %s", what, arg, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

struct mig_dst {
	const char *what;
	struct mig_io io;
	uint32_t id;			/* the VM made here, 0: none yet */
	int vmfd;
	char err[MIG_MSG_MAX + 1];	/* why we refuse */
};

/* PAGES: check the address range, then write it into the VM. */
static int recv_pages(struct mig_dst *d, const struct mig_frame *f,
		      uint8_t *buf, uint64_t mem)
{
	uint64_t gpa, n;

	if (f->len < 8 + SNAP_PAGE || (f->len - 8) % SNAP_PAGE ||
	    (f->len - 8) / SNAP_PAGE > MIG_PAGES_MAX) {
		snprintf(d->err, sizeof(d->err), "a RAM frame has a bad length (%llu)",
			 (unsigned long long)f->len);
		return -1;
	}
	if (io_read(&d->io, buf, f->len, d->io.idle_ms))
		return -1;
	if (snap_crc(0, buf, f->len) != f->crc) {
		snprintf(d->err, sizeof(d->err), "a RAM frame's checksum does not match its contents");
		return -1;
	}
	memcpy(&gpa, buf, 8);
	n = (f->len - 8) / SNAP_PAGE;
	if (gpa % SNAP_PAGE || gpa >= mem || n > (mem - gpa) / SNAP_PAGE) {
		snprintf(d->err, sizeof(d->err), "a RAM frame is outside the VM's RAM (at %#llx)",
			 (unsigned long long)gpa);
		return -1;
	}
	if (ctl_guest_write(d->what, d->vmfd, buf + 8, f->len - 8, gpa)) {
		snprintf(d->err, sizeof(d->err), "%s", ctl_last_err);
		return -1;
	}
	return 0;
}

/* STATE: check it as restore checks a file, then load it. */
static int recv_state(struct mig_dst *d, const struct mig_frame *f,
		      const struct snap_header *hello)
{
	struct mem_reader m = { .size = f->len };
	struct snap_reader r = { .read = mem_read, .ctx = &m, .size = f->len };
	struct snap_image img;
	uint8_t *blob;
	uint32_t i;
	int ret = -1;

	if (f->len < SNAP_HEADER_SIZE || f->len > MIG_STATE_MAX) {
		snprintf(d->err, sizeof(d->err), "the state frame has a bad length (%llu)",
			 (unsigned long long)f->len);
		return -1;
	}
	blob = malloc(f->len);
	if (!blob) {
		snprintf(d->err, sizeof(d->err), "out of memory");
		return -1;
	}
	memset(&img, 0, sizeof(img));
	if (io_read(&d->io, blob, f->len, d->io.idle_ms))
		goto out;
	if (snap_crc(0, blob, f->len) != f->crc) {
		snprintf(d->err, sizeof(d->err), "the state frame's checksum does not match its contents");
		goto out;
	}
	m.p = blob;
	if (snap_parse(&r, &img, d->err, sizeof(d->err)))
		goto out;
	if (img.hdr.nr_vcpus != hello->nr_vcpus ||
	    img.hdr.mem_size != hello->mem_size || img.nr_runs) {
		snprintf(d->err, sizeof(d->err), "the state frame does not describe the VM the header announced");
		goto out;
	}
	for (i = 0; i < img.hdr.nr_vcpus; i++) {
		const char *why = snap_vcpu_check(i, img.vcpu[i].data,
						  img.vcpu[i].version,
						  img.vcpu[i].size);
		if (why) {
			snprintf(d->err, sizeof(d->err), "%s", why);
			goto out;
		}
	}
	if (snap_load_state(d->what, d->vmfd, &img)) {
		snprintf(d->err, sizeof(d->err), "%s", ctl_last_err);
		goto out;
	}
	ret = 0;
out:
	snap_image_free(&img);
	free(blob);
	return ret;
}

static int start_paused(struct mig_dst *d)
{
	struct ctl_nl_req req = { .cmd = MINIVMM_CMD_VM_START, .what = d->what,
				  .has_id = true, .id = d->id,
				  .start_paused = true };

	if (!ctl_nl_call(&req, NULL, NULL))
		return 0;
	snprintf(d->err, sizeof(d->err), "%s", ctl_last_err);
	return -1;
}

static int receive_one(struct mig_dst *d, const char *name)
{
	uint8_t hello[MIG_HELLO_LEN], *buf = NULL;
	struct snap_header h;
	struct ctl_create_opts copts = { 0 };
	struct snap_config cfg;
	struct mig_frame f;
	char msg[MIG_MSG_MAX + 1];
	int ret = -1;

	if (io_read(&d->io, &f, sizeof(f), d->io.idle_ms))
		return -1;
	if (f.type != MIG_HELLO || f.len != MIG_HELLO_LEN) {
		snprintf(d->err, sizeof(d->err), "the stream does not start with a minivmm migration header");
		return -1;
	}
	if (io_read(&d->io, hello, sizeof(hello), d->io.idle_ms))
		return -1;
	if (snap_crc(0, hello, sizeof(hello)) != f.crc) {
		snprintf(d->err, sizeof(d->err), "the header's checksum does not match its contents");
		return -1;
	}
	if (check_hello(hello, &h, &cfg, d->err, sizeof(d->err)))
		return -1;
	if (!name)
		name = cfg.name;
	if (!snap_name_valid(name)) {
		snprintf(d->err, sizeof(d->err), "'%s' is not a valid VM name", name);
		return -1;
	}
	copts.cpu_model = h.cpu_model;
	if (snap_check_cpu(d->what, &h) ||
	    ctl_vm_create_opts(d->what, name, h.mem_size, h.nr_vcpus, &copts,
			       &d->id)) {
		snprintf(d->err, sizeof(d->err), "%s", ctl_last_err);
		d->id = 0;
		return -1;
	}
	fprintf(stderr, "receive: VM '%s' (%u vCPUs, %s) created as id %u\n", name,
		h.nr_vcpus, ctl_fmt_size(h.mem_size, msg, sizeof(msg)), d->id);
	/* Its threads now, parked: GO then only wakes them (the downtime). */
	if (start_paused(d))
		goto out;
	d->vmfd = ctl_open_vm(d->what, d->id);
	buf = malloc(8 + MIG_PAGES_MAX * SNAP_PAGE);
	if (d->vmfd < 0 || !buf) {
		snprintf(d->err, sizeof(d->err), "%s", d->vmfd < 0 ? ctl_last_err : "out of memory");
		goto out;
	}
	for (;;) {
		if (io_read(&d->io, &f, sizeof(f), d->io.idle_ms))
			goto out;
		if (f.type == MIG_PAGES) {
			if (recv_pages(d, &f, buf, h.mem_size))
				goto out;
			continue;
		}
		if (f.type == MIG_SYNC && !f.len) {
			send_frame(&d->io, MIG_SYNCED, NULL, 0, NULL, 0);
			if (d->io.err)
				goto out;
			continue;
		}
		if (f.type == MIG_ABORT && f.len <= MIG_MSG_MAX) {
			if (io_read(&d->io, msg, f.len, d->io.idle_ms))
				goto out;
			msg[f.len] = 0;
			ctl_err("%s: the source gave up: %s", d->what, msg);
			goto out;
		}
		if (f.type != MIG_STATE) {
			snprintf(d->err, sizeof(d->err), "unexpected frame %#x in the stream", f.type);
			goto out;
		}
		break;
	}
	if (recv_state(d, &f, &h))
		goto out;
	send_frame(&d->io, MIG_READY, NULL, 0, NULL, 0);
	if (d->io.err || recv_small(&d->io, &f, msg, sizeof(msg), d->io.reply_ms))
		goto out;
	if (f.type != MIG_GO) {
		if (f.type == MIG_ABORT)
			ctl_err("%s: the source gave up: %s", d->what, msg);
		else
			snprintf(d->err, sizeof(d->err), "unexpected frame %#x instead of GO", f.type);
		goto out;
	}
	if (vm_nl(d->what, MINIVMM_CMD_VM_RESUME, d->id, false)) {
		snprintf(d->err, sizeof(d->err), "%s", ctl_last_err);
		goto out;
	}
	send_frame(&d->io, MIG_RUNNING, &d->id, sizeof(d->id), NULL, 0);
	/*
	 * Whether or not RUNNING arrives, the source keeps its copy paused
	 * once it sent GO: this one runs on.
	 */
	if (d->io.err)
		ctl_err("%s: VM %u runs here, but the source did not hear it: %s",
			d->what, d->id, io_why(&d->io));
	/* With -, stdout is the stream: the id goes to stderr. */
	fprintf(d->io.out == 1 ? stderr : stdout, "%u\n", d->id);
	ret = 0;
out:
	free(buf);
	return ret;
}

int cmd_receive(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct mig_dst d = { .what = "receive", .vmfd = -1,
			     .io = MIG_IO_DEFAULT_WAITS };
	const char *listen_arg = NULL, *name = NULL;
	int c, lfd = -1, sock = -1, ret;

	while ((c = getopt_long(argc, argv, "l:n:t:", longopts, NULL)) != -1) {
		if (c == 'l')
			listen_arg = optarg;
		else if (c == 'n')
			name = optarg;
		else if (c == 't') {
			if (mig_parse_timeout(d.what, optarg, &d.io))
				return CTL_EXIT_USAGE;
		} else {
			return ctl_bad_option(d.what, argv);
		}
	}
	if (!listen_arg || optind != argc)
		return ctl_usage_error("receive needs --listen [ADDR:]PORT or --listen -");
	if (name && !snap_name_valid(name)) {
		ctl_err("%s: '%s' is not a valid VM name (1-31 of A-Z a-z 0-9 . _ -)",
			d.what, name);
		return CTL_EXIT_FAIL;
	}
	mig_signals();
	if (!strcmp(listen_arg, "-")) {
		d.io.in = 0;
		d.io.out = 1;
	} else {
		lfd = listen_on(d.what, listen_arg);
		if (lfd < 0)
			return lfd == -2 ? CTL_EXIT_USAGE : CTL_EXIT_FAIL;
		fprintf(stderr, "receive: listening on %s\n", listen_arg);
		do
			sock = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		while (sock < 0 && errno == EINTR && !mig_interrupted);
		close(lfd);
		if (sock < 0) {
			ctl_err("%s: accept: %s", d.what, strerror(errno));
			return CTL_EXIT_FAIL;
		}
		d.io.in = d.io.out = sock;
	}
	d.io.rbuf = malloc(MIG_RBUF);
	ret = d.io.rbuf ? receive_one(&d, name) : -1;
	if (!d.io.rbuf)
		snprintf(d.err, sizeof(d.err), "out of memory");
	if (ret && !d.err[0] && d.io.err == EINTR)
		snprintf(d.err, sizeof(d.err), "the receiver was interrupted by a signal");
	if (ret) {
		if (d.err[0]) {
			/* A fresh writer: d.io.err may be set by a failed read. */
			struct mig_io r = { .out = d.io.out, .last_word = true };

			ctl_err("%s: refused: %s", d.what, d.err);
			send_msg(&r, MIG_REFUSED, d.err);
		} else if (d.io.err) {
			ctl_err("%s: the migration stream failed: %s", d.what,
				io_why(&d.io));
		}
		if (d.id) {
			vm_nl(d.what, MINIVMM_CMD_VM_DESTROY, d.id, true);
			fprintf(stderr, "receive: VM %u destroyed\n", d.id);
		}
		/* Let the source read the refusal before the socket goes. */
		if (sock >= 0 && d.err[0]) {
			char sink[4096];
			struct pollfd p = { .fd = sock, .events = POLLIN };

			shutdown(sock, SHUT_WR);
			while (poll(&p, 1, 5000) > 0 &&
			       read(sock, sink, sizeof(sink)) > 0)
				;
		}
	}
	if (d.vmfd >= 0)
		close(d.vmfd);
	if (sock >= 0)
		close(sock);
	free(d.io.rbuf);
	return ret ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
