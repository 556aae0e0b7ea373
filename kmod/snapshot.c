// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots through the VM fd: the device models' state (UART, console,
 * platform ports, 8259 pair, PIT; kmod/snapcheck.c converts and checks),
 * the I/O APIC and the RTC (their own ioctls: kmod/ioapic.c and
 * kmod/platform.c convert and check),
 * each vCPU's local APIC, and the map of guest RAM pages that may hold
 * data, so that minivmmctl save writes only those.  Guest RAM itself
 * moves with pread/pwrite on the same fd (kmod/vmfd.c), and the vCPU
 * registers with the register ioctls.
 *
 * Everything here needs the VM quiet (created, paused or stopped): the
 * device models belong to the vCPU threads while the VM runs.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "minivmm.h"
#include "snapcheck.h"

/*
 * Does guest RAM at @gpa (< mem_size) have a page behind it?  A page
 * without one reads as zero and need not be saved.
 */
static bool mv_snap_gpa_backed(struct mv_vm *vm, u64 gpa)
{
	const struct mv_mem_chunk *c = &vm->chunks[gpa >> MV_CHUNK_SHIFT];

	if (c->huge)
		return true;
	return c->pages && c->pages[(gpa >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)];
}

static long mv_snap_get_devstate(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_devstate *s;
	struct mv_console *con = &vm->console;
	u8 *ring;
	u64 now;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	ring = kvmalloc(MV_CONSOLE_SIZE, GFP_KERNEL);
	ret = -ENOMEM;
	if (!s || !ring)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(&s->console_ring, argp +
			   offsetof(struct minivmm_devstate, console_ring),
			   sizeof(s->console_ring)))
		goto out;
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		goto out;
	now = ktime_get_ns();
	s->size = sizeof(*s);
	s->version = MINIVMM_DEVSTATE_VERSION;
	s->uart_ier = vm->uart.ier;
	s->uart_lcr = vm->uart.lcr;
	s->uart_mcr = vm->uart.mcr;
	s->uart_scr = vm->uart.scr;
	s->uart_dll = vm->uart.dll;
	s->uart_dlm = vm->uart.dlm;
	s->uart_thre_pending = vm->uart.thre_pending;
	spin_lock(&con->lock);
	mv_console_image(con, ring);
	s->console_total = con->total;
	s->console_read_max = con->read_max;
	s->console_dropped = con->dropped;
	s->console_in_len = con->in_len;
	for (ret = 0; ret < con->in_len; ret++)
		s->console_in[ret] = con->in[(con->in_head + ret) %
					     MV_CONSOLE_IN_SIZE];
	spin_unlock(&con->lock);
	mv_snap_platform_get(&vm->platform, s);
	mv_snap_pit_get(&vm->pit, s, now);
	s->pit_irq0_pending = min_t(u32, atomic_read(&vm->pit_timer.fired),
				    MINIVMM_TIMER_PENDING_MAX);
	mutex_unlock(&vm->lock);

	ret = -EFAULT;
	if (copy_to_user(u64_to_user_ptr(s->console_ring), ring,
			 MV_CONSOLE_SIZE) ||
	    copy_to_user(argp, s, sizeof(*s)))
		goto out;
	ret = 0;
out:
	kvfree(ring);
	kfree(s);
	return ret;
}

static long mv_snap_set_devstate(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_devstate *s;
	struct mv_console *con = &vm->console;
	u8 *ring = NULL, *buf = NULL;
	u32 size;
	u64 now;
	int ret;

	s = memdup_user(argp, sizeof(*s));
	if (IS_ERR(s))
		return PTR_ERR(s);
	ret = mv_snap_check_dev(s, vm->mem_size, vm->nr_vcpus);
	if (ret)
		goto out;
	ret = -ENOMEM;
	ring = kvmalloc(MV_CONSOLE_SIZE, GFP_KERNEL);
	if (!ring)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(ring, u64_to_user_ptr(s->console_ring),
			   MV_CONSOLE_SIZE))
		goto out;
	ret = -ENOMEM;
	buf = mv_console_alloc_for(s->console_total, &size);
	if (size && !buf)
		goto out;
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		goto out;
	now = ktime_get_ns();
	vm->uart.ier = s->uart_ier;
	vm->uart.lcr = s->uart_lcr;
	vm->uart.mcr = s->uart_mcr;
	vm->uart.scr = s->uart_scr;
	vm->uart.dll = s->uart_dll;
	vm->uart.dlm = s->uart_dlm;
	vm->uart.thre_pending = s->uart_thre_pending;
	spin_lock(&con->lock);
	buf = mv_console_install(con, buf, size, ring, s->console_total);
	con->total = s->console_total;
	con->read_max = s->console_read_max;
	con->dropped = s->console_dropped;
	memcpy(con->in, s->console_in, s->console_in_len);
	con->in_head = 0;
	con->in_len = s->console_in_len;
	spin_unlock(&con->lock);
	mv_snap_platform_put(&vm->platform, s);
	mv_snap_pit_put(&vm->pit, s, now);
	atomic_set(&vm->pit_timer.fired, s->pit_irq0_pending);
	mutex_unlock(&vm->lock);
	ret = 0;
out:
	kvfree(buf);
	kvfree(ring);
	kfree(s);
	return ret;
}

static long mv_snap_get_lapic(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_lapic_state s;
	struct mv_vcpu *vcpu;
	u32 index;
	int ret;

	if (get_user(index, (u32 __user *)argp))
		return -EFAULT;
	if (index >= vm->nr_vcpus)
		return -EINVAL;
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	vcpu = vm->vcpus[index];
	memset(&s, 0, sizeof(s));
	s.vcpu = index;
	s.version = MINIVMM_LAPIC_STATE_VERSION;
	mv_snap_lapic_get(&vcpu->apic, &s, ktime_get_ns());
	s.timer_pending = min_t(u32, atomic_read(&vcpu->apic_timer.fired),
				MINIVMM_TIMER_PENDING_MAX);
	mutex_unlock(&vm->lock);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static long mv_snap_set_lapic(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_lapic_state s;
	struct mv_vcpu *vcpu;
	int ret;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	if (s.vcpu >= vm->nr_vcpus || mv_snap_check_lapic(&s, s.vcpu))
		return -EINVAL;
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	vcpu = vm->vcpus[s.vcpu];
	mv_snap_lapic_put(&vcpu->apic, &s, ktime_get_ns());
	atomic_set(&vcpu->apic_timer.fired, s.timer_pending);
	vcpu->irq_return_valid = false;
	mutex_unlock(&vm->lock);
	return 0;
}

static long mv_snap_get_mem_map(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_mem_map req;
	u64 pages = vm->mem_size >> PAGE_SHIFT, page;
	u8 bits[MV_CHUNK_PAGES / 8];
	u8 __user *dst;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.reserved[0] || req.reserved[1] ||
	    req.bitmap_size < DIV_ROUND_UP(pages, 8))
		return -EINVAL;
	dst = u64_to_user_ptr(req.bitmap);
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	for (page = 0; page < pages; page += MV_CHUNK_PAGES) {
		u64 n = min_t(u64, pages - page, MV_CHUNK_PAGES), i;

		memset(bits, 0, sizeof(bits));
		/* The balloon frees pages under npt_lock (kmod/mem.c). */
		mutex_lock(&vm->npt_lock);
		for (i = 0; i < n; i++)
			if (mv_snap_gpa_backed(vm, (page + i) << PAGE_SHIFT))
				bits[i / 8] |= BIT(i % 8);
		mutex_unlock(&vm->npt_lock);
		if (copy_to_user(dst + page / 8, bits, DIV_ROUND_UP(n, 8))) {
			ret = -EFAULT;
			break;
		}
		cond_resched();
	}
	mutex_unlock(&vm->lock);
	return ret;
}

static long mv_snap_get_ioapic(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_ioapic_state s;
	int ret;

	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	spin_lock(&vm->dev_lock);
	mv_ioapic_get_state(&vm->ioapic, &s);
	spin_unlock(&vm->dev_lock);
	mutex_unlock(&vm->lock);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static long mv_snap_set_ioapic(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_ioapic_state s;
	int ret;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	if (mv_ioapic_check_state(&s))
		return -EINVAL;
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	spin_lock(&vm->dev_lock);
	mv_ioapic_set_state(&vm->ioapic, &s);
	spin_unlock(&vm->dev_lock);
	mutex_unlock(&vm->lock);
	return 0;
}

static long mv_snap_get_rtc(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_rtc_state s;
	int ret;

	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	spin_lock(&vm->dev_lock);
	mv_rtc_get_state(&vm->platform.rtc, &s);
	spin_unlock(&vm->dev_lock);
	mutex_unlock(&vm->lock);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static long mv_snap_set_rtc(struct mv_vm *vm, void __user *argp)
{
	struct minivmm_rtc_state s;
	int ret;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	if (mv_rtc_check_state(&s))
		return -EINVAL;
	ret = mv_vm_lock_quiet(vm);
	if (ret)
		return ret;
	spin_lock(&vm->dev_lock);
	mv_rtc_set_state(&vm->platform.rtc, &s);
	spin_unlock(&vm->dev_lock);
	mutex_unlock(&vm->lock);
	return 0;
}

/* The VM fd's snapshot ioctls; -ENOTTY for any other command. */
long mv_snap_ioctl(struct mv_vm *vm, unsigned int cmd, void __user *argp)
{
	switch (cmd) {
	case MINIVMM_VM_GET_DEVSTATE:
		return mv_snap_get_devstate(vm, argp);
	case MINIVMM_VM_SET_DEVSTATE:
		return mv_snap_set_devstate(vm, argp);
	case MINIVMM_VM_GET_LAPIC:
		return mv_snap_get_lapic(vm, argp);
	case MINIVMM_VM_SET_LAPIC:
		return mv_snap_set_lapic(vm, argp);
	case MINIVMM_VM_GET_MEM_MAP:
		return mv_snap_get_mem_map(vm, argp);
	case MINIVMM_VM_GET_IOAPIC:
		return mv_snap_get_ioapic(vm, argp);
	case MINIVMM_VM_SET_IOAPIC:
		return mv_snap_set_ioapic(vm, argp);
	case MINIVMM_VM_GET_RTC:
		return mv_snap_get_rtc(vm, argp);
	case MINIVMM_VM_SET_RTC:
		return mv_snap_set_rtc(vm, argp);
	default:
		return -ENOTTY;
	}
}
