"""The CPU meter: one bar per core, its percentage, and a sparkline of its history.

    cpu_source() --list of per-core %--> CpuMeter.push() --> refresh() (this widget only)

Drawn as one renderable of fixed height, so a new sample repaints these few
lines and never re-lays out the screen.  The last line sums the cores up as
"cores busy": the number that tells threads (about one) from processes (all).
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widget import Widget

# Samples kept per core: at 3 a second, the last 20 s or so.
HISTORY = 64
SPARKS = "▁▂▃▄▅▆▇█"
# More cores than this share a line, two to a row, so the meter stays short.
ONE_PER_LINE_MAX = 8
# Load levels that change a bar's colour: calm, busy, flat out.
BUSY_PCT, HOT_PCT = 40.0, 85.0


def spark(values, width: int) -> str:
    tail = list(values)[-width:]
    return "".join(SPARKS[min(len(SPARKS) - 1, int(v / 100 * len(SPARKS)))] for v in tail).rjust(width)


class CpuMeter(Widget):
    """Per-core load.  ``push`` a sample (one percentage per core) to update it."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.history: list[deque[float]] = []
        self.border_title = "CPU"

    @property
    def cores(self) -> int:
        return len(self.history)

    def push(self, sample: list[float]) -> None:
        if len(sample) != len(self.history):
            self.history = [deque(maxlen=HISTORY) for _ in sample]
            self.border_title = f"CPU · {len(sample)} core{'s' if len(sample) != 1 else ''}"
            self.styles.height = self.wanted_height()
        for h, v in zip(self.history, sample):
            h.append(v)
        self.refresh()

    def wanted_height(self) -> int:
        rows = self.cores if self.cores <= ONE_PER_LINE_MAX else (self.cores + 1) // 2
        return max(1, rows) + 1 + 2  # the total line, the border

    def _colour(self, pct: float) -> str:
        v = self.app.theme_variables
        # Busy is good news here (work is being done): flat out is green, idle is blue.
        return v["success"] if pct >= HOT_PCT else v["warning"] if pct >= BUSY_PCT else v["primary"]

    def _core(self, i: int, width: int) -> Text:
        h = self.history[i]
        pct = h[-1] if h else 0.0
        label = f"core {i:<2}"
        spark_w = max(0, min(HISTORY, (width - 14) // 3))
        bar_w = max(4, width - len(label) - 6 - spark_w - 2)
        filled = round(pct / 100 * bar_w)
        colour = self._colour(pct)
        t = Text(label + " ", style="bold")
        # Bars are coloured cells, not glyphs: solid on any terminal, font or projector.
        t.append(" " * filled, style=f"on {colour}")
        t.append(" " * (bar_w - filled), style=f"on {self.app.theme_variables['panel']}")
        t.append(f"{pct:4.0f}%", style=f"bold {colour}")
        if spark_w:
            t.append("  ")
            t.append(spark(h, spark_w), style=colour)
        return t

    def render(self) -> Text:
        width = self.content_size.width or 40
        if not self.history:
            return Text("measuring…", style="dim")
        lines: list[Text] = []
        if self.cores <= ONE_PER_LINE_MAX:
            lines = [self._core(i, width) for i in range(self.cores)]
        else:
            half = (width - 2) // 2
            for i in range(0, self.cores, 2):
                line = self._core(i, half)
                if i + 1 < self.cores:
                    line.append("  ")
                    line.append_text(self._core(i + 1, half))
                lines.append(line)
        busy = sum(h[-1] for h in self.history if h) / 100
        total = Text("busy  ", style="bold")
        total.append(f"{busy:4.2f}", style=f"bold {self._colour(100 * busy / self.cores)}")
        total.append(f" of {self.cores} core{'s' if self.cores != 1 else ''}", style="bold")
        lines.append(total)
        return Text("\n").join(lines)
