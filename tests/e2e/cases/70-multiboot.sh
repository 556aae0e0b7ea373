# SPDX-License-Identifier: GPL-2.0
# Multiboot v1 kernels under "minivmmctl run": the ELF guest mb-info reads
# the multiboot_info the loader built (command line from --append, memory
# sizes from --mem, memory map, two --module files) and prints it; the same
# guest as a flat image with the flag-16 address fields; --exit-status=qemu;
# --format flat forcing; and the refusal sentences for bad images (truncated
# ELF, bad checksum, segment beyond RAM, ELF64, Linux bzImage) and for
# --bios-state and --testdev where they cannot apply.
. "$MV_LIB"

trap cleanup_vms EXIT

mv_loaded || mv_load

ELF=$G/mb-info.elf
KLUDGE=$G/mb-info.kludge.bin
assert_exists "$ELF"
assert_exists "$KLUDGE"
assert_exists "$G/hello32.bin"
assert_exists "$G/hello.bin"

# ---- the ELF kernel with a command line and two text modules, 16 MiB RAM
printf 'alpha-module-text-more' >/tmp/mod70a
printf 'beta' >/tmp/mod70b
assert_status 66 minivmmctl run --mem 16M --append "hello world" \
	--module /tmp/mod70a --module /tmp/mod70b "$ELF"
assert_match "$OUT" "^info 0x00010000\$" "info address (EBX)"
# MEM | CMDLINE | MODS | MMAP | LOADER_NAME
assert_match "$OUT" "^flags 0x0000024d\$" "info flags"
assert_match "$OUT" "^cmdline mb-info.elf hello world\$" "command line"
assert_match "$OUT" "^mem_lower 640\$" "mem_lower"
# 16 MiB of RAM: 16384 - 1024 KiB above 1 MiB
assert_match "$OUT" "^mem_upper 15360\$" "mem_upper"
assert_match "$OUT" "^mmap 0000000000000000 00000000000a0000 1\$" "mmap entry 0"
assert_match "$OUT" "^mmap 0000000000100000 0000000000f00000 1\$" "mmap entry 1"
[ "$(echo "$OUT" | grep -c '^mmap ')" -eq 2 ] || fail "the memory map does not have exactly 2 entries"
assert_match "$OUT" "^loader minivmm\$" "boot loader name"
assert_match "$OUT" "^mods 2\$" "module count"
assert_match "$OUT" "^mod 0 start 0x00[0-9a-f]{3}000 size 22 string /tmp/mod70a data alpha-module-tex\$" "module 0"
assert_match "$OUT" "^mod 1 start 0x00[0-9a-f]{3}000 size 4 string /tmp/mod70b data beta\$" "module 1"
assert_match "$ERR" "exited with code 66" "run's report"

# ---- another RAM size gives another mem_upper; no --append, no modules
assert_status 64 minivmmctl run --mem 40M "$ELF"
assert_match "$OUT" "^cmdline mb-info.elf\$" "command line without --append"
assert_match "$OUT" "^mem_upper 39936\$" "mem_upper of 40M"
assert_match "$OUT" "^mmap 0000000000100000 0000000002700000 1\$" "mmap entry 1 of 40M"
assert_match "$OUT" "^mods 0\$" "module count 0"

# ---- the flat image with the flag-16 address fields, QEMU's exit status
assert_status 133 minivmmctl run --exit-status=qemu --mem 8M \
	--append "k" --module /tmp/mod70b --module /tmp/mod70a "$KLUDGE"
assert_match "$OUT" "^cmdline mb-info.kludge.bin k\$" "kludge command line"
assert_match "$OUT" "^mem_upper 7168\$" "kludge mem_upper"
assert_match "$OUT" "^mod 0 start 0x[0-9a-f]{5}000 size 4 string /tmp/mod70b data beta\$" "kludge module 0"
assert_match "$ERR" "\\(66 << 1\\) \\| 1 = 133" "qemu status sentence"
assert_status 129 minivmmctl run --exit-status qemu --mem 8M "$KLUDGE"
assert_status 2 minivmmctl run --exit-status=kvm "$KLUDGE"

# ---- flat images are still detected as flat (long mode by default)
assert_status 17 minivmmctl run "$G/hello.bin"
assert_status 35 minivmmctl run --exit-status=qemu "$G/hello.bin"

# ---- --format: a flat prot32 program that happens to hold the magic
dd if="$G/hello32.bin" of=/tmp/magic70.bin bs=4 conv=sync 2>/dev/null
printf '\002\260\255\033' >>/tmp/magic70.bin
refused "magic in a flat image" minivmmctl run /tmp/magic70.bin
assert_match "$ERR" "the Multiboot header at offset 0x[0-9a-f]+ is cut off" "magic at the end"
assert_status 2 minivmmctl run --mode prot32 /tmp/magic70.bin
assert_match "$ERR" "--mode applies to flat images" "--mode with a Multiboot kernel"
assert_status 19 minivmmctl run --format flat --mode prot32 /tmp/magic70.bin
assert_match "$OUT" "Hello from minivmm guest \\(prot32\\)" "forced flat console"
refused "--format multiboot without a header" \
	minivmmctl run --format multiboot "$G/hello32.bin"
assert_match "$ERR" "has no Multiboot header \\(magic 0x1BADB002\\) in its first 8192 bytes" "no header"
assert_status 2 minivmmctl run --append x "$G/hello32.bin"
assert_status 2 minivmmctl run --module /tmp/mod70a --format flat "$ELF"
assert_status 2 minivmmctl run --format elf "$ELF"

# ---- bad images: one sentence each, status 1 (2 under --exit-status=qemu)
head -c 200 "$ELF" >/tmp/trunc70.elf
refused "truncated ELF" minivmmctl run /tmp/trunc70.elf
assert_match "$ERR" "is 200 bytes, too short for ELF segment 0 .*truncated\\?" "truncated ELF"

# The header's offset in the ELF file, from od (first 1badb002 word).
hoff=$(od -A d -t x4 -v -N 8192 "$ELF" |
	awk '{ for (i = 2; i <= NF; i++) if ($i == "1badb002") { print $1 + (i - 2) * 4; exit } }')
[ -n "$hoff" ] || fail "no Multiboot header found in $ELF with od"
cp "$ELF" /tmp/sum70.elf
dd if=/dev/zero of=/tmp/sum70.elf bs=1 seek=$((hoff + 8)) count=4 conv=notrunc 2>/dev/null
refused "bad checksum" minivmmctl run /tmp/sum70.elf
assert_match "$ERR" "the Multiboot header at offset 0x[0-9a-f]+ has a bad checksum" "bad checksum"
assert_status 2 minivmmctl run --exit-status=qemu /tmp/sum70.elf

# p_paddr of program header 0 (e_phoff 52 + 12) = 0x7ff00000
cp "$ELF" /tmp/far70.elf
printf '\000\000\360\177' | dd of=/tmp/far70.elf bs=1 seek=64 conv=notrunc 2>/dev/null
refused "segment beyond RAM" minivmmctl run --mem 16M /tmp/far70.elf
assert_match "$ERR" "ELF segment 0 \\(0x7ff00000-0x7ff[0-9a-f]+\\) does not fit in the guest's RAM, which ends at 0x1000000" "segment beyond RAM"
refused "RAM below the kernel" minivmmctl run --mem 1028K "$ELF"
assert_match "$ERR" "does not fit in the guest's RAM, which ends at 0x101000" "small RAM"

# EI_CLASS = 2 (ELF64)
cp "$ELF" /tmp/e64.elf
printf '\002' | dd of=/tmp/e64.elf bs=1 seek=4 conv=notrunc 2>/dev/null
refused "ELF64 Multiboot" minivmmctl run /tmp/e64.elf
assert_match "$ERR" "is not a 32-bit ELF file \\(class 2\\)" "ELF64"

dd if=/dev/zero of=/tmp/bz70 bs=1024 count=4 2>/dev/null
printf 'HdrS' | dd of=/tmp/bz70 bs=1 seek=514 conv=notrunc 2>/dev/null
refused "bzImage" minivmmctl run /tmp/bz70
assert_match "$ERR" "is a Linux bzImage .*not supported yet" "bzImage"

refused "ELF without Multiboot" minivmmctl run /bin/busybox
assert_match "$ERR" "is an ELF file without a Multiboot header" "plain ELF"

refused "missing module" minivmmctl run --module /nonexistent70 "$ELF"
assert_match "$ERR" "cannot open module '/nonexistent70'" "missing module"

# ---- --bios-state (kvm-unit-tests' realmode runs with it, make kut): for
# Multiboot kernels only, and never over a kernel segment in the real-mode
# interrupt table.  p_paddr of program header 0 = 0x200.
assert_status 2 minivmmctl run --bios-state "$G/hello.bin"
assert_match "$ERR" "--bios-state sets up the machine as a BIOS leaves it to a Multiboot kernel, and .* is loaded as a flat image" "--bios-state with a flat image"
cp "$ELF" /tmp/low70.elf
printf '\000\002\000\000' | dd of=/tmp/low70.elf bs=1 seek=64 conv=notrunc 2>/dev/null
refused "--bios-state over a kernel segment" \
	minivmmctl run --bios-state /tmp/low70.elf
assert_match "$ERR" "--bios-state writes the real-mode interrupt table at 0x0-0x3ff, where the kernel has a segment" "--bios-state over the kernel"
assert_status 2 minivmmctl run --detach --testdev "$ELF"
assert_match "$ERR" "--detach leaves no process to serve --disk, --net, --rng or --testdev" "--testdev with --detach"

no_vms_left
