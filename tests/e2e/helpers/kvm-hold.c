// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hold READY_FILE: create a KVM VM with one vCPU, write READY_FILE, and
 * sleep until killed.  On Linux 6.1, KVM turns VMX/SVM on only while a VM
 * exists, so this is how an e2e case makes "another hypervisor" own the CPU.
 * Exit status 3 means KVM refused (the case reports why).
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int kvm, vm, vcpu;
	FILE *ready;

	if (argc != 2) {
		fprintf(stderr, "usage: kvm-hold READY_FILE\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm-hold: open /dev/kvm: %s\n", strerror(errno));
		return 3;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "kvm-hold: KVM_CREATE_VM: %s\n", strerror(errno));
		return 3;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		fprintf(stderr, "kvm-hold: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return 3;
	}
	ready = fopen(argv[1], "w");
	if (!ready) {
		fprintf(stderr, "kvm-hold: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fprintf(ready, "%d\n", (int)getpid());
	fclose(ready);
	printf("kvm-hold: VM and vCPU created, holding (pid %d)\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
