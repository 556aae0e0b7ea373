#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge e2e cases from the console of one emulated-machine boot.

Usage: parse.py [--target ARCH:KERNEL --expected-skips FILE] CONSOLE_LOG CASE_NAME...

For each expected case: PASS/FAIL/SKIP from its @@CASE-END@@ marker, turned
into FAIL when its console segment holds a kernel warning (WARNING:, BUG:,
Oops, lockdep reports, hung tasks...), FAIL when its END marker never came
(crash, hang, guest died), FAIL when it never began. With --expected-skips, a skip that FILE does not
list for --target (lines "ARCH:KERNEL CASE REASON") is a FAIL too, so a case
cannot quietly stop running. Prints one line per case and then "N passed,
N failed, N skipped". Exit 1 on any failure or when no case passed or skipped.
"""

import argparse
import re
import sys

BEGIN = re.compile(r"@@CASE-BEGIN (\S+)@@")
END = re.compile(r"@@CASE-END (\S+) (PASS|FAIL|SKIP) ?(.*?)@@")
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")

# Kernel reports that fail a case whatever its exit status.
TROUBLE = [
    (re.compile(r"WARNING:"), "kernel WARNING"),
    (re.compile(r"\bBUG:"), "kernel BUG"),
    (re.compile(r"\bOops\b"), "kernel Oops"),
    (re.compile(r"general protection fault"), "general protection fault"),
    (re.compile(r"Kernel panic"), "kernel panic"),
    (re.compile(r"possible circular locking"), "lockdep: circular locking"),
    (re.compile(r"possible recursive locking"), "lockdep: recursive locking"),
    (re.compile(r"inconsistent lock state"), "lockdep: inconsistent lock state"),
    (re.compile(r"suspicious RCU usage"), "lockdep: suspicious RCU usage"),
    (re.compile(r"lock held when returning to user space"), "lockdep: lock held"),
    (re.compile(r"INFO: task .* blocked"), "hung task"),
    (re.compile(r"INFO: rcu_.*(stall|detected)"), "RCU stall"),
    (re.compile(r"soft lockup"), "soft lockup"),
    (re.compile(r"hard LOCKUP"), "hard lockup"),
    (re.compile(r"sleeping function called from invalid context"),
     "sleep in atomic context"),
    (re.compile(r"scheduling while atomic"), "scheduling while atomic"),
    (re.compile(r"Call Trace:"), "kernel stack trace"),
    (re.compile(r"UBSAN:"), "UBSAN report"),
]


# A kernel message ("[   1.234] text\n") printed while a marker was being
# written splits it; cut such messages out of markers before scanning.
SPLIT = re.compile(r"(@@[A-Z][A-Z-]*[^@\n]*)\[\s*\d+\.\d+\][^\n]*\r?\n")


def unsplit(text):
    while True:
        joined = SPLIT.sub(r"\1", text)
        if joined == text:
            return text
        text = joined


def scan(lines):
    """Return {name: {"end": (status, reason) | None, "trouble": [...]}}."""
    cases = {}
    current = None
    for raw in lines:
        line = TIMESTAMP.sub("", raw.rstrip("\r\n"))
        m = BEGIN.search(line)
        if m:
            current = m.group(1)
            cases[current] = {"end": None, "trouble": [], "order": len(cases)}
            continue
        m = END.search(line)
        if m and m.group(1) in cases:
            cases[m.group(1)]["end"] = (m.group(2), m.group(3).strip())
            current = None
            continue
        if current is None:
            continue
        for pattern, what in TROUBLE:
            if pattern.search(line):
                cases[current]["trouble"].append(f"{what}: {line.strip()[:160]}")
                break
    return cases


def judge(name, info):
    if info is None:
        return "FAIL", "never started (the guest died or hung before it)"
    if info["end"] is None:
        why = "no end marker (crash, hang or timeout)"
        if info["trouble"]:
            why += "; " + info["trouble"][0]
        return "FAIL", why
    status, reason = info["end"]
    if info["trouble"]:
        return "FAIL", info["trouble"][0] + (
            f" (case said {status})" if status != "FAIL" else f" ({reason})")
    return status, reason


def expected_skips(path, target):
    """The cases FILE says may skip on TARGET ("ARCH:KERNEL")."""
    allowed = set()
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) >= 2 and words[0] == target:
                allowed.add(words[1])
    return allowed


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--target")
    parser.add_argument("--expected-skips")
    parser.add_argument("console")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    allowed = None
    if args.expected_skips:
        allowed = expected_skips(args.expected_skips, args.target or "")
    try:
        with open(args.console, errors="replace") as f:
            cases = scan(unsplit(f.read()).splitlines())
    except FileNotFoundError:
        print("no console log: the machine never booted (build failure?)")
        cases = {}
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for name in args.names:
        status, reason = judge(name, cases.get(name))
        if status == "SKIP" and allowed is not None and name not in allowed:
            status = "FAIL"
            reason = (f"unexpected skip on {args.target} ({reason}); "
                      "tests/e2e/expected-skips does not list it")
        counts[status] += 1
        print(f"{status} {name}" + (f": {reason}" if reason else ""))
    print(f"{counts['PASS']} passed, {counts['FAIL']} failed, "
          f"{counts['SKIP']} skipped")
    ran = counts["PASS"] + counts["SKIP"]
    return 0 if counts["FAIL"] == 0 and ran > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
