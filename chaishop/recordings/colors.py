"""Terminal colours as RGB: pyte's names, hex strings, and the defaults.

Textual paints almost every cell in 24-bit colour, so these names matter only
for programs that use the 16 basic colours (and for text Textual leaves at the
terminal's default).  The values are xterm's.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

DEFAULT_FG: RGB = (0xD0, 0xD0, 0xD0)
DEFAULT_BG: RGB = (0x12, 0x12, 0x12)

NAMED: dict[str, RGB] = {
    "black": (0x00, 0x00, 0x00), "red": (0xCD, 0x00, 0x00), "green": (0x00, 0xCD, 0x00),
    "brown": (0xCD, 0xCD, 0x00), "blue": (0x00, 0x00, 0xEE), "magenta": (0xCD, 0x00, 0xCD),
    "cyan": (0x00, 0xCD, 0xCD), "white": (0xE5, 0xE5, 0xE5),
    "brightblack": (0x7F, 0x7F, 0x7F), "brightred": (0xFF, 0x00, 0x00),
    "brightgreen": (0x00, 0xFF, 0x00), "brightbrown": (0xFF, 0xFF, 0x00),
    "brightblue": (0x5C, 0x5C, 0xFF), "brightmagenta": (0xFF, 0x00, 0xFF),
    "brightcyan": (0x00, 0xFF, 0xFF), "brightwhite": (0xFF, 0xFF, 0xFF),
}
NAMED["yellow"] = NAMED["brown"]
NAMED["brightyellow"] = NAMED["brightbrown"]


def rgb(colour: str, default: RGB) -> RGB:
    """A pyte colour ("default", a name or "rrggbb") as an RGB triple."""
    if colour in NAMED:
        return NAMED[colour]
    if len(colour) == 6:
        try:
            return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
        except ValueError:
            pass
    return default


def hex_rgb(colour: RGB) -> str:
    return "#%02x%02x%02x" % colour


def mix(a: RGB, b: RGB, share_of_a: float) -> RGB:
    return tuple(round(x * share_of_a + y * (1 - share_of_a)) for x, y in zip(a, b))  # type: ignore[return-value]


def cell_colours(cell) -> tuple[RGB, RGB]:
    """(foreground, background) of a terminal Cell, reverse video applied."""
    fg, bg = rgb(cell.fg, DEFAULT_FG), rgb(cell.bg, DEFAULT_BG)
    return (bg, fg) if cell.reverse else (fg, bg)
