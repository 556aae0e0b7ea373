// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the split-virtqueue parser (ctl/virtq.c) on a plain
 * buffer: good chains, and each way a driver can break a queue.  Prints
 * "ok NAME" or "FAIL NAME: why" per test, as unit.c does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl/virtio.h"

#define RAM	65536
#define DESC	0x1000
#define AVAIL	0x2000
#define USED	0x3000
#define NUM	8

static uint8_t *ram;
static struct vmem m;
static struct virtq q;
static struct vq_chain ch;
static int failed;

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static void reset(void)
{
	memset(ram, 0, RAM);
	memset(&q, 0, sizeof(q));
	q.num = NUM;
	q.ready = true;
	q.desc_gpa = DESC;
	q.avail_gpa = AVAIL;
	q.used_gpa = USED;
}

static void put_desc(int i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	struct desc d = { addr, len, flags, next };

	memcpy(ram + DESC + 16 * i, &d, sizeof(d));
}

static void offer(uint16_t head)
{
	uint16_t idx;

	memcpy(&idx, ram + AVAIL + 2, 2);
	memcpy(ram + AVAIL + 4 + 2 * (idx % NUM), &head, 2);
	idx++;
	memcpy(ram + AVAIL + 2, &idx, 2);
}

static void check(const char *name, int cond, const char *why)
{
	if (cond) {
		printf("ok virtq %s\n", name);
	} else {
		printf("FAIL virtq %s: %s\n", name, why);
		failed = 1;
	}
}

/* Entry @i of an indirect table at @table. */
static void put_ind(uint64_t table, int i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	struct desc d = { addr, len, flags, next };

	memcpy(ram + table + 16 * i, &d, sizeof(d));
}

/* A queue with VIRTIO_F_INDIRECT_DESC, head 0 naming a table at 0x8000. */
static void reset_ind(uint32_t table_len, uint16_t flags)
{
	reset();
	q.indirect = true;
	put_desc(0, 0x8000, table_len, 4 | flags, 0);
	offer(0);
}

/* Indirect tables (2.7.5.3): good ones, and each way to break one. */
static void test_indirect(void)
{
	int r, i;

	/* header, two data buffers, status: the shape of a disk request */
	reset_ind(64, 0);
	put_ind(0x8000, 0, 0x4000, 16, 1, 1);
	put_ind(0x8000, 1, 0x5000, 4096, 3, 3);
	put_ind(0x8000, 3, 0x6000, 512, 3, 2);
	put_ind(0x8000, 2, 0x7000, 1, 2, 0);
	r = vq_pop(&q, &m, &ch);
	check("indirect table", r == 1 && ch.head == 0 && ch.nr_in == 1 &&
	      ch.nr_out == 3 && ch.in_len == 16 && ch.out_len == 4609 &&
	      ch.out[1].iov_base == ram + 0x6000 && q.last_avail == 1,
	      "wrong chain");

	/* normal descriptors, then the table */
	reset();
	q.indirect = true;
	put_desc(0, 0x4000, 16, 1, 1);
	put_desc(1, 0x8008, 16, 4, 0);	/* unaligned table, allowed */
	put_ind(0x8008, 0, 0x5000, 32, 2, 0);
	offer(0);
	r = vq_pop(&q, &m, &ch);
	check("descriptors then a table", r == 1 && ch.nr_in == 1 &&
	      ch.nr_out == 1 && ch.out_len == 32, "wrong chain");

	/* the largest table: VQ_MAX_SIZE entries */
	reset_ind(16 * VQ_MAX_SIZE, 0);
	for (i = 0; i < VQ_MAX_SIZE; i++)
		put_ind(0x8000, i, 0x4000, 8, i < VQ_MAX_SIZE - 1 ? 3 : 2, i + 1);
	r = vq_pop(&q, &m, &ch);
	check("table of VQ_MAX_SIZE entries",
	      r == 1 && ch.nr_out == VQ_MAX_SIZE, "refused");

	reset_ind(16 * (VQ_MAX_SIZE + 1), 0);
	check("table larger than VQ_MAX_SIZE", vq_pop(&q, &m, &ch) < 0,
	      "accepted");

	/* a table of 250 entries after 7 descriptors: 257 buffers */
	reset();
	q.indirect = true;
	for (i = 0; i < NUM - 1; i++)
		put_desc(i, 0x4000, 8, 1, i + 1);
	put_desc(NUM - 1, 0x8000, 16 * 250, 4, 0);
	for (i = 0; i < 250; i++)
		put_ind(0x8000, i, 0x4000, 8, i < 249 ? 1 : 0, i + 1);
	offer(0);
	check("more buffers than a chain holds", vq_pop(&q, &m, &ch) < 0,
	      "accepted");

	reset_ind(32, 0);
	q.indirect = false;
	put_ind(0x8000, 0, 0x4000, 16, 2, 0);
	check("indirect not negotiated", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset_ind(0, 0);
	check("empty table", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset_ind(24, 0);
	put_ind(0x8000, 0, 0x4000, 16, 2, 0);
	check("table not whole entries", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset_ind(32, 1);	/* INDIRECT with NEXT */
	put_desc(1, 0x4000, 16, 2, 0);
	put_ind(0x8000, 0, 0x4000, 16, 2, 0);
	check("table with NEXT", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset();
	q.indirect = true;
	put_desc(0, RAM - 16, 32, 4, 0);
	offer(0);
	check("table past RAM", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset_ind(32, 0);
	put_ind(0x8000, 0, 0x4000, 16, 1, 1);
	put_ind(0x8000, 1, 0x4000, 16, 1, 0);
	check("loop in a table", vq_pop(&q, &m, &ch) < 0, "followed");

	reset_ind(32, 0);
	put_ind(0x8000, 0, 0x4000, 16, 1, 2);
	check("table entry's next out of range", vq_pop(&q, &m, &ch) < 0,
	      "accepted");

	reset_ind(32, 0);
	put_ind(0x8000, 0, 0x4000, 16, 1, 1);
	put_ind(0x8000, 1, 0x9000, 16, 4, 0);
	check("indirect entry in a table", vq_pop(&q, &m, &ch) < 0,
	      "accepted");

	reset_ind(32, 0);
	put_ind(0x8000, 0, RAM - 8, 16, 2, 0);
	check("table entry past RAM", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset_ind(32, 0);
	put_ind(0x8000, 0, 0x4000, 16, 3, 1);
	put_ind(0x8000, 1, 0x5000, 16, 0, 0);
	check("table: readable after writable", vq_pop(&q, &m, &ch) < 0,
	      "accepted");

	reset();
	q.indirect = true;
	put_desc(0, 0x4000, 16, 3, 1);	/* writable, then a readable table */
	put_desc(1, 0x8000, 16, 4, 0);
	put_ind(0x8000, 0, 0x5000, 16, 0, 0);
	offer(0);
	check("readable table entry after a writable descriptor",
	      vq_pop(&q, &m, &ch) < 0, "accepted");
}

int main(void)
{
	uint16_t used_idx;
	uint32_t used[2];
	int r;

	ram = calloc(1, RAM);
	m.base = ram;
	m.size = RAM;

	reset();
	check("empty queue", vq_pop(&q, &m, &ch) == 0, "popped from nothing");

	reset();
	put_desc(0, 0x4000, 16, 1, 1);
	put_desc(1, 0x5000, 512, 3, 2);
	put_desc(2, 0x6000, 1, 2, 0);
	offer(0);
	r = vq_pop(&q, &m, &ch);
	check("good chain", r == 1 && ch.nr_in == 1 && ch.nr_out == 2 &&
	      ch.in_len == 16 && ch.out_len == 513 &&
	      ch.in[0].iov_base == ram + 0x4000, "wrong chain");
	vq_push(&q, &m, ch.head, 513);
	memcpy(&used_idx, ram + USED + 2, 2);
	memcpy(used, ram + USED + 4, 8);
	check("used ring", used_idx == 1 && used[0] == 0 && used[1] == 513,
	      "used entry not written");
	check("then empty", vq_pop(&q, &m, &ch) == 0, "popped twice");

	reset();
	put_desc(0, 0x4000, 16, 1, 1);
	put_desc(1, 0x4000, 16, 1, 0);
	offer(0);
	check("descriptor loop", vq_pop(&q, &m, &ch) < 0, "loop followed");

	reset();
	for (int i = 0; i < NUM; i++)
		put_desc(i, 0x4000, 16, 1, (i + 1) % NUM);
	offer(3);
	check("chain longer than the queue", vq_pop(&q, &m, &ch) < 0,
	      "chain of more than num descriptors accepted");

	reset();
	put_desc(0, RAM - 8, 16, 2, 0);
	offer(0);
	check("buffer past RAM", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset();
	put_desc(0, 0xffffffffffffff00ULL, 0x200, 2, 0);
	offer(0);
	check("address wrapping", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset();
	put_desc(0, 0x4000, 16, 1, NUM);
	offer(0);
	check("next out of range", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset();
	offer(NUM + 3);
	check("head out of range", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset();
	put_desc(0, 0x4000, 16, 3, 1);
	put_desc(1, 0x5000, 16, 0, 0);
	offer(0);
	check("readable after writable", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset();
	put_desc(0, 0x4000, 16, 4, 0);
	offer(0);
	check("indirect refused", vq_pop(&q, &m, &ch) < 0, "accepted");

	test_indirect();

	reset();
	used_idx = NUM + 1;
	memcpy(ram + AVAIL + 2, &used_idx, 2);
	check("avail index too far ahead", vq_pop(&q, &m, &ch) < 0, "accepted");

	reset();
	q.num = 6;
	check("size not a power of 2", vq_check(&q, &m) < 0, "accepted");
	q.num = 512;
	check("size above the maximum", vq_check(&q, &m) < 0, "accepted");
	q.num = NUM;
	q.used_gpa = RAM - 8;
	check("used ring past RAM", vq_check(&q, &m) < 0 &&
	      vq_push(&q, &m, 0, 0) < 0, "accepted");
	q.used_gpa = USED + 2;
	check("misaligned used ring", vq_check(&q, &m) < 0, "accepted");

	/*
	 * Mergeable receive buffers: a 250-byte frame (12-byte header) in
	 * three 100-byte buffers, num_buffers 3 in the first header.
	 */
	{
		uint8_t frame[1024];
		uint16_t nb;
		int i, ok;

		for (i = 0; i < (int)sizeof(frame); i++)
			frame[i] = (uint8_t)(i * 7 + 1);
		reset();
		for (i = 0; i < 3; i++) {
			put_desc(i, 0x4000 + 0x100 * i, 100, 2, 0);
			offer(i);
		}
		r = vq_put_merged(&q, &m, frame, 250, 12);
		memcpy(&used_idx, ram + USED + 2, 2);
		memcpy(&nb, ram + 0x4000 + 10, 2);
		ok = r == 3 && used_idx == 3 && nb == 3 &&
		     !memcmp(ram + 0x4000, frame, 10) &&
		     !memcmp(ram + 0x4000 + 12, frame + 12, 88) &&
		     !memcmp(ram + 0x4100, frame + 100, 100) &&
		     !memcmp(ram + 0x4200, frame + 200, 50);
		for (i = 0; ok && i < 3; i++) {
			memcpy(used, ram + USED + 4 + 8 * i, 8);
			ok = used[0] == (uint32_t)i &&
			     used[1] == (i < 2 ? 100u : 50u);
		}
		check("merged frame", ok, "wrong buffers, lengths or num_buffers");

		/* 450 bytes, 300 offered of a ring of 8: it waits. */
		reset();
		for (i = 0; i < 3; i++) {
			put_desc(i, 0x4000 + 0x100 * i, 100, 2, 0);
			offer(i);
		}
		r = vq_put_merged(&q, &m, frame, 450, 12);
		memcpy(&used_idx, ram + USED + 2, 2);
		check("merged frame waits for buffers",
		      r == 0 && q.last_avail == 0 && used_idx == 0,
		      "took buffers for a frame they cannot hold");
		for (i = 3; i < 5; i++) {
			put_desc(i, 0x4000 + 0x100 * i, 100, 2, 0);
			offer(i);
		}
		r = vq_put_merged(&q, &m, frame, 450, 12);
		memcpy(&used_idx, ram + USED + 2, 2);
		memcpy(&nb, ram + 0x4000 + 10, 2);
		check("then goes when they come",
		      r == 5 && q.last_avail == 5 && used_idx == 5 && nb == 5 &&
		      !memcmp(ram + 0x4400, frame + 400, 50),
		      "the waiting frame did not go");

		/* The whole ring (8 x 20 bytes) is smaller than the frame. */
		reset();
		for (i = 0; i < NUM; i++) {
			put_desc(i, 0x4000 + 0x100 * i, 20, 2, 0);
			offer(i);
		}
		r = vq_put_merged(&q, &m, frame, 200, 12);
		check("frame larger than the ring", r == -2 && q.last_avail == 0,
		      "neither dropped nor left the ring alone");

		reset();
		put_desc(0, 0x4000, 8, 2, 0);
		offer(0);
		check("merged buffer smaller than the header",
		      vq_put_merged(&q, &m, frame, 100, 12) == -1, "accepted");
		reset();
		put_desc(0, 0x4000, 100, 2, 0);
		offer(0);
		check("frame shorter than a header",
		      vq_put_merged(&q, &m, frame, 6, 12) == -2, "accepted");
	}

	/* Interrupt suppression: VIRTQ_AVAIL_F_NO_INTERRUPT in avail->flags. */
	reset();
	check("interrupt wanted", vq_wants_interrupt(&q, &m), "suppressed");
	ram[AVAIL] = 1;
	check("interrupt suppressed", !vq_wants_interrupt(&q, &m),
	      "NO_INTERRUPT ignored");
	ram[AVAIL] = 0;
	check("interrupt wanted again", vq_wants_interrupt(&q, &m),
	      "flag cleared, still suppressed");

	/*
	 * VIRTIO_F_EVENT_IDX: an interrupt only when the used index passes
	 * the driver's used_event (after the avail ring), whatever the flags
	 * say; avail_event (after the used ring) follows the avail index.
	 */
	{
		uint16_t ev, idx;
		int ok;

		reset();
		q.event_idx = true;
		ram[AVAIL] = 1;	/* NO_INTERRUPT: ignored with EVENT_IDX */
		q.used_idx = 1;
		ok = vq_wants_interrupt(&q, &m);	/* first check: always */
		ev = 3;		/* the driver: interrupt once entry 3 is used */
		memcpy(ram + AVAIL + 4 + 2 * NUM, &ev, 2);
		q.used_idx = 3;
		ok = ok && !vq_wants_interrupt(&q, &m);	/* 1 -> 3: not past 3 */
		q.used_idx = 5;
		ok = ok && vq_wants_interrupt(&q, &m);	/* 3 -> 5: passed it */
		q.used_idx = 6;
		ok = ok && !vq_wants_interrupt(&q, &m);	/* 5 -> 6: already */
		ev = 0xffff;	/* across the wrap of the 16-bit index */
		memcpy(ram + AVAIL + 4 + 2 * NUM, &ev, 2);
		q.signalled_used = 0xfffe;
		q.used_idx = 2;
		ok = ok && vq_wants_interrupt(&q, &m);
		check("event idx: interrupt past used_event", ok,
		      "interrupts not as the driver's used_event asked");

		reset();
		offer(0);
		offer(1);
		ok = !vq_rearm_notify(&q, &m);	/* without the feature: no-op */
		memcpy(&ev, ram + USED + 4 + 8 * NUM, 2);
		ok = ok && ev == 0;
		q.event_idx = true;
		ok = ok && !vq_rearm_notify(&q, &m);
		memcpy(&ev, ram + USED + 4 + 8 * NUM, 2);
		memcpy(&idx, ram + AVAIL + 2, 2);
		ok = ok && ev == idx && idx == 2;
		q.ready = false;
		offer(2);
		ok = ok && !vq_rearm_notify(&q, &m);	/* a queue not live */
		memcpy(&ev, ram + USED + 4 + 8 * NUM, 2);
		ok = ok && ev == 2;
		check("event idx: avail_event follows the avail index", ok,
		      "avail_event not written as the index seen");
	}

	free(ram);
	return failed;
}
