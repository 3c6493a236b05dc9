"""Replay a recorded terminal stream with pyte and sample what the screen shows.

    Cast events ──"o" text──▶ pyte.Stream ──▶ pyte.Screen (cells: char, colours, bold…)
        ──every 1/fps s, if anything changed──▶ Frame(t, rows)

A frame is taken only when the stream moves into a later time slot, so the
several writes of one Textual repaint land in one frame, and frames in which
nothing changed are never made.  Each row is a tuple of ``Cell`` so that a
writer can compare rows of two frames with ``==`` and redraw only the rows
that changed.
"""

from __future__ import annotations

import math
from typing import Iterator, NamedTuple

import pyte

from chaishop.recordings.cast import Cast

DEFAULT_FPS = 10.0  # Textual repaints the shop at 10 Hz: more frames would repeat
MAX_FPS = 50.0  # GIF delays are in centiseconds; browsers clamp below 20 ms


class Cell(NamedTuple):
    char: str  # "" for the right half of a wide character
    fg: str  # pyte colour: "default", a name ("red", "brightblue"), or "rrggbb"
    bg: str
    bold: bool
    reverse: bool
    underline: bool


class Frame(NamedTuple):
    t: float  # seconds from the start of the recording
    rows: tuple[tuple[Cell, ...], ...]


def _row(line, width: int) -> tuple[Cell, ...]:
    return tuple(Cell(c.data, c.fg, c.bg, c.bold, c.reverse, c.underscore)
                 for c in (line[x] for x in range(width)))


def replay(cast: Cast, fps: float = DEFAULT_FPS) -> Iterator[Frame]:
    """The frames of ``cast``, each at the start of its 1/fps time slot."""
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"fps must be in (0, {MAX_FPS:g}]")
    width, height = cast.width, cast.height
    screen = pyte.Screen(width, height)
    stream = pyte.Stream(screen)
    rows = [_row(screen.buffer[y], width) for y in range(height)]
    pending: float | None = None  # when the first change not yet in a frame happened

    def take(t: float) -> Frame:
        for y in screen.dirty:
            if y < height:
                rows[y] = _row(screen.buffer[y], width)
        screen.dirty.clear()
        return Frame(math.floor(t * fps) / fps, tuple(rows))

    yield take(0.0)  # the blank terminal the recording starts from
    for t, kind, data in cast.events:
        if pending is not None and math.floor(t * fps) > math.floor(pending * fps):
            yield take(pending)
            pending = None
        if kind != "o":
            continue
        stream.feed(data)
        if pending is None and screen.dirty:
            pending = t
    if pending is not None:
        yield take(pending)
