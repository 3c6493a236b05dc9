"""Marks in a recording: the running shop tells the recorder "a tour step starts here".

    tour player ──mark("Tour 2/6 · threads · brew")──▶ pipe fd from $CHAISHOP_MARKER_FD
        ──▶ chaishop.record writes [t, "m", label] into the .cast

Outside a recording the variable is unset and ``mark`` does nothing.  The fd
is checked to be a pipe before it is written, so a stray variable can never
make the shop write into some other file.
"""

from __future__ import annotations

import os
import stat

MARKER_FD_ENV = "CHAISHOP_MARKER_FD"  # set by chaishop.record for the command it records


def mark(label: str) -> bool:
    """Send ``label`` to the recorder, if there is one; True if it was sent."""
    value = os.environ.get(MARKER_FD_ENV, "")
    if not value.isdigit():
        return False
    fd = int(value)
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
        os.write(fd, (" ".join(label.split()) + "\n").encode())
        return True
    except OSError:
        return False
