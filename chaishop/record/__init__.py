"""Record a terminal command to an asciicast v2 file (``chaishop --record FILE.cast``).

The recorder runs the command in a pseudo-terminal and writes exactly the bytes
it draws, with their timings, so ``asciinema play FILE.cast`` (or the asciinema
web player) replays the session::

    user's terminal ──keys (raw)──▶ recorder ──▶ pty master ══ pty slave ──▶ command
         ▲                            │  ▲                                    │
         └──────── mirror ────────────┤  └──────────── output ────────────────┘
                                      ▼
                             FILE.cast  (header line, then [t, "o", text] /
                                         [t, "r", "WxH"], one JSON array a line)

The command may write labels, one a line, to the pipe whose fd is in
``$CHAISHOP_MARKER_FD``; each becomes a ``[t, "m", label]`` marker (the tour
marks its steps, so players can jump between them).

Headless (stdin/stdout not a terminal, as in CI) there is nothing to mirror or
read: the command runs at ``--geometry`` (default 120x36) until it exits or the
recorder gets SIGTERM/SIGHUP/SIGINT, which it forwards as SIGTERM; after
``STOP_GRACE_S`` the command's whole process group is killed.  Every event is
written with one unbuffered ``write`` call, so the file is valid at any moment.
If a write fails (a full disk), the recording stops there: the file is cut
back to its last complete event, the command goes on (the terminal's title
says why the recording stopped), and one line on stderr tells it at the end.

``python -m chaishop.record FILE.cast [--geometry WxH] -- COMMAND...`` records any
command (``__main__.py``); the shop's ``--record`` option re-runs ``python -m chaishop``
this way.  Here: the session (pty, signals, the user's terminal put back); the loop
that moves the bytes while the command runs is ``pump.run``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import termios
import time
import tty
from typing import Mapping, Sequence

from chaishop.record import pump
from chaishop.recordings.markers import MARKER_FD_ENV  # where the command may write labels
from chaishop.recordings.writer import CastWriter, write_all

DEFAULT_WIDTH, DEFAULT_HEIGHT = 120, 36  # fits a 1080p projector at a readable font
MIN_WIDTH, MAX_WIDTH = 20, 1000
MIN_HEIGHT, MAX_HEIGHT = 5, 500
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
# Written to the user's terminal (never to the recording) if the command was killed
# and could not leave the alternate screen, mouse tracking or bracketed paste itself.
TERMINAL_RESET = ("\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l"
                  "\x1b[?1006l\x1b[?2004l\x1b[0m").encode()


class RecordError(Exception):
    """A recording that cannot start (e.g. an unwritable path); one line."""


def parse_geometry(text: str) -> tuple[int, int]:
    """``"120x36"`` -> ``(120, 36)``; ValueError with a one-line reason otherwise."""
    w, sep, h = text.lower().partition("x")
    if not sep or not w.strip().isdigit() or not h.strip().isdigit():
        raise ValueError(f"{text!r} is not WIDTHxHEIGHT (e.g. 120x36)")
    width, height = int(w), int(h)
    if not (MIN_WIDTH <= width <= MAX_WIDTH and MIN_HEIGHT <= height <= MAX_HEIGHT):
        raise ValueError(f"{text} is out of range ({MIN_WIDTH}..{MAX_WIDTH} x "
                         f"{MIN_HEIGHT}..{MAX_HEIGHT})")
    return width, height


def open_cast(path: str | os.PathLike) -> int:
    """Open ``path`` for writing (truncating) and return the fd; RecordError if we can't."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise RecordError(f"cannot write {os.fspath(path)!r}: {exc.strerror}") from None


def _child_env(env: Mapping[str, str] | None, headless: bool) -> dict[str, str]:
    out = dict(os.environ if env is None else env)
    if out.get("TERM", "dumb") == "dumb":
        out["TERM"] = "xterm-256color"
    if headless:
        out.setdefault("COLORTERM", "truecolor")  # asciinema's players draw 24-bit colour
    for stale in ("COLUMNS", "LINES", "TEXTUAL_DRIVER"):  # the pty's size and driver rule
        out.pop(stale, None)
    return out


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


def record(argv: Sequence[str], path: str | os.PathLike,
           width: int | None = None, height: int | None = None,
           title: str | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run ``argv`` in a pty, record it to ``path`` and return its exit code.

    ``width``/``height`` fix the size; when omitted the recording follows the
    user's terminal (or uses 120x36 headless).  Must run in the main thread
    (it installs signal handlers, restored on return).  Raises RecordError
    before starting anything when ``path`` cannot be written.
    """
    cast_fd = open_cast(path)
    interactive = os.isatty(0) and os.isatty(1)
    follow = interactive and width is None and height is None
    if follow:
        width, height = os.get_terminal_size(1)
    width = width or DEFAULT_WIDTH
    height = height or DEFAULT_HEIGHT
    child_env = _child_env(env, headless=not interactive)

    cast = CastWriter(cast_fd)
    cast.line({"version": 2, "width": width, "height": height,
               "timestamp": int(time.time()), "title": title or " ".join(argv),
               "env": {"TERM": child_env["TERM"], "SHELL": child_env.get("SHELL", "/bin/sh")}})

    master, slave = os.openpty()
    pump.set_size(slave, width, height)
    wake_r, wake_w = os.pipe()
    mark_r, mark_w = os.pipe()
    child_env[MARKER_FD_ENV] = str(mark_w)
    for fd in (wake_r, wake_w, master, mark_r):
        os.set_blocking(fd, False)
        os.set_inheritable(fd, False)
    caught: list[int] = []
    old_handlers = {}
    old_wakeup = None
    saved_tty = None
    proc = None
    try:
        def on_signal(signum, _frame):  # only note it: the loop acts between events
            caught.append(signum)

        for sig in STOP_SIGNALS + ((signal.SIGWINCH,) if follow else ()):
            old_handlers[sig] = signal.signal(sig, on_signal)
        old_wakeup = signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)

        proc = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave,
                                env=child_env, start_new_session=True, close_fds=True,
                                pass_fds=(mark_w,))
        os.close(mark_w)
        mark_w = -1
        os.close(slave)
        slave = -1
        cast.start = time.monotonic()  # t=0 is the command's start
        if interactive:
            saved_tty = termios.tcgetattr(0)
            tty.setraw(0)
        pump.run(proc, master, wake_r, cast, caught, interactive, mark_r)
        if interactive and proc.returncode < 0:
            write_all(1, TERMINAL_RESET)
        if cast.stopped:
            print(f"chaishop: the recording stopped at {cast.stopped_at:.1f} s: {cast.stopped}; "
                  f"{os.fspath(path)} holds the session until then", file=sys.stderr)
            return _exit_code(proc.returncode) or 1
        return _exit_code(proc.returncode)
    except BaseException:
        if interactive:
            write_all(1, TERMINAL_RESET)  # whatever went wrong, hand the terminal back
        raise
    finally:
        if saved_tty is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, saved_tty)
        if proc is not None:
            pump.reap(proc)
        if old_wakeup is not None:
            signal.set_wakeup_fd(old_wakeup)
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        for fd in (master, slave, wake_r, wake_w, cast_fd, mark_r, mark_w):
            if fd >= 0:
                os.close(fd)
