"""The scoreboard: one row per finished run, speed-ups, and a bar chart of wall times.

    RunFinished.result --add()--> rows --render() at the widget's width--> table + notes + chart

Speed-ups follow the one rule in chaishop.core.measure.speedup (bench and exports use
it too): against the latest *complete* sequential run of the same recipe,
orders and order size.  Cancelled, failed or short runs are shown, marked,
and never used as a baseline.  A run the shop started by itself as the
baseline says so in its speed-up column; a noisy run says how much CPU others took; a speed-up that
cannot be true (above the cores) is marked "!" and explained below the table.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from chaishop.core.protocol import events as ev
from chaishop.core.measure import speedup as su

# Wider than this, the table shows every column; narrower, only the essentials.
FULL_WIDTH = 50
BAR = "█"
PARTS = " ▏▎▍▌▋▊▉"  # eighths, for smooth bar ends
UNFINISHED = "░"  # the bar of a run that did not finish: its wall time is not a result
NO_VALUE = "–"
MEMORY_W = 13  # " 12,345.6 KiB"


def hbar(value: float, top: float, width: int) -> str:
    if top <= 0 or width <= 0:
        return ""
    eighths = round(value / top * width * 8)
    return (BAR * (eighths // 8) + (PARTS[eighths % 8] if eighths % 8 else "")).ljust(width)


def mark(r: ev.RunResult) -> str:
    """Why a run is not an ordinary result ("" if it is one)."""
    if r.cancelled:
        return "stopped"
    if r.failed:
        return "failed"  # how many, and why: on the panes
    if r.orders_done < r.orders:
        return "short"
    return ""


def notes(r: ev.RunResult) -> list[str]:
    out = [m for m in (mark(r),) if m]
    if r.noisy:
        out.append("noisy")
    return out


class Scoreboard(Widget):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.results: list[ev.RunResult] = []
        self.cores = 1
        self.border_title = "Scoreboard"

    def add(self, r: ev.RunResult) -> None:
        self.results.append(r)
        self.refresh()

    def render(self) -> Group | Text:
        if not self.results:
            return Text("Finished runs appear here.\nThe first run of a recipe is timed\n"
                        "sequentially first: the baseline\nfor every speed-up.", style="dim")
        width = self.content_size.width or 60
        full = width >= FULL_WIDTH
        ups = su.speedups(self.results)
        flags = [su.impossible(up, r.recipe, r.baristas, self.cores)
                 for r, up in zip(self.results, ups)]
        # Each run takes a table row and a chart row; headings and notes take the rest.
        # Short of room, the chart goes first: the table's rows are the figures.
        height = self.content_size.height or 12
        noted = sum(1 for r, up, bad in zip(self.results, ups, flags) if r.noisy or bad)
        # Notes take rows only past the heading and three runs (baseline, threads, processes).
        notes_h = min(2, noted, max(0, height - 1 - min(3, len(self.results)))) if full else 0
        chart = 2 * len(self.results) + 4 + notes_h <= height
        fits = max(1, (height - 4 - notes_h) // 2 if chart else height - 1 - notes_h)
        first = max(0, len(self.results) - fits)
        rows = list(enumerate(zip(self.results, ups, flags), 1))[first:]
        v = self.app.theme_variables
        t = Table(box=None, pad_edge=False, padding=(0, 1), expand=False, header_style="bold")
        # Numbers never shrink: the mode column gets what is left, and its note is cut.
        numbers = ([("crew", 4), ("wall s", 6), ("CPU s", 6), ("par", 4), ("speed-up", 8)]
                   if full else [("wall s", 6), ("par", 4), ("×", 6)])
        fixed = (2 + 6 if full else 0) + sum(w for _, w in numbers)
        columns = len(numbers) + (3 if full else 1)
        mode_w = max(4, width - fixed - 2 * (columns - 1))  # padding (0, 1): 2 between columns
        if full:
            t.add_column("#", justify="right", style="dim", no_wrap=True, width=2)
        t.add_column("mode", no_wrap=True, overflow="ellipsis", width=mode_w)
        if full:
            t.add_column("recipe", no_wrap=True, width=6, overflow="ellipsis")
        for heading, w in numbers:
            t.add_column(heading, justify="right", no_wrap=True, width=w)
        said: list[Text] = []
        for n, (r, up, impossible) in rows:
            note = notes(r)
            odd = bool(mark(r))
            mode = Text(r.mode, style="dim" if odd else "")
            if note:  # the words if they fit, else a star (the notes below say why)
                words = " " + " ".join(note)
                fits = full and len(r.mode) + len(words) <= mode_w
                mode.append(words if fits else "*", style=f"italic {v['warning']}")
            mode.truncate(mode_w, overflow="ellipsis")
            if r.baseline and up is not None:  # the sequential run the shop timed by itself
                up_text = Text("baseline" if full else "base", style="dim")
            elif up is None:
                up_text = Text(NO_VALUE, style="dim")
            elif impossible:
                up_text = Text(f"{up:4.2f}!", style=f"bold {v['warning']}")
                said.append(Text(f"#{n} {su.why_impossible(up, r.recipe, r.baristas, self.cores)}",
                                 style=v["warning"]))
            else:
                up_text = Text(f"{up:4.2f}×", style="bold " + (v["success"] if up >= 1.25 else
                                                              v["error"] if up < 0.9 else ""))
            if r.noisy:
                said.append(Text(f"#{n} noisy: other programs used {r.other_cpu_cores:.2f} cores",
                                 style=v["warning"]))
            par = f"{r.parallelism:4.2f}" if r.wall_s >= su.MIN_WALL_S else NO_VALUE
            cells: list = [str(n), mode, r.recipe, str(r.baristas)] if full else [mode]
            cells.append(f"{r.wall_s:6.2f}")
            if full:
                cells.append(f"{r.cpu_s:6.2f}")
            cells += [par, up_text]
            t.add_row(*cells, style="dim" if odd else "")
        parts: list = [t]
        if said and notes_h:  # the latest notes; older ones scroll away
            parts.append(Text("\n").join(said[len(said) - notes_h:]))
        if chart or len(rows) * 2 + 4 + notes_h <= height:
            parts += [Text(""), self._chart(rows, width, full)]
        return Group(*parts)

    def _chart(self, rows, width: int, full: bool) -> Text:
        """Wall time of each run as a bar: shorter is faster (unfinished runs: hatched)."""
        label_w = 20 if full else 3
        # KiB of RSS per barista (derived, core.measure.memory), where runs measured it.
        memory = full and any(r.rss_per_barista_kib is not None for _, (r, _, _) in rows)
        bar_w = max(4, width - label_w - 9 - (MEMORY_W if memory else 0))
        top = max(r.wall_s for _, (r, _, _) in rows)
        v = self.app.theme_variables
        chart = Text("wall time, shorter is faster" + (" · memory per barista" if memory else "")
                     + "\n", style="bold")
        for n, (r, _, _) in rows:
            label = f"{n:>2} {r.mode:<10} {r.recipe}" if full else f"{n:>2}"
            chart.append(label[:label_w - 1].ljust(label_w), style="dim")
            odd = mark(r)
            if odd:
                bar = (UNFINISHED * round(r.wall_s / top * bar_w) + f" {odd}")[:bar_w].ljust(bar_w)
            else:
                bar = hbar(r.wall_s, top, bar_w)
            chart.append(bar, style="dim" if odd else v["primary"])
            chart.append(f" {r.wall_s:6.2f}s")
            if memory:
                kib = r.rss_per_barista_kib
                chart.append(f" {NO_VALUE:>{MEMORY_W - 5}}    " if kib is None else
                             f" {kib:>{MEMORY_W - 5},.1f} KiB", style="dim" if kib is None else "")
            chart.append("\n")
        chart.rstrip()
        return chart
