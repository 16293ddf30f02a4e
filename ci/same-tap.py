#!/usr/bin/env python3
"""Check that each scenario prints the same TAP results on QEMU as on the host.

    ci/same-tap.py HOST_TESTLOG.json QEMU_TESTLOG.json

For every scenario the host build ran (test "kaal:scenario / NAME"), each
QEMU run of it ("scenario-NAME-<cpu>-<gic>") must print the same plan and
the same "ok"/"not ok" lines, descriptions included. Prints one line per
comparison and last "N passed, N failed".
"""
import json
import re
import sys

RESULT = re.compile(r"^(1\.\.\d+|(not )?ok \d+ - .*)$")


def runs(path):
    with open(path, encoding="utf-8") as log:
        for line in log:
            entry = json.loads(line)
            yield entry["name"], [l for l in entry["stdout"].splitlines() if RESULT.match(l)]


def main():
    host = {}
    for name, lines in runs(sys.argv[1]):
        match = re.fullmatch(r"kaal:scenario / (\w+)", name)
        if match:
            host[match.group(1)] = lines
    passed = failed = 0
    for name, lines in runs(sys.argv[2]):
        match = re.fullmatch(r"(?:kaal:qemu / )?scenario-(\w+)-(cortex-.*)", name)
        if not match or match.group(1) not in host:
            continue
        expected = host[match.group(1)]
        if lines == expected and lines:
            passed += 1
            print(f"same TAP: {match.group(1)} on {match.group(2)} ({len(lines) - 1} results)")
        else:
            failed += 1
            print(f"DIFFERENT TAP: {match.group(1)} on {match.group(2)}")
            for want, got in zip(expected + [""] * len(lines), lines + [""] * len(expected)):
                if want != got:
                    print(f"  host: {want!r}\n  qemu: {got!r}")
                    break
    if passed + failed == 0:
        failed = 1
        print("no scenario ran in both logs")
    print(f"{passed} passed, {failed} failed")


if __name__ == "__main__":
    main()
