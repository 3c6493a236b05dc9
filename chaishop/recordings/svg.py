"""Write frames as one animated SVG: every distinct row once, CSS keyframes to play them.

    Frame(t, rows) ──each row──▶ <g id="rN"> (background rects + text runs), once per
        distinct row ──frame i──▶ <g transform="translate(0, i·H)"> of <use href="#rN">
    <g class="strip"> holds all frames one under another; @keyframes moves it up
    one screen at each frame's time (step-end), inside a one-screen viewport.

No script and no SMIL: hosts that show SVG in an <img> play CSS animations, and a
viewer without animation shows the first frame.  Text uses the viewer's monospace
font (JetBrains Mono or DejaVu Sans Mono where installed) with ``textLength``
fixing each run to its cells, so columns line up whatever font is used.
"""

from __future__ import annotations

import os
from typing import Iterable
from xml.sax.saxutils import escape

from chaishop.recordings.colors import DEFAULT_BG, cell_colours, hex_rgb
from chaishop.recordings.terminal import Frame

CELL_W, CELL_H = 9.6, 20.0  # px: a 16 px monospace font, as the GIF
FONT_SIZE = 16
FONT_FAMILY = "'JetBrains Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace"
FINAL_HOLD_S = 3.0  # as the GIF: the last frame stays up before the loop restarts
BASELINE = 0.78  # share of the cell height above the text baseline


def _runs(row, key):
    """(start, end, key) for maximal runs of cells with equal ``key(cell)``."""
    start = 0
    for x in range(1, len(row) + 1):
        if x == len(row) or key(row[x]) != key(row[start]):
            yield start, x, key(row[start])
            start = x


def _words(row, x0: int, x1: int):
    """(start, end) cells of each run of visible characters in ``row[x0:x1]``.

    Each word is placed at its own column, so a viewer that collapses spaces or
    draws them narrower still lines every column up."""
    start = None
    for x in range(x0, x1 + 1):
        blank = x == x1 or row[x].char == " " or (row[x].char == "" and start is None)
        if blank and start is not None:
            yield start, x
            start = None
        elif not blank and start is None:
            start = x


def _block(char: str) -> tuple[float, float, float, float] | None:
    """The part of the cell (x0, y0, x1, y1 as shares) a block element fills, or None."""
    o = ord(char) if len(char) == 1 else 0
    if 0x2581 <= o <= 0x2588:  # ▁..█: lower eighths
        return 0.0, 1 - (o - 0x2580) / 8, 1.0, 1.0
    if 0x2589 <= o <= 0x258F:  # ▉..▏: left eighths
        return 0.0, 0.0, (0x2590 - o) / 8, 1.0
    return {"▀": (0.0, 0.0, 1.0, 0.5), "▐": (0.5, 0.0, 1.0, 1.0),
            "▔": (0.0, 0.0, 1.0, 0.125), "▕": (0.875, 0.0, 1.0, 1.0)}.get(char)


def _row_svg(row) -> str:
    """Backgrounds, block elements as rectangles (crisp, whatever the font), then text."""
    parts = []
    blocks = {}
    cells = list(row)
    for x, c in enumerate(row):
        if (part := _block(c.char)) is not None:
            blocks[x] = part
            cells[x] = c._replace(char=" ")
    row = cells
    for x0, x1, bg in _runs(row, lambda c: cell_colours(c)[1]):
        if bg != DEFAULT_BG:
            parts.append(f'<rect x="{x0 * CELL_W:g}" width="{(x1 - x0) * CELL_W:g}" '
                         f'height="{CELL_H:g}" fill="{hex_rgb(bg)}"/>')
    for x, (a, b, c, d) in blocks.items():
        parts.append(f'<rect x="{(x + a) * CELL_W:g}" y="{b * CELL_H:g}" '
                     f'width="{(c - a) * CELL_W:g}" height="{(d - b) * CELL_H:g}" '
                     f'fill="{hex_rgb(cell_colours(row[x])[0])}"/>')
    style = lambda c: (cell_colours(c)[0], c.bold, c.underline)  # noqa: E731
    for x0, x1, (fg, bold, underline) in _runs(row, style):
        attrs = ' font-weight="bold"' * bold + ' text-decoration="underline"' * underline
        for start, end in _words(row, x0, x1):
            text = "".join(c.char for c in row[start:end])
            parts.append(f'<text x="{start * CELL_W:g}" y="{CELL_H * BASELINE:g}" '
                         f'fill="{hex_rgb(fg)}" textLength="{(end - start) * CELL_W:g}" '
                         f'lengthAdjust="spacingAndGlyphs"{attrs}>{escape(text)}</text>')
    return "".join(parts)


def write(frames: Iterable[Frame], path: str | os.PathLike, end_t: float | None = None) -> int:
    """Write ``frames`` as an animated SVG at ``path``; returns the number of frames."""
    row_ids: dict[tuple, int] = {}
    defs: list[str] = []
    screens: list[str] = []
    times: list[float] = []
    prev = None
    for frame in frames:
        if frame.rows == prev:
            continue
        prev = frame.rows
        uses = []
        for y, row in enumerate(frame.rows):
            if row not in row_ids:
                row_ids[row] = len(row_ids)
                defs.append(f'<g id="r{row_ids[row]}">{_row_svg(row)}</g>')
            uses.append(f'<use href="#r{row_ids[row]}" y="{y * CELL_H:g}"/>')
        screens.append("".join(uses))
        times.append(frame.t)
    if not screens:
        raise ValueError("no frames to write")
    columns, lines = len(prev[0]), len(prev)
    width, height = columns * CELL_W, lines * CELL_H
    total = max(times[-1], end_t or 0.0) + FINAL_HOLD_S
    keyframes = "".join(f"{100 * t / total:.3f}%{{transform:translateY({-i * height:g}px)}}"
                        for i, t in enumerate(times))
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
                f'viewBox="0 0 {width:g} {height:g}" font-family="{escape(FONT_FAMILY)}" '
                f'font-size="{FONT_SIZE}" xml:space="preserve">\n'
                f'<style>.strip{{animation:roll {total:.2f}s step-end infinite}}'
                f'@keyframes roll{{{keyframes}100%{{transform:translateY({-(len(times) - 1) * height:g}px)}}}}'
                f'</style>\n<defs>{"".join(defs)}</defs>\n'
                f'<rect width="100%" height="100%" fill="{hex_rgb(DEFAULT_BG)}"/>\n<g class="strip">\n')
        for i, screen in enumerate(screens):
            f.write(f'<g transform="translate(0 {i * height:g})">{screen}</g>\n')
        f.write("</g>\n</svg>\n")
    return len(screens)
