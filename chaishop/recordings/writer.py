"""Write an asciicast v2 file as it is recorded, one complete line per ``write``.

    record.pump.run ──event(kind, data)──▶ CastWriter ──os.write──▶ FILE.cast
                                                │ a write fails (ENOSPC, EIO...)
                                                ▼
                             stopped = why; the file cut back to its last complete
                             line (a valid cast); later events are dropped

Every event is one unbuffered ``write`` of one JSON line, so the file is valid
at any moment, and a recording that cannot go on never takes the command with it.
"""

from __future__ import annotations

import json
import os
import select
import time

TICK_S = 0.1  # how long a write to a full pipe waits before it tries again


def write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            data = data[os.write(fd, data):]
        except BlockingIOError:
            select.select([], [fd], [], TICK_S)


class CastWriter:
    """An asciicast v2 writer: one complete line per ``os.write``; stops at a failed write."""

    def __init__(self, fd: int):
        self.fd = fd
        self.start = time.monotonic()
        self.size = 0  # bytes of complete lines written
        self.stopped: str | None = None  # why the recording stopped (a write failed)
        self.stopped_at = 0.0

    def line(self, obj) -> None:
        if self.stopped:
            return
        data = (json.dumps(obj, ensure_ascii=False) + "\n").encode()
        try:
            write_all(self.fd, data)
            self.size += len(data)
        except OSError as exc:
            self.stopped = exc.strerror or str(exc)
            self.stopped_at = time.monotonic() - self.start
            try:
                os.ftruncate(self.fd, self.size)  # drop the half-written line
            except OSError:
                pass

    def event(self, kind: str, data: str) -> None:
        self.line([round(time.monotonic() - self.start, 6), kind, data])
