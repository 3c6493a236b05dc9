"""The timeline: after a run, one strip per barista across the run's time.

    ShopApp keeps the shown run's Events (bounded) --RunFinished-->
        TimelineView.show(events, t0, t1) --core.timeline.build--> Timeline
        render() --core.timeline.render(cells)--> "█░ " strips at this width

Built once per run; drawn at whatever width the widget has (a resize only
re-renders the strips).  Hidden until the first run ends, and on short
terminals (the app sets Screen.-short; see shop.tcss).
"""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.widget import Widget

from chaishop.core import events as ev
from chaishop.core import timeline as tl

# Lanes drawn at most: a projector's side column has room for this many;
# a bigger crew gets a "+N more" line instead of squeezing the scoreboard out.
MAX_LANES = 8
LABEL_W = 4  # "B16 "


class TimelineView(Widget):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.timeline: tl.Timeline | None = None
        self.partial = False
        self.border_title = "Timeline"
        self.add_class("-empty")

    def show(self, events: Iterable[ev.Event], t0: float, t1: float, partial: bool = False,
             title: str = "") -> None:
        self.timeline = tl.build(events, t0, t1)
        self.partial = partial
        self.border_title = f"Timeline · {title}" if title else "Timeline"
        self.remove_class("-empty")
        lanes = min(MAX_LANES, len(self.timeline.lanes))
        more = 1 if len(self.timeline.lanes) > MAX_LANES else 0
        self.styles.height = max(1, lanes) + more + 2 + 2  # the axis, the legend, the border
        self.refresh()

    def render(self) -> Text:
        t = self.timeline
        if t is None:
            return Text("")
        width = self.content_size.width or 40
        cells = max(1, width - LABEL_W)
        v = self.app.theme_variables
        colours = {tl.BREWING: v["accent"], tl.WAITING: v["primary"], tl.IDLE: ""}
        lines: list[Text] = []
        strips = tl.render(t, cells) if t.lanes else {}
        brewing = tl.GLYPHS[tl.BREWING]
        for b, strip in list(strips.items())[:MAX_LANES]:
            line = Text(f"B{b:<{LABEL_W - 2}} ", style="bold")
            # █ is drawn as a coloured cell (like the CPU meter's bars): solid in any font;
            # ░ keeps its shape, so brewing and waiting differ without colour too.
            for ch in strip:
                line.append(" " if ch == brewing else ch,
                            style=f"on {colours[tl.BREWING]}" if ch == brewing else colours[tl.BREWING])
            lines.append(line)
        if len(strips) > MAX_LANES:
            lines.append(Text(f"… {len(strips) - MAX_LANES} more baristas", style="dim"))
        if not strips:
            lines.append(Text("no barista events in this run", style="dim"))
        end = f"{t.duration:.2f} s"
        lines.append(Text.assemble((" " * LABEL_W + "0 s", "dim"), " " * max(0, cells - 3 - len(end)),
                                   (end, "dim")))
        legend = Text.assemble((" ", f"on {colours[tl.BREWING]}"), " brewing  ",
                               (tl.GLYPHS[tl.WAITING], colours[tl.BREWING]), " waiting  ",
                               ("blank", "dim"), " idle")
        if self.partial:
            legend.append("  (first events only)", style=f"bold {v['warning']}")
        lines.append(legend)
        return Text("\n").join(lines)
