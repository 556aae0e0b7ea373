/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmrun --linux (kvmlinux.c): a Linux bzImage on KVM, loaded by
 * ctl/bzimage.c, with the few legacy devices its boot looks for.
 */
#ifndef BENCH_KVMLINUX_H
#define BENCH_KVMLINUX_H
#include <stdbool.h>
#include <stdint.h>

/* kvmrun.c: the loader's long-mode layout and an entry at @rip. */
void kvmrun_enter_long_mode(int vcpu, uint8_t *mem, uint64_t rip,
			    uint64_t rbx, uint64_t rsi);

/* Load @kernel (and @initrd) into @mem; 0, or 1 after a message. */
int kvm_linux_load(int vmfd, int vcpu, uint8_t *mem, uint64_t size,
		   const char *kernel, const char *initrd, const char *append);
/* Port I/O the Linux devices answer; false when not theirs. */
bool kvm_linux_port_out(uint16_t port, const uint8_t *data, uint8_t size);
bool kvm_linux_port_in(uint16_t port, uint8_t *data, uint8_t size);
#endif
