"""The recorder's pump: bytes between the user's terminal, the command's pty and the cast.

    user's terminal ──keys (raw)──▶ run() ──▶ pty master ══ pty slave ──▶ command
         ▲                            │  ▲                                  │
         └──────── mirror ────────────┤  └──────────── output ──────────────┘
                                      ▼
                               CastWriter.event("o" | "r" | "m", ...)

``run`` pumps until the command is gone: it copies output (and the command's
marker labels) into the cast, keys from the user's terminal to the command, follows
a resized terminal, and turns a stop signal into SIGTERM, then SIGKILL of the
command's process group after ``STOP_GRACE_S``; then it drains what the pty still
holds.  ``reap`` makes sure nothing of the command's process group is left.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time

from chaishop.recordings.writer import CastWriter, write_all

STOP_GRACE_S = 2.0  # the app gets this long to quit cleanly after SIGTERM
GROUP_GRACE_S = 1.0  # leftovers in the command's process group get this long, then SIGKILL
DRAIN_QUIET_S = 0.05  # after the command exits: read the pty until quiet this long...
DRAIN_MAX_S = 1.0  # ...or this long at most (a grandchild might keep writing)
READ_SIZE = 65536  # one Textual frame usually arrives in one read
TICK_S = 0.1  # the loop also wakes this often to notice a command that exited


def set_size(fd: int, width: int, height: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))


def kill_group(pgid: int, sig: int) -> bool:
    """Signal a process group; False once nobody is left in it."""
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def run(proc: subprocess.Popen, master: int, wake_r: int, cast: CastWriter,
          caught: list[int], interactive: bool, mark_r: int = -1) -> None:
    """Copy output to the cast (and the user's terminal) until the command is gone."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    watch = [master, wake_r] + ([0] if interactive else []) + ([mark_r] if mark_r >= 0 else [])
    marks = b""
    kill_at = None  # monotonic deadline for SIGKILL once we asked the command to stop
    told: list[bool] = []  # the user was told the recording stopped

    def emit(data: bytes) -> None:
        if interactive:
            write_all(1, data)
        if text := decoder.decode(data):
            cast.event("o", text)
            if cast.stopped and interactive and not told:
                told.append(True)  # in the title bar: the screen belongs to the command
                write_all(1, f"\x1b]2;recording stopped: {cast.stopped}\x07".encode())

    while proc.poll() is None:
        if kill_at is not None and time.monotonic() >= kill_at:
            kill_group(proc.pid, signal.SIGKILL)
            kill_at = float("inf")
        ready, _, _ = select.select(watch, [], [], TICK_S)
        if wake_r in ready:
            _read(wake_r)
        while caught:
            sig = caught.pop(0)
            if sig == signal.SIGWINCH:
                width, height = os.get_terminal_size(1)
                set_size(master, width, height)
                kill_group(proc.pid, signal.SIGWINCH)  # the pty is not its controlling tty
                cast.event("r", f"{width}x{height}")
            elif kill_at is None:
                proc.send_signal(signal.SIGTERM)
                kill_at = time.monotonic() + STOP_GRACE_S
        if mark_r in ready:
            data = _read(mark_r)
            if data == b"":
                watch.remove(mark_r)
            elif data:
                *labels, marks = (marks + data).split(b"\n")
                for label in labels:
                    cast.event("m", label.decode("utf-8", "replace"))
        if 0 in ready:
            keys = _read(0)
            if keys:
                write_all(master, keys)
            elif keys == b"":
                watch.remove(0)  # the user's terminal went away; keep recording
        if master in ready:
            data = _read(master)
            if data:
                emit(data)
            elif data == b"":
                watch.remove(master)  # all holders closed the slave; wait for the exit
    # The command exited: take what is still buffered in the pty, until it is quiet.
    deadline = time.monotonic() + DRAIN_MAX_S
    while master in watch and time.monotonic() < deadline:
        if not select.select([master], [], [], DRAIN_QUIET_S)[0]:
            break
        data = _read(master)
        if not data:
            break
        emit(data)
    if tail := decoder.decode(b"", final=True):
        cast.event("o", tail)


def _read(fd: int) -> bytes | None:
    """Read what is there: None if nothing yet, b"" at the end (EIO ends a pty)."""
    try:
        return os.read(fd, READ_SIZE)
    except BlockingIOError:
        return None
    except OSError as exc:
        if exc.errno == errno.EIO:
            return b""
        raise


def reap(proc: subprocess.Popen) -> None:
    """Make sure the command and anything left in its process group are gone."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid, signal.SIGKILL)
            proc.wait()
    deadline = time.monotonic() + GROUP_GRACE_S
    while kill_group(proc.pid, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    kill_group(proc.pid, signal.SIGKILL)
