"""The scoreboard: one row per finished run, speed-ups, and a bar chart of wall times.

    RunFinished.result --add()--> rows --render() at the widget's width--> table

Speed-up compares a run with the latest *complete* sequential run of the
same recipe, orders and order size: the honest baseline.  Cancelled,
failed or short runs are shown, marked, and never used as a baseline.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from chaishop.core import events as ev

# Wider than this, the table shows every column; narrower, only the essentials.
FULL_WIDTH = 50
BAR = "█"
PARTS = " ▏▎▍▌▋▊▉"  # eighths, for smooth bar ends
NO_VALUE = "–"


def baseline_key(r: ev.RunResult) -> tuple:
    return (r.recipe, r.orders, r.size)


def speedups(results: list[ev.RunResult]) -> list[float | None]:
    """Speed-up of each run against the latest complete sequential run before or after it."""
    base: dict[tuple, float] = {}
    for r in results:
        if r.mode == "sequential" and r.complete and r.wall_s > 0:
            base[baseline_key(r)] = r.wall_s
    out = []
    for r in results:
        b = base.get(baseline_key(r))
        out.append(b / r.wall_s if b and r.complete and r.wall_s > 0 else None)
    return out


def hbar(value: float, top: float, width: int) -> str:
    if top <= 0 or width <= 0:
        return ""
    eighths = round(value / top * width * 8)
    return (BAR * (eighths // 8) + (PARTS[eighths % 8] if eighths % 8 else "")).ljust(width)


def mark(r: ev.RunResult) -> str:
    if r.cancelled:
        return "stopped"
    if r.failed:
        return "failed"  # how many, and why: on the panes
    if r.orders_done < r.orders:
        return "short"
    return ""


class Scoreboard(Widget):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.results: list[ev.RunResult] = []
        self.border_title = "Scoreboard"

    def add(self, r: ev.RunResult) -> None:
        self.results.append(r)
        self.refresh()

    def render(self) -> Group | Text:
        if not self.results:
            return Text("Finished runs appear here.\nRun s (sequential) first: it is\n"
                        "the baseline for every speed-up.", style="dim")
        width = self.content_size.width or 60
        full = width >= FULL_WIDTH
        # Each run takes a table row and a chart row; two lines of headings.
        fits = max(1, ((self.content_size.height or 12) - 3) // 2)
        ups = speedups(self.results)
        first = max(0, len(self.results) - fits)
        rows = list(enumerate(zip(self.results, ups), 1))[first:]
        v = self.app.theme_variables
        t = Table(box=None, pad_edge=False, padding=(0, 1), expand=True, header_style="bold")
        # Numbers never shrink (min_width = their heading); a long mode note is cut instead.
        def number(heading: str) -> None:
            t.add_column(heading, justify="right", no_wrap=True, min_width=len(heading))

        if full:
            t.add_column("#", justify="right", style="dim", no_wrap=True, min_width=2)
        t.add_column("mode", no_wrap=True, overflow="ellipsis")
        if full:
            t.add_column("recipe", no_wrap=True, min_width=6)
            number("crew")
        number("wall s")
        if full:
            number("CPU s")
        number("par")
        number("speed-up" if full else "×")
        for n, (r, up) in rows:
            note = mark(r)
            mode = Text(r.mode, style="dim" if note else "")
            if note:
                mode.append(f" {note}" if full else "*", style=f"italic {v['warning']}")
            up_text = (Text(NO_VALUE, style="dim") if up is None else
                       Text(f"{up:4.2f}×", style="bold " + (v["success"] if up >= 1.25 else
                                                           v["error"] if up < 0.9 else "")))
            cells: list = [str(n), mode, r.recipe, str(r.baristas)] if full else [mode]
            cells.append(f"{r.wall_s:6.2f}")
            if full:
                cells.append(f"{r.cpu_s:6.2f}")
            cells += [f"{r.parallelism:4.2f}", up_text]
            t.add_row(*cells, style="dim" if note else "")
        return Group(t, Text(""), self._chart(rows, width, full))

    def _chart(self, rows, width: int, full: bool) -> Text:
        """Wall time of each run as a bar: shorter is faster."""
        label_w = 14 if full else 3
        bar_w = max(4, width - label_w - 9)
        top = max(r.wall_s for _, (r, _) in rows)
        v = self.app.theme_variables
        chart = Text("wall time, shorter is faster\n", style="bold")
        for n, (r, _) in rows:
            label = f"{n:>2} {r.mode:<10}" if full else f"{n:>2}"
            chart.append(label.ljust(label_w), style="dim")
            chart.append(hbar(r.wall_s, top, bar_w), style="dim" if mark(r) else v["primary"])
            chart.append(f" {r.wall_s:6.2f}s\n")
        chart.rstrip()
        return chart
