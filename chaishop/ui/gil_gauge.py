"""The GIL gauge: how long a thread waits for the GIL in the kitchen.

    kitchen gil-reporter --GilReading (3 a second while a run is on, once idle)-->
        ShopApp._drain --GilGauge.show(reading, running)--> refresh() (this widget only)

A fixed-height renderable like the CPU meter: a reading repaints these lines
and never re-lays out the screen.  The bar is the reading's ``contention``
(median lateness / switch interval, 0..1): near zero for processes and
interpreters, near one for CPU-bound threads.  Every figure is the kitchen's
own measurement (chaishop.core.gil); nothing is smoothed or invented here.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from chaishop.core.gil import GilReading

LEGEND = "how long a thread waits for the GIL in the kitchen"
SHORT_LEGEND = "a thread's wait for the GIL"  # the narrow side column (38 wide)
# Contention levels that change the bar's colour: free, contested, a queue.
BUSY, HOT = 0.25, 0.6


class GilGauge(Widget):
    """``show`` a GilReading to update it."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.reading: GilReading | None = None
        self.last_run: GilReading | None = None  # the last reading taken while a run was on
        self.running = False
        self.border_title = "GIL"

    def show(self, reading: GilReading, running: bool) -> None:
        self.reading, self.running = reading, running
        if running and not reading.empty:
            self.last_run = reading
        self.border_subtitle = "while brewing" if running else "idle"
        self.refresh()

    def _colour(self, contention: float) -> str:
        v = self.app.theme_variables
        # Here high is bad news (threads queueing for one lock): hot is red.
        return v["error"] if contention >= HOT else v["warning"] if contention >= BUSY else v["success"]

    def render(self) -> Text:
        width = self.content_size.width or 40
        legend = Text(LEGEND if len(LEGEND) <= width else SHORT_LEGEND[:width], style="italic dim")
        r = self.reading
        if r is None or r.empty:
            return Text.assemble(Text("no reading yet: start a run", style="dim"), "\n", legend)
        colour = self._colour(r.contention)
        label = "contention "
        value = f" {r.contention:4.2f}"
        bar_w = max(4, width - len(label) - len(value))
        filled = round(r.contention * bar_w)
        line = Text(label, style="bold")
        # Coloured cells, not glyphs: solid on any terminal, font or projector.
        line.append(" " * filled, style=f"on {colour}")
        line.append(" " * (bar_w - filled), style=f"on {self.app.theme_variables['panel']}")
        line.append(value, style=f"bold {colour}")
        late = Text("waits ", style="bold")
        late.append(f"{r.lateness_ms:.1f} ms", style=f"bold {colour}")
        last = self.last_run
        more = (f" median · {r.lateness_p90_ms:.1f} ms p90" if self.running or last is None
                else f" now · {last.lateness_ms:.1f} ms in the last run")
        if len(late) + len(more) > width and not self.running and last is not None:
            more = f" now · last run {last.lateness_ms:.1f}"
        late.append(more[:max(0, width - len(late))])
        return Text("\n").join([line, late, legend])
