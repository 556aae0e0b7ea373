# SPDX-License-Identifier: GPL-2.0
# Linux bzImage guests under "minivmmctl run": the test kernel (tests/e2e/run
# ships its bzImage as /add/bzImage) boots through the 64-bit entry point with
# a command line, an initrd and the e820 map from the loader, and prints its
# boot log over earlyprintk and ttyS0 through the PIT, the 8259 and the
# local APIC, runs /init from the initramfs (a busybox script that prints a
# marker and halts), and the host sees the VM halt by itself.  A guest still
# running when its console goes quiet is stopped with "stop --force" and
# fails the case.  Before the boot, the refusal
# sentences: truncated image, old protocol, bad boot_flag, a 32-bit kernel,
# a kernel without room, an initrd larger than RAM, a long
# command line, and the options that need another format.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

BZ=$MV_ADD/bzImage
[ -f "$BZ" ] || skip "no $BZ (tests/e2e/run ships the test kernel's bzImage)"
assert_exists "$G/hello.bin"
APPEND="console=ttyS0 earlyprintk=serial,ttyS0,115200 mv74=marker"

# The guest kernel's console, shown on ours: doubled spaces, " :" and
# "O-ops" keep its own messages (a panic when the platform runs out, say)
# from looking like the host kernel's trouble to tests/e2e/parse.py.
show_guest() {
	tr -d '\r' | sed -e 's/ /  /g' -e 's/:/ :/g' -e 's/Oops/O-ops/g' \
		-e 's/^/  guest| /'
}

# Patch @2 bytes (octal escapes in @3) at offset @1 of a copy of the image.
patched() {
	cp "$BZ" "$4"
	# shellcheck disable=SC2059 # $3 holds octal escapes
	printf "$3" | dd of="$4" bs=1 seek="$1" count="$2" conv=notrunc 2>/dev/null
}

# ---- refusals first (quick, no VM is created for any of them)
head -c 300000 "$BZ" >/tmp/trunc74
refused "truncated bzImage" minivmmctl run --mem 256M /tmp/trunc74
assert_match "$ERR" "is 300000 bytes, too short for its [0-9]+-byte setup \\(setup_sects [0-9]+\\) and the [0-9]+-byte kernel syssize gives: truncated\\?" "truncated"

head -c 700 "$BZ" >/tmp/short74
refused "cut in the header" minivmmctl run /tmp/short74
assert_match "$ERR" "is 700 bytes, too short for a Linux setup header" "short header"

patched 518 2 '\011\002' /tmp/old74	# version 2.09
refused "protocol 2.09" minivmmctl run --mem 256M /tmp/old74
assert_match "$ERR" "is a Linux bzImage of boot protocol 2\\.09; minivmm loads protocol 2\\.12 and later" "old protocol"

patched 510 2 '\000\000' /tmp/flag74
refused "boot_flag" minivmmctl run --mem 256M /tmp/flag74
assert_match "$ERR" "the boot_flag at 0x1fe is 0x0000, not 0xAA55" "boot_flag"

patched 566 2 '\000\000' /tmp/k32_74	# xloadflags = 0
refused "32-bit kernel" minivmmctl run --mem 256M /tmp/k32_74
assert_match "$ERR" "has no 64-bit entry point \\(xloadflags 0x0 lacks XLF_KERNEL_64\\)" "XLF_KERNEL_64"

# The kernel needs 16 MiB + init_size (over 24 MiB), relocatable (KASLR)
# or not: its decompressor never runs it below pref_address.
refused "RAM too small" minivmmctl run --mem 32M "$BZ"
assert_match "$ERR" "needs 0x[0-9a-f]+ bytes \\(init_size\\) from its pref_address 0x1000000, which a 64-bit kernel never runs below, relocatable or not; they do not fit in the guest's RAM below 0x2000000" "RAM too small"

dd if=/dev/zero of=/tmp/big74 bs=1M seek=300 count=0 2>/dev/null	# sparse
refused "initrd larger than RAM" minivmmctl run --mem 256M --initrd /tmp/big74 "$BZ"
assert_match "$ERR" "initrd '/tmp/big74' \\(314572800 bytes\\) does not fit in the guest's RAM between the kernel's end at 0x[0-9a-f]+ .* and 0x10000000" "big initrd"
refused "missing initrd" minivmmctl run --mem 256M --initrd /nonexistent74 "$BZ"
assert_match "$ERR" "cannot open initrd '/nonexistent74'" "missing initrd"

refused "long command line" minivmmctl run --mem 256M \
	--append "$(head -c 3000 /dev/zero | tr '\0' x)" "$BZ"
assert_match "$ERR" "the command line is 3000 bytes; '.*' takes at most 2047 \\(cmdline_size 2047\\)" "long command line"

refused "--format bzimage on a flat image" minivmmctl run --format bzimage "$G/hello.bin"
assert_match "$ERR" "has no Linux setup header" "forced bzimage"
assert_status 2 minivmmctl run --initrd /tmp/big74 "$G/hello.bin"
assert_match "$ERR" "--initrd needs a Linux bzImage, and '.*' is loaded as a flat image" "--initrd with flat"
assert_status 2 minivmmctl run --module /tmp/big74 "$BZ"
assert_status 2 minivmmctl run --mode long "$BZ"
assert_status 2 minivmmctl run --format elf "$BZ"
no_vms_left

# ---- the boot: an initramfs whose /init (busybox sh) prints a marker and
# halts the guest, in case the kernel gets that far
mkdir -p /tmp/ird74/bin /tmp/ird74/dev
cp /bin/busybox /tmp/ird74/bin/busybox
ln -sf busybox /tmp/ird74/bin/sh
ln -sf busybox /tmp/ird74/bin/halt
[ -e /tmp/ird74/dev/console ] || mknod /tmp/ird74/dev/console c 5 1
printf '#!/bin/sh\necho "mv74: init from the initramfs runs"\nhalt -f\n' >/tmp/ird74/init
chmod 0755 /tmp/ird74/init
(cd /tmp/ird74 && find . | cpio -o -H newc 2>/dev/null | gzip -c) >/tmp/initrd74
isz=$(wc -c </tmp/initrd74)
# Page-aligned below the end of RAM (256 MiB, below initrd_addr_max); the
# kernel prints its end rounded up to a page.
istart=$(( (0x10000000 - isz) & ~0xfff ))
iend=$(( ((istart + isz + 0xfff) & ~0xfff) - 1 ))
want_rd=$(printf 'RAMDISK: \\[mem 0x%08x-0x%08x\\]' "$istart" "$iend")

# One boot; sets GOUT (console), st (state when the console went quiet),
# rrc (run's status) and ERR (run's stderr).
boot_once() {
	minivmmctl run --name bz74 --mem 256M --append "$APPEND" \
		--initrd /tmp/initrd74 "$BZ" >/tmp/bz74.out 2>/tmp/bz74.err &
	runpid=$!
	t0=$(date +%s)
	wait_text /tmp/bz74.out "Linux version" 60 || {
		tail -n 20 /tmp/bz74.out | show_guest
		sed 's/^/  err| /' /tmp/bz74.err
		fail "no 'Linux version' on the guest console within 60 s"
	}
	note "banner after $(( $(date +%s) - t0 )) s"
	# Show the guest's lines as they come (which also keeps our console alive
	# for the testbed's idle watchdog, under Bochs too); stop waiting once the
	# early setup is through (RAMDISK is printed after the PIT-based TSC
	# calibration, slow under two levels of emulation) and the console has been
	# quiet for 12 s, or after 90 s.
	shown=0 quiet=0 n=0 last=-1
	while [ "$n" -lt 90 ] && kill -0 "$runpid" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
		lines=$(wc -l </tmp/bz74.out)
		if [ "$lines" -gt "$shown" ]; then
			sed -n "$((shown + 1)),${lines}p" /tmp/bz74.out | show_guest
			shown=$lines
		fi
		cur=$(wc -c </tmp/bz74.out)
		if [ "$cur" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; fi
		last=$cur
		[ $((n % 10)) -ne 0 ] || note "waiting: ${n} s, ${cur} console bytes, quiet for ${quiet} s"
		if [ "$quiet" -ge 12 ] && grep -q RAMDISK /tmp/bz74.out; then
			break
		fi
	done
	sed -n "$((shown + 1)),\$p" /tmp/bz74.out | show_guest	# what is left
	GOUT=$(tr -d '\r' </tmp/bz74.out)
	note "guest console: $(echo "$GOUT" | wc -l) lines; the last one:"
	echo "$GOUT" | tail -n 1 | show_guest

	st=$(state_of bz74)
	note "VM state after the console went quiet: ${st:-<gone>}"
	if kill -0 "$runpid" 2>/dev/null; then
		assert_eq "$st" RUNNING "state of a VM whose run is still streaming"
		# Where it is stuck, for the log: exits by reason over one second.
		ctl stats bz74
		sleep 1
		ctl stats bz74
		ctl stop --force bz74
		[ "$RC" -eq 0 ] || fail "stop --force bz74 exited $RC"
	fi
	wait "$runpid"
	rrc=$?
	ERR=$(cat /tmp/bz74.err)
	echo "$ERR" | sed 's/^/  err| /'
	note "run exited $rrc"
}

boot_once
# Seen about 1 boot in 10 under QEMU before svm_exit_after_injection()
# (svm/vcpu.c): QEMU delivered an injected IRQ 0 twice and the guest kernel
# deadlocked in its own timer interrupt.  Should it come back in another
# form, a hung first boot is reported here, loudly, and booted once more; a
# second hang fails the case.  The cause is QEMU's, so Bochs gets no retry.
if ! echo "$GOUT" | grep -q "mv74: init from the initramfs runs" &&
	[ "$st" = RUNNING ] && [ "$MV_ARCH" = svm ]; then
	note "retry 1 of 1: the guest kernel hung before /init (see above), as QEMU's double delivery of an injected IRQ 0 did; booting it once more"
	boot_once
fi

assert_match "$GOUT" "Linux version [0-9]" "banner"
assert_match "$GOUT" "Command line: $APPEND" "command line"
assert_match "$GOUT" "BIOS-e820: \\[mem 0x0000000000000000-0x000000000009fbff\\] usable" "e820 low RAM"
assert_match "$GOUT" "BIOS-e820: \\[mem 0x000000000009fc00-0x000000000009ffff\\] reserved" "e820 EBDA"
assert_match "$GOUT" "BIOS-e820: \\[mem 0x00000000000e0000-0x00000000000fffff\\] reserved" "e820 BIOS area (ACPI and MP tables)"
assert_match "$GOUT" "BIOS-e820: \\[mem 0x0000000000100000-0x000000000fffffff\\] usable" "e820 high RAM"
# The ACPI tables ctl/acpi.c writes: found, with a MADT for the one vCPU,
# so the kernel takes the I/O APIC (96-smp-linux checks two vCPUs).
assert_match "$GOUT" "ACPI: RSDP 0x00000000000E0000 000014 \\(v00 MINVMM\\)" "the RSDP"
assert_match "$GOUT" "ACPI: FACP 0x00000000000E0100 000074 \\(v01 MINVMM" "the FADT"
assert_match "$GOUT" "ACPI: Using ACPI \\(MADT\\)" "the MADT, with one vCPU"
assert_match "$GOUT" "IOAPIC\\[0\\]: apic_id 1, version 32, address 0xfec00000" "the I/O APIC from the MADT"
# Both sides: the guest found its initrd where the loader put it, booted
# to /init, which printed the marker and halted the machine; the host saw
# the VM halt by itself (no stop --force needed) and run says so, status 0.
assert_match "$GOUT" "$want_rd" "initrd address and size"
assert_match "$GOUT" "mv74: init from the initramfs runs" "the marker from /init"
[ "$st" != RUNNING ] || fail "the guest kernel was still running after its console went quiet"
assert_eq "$rrc" 0 "run's status after the guest halted"
assert_match "$ERR" "VM halted" "run's report"
no_vms_left
