// SPDX-License-Identifier: GPL-2.0
/*
 * VM file descriptors (from MINIVMM_OPEN_VM on /dev/minivmm) and console
 * file descriptors (from MINIVMM_VM_CONSOLE on a VM fd).  Each holds a
 * reference on its VM, so a VM destroyed while open is freed on close.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include "minivmm.h"

/* ---- guest memory through pread/pwrite ---------------------------------- */

/* Bytes from @pos that lie in guest RAM, at most @count; <0 if none. */
static ssize_t mv_mem_span(struct mv_vm *vm, loff_t pos, size_t count)
{
	if (pos < 0)
		return -EINVAL;
	if ((u64)pos >= vm->mem_size)
		return count ? -ENOSPC : 0;
	return min_t(u64, count, vm->mem_size - pos);
}

static ssize_t mv_mem_copy(struct mv_vm *vm, char __user *ubuf, loff_t *ppos,
			   size_t count, bool write)
{
	ssize_t len = mv_mem_span(vm, *ppos, count);
	size_t done = 0;

	if (len <= 0)
		return len;
	while (done < len) {
		u64 gpa = *ppos + done;
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, PAGE_SIZE - off, len - done);
		/* Reading an untouched page gives zeros and grants nothing. */
		struct page *page = mv_gpa_to_page(vm, gpa, write);
		unsigned long left;

		if (IS_ERR(page)) {
			if (!done)
				return PTR_ERR(page) == -ENOSPC ? -EDQUOT :
				       PTR_ERR(page);
			break;
		}
		if (!page) {
			left = clear_user(ubuf + done, n);
		} else {
			void *va = page_address(page) + off;

			left = write ? copy_from_user(va, ubuf + done, n) :
				       copy_to_user(ubuf + done, va, n);
			/* After the copy: a fetch between must not miss it. */
			if (write)
				mv_dirty_mark(vm, gpa);
			mv_guest_page_put(page);
		}
		done += n - left;
		if (left)
			break;
		cond_resched();
	}
	if (!done)
		return -EFAULT;
	*ppos += done;
	return done;
}

static ssize_t mv_vm_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	return mv_mem_copy(file->private_data, buf, ppos, count, false);
}

static ssize_t mv_vm_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	return mv_mem_copy(file->private_data, (char __user *)buf, ppos, count,
			   true);
}

/* ---- registers ---------------------------------------------------------- */

/*
 * Take vm->lock with every vCPU outside guest mode, as it stays while the
 * lock is held: not started, paused (mv_vm_pause() returned once every
 * vCPU parked, and resuming needs vm->lock), or stopped with its threads
 * reaped.  -EBUSY (lock not held) while the VM runs.
 */
int mv_vm_lock_quiet(struct mv_vm *vm)
{
	enum minivmm_vm_state state;

	if (mutex_lock_killable(&vm->lock))
		return -EINTR;
	state = READ_ONCE(vm->state);
	if (state == MINIVMM_VM_RUNNING) {
		mutex_unlock(&vm->lock);
		return -EBUSY;
	}
	if (state == MINIVMM_VM_STOPPED)
		mv_vm_reap_threads(vm);
	return 0;
}

/* mv_vm_lock_quiet(), and vCPU @vcpu_index of the VM. */
static int mv_vm_lock_vcpu(struct mv_vm *vm, u32 vcpu_index,
			   struct mv_vcpu **vcpu)
{
	int ret;

	if (vcpu_index >= vm->nr_vcpus)
		return -EINVAL;
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	*vcpu = vm->vcpus[vcpu_index];
	return 0;
}

static bool mv_reserved_zero(const u64 *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i])
			return false;
	return true;
}

/*
 * The register ioctls of API version 1, kept on top of the whole-state
 * interface: a state with only the sections they carry.
 */
static long mv_vm_get_regs(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_vcpu_state *st;
	struct minivmm_regs regs;
	struct mv_vcpu *vcpu;
	int ret;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	st = kvmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ret = mv_vm_lock_vcpu(vm, regs.vcpu, &vcpu);
	if (ret)
		goto out;
	mv_vcpu_get_state(vcpu, st, MINIVMM_STATE_GPRS);
	mutex_unlock(&vm->lock);
	memset(&regs, 0, sizeof(regs));
	regs.vcpu = vcpu->index;
	memcpy(regs.gprs, st->gprs, sizeof(regs.gprs));
	regs.rip = st->rip;
	regs.rflags = st->rflags;
	ret = copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
out:
	kvfree(st);
	return ret;
}

static long mv_vm_set_regs(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_vcpu_state *st;
	struct minivmm_regs regs;
	struct mv_vcpu *vcpu;
	int ret;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	if (regs.reserved0 || !mv_reserved_zero(regs.reserved,
						ARRAY_SIZE(regs.reserved)))
		return -EINVAL;
	st = kvmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ret = mv_vm_lock_vcpu(vm, regs.vcpu, &vcpu);
	if (ret)
		goto out;
	mv_vcpu_get_state(vcpu, st, MINIVMM_STATE_GPRS);
	memcpy(st->gprs, regs.gprs, sizeof(st->gprs));
	st->rip = regs.rip;
	st->rflags = regs.rflags;
	ret = mv_vcpu_set_state(vcpu, st);
	mutex_unlock(&vm->lock);
out:
	kvfree(st);
	return ret;
}

static long mv_vm_get_sregs(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_vcpu_state *st;
	struct minivmm_sregs *sregs;
	struct mv_vcpu *vcpu;
	int ret;

	sregs = kzalloc(sizeof(*sregs), GFP_KERNEL);
	st = kvmalloc(sizeof(*st), GFP_KERNEL);
	ret = -ENOMEM;
	if (!sregs || !st)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(&sregs->vcpu, argp, sizeof(sregs->vcpu)))
		goto out;
	ret = mv_vm_lock_vcpu(vm, sregs->vcpu, &vcpu);
	if (ret)
		goto out;
	mv_vcpu_get_state(vcpu, st, MINIVMM_STATE_SEGS | MINIVMM_STATE_CRS);
	mutex_unlock(&vm->lock);
	memset(sregs, 0, sizeof(*sregs));
	sregs->vcpu = vcpu->index;
	sregs->cs = st->cs;
	sregs->ds = st->ds;
	sregs->es = st->es;
	sregs->fs = st->fs;
	sregs->gs = st->gs;
	sregs->ss = st->ss;
	sregs->tr = st->tr;
	sregs->ldt = st->ldt;
	sregs->gdt = st->gdt;
	sregs->idt = st->idt;
	sregs->cr0 = st->cr0;
	sregs->cr2 = st->cr2;
	sregs->cr3 = st->cr3;
	sregs->cr4 = st->cr4;
	sregs->efer = st->efer;
	ret = copy_to_user(argp, sregs, sizeof(*sregs)) ? -EFAULT : 0;
out:
	kvfree(st);
	kfree(sregs);
	return ret;
}

static long mv_vm_set_sregs(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_vcpu_state *st = NULL;
	struct minivmm_sregs *sregs;
	struct mv_vcpu *vcpu;
	int ret;

	sregs = memdup_user(argp, sizeof(*sregs));
	if (IS_ERR(sregs))
		return PTR_ERR(sregs);
	ret = -EINVAL;
	if (sregs->reserved0 ||
	    !mv_reserved_zero(sregs->reserved, ARRAY_SIZE(sregs->reserved)))
		goto out;
	ret = -ENOMEM;
	st = kvmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		goto out;
	ret = mv_vm_lock_vcpu(vm, sregs->vcpu, &vcpu);
	if (ret)
		goto out;
	mv_vcpu_get_state(vcpu, st, MINIVMM_STATE_SEGS | MINIVMM_STATE_CRS);
	st->cs = sregs->cs;
	st->ds = sregs->ds;
	st->es = sregs->es;
	st->fs = sregs->fs;
	st->gs = sregs->gs;
	st->ss = sregs->ss;
	st->tr = sregs->tr;
	st->ldt = sregs->ldt;
	st->gdt = sregs->gdt;
	st->idt = sregs->idt;
	st->cr0 = sregs->cr0;
	st->cr2 = sregs->cr2;
	st->cr3 = sregs->cr3;
	st->cr4 = sregs->cr4;
	st->efer = sregs->efer;
	ret = mv_vcpu_set_state(vcpu, st);
	mutex_unlock(&vm->lock);
out:
	kvfree(st);
	kfree(sregs);
	return ret;
}

/* The whole state; a refusal names the field in invalid_field. */
static long mv_vm_get_state(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_vcpu_state *st;
	struct mv_vcpu *vcpu;
	u32 mask;
	int ret;

	st = vmemdup_user(argp, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	ret = -EINVAL;
	if (st->version != MINIVMM_STATE_VERSION || st->size != sizeof(*st) ||
	    (st->mask & ~MINIVMM_STATE_ALL))
		goto out;
	mask = st->mask;
	ret = mv_vm_lock_vcpu(vm, st->vcpu, &vcpu);
	if (ret)
		goto out;
	mv_vcpu_get_state(vcpu, st, mask);
	mutex_unlock(&vm->lock);
	ret = copy_to_user(argp, st, sizeof(*st)) ? -EFAULT : 0;
out:
	kvfree(st);
	return ret;
}

static long mv_vm_set_state(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_vcpu_state __user *ust = argp;
	struct minivmm_vcpu_state *st;
	struct mv_vcpu *vcpu;
	int ret;

	st = vmemdup_user(argp, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	ret = mv_vm_lock_vcpu(vm, st->vcpu, &vcpu);
	if (ret)
		goto out;
	ret = mv_vcpu_set_state(vcpu, st);
	mutex_unlock(&vm->lock);
	if (ret == -EINVAL && put_user(st->invalid_field, &ust->invalid_field))
		ret = -EFAULT;
out:
	kvfree(st);
	return ret;
}

/*
 * A new file descriptor on @vm holding a reference, with @priv as its
 * private_data (the caller frees @priv on failure).  @positional files
 * accept pread/pwrite (anonymous inodes do not by default).
 */
static int mv_vm_new_fd(struct mv_vm *vm, const char *name,
			const struct file_operations *fops, int flags,
			bool positional, void *priv)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	kref_get(&vm->ref);
	file = anon_inode_getfile(name, fops, priv, flags);
	if (IS_ERR(file)) {
		mv_vm_put(vm);
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	if (positional)
		file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	fd_install(fd, file);
	return fd;
}

/* ---- console fd --------------------------------------------------------- */

/* One console file: the VM (a reference) and this reader's stream cursor. */
struct mv_console_reader {
	struct mv_vm *vm;
	u64 pos;
};

static bool mv_console_eof(struct mv_vm *vm)
{
	return READ_ONCE(vm->state) == MINIVMM_VM_STOPPED;
}

static bool mv_console_has_data(struct mv_console_reader *rd)
{
	return READ_ONCE(rd->vm->console.total) != READ_ONCE(rd->pos);
}

static ssize_t mv_console_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct mv_console_reader *rd = file->private_data;
	struct mv_vm *vm = rd->vm;
	u8 tmp[256];
	size_t n;
	int ret;

	if (!count)
		return 0;
	for (;;) {
		n = mv_console_read_from(&vm->console, &rd->pos, tmp,
					 min(count, sizeof(tmp)));
		if (n)
			break;
		/* Stopped and drained: end of file. */
		if (mv_console_eof(vm))
			return 0;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(vm->console.wait,
					       mv_console_has_data(rd) ||
					       mv_console_eof(vm));
		if (ret)
			return ret;
	}
	return copy_to_user(ubuf, tmp, n) ? -EFAULT : n;
}

/* Guest input: what does not fit the UART's queue now is not taken. */
static ssize_t mv_console_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct mv_console_reader *rd = file->private_data;
	struct mv_vm *vm = rd->vm;
	u8 tmp[MV_CONSOLE_IN_SIZE];
	size_t n = min(count, sizeof(tmp));

	if (!count)
		return 0;
	if (mv_console_eof(vm))
		return -EPIPE;
	if (copy_from_user(tmp, ubuf, n))
		return -EFAULT;
	n = mv_console_input(&vm->console, tmp, n);
	if (n)
		mv_vm_input_arrived(vm);
	return n ? n : -EAGAIN;
}

static __poll_t mv_console_poll(struct file *file, poll_table *wait)
{
	struct mv_console_reader *rd = file->private_data;
	struct mv_vm *vm = rd->vm;
	__poll_t mask = 0;

	poll_wait(file, &vm->console.wait, wait);
	if (mv_console_has_data(rd))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (mv_console_eof(vm))
		mask |= EPOLLIN | EPOLLHUP;
	else if (READ_ONCE(vm->console.in_len) < MV_CONSOLE_IN_SIZE)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int mv_console_release(struct inode *inode, struct file *file)
{
	struct mv_console_reader *rd = file->private_data;

	mv_vm_put(rd->vm);
	kfree(rd);
	return 0;
}

static const struct file_operations mv_console_fops = {
	.owner		= THIS_MODULE,
	.read		= mv_console_read,
	.write		= mv_console_write,
	.poll		= mv_console_poll,
	.release	= mv_console_release,
	.llseek		= noop_llseek,
};

/*
 * A console fd starts at the first byte no reader has read yet, so output
 * nobody has seen is not lost, and output another reader took is not
 * repeated; from then on it gets every byte, whoever else reads.
 */
static long mv_vm_console_fd(struct mv_vm *vm)
{
	struct mv_console_reader *rd;
	int fd;

	rd = kzalloc(sizeof(*rd), GFP_KERNEL_ACCOUNT);
	if (!rd)
		return -ENOMEM;
	rd->vm = vm;
	rd->pos = mv_console_unread_start(&vm->console);
	fd = mv_vm_new_fd(vm, "minivmm-console", &mv_console_fops, O_RDWR,
			  false, rd);
	if (fd < 0)
		kfree(rd);
	return fd;
}

/* ---- VM fd -------------------------------------------------------------- */

static long mv_vm_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct mv_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MINIVMM_VM_GET_REGS:
		return mv_vm_get_regs(vm, argp);
	case MINIVMM_VM_SET_REGS:
		return mv_vm_set_regs(vm, argp);
	case MINIVMM_VM_GET_SREGS:
		return mv_vm_get_sregs(vm, argp);
	case MINIVMM_VM_SET_SREGS:
		return mv_vm_set_sregs(vm, argp);
	case MINIVMM_VM_CONSOLE:
		return mv_vm_console_fd(vm);
	case MINIVMM_VM_GET_STATE:
		return mv_vm_get_state(vm, argp);
	case MINIVMM_VM_SET_STATE:
		return mv_vm_set_state(vm, argp);
	case MINIVMM_VM_DEV_ATTACH:
		return mv_uio_attach(vm);
	case MINIVMM_VM_DIRTY_LOG:
	case MINIVMM_VM_GET_DIRTY:
		return mv_dirty_ioctl(vm, file, cmd, argp);
	default:
		return mv_snap_ioctl(vm, cmd, argp);
	}
}

static int mv_vm_file_release(struct inode *inode, struct file *file)
{
	mv_dirty_release(file->private_data, file);
	mv_vm_put(file->private_data);
	return 0;
}

static const struct file_operations mv_vm_fops = {
	.owner		= THIS_MODULE,
	.read		= mv_vm_read,
	.write		= mv_vm_write,
	.unlocked_ioctl	= mv_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= mv_vm_file_release,
	.mmap		= mv_uio_mmap,
	.llseek		= default_llseek,
};

int mv_vm_open_fd(struct mv_vm *vm)
{
	return mv_vm_new_fd(vm, "minivmm-vm", &mv_vm_fops, O_RDWR, true, vm);
}
