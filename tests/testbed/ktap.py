#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Strict reader of KUnit's KTAP output in a kernel console log.

Usage: ktap.py CONSOLE_LOG

Counts individual test cases: a result line ("ok N name" / "not ok N name")
is a case when no deeper result lines came before it, i.e. it is not the
summary line of a suite (or of a parameterised case). Prints one line per
case, then a closing "N passed, N failed" line. Exit status: 0 when every case
passed (skips allowed) and at least one ran, 1 otherwise.

Also fails when a plan ("1..N") promised more results than appeared (a test
that crashed the kernel cuts the output short).
"""

import re
import sys

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
RESULT = re.compile(r"^(\s*)(not ok|ok) (\d+)\s*(?:- )?([^#]*?)\s*(?:#\s*(.*))?$")
PLAN = re.compile(r"^(\s*)1\.\.(\d+)\s*$")
SUBTEST = re.compile(r"^(\s*)# Subtest: (.*)$")


def strip(line):
    return TIMESTAMP.sub("", line.rstrip("\r\n"))


class Level:
    """One nesting level: a plan and the results seen at that indent."""

    def __init__(self, indent, name):
        self.indent = indent
        self.name = name
        self.planned = None
        self.seen = 0


def parse(lines):
    cases = []  # (status, full name, directive)
    problems = []
    stack = []  # open levels, outermost first
    deeper_results = {}  # indent -> a deeper result appeared since last result here

    def close_deeper(indent):
        while stack and stack[-1].indent > indent:
            level = stack.pop()
            if level.planned is not None and level.seen < level.planned:
                problems.append(
                    f"{level.name or 'top level'}: planned {level.planned}"
                    f" results, got {level.seen}")

    for raw in lines:
        line = strip(raw)
        m = SUBTEST.match(line)
        if m:
            indent = len(m.group(1))
            close_deeper(indent - 1)
            stack.append(Level(indent, m.group(2).strip()))
            continue
        m = PLAN.match(line)
        if m:
            indent = len(m.group(1))
            if not stack or stack[-1].indent != indent or \
                    stack[-1].planned is not None:
                close_deeper(indent - 1)
                stack.append(Level(indent, ""))
            stack[-1].planned = int(m.group(2))
            continue
        m = RESULT.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        ok = m.group(2) == "ok"
        name = m.group(4).strip()
        directive = (m.group(5) or "").strip()
        close_deeper(indent)
        if stack and stack[-1].indent == indent:
            stack[-1].seen += 1
        # The level holding this result (same indent) names its suite.
        parents = [lv.name for lv in stack if lv.indent <= indent and lv.name]
        full = ".".join(parents + [name])
        is_parent = any(i > indent and v for i, v in deeper_results.items())
        for i in list(deeper_results):
            if i > indent:
                del deeper_results[i]
        deeper_results[indent] = True
        if is_parent:
            if not ok and not directive.upper().startswith("SKIP"):
                # A suite can fail without a failing case (init failed).
                if not any(c[1].startswith(full + ".") and c[0] == "FAIL"
                           for c in cases):
                    cases.append(("FAIL", full, "suite failed"))
            continue
        if directive.upper().startswith("SKIP"):
            cases.append(("SKIP", full, directive[4:].strip()))
        else:
            cases.append(("PASS" if ok else "FAIL", full, directive))
    close_deeper(-1)
    return cases, problems


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], errors="replace") as f:
        cases, problems = parse(f)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for status, name, why in cases:
        counts[status] += 1
        print(f"{status} {name}" + (f" ({why})" if why else ""))
    for p in problems:
        print(f"ERROR {p}")
    if counts["SKIP"]:
        print(f"({counts['SKIP']} skipped)")
    if not cases:
        print("ERROR no KUnit test ran")
    failed = counts["FAIL"] + len(problems)
    print(f"{counts['PASS']} passed, {failed} failed")
    return 0 if cases and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
