// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio devices (virtio 1.x, "modern" register layout version 2)
 * served from user space: a block device on a raw image file, a network
 * device on a tap interface, an entropy source.  One process, one poll()
 * loop: guest register accesses arrive on the device fd (kmod/uio.c),
 * virtqueues are read in guest RAM mapped through the VM fd, interrupts go
 * out through MINIVMM_DEV_IRQ.  A driver that breaks the queue rules gets
 * DEVICE_NEEDS_RESET, never a crash.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include "ctl.h"
#include "le.h"
#include "virtio.h"

/* MMIO registers (virtio 1.x, 4.2.2). */
#define VM_MAGIC		0x000
#define VM_VERSION		0x004
#define VM_DEVICE_ID		0x008
#define VM_VENDOR_ID		0x00c
#define VM_DEV_FEATURES		0x010
#define VM_DEV_FEATURES_SEL	0x014
#define VM_DRV_FEATURES		0x020
#define VM_DRV_FEATURES_SEL	0x024
#define VM_QUEUE_SEL		0x030
#define VM_QUEUE_NUM_MAX	0x034
#define VM_QUEUE_NUM		0x038
#define VM_QUEUE_READY		0x044
#define VM_QUEUE_NOTIFY		0x050
#define VM_INT_STATUS		0x060
#define VM_INT_ACK		0x064
#define VM_STATUS		0x070
#define VM_QUEUE_DESC_LO	0x080
#define VM_QUEUE_DESC_HI	0x084
#define VM_QUEUE_AVAIL_LO	0x090
#define VM_QUEUE_AVAIL_HI	0x094
#define VM_QUEUE_USED_LO	0x0a0
#define VM_QUEUE_USED_HI	0x0a4
#define VM_CONFIG_GEN		0x0fc
#define VM_CONFIG		0x100

#define VIRTIO_F_INDIRECT_DESC	(1ULL << 28)
#define VIRTIO_F_EVENT_IDX	(1ULL << 29)
#define VIRTIO_F_VERSION_1	(1ULL << 32)
#define STATUS_NEEDS_RESET	0x40
#define INT_VRING		1
#define INT_CONFIG		2

#define VIRTIO_BLK_F_SEG_MAX	(1ULL << 2)
#define VIRTIO_BLK_F_RO		(1ULL << 5)
#define VIRTIO_BLK_F_FLUSH	(1ULL << 9)
#define VIRTIO_BLK_F_TOPOLOGY	(1ULL << 10)
/* opt_io_size, in 512-byte sectors: 1 MiB. */
#define BLK_OPT_IO_SECTORS	2048
#define VIRTIO_NET_F_CSUM	(1ULL << 0)
#define VIRTIO_NET_F_GUEST_CSUM	(1ULL << 1)
#define VIRTIO_NET_F_MAC	(1ULL << 5)
#define VIRTIO_NET_F_GUEST_TSO4	(1ULL << 7)
#define VIRTIO_NET_F_GUEST_TSO6	(1ULL << 8)
#define VIRTIO_NET_F_HOST_TSO4	(1ULL << 11)
#define VIRTIO_NET_F_HOST_TSO6	(1ULL << 12)
#define VIRTIO_NET_F_MRG_RXBUF	(1ULL << 15)

#define VQ_SIZE			256
#define NET_HDR_LEN		12	/* virtio_net_hdr_v1 */
/* The largest frame a tap gives: 64 KiB of GSO payload and headers. */
#define NET_FRAME_MAX		(NET_HDR_LEN + 65536 + 18)

/*
 * What a device did, for MINIVMM_VIRTIO_DEBUG (printed on standard error
 * every second while it is set, and when serving ends).
 */
struct vstats {
	uint64_t notify[2];		/* QueueNotify writes, per queue */
	uint64_t rx_frames, rx_bytes;	/* frames from the tap to the guest */
	uint64_t rx_empty;		/* a buffer offered, no frame waiting */
	uint64_t rx_waits;		/* a frame waited for more buffers */
	uint64_t rx_dropped;		/* a frame larger than the whole ring */
	uint64_t tx_frames, tx_bytes;	/* frames from the guest to the tap */
	uint64_t tx_dropped;		/* the tap refused a frame */
	uint64_t irqs;			/* interrupts raised */
	uint64_t irqs_suppressed;	/* used entries without one */
	uint64_t indirect;		/* chains with an indirect table */
};

struct vdev {
	enum virtio_kind kind;
	uint32_t device_id;
	uint64_t features;
	uint8_t config[64];
	unsigned int config_len;
	unsigned int nqueues;
	struct virtq vq[2];
	/* isr: the bits raised since the last reset (the module has the ISR) */
	uint32_t status, isr, dev_sel, drv_sel, queue_sel;
	uint64_t driver_features;
	uint64_t base;
	unsigned int irq;
	int fd;			/* image file or tap */
	bool ro;
	uint64_t capacity;	/* sectors */
	/* virtio-net with mergeable receive buffers: a frame read from the tap. */
	uint8_t *frame;
	size_t frame_len;	/* 0: none waiting */
	struct vstats st;
};

struct virtio_server {
	int vmfd, devfd;
	struct vmem mem;
	struct vdev dev[VIRTIO_MAX_DEVS];
	unsigned int n;
	uint64_t bad_requests;
	bool dirty;		/* state changed since the last save */
	bool debug;		/* MINIVMM_VIRTIO_DEBUG set */
	struct testdev *testdev;	/* --testdev, else NULL */
	struct timespec last_dump;
};

/*
 * What a successor needs to carry on (MINIVMM_DEV_SET_STATE): the
 * registers the driver wrote.  Queue positions are not saved: the used
 * index in guest RAM is where a successor resumes, replaying requests
 * that were taken but never completed.
 */
#define VSTATE_MAGIC	0x31564f49564d4d56ULL	/* "VMMVIOV1" */
struct vsaved_dev {
	uint32_t kind, status, isr, dev_sel, drv_sel, queue_sel;
	uint64_t driver_features;
	struct {
		uint32_t num, ready;
		uint64_t desc, avail, used;
	} vq[2];
};
struct vsaved {
	uint64_t magic;
	uint32_t n, reserved;
	struct vsaved_dev dev[VIRTIO_MAX_DEVS];
};

static const unsigned int virtio_irqs[VIRTIO_MAX_DEVS] = {
	5, 6, 9, 10, 11, 12, 14, 15,
};

unsigned int virtio_irq(unsigned int i)
{
	return virtio_irqs[i];
}

/* ---- options ------------------------------------------------------------- */

static struct virtio_spec *virtio_new(struct virtio_setup *s, const char *what)
{
	if (s->n == VIRTIO_MAX_DEVS) {
		ctl_usage_error("%s: at most %u virtio devices", what,
				VIRTIO_MAX_DEVS);
		return NULL;
	}
	memset(&s->dev[s->n], 0, sizeof(s->dev[0]));
	return &s->dev[s->n++];
}

int virtio_add_disk(struct virtio_setup *s, const char *what, const char *arg)
{
	struct virtio_spec *d = virtio_new(s, what);
	size_t len = strlen(arg);

	if (!d)
		return -1;
	d->kind = VIRTIO_BLK;
	if (len > 3 && !strcmp(arg + len - 3, ",ro")) {
		d->ro = true;
		len -= 3;
	}
	if (!len || len >= sizeof(d->path)) {
		ctl_usage_error("%s: --disk needs FILE[,ro], not '%s'", what, arg);
		return -1;
	}
	memcpy(d->path, arg, len);
	return 0;
}

int virtio_add_net(struct virtio_setup *s, const char *what, const char *arg)
{
	struct virtio_spec *d;

	if (strncmp(arg, "tap:", 4) || !arg[4] || strlen(arg + 4) >= IFNAMSIZ) {
		ctl_usage_error("%s: --net needs tap:NAME (NAME up to %d characters), not '%s'",
				what, IFNAMSIZ - 1, arg);
		return -1;
	}
	d = virtio_new(s, what);
	if (!d)
		return -1;
	d->kind = VIRTIO_NET;
	snprintf(d->path, sizeof(d->path), "%s", arg + 4);
	return 0;
}

int virtio_add_rng(struct virtio_setup *s, const char *what)
{
	struct virtio_spec *d = virtio_new(s, what);

	if (!d)
		return -1;
	d->kind = VIRTIO_RNG;
	return 0;
}

void virtio_cmdline(const struct virtio_setup *s, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < s->n && used < len; i++)
		used += snprintf(buf + used, len - used,
				 " virtio_mmio.device=4K@0x%llx:%u",
				 VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SIZE,
				 virtio_irq(i));
}

unsigned int virtio_acpi_devs(const struct virtio_setup *s,
			      struct ctl_acpi_dev *out)
{
	unsigned int i;

	for (i = 0; i < s->n && i < CTL_ACPI_MAX_DEVS; i++) {
		out[i].base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SIZE;
		out[i].size = VIRTIO_MMIO_SIZE;
		out[i].irq = virtio_irq(i);
	}
	return i;
}

/* ---- interrupts and reset ------------------------------------------------- */

/*
 * The interrupt status register (InterruptStatus, InterruptACK) is the
 * module's (MINIVMM_DEV_STATUS): the guest's handler reads and
 * acknowledges it without waiting for this process, which may be in the
 * middle of a long request.  The module sends an edge on the device's ISA
 * line when bits appear in a clear register and after an acknowledgement
 * that leaves bits set (kmod/irqstatus.h says why edges, and which).
 */
static int vdev_status_op(struct virtio_server *srv, struct vdev *d,
			  uint32_t op, uint32_t bits)
{
	struct minivmm_dev_status st = {
		.index = d - srv->dev, .op = op, .bits = bits,
	};

	if (op == MINIVMM_DEV_STATUS_DEFINE) {
		st.irq = d->irq;
		st.read_gpa = d->base + VM_INT_STATUS;
		st.ack_gpa = d->base + VM_INT_ACK;
	}
	return ioctl(srv->devfd, MINIVMM_DEV_STATUS, &st);
}

/* Set ISR @bits; the module sends the edge if one is due. */
static void vdev_interrupt(struct virtio_server *srv, struct vdev *d,
			   uint32_t bits)
{
	if ((d->isr | bits) != d->isr) {
		d->isr |= bits;
		srv->dirty = true;
	}
	if (vdev_status_op(srv, d, MINIVMM_DEV_STATUS_RAISE, bits) == 0)
		d->st.irqs++;
}

static void vdev_reset(struct virtio_server *srv, struct vdev *d)
{
	d->frame_len = 0;
	d->status = 0;
	d->isr = 0;
	d->dev_sel = d->drv_sel = d->queue_sel = 0;
	d->driver_features = 0;
	memset(d->vq, 0, sizeof(d->vq));
	/* A clear ISR: defining the slot again clears it. */
	vdev_status_op(srv, d, MINIVMM_DEV_STATUS_DEFINE, 0);
}

/* The driver broke a rule: stop using the device until it resets it. */
static void vdev_broken(struct virtio_server *srv, struct vdev *d,
			const char *why)
{
	srv->bad_requests++;
	if (d->status & STATUS_NEEDS_RESET)
		return;
	fprintf(stderr, "minivmmctl: virtio device at 0x%" PRIx64 ": %s; device needs reset\n",
		d->base, why);
	d->status |= STATUS_NEEDS_RESET;
	vdev_interrupt(srv, d, INT_CONFIG);
}

/* Entries went into @q's used ring: interrupt unless the driver said not to. */
static void vdev_used(struct virtio_server *srv, struct vdev *d,
		      struct virtq *q)
{
	if (vq_wants_interrupt(q, &srv->mem))
		vdev_interrupt(srv, d, INT_VRING);
	else
		d->st.irqs_suppressed++;
}

static bool vdev_live(const struct vdev *d)
{
	return (d->status & 4) && !(d->status & STATUS_NEEDS_RESET); /* DRIVER_OK */
}

/* ---- virtio-blk ----------------------------------------------------------- */

/*
 * seg_max (config offset 12; size_max at 8 stays 0, not offered): without
 * it Linux sends one segment, usually one page, per request.  A request
 * with its header and status in an indirect table takes one ring entry,
 * and the table holds VQ_MAX_SIZE entries; without indirect tables, a
 * request of seg_max segments takes half the ring, so two fit at once.
 * Set again when the driver's features are final, before it reads it.
 */
static void blk_set_seg_max(struct vdev *d)
{
	bool indirect = d->driver_features & VIRTIO_F_INDIRECT_DESC;

	put32(d->config + 12, indirect ? VQ_MAX_SIZE - 2 : VQ_SIZE / 2 - 2);
}

#define BLK_T_IN	0
#define BLK_T_OUT	1
#define BLK_T_FLUSH	4
#define BLK_T_GET_ID	8
#define BLK_S_OK	0
#define BLK_S_IOERR	1
#define BLK_S_UNSUPP	2

static uint32_t blk_request(struct vdev *d, struct vq_chain *ch)
{
	struct iovec data[VQ_MAX_SIZE];
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} hdr;
	uint8_t status = BLK_S_OK;
	uint64_t len, off;
	unsigned int n;
	ssize_t r;

	if (!ch->out_len ||
	    iov_copy_from(ch->in, ch->nr_in, 0, &hdr, sizeof(hdr)) != sizeof(hdr))
		return 0;	/* no room for a status: nothing to answer */
	switch (hdr.type) {
	case BLK_T_IN:
	case BLK_T_OUT:
		len = hdr.type == BLK_T_IN ? ch->out_len - 1 :
					     ch->in_len - sizeof(hdr);
		if ((len & 511) || hdr.sector > d->capacity ||
		    len / 512 > d->capacity - hdr.sector) {
			status = BLK_S_IOERR;
			break;
		}
		if (hdr.type == BLK_T_OUT && d->ro) {
			status = BLK_S_IOERR;
			break;
		}
		off = hdr.sector * 512;
		if (hdr.type == BLK_T_IN) {
			n = iov_slice(ch->out, ch->nr_out, 0, len, data);
			r = len ? preadv(d->fd, data, n, off) : 0;
		} else {
			n = iov_slice(ch->in, ch->nr_in, sizeof(hdr), len, data);
			r = len ? pwritev(d->fd, data, n, off) : 0;
		}
		if (r < 0 || (uint64_t)r != len)
			status = BLK_S_IOERR;
		if (hdr.type == BLK_T_IN) {
			iov_copy_to(ch->out, ch->nr_out, len, &status, 1);
			return len + 1;
		}
		break;
	case BLK_T_FLUSH:
		if (!d->ro && fdatasync(d->fd) < 0)
			status = BLK_S_IOERR;
		break;
	case BLK_T_GET_ID: {
		char id[20] = "minivmm";

		len = ch->out_len - 1 < sizeof(id) ? ch->out_len - 1 : sizeof(id);
		iov_copy_to(ch->out, ch->nr_out, 0, id, len);
		iov_copy_to(ch->out, ch->nr_out, ch->out_len - 1, &status, 1);
		return ch->out_len;
	}
	default:
		status = BLK_S_UNSUPP;
		break;
	}
	iov_copy_to(ch->out, ch->nr_out, ch->out_len - 1, &status, 1);
	return 1;
}

/* ---- virtio-net ------------------------------------------------------------ */

static uint32_t net_tx(struct vdev *d, struct vq_chain *ch)
{
	ssize_t r;

	if (ch->in_len <= NET_HDR_LEN)
		return 0;
	/* The tap takes the virtio_net_hdr_v1 in front (IFF_VNET_HDR). */
	r = writev(d->fd, ch->in, ch->nr_in);
	/* A dropped frame is the network's business: counted, no more. */
	if (r < 0) {
		d->st.tx_dropped++;
	} else {
		d->st.tx_frames++;
		d->st.tx_bytes += r;
	}
	return 0;
}

/*
 * Mergeable receive buffers: the frame waiting in d->frame goes into as
 * many buffers as it needs.  False when the ring has too few yet: the
 * frame waits, the tap is not read, and the guest's next receive
 * notification (it adds buffers) tries again.
 */
static bool net_rx_merge(struct virtio_server *srv, struct vdev *d, bool *used)
{
	int n = vq_put_merged(&d->vq[0], &srv->mem, d->frame, d->frame_len,
			      NET_HDR_LEN);

	if (!n) {
		d->st.rx_waits++;
		return false;
	}
	if (n == -1) {
		vdev_broken(srv, d, "bad receive queue (or a buffer smaller than the virtio-net header)");
	} else if (n == -2) {
		d->st.rx_dropped++;
	} else {
		d->st.rx_frames++;
		d->st.rx_bytes += d->frame_len;
		*used = true;
	}
	d->frame_len = 0;
	return true;
}

/* Fill receive buffers from the tap while both have something. */
static void net_rx_pass(struct virtio_server *srv, struct vdev *d)
{
	struct virtq *q = &d->vq[0];
	struct vq_chain ch;
	bool used = false;

	if (d->driver_features & VIRTIO_NET_F_MRG_RXBUF) {
		while (vdev_live(d) && vq_has_avail(q, &srv->mem)) {
			if (!d->frame_len) {
				ssize_t r = read(d->fd, d->frame, NET_FRAME_MAX);

				if (r < NET_HDR_LEN) {
					d->st.rx_empty += r < 0;
					break;
				}
				/* A truncated frame reports its whole length. */
				d->frame_len = r < NET_FRAME_MAX ? r : NET_FRAME_MAX;
			}
			if (!net_rx_merge(srv, d, &used))
				break;
		}
		if (used)
			vdev_used(srv, d, q);
		return;
	}
	while (vdev_live(d) && vq_has_avail(q, &srv->mem)) {
		uint16_t saved = q->last_avail;
		uint16_t one = 1;
		ssize_t r;
		int ret = vq_pop(q, &srv->mem, &ch);

		if (ret < 0) {
			vdev_broken(srv, d, "bad receive queue");
			break;
		}
		if (!ret)
			break;
		if (ch.out_len <= NET_HDR_LEN) {
			vq_push(q, &srv->mem, ch.head, 0);
			used = true;
			continue;
		}
		r = readv(d->fd, ch.out, ch.nr_out);
		if (r < 0) {
			q->last_avail = saved;	/* nothing waiting: keep it */
			d->st.rx_empty++;
			break;
		}
		/* The tap reports a truncated frame's whole length. */
		if ((uint64_t)r > ch.out_len)
			r = ch.out_len;
		d->st.rx_frames++;
		d->st.rx_bytes += r;
		iov_copy_to(ch.out, ch.nr_out, 10, &one, 2);	/* num_buffers */
		vq_push(q, &srv->mem, ch.head, r);
		used = true;
	}
	if (used)
		vdev_used(srv, d, q);
}

/*
 * With VIRTIO_F_EVENT_IDX the driver notifies only when it adds buffers
 * past the avail_event we wrote: buffers added while it was written get
 * another pass here, and after a few passes the serving loop's next turn.
 */
static void net_rx(struct virtio_server *srv, struct vdev *d)
{
	unsigned int pass;

	for (pass = 0; pass < 4; pass++) {
		net_rx_pass(srv, d);
		if (!vq_rearm_notify(&d->vq[0], &srv->mem))
			return;
	}
	d->vq[0].pending = true;
}

/*
 * The offloads the driver took decide what the tap may hand over: partial
 * checksums with GUEST_CSUM, TCP segments of up to 64 KiB with GUEST_TSO4/6
 * (which need GUEST_CSUM).  Frames from the driver go to the tap with their
 * header as they are (CSUM, HOST_TSO4/6): the tap checks it.
 */
static void net_set_offload(struct vdev *d)
{
	unsigned int off = 0;

	if (d->kind != VIRTIO_NET)
		return;
	if (d->driver_features & VIRTIO_NET_F_GUEST_CSUM) {
		off |= TUN_F_CSUM;
		if (d->driver_features & VIRTIO_NET_F_GUEST_TSO4)
			off |= TUN_F_TSO4;
		if (d->driver_features & VIRTIO_NET_F_GUEST_TSO6)
			off |= TUN_F_TSO6;
	}
	if (ioctl(d->fd, TUNSETOFFLOAD, off) < 0)
		fprintf(stderr, "minivmmctl: virtio-net at 0x%" PRIx64 ": cannot set the tap's offloads: %s\n",
			d->base, strerror(errno));
}

/*
 * What follows from the driver's features, once they are final (or
 * cleared by a reset): the tap's offloads, the disk's seg_max.
 */
static void vdev_features_set(struct vdev *d)
{
	if (d->kind == VIRTIO_BLK)
		blk_set_seg_max(d);
	net_set_offload(d);
}

/* Features that need another (5.1.3.1), as the driver must not take them. */
static bool net_features_ok(uint64_t f)
{
	if ((f & (VIRTIO_NET_F_GUEST_TSO4 | VIRTIO_NET_F_GUEST_TSO6)) &&
	    !(f & VIRTIO_NET_F_GUEST_CSUM))
		return false;
	if ((f & (VIRTIO_NET_F_HOST_TSO4 | VIRTIO_NET_F_HOST_TSO6)) &&
	    !(f & VIRTIO_NET_F_CSUM))
		return false;
	return true;
}

/* ---- queues ---------------------------------------------------------------- */

static uint32_t rng_fill(struct vq_chain *ch)
{
	uint32_t done = 0;
	unsigned int i;

	for (i = 0; i < ch->nr_out; i++) {
		ssize_t r = getrandom(ch->out[i].iov_base, ch->out[i].iov_len, 0);

		if (r < 0)
			break;
		done += r;
		if ((size_t)r < ch->out[i].iov_len)
			break;
	}
	return done;
}

/* Serve queue @qi: on a notification, or for chains a notification left. */
static void vdev_process(struct virtio_server *srv, struct vdev *d,
			 unsigned int qi)
{
	struct virtq *q;
	struct vq_chain *ch;
	bool used = false;
	int ret;

	if (qi >= d->nqueues || !vdev_live(d))
		return;
	if (d->kind == VIRTIO_NET && qi == 0) {
		net_rx(srv, d);
		return;
	}
	q = &d->vq[qi];
	if (!q->ready)
		return;
	ch = malloc(sizeof(*ch));
	if (!ch)
		return;
	/* At most num chains per notification: a flood cannot starve others. */
	for (unsigned int i = 0; i < q->num; i++) {
		uint32_t len;

		ret = vq_pop(q, &srv->mem, ch);
		if (ret < 0) {
			vdev_broken(srv, d, "bad descriptor chain");
			break;
		}
		if (!ret)
			break;
		d->st.indirect += ch->indirect;
		if (d->kind == VIRTIO_BLK)
			len = blk_request(d, ch);
		else if (d->kind == VIRTIO_NET)
			len = net_tx(d, ch);
		else
			len = rng_fill(ch);
		if (vq_push(q, &srv->mem, ch->head, len) < 0) {
			vdev_broken(srv, d, "used ring outside RAM");
			break;
		}
		/*
		 * A disk request moves up to hundreds of KiB: the
		 * guest hears of each as it completes, so it copies one
		 * request's data while the next is read.  Frames and entropy
		 * are cheap; they are signalled once per pass.
		 */
		if (d->kind == VIRTIO_BLK)
			vdev_used(srv, d, q);
		else
			used = true;
	}
	free(ch);
	if (used)
		vdev_used(srv, d, q);
	/*
	 * Chains left (more than num per pass, or added while avail_event
	 * was written) may never be notified with VIRTIO_F_EVENT_IDX: the
	 * serving loop comes back for them after its other work.
	 */
	vq_rearm_notify(q, &srv->mem);
	q->pending = vdev_live(d) && vq_has_avail(q, &srv->mem);
}

static void vdev_notify(struct virtio_server *srv, struct vdev *d,
			unsigned int qi)
{
	if (qi >= d->nqueues || !vdev_live(d))
		return;
	d->st.notify[qi]++;
	vdev_process(srv, d, qi);
}

/* ---- registers ------------------------------------------------------------- */

static uint64_t vdev_read(struct vdev *d, uint64_t off, unsigned int size)
{
	struct virtq *q = d->queue_sel < d->nqueues ? &d->vq[d->queue_sel] : NULL;
	uint64_t v = 0;

	if (off >= VM_CONFIG) {
		off -= VM_CONFIG;
		if (off < d->config_len && size <= d->config_len - off)
			memcpy(&v, d->config + off, size);
		return v;
	}
	if (size != 4)
		return 0;
	switch (off) {
	case VM_MAGIC:
		return 0x74726976;	/* "virt" */
	case VM_VERSION:
		return 2;
	case VM_DEVICE_ID:
		return d->device_id;
	case VM_VENDOR_ID:
		return 0x564d4d4d;	/* "MMMV" */
	case VM_DEV_FEATURES:
		return d->dev_sel < 2 ? (uint32_t)(d->features >> (32 * d->dev_sel)) : 0;
	case VM_QUEUE_NUM_MAX:
		return q ? VQ_SIZE : 0;
	case VM_QUEUE_READY:
		return q ? q->ready : 0;
	case VM_STATUS:
		return d->status;
	case VM_CONFIG_GEN:
		return 0;
	default:
		return 0;
	}
}

static void vdev_set_half(uint64_t *p, bool hi, uint32_t v)
{
	*p = hi ? (*p & 0xffffffffULL) | ((uint64_t)v << 32) :
		  (*p & ~0xffffffffULL) | v;
}

static void vdev_write(struct virtio_server *srv, struct vdev *d, uint64_t off,
		       unsigned int size, uint32_t v)
{
	struct virtq *q = d->queue_sel < d->nqueues ? &d->vq[d->queue_sel] : NULL;

	if (size != 4 || off >= VM_CONFIG)
		return;		/* the config spaces are read-only */
	if (off != VM_QUEUE_NOTIFY)
		srv->dirty = true;
	switch (off) {
	case VM_DEV_FEATURES_SEL:
		d->dev_sel = v;
		break;
	case VM_DRV_FEATURES_SEL:
		d->drv_sel = v;
		break;
	case VM_DRV_FEATURES:
		/* Fixed from FEATURES_OK on: the tap's offloads follow them. */
		if (d->drv_sel < 2 && !(d->status & 8))
			vdev_set_half(&d->driver_features, d->drv_sel, v);
		break;
	case VM_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case VM_QUEUE_NUM:
		if (q && !q->ready)
			q->num = v > 0xffff ? 0 : v;
		break;
	case VM_QUEUE_READY:
		if (!q)
			break;
		if (!(v & 1)) {
			q->ready = false;
			break;
		}
		q->ready = true;
		q->last_avail = q->used_idx = 0;
		q->event_idx = d->driver_features & VIRTIO_F_EVENT_IDX;
		q->indirect = d->driver_features & VIRTIO_F_INDIRECT_DESC;
		q->signalled_valid = q->pending = false;
		if (vq_check(q, &srv->mem)) {
			q->ready = false;
			vdev_broken(srv, d, "queue size not a power of 2 up to 256, or rings outside RAM");
		}
		break;
	case VM_QUEUE_NOTIFY:
		vdev_notify(srv, d, v);
		break;
	case VM_STATUS:
		if (!v) {
			vdev_reset(srv, d);
			vdev_features_set(d);
			break;
		}
		/*
		 * FEATURES_OK only for features offered, VERSION_1 included,
		 * none without the one it needs.
		 */
		if ((v & 8) && ((d->driver_features & ~d->features) ||
				!(d->driver_features & VIRTIO_F_VERSION_1) ||
				(d->kind == VIRTIO_NET &&
				 !net_features_ok(d->driver_features))))
			v &= ~8u;
		if ((v & 8) && !(d->status & 8))
			vdev_features_set(d);
		d->status = v | (d->status & STATUS_NEEDS_RESET);
		if (d->kind == VIRTIO_NET && vdev_live(d))
			net_rx(srv, d);
		break;
	case VM_QUEUE_DESC_LO:
	case VM_QUEUE_DESC_HI:
		if (q && !q->ready)
			vdev_set_half(&q->desc_gpa, off & 4, v);
		break;
	case VM_QUEUE_AVAIL_LO:
	case VM_QUEUE_AVAIL_HI:
		if (q && !q->ready)
			vdev_set_half(&q->avail_gpa, off & 4, v);
		break;
	case VM_QUEUE_USED_LO:
	case VM_QUEUE_USED_HI:
		if (q && !q->ready)
			vdev_set_half(&q->used_gpa, off & 4, v);
		break;
	default:
		break;
	}
}

/* ---- setup ---------------------------------------------------------------- */

/*
 * The guest's MAC: QEMU's locally administered 52:54:00 prefix and 24
 * bits of an FNV-1a hash of the tap's name, so that VMs on one bridge get
 * distinct addresses (a byte sum made "tap12" and "tap21" collide) and a
 * VM keeps its address across restarts, restores and migrations.
 */
static void net_mac_from_tap(uint8_t mac[6], const char *name, size_t max)
{
	uint32_t hash = 2166136261u;
	size_t i;

	for (i = 0; i < max && name[i]; i++)
		hash = (hash ^ (uint8_t)name[i]) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = hash >> 16;
	mac[4] = hash >> 8;
	mac[5] = hash;
}

static int open_tap(const char *what, const char *name)
{
	struct ifreq ifr;
	int hdr = NET_HDR_LEN;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		ctl_err("%s: cannot open /dev/net/tun: %s", what, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) {
		ctl_err("%s: cannot attach to tap device '%s': %s", what, name,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int vdev_open(const char *what, struct vdev *d,
		     const struct virtio_spec *sp)
{
	struct stat st;

	d->kind = sp->kind;
	d->fd = -1;
	d->features = VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX;
	switch (sp->kind) {
	case VIRTIO_BLK:
		d->device_id = 2;
		d->nqueues = 1;
		d->ro = sp->ro;
		d->fd = open(sp->path, (sp->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (d->fd < 0 || fstat(d->fd, &st) < 0) {
			ctl_err("%s: cannot open disk image '%s': %s", what,
				sp->path, strerror(errno));
			return -1;
		}
		if (!S_ISREG(st.st_mode) || st.st_size < 512) {
			ctl_err("%s: disk image '%s' is not a regular file of at least 512 bytes",
				what, sp->path);
			return -1;
		}
		d->capacity = st.st_size / 512;
		put64(d->config, d->capacity);
		blk_set_seg_max(d);
		/*
		 * Topology (offsets 24-31): only opt_io_size, which Linux
		 * takes for twice its readahead window; a request is a
		 * round trip through this process, so fewer, larger ones.
		 */
		put32(d->config + 28, BLK_OPT_IO_SECTORS);
		d->config_len = 32;
		d->features |= VIRTIO_F_INDIRECT_DESC |
			       VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_SEG_MAX |
			       VIRTIO_BLK_F_TOPOLOGY |
			       (sp->ro ? VIRTIO_BLK_F_RO : 0);
		break;
	case VIRTIO_NET:
		d->device_id = 1;
		d->nqueues = 2;
		d->fd = open_tap(what, sp->path);
		if (d->fd < 0)
			return -1;
		net_mac_from_tap(d->config, sp->path, sizeof(sp->path));
		d->config_len = 6;
		d->features |= VIRTIO_NET_F_MAC | VIRTIO_NET_F_CSUM |
			       VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_GUEST_TSO4 |
			       VIRTIO_NET_F_GUEST_TSO6 | VIRTIO_NET_F_HOST_TSO4 |
			       VIRTIO_NET_F_HOST_TSO6 | VIRTIO_NET_F_MRG_RXBUF;
		d->frame = malloc(NET_FRAME_MAX);
		if (!d->frame) {
			ctl_err("%s: out of memory", what);
			return -1;
		}
		break;
	case VIRTIO_RNG:
		d->device_id = 4;
		d->nqueues = 1;
		break;
	}
	return 0;
}

int dev_claim(const char *what, int devfd, uint32_t space, uint64_t base,
	      uint64_t len, uint32_t flags)
{
	struct minivmm_dev_claim cl = {
		.space = space, .flags = flags, .base = base, .len = len,
	};

	if (ioctl(devfd, MINIVMM_DEV_CLAIM, &cl) < 0) {
		ctl_err("%s: cannot claim %s 0x%" PRIx64 "+0x%" PRIx64 ": %s",
			what, space == MINIVMM_DEV_PIO ? "ports" : "MMIO",
			base, len, strerror(errno));
		return -1;
	}
	return 0;
}

static int claim(const char *what, int devfd, uint64_t base, uint64_t len,
		 uint32_t flags)
{
	return dev_claim(what, devfd, MINIVMM_DEV_MMIO, base, len, flags);
}

static void virtio_restore(struct virtio_server *srv);

struct virtio_server *virtio_attach(const char *what, int vmfd, uint64_t mem,
				    const struct virtio_setup *s)
{
	struct virtio_server *srv = calloc(1, sizeof(*srv));
	unsigned int i;
	void *p;

	if (!srv) {
		ctl_err("%s: out of memory", what);
		return NULL;
	}
	srv->vmfd = vmfd;
	srv->devfd = -1;
	srv->debug = getenv("MINIVMM_VIRTIO_DEBUG") != NULL;
	for (i = 0; i < s->n; i++) {
		struct vdev *d = &srv->dev[i];

		if (vdev_open(what, d, &s->dev[i]))
			goto fail;
		srv->n++;
		d->base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SIZE;
		d->irq = virtio_irq(i);
	}
	p = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_SHARED, vmfd, 0);
	if (p == MAP_FAILED) {
		ctl_err("%s: cannot map guest RAM: %s", what, strerror(errno));
		goto fail;
	}
	srv->mem.base = p;
	srv->mem.size = mem;
	srv->devfd = ioctl(vmfd, MINIVMM_VM_DEV_ATTACH);
	if (srv->devfd < 0) {
		ctl_err("%s: cannot attach as the VM's device process: %s",
			what, errno == EBUSY ?
			"another process serves its devices" : strerror(errno));
		goto fail;
	}
	for (i = 0; i < srv->n; i++) {
		uint64_t b = srv->dev[i].base;

		/*
		 * Writes to QueueNotify (and the registers after it up to
		 * InterruptACK, which ignore writes) are posted: the vCPU does
		 * not wait for them, and the device still sees every access
		 * in the guest's order.  InterruptStatus and InterruptACK are
		 * the module's (vdev_status_op()): an interrupt costs the
		 * guest no round trip to this process.
		 */
		if (claim(what, srv->devfd, b, VM_QUEUE_NOTIFY, 0) ||
		    claim(what, srv->devfd, b + VM_QUEUE_NOTIFY,
			  VM_INT_ACK + 4 - VM_QUEUE_NOTIFY,
			  MINIVMM_DEV_CLAIM_POSTED) ||
		    claim(what, srv->devfd, b + VM_INT_ACK + 4,
			  VIRTIO_MMIO_SIZE - VM_INT_ACK - 4, 0))
			goto fail;
		if (vdev_status_op(srv, &srv->dev[i],
				   MINIVMM_DEV_STATUS_DEFINE, 0)) {
			ctl_err("%s: the module does not take the interrupt status register of virtio device %u: %s (minivmm.ko older than minivmmctl?)",
				what, i, strerror(errno));
			goto fail;
		}
	}
	if (s->testdev) {
		srv->testdev = testdev_new(what, srv->devfd);
		if (!srv->testdev)
			goto fail;
	}
	virtio_restore(srv);
	return srv;
fail:
	virtio_free(srv);
	return NULL;
}

void virtio_free(struct virtio_server *srv)
{
	unsigned int i;

	if (!srv)
		return;
	for (i = 0; i < srv->n; i++) {
		if (srv->dev[i].fd >= 0)
			close(srv->dev[i].fd);
		free(srv->dev[i].frame);
	}
	if (srv->mem.base)
		munmap(srv->mem.base, srv->mem.size);
	if (srv->devfd >= 0)
		close(srv->devfd);
	testdev_free(srv->testdev);
	free(srv);
}

static void virtio_save(struct virtio_server *srv)
{
	struct vsaved s = { .magic = VSTATE_MAGIC, .n = srv->n };
	struct minivmm_dev_state st = {
		.buf = (uintptr_t)&s, .len = sizeof(s),
	};
	unsigned int i, q;

	if (!srv->dirty)
		return;
	srv->dirty = false;
	for (i = 0; i < srv->n; i++) {
		const struct vdev *d = &srv->dev[i];
		struct vsaved_dev *v = &s.dev[i];

		v->kind = d->kind;
		v->status = d->status;
		v->isr = d->isr;
		v->dev_sel = d->dev_sel;
		v->drv_sel = d->drv_sel;
		v->queue_sel = d->queue_sel;
		v->driver_features = d->driver_features;
		for (q = 0; q < 2; q++) {
			v->vq[q].num = d->vq[q].num;
			v->vq[q].ready = d->vq[q].ready;
			v->vq[q].desc = d->vq[q].desc_gpa;
			v->vq[q].avail = d->vq[q].avail_gpa;
			v->vq[q].used = d->vq[q].used_gpa;
		}
	}
	if (ioctl(srv->devfd, MINIVMM_DEV_SET_STATE, &st) < 0)
		ctl_err("virtio: saving the device state: %s", strerror(errno));
}

/* Carry on from a predecessor's saved state, if it had these devices. */
static void virtio_restore(struct virtio_server *srv)
{
	static struct vsaved s;
	struct minivmm_dev_state st = {
		.buf = (uintptr_t)&s, .len = sizeof(s),
	};
	unsigned int i, q;
	int len = ioctl(srv->devfd, MINIVMM_DEV_GET_STATE, &st);

	if (len <= 0)
		return;
	if ((size_t)len != sizeof(s) || s.magic != VSTATE_MAGIC ||
	    s.n != srv->n)
		goto mismatch;
	for (i = 0; i < srv->n; i++)
		if (s.dev[i].kind != srv->dev[i].kind)
			goto mismatch;
	for (i = 0; i < srv->n; i++) {
		struct vdev *d = &srv->dev[i];
		const struct vsaved_dev *v = &s.dev[i];

		d->status = v->status;
		d->isr = v->isr;
		d->dev_sel = v->dev_sel;
		d->drv_sel = v->drv_sel;
		d->queue_sel = v->queue_sel;
		d->driver_features = v->driver_features;
		if (d->status & 8)	/* FEATURES_OK */
			vdev_features_set(d);
		for (q = 0; q < d->nqueues; q++) {
			struct virtq *vq = &d->vq[q];
			const uint16_t *used;

			vq->num = v->vq[q].num;
			vq->desc_gpa = v->vq[q].desc;
			vq->avail_gpa = v->vq[q].avail;
			vq->used_gpa = v->vq[q].used;
			vq->ready = v->vq[q].ready && !vq_check(vq, &srv->mem);
			vq->event_idx = d->driver_features & VIRTIO_F_EVENT_IDX;
			vq->indirect = d->driver_features & VIRTIO_F_INDIRECT_DESC;
			vq->signalled_valid = vq->pending = false;
			if (!vq->ready)
				continue;
			used = vmem_ptr(&srv->mem, vq->used_gpa + 2, 2);
			vq->used_idx = vq->last_avail = *used;
		}
		/*
		 * The module's ISR went with the predecessor: raise again what
		 * it had raised.  A bit the guest had already acknowledged
		 * costs it one interrupt that finds nothing; a lost one would
		 * stall the device.
		 */
		if (d->isr)
			vdev_status_op(srv, d, MINIVMM_DEV_STATUS_RAISE, d->isr);
	}
	/*
	 * A notification posted to the predecessor may have died with it:
	 * look at every queue once, as if notified.
	 */
	for (i = 0; i < srv->n; i++)
		for (q = 0; q < srv->dev[i].nqueues; q++)
			vdev_notify(srv, &srv->dev[i], q);
	fprintf(stderr, "minivmmctl: virtio: carrying on from the previous device process's state\n");
	return;
mismatch:
	fprintf(stderr, "minivmmctl: virtio: the saved device state is for other devices; these start fresh\n");
}

/* ---- MINIVMM_VIRTIO_DEBUG ------------------------------------------------ */

static const char *const vdev_names[] = {
	[VIRTIO_BLK] = "blk", [VIRTIO_NET] = "net", [VIRTIO_RNG] = "rng",
};

/* One line per device: its queues as guest RAM shows them, its counters. */
static void virtio_dump(struct virtio_server *srv, const char *when)
{
	unsigned int i, q;

	for (i = 0; i < srv->n; i++) {
		const struct vdev *d = &srv->dev[i];
		const struct vstats *st = &d->st;
		char qs[2][96] = { "", "" };

		for (q = 0; q < d->nqueues; q++) {
			const struct virtq *vq = &d->vq[q];
			const volatile uint16_t *a = vq->ready ?
				vmem_ptr(&srv->mem, vq->avail_gpa, 4) : NULL;

			if (a)
				snprintf(qs[q], sizeof(qs[q]),
					 " q%u avail %u flags %#x taken %u used %u;",
					 q, a[1], a[0], vq->last_avail, vq->used_idx);
			else
				snprintf(qs[q], sizeof(qs[q]), " q%u off;", q);
		}
		fprintf(stderr,
			"minivmmctl: virtio %s %s at 0x%" PRIx64 ": status %#x features %#" PRIx64
			" isr %#x;%s%s notify %" PRIu64 "/%" PRIu64 " irqs %" PRIu64
			" suppressed %" PRIu64 " indirect %" PRIu64
			" rx %" PRIu64 " frames %" PRIu64 " bytes %" PRIu64 " empty %" PRIu64
			" waits %" PRIu64 " dropped"
			" tx %" PRIu64 " frames %" PRIu64 " bytes %" PRIu64 " dropped\n",
			when, vdev_names[d->kind], d->base, d->status,
			d->driver_features, d->isr, qs[0], qs[1], st->notify[0],
			st->notify[1], st->irqs, st->irqs_suppressed, st->indirect,
			st->rx_frames, st->rx_bytes, st->rx_empty, st->rx_waits,
			st->rx_dropped, st->tx_frames, st->tx_bytes, st->tx_dropped);
	}
	if (srv->testdev)
		fprintf(stderr, "minivmmctl: testdev %s: %" PRIu64 " IRQ line writes dropped\n",
			when, testdev_dropped_irqs(srv->testdev));
}

/* Every second while debugging, whether or not anything happens. */
static void virtio_dump_tick(struct virtio_server *srv)
{
	struct timespec now;

	if (!srv->debug)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - srv->last_dump.tv_sec < 1)
		return;
	srv->last_dump = now;
	virtio_dump(srv, "state");
}

static void handle(struct virtio_server *srv, const struct minivmm_dev_req *r)
{
	struct minivmm_dev_resp resp = { .id = r->id };
	struct vdev *d = NULL;
	unsigned int i;
	uint64_t val;

	if (srv->testdev && testdev_access(srv->testdev, srv->devfd, r, &val)) {
		resp.data = val;
		goto answer;
	}
	for (i = 0; i < srv->n; i++)
		if (r->space == MINIVMM_DEV_MMIO && r->addr >= srv->dev[i].base &&
		    r->addr - srv->dev[i].base < VIRTIO_MMIO_SIZE)
			d = &srv->dev[i];
	if (d && (r->flags & MINIVMM_DEV_REQ_WRITE))
		vdev_write(srv, d, r->addr - d->base, r->size, (uint32_t)r->data);
	else if (d)
		resp.data = vdev_read(d, r->addr - d->base, r->size);
	else
		resp.data = ~0ULL;
	/* Saved before the vCPU goes on, so a successor misses nothing. */
	virtio_save(srv);
answer:
	if (!(r->flags & MINIVMM_DEV_REQ_POSTED) &&
	    write(srv->devfd, &resp, sizeof(resp)) != sizeof(resp))
		ctl_err("virtio: answering the VM failed: %s", strerror(errno));
}

/* Any queue with chains left from its last pass? */
static bool virtio_pending(const struct virtio_server *srv)
{
	unsigned int i, q;

	for (i = 0; i < srv->n; i++)
		for (q = 0; q < srv->dev[i].nqueues; q++)
			if (srv->dev[i].vq[q].pending)
				return true;
	return false;
}

/* One more pass over each such queue, after the loop's other work. */
static void virtio_run_pending(struct virtio_server *srv)
{
	unsigned int i, q;

	for (i = 0; i < srv->n; i++)
		for (q = 0; q < srv->dev[i].nqueues; q++)
			if (srv->dev[i].vq[q].pending) {
				srv->dev[i].vq[q].pending = false;
				vdev_process(srv, &srv->dev[i], q);
			}
}

int virtio_serve(struct virtio_server *srv, int wake_fd)
{
	struct pollfd pfd[2 + VIRTIO_MAX_DEVS];
	struct vdev *nets[VIRTIO_MAX_DEVS];

	for (;;) {
		struct minivmm_dev_req reqs[8];
		unsigned int n = 0, nn = 0, i;
		ssize_t r;

		pfd[n].fd = srv->devfd;
		pfd[n++].events = POLLIN;
		if (wake_fd >= 0) {
			pfd[n].fd = wake_fd;
			pfd[n++].events = POLLIN;
		}
		/*
		 * Wait for frames only where the guest has buffers for them
		 * and no frame already waits for more (the guest's next
		 * receive notification brings those).
		 */
		for (i = 0; i < srv->n; i++) {
			struct vdev *d = &srv->dev[i];

			if (d->kind == VIRTIO_NET && vdev_live(d) &&
			    !d->frame_len &&
			    vq_has_avail(&d->vq[0], &srv->mem)) {
				nets[nn++] = d;
				pfd[n].fd = d->fd;
				pfd[n++].events = POLLIN;
			}
		}
		if (poll(pfd, n, virtio_pending(srv) ? 0 :
			 srv->debug ? 1000 : -1) < 0) {
			if (errno == EINTR)
				continue;
			ctl_err("virtio: poll: %s", strerror(errno));
			return -1;
		}
		virtio_dump_tick(srv);
		if (wake_fd >= 0 && pfd[1].revents)
			return 0;
		for (i = 0; i < nn; i++)
			if (pfd[n - nn + i].revents)
				net_rx(srv, nets[i]);
		virtio_run_pending(srv);
		virtio_save(srv);
		if (!pfd[0].revents)
			continue;
		r = read(srv->devfd, reqs, sizeof(reqs));
		if (r == 0) {
			if (srv->debug)
				virtio_dump(srv, "end");
			return 0;	/* the VM stopped */
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			ctl_err("virtio: reading guest requests: %s",
				strerror(errno));
			return -1;
		}
		for (i = 0; i < r / sizeof(reqs[0]); i++)
			handle(srv, &reqs[i]);
		virtio_save(srv);
	}
}
