// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio 1.x, section 2.7), read from guest RAM the
 * guest controls: every index, length and address is checked before use,
 * and a queue the driver broke is reported, never followed.  No VM needed:
 * tests/fuzz drives this file on a plain buffer.
 */
#include <string.h>
#include "virtio.h"

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT	1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

void *vmem_ptr(const struct vmem *m, uint64_t gpa, uint64_t len)
{
	if (gpa > m->size || len > m->size - gpa)
		return NULL;
	return m->base + gpa;
}

int vq_check(const struct virtq *q, const struct vmem *m)
{
	uint64_t n = q->num;

	if (!n || n > VQ_MAX_SIZE || (n & (n - 1)))
		return -1;
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3))
		return -1;
	if (!vmem_ptr(m, q->desc_gpa, 16 * n) ||
	    !vmem_ptr(m, q->avail_gpa, 6 + 2 * n) ||
	    !vmem_ptr(m, q->used_gpa, 6 + 8 * n))
		return -1;
	return 0;
}

static uint16_t vq_avail_idx(const struct virtq *q, const struct vmem *m)
{
	const volatile uint16_t *p = vmem_ptr(m, q->avail_gpa + 2, 2);

	return p ? *p : q->last_avail;
}

bool vq_has_avail(const struct virtq *q, const struct vmem *m)
{
	return q->ready && vq_avail_idx(q, m) != q->last_avail;
}

/* One descriptor, each field read once: the driver may change it meanwhile. */
static void vq_read_desc(const volatile struct vring_desc *p,
			 struct vring_desc *d)
{
	d->addr = p->addr;
	d->len = p->len;
	d->flags = p->flags;
	d->next = p->next;
}

/*
 * Add @d's buffer to @ch: inside RAM, readable parts before writable
 * ones (2.7.4.2), at most VQ_MAX_SIZE parts in all.
 */
static int vq_chain_add(struct vq_chain *ch, const struct vmem *m,
			const struct vring_desc *d)
{
	void *buf = vmem_ptr(m, d->addr, d->len);

	if (!buf || ch->nr_in + ch->nr_out >= VQ_MAX_SIZE)
		return -1;
	if (d->flags & VRING_DESC_F_WRITE) {
		ch->out[ch->nr_out].iov_base = buf;
		ch->out[ch->nr_out++].iov_len = d->len;
		ch->out_len += d->len;
	} else {
		if (ch->nr_out)
			return -1;
		ch->in[ch->nr_in].iov_base = buf;
		ch->in[ch->nr_in++].iov_len = d->len;
		ch->in_len += d->len;
	}
	return 0;
}

/*
 * An indirect table (2.7.5.3): @ind names up to VQ_MAX_SIZE descriptors
 * in guest RAM, chained by their next fields from the first.  It ends the
 * chain (no NEXT with INDIRECT), and no entry is indirect itself.
 */
static int vq_walk_indirect(struct vq_chain *ch, const struct vmem *m,
			    const struct vring_desc *ind)
{
	unsigned int n = ind->len / 16, count = 0;
	const uint8_t *table;
	uint16_t idx = 0;

	if ((ind->flags & VRING_DESC_F_NEXT) || (ind->len & 15) || !n ||
	    n > VQ_MAX_SIZE)
		return -1;
	table = vmem_ptr(m, ind->addr, ind->len);
	if (!table)
		return -1;
	for (;;) {
		struct vring_desc d;

		/* A chain visits each entry at most once. */
		if (++count > n)
			return -1;
		/* Copied once; the table need not be aligned. */
		memcpy(&d, table + 16 * idx, sizeof(d));
		if ((d.flags & VRING_DESC_F_INDIRECT) || vq_chain_add(ch, m, &d))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return -1;
		idx = d.next;
	}
}

int vq_pop(struct virtq *q, const struct vmem *m, struct vq_chain *ch)
{
	const volatile uint16_t *ring;
	uint16_t avail, idx, head;
	unsigned int count = 0;

	if (!q->ready || vq_check(q, m))
		return -1;
	avail = vq_avail_idx(q, m);
	if (avail == q->last_avail)
		return 0;
	if ((uint16_t)(avail - q->last_avail) > q->num)
		return -1;
	/* The ring entries after the index (the driver wrote them first). */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	ring = vmem_ptr(m, q->avail_gpa + 4, 2 * q->num);
	head = ring[q->last_avail % q->num];
	if (head >= q->num)
		return -1;
	ch->head = head;
	ch->nr_in = ch->nr_out = 0;
	ch->in_len = ch->out_len = 0;
	ch->indirect = false;
	idx = head;
	for (;;) {
		struct vring_desc desc;

		/* A chain visits each descriptor at most once. */
		if (++count > q->num)
			return -1;
		vq_read_desc(vmem_ptr(m, q->desc_gpa + 16ULL * idx, 16), &desc);
		/* Normal descriptors, then maybe one indirect table. */
		if (desc.flags & VRING_DESC_F_INDIRECT) {
			if (!q->indirect || vq_walk_indirect(ch, m, &desc))
				return -1;
			ch->indirect = true;
			break;
		}
		if (vq_chain_add(ch, m, &desc))
			return -1;
		if (!(desc.flags & VRING_DESC_F_NEXT))
			break;
		if (desc.next >= q->num)
			return -1;
		idx = desc.next;
	}
	q->last_avail++;
	return 1;
}

/* Write used element @i past the used index (not yet published). */
static void vq_used_elem(struct virtq *q, const struct vmem *m, uint16_t i,
			 uint16_t head, uint32_t len)
{
	volatile uint32_t *elem = vmem_ptr(m, q->used_gpa + 4 +
					   8ULL * ((uint16_t)(q->used_idx + i) % q->num), 8);

	elem[0] = head;
	elem[1] = len;
}

/* Publish @n used elements written with vq_used_elem(). */
static void vq_used_publish(struct virtq *q, const struct vmem *m, uint16_t n)
{
	volatile uint16_t *idx = vmem_ptr(m, q->used_gpa + 2, 2);

	/* The elements before the index that publishes them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx += n;
	*idx = q->used_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int vq_push(struct virtq *q, const struct vmem *m, uint16_t head,
	    uint32_t len)
{
	if (vq_check(q, m))
		return -1;
	vq_used_elem(q, m, 0, head, len);
	vq_used_publish(q, m, 1);
	return 0;
}

/* Did the index move from @old to @new past @event?  (2.7.7.3) */
static bool vring_need_event(uint16_t event, uint16_t new, uint16_t old)
{
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

bool vq_wants_interrupt(struct virtq *q, const struct vmem *m)
{
	const volatile uint16_t *flags, *used_event;
	uint16_t old = q->signalled_used;
	bool valid = q->signalled_valid;

	/*
	 * The used index published before the flags or used_event are read:
	 * the driver writes those before it reads the used index, so one of
	 * the two sides sees the other's write (2.7.7, 2.7.10).
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx) {
		flags = vmem_ptr(m, q->avail_gpa, 2);
		return !flags || !(*flags & VRING_AVAIL_F_NO_INTERRUPT);
	}
	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	/* used_event: the entry after the avail ring (inside vq_check's size). */
	used_event = vmem_ptr(m, q->avail_gpa + 4 + 2ULL * q->num, 2);
	if (!valid || !used_event)
		return true;
	return vring_need_event(*used_event, q->used_idx, old);
}

bool vq_rearm_notify(const struct virtq *q, const struct vmem *m)
{
	volatile uint16_t *avail_event;
	uint16_t seen;

	if (!q->event_idx || !q->ready)
		return false;
	/* avail_event: the entry after the used ring (inside vq_check's size). */
	avail_event = vmem_ptr(m, q->used_gpa + 4 + 8ULL * q->num, 2);
	if (!avail_event)
		return false;
	seen = vq_avail_idx(q, m);
	*avail_event = seen;
	/* Our write before the driver's next index: it reads ours after its. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq_avail_idx(q, m) != seen;
}

int vq_put_merged(struct virtq *q, const struct vmem *m, const void *frame,
		  size_t len, size_t hdr_len)
{
	static struct vq_chain ch;
	static struct iovec first[VQ_MAX_SIZE];
	static uint16_t heads[VQ_MAX_SIZE];
	static uint32_t lens[VQ_MAX_SIZE];
	uint16_t start = q->last_avail, nbufs;
	unsigned int n = 0, nfirst = 0, i;
	size_t off = 0;

	if (len < hdr_len)
		return -2;
	while (off < len) {
		int ret = vq_pop(q, m, &ch);

		if (ret < 0)
			return -1;
		if (!ret) {
			/* Not taken after all: they stay available. */
			q->last_avail = start;
			/* The whole ring offered and still too small. */
			return n >= q->num ? -2 : 0;
		}
		/* Each buffer holds a header at least (5.1.6.3.1). */
		if (ch.out_len < hdr_len || n == VQ_MAX_SIZE)
			return -1;
		if (!n) {
			nfirst = ch.nr_out;
			memcpy(first, ch.out, nfirst * sizeof(first[0]));
		}
		heads[n] = ch.head;
		lens[n] = ch.out_len < len - off ? ch.out_len : len - off;
		iov_copy_to(ch.out, ch.nr_out, 0, (const uint8_t *)frame + off,
			    lens[n]);
		off += lens[n++];
	}
	nbufs = n;
	/* num_buffers, the last field of virtio_net_hdr_v1. */
	iov_copy_to(first, nfirst, hdr_len - 2, &nbufs, 2);
	/*
	 * All of the frame's buffers under one used index update: a driver
	 * that saw the first alone would find the rest missing (5.1.6.4.2).
	 */
	for (i = 0; i < n; i++)
		vq_used_elem(q, m, i, heads[i], lens[i]);
	vq_used_publish(q, m, nbufs);
	return n;
}

size_t iov_copy_from(const struct iovec *iov, unsigned int n, size_t off,
		     void *buf, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len, c;

		if (off >= l) {
			off -= l;
			continue;
		}
		c = l - off < len - done ? l - off : len - done;
		memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + off, c);
		done += c;
		off = 0;
	}
	return done;
}

size_t iov_copy_to(const struct iovec *iov, unsigned int n, size_t off,
		   const void *buf, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len, c;

		if (off >= l) {
			off -= l;
			continue;
		}
		c = l - off < len - done ? l - off : len - done;
		memcpy((uint8_t *)iov[i].iov_base + off, (const uint8_t *)buf + done, c);
		done += c;
		off = 0;
	}
	return done;
}

unsigned int iov_slice(const struct iovec *src, unsigned int n, size_t off,
		       size_t len, struct iovec *dst)
{
	unsigned int i, k = 0;

	for (i = 0; i < n && len; i++) {
		size_t l = src[i].iov_len, c;

		if (off >= l) {
			off -= l;
			continue;
		}
		c = l - off < len ? l - off : len;
		dst[k].iov_base = (uint8_t *)src[i].iov_base + off;
		dst[k++].iov_len = c;
		len -= c;
		off = 0;
	}
	return k;
}
