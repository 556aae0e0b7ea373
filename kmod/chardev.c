// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/minivmm: the data-plane character device.
 *
 * Root-only by default (mode 0600; distributions may widen it with a udev
 * rule).  Unknown ioctls return -ENOTTY.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "minivmm.h"

static long mv_ioctl_get_info(void __user *argp)
{
	struct minivmm_info info;

	mv_fill_info(&info);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long mv_ioctl_open_vm(struct file *file, void __user *argp)
{
	struct minivmm_open_vm req;
	struct mv_vm *vm;
	long ret;

	/* VM fds can change guest memory and registers. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EPERM;
	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.reserved[0] || req.reserved[1])
		return -EINVAL;
	vm = mv_vm_get(req.id);
	if (!vm)
		return -ENOENT;
	/* Only the creator (or an administrator) reads or changes a VM. */
	if (!mv_vm_may_manage(vm))
		ret = -EPERM;
	else
		ret = mv_vm_open_fd(vm);
	mv_vm_put(vm);
	return ret;
}

static long mv_dev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MINIVMM_GET_INFO:
		return mv_ioctl_get_info(argp);
	case MINIVMM_OPEN_VM:
		return mv_ioctl_open_vm(file, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mv_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= mv_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice mv_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "minivmm",
	.fops	= &mv_dev_fops,
	.mode	= 0600,
};

int mv_chardev_init(void)
{
	return misc_register(&mv_miscdev);
}

void mv_chardev_exit(void)
{
	misc_deregister(&mv_miscdev);
}
