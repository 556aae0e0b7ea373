#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn kvm-unit-tests' x86/unittests.cfg into minivmm's test plan.

Usage: plan.py UNITTESTS_CFG ARCH [NAME...]

Prints one line per test, in the cfg's order, fields separated by "|":
    NAME  FILE  MEM  VCPUS  TIMEOUT  APPEND  SKIP-REASON
MEM is the guest RAM for "minivmmctl run --mem" (the cfg's -m, else 256M),
VCPUS the cfg's "smp" for "minivmmctl run --vcpus" (1 when not given), TIMEOUT the cfg's timeout (0: none given), APPEND the test_args for
--append, SKIP-REASON empty when the test is to be run.  A test is skipped
here, for the reason printed, when it is built for i386 only, belongs to the manual-run group "nodefault", runs only
under KVM ("accel = kvm"), or needs a host KVM setting ("check =").
"""
import re
import shlex
import sys

# What the cfg says that this file understands; anything else is an error,
# so a newer suite with new keys is noticed rather than misread.
KNOWN_KEYS = {"file", "smp", "extra_params", "qemu_params", "test_args",
              "arch", "groups", "timeout", "check", "accel", "disabled_if"}


def sections(path):
    """Yield (name, {key: value}) per [section]; values may continue."""
    name, keys, last = None, {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.match(r"^\[(.+)\]\s*$", line)
            if m:
                if name:
                    yield name, keys
                name, keys, last = m.group(1), {}, None
                continue
            m = re.match(r"^(\w+)\s*=\s*(.*)$", line)
            if m and name:
                last = m.group(1)
                if last not in KNOWN_KEYS:
                    sys.exit(f"plan.py: {path}: [{name}]: unknown key '{last}'")
                keys[last] = m.group(2).strip()
            elif name and last and line[:1].isspace():
                keys[last] += " " + line.strip()
            else:
                sys.exit(f"plan.py: {path}: cannot parse: {line}")
    if name:
        yield name, keys


def unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    return s


def guest_mem(params):
    """The -m of qemu_params/extra_params as NM (QEMU: MiB, or a suffix)."""
    words = shlex.split(params)
    for i, w in enumerate(words[:-1]):
        if w == "-m":
            m = re.match(r"^(\d+)([mMgG]?)$", words[i + 1])
            if not m:
                sys.exit(f"plan.py: cannot read -m '{words[i + 1]}'")
            mib = int(m.group(1)) * (1024 if m.group(2) in "gG" and m.group(2) else 1)
            return f"{mib}M"
    return "256M"


def test_args(keys):
    """test_args, or the -append of extra_params (older cfg files)."""
    if "test_args" in keys:
        return unquote(keys["test_args"])
    words = shlex.split(keys.get("extra_params", ""))
    for i, w in enumerate(words[:-1]):
        if w == "-append":
            return words[i + 1]
    return ""


def skip_reason(keys):
    if keys.get("arch", "x86_64") != "x86_64":
        return f"built for {keys['arch']} only (this is the x86_64 build)"
    if "nodefault" in keys.get("groups", "").split():
        return "manual run only (group nodefault)"
    if keys.get("accel") == "kvm":
        return "runs only under KVM (accel = kvm)"
    if "check" in keys:
        return f"needs the KVM host setting {keys['check']}"
    return ""


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cfg, _arch, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
    seen = set()
    for name, keys in sections(cfg):
        if wanted and name not in wanted:
            continue
        seen.add(name)
        params = keys.get("qemu_params", "") + " " + keys.get("extra_params", "")
        args = test_args(keys)
        if "|" in args or "'" in args:
            sys.exit(f"plan.py: [{name}]: test_args with a quote or '|'")
        timeout = re.sub(r"[^0-9].*$", "", keys.get("timeout", "0")) or "0"
        smp = keys.get("smp", "1")
        if not re.match(r"^[1-9][0-9]?$", smp):
            sys.exit(f"plan.py: [{name}]: cannot read smp = {smp}")
        print("|".join([name, keys.get("file", ""), guest_mem(params), smp,
                         timeout, args, skip_reason(keys)]))
    missing = [w for w in wanted if w not in seen]
    if missing:
        sys.exit(f"plan.py: no such test in {cfg}: {' '.join(missing)}")


main()
