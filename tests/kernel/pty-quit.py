#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a command on a pseudo-terminal, wait for a line, then type Ctrl-A X.

usage: pty-quit.py MARKER TIMEOUT COMMAND...

Prints what the command wrote and exits with its exit status (124 if the
marker did not appear or the command did not end in time). `make run` uses
`-serial mon:stdio` on a terminal, where Ctrl-A X quits QEMU.
"""
import os
import pty
import select
import sys
import time


def main() -> int:
    marker = sys.argv[1].encode()
    timeout = float(sys.argv[2])
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[3], sys.argv[3:])
    out = b""
    sent = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
        if marker in out and not sent:
            os.write(fd, b"\x01x")
            sent = True
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.stdout.write(out.decode(errors="replace"))
        return 124
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status) if sent else 124


if __name__ == "__main__":
    sys.exit(main())
