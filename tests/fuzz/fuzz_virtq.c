// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the split-virtqueue parser (ctl/virtq.c): the
 * input is guest RAM (64 KiB, the input repeated) whose first 8 bytes also
 * choose the queue size and ring addresses; the parser takes and returns
 * chains until it runs dry or reports the queue broken (asking, after each,
 * whether an interrupt is due and re-arming avail_event), then puts a
 * virtio-net frame into mergeable buffers.  AddressSanitizer
 * catches any access outside that RAM, through the iovecs too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ctl/virtio.h"

#define RAM 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vq_chain ch;
	struct virtq q = { .ready = true };
	struct vmem m;
	uint8_t *ram;
	size_t i;
	int n, ret;

	if (size < 8)
		return 0;
	ram = malloc(RAM);
	if (!ram)
		return 0;
	for (i = 0; i < RAM; i++)
		ram[i] = data[i % size];
	m.base = ram;
	m.size = RAM;
	q.num = data[0] | data[1] << 8;
	q.desc_gpa = (data[2] | data[3] << 8) * 16ULL;
	q.avail_gpa = (data[4] | data[5] << 8) * 2ULL;
	q.used_gpa = (data[6] | data[7] << 8) * 4ULL;
	q.event_idx = data[size - 1] & 1;
	q.indirect = data[size - 1] & 2;
	if (vq_check(&q, &m)) {
		free(ram);
		return 0;
	}
	for (n = 0; n < 600; n++) {
		ret = vq_pop(&q, &m, &ch);
		if (ret <= 0)
			break;
		/* Touch every byte the chain names, as a device would. */
		for (i = 0; i < ch.nr_in; i++)
			if (ch.in[i].iov_len)
				((volatile uint8_t *)ch.in[i].iov_base)[ch.in[i].iov_len - 1];
		for (i = 0; i < ch.nr_out; i++)
			memset(ch.out[i].iov_base, 0xa5, ch.out[i].iov_len);
		vq_push(&q, &m, ch.head, (uint32_t)ch.out_len);
		vq_wants_interrupt(&q, &m);
		vq_rearm_notify(&q, &m);
	}
	/* Then a virtio-net frame into mergeable buffers, as the RAM says. */
	{
		static uint8_t frame[70000];
		size_t len = (data[0] ^ data[size - 1] << 8) * 3 % sizeof(frame);

		memset(frame, 0x5a, len);
		vq_put_merged(&q, &m, frame, len, 12);
	}
	free(ram);
	return 0;
}
