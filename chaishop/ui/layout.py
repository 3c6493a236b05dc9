"""Size rules: how many pane columns and rows fit, and which parts give way first.

    terminal size + pane count ──plan()──▶ Plan(cols, row_h, fit, classes)
                                               │ applied by ShopApp._layout:
                                               ├─ screen classes (-too-small, -short, -narrow: shop.tcss)
                                               └─ the grid's columns, row height, "showing k of n"

A pure function of numbers, so tests can check it without a terminal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Below this the layout cannot be read; a message is shown instead.
MIN_W, MIN_H = 60, 18
# Below this height the timeline is hidden: the scoreboard needs the rows more.
TIMELINE_MIN_H = 34
# Below this height (120x36, the projector preset, is below it) the side column is tight:
# the timeline draws at most COMPACT_LANES lanes, and while a lesson panel (till, haul) is
# up the GIL gauge and the timeline give way, so that the scoreboard keeps the baseline,
# threads and processes rows in view.
ROOMY_H = 44
COMPACT_LANES = 2
# Below this width the side column narrows and the scoreboard drops columns.
WIDE_W = 120
SIDE_W_WIDE, SIDE_W_NARROW = 66, 38
# A pane needs this much room to show a title, a status, a bar and a few log lines.
PANE_MIN_W, PANE_MIN_H = 40, 8
# A big crew (more than MANY panes) gets shorter panes, so that a crew of 16 is seen
# whole at 160x45: the title, status and bar, and the last log line.  Not narrower:
# a log line ("  1.23s served order #12 in 0.90 s") must not be cut.
MANY = 8
PANE_MIN_W_MANY, PANE_MIN_H_MANY = PANE_MIN_W, 5


@dataclass(frozen=True)
class Plan:
    small: bool  # too small to read: show the message instead
    short: bool  # no room for the timeline
    narrow: bool  # narrow side column, fewer scoreboard columns
    tight: bool  # the side column is short of rows: fewer timeline lanes, no gauges beside a lesson
    cols: int  # pane columns
    row_h: int  # height of one pane row
    fit: int  # panes visible without scrolling


def plan(width: int, height: int, panes: int) -> Plan:
    narrow = width < WIDE_W
    side = SIDE_W_NARROW if narrow else SIDE_W_WIDE
    grid_w = max(1, width - side - 2)
    grid_h = max(1, height - 4)  # header, footer, the grid's border
    n = max(1, panes)
    min_w, min_h = (PANE_MIN_W_MANY, PANE_MIN_H_MANY) if n > MANY else (PANE_MIN_W, PANE_MIN_H)
    cols = max(1, min(n, grid_w // min_w, 2 if n <= 4 else 3 if n <= 9 else 4))
    rows = math.ceil(n / cols)
    row_h = max(min_h, grid_h // rows)
    return Plan(small=width < MIN_W or height < MIN_H, short=height < TIMELINE_MIN_H,
                narrow=narrow, tight=height < ROOMY_H, cols=cols, row_h=row_h, fit=max(1, grid_h // row_h) * cols)


def fit_title(width: int, *titles: str) -> str:
    """The first of ``titles`` (longest first) that fits the baristas' border at ``width``
    columns, else the last one cut: a title is never cut mid-word when a shorter one fits."""
    room = max(8, width - (SIDE_W_NARROW if width < WIDE_W else SIDE_W_WIDE) - 6)
    for t in titles:
        if len(t) <= room:
            return t
    return titles[-1][:room]


def hidden_note(p: Plan, lesson: bool) -> str:
    """One line saying what gave way for the scoreboard ("": nothing did)."""
    if p.short and lesson:  # 80x24 with a till or haul: the CPU meter gives way too
        return "CPU, GIL, timeline: more rows" if p.narrow else \
            f"CPU, GIL gauge, timeline: hidden below {TIMELINE_MIN_H} rows"
    if p.short or (p.tight and lesson):
        return "GIL, timeline: need more rows" if p.narrow else \
            f"GIL gauge, timeline: hidden below {TIMELINE_MIN_H if p.short else ROOMY_H} rows"
    return ""


def too_small_text(width: int, height: int) -> str:
    return (f"chaishop needs at least {MIN_W}×{MIN_H}.\n"
            f"This terminal is {width}×{height}.\n"
            "Enlarge it or use a smaller font.\n\nq quits")
