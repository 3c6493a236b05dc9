"""The timeline: one strip per barista, the share of a core it really got, live.

    ui.live_timeline: the shown run's RunningTimeline (live) or its Events (once, at the end)
        + the front of house's LaneSampler --show_timeline(Timeline)-->
        render() --core.measure.timeline.cells(n)--> per cell a block as high as the share of
        a core the barista got, on a background that says what it did with the rest:
        waiting for the GIL, for a core (the machine is busy), for I/O (or what the recipe
        waits for: a lock, a sleep; core.menu's Recipe.waits), or idle
    a rush hour (no events, summaries): show_crew(samples, ...) --core.measure.summary.aggregate-->
        one lane per state: how many baristas were waiting, brewing, done, failed

Redrawn a few times a second while a run is on, and once more when it ends;
drawn at whatever width the widget has (a resize only re-renders the strips).
Hidden until the first run starts, and on short terminals (Screen.-short).
"""

from __future__ import annotations


from rich.text import Text
from textual.widget import Widget

from chaishop.core.measure import summary as sm
from chaishop.core.measure import timeline as tl
from chaishop.core.protocol.gauges import CELL_BREWING, CELL_DONE, CELL_FAILED, CELL_WAITING, STATE_NAMES

# Lanes drawn at most: a projector's side column has room for this many;
# a bigger crew gets a "+N more" line instead of squeezing the scoreboard out.
MAX_LANES = 8
LABEL_W = 4  # "B16 "
SHARE_W = 5  # " 0.50": the lane's mean share of a core while it held orders
# How each method is named under the strips (what measured it, how often).
METHOD_EVENTS = "each barista's CPU clock, every 50 ms"
METHOD_SAMPLER = "schedstat, read from the front of house every 50 ms"


class TimelineView(Widget):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.timeline: tl.Timeline | None = None
        self.crew: tuple | None = None  # a rush hour's (samples, t0, t1, crew size)
        self.waits = "I/O"  # the legend's word for ░ (show_timeline)
        self.partial = False
        self.live = False
        self.method = METHOD_EVENTS
        self.max_lanes: int | None = None  # the app's layout: fewer lanes on a tight side column
        self.border_title = "Timeline"
        self.add_class("-empty")

    @property
    def lanes_shown(self) -> int:
        return MAX_LANES if self.max_lanes is None else min(MAX_LANES, self.max_lanes)

    def show_timeline(self, timeline: tl.Timeline, partial: bool = False, title: str = "",
                      method: str = "", live: bool = False, waits: str = "I/O") -> None:
        """Draw ``timeline`` (a built one, or a running one's ``at``); ``waits``: what its
        baristas wait for off a core (the recipe's word, in the legend for ░)."""
        self.timeline = timeline
        self.waits = waits
        self.crew = None
        self.partial, self.live = partial, live
        self.method = method or METHOD_EVENTS
        self.border_title = f"Timeline · {title}" if title else "Timeline"
        # How it was measured goes on the border: a row less for the scoreboard.
        self.border_subtitle = ("live · " if live else "") + f"by {self.method}"
        self.remove_class("-empty")
        self.fit(self.max_lanes)
        self.refresh()

    def fit(self, max_lanes: int | None) -> None:
        """Draw at most ``max_lanes`` lanes (None: MAX_LANES), and take the rows they need."""
        self.max_lanes = max_lanes
        if self.timeline is None or self.crew is not None:
            return
        lanes = min(self.lanes_shown, len(self.timeline.lanes))
        more = 1 if len(self.timeline.lanes) > self.lanes_shown else 0
        height = max(1, lanes) + more + 2 + 2  # the axis, the legend, the border
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height

    def show_crew(self, samples: list[tuple[float, tuple[int, ...]]], t0: float, t1: float,
                  crew: int, title: str = "") -> None:
        """A crew too big for a lane each: a lane per state, bars for how many."""
        self.crew, self.timeline = (samples, t0, t1, crew), None
        self.partial, self.live = False, False
        self.border_title = f"Timeline · {title} · whole crew" if title else "Timeline"
        self.border_subtitle = ""
        self.remove_class("-empty")
        self.styles.height = len(sm.TIMELINE_STATES) + 1 + 2
        self.refresh()

    def _render_crew(self) -> Text:
        samples, t0, t1, crew = self.crew
        width = self.content_size.width or 40
        label_w = 8
        v = self.app.theme_variables
        colours = {CELL_WAITING: v["warning"], CELL_BREWING: v["accent"], CELL_DONE: v["success"],
                   CELL_FAILED: v["error"]}
        lanes = sm.aggregate(samples, t0, t1, crew, max(1, width - label_w))
        lines = [Text.assemble((f"{STATE_NAMES[s]:<{label_w}}", "bold"), (bars, colours[s]))
                 for s, bars in lanes.items()]
        end = f"{t1 - t0:.2f} s"
        lines.append(Text.assemble((" " * label_w + "0 s", "dim"),
                                   " " * max(0, width - label_w - 3 - len(end)), (end, "dim")))
        return Text("\n").join(lines)

    def clear(self) -> None:
        self.timeline, self.crew = None, None
        self.border_title, self.border_subtitle = "Timeline", ""
        self.refresh()

    def _colours(self) -> dict[str, str]:
        v = self.app.theme_variables
        return {tl.ON_CORE: v["accent"], tl.GIL_WAIT: v["error"], tl.CORE_WAIT: v["secondary"],
                tl.IO_WAIT: v["primary"], tl.IDLE: ""}

    def _lane(self, b: int, cells: list[tl.Cell], colours: dict[str, str]) -> Text:
        line = Text(f"B{b:<{LABEL_W - 2}} ", style="bold")
        on_core = colours[tl.ON_CORE]
        for c in cells:
            glyph = c.glyph
            back = colours.get(c.rest, "") if c.rest in (tl.GIL_WAIT, tl.CORE_WAIT) else ""
            if glyph == tl.SHARE_GLYPHS[-1] or (c.share is None and glyph == tl.GLYPHS[tl.BREWING]):
                line.append(" ", style=f"on {on_core}")  # a full core: a solid cell in any font
            elif glyph in tl.SHARE_GLYPHS:
                line.append(glyph, style=f"{on_core} on {back}" if back else on_core)
            elif glyph == tl.REST_GLYPHS[tl.IO_WAIT]:
                line.append(glyph, style=colours[tl.IO_WAIT])
            else:  # off a core all cell long: the background says why
                line.append(" " if not back else "·", style=f"on {back}" if back else "")
        share = tl.mean_share(self.timeline, b)
        line.append(f" {share:4.2f}" if share is not None else " " * SHARE_W, style="bold")
        return line

    def render(self) -> Text:
        if self.crew is not None:
            return self._render_crew()
        t = self.timeline
        if t is None:
            return Text("")
        width = self.content_size.width or 40
        n = max(1, width - LABEL_W - SHARE_W)
        colours = self._colours()
        lines: list[Text] = []
        lanes = tl.cells(t, n) if t.lanes else {}
        shown = self.lanes_shown
        for b, cells in list(lanes.items())[:shown]:
            lines.append(self._lane(b, cells, colours))
        if len(lanes) > shown:
            lines.append(Text(f"… {len(lanes) - shown} more baristas", style="dim"))
        if not lanes:
            lines.append(Text("no barista events in this run", style="dim"))
        end = f"{t.duration:.2f} s"
        lines.append(Text.assemble((" " * LABEL_W + "0 s", "dim"),
                                   " " * max(0, n - 4 - len(end)), (end, "dim"),
                                   (" share".rjust(SHARE_W + 1), "dim")))
        wide = width >= 46
        legend = Text.assemble(("▂▄█", colours[tl.ON_CORE]),
                               " share of a core  waits: " if wide else " core share ",
                               (" ", f"on {colours[tl.GIL_WAIT]}"), " GIL ",
                               (" ", f"on {colours[tl.CORE_WAIT]}"), " core ",
                               ("░", colours[tl.IO_WAIT]), f" {self.waits}")
        if self.partial:
            legend.append("  (first events only)", style=f"bold {self.app.theme_variables['warning']}")
        lines.append(legend)
        return Text("\n").join(lines)
