# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile: builds minivmm.ko (through Kbuild) and minivmmctl, and
# drives the test suites.  KDIR selects the kernel tree; by default the running
# kernel's headers, else the newest Debian headers installed.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

PREFIX ?= /usr/local

.PHONY: all module ctl clean kunit e2e-svm e2e-vmx check install setup demo
.PHONY: lint dkms-check e2e-debian e2e-debian-all e2e-svm-debug check-all
.PHONY: fuzz fuzz-ci kut kut-vmx e2e-xvendor e2e-vmx-smp e2e-twohost

all: module ctl

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

ctl:
	$(MAKE) -C ctl

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C ctl clean

# Debian 12 packages for building and for the emulated testbed (root).
setup:
	.ci/run --install-only

# Boot the emulated testbed and run the sample VM in it.
demo:
	tests/demo

# Each test target ends with a line "N passed, N failed" and fails on any
# failed case.
kunit:
	tests/kunit/run

e2e-svm:
	tests/e2e/run --arch svm

e2e-vmx:
	tests/e2e/run --arch vmx

# VT-x on a 2-CPU Bochs: vCPU threads moving between host CPUs while one
# goes offline and back.  Apart from e2e-vmx: two emulated CPUs make every
# other case about 1.5 times slower there.
e2e-vmx-smp:
	tests/e2e/run --arch vmx --cpus 2 --case 48-vcpu-moves

# The AMD-V cases on the test kernel built with KASAN, UBSAN and kmemleak
# (tests/testbed/kernel-debug.config), ending with a kmemleak scan.
e2e-svm-debug:
	tests/e2e/run --arch svm --kernel test-debug

# kvm-unit-tests, unmodified, under minivmm in QEMU (AMD-V): built out of
# tree from KUT_TARBALL (default ../shared/kvm-unit-tests-1da1819.tar.gz),
# tests/kut/expected lists what may fail (tests/kut/run; --arch vmx for the
# Bochs subset).
kut:
	tests/kut/run --arch svm

kut-vmx:
	tests/kut/run --arch vmx

# Save under AMD-V, restore under VT-x and back (tests/e2e/xvendor/run).
e2e-xvendor:
	tests/e2e/xvendor/run

# Live migration between two emulated machines joined by a serial line:
# QEMU (AMD-V) to Bochs (Intel VT-x), a running VM changing CPU vendor
# (tests/e2e/twohost/run; --to svm for QEMU to QEMU).
e2e-twohost:
	tests/e2e/twohost/run --to vmx

# Every suite, the two emulators side by side (tests/check).
check:
	tests/check

# The same, with every e2e case also on Debian's kernels.
check-all:
	tests/check --all

# minivmm against KVM in the emulated machine: prints a table, not a test.
.PHONY: bench
bench:
	tests/bench/run
	tests/bench/linux-boot
	tests/bench/disk
	tests/bench/net

# The image loaders (ctl/multiboot.c, ctl/bzimage.c): unit tests, the
# regression inputs, and libFuzzer runs of a fixed number of executions
# (fuzz-ci, part of check) or for minutes each with a random seed (fuzz).
fuzz-ci:
	tests/fuzz/run

fuzz:
	tests/fuzz/run --long

# Build hygiene: W=1 on the 6.1 and 6.12 headers and the test kernel, sparse,
# checkpatch, DKMS (tests/lint/run; "N passed, N failed, N skipped").
lint:
	tests/lint/run

# dkms add/build/install for the installed 6.1 and 6.12 headers, then remove.
dkms-check:
	tests/lint/dkms-check

# The AMD-V e2e cases whose outcome depends on the host kernel, on Debian's
# own 6.1 and 6.12 kernels; e2e-debian-all runs every case there.
e2e-debian:
	tests/e2e/debian

e2e-debian-all:
	tests/e2e/debian --all

# minivmmctl, its man page, bash completion and the udev rule for
# /dev/minivmm (group minivmm, mode 0660).  The module: DKMS (dkms.conf).
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR ?= /etc/udev/rules.d

install: ctl
	install -D -m 0755 ctl/minivmmctl $(DESTDIR)$(BINDIR)/minivmmctl
	install -D -m 0644 ctl/minivmmctl.8 $(DESTDIR)$(MANDIR)/man8/minivmmctl.8
	install -D -m 0644 ctl/minivmmctl.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/minivmmctl
	install -D -m 0644 ctl/60-minivmm.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-minivmm.rules
