"""Draw terminal rows as pixels with Pillow: one cached tile per distinct cell.

    Cell(char, fg, bg, bold…) ──tile()──▶ RGB tile (cell_w x cell_h), cached
    row of Cells ──paint_row()──▶ pasted onto the frame's canvas

Fonts: JetBrains Mono from the ``fontpkg-jetbrains-mono`` wheel (a dependency, so
a fresh machine with only Python and pip renders the same pixels as this one);
characters it lacks (☕, ✓) come from DejaVu Sans Mono when the system has it,
else they are left blank.  Block elements (▁▂…█, ▏…▉, ░) and box-drawing lines
(─ │ ┌ ┃ ╭…) are drawn as rectangles that fill the cell exactly, as terminals
do, so bars and borders join without the gaps a font's glyphs leave.
"""

from __future__ import annotations

import functools
import os
from typing import Sequence

from PIL import Image, ImageDraw, ImageFont

from chaishop.recordings.colors import RGB, cell_colours, mix

DEFAULT_FONT_SIZE = 16  # px: 120 columns are 1,200 px wide, legible on a projector
MIN_FONT_SIZE, MAX_FONT_SIZE = 8, 48
LINE_HEIGHT = 1.25  # cell height over font size, as most terminals
FALLBACK_FONTS = (  # for characters the main font lacks, where the system has them
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/Library/Fonts/DejaVuSansMono.ttf",
)
BOLD_WEIGHT = 700  # JetBrains Mono is a variable font: bold is its wght axis at 700

# Box-drawing lines: the arms (left, up, right, down) each character has; 1 light, 2 heavy.
# Rounded corners are drawn square: at cell size the difference is a pixel or two.
_BOX: dict[str, tuple[int, int, int, int]] = {
    "─": (1, 0, 1, 0), "━": (2, 0, 2, 0), "│": (0, 1, 0, 1), "┃": (0, 2, 0, 2),
    "┌": (0, 0, 1, 1), "┐": (1, 0, 0, 1), "└": (0, 1, 1, 0), "┘": (1, 1, 0, 0),
    "┏": (0, 0, 2, 2), "┓": (2, 0, 0, 2), "┗": (0, 2, 2, 0), "┛": (2, 2, 0, 0),
    "╭": (0, 0, 1, 1), "╮": (1, 0, 0, 1), "╯": (1, 1, 0, 0), "╰": (0, 1, 1, 0),
    "├": (0, 1, 1, 1), "┤": (1, 1, 0, 1), "┬": (1, 0, 1, 1), "┴": (1, 1, 1, 0),
    "┼": (1, 1, 1, 1), "┣": (0, 2, 2, 2), "┫": (2, 2, 0, 2), "┳": (2, 0, 2, 2),
    "┻": (2, 2, 2, 0), "╋": (2, 2, 2, 2),
    "╴": (1, 0, 0, 0), "╵": (0, 1, 0, 0), "╶": (0, 0, 1, 0), "╷": (0, 0, 0, 1),
    "╸": (2, 0, 0, 0), "╹": (0, 2, 0, 0), "╺": (0, 0, 2, 0), "╻": (0, 0, 0, 2),
}
_SHADES = {"░": 0.25, "▒": 0.5, "▓": 0.75}


def main_font_path() -> str | None:
    try:
        import fontpkg

        return str(fontpkg.path("JetBrains Mono"))
    except Exception:  # noqa: BLE001 - no font package: fall back, never fail
        return None


class Painter:
    """Pixels for cells at one font size."""

    def __init__(self, font_size: int = DEFAULT_FONT_SIZE):
        if not MIN_FONT_SIZE <= font_size <= MAX_FONT_SIZE:
            raise ValueError(f"font size {font_size} is out of range "
                             f"({MIN_FONT_SIZE}..{MAX_FONT_SIZE})")
        path = main_font_path()
        fallbacks = [p for p in FALLBACK_FONTS if os.path.exists(p)]
        if path is None and fallbacks:
            path = fallbacks.pop(0)
        if path is None:
            self.regular = self.bold = ImageFont.load_default(font_size)
        else:
            self.regular = ImageFont.truetype(path, font_size)
            self.bold = ImageFont.truetype(path, font_size)
            try:
                self.bold.set_variation_by_axes([BOLD_WEIGHT])
            except (OSError, ValueError):
                pass  # not a variable font, or FreeType without variations: bold as regular
        self.fallbacks = [ImageFont.truetype(p, font_size) for p in fallbacks]
        self.cell_w = max(1, round(self.regular.getlength("M")))
        self.cell_h = max(1, round(font_size * LINE_HEIGHT))
        ascent, descent = self.regular.getmetrics()
        self.baseline = round((self.cell_h - (ascent + descent)) / 2 + ascent)
        self._missing = bytes(self.regular.getmask("\uffff"))
        self.tile = functools.lru_cache(maxsize=8192)(self._tile)

    def size(self, columns: int, rows: int) -> tuple[int, int]:
        return columns * self.cell_w, rows * self.cell_h

    def _font_for(self, char: str, bold: bool):
        font = self.bold if bold else self.regular
        if bytes(self.regular.getmask(char)) != self._missing:
            return font
        for fb in self.fallbacks:
            if bytes(fb.getmask(char)) != bytes(fb.getmask("\uffff")):
                return fb
        return None

    def _tile(self, cell, cells: int = 1) -> Image.Image:
        fg, bg = cell_colours(cell)
        w, h = self.cell_w * cells, self.cell_h
        img = Image.new("RGB", (w, h), bg)
        char = cell.char
        if not char or char == " ":
            pass
        elif char in _BOX:
            self._box(ImageDraw.Draw(img), _BOX[char], fg)
        elif not self._block(ImageDraw.Draw(img), char, fg, bg, w, h):
            font = self._font_for(char, cell.bold)
            if font is not None:
                ImageDraw.Draw(img).text((0, self.baseline), char, font=font, fill=fg,
                                         anchor="ls")
        if cell.underline:
            ImageDraw.Draw(img).line([(0, h - 2), (w, h - 2)], fill=fg)
        return img

    def _box(self, draw: ImageDraw.ImageDraw, arms, fg: RGB) -> None:
        w, h = self.cell_w, self.cell_h
        light = max(1, round(w / 9))
        cx, cy = w // 2, h // 2
        left, up, right, down = arms
        for weight, box in ((left, (0, cy, cx, cy)), (right, (cx, cy, w - 1, cy)),
                            (up, (cx, 0, cx, cy)), (down, (cx, cy, cx, h - 1))):
            if weight:
                t = light * weight
                x0, y0, x1, y1 = box
                lo = t // 2
                if y0 == y1:  # horizontal arm
                    draw.rectangle([x0, y0 - lo, x1, y0 - lo + t - 1], fill=fg)
                else:
                    draw.rectangle([x0 - lo, y0, x0 - lo + t - 1, y1], fill=fg)

    def _block(self, draw: ImageDraw.ImageDraw, char: str, fg: RGB, bg: RGB, w: int, h: int) -> bool:
        o = ord(char)
        if 0x2581 <= o <= 0x2588:  # ▁..█: lower eighths
            top = h - round(h * (o - 0x2580) / 8)
            draw.rectangle([0, top, w - 1, h - 1], fill=fg)
        elif 0x2589 <= o <= 0x258F:  # ▉..▏: left eighths
            draw.rectangle([0, 0, round(w * (0x2590 - o) / 8) - 1, h - 1], fill=fg)
        elif char == "▀":
            draw.rectangle([0, 0, w - 1, h // 2 - 1], fill=fg)
        elif char == "▐":
            draw.rectangle([w // 2, 0, w - 1, h - 1], fill=fg)
        elif char == "▔":
            draw.rectangle([0, 0, w - 1, max(1, round(h / 8)) - 1], fill=fg)
        elif char == "▕":
            draw.rectangle([w - max(1, round(w / 8)), 0, w - 1, h - 1], fill=fg)
        elif char in _SHADES:
            draw.rectangle([0, 0, w - 1, h - 1], fill=mix(fg, bg, _SHADES[char]))
        else:
            return False
        return True

    def paint_row(self, canvas: Image.Image, y: int, row: Sequence, x0: int = 0,
                  x1: int | None = None) -> None:
        """Paste the tiles of ``row[x0:x1]`` at text row ``y``."""
        x1 = len(row) if x1 is None else x1
        top = y * self.cell_h
        for x in range(x0, x1):
            cell = row[x]
            if cell.char == "" and x > 0 and row[x - 1].char:
                continue  # the right half of a wide character, drawn with it
            wide = x + 1 < len(row) and row[x + 1].char == "" and cell.char != ""
            canvas.paste(self.tile(cell, 2 if wide else 1), (x * self.cell_w, top))
