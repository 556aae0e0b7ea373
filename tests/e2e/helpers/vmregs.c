// SPDX-License-Identifier: GPL-2.0
/*
 * vmregs ID: print vCPU 0's RIP and RAX of VM ID through /dev/minivmm
 * (MINIVMM_OPEN_VM, MINIVMM_VM_GET_REGS), as "rip=0x... rax=0x...".
 * vmregs ID set-rax VALUE: write RAX back (MINIVMM_VM_SET_REGS).
 * Exit 0 on success, 1 with the errno's text on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../../../uapi/minivmm.h"

static int die(const char *what)
{
	fprintf(stderr, "vmregs: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct minivmm_open_vm req = { 0 };
	struct minivmm_regs regs = { 0 };
	int dev, vm;

	if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "set-rax"))) {
		fprintf(stderr, "usage: vmregs ID [set-rax VALUE]\n");
		return 2;
	}
	req.id = strtoul(argv[1], NULL, 0);
	dev = open("/dev/minivmm", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return die("/dev/minivmm");
	vm = ioctl(dev, MINIVMM_OPEN_VM, &req);
	if (vm < 0)
		return die("MINIVMM_OPEN_VM");
	if (ioctl(vm, MINIVMM_VM_GET_REGS, &regs) < 0)
		return die("MINIVMM_VM_GET_REGS");
	if (argc == 4) {
		regs.gprs[MINIVMM_RAX] = strtoull(argv[3], NULL, 0);
		if (ioctl(vm, MINIVMM_VM_SET_REGS, &regs) < 0)
			return die("MINIVMM_VM_SET_REGS");
		if (ioctl(vm, MINIVMM_VM_GET_REGS, &regs) < 0)
			return die("MINIVMM_VM_GET_REGS");
	}
	printf("rip=0x%llx rax=0x%llx\n", (unsigned long long)regs.rip,
	       (unsigned long long)regs.gprs[MINIVMM_RAX]);
	return 0;
}
