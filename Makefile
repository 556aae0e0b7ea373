# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile: builds minivmm.ko (through Kbuild) and minivmmctl, and
# drives the test suites.  KDIR selects the kernel tree; by default the running
# kernel's headers, else the newest Debian headers installed.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

PREFIX ?= /usr/local

.PHONY: all module ctl clean kunit e2e-svm e2e-vmx check install setup demo

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

check:
	tests/check
