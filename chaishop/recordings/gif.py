"""Write frames as an animated GIF, one frame at a time (memory stays flat).

    Frame(t, rows) ──rows that changed──▶ Painter.paint_row on one RGB canvas
        ──the changed rectangle only──▶ quantize (≤256 colours, its own palette)
        ──PIL.GifImagePlugin.getdata(offset, duration)──▶ FILE.gif

Pillow's ``save(save_all=True)`` keeps every frame in memory until it writes
(a minute at 120x36 would be ~500 MB); its documented ``getheader``/``getdata``
helpers write one frame each, so only the changed rectangle of each frame is
encoded and the file grows with what moves on screen, not with its length.
Each frame keeps the previous one on screen (disposal 1) and carries its own
palette, so 24-bit terminal colours survive anti-aliased text.
"""

from __future__ import annotations

import os
from typing import Iterable

from PIL import GifImagePlugin, Image

from chaishop.recordings.raster import Painter
from chaishop.recordings.terminal import Frame

FINAL_HOLD_S = 3.0  # the last frame (the tour's scoreboard) stays up before the loop restarts
KEEP_PREVIOUS = 1  # GIF disposal method: draw the next frame over this one
# A still stretch longer than this is cut into frames this long (each one a repaint of
# one unchanged pixel, ~30 bytes), so players and slide tools that step or scrub frame by
# frame move through the recording at a steady pace.
MAX_HOLD_S = 0.5


def _changed_box(prev, rows) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) in cells of what differs between two frames' rows, or None."""
    ys = [y for y, (a, b) in enumerate(zip(prev, rows)) if a != b]
    if not ys:
        return None
    xs = [x for y in ys for x, (a, b) in enumerate(zip(prev[y], rows[y])) if a != b]
    width = len(rows[0])
    # One cell of margin: a wide character or an overhanging glyph next to a change.
    return max(0, min(xs) - 1), ys[0], min(width, max(xs) + 2), ys[-1] + 1


def _quantize(img: Image.Image) -> Image.Image:
    return img.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def write(frames: Iterable[Frame], path: str | os.PathLike, painter: Painter,
          end_t: float | None = None) -> int:
    """Write ``frames`` to ``path``; returns the number of GIF frames written."""
    it = iter(frames)
    first = next(it)
    height, width = len(first.rows), len(first.rows[0])
    canvas = Image.new("RGB", painter.size(width, height))
    for y, row in enumerate(first.rows):
        painter.paint_row(canvas, y, row)
    prev_rows = first.rows
    held: tuple[Image.Image, tuple[int, int], float] = (_quantize(canvas), (0, 0), first.t)
    written = 0
    elapsed_cs = 0  # centiseconds written so far: durations are rounded without drift
    with open(path, "wb") as f:
        header, _ = GifImagePlugin.getheader(held[0], info={"loop": 0})
        f.write(b"".join(header))

        def emit(until_t: float, include_palette: bool) -> None:
            nonlocal written, elapsed_cs
            img, offset, t = held
            end_cs = max(elapsed_cs + 1, round(until_t * 100))  # at least 10 ms a frame
            while True:
                step_cs = min(end_cs - elapsed_cs, round(MAX_HOLD_S * 100))
                f.write(b"".join(GifImagePlugin.getdata(
                    img, offset, duration=step_cs * 10, disposal=KEEP_PREVIOUS,
                    include_color_table=include_palette)))
                elapsed_cs += step_cs
                written += 1
                if elapsed_cs >= end_cs:
                    break
                img, offset, include_palette = _quantize(canvas.crop((0, 0, 1, 1))), (0, 0), True

        for frame in it:
            box = _changed_box(prev_rows, frame.rows)
            if box is None:
                continue
            emit(frame.t, include_palette=written > 0)
            x0, y0, x1, y1 = box
            for y in range(y0, y1):
                painter.paint_row(canvas, y, frame.rows[y], x0, x1)
            cw, ch = painter.cell_w, painter.cell_h
            region = canvas.crop((x0 * cw, y0 * ch, x1 * cw, y1 * ch))
            held = (_quantize(region), (x0 * cw, y0 * ch), frame.t)
            prev_rows = frame.rows
        last_t = max(held[2], end_t or 0.0)
        emit(last_t + FINAL_HOLD_S, include_palette=written > 0)
        f.write(b";")
    return written
