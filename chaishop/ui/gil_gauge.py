"""The GIL gauge: how long a thread waits for the GIL in the kitchen (and, for
asyncio, how late its event loop runs a callback).

    kitchen gil-reporter --GilReading (3 a second while a run is on, once idle)-->
        ShopApp._drain --GilGauge.show(reading, running)--> refresh() (this widget only)
    asyncio runs also send LoopLag --GilGauge.show_lag(lag)--> the second line

A fixed-height renderable like the CPU meter: a reading repaints these lines
and never re-lays out the screen.  The bar is the reading's ``contention``:
the probe's lateness minus the part it spent waiting for a core (Linux
schedstat), as a share of the switch interval: near zero for processes and
interpreters even on a busy machine, near one for CPU-bound threads.  Where
the core part cannot be measured, the legend says the figure includes it.  On
a free-threaded build there is no GIL: the legend says what is measured there.
During a threads *grind* (hashlib, which lets go of the GIL) the gauge stays
low: the threads hardly ever want the GIL.  Every figure is the kitchen's own
measurement (chaishop.core.measure.gil, chaishop.core.measure.loop_lag).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from chaishop.core.protocol.gauges import GilReading, LoopLag

LEGEND = "how long a thread waits for the GIL in the kitchen"
SHORT_LEGEND = "a thread's wait for the GIL"  # the narrow side column (38 wide)
LEGEND_UNSPLIT = "a thread's wait for the GIL (and for a core)"
LEGEND_NO_GIL = "no GIL here: a thread's wait is the OS scheduler's"
# Contention levels that change the bar's colour: free, contested, a queue.
BUSY, HOT = 0.25, 0.6


class GilGauge(Widget):
    """``show`` a GilReading to update it."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.reading: GilReading | None = None
        self.last_run: GilReading | None = None  # the last reading taken while a run was on
        self.lag: LoopLag | None = None  # the asyncio run's loop lag, while it is on
        self.running = False
        self.solo = False  # the run on has one barista (sequential): nobody to take turns with
        self.gil_enabled = True
        self.border_title = "GIL"

    def show(self, reading: GilReading, running: bool) -> None:
        self.reading, self.running = reading, running
        if running and not reading.empty and not self.solo:
            self.last_run = reading
        if not running:
            self.lag = None
        self.border_subtitle = ("one barista" if self.solo else "while brewing") if running else "idle"
        self.refresh()

    def show_lag(self, lag: LoopLag | None) -> None:
        self.lag = lag
        self.border_title = "GIL · event loop" if lag is not None else "GIL"
        self.refresh()

    def _colour(self, contention: float) -> str:
        v = self.app.theme_variables
        # Here high is bad news (threads queueing for one lock): hot is red.
        return v["error"] if contention >= HOT else v["warning"] if contention >= BUSY else v["success"]

    def _legend(self, width: int) -> Text:
        r = self.reading
        if not self.gil_enabled:
            text = LEGEND_NO_GIL
        elif r is not None and not r.empty and not r.split:
            text = LEGEND_UNSPLIT
        else:
            text = LEGEND if len(LEGEND) <= width else SHORT_LEGEND
        return Text(text[:width], style="italic dim")

    def render(self) -> Text:
        width = self.content_size.width or 40
        legend = self._legend(width)
        r = self.reading
        if r is None or r.empty:
            return Text.assemble(Text("no reading yet: start a run", style="dim"), "\n", legend)
        if self.solo and self.running:
            # The probe still waits (for the one barista's thread), but no barista waits for
            # another: a contention bar here would teach the wrong thing.
            return Text("\n").join([
                Text("one barista: no other barista to take turns with"[:width], style="bold"),
                Text(f"(the gauge's own probe waits {r.lateness_ms:.1f} ms for it)"[:width],
                     style="dim"), legend])
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
        return Text("\n").join([line, self._second(r, colour, width), legend])

    def _second(self, r: GilReading, colour: str, width: int) -> Text:
        lag = self.lag
        if lag is not None and self.running and lag.samples:
            late = Text("event loop late ", style="bold")
            late.append(f"{lag.lateness_ms:.0f} ms", style=f"bold {self._colour(min(1, lag.lateness_ms / 100))}")
            late.append(f" · max {lag.max_ms:.0f} ms"[:max(0, width - len(late))])
            return late
        late = Text("waits ", style="bold")
        late.append(f"{r.lateness_ms:.1f} ms", style=f"bold {colour}")
        last = self.last_run
        if self.running or last is None:
            more = (f" GIL · {r.core_ms:.1f} ms for a core" if r.split
                    else f" median · {r.lateness_p90_ms:.1f} ms p90")
        else:
            more = f" now · {last.lateness_ms:.1f} ms in the last run"
            if len(late) + len(more) > width:
                more = f" now · last run {last.lateness_ms:.1f}"
        late.append(more[:max(0, width - len(late))])
        return late
