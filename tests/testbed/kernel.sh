#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the small test kernel that every emulated-machine test boots:
# Debian's linux-source-6.1, `make tinyconfig` plus tests/testbed/kernel.config.
# The debug flavour adds tests/testbed/kernel-debug.config (KASAN, UBSAN,
# kmemleak) on top; the bench flavour, tests/testbed/kernel-bench.config,
# takes lockdep out for the benchmarks.
#
# The built tree is cached outside the repository, keyed by a hash of the
# fragment, the kernel source version, the compiler and this recipe, in
#   ${MINIVMM_CACHE:-/var/cache/minivmm}/linux-<hash>/
# so a second run costs nothing.  The last line on stdout is that path (use
# it as KDIR); progress goes to stderr, the build output to a log file.
#
# Usage: tests/testbed/kernel.sh [--flavour test|debug|bench] [--force]
# MINIVMM_KDIR=<built tree> skips all this and uses that tree instead.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENTS=("$HERE/kernel.config")
SOURCE_TARBALL=${MINIVMM_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CACHE=${MINIVMM_CACHE:-/var/cache/minivmm}
# Bump when the recipe below changes in a way that changes the result.
RECIPE=1

log() { echo "kernel.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

source_version() {
	# The package version identifies the tarball; fall back to its size and
	# mtime when it did not come from a package.
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		stat -c '%s-%Y' "$SOURCE_TARBALL"
}

cache_key() {
	{
		echo "recipe $RECIPE"
		echo "source $(source_version)"
		echo "cc $(gcc --version | head -1)"
		cat "${FRAGMENTS[@]}"
	} | sha256sum | cut -c1-16
}

# Every CONFIG_X=y|m line of the fragments must survive olddefconfig, and
# every "# CONFIG_X is not set" must stay unset: Kconfig silently drops options
# whose dependencies are missing.  A later fragment overrides an earlier one.
verify_config() {
	local config=$1 line opt want got bad=0
	local -A wanted=()
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			wanted[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set ]]; then
			wanted[${BASH_REMATCH[1]}]=n
		fi
	done < <(cat "${FRAGMENTS[@]}")
	for opt in "${!wanted[@]}"; do
		want=${wanted[$opt]}
		got=$(grep -E "^$opt=" "$config" | cut -d= -f2- || true)
		[[ -n $got ]] || got=n
		if [[ $got != "$want" ]]; then
			log "config: $opt wanted $want, got $got"
			bad=1
		fi
	done
	((bad == 0)) || die "the fragments did not apply (missing dependencies?)"
	log "config: every option of $(fragment_names) is set as requested"
}

fragment_names() {
	local f names=()
	for f in "${FRAGMENTS[@]}"; do
		names+=("$(basename "$f")")
	done
	echo "${names[*]}"
}

# Extract, configure and build into $1 (a temporary directory).
build_tree() {
	local tree=$1 logfile=$2 jobs
	jobs=$(nproc)
	log "extracting $SOURCE_TARBALL"
	mkdir -p "$tree"
	tar -xf "$SOURCE_TARBALL" -C "$tree" --strip-components=1
	log "configuring (tinyconfig + $(fragment_names))"
	make -C "$tree" tinyconfig >>"$logfile" 2>&1
	(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "${FRAGMENTS[@]}") \
		>>"$logfile" 2>&1
	make -C "$tree" olddefconfig >>"$logfile" 2>&1
	verify_config "$tree/.config"
	log "building bzImage modules with -j$jobs (about 4 minutes on 2 cores)"
	make -C "$tree" -j"$jobs" bzImage modules >>"$logfile" 2>&1
	[[ -f $tree/arch/x86/boot/bzImage ]] || die "no bzImage after the build"
}

# Trees left by interrupted builds (any key) are useless; we hold the lock.
prune_unfinished() {
	local dir
	for dir in "$CACHE"/linux-*/; do
		[[ -d $dir && ! -f $dir/.minivmm-complete ]] || continue
		log "removing unfinished tree $dir"
		rm -rf "$dir"
	done
}

main() {
	local force=0 key tree logfile start f
	while (($#)); do
		case $1 in
		--force) force=1; shift ;;
		--flavour)
			case ${2:-} in
			test) ;;
			debug) FRAGMENTS+=("$HERE/kernel-debug.config") ;;
			bench) FRAGMENTS+=("$HERE/kernel-bench.config") ;;
			*) die "--flavour test, debug or bench" ;;
			esac
			shift 2 ;;
		*) die "usage: kernel.sh [--flavour test|debug|bench] [--force]" ;;
		esac
	done
	# A tree of one's own (e.g. another kernel version) bypasses the cache.
	if [[ -n ${MINIVMM_KDIR:-} ]]; then
		[[ -f $MINIVMM_KDIR/arch/x86/boot/bzImage ]] ||
			die "MINIVMM_KDIR=$MINIVMM_KDIR has no arch/x86/boot/bzImage"
		log "using MINIVMM_KDIR=$MINIVMM_KDIR"
		echo "$MINIVMM_KDIR"
		return 0
	fi
	[[ -f $SOURCE_TARBALL ]] ||
		die "$SOURCE_TARBALL missing (apt-get install linux-source-6.1)"
	for f in "${FRAGMENTS[@]}"; do
		[[ -f $f ]] || die "$f missing"
	done

	key=$(cache_key)
	tree=$CACHE/linux-$key
	logfile=$CACHE/linux-$key.log
	mkdir -p "$CACHE"

	# Fast path, without waiting for someone else's build of another key.
	if ((force == 0)) && [[ -f $tree/.minivmm-complete ]]; then
		log "cached test kernel: $tree"
		echo "$tree"
		return 0
	fi

	# One builder at a time per cache; others wait and then reuse the tree.
	exec 9>"$CACHE/.kernel.lock"
	flock 9

	if ((force)); then
		rm -rf "$tree"
	fi
	prune_unfinished
	if [[ -f $tree/.minivmm-complete ]]; then
		log "cached test kernel: $tree"
		echo "$tree"
		return 0
	fi

	# Build in place (the tree is used where it was built); the stamp file
	# marks a finished build, so an interrupted one is redone from scratch.
	rm -rf "$tree"
	: >"$logfile"
	start=$SECONDS
	# Not `if ! build_tree` or `build_tree || ...`: either would switch off
	# errexit inside it.
	local rc
	set +e
	(set -e; build_tree "$tree" "$logfile")
	rc=$?
	set -e
	if ((rc != 0)); then
		log "build failed; last 40 lines of $logfile:"
		tail -n 40 "$logfile" >&2
		exit 1
	fi
	touch "$tree/.minivmm-complete"
	log "built the test kernel in $((SECONDS - start)) s: $tree (log: $logfile)"
	echo "$tree"
}

main "$@"; exit
