// SPDX-License-Identifier: GPL-2.0
/*
 * User-space devices.  A process holding a VM fd attaches as the VM's
 * device process (MINIVMM_VM_DEV_ATTACH) and claims port and MMIO ranges;
 * a guest access there becomes a struct minivmm_dev_req it reads from its
 * device fd.  A read (and a write to a range claimed without
 * MINIVMM_DEV_CLAIM_POSTED) waits in the vCPU thread for the answer the
 * process writes back; a posted write only waits for room in the queue.
 * The process drives 8259 input lines (mv_irq_set_line()) and maps guest
 * RAM through the VM fd (mv_uio_mmap()).  Interrupt status registers it
 * defines (MINIVMM_DEV_STATUS) are answered here, without waking it.
 *
 * If the device fd goes away, the VM pauses with MINIVMM_PAUSE_DEVICE_GONE
 * and an access the vCPU was waiting on is left incomplete (RIP not
 * advanced): resuming after a new process attached replays it there.
 *
 * Locking: uio->lock (a spinlock, taken by the vCPU thread and by the
 * device fd's file operations) protects everything in struct mv_uio; the
 * vCPU thread sleeps on vm->run_wait, the device process on
 * vm->console.wait (woken by mv_vm_stop() too, so a reader sees the end).
 * vm->uio is set once, under vm->lock, and freed with the VM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include "minivmm.h"
#include "irqstatus.h"

#define MV_UIO_RING	64	/* requests not yet read */
#define MV_UIO_MMIO_END	(1ULL << 48)

struct mv_uio_claim {
	u32 space;
	u32 flags;
	u64 base, len;
};

/* A status register the module answers (MINIVMM_DEV_STATUS). */
struct mv_uio_status {
	u64 read_gpa, ack_gpa;	/* 0: slot not defined */
	u32 irq;
	struct mv_irq_status reg;
};

struct mv_uio_wait {
	u64 id;			/* 0: nothing outstanding */
	u64 data;
	bool done;
};

struct mv_uio {
	spinlock_t lock;
	bool attached;		/* a device fd is open */
	unsigned int nr_claims;
	struct mv_uio_claim claims[MINIVMM_DEV_MAX_CLAIMS];
	struct minivmm_dev_req ring[MV_UIO_RING];
	unsigned int head, len;
	u64 seq;		/* last request id */
	struct mv_uio_wait wait[MINIVMM_MAX_VCPUS];
	struct mv_uio_status status[MINIVMM_DEV_MAX_STATUS];
	/* The device process's saved state; survives detaching.  vm->lock. */
	void *state;
	u32 state_len;
};

/* Ports the module's own devices answer (kmod/devices.c, platform.c, pit.c). */
static const struct {
	u16 base, len;
} mv_kernel_ports[] = {
	{ 0x20, 2 }, { 0xa0, 2 }, { MV_PORT_ELCR, 2 }, { 0x40, 4 },
	{ 0x61, 1 }, { MINIVMM_PORT_COM1, 8 }, { MINIVMM_PORT_DEBUG_EXIT, 1 },
	{ MINIVMM_PORT_SHUTDOWN, 1 }, { MINIVMM_PORT_FW_CFG, 2 },
	{ MINIVMM_PORT_PCI_ADDR, 8 },
};

static bool mv_ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* ---- interrupt lines ------------------------------------------------------ */

static bool mv_irq_line_valid(u32 irq)
{
	/* IRQ 0: the PIT, 2: the cascade, 4: COM1. */
	return irq >= 1 && irq < 16 && irq != 2 && irq != 4;
}

/*
 * Set ISA IRQ @irq (8259 input) to @level: 0 low, 1 high, 2 a pulse
 * (rising edge, then low).  Any context that may sleep; the vCPU 0 thread
 * applies it before its next entry (mv_irq_apply_lines()).
 */
int mv_irq_set_line(struct mv_vm *vm, u32 irq, u32 level)
{
	if (!mv_irq_line_valid(irq) || level > MINIVMM_DEV_IRQ_PULSE)
		return -EINVAL;
	if (level == MINIVMM_DEV_IRQ_HIGH)
		set_bit(irq, &vm->irq_lines);
	else
		clear_bit(irq, &vm->irq_lines);
	if (level == MINIVMM_DEV_IRQ_PULSE)
		set_bit(irq, &vm->irq_pulses);
	/*
	 * Order the line change before the wakeup's read of the vCPU's
	 * mode (mv_vcpu_kick()), so a vCPU entering now sees the new lines.
	 */
	smp_mb__after_atomic();
	mv_vm_input_arrived(vm);
	return 0;
}

/* vCPU 0 thread, before an entry: bring the 8259 inputs up to date. */
void mv_irq_apply_lines(struct mv_vm *vm)
{
	unsigned long lines, pulses, changed;
	unsigned int irq;

	if (!READ_ONCE(vm->irq_lines) && !READ_ONCE(vm->irq_pulses) &&
	    !vm->irq_applied)
		return;
	pulses = xchg(&vm->irq_pulses, 0);
	lines = READ_ONCE(vm->irq_lines);
	changed = (lines ^ vm->irq_applied) | pulses;
	for_each_set_bit(irq, &changed, 16) {
		if (pulses & BIT(irq))
			mv_isa_set_irq(vm, irq, true);
		mv_isa_set_irq(vm, irq, lines & BIT(irq));
	}
	vm->irq_applied = lines;
}

/* ---- pausing ------------------------------------------------------------- */

/* The device process is gone: a running VM pauses, saying so. */
static void mv_uio_pause_vm(struct mv_vm *vm)
{
	bool paused = false;
	unsigned int i;

	spin_lock(&vm->stop_lock);
	if (vm->state == MINIVMM_VM_RUNNING) {
		WRITE_ONCE(vm->pause_reason, MINIVMM_PAUSE_DEVICE_GONE);
		WRITE_ONCE(vm->state, MINIVMM_VM_PAUSED);
		paused = true;
	}
	spin_unlock(&vm->stop_lock);
	if (!paused)
		return;
	mv_vm_wake_all(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			mv_vcpu_kick(vm->vcpus[i]);
	pr_info_ratelimited("VM %u: device process gone: VM paused\n", vm->id);
	mv_nl_event(vm, MINIVMM_EVENT_DEVICE_GONE);
}

/* ---- the vCPU side ------------------------------------------------------- */

static struct mv_uio_claim *mv_uio_find(struct mv_uio *uio, u32 space,
					u64 addr)
{
	unsigned int i;

	for (i = 0; i < uio->nr_claims; i++) {
		struct mv_uio_claim *c = &uio->claims[i];

		if (c->space == space && addr >= c->base &&
		    addr - c->base < c->len)
			return c;
	}
	return NULL;
}

/* Drop an unread request (an abandoned wait); uio->lock held. */
static void mv_uio_unqueue(struct mv_uio *uio, u64 id)
{
	unsigned int i;

	for (i = 0; i < uio->len; i++) {
		struct minivmm_dev_req *r =
			&uio->ring[(uio->head + i) % MV_UIO_RING];

		if (r->id == id)
			r->space = 0;	/* skipped by read() */
	}
}

static bool mv_uio_keep_waiting(struct mv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->vm->state) == MINIVMM_VM_RUNNING &&
	       !kthread_should_stop();
}

/* uio->lock held: queue @req and wake the reader. */
static void mv_uio_push(struct mv_vm *vm, struct mv_uio *uio,
			const struct minivmm_dev_req *req)
{
	uio->ring[(uio->head + uio->len) % MV_UIO_RING] = *req;
	uio->len++;
	wake_up_interruptible(&vm->console.wait);
}

static bool mv_uio_has_room(struct mv_uio *uio)
{
	bool ret;

	spin_lock(&uio->lock);
	ret = uio->len < MV_UIO_RING || !uio->attached;
	spin_unlock(&uio->lock);
	return ret;
}

static bool mv_uio_answered(struct mv_uio *uio, unsigned int index)
{
	bool ret;

	spin_lock(&uio->lock);
	ret = uio->wait[index].done || !uio->attached;
	spin_unlock(&uio->lock);
	return ret;
}

/*
 * A 4-byte MMIO access at @addr to a status register; uio->lock held.
 * Returns -1 when @addr is none, else the ISA line due an edge (0: none).
 */
static int mv_uio_status_access(struct mv_uio *uio, u64 addr, bool write,
				u64 *data)
{
	unsigned int i;

	for (i = 0; i < MINIVMM_DEV_MAX_STATUS; i++) {
		struct mv_uio_status *s = &uio->status[i];

		if (!s->read_gpa)
			continue;
		/* A write to the status is ignored, a read of the ACK is 0. */
		if (addr == s->read_gpa) {
			if (!write)
				*data = mv_irq_status_read(&s->reg);
			return 0;
		}
		if (addr == s->ack_gpa) {
			if (!write) {
				*data = 0;
				return 0;
			}
			return mv_irq_status_ack(&s->reg, (u32)*data) ? s->irq : 0;
		}
	}
	return -1;
}

/*
 * A guest access at @addr in @space (vCPU thread).  Returns MV_UIO_NONE
 * when nobody claims it, MV_UIO_DONE when it completed (*@data holds the
 * value of a read), MV_UIO_RETRY when it must not complete now: the VM is
 * pausing or stopping (the caller leaves RIP alone, so the access is made
 * again after a resume).
 */
enum mv_uio_result mv_uio_access(struct mv_vcpu *vcpu, u32 space, u64 addr,
				 u8 size, bool write, u64 *data)
{
	struct mv_vm *vm = vcpu->vm;
	/* Pairs with the release in mv_uio_attach(): an initialised lock. */
	struct mv_uio *uio = smp_load_acquire(&vm->uio);
	struct mv_uio_wait *w;
	struct minivmm_dev_req req = {
		.addr = addr, .data = write ? *data : 0, .space = space,
		.size = size, .vcpu = vcpu->index,
	};
	struct mv_uio_claim *c;

	if (!uio)
		return MV_UIO_NONE;
	spin_lock(&uio->lock);
	c = mv_uio_find(uio, space, addr);
	if (!c) {
		spin_unlock(&uio->lock);
		return MV_UIO_NONE;
	}
	if (space == MINIVMM_DEV_MMIO && size == 4) {
		int edge = mv_uio_status_access(uio, addr, write, data);

		if (edge >= 0) {
			spin_unlock(&uio->lock);
			if (edge)
				mv_irq_set_line(vm, edge, MINIVMM_DEV_IRQ_PULSE);
			return MV_UIO_DONE;
		}
	}
	if (write)
		req.flags |= MINIVMM_DEV_REQ_WRITE;
	if (write && (c->flags & MINIVMM_DEV_CLAIM_POSTED))
		req.flags |= MINIVMM_DEV_REQ_POSTED;
	while (uio->attached && uio->len >= MV_UIO_RING) {
		spin_unlock(&uio->lock);
		wait_event_interruptible(vm->run_wait, mv_uio_has_room(uio) ||
					 !mv_uio_keep_waiting(vcpu));
		if (!mv_uio_keep_waiting(vcpu))
			return MV_UIO_RETRY;
		spin_lock(&uio->lock);
	}
	if (!uio->attached) {
		spin_unlock(&uio->lock);
		mv_uio_pause_vm(vm);
		return MV_UIO_RETRY;
	}
	req.id = ++uio->seq;
	mv_uio_push(vm, uio, &req);
	if (req.flags & MINIVMM_DEV_REQ_POSTED) {
		spin_unlock(&uio->lock);
		return MV_UIO_DONE;
	}
	w = &uio->wait[vcpu->index];
	w->id = req.id;
	w->done = false;
	spin_unlock(&uio->lock);

	wait_event_interruptible(vm->run_wait,
				 mv_uio_answered(uio, vcpu->index) ||
				 !mv_uio_keep_waiting(vcpu));

	spin_lock(&uio->lock);
	if (w->done) {
		*data = w->data;
		w->id = 0;
		spin_unlock(&uio->lock);
		return MV_UIO_DONE;
	}
	mv_uio_unqueue(uio, w->id);
	w->id = 0;
	if (!uio->attached) {
		spin_unlock(&uio->lock);
		mv_uio_pause_vm(vm);
		return MV_UIO_RETRY;
	}
	spin_unlock(&uio->lock);
	return MV_UIO_RETRY;
}

/* Port I/O nobody in the kernel claims (kmod/devices.c). */
bool mv_uio_io(struct mv_vcpu *vcpu, u16 port, u8 size, bool in, u32 *val)
{
	u64 data = *val;

	switch (mv_uio_access(vcpu, MINIVMM_DEV_PIO, port, size, !in, &data)) {
	case MV_UIO_NONE:
		return false;
	case MV_UIO_DONE:
		if (in)
			*val = data;
		return true;
	case MV_UIO_RETRY:
		/* Not completed: the instruction runs again on resume. */
		vcpu->exit_insn_len = 0;
		return true;
	}
	return true;
}

/* Does a device process claim the MMIO page at @gpa?  (vCPU thread) */
bool mv_uio_claims_mmio(struct mv_vm *vm, u64 gpa)
{
	/* Pairs with the release in mv_uio_attach(). */
	struct mv_uio *uio = smp_load_acquire(&vm->uio);
	bool ret;

	if (!uio)
		return false;
	spin_lock(&uio->lock);
	ret = mv_uio_find(uio, MINIVMM_DEV_MMIO, gpa) != NULL;
	spin_unlock(&uio->lock);
	return ret;
}

/* ---- the device fd ------------------------------------------------------- */

static bool mv_uio_ended(struct mv_vm *vm)
{
	return READ_ONCE(vm->state) == MINIVMM_VM_STOPPED;
}

static bool mv_uio_readable(struct mv_uio *uio)
{
	return READ_ONCE(uio->len) != 0;
}

static ssize_t mv_uio_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	struct mv_vm *vm = file->private_data;
	struct mv_uio *uio = vm->uio;
	struct minivmm_dev_req reqs[8];
	unsigned int n = 0, max = min_t(size_t, count / sizeof(reqs[0]),
					ARRAY_SIZE(reqs));
	int ret;

	if (!max)
		return -EINVAL;
	for (;;) {
		spin_lock(&uio->lock);
		while (n < max && uio->len) {
			struct minivmm_dev_req *r = &uio->ring[uio->head];

			uio->head = (uio->head + 1) % MV_UIO_RING;
			uio->len--;
			if (r->space)
				reqs[n++] = *r;
		}
		spin_unlock(&uio->lock);
		if (n)
			break;
		if (mv_uio_ended(vm))
			return 0;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(vm->console.wait,
					       mv_uio_readable(uio) ||
					       mv_uio_ended(vm));
		if (ret)
			return ret;
	}
	/* Room in the queue for a vCPU with a posted write. */
	wake_up_all(&vm->run_wait);
	if (copy_to_user(ubuf, reqs, n * sizeof(reqs[0])))
		return -EFAULT;
	return n * sizeof(reqs[0]);
}

static ssize_t mv_uio_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct mv_vm *vm = file->private_data;
	struct mv_uio *uio = vm->uio;
	struct minivmm_dev_resp resp;
	size_t done = 0;
	unsigned int i;

	if (!count || count % sizeof(resp))
		return -EINVAL;
	while (done < count) {
		if (copy_from_user(&resp, ubuf + done, sizeof(resp)))
			return done ? done : -EFAULT;
		if (resp.reserved[0] || resp.reserved[1])
			return done ? done : -EINVAL;
		spin_lock(&uio->lock);
		/* An answer to an abandoned request matches nothing. */
		for (i = 0; i < ARRAY_SIZE(uio->wait); i++) {
			struct mv_uio_wait *w = &uio->wait[i];

			if (w->id && w->id == resp.id && !w->done) {
				w->data = resp.data;
				w->done = true;
			}
		}
		spin_unlock(&uio->lock);
		done += sizeof(resp);
	}
	/* The vCPUs waiting for their answers (not the halted ones). */
	wake_up_all(&vm->run_wait);
	return done;
}

static __poll_t mv_uio_poll(struct file *file, poll_table *wait)
{
	struct mv_vm *vm = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &vm->console.wait, wait);
	if (mv_uio_readable(vm->uio))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (mv_uio_ended(vm))
		mask |= EPOLLIN | EPOLLHUP;
	return mask;
}

static bool mv_uio_port_free(u64 base, u64 len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mv_kernel_ports); i++)
		if (mv_ranges_overlap(base, len, mv_kernel_ports[i].base,
				      mv_kernel_ports[i].len))
			return false;
	return true;
}

static long mv_uio_claim(struct mv_vm *vm, struct mv_uio *uio,
			 void __user *argp)
{
	struct minivmm_dev_claim cl;
	unsigned int i;
	long ret = 0;

	if (copy_from_user(&cl, argp, sizeof(cl)))
		return -EFAULT;
	if (cl.reserved[0] || cl.reserved[1] ||
	    (cl.flags & ~MINIVMM_DEV_CLAIM_POSTED) || !cl.len)
		return -EINVAL;
	switch (cl.space) {
	case MINIVMM_DEV_PIO:
		if (cl.base > 0xffff || cl.len > 0x10000 - cl.base)
			return -EINVAL;
		if (!mv_uio_port_free(cl.base, cl.len))
			return -EEXIST;
		break;
	case MINIVMM_DEV_MMIO:
		/* Sub-page claims: posted and waited-for registers may share a page. */
		if (!IS_ALIGNED(cl.base, 4) || !IS_ALIGNED(cl.len, 4) ||
		    cl.base >= MV_UIO_MMIO_END ||
		    cl.len > MV_UIO_MMIO_END - cl.base)
			return -EINVAL;
		/* Not RAM, not the local APIC page (nor an I/O APIC's). */
		if (cl.base < vm->mem_size ||
		    mv_ranges_overlap(cl.base, cl.len, MINIVMM_APIC_BASE,
				      PAGE_SIZE) ||
		    mv_ranges_overlap(cl.base, cl.len, 0xfec00000ULL, PAGE_SIZE))
			return -EEXIST;
		break;
	default:
		return -EINVAL;
	}
	spin_lock(&uio->lock);
	if (uio->nr_claims >= MINIVMM_DEV_MAX_CLAIMS) {
		ret = -ENOSPC;
		goto out;
	}
	for (i = 0; i < uio->nr_claims; i++) {
		struct mv_uio_claim *c = &uio->claims[i];

		if (c->space == cl.space &&
		    mv_ranges_overlap(cl.base, cl.len, c->base, c->len)) {
			ret = -EEXIST;
			goto out;
		}
	}
	uio->claims[uio->nr_claims++] = (struct mv_uio_claim) {
		.space = cl.space, .flags = cl.flags,
		.base = cl.base, .len = cl.len,
	};
out:
	spin_unlock(&uio->lock);
	return ret;
}

/* 4 bytes at @gpa inside an MMIO claim, and in no slot but @index. */
static bool mv_uio_status_gpa_ok(struct mv_uio *uio, u64 gpa,
				 unsigned int index)
{
	struct mv_uio_claim *c = mv_uio_find(uio, MINIVMM_DEV_MMIO, gpa);
	unsigned int i;

	if (!IS_ALIGNED(gpa, 4) || !c || c->base + c->len - gpa < 4)
		return false;
	for (i = 0; i < MINIVMM_DEV_MAX_STATUS; i++)
		if (i != index && (uio->status[i].read_gpa == gpa ||
				   uio->status[i].ack_gpa == gpa))
			return false;
	return true;
}

/* MINIVMM_DEV_STATUS: define a slot or raise bits in it. */
static long mv_uio_status(struct mv_vm *vm, struct mv_uio *uio,
			  void __user *argp)
{
	struct minivmm_dev_status st;
	struct mv_uio_status *s;
	u32 edge = 0;
	long ret = 0;

	if (copy_from_user(&st, argp, sizeof(st)))
		return -EFAULT;
	if (st.reserved[0] || st.reserved[1] ||
	    st.index >= MINIVMM_DEV_MAX_STATUS)
		return -EINVAL;
	spin_lock(&uio->lock);
	s = &uio->status[st.index];
	switch (st.op) {
	case MINIVMM_DEV_STATUS_DEFINE:
		if (!mv_irq_line_valid(st.irq) || st.bits ||
		    st.read_gpa == st.ack_gpa ||
		    !mv_uio_status_gpa_ok(uio, st.read_gpa, st.index) ||
		    !mv_uio_status_gpa_ok(uio, st.ack_gpa, st.index)) {
			ret = -EINVAL;
			break;
		}
		*s = (struct mv_uio_status) {
			.read_gpa = st.read_gpa, .ack_gpa = st.ack_gpa,
			.irq = st.irq,
		};
		break;
	case MINIVMM_DEV_STATUS_RAISE:
		if (!s->read_gpa || st.irq || st.read_gpa || st.ack_gpa)
			ret = s->read_gpa ? -EINVAL : -ENOENT;
		else if (mv_irq_status_raise(&s->reg, st.bits))
			edge = s->irq;
		break;
	default:
		ret = -EINVAL;
	}
	spin_unlock(&uio->lock);
	if (edge)
		mv_irq_set_line(vm, edge, MINIVMM_DEV_IRQ_PULSE);
	return ret;
}

static long mv_uio_state(struct mv_vm *vm, struct mv_uio *uio,
			 void __user *argp, bool set)
{
	struct minivmm_dev_state st;
	void *buf;
	long ret;

	if (copy_from_user(&st, argp, sizeof(st)))
		return -EFAULT;
	if (st.reserved || st.len > MINIVMM_DEV_STATE_MAX)
		return -EINVAL;
	if (set) {
		buf = NULL;
		if (st.len) {
			buf = memdup_user(u64_to_user_ptr(st.buf), st.len);
			if (IS_ERR(buf))
				return PTR_ERR(buf);
		}
		if (mutex_lock_killable(&vm->lock)) {
			kfree(buf);
			return -EINTR;
		}
		kfree(uio->state);
		uio->state = buf;
		uio->state_len = st.len;
		mutex_unlock(&vm->lock);
		return 0;
	}
	if (mutex_lock_killable(&vm->lock))
		return -EINTR;
	ret = uio->state_len;
	if (st.len < uio->state_len)
		ret = uio->state_len ? -ENOSPC : 0;
	else if (uio->state_len &&
		 copy_to_user(u64_to_user_ptr(st.buf), uio->state,
			      uio->state_len))
		ret = -EFAULT;
	mutex_unlock(&vm->lock);
	return ret;
}

static long mv_uio_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct mv_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;
	struct minivmm_dev_irq irq;

	switch (cmd) {
	case MINIVMM_DEV_CLAIM:
		return mv_uio_claim(vm, vm->uio, argp);
	case MINIVMM_DEV_IRQ:
		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		if (irq.reserved)
			return -EINVAL;
		return mv_irq_set_line(vm, irq.irq, irq.level);
	case MINIVMM_DEV_SET_STATE:
	case MINIVMM_DEV_GET_STATE:
		return mv_uio_state(vm, vm->uio, argp,
				    cmd == MINIVMM_DEV_SET_STATE);
	case MINIVMM_DEV_STATUS:
		return mv_uio_status(vm, vm->uio, argp);
	default:
		return -ENOTTY;
	}
}

static int mv_uio_release(struct inode *inode, struct file *file)
{
	struct mv_vm *vm = file->private_data;
	struct mv_uio *uio = vm->uio;

	spin_lock(&uio->lock);
	uio->attached = false;
	uio->len = 0;
	/* Its registers go with it: their accesses now pause the VM. */
	memset(uio->status, 0, sizeof(uio->status));
	spin_unlock(&uio->lock);
	/* The lines it drove go low; a waiting vCPU gives up. */
	WRITE_ONCE(vm->irq_lines, 0);
	mv_vm_wake_all(vm);
	mv_uio_pause_vm(vm);
	mv_vm_put(vm);
	return 0;
}

static const struct file_operations mv_uio_fops = {
	.owner		= THIS_MODULE,
	.read		= mv_uio_read,
	.write		= mv_uio_write,
	.poll		= mv_uio_poll,
	.unlocked_ioctl	= mv_uio_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= mv_uio_release,
	.llseek		= noop_llseek,
};

/* MINIVMM_VM_DEV_ATTACH: a device fd, the old claims dropped. */
long mv_uio_attach(struct mv_vm *vm)
{
	struct mv_uio *uio;
	struct file *file;
	int fd;

	if (mutex_lock_killable(&vm->lock))
		return -EINTR;
	uio = vm->uio;
	if (!uio) {
		uio = kzalloc(sizeof(*uio), GFP_KERNEL_ACCOUNT);
		if (!uio) {
			fd = -ENOMEM;
			goto out;
		}
		spin_lock_init(&uio->lock);
		/* Published initialised: vCPU threads read it locklessly. */
		smp_store_release(&vm->uio, uio);
	}
	spin_lock(&uio->lock);
	if (uio->attached) {
		spin_unlock(&uio->lock);
		fd = -EBUSY;
		goto out;
	}
	uio->attached = true;
	uio->nr_claims = 0;
	uio->len = 0;
	memset(uio->status, 0, sizeof(uio->status));
	spin_unlock(&uio->lock);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto undo;
	kref_get(&vm->ref);
	file = anon_inode_getfile("minivmm-dev", &mv_uio_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		mv_vm_put(vm);
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto undo;
	}
	fd_install(fd, file);
	goto out;
undo:
	spin_lock(&uio->lock);
	uio->attached = false;
	spin_unlock(&uio->lock);
out:
	mutex_unlock(&vm->lock);
	return fd;
}

void mv_uio_free(struct mv_vm *vm)
{
	if (vm->uio)
		kfree(vm->uio->state);
	kfree(vm->uio);
	vm->uio = NULL;
}

/* ---- guest RAM through mmap of the VM fd --------------------------------- */

/* Pages mapped per fault: the faulting one and its existing neighbours. */
#define MV_UIO_FAULT_AROUND	32

/*
 * A device process reads and writes guest RAM in runs (a disk request,
 * a frame): map the pages around @gpa that the guest has already, in the
 * same aligned block, so one fault maps up to 128 KiB.  Pages the guest
 * has not touched stay unmapped; a later fault grants them.
 */
static void mv_uio_map_around(struct vm_fault *vmf, u64 gpa)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long pfns[MV_UIO_FAULT_AROUND];
	u64 first = ALIGN_DOWN(gpa, MV_UIO_FAULT_AROUND * PAGE_SIZE);
	u64 map_lo = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 map_hi = map_lo + (vma->vm_end - vma->vm_start);
	unsigned int i;
	u64 at;

	first = max(first, map_lo);
	mv_gpa_present_pfns(vma->vm_file->private_data, first,
			    MV_UIO_FAULT_AROUND, pfns);
	for (i = 0, at = first; i < MV_UIO_FAULT_AROUND && at < map_hi;
	     i++, at += PAGE_SIZE) {
		if (at == gpa || !pfns[i])
			continue;
		/* An address mapped already is left as it is. */
		if (vmf_insert_pfn(vma, vma->vm_start + (at - map_lo),
				   pfns[i]) != VM_FAULT_NOPAGE)
			break;
	}
}

static vm_fault_t mv_uio_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mv_vm *vm = vma->vm_file->private_data;
	u64 gpa = (u64)vmf->pgoff << PAGE_SHIFT;
	struct page *page;
	vm_fault_t ret;

	if (gpa >= vm->mem_size)
		return VM_FAULT_SIGBUS;
	/* Granted like a guest touch; a refused grant is a SIGBUS. */
	page = mv_gpa_to_page(vm, gpa, true);
	if (IS_ERR_OR_NULL(page))
		return VM_FAULT_SIGBUS;
	ret = vmf_insert_pfn(vma, vmf->address, page_to_pfn(page));
	/*
	 * The mapping needs no reference of its own: the VM's pages live
	 * until the VM is freed (the mapping holds the VM fd), and the
	 * balloon frees none once RAM was mapped (vm->ram_mapped).
	 */
	mv_guest_page_put(page);
	if (ret == VM_FAULT_NOPAGE)
		mv_uio_map_around(vmf, gpa);
	return ret;
}

static const struct vm_operations_struct mv_uio_vm_ops = {
	.fault = mv_uio_fault,
};

/*
 * Guest RAM, shared: offset = guest-physical address.  Pages are inserted
 * by PFN on fault (VM_PFNMAP: no struct page references, the VM's RAM is
 * pinned by the VM fd the mapping holds until munmap).
 */
int mv_uio_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mv_vm *vm = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off >= vm->mem_size || len > vm->mem_size - off)
		return -EINVAL;
	/* Dirty logging cannot see this process's writes (kmod/dirty.c). */
	mutex_lock(&vm->npt_lock);
	if (vm->dirty) {
		mutex_unlock(&vm->npt_lock);
		return -EBUSY;
	}
	WRITE_ONCE(vm->ram_mapped, true);
	mutex_unlock(&vm->npt_lock);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
#else
	vma->vm_flags |= VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
#endif
	vma->vm_ops = &mv_uio_vm_ops;
	return 0;
}
