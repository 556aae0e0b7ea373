// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel devices: the console ring, a 16550 UART subset at COM1, the
 * isa-debug-exit port, the PIT (kmod/pit.c) and the platform ports of
 * kmod/platform.c, and the rule
 * for everything else (reads return all
 * ones, writes are ignored, both are counted).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include "minivmm.h"

/* ---- console ring ------------------------------------------------------- */

int mv_console_init(struct mv_console *con)
{
	spin_lock_init(&con->lock);
	init_waitqueue_head(&con->wait);
	/* No ring until the guest writes: see struct mv_console. */
	con->buf = NULL;
	con->size = 0;
	return 0;
}

void mv_console_free(struct mv_console *con)
{
	kvfree(con->buf);
	con->buf = NULL;
	con->size = 0;
}

/* The oldest stream position the ring still holds.  con->lock held. */
static u64 mv_console_oldest(const struct mv_console *con)
{
	return con->total > con->size ? con->total - con->size : 0;
}

/*
 * Copy the bytes the ring holds into @buf of @size bytes (a power of two,
 * at least con->size), where position p goes to buf[p % size], and make it
 * the ring.  con->lock held; returns the old ring, to be freed after.
 */
static u8 *mv_console_swap(struct mv_console *con, u8 *buf, u32 size)
{
	u8 *old = con->buf;
	u64 p;

	for (p = mv_console_oldest(con); p < con->total; p++)
		buf[p & (size - 1)] = con->buf[p & (con->size - 1)];
	con->buf = buf;
	con->size = size;
	return old;
}

/*
 * Double the ring (or give it its first MV_CONSOLE_MIN_SIZE bytes).  The
 * allocation sleeps, so it happens outside the lock and the size is checked
 * again under it (two vCPUs may race here).  A failed allocation keeps the
 * ring as it is (and the request): the oldest bytes are then overwritten,
 * and counted as dropped, sooner; nothing else changes.
 */
static int mv_console_grow(struct mv_console *con)
{
	u32 size = READ_ONCE(con->size);
	u8 *buf, *old;

	size = size ? size * 2 : MV_CONSOLE_MIN_SIZE;
	buf = kvmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	spin_lock(&con->lock);
	if (con->size >= size) {
		spin_unlock(&con->lock);
		kvfree(buf);
		return 0;
	}
	old = mv_console_swap(con, buf, size);
	con->grow = size < MV_CONSOLE_SIZE && con->total >= size / 2;
	spin_unlock(&con->lock);
	kvfree(old);
	return 0;
}

/* At start: the smallest ring, so that the first byte has a place. */
int mv_console_start(struct mv_console *con)
{
	return READ_ONCE(con->size) ? 0 : mv_console_grow(con);
}

/*
 * Process context, no locks held (the vCPU thread after an I/O exit): the
 * growth mv_console_put() asked for.  It asks once the ring is half full,
 * and a vCPU writes one byte per exit, so the bytes written before the
 * growth happens fit in the other half.
 */
void mv_console_maybe_grow(struct mv_console *con)
{
	if (unlikely(READ_ONCE(con->grow)))
		mv_console_grow(con);
}

/*
 * A full ring drops its oldest byte: a guest cannot block on its console.
 * Any context (the UART calls it under vm->dev_lock).
 */
void mv_console_put(struct mv_console *con, u8 byte)
{
	spin_lock(&con->lock);
	/* The byte overwritten now (or lost: no ring) is at total - size. */
	if (con->total >= con->size &&
	    con->total - con->size >= con->read_max)
		con->dropped++;
	if (con->size)
		con->buf[con->total & (con->size - 1)] = byte;
	WRITE_ONCE(con->total, con->total + 1);
	if (con->size < MV_CONSOLE_SIZE && con->total >= con->size / 2)
		WRITE_ONCE(con->grow, true);
	spin_unlock(&con->lock);
	wake_up_interruptible(&con->wait);
}

size_t mv_console_read_from(struct mv_console *con, u64 *pos, u8 *dst,
			    size_t count)
{
	u64 oldest;
	size_t n, i;

	spin_lock(&con->lock);
	oldest = mv_console_oldest(con);
	/* A reader that fell behind the ring skips what was overwritten. */
	if (*pos < oldest)
		*pos = oldest;
	n = min_t(u64, count, con->total - *pos);
	for (i = 0; i < n; i++)
		dst[i] = con->buf[(*pos + i) & (con->size - 1)];
	*pos += n;
	con->read_max = max(con->read_max, *pos);
	spin_unlock(&con->lock);
	return n;
}

/*
 * The snapshot's view: a MV_CONSOLE_SIZE image where position p is at
 * ring[p % MV_CONSOLE_SIZE], zero where the ring holds nothing.
 * con->lock held.
 */
void mv_console_image(struct mv_console *con, u8 *ring)
{
	u64 p;

	memset(ring, 0, MV_CONSOLE_SIZE);
	for (p = mv_console_oldest(con); p < con->total; p++)
		ring[p % MV_CONSOLE_SIZE] = con->buf[p & (con->size - 1)];
}

/*
 * A ring for a restored stream of @total bytes: big enough for the bytes
 * a MV_CONSOLE_SIZE ring keeps of it.  NULL with *@size 0 when nothing was
 * written; NULL with *@size set when the allocation failed.
 */
u8 *mv_console_alloc_for(u64 total, u32 *size)
{
	u64 need = min_t(u64, total, MV_CONSOLE_SIZE);

	*size = 0;
	if (!need)
		return NULL;
	*size = max_t(u32, roundup_pow_of_two(need), MV_CONSOLE_MIN_SIZE);
	return kvmalloc(*size, GFP_KERNEL_ACCOUNT);
}

/*
 * Make @buf (@size bytes from mv_console_alloc_for()) the ring of a
 * restored stream of @total bytes, filled from the snapshot's @ring image.
 * con->lock held; the caller sets the counters and frees the old ring,
 * which is returned.
 */
u8 *mv_console_install(struct mv_console *con, u8 *buf, u32 size,
		       const u8 *ring, u64 total)
{
	u8 *old = con->buf;
	u64 p;

	/* Nothing written: a ring the VM has (it started) stays. */
	if (!buf)
		return NULL;
	for (p = total > size ? total - size : 0; p < total; p++)
		buf[p & (size - 1)] = ring[p % MV_CONSOLE_SIZE];
	con->buf = buf;
	con->size = size;
	con->grow = size < MV_CONSOLE_SIZE && total >= size / 2;
	return old;
}

u64 mv_console_unread_start(struct mv_console *con)
{
	u64 pos;

	spin_lock(&con->lock);
	pos = con->read_max;
	spin_unlock(&con->lock);
	return pos;
}

size_t mv_console_input(struct mv_console *con, const u8 *bytes, size_t n)
{
	size_t i;

	spin_lock(&con->lock);
	for (i = 0; i < n && con->in_len < MV_CONSOLE_IN_SIZE; i++) {
		con->in[(con->in_head + con->in_len) % MV_CONSOLE_IN_SIZE] =
			bytes[i];
		WRITE_ONCE(con->in_len, con->in_len + 1);
	}
	spin_unlock(&con->lock);
	return i;
}

/* Next input byte for the UART's receive register, or -1 if none. */
static int mv_console_getc(struct mv_console *con)
{
	int c = -1;

	spin_lock(&con->lock);
	if (con->in_len) {
		c = con->in[con->in_head];
		con->in_head = (con->in_head + 1) % MV_CONSOLE_IN_SIZE;
		WRITE_ONCE(con->in_len, con->in_len - 1);
	}
	spin_unlock(&con->lock);
	return c;
}

/* ---- 16550 UART subset at COM1 ------------------------------------------ */

/* Register offsets from the base port. */
enum {
	UART_RBR_THR = 0,	/* DLL when DLAB */
	UART_IER = 1,		/* DLM when DLAB */
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};
#define UART_LCR_DLAB		0x80
#define UART_LSR_THRE_TEMT	0x60	/* transmitter empty, always */
#define UART_LSR_DR		0x01	/* a received byte waits in RBR */
#define UART_IIR_NO_INT		0x01
#define UART_IIR_THRE		0x02	/* transmitter holding register empty */
#define UART_IIR_RDA		0x04	/* received data available */
#define UART_IER_RDA		0x01
#define UART_IER_THRE		0x02
#define UART_MCR_OUT2		0x08	/* gates the IRQ line on a PC */
#define UART_MSR_DCD_DSR_CTS	0xb0
#define MV_UART_IRQ		4	/* COM1 on the 8259 */

/* The interrupt the UART asserts now, as its IIR reports it. */
static u8 mv_uart_iir(struct mv_vm *vm)
{
	struct mv_uart *u = &vm->uart;

	if ((u->ier & UART_IER_RDA) && READ_ONCE(vm->console.in_len))
		return UART_IIR_RDA;
	if ((u->ier & UART_IER_THRE) && u->thre_pending)
		return UART_IIR_THRE;
	return UART_IIR_NO_INT;
}

void mv_uart_update_irq(struct mv_vm *vm)
{
	bool level = mv_uart_iir(vm) != UART_IIR_NO_INT &&
		     (vm->uart.mcr & UART_MCR_OUT2);

	mv_isa_set_irq(vm, MV_UART_IRQ, level);
}

static u8 mv_uart_read(struct mv_vm *vm, unsigned int reg)
{
	struct mv_uart *u = &vm->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;
	int c;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab)
			return u->dll;
		c = mv_console_getc(&vm->console);
		return c < 0 ? 0 : c;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR: {
		u8 iir = mv_uart_iir(vm);

		/* Reading IIR acknowledges a THRE interrupt. */
		if (iir == UART_IIR_THRE)
			u->thre_pending = false;
		return iir;
	}
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE_TEMT |
		       (READ_ONCE(vm->console.in_len) ? UART_LSR_DR : 0);
	case UART_MSR:
		return UART_MSR_DCD_DSR_CTS;
	default:
		return u->scr;
	}
}

static void mv_uart_write(struct mv_vm *vm, unsigned int reg, u8 val)
{
	struct mv_uart *u = &vm->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab) {
			u->dll = val;
		} else {
			mv_console_put(&vm->console, val);
			u->thre_pending = true;	/* sent at once */
		}
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		/* Enabling THRE with the holder empty interrupts at once. */
		if ((val & UART_IER_THRE) && !(u->ier & UART_IER_THRE))
			u->thre_pending = true;
		u->ier = val & 0x0f;
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1f;
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:		/* FCR, LSR, MSR: accepted, no effect */
		break;
	}
}

/* ---- dispatch ----------------------------------------------------------- */

/*
 * @val holds the value written (OUT) or receives the value read (IN; it
 * arrives all ones).  Multi-byte UART accesses act on the first register.
 */
static enum mv_exit_action mv_io_dispatch_locked(struct mv_vcpu *vcpu,
						 u16 port, u8 size, bool in,
						 u32 *val,
						 enum minivmm_stop_reason *why,
						 bool *unclaimed)
{
	struct mv_vm *vm = vcpu->vm;
	u8 byte = *val;

	if (size == 1 && mv_pit_io(&vm->pit, port, in, &byte, ktime_get_ns())) {
		if (in)
			*val = byte;
		/*
		 * vCPU 0 runs channel 0's timer: if another vCPU changed it
		 * while vCPU 0 sleeps in HLT, vCPU 0 re-arms it now.
		 */
		if (vcpu->index && vm->pit.irq0_changed && vm->vcpus[0])
			mv_vcpu_wake(vm->vcpus[0]);
		return MV_EXIT_RESUME;
	}
	switch (mv_platform_io(&vm->platform, port, size, in, val)) {
	case MV_IO_DONE:
		return MV_EXIT_RESUME;
	case MV_IO_POWEROFF:
		*why = MINIVMM_STOP_POWEROFF;
		return MV_EXIT_STOP;
	case MV_IO_UNCLAIMED:
		break;
	}
	if (port >= MINIVMM_PORT_COM1 && port < MINIVMM_PORT_COM1 + 8) {
		unsigned int reg = port - MINIVMM_PORT_COM1;

		if (in)
			*val = mv_uart_read(vm, reg);
		else
			mv_uart_write(vm, reg, (u8)*val);
		mv_uart_update_irq(vm);
		return MV_EXIT_RESUME;
	}
	if (port == MINIVMM_PORT_DEBUG_EXIT && !in) {
		*why = MINIVMM_STOP_EXITED;
		return MV_EXIT_STOP;
	}
	*why = MINIVMM_STOP_NONE;
	*unclaimed = true;
	return MV_EXIT_RESUME;
}

/*
 * Every vCPU reaches the same devices: dev_lock around the models; the VM
 * is stopped, and a device process's port served (both may sleep), after
 * it is released.  The 8259 and the
 * PIT's timer are vCPU 0's: an access by another vCPU makes it look again.
 */
enum mv_exit_action mv_io_dispatch(struct mv_vcpu *vcpu, u16 port, u8 size,
				   bool in, u32 *val)
{
	struct mv_vm *vm = vcpu->vm;
	enum minivmm_stop_reason why = MINIVMM_STOP_NONE;
	enum mv_exit_action action;
	bool unclaimed = false;

	spin_lock(&vm->dev_lock);
	action = mv_io_dispatch_locked(vcpu, port, size, in, val, &why,
				       &unclaimed);
	spin_unlock(&vm->dev_lock);
	if (action == MV_EXIT_STOP) {
		mv_vm_stop(vm, why, why == MINIVMM_STOP_EXITED ? *val : 0);
		return MV_EXIT_STOP;
	}
	/* A device process's port: the vCPU may sleep for its answer. */
	if (unclaimed && !mv_uio_io(vcpu, port, size, in, val)) {
		spin_lock(&vm->dev_lock);
		vm->unclaimed_io++;
		spin_unlock(&vm->dev_lock);
	}
	if (vcpu->index)
		mv_vm_input_arrived(vm);
	return MV_EXIT_RESUME;
}
