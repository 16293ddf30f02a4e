#!/usr/bin/env python3
"""Send one command to a QEMU monitor listening on a Unix socket.

    ci/qemu-monitor.py SOCKET COMMAND

Waits for the monitor's prompt, sends the command, and waits for the next
prompt, so the command has been taken before the connection closes.
"""
import socket
import sys

PROMPT = b"(qemu) "
TIMEOUT_S = 10


def read_until_prompt(conn):
    seen = b""
    while PROMPT not in seen:
        chunk = conn.recv(4096)
        if not chunk:
            raise SystemExit("qemu-monitor: the monitor closed before its prompt")
        seen += chunk


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: qemu-monitor.py SOCKET COMMAND")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(TIMEOUT_S)
        conn.connect(sys.argv[1])
        read_until_prompt(conn)
        conn.sendall(sys.argv[2].encode() + b"\n")
        read_until_prompt(conn)


if __name__ == "__main__":
    main()
