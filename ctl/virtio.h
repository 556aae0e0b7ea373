/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio devices served from user space (virtio 1.x, MMIO transport,
 * split virtqueues): the pure queue parser (virtq.c, unit-tested without
 * a VM), the transport and devices (virtio.c), the serving loop.
 */
#ifndef MINIVMMCTL_VIRTIO_H
#define MINIVMMCTL_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/uio.h>

/* Guest RAM as mapped through the VM fd. */
struct vmem {
	uint8_t *base;
	uint64_t size;
};

/* A host pointer to [gpa, gpa + len) if all of it is RAM, else NULL. */
void *vmem_ptr(const struct vmem *m, uint64_t gpa, uint64_t len);

#define VQ_MAX_SIZE	256

/* One split virtqueue, as the driver programmed it. */
struct virtq {
	uint16_t num;			/* entries, a power of 2 */
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t last_avail;		/* next avail entry to take */
	uint16_t used_idx;		/* next used entry to fill */
	/* VIRTIO_F_EVENT_IDX: the driver's used_event and our avail_event. */
	bool event_idx;
	bool indirect;			/* VIRTIO_F_INDIRECT_DESC negotiated */
	bool signalled_valid;		/* signalled_used holds a used index */
	uint16_t signalled_used;	/* used_idx at the last interrupt check */
	bool pending;			/* chains left after a notification */
};

/* A descriptor chain taken from the queue: readable, then writable parts. */
struct vq_chain {
	uint16_t head;
	unsigned int nr_in, nr_out;	/* in: device reads; out: device writes */
	bool indirect;			/* some came from an indirect table */
	struct iovec in[VQ_MAX_SIZE];
	struct iovec out[VQ_MAX_SIZE];
	uint64_t in_len, out_len;
};

/*
 * Check a queue's layout before it goes live: size a power of 2 up to
 * VQ_MAX_SIZE, each ring aligned and inside RAM.  0 or -1.
 */
int vq_check(const struct virtq *q, const struct vmem *m);
/* Anything available?  (the avail index moved) */
bool vq_has_avail(const struct virtq *q, const struct vmem *m);
/*
 * Take the next chain: 1 taken, 0 nothing available, -1 the driver broke
 * the rules (avail index more than num ahead, head or next out of range,
 * a loop or a chain longer than the queue, a buffer outside RAM, a
 * readable descriptor after a writable one, more than VQ_MAX_SIZE
 * buffers; an indirect descriptor without q->indirect, or one whose
 * table is empty, not whole entries, larger than VQ_MAX_SIZE entries,
 * outside RAM, loops, has an entry out of range or an indirect entry, or
 * that has NEXT set): the device must then stop using the queue
 * (DEVICE_NEEDS_RESET).
 */
int vq_pop(struct virtq *q, const struct vmem *m, struct vq_chain *ch);
/* Return a chain with @len bytes written; -1 if the ring left RAM. */
int vq_push(struct virtq *q, const struct vmem *m, uint16_t head,
	    uint32_t len);

/*
 * virtio-net's mergeable receive buffers (VIRTIO_NET_F_MRG_RXBUF): copy
 * @frame, @len bytes starting with a @hdr_len-byte header ending in
 * num_buffers, into as many available chains as it needs, set num_buffers
 * in the first and mark them used.  Returns the count of buffers used; 0
 * when too few are available yet (none taken: the frame can wait for
 * more); -1 when the driver broke the queue (as vq_pop(), or a buffer
 * smaller than the header); -2 when the frame can never fit (the whole
 * ring offered is too small, or it is shorter than a header).
 */
int vq_put_merged(struct virtq *q, const struct vmem *m, const void *frame,
		  size_t len, size_t hdr_len);

/*
 * After used entries were published: does the driver want an interrupt?
 * Without VIRTIO_F_EVENT_IDX, not while it sets VIRTQ_AVAIL_F_NO_INTERRUPT
 * (2.7.7.2); with it, only if the used index passed the driver's
 * used_event since the last check (2.7.7.3), which is what lets Linux ask
 * for one interrupt per batch of transmitted frames instead of one each.
 */
bool vq_wants_interrupt(struct virtq *q, const struct vmem *m);
/*
 * With VIRTIO_F_EVENT_IDX: ask the driver to notify as soon as it makes a
 * buffer available past the avail index seen now (avail_event, 2.7.10).
 * True if the index moved while that was written: the driver may have
 * skipped its notification, so the caller must look at the queue again.
 * Without the feature, false: the driver notifies every time.
 */
bool vq_rearm_notify(const struct virtq *q, const struct vmem *m);

/* Copy up to @len bytes from an iovec array starting at @off. */
size_t iov_copy_from(const struct iovec *iov, unsigned int n, size_t off,
		     void *buf, size_t len);
size_t iov_copy_to(const struct iovec *iov, unsigned int n, size_t off,
		   const void *buf, size_t len);
/* @dst = @len bytes of @src from @off; returns the count of entries. */
unsigned int iov_slice(const struct iovec *src, unsigned int n, size_t off,
		       size_t len, struct iovec *dst);

/* ---- devices and serving (virtio.c) ---- */

#define VIRTIO_MAX_DEVS		8
#define VIRTIO_MMIO_BASE	0xfeb00000ULL	/* above any guest RAM */
#define VIRTIO_MMIO_SIZE	0x1000

enum virtio_kind { VIRTIO_BLK, VIRTIO_NET, VIRTIO_RNG };

struct virtio_spec {
	enum virtio_kind kind;
	char path[256];		/* disk image or tap name */
	bool ro;
};

struct virtio_setup {
	struct virtio_spec dev[VIRTIO_MAX_DEVS];
	unsigned int n;
	bool testdev;		/* --testdev: QEMU's pc-testdev (testdev.c) */
};

/* Parse --disk FILE[,ro], --net tap:NAME, --rng into @s; -1 after a message. */
int virtio_add_disk(struct virtio_setup *s, const char *what, const char *arg);
int virtio_add_net(struct virtio_setup *s, const char *what, const char *arg);
int virtio_add_rng(struct virtio_setup *s, const char *what);
/* The guest's IRQ and MMIO base of device @i. */
unsigned int virtio_irq(unsigned int i);
/* " virtio_mmio.device=4K@0x...:IRQ" for each device, for a bzImage. */
void virtio_cmdline(const struct virtio_setup *s, char *buf, size_t len);
/* The same devices for the ACPI tables (ctl_acpi_write()); returns n. */
struct ctl_acpi_dev;
unsigned int virtio_acpi_devs(const struct virtio_setup *s,
			      struct ctl_acpi_dev *out);

struct virtio_server;
/*
 * Open the backends, attach to @vmfd as its device process, claim the
 * devices' pages and map RAM; NULL after a message.
 */
struct virtio_server *virtio_attach(const char *what, int vmfd, uint64_t mem,
				    const struct virtio_setup *s);
/* Claim a port (MINIVMM_DEV_PIO) or MMIO range; -1 after a message. */
int dev_claim(const char *what, int devfd, uint32_t space, uint64_t base,
	      uint64_t len, uint32_t flags);
/* Serve until the VM stops (0) or a fatal error (-1 after a message). */
int virtio_serve(struct virtio_server *srv, int wake_fd);
void virtio_free(struct virtio_server *srv);

/* ---- QEMU's pc-testdev (testdev.c), served by the same loop ---- */

struct testdev;
struct minivmm_dev_req;
/* Claim its ports and memory on @devfd; NULL after a message. */
struct testdev *testdev_new(const char *what, int devfd);
void testdev_free(struct testdev *t);
/* Serve @r if it is the test device's (true; @val: the value read). */
bool testdev_access(struct testdev *t, int devfd,
		    const struct minivmm_dev_req *r, uint64_t *val);
/* IRQ line writes the module refused (lines it keeps for itself). */
uint64_t testdev_dropped_irqs(const struct testdev *t);

#endif /* MINIVMMCTL_VIRTIO_H */
