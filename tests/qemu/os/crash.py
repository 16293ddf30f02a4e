#!/usr/bin/env python3
"""Crash campaign: power cuts during a stream of synced writes (TAP).

    crash.py RUNNER KERNEL CPU GIC [ROUNDS [SEED]]

Every round boots the system image on one disk, types a stream of
`write` commands (each one syncs), and kills QEMU (SIGKILL: nothing is
flushed on the way out) at a point the seed chooses: after the shell
reported some number of writes synced, plus a short delay, so the cut falls
inside the next write or its sync. The next boot runs `fsck` and reads every
file back: the file system must check clean, and the files together must be
as some prefix of the stream left them, at least as long as the writes the
shell reported synced. The shell's report can lag the disk (its lines were
still in the UART driver's queue or in a pipe when the power went), so a
longer prefix is allowed; one that mixes writes out of order, loses a
reported write or tears a file is not. The next round goes on from that
disk. The seed fixes the writes and where each cut falls.
"""
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

from machine import console_lines, runner_env

FILES = 6
WRITES = 30
SYNCED = re.compile(r"wrote \d+ bytes to /f(\d), synced")


def kill_session(sid):
    """SIGKILL every process of session sid: the runner, and QEMU in the group timeout made."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # the session id, after state, ppid and pgrp
            try:
                os.kill(int(entry), signal.SIGKILL)
            except ProcessLookupError:
                pass


def crash_boot(runner, kernel, cpu, gic, disk, writes, cut_after, delay, work):
    """Boot, type the writes, kill QEMU; the files the shell reported synced, in order."""
    typed = os.path.join(work, "typed")
    with open(typed, "w") as f:
        for name, text in writes:
            f.write(f"write {name} {text}\n")
    proc = subprocess.Popen([runner, kernel, cpu, gic], env=runner_env(disk, typed),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    output = b""
    synced = 0
    os.set_blocking(proc.stdout.fileno(), False)
    deadline = time.monotonic() + 100
    while synced < cut_after and proc.poll() is None and time.monotonic() < deadline:
        chunk = proc.stdout.read() or b""
        output += chunk
        synced = len(SYNCED.findall(output.decode("utf-8", "replace")))
        if not chunk:
            time.sleep(0.002)
    time.sleep(delay)
    kill_session(proc.pid)
    proc.wait()
    rest = proc.stdout.read() or b""
    text = (output + rest).decode("utf-8", "replace")
    return [int(m.group(1)) for m in SYNCED.finditer(text)], text


def check_boot(runner, kernel, cpu, gic, disk, work):
    """Boot, fsck and cat every file: (fsck line, {file: content or None}, output)."""
    typed = os.path.join(work, "check")
    with open(typed, "w") as f:
        f.write("fsck\n")
        for k in range(FILES):
            f.write(f"cat f{k}\n")
        f.write("poweroff\n")
    run = subprocess.run([runner, kernel, cpu, gic], env=runner_env(disk, typed),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = console_lines(run.stdout.decode("utf-8", "replace"))
    fsck = next((l for l in lines if l.startswith("fsck:")), "<no fsck line>")
    content = {}
    for k in range(FILES):
        prompt = f"kaal> cat f{k}"
        if prompt in lines:
            answer = lines[lines.index(prompt) + 1]
            content[k] = None if answer == f"/f{k}: no such file or directory" else answer
    return fsck, content, "\n".join(lines)


def after_writes(state, writes):
    """What each file holds once writes (name, text) are applied to state."""
    files = dict(state)
    for name, text in writes:
        files[int(name[1:])] = text
    return files


def main(argv):
    runner, kernel, cpu, gic = argv[1:5]
    rounds = int(argv[5]) if len(argv) > 5 else 8
    seed = int(argv[6]) if len(argv) > 6 else 1
    print(f"1..{rounds}")
    failures = intact_total = 0
    state = {k: None for k in range(FILES)}  # what each file holds at the start of a round
    with tempfile.TemporaryDirectory() as work:
        disk = os.path.join(work, "disk.img")
        for r in range(1, rounds + 1):
            rng = random.Random(seed * 1000003 + r)
            writes = []
            for j in range(WRITES):
                k = rng.randrange(FILES)
                writes.append((f"f{k}", f"round-{r}-write-{j}-{rng.randrange(10**9)}"))
            cut_after = rng.randrange(1, WRITES - 2)
            delay = rng.uniform(0.0, 0.03)
            reported, crash_out = crash_boot(runner, kernel, cpu, gic, disk, writes, cut_after,
                                             delay, work)
            fsck, content, check_out = check_boot(runner, kernel, cpu, gic, disk, work)
            clean = fsck.endswith("0 problems: clean")
            # The first prefix, no shorter than the report, that the disk matches file for file.
            matched = next((n for n in range(len(reported), len(writes) + 1)
                            if all(content.get(k, "<unread>") == v
                                   for k, v in after_writes(state, writes[:n]).items())), None)
            expected = after_writes(state, writes[:len(reported)])
            bad = [] if matched is not None else \
                [k for k in range(FILES) if content.get(k, "<unread>") != expected[k]]
            good = clean and matched is not None and \
                reported == [int(n[1:]) for n, _ in writes[:len(reported)]]
            intact_total += sum(1 for k in range(FILES) if content.get(k) is not None and k not in bad)
            failures += not good
            disk_state = "no prefix of the writes" if matched is None else f"as after {matched} writes"
            print(f"{'ok' if good else 'not ok'} {r} - power cut after {len(reported)} synced "
                  f"writes reported (seed {seed}, round {r}): {fsck}; files {disk_state}")
            if not good:
                for k in bad:
                    print(f"# f{k}: {content.get(k, '<unread>')!r}, after {len(reported)} writes "
                          f"{expected[k]!r}")
                print("# crash boot:\n" + "\n".join("#   " + l for l in console_lines(crash_out)))
                print("# check boot:\n" + "\n".join("#   " + l for l in check_out.split("\n")))
            state = {k: content.get(k) for k in range(FILES)}
    print(f"# crash campaign: {rounds} power cuts, {rounds - failures} checked clean with every "
          f"synced file intact ({intact_total} file reads matched)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
