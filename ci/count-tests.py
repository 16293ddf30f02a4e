#!/usr/bin/env python3
"""Count test cases in a Meson testlog.json written by `meson test`.

kaal's unit tests are cmocka executables run with the TAP protocol, so
each test's stdout holds one TAP result line per test case.  A test is
counted case by case from those lines:

  ok N - name            passed
  not ok N - name        failed
  ... # SKIP reason      skipped (either form)
  ... # TODO reason      passed (an expected failure, or an unexpected pass)

A test whose stdout has no TAP result lines counts as one test, judged by
the result Meson gave it.  A test that Meson marks FAIL, TIMEOUT or ERROR
while its TAP lines show no failure (it crashed or hung after its last
case) adds one failure.

Prints "PASSED FAILED SKIPPED" on stdout and one line per failing test on
stderr.  Exits 2 if the log cannot be read.
"""

import json
import re
import sys

TAP_RESULT = re.compile(r"^(not )?ok\b(.*)$")
DIRECTIVE = re.compile(r"(?<!\\)#\s*(skip|todo)", re.IGNORECASE)

PASSING = {"OK", "EXPECTEDFAIL"}
SKIPPING = {"SKIP"}
BROKEN = {"FAIL", "TIMEOUT", "ERROR", "INTERRUPT"}


def count_tap(stdout):
    """Return (passed, failed, skipped, seen) for the TAP lines in stdout."""
    passed = failed = skipped = 0
    seen = False
    for line in stdout.splitlines():
        match = TAP_RESULT.match(line)
        if not match:
            continue
        seen = True
        directive = DIRECTIVE.search(match.group(2))
        if directive and directive.group(1).lower() == "skip":
            skipped += 1
        elif directive or not match.group(1):
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped, seen


def count_test(entry):
    """Return (passed, failed, skipped) for one testlog entry."""
    result = str(entry.get("result", "ERROR")).upper()
    passed, failed, skipped, seen = count_tap(entry.get("stdout") or "")
    if not seen:
        if result in PASSING:
            return 1, 0, 0
        if result in SKIPPING:
            return 0, 0, 1
        return 0, 1, 0
    if result in BROKEN and failed == 0:
        failed += 1
    return passed, failed, skipped


def main(argv):
    if len(argv) != 2:
        print("usage: count-tests.py TESTLOG_JSON", file=sys.stderr)
        return 2
    totals = [0, 0, 0]
    try:
        with open(argv[1], encoding="utf-8", errors="replace") as log:
            for number, line in enumerate(log, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    print(f"{argv[1]}:{number}: not JSON, ignored", file=sys.stderr)
                    continue
                counts = count_test(entry)
                for i, value in enumerate(counts):
                    totals[i] += value
                if counts[1]:
                    print(f"  failed: {entry.get('name', '?')} "
                          f"({entry.get('result', '?')}, {counts[1]} failed)",
                          file=sys.stderr)
    except OSError as err:
        print(f"count-tests: {err}", file=sys.stderr)
        return 2
    print(*totals)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
