"""Read an asciicast v2 file: the header, then its ``[t, kind, data]`` events.

    FILE.cast ──read()──▶ Cast(width, height, title, events=[(t, kind, data)...])

A file cut short (the recorder was killed mid-line) still reads: a last line
that is not complete JSON is dropped.  Anything else malformed is a CastError
with the line number, never a traceback.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field


class CastError(Exception):
    """A file that is not a readable asciicast v2 recording; one line."""


@dataclass
class Cast:
    width: int
    height: int
    title: str = ""
    events: list[tuple[float, str, str]] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.events[-1][0] if self.events else 0.0

    def markers(self) -> list[tuple[float, str]]:
        return [(t, data) for t, kind, data in self.events if kind == "m"]


def read(path: str | os.PathLike) -> Cast:
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as exc:
        raise CastError(f"cannot read {name!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CastError(f"{name!r} is not an asciicast file (not UTF-8 text)") from None
    if not lines:
        raise CastError(f"{name!r} is empty")
    try:
        header = json.loads(lines[0])
        if header.get("version") != 2:
            raise CastError(f"{name!r}: only asciicast version 2 is supported")
        cast = Cast(int(header["width"]), int(header["height"]), str(header.get("title", "")))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise CastError(f"{name!r} has no asciicast v2 header on line 1") from None
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            t, kind, data = json.loads(line)
            cast.events.append((float(t), str(kind), str(data)))
        except (ValueError, TypeError):
            if n == len(lines):
                break  # the recorder was stopped mid-write: keep what came before
            raise CastError(f"{name!r} line {n} is not an asciicast event") from None
    return cast
