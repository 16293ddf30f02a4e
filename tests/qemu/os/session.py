#!/usr/bin/env python3
"""Scripted shell sessions on the system image, checked line by line (TAP).

    session.py RUNNER KERNEL CPU GIC --boot SCRIPT EXPECTED STATUS [--boot ...]

Each --boot boots KERNEL once on QEMU (through the runner) with the same
disk, a fresh one made for the first boot, types SCRIPT once the shell is up
followed by "poweroff", and checks the session's transcript against
EXPECTED: one regular expression per line, matched against the whole line,
in order. STATUS is the exit status the machine must end with (the count of
commands that failed). Later boots see what earlier ones left on the disk.
"""
import os
import re
import subprocess
import sys
import tempfile

from machine import BANNER, console_lines, runner_env

DISK_MB = "64"


def transcript(output):
    """The shell's lines from its banner on, without the kernel's and QEMU's."""
    lines = console_lines(output)
    try:
        start = lines.index(BANNER) + 1
    except ValueError:
        return None
    return [line for line in lines[start:]
            if line and not line.startswith("# kaal") and not line.startswith("qemu-system")]


def boot(runner, kernel, cpu, gic, disk, script, work):
    typed = os.path.join(work, "typed")
    with open(script, "rb") as f, open(typed, "wb") as out:
        out.write(f.read() + b"poweroff\n")
    run = subprocess.run([runner, kernel, cpu, gic], env=runner_env(disk, typed, DISK_MB),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return run.returncode, run.stdout.decode("utf-8", "replace")


def main(argv):
    runner, kernel, cpu, gic = argv[1:5]
    boots = []
    rest = argv[5:]
    while rest:
        if rest[0] != "--boot" or len(rest) < 4:
            print("usage: session.py RUNNER KERNEL CPU GIC --boot SCRIPT EXPECTED STATUS ...")
            return 2
        boots.append((rest[1], rest[2], int(rest[3])))
        rest = rest[4:]
    plan = sum(len(open(e).read().splitlines()) + 1 for _, e, _ in boots)
    print(f"1..{plan}")
    n = failures = 0

    def ok(good, what):
        nonlocal n, failures
        n += 1
        failures += not good
        print(f"{'ok' if good else 'not ok'} {n} - {what}")

    with tempfile.TemporaryDirectory() as work:
        disk = os.path.join(work, "disk.img")
        for number, (script, expected, status) in enumerate(boots, 1):
            code, output = boot(runner, kernel, cpu, gic, disk, script, work)
            got = transcript(output) or []
            want = open(expected).read().splitlines()
            name = os.path.basename(script)
            ok(code == status, f"boot {number} ({name}) ends with status {status} (got {code})")
            for i, pattern in enumerate(want):
                line = got[i] if i < len(got) else "<no line>"
                good = re.fullmatch(pattern, line) is not None
                ok(good, f"boot {number} line {i + 1}: {pattern}")
                if not good:
                    print(f"# got: {line}")
            if len(got) != len(want) or code != status:
                print("# the whole output:")
                for line in console_lines(output):
                    print(f"#   {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
