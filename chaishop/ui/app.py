"""The front of house: a Textual app that shows the kitchen at work.  It never brews.

    keys / command palette ──▶ ShopApp.action_* ──▶ kitchen.run(spec) / cancel() / knock_out()
                                                          │ (a separate process, see core.kitchen)
    every 40 ms: kitchen.poll() ──▶ _drain ──┬─ RunStarted  ──▶ panes reset, stopwatch starts
                                             ├─ Event       ──▶ BaristaPane.apply (state only)
                                             ├─ RunFinished ──▶ stopwatch verdict, scoreboard row
                                             └─ KitchenReady / Note / KitchenGone ──▶ header, toasts
                 then, once per pane that changed: BaristaPane.flush(lines) (one write_lines)
    10 Hz, only while a run is on: stopwatch.tick(clock())
    3 Hz: cpu_source() ──▶ CpuMeter.push

Everything the app depends on is injected (kitchen, clock, CPU source, machine
facts), so tests can drive it with a scripted kitchen and fixed numbers.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing.resource_tracker
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from chaishop.cli import MAX_CREW
from chaishop.core import events as ev
from chaishop.core.cpu import SAMPLE_EVERY_S, CpuSampler
from chaishop.core.crews import interpreters_available
from chaishop.core.gil import GilReading
from chaishop.core.kitchen import KitchenGone, KitchenReady, Note
from chaishop.core.machine import Machine, describe
from chaishop.ui.barista_pane import BaristaPane
from chaishop.ui.cpu_meter import CpuMeter
from chaishop.ui.caption import CaptionBar
from chaishop.ui.explain import ExplainScreen
from chaishop.ui.gil_gauge import GilGauge
from chaishop.ui.export import export_scoreboard, save_svg
from chaishop.ui.header import ShopHeader
from chaishop.ui.scoreboard import Scoreboard
from chaishop.ui.stopwatch import StopwatchPanel
from chaishop.ui.timeline_view import TimelineView

# How often the kitchen's messages are drained and the panes redrawn: lively
# enough for progress bars, and each tick carries a batch.  Every redraw is CPU
# taken from process baristas on a 2-core machine: at 25 Hz the app used 16 %
# of a core during a processes run, at 10 Hz 9 % (measured with psutil).
DRAIN_EVERY_S = 0.1
STOPWATCH_EVERY_S = 0.1  # 10 Hz digits, only while a run is on
# Below this the layout cannot be read; a message is shown instead.
MIN_W, MIN_H = 60, 18
# Below this height the timeline is hidden: the scoreboard needs the rows more.
TIMELINE_MIN_H = 34
# Events kept for the shown run's timeline; past it the timeline shows the first ones.
MAX_RUN_EVENTS = 50_000
# Below this width the side column narrows and the scoreboard drops columns.
WIDE_W = 120
SIDE_W_WIDE, SIDE_W_NARROW = 66, 38
# A pane needs this much room to show a title, a status, a bar and a few log lines.
PANE_MIN_W, PANE_MIN_H = 40, 8

MODE_NOTES = {
    "sequential": "one barista serves every order, one after another",
    "threads": "one process, one GIL: brewing takes turns, waiting overlaps",
    "processes": "a process each, a GIL each: brewing runs in parallel",
    "asyncio": "one thread, one event loop: tasks switch only at an await",
    "interpreters": "one process, an interpreter each, a GIL each: brewing runs in parallel",
}
MODE_KEYS = {"s": "sequential", "t": "threads", "p": "processes", "a": "asyncio",
             "i": "interpreters"}  # i: Python 3.12+ only; elsewhere it says why
RECIPE_KEYS = {"b": "brew", "o": "orders", "m": "mixed"}


class KitchenLike(Protocol):
    def run(self, spec: ev.RunSpec) -> object: ...
    def cancel(self) -> object: ...
    def knock_out(self, barista: int | None = None) -> object: ...
    def poll(self) -> list[object]: ...
    def close(self) -> None: ...


@dataclass
class ShopConfig:
    mode: str = "threads"
    recipe: str = "brew"
    baristas: int = 2
    orders: int | None = None  # None: two per barista
    size: int = 0  # brew iterations per order; 0: the kitchen's calibrated size
    order_s: float = 1.0  # the wait of an I/O order
    order_timeout: float | None = None  # an order taking longer fails its barista
    screenshot_dir: str = "screenshots"
    autostart: bool = True  # start a run as soon as the kitchen is ready
    cpu_every_s: float = SAMPLE_EVERY_S  # 0: no timer (tests push samples themselves)
    latency_log: str | None = None  # file to log key handling times to
    handle_signals: bool = False  # SIGTERM/SIGHUP exit the app (the real program only)
    screenshot: str | None = None  # save an SVG here: after the tour, or after screenshot_after s
    screenshot_after: float = 0.0
    tour: tuple = ()  # chaishop.tour steps to play hands-free (chaishop demo)
    speed: float = 1.0  # the tour's pauses are divided by this
    exit_after_tour: bool = True

    @classmethod
    def from_args(cls, args, **kw) -> "ShopConfig":
        return cls(mode=args.mode, recipe=args.recipe, baristas=args.baristas, orders=args.orders,
                   size=args.size or 0, order_s=args.order_seconds,
                   order_timeout=getattr(args, "order_timeout", None),
                   screenshot_dir=args.screenshot_dir, **kw)


def panes_for(mode: str, crew: int) -> int:
    """Sequential is one barista however big the crew (the crew sets the orders)."""
    return 1 if mode == "sequential" else crew


class LatencyLog:
    """Key handling times for tests/perf/ui_latency.py: when handled, when painted."""

    def __init__(self, path: str | None, clock: Callable[[], float]):
        self.file = open(path, "a", buffering=1) if path else None
        self.clock = clock

    def mark(self, app: App, what: str) -> None:
        if self.file is None:
            return
        self.file.write(f"{what} handled {time.perf_counter():.6f}\n")
        app.call_after_refresh(lambda: self.file and self.file.write(
            f"{what} painted {time.perf_counter():.6f}\n"))

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class ShopApp(App[int]):
    CSS_PATH = "shop.tcss"
    TITLE = "chaishop"
    BINDINGS = [
        *(Binding(k, f"mode('{m}')", m, key_display=k) for k, m in MODE_KEYS.items()),
        *(Binding(k, f"recipe('{r}')", r, key_display=k) for k, r in RECIPE_KEYS.items()),
        Binding("plus", "crew(1)", "crew +1", key_display="+"),
        Binding("equals_sign", "crew(1)", "crew +1", show=False),
        Binding("minus", "crew(-1)", "crew -1", key_display="-"),
        Binding("space", "again", "again", key_display="␣"),
        Binding("escape", "stop", "stop", key_display="esc"),
        Binding("k", "knock", "knock out"),
        Binding("S", "shot", "SVG", key_display="S"),
        Binding("e", "export", "export"),
        Binding("question_mark", "explain", "explain", key_display="?"),
        Binding("q", "quit", "quit"),
        Binding("ctrl+q", "quit", "quit", show=False, priority=True),
        Binding("ctrl+c", "quit", "quit", show=False, priority=True),
    ]

    def __init__(self, config: ShopConfig, kitchen: KitchenLike,
                 clock: Callable[[], float] = time.perf_counter,
                 cpu_source: Callable[[], list[float]] | None = None,
                 machine: Machine | None = None) -> None:
        super().__init__()
        self.config = config
        self.kitchen = kitchen
        self.clock = clock
        self.cpu_source = cpu_source or CpuSampler().sample
        self.fixed_machine = machine
        self.machine: Machine | None = machine or describe()
        self.mode, self.recipe, self.crew = config.mode, config.recipe, config.baristas
        self.ready: KitchenReady | None = None
        self.kitchen_gone = False
        self.run_id = 0  # the latest run asked for
        self.shown_run: int | None = None  # the run the panes show
        self.running = False
        self.results: list[ev.RunResult] = []
        self.latency = LatencyLog(config.latency_log, clock)
        self._kitchen_closed = False
        self.header = ShopHeader(id="header")
        self.grid = ScrollableContainer(id="baristas")
        self.panes = [BaristaPane(n) for n in range(1, MAX_CREW + 1)]
        self.pane_count = 0
        self.narrow = False
        self.stopwatch = StopwatchPanel(id="stopwatch")
        self.cpu = CpuMeter(id="cpu")
        self.gil = GilGauge(id="gil")
        self.timeline = TimelineView(id="timeline")
        self.run_events: list[ev.Event] = []  # the shown run's, for the timeline
        self.run_t0 = 0.0
        self.scoreboard = Scoreboard(id="scoreboard")
        self.too_small = Static("", id="too-small")
        self.caption = CaptionBar("", id="caption")

    # -- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.caption
        with Horizontal(id="main"):
            with self.grid:
                yield from self.panes
            with Vertical(id="side"):
                yield self.stopwatch
                yield self.cpu
                yield self.gil
                yield self.timeline
                yield self.scoreboard
        yield self.too_small
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(DRAIN_EVERY_S, self._drain)
        self._ticker = self.set_interval(STOPWATCH_EVERY_S, self._tick, pause=True)
        if self.config.cpu_every_s > 0:
            self.set_interval(self.config.cpu_every_s, self.sample_cpu)
        if self.config.tour:
            from chaishop.ui.tour_player import play_tour

            self.run_worker(play_tour(self, self.config.tour, self.config.speed), group="tour")
        elif self.config.screenshot:
            self.set_timer(self.config.screenshot_after, self.action_shot_to)
        self.install_screen(ExplainScreen(), "explain")  # composed once, reused on every ?
        self.show_panes(panes_for(self.mode, self.crew))
        self.stopwatch.waiting("the kitchen is warming up (calibrating one order)…")
        self._update_header()
        already = getattr(self.kitchen, "ready", None)  # a caller may have waited for it
        if isinstance(already, KitchenReady):
            self._kitchen_ready(already)
        if self.config.handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(sig, self.exit, None, 128 + sig)

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        screen = self.screen if not isinstance(self.screen, ExplainScreen) else self.screen_stack[0]
        small = width < MIN_W or height < MIN_H
        screen.set_class(height < TIMELINE_MIN_H, "-short")
        screen.set_class(small, "-too-small")
        if small:
            self.too_small.update(f"chaishop needs at least {MIN_W}×{MIN_H}.\n"
                                  f"This terminal is {width}×{height}.\n"
                                  "Enlarge it or use a smaller font.\n\nq quits")
        narrow = width < WIDE_W
        screen.set_class(narrow, "-narrow")
        if narrow != self.narrow:
            self.narrow = narrow
            self._update_header()
        side = SIDE_W_NARROW if narrow else SIDE_W_WIDE
        grid_w = max(1, width - side - 2)
        grid_h = max(1, height - 4)  # header, footer, the grid's border
        n = max(1, self.pane_count)
        cols = max(1, min(n, grid_w // PANE_MIN_W, 2 if n <= 4 else 3))
        rows = math.ceil(n / cols)
        row_h = max(PANE_MIN_H, grid_h // rows)
        self.grid.styles.grid_size_columns = cols
        self.grid.styles.grid_rows = str(row_h)
        fit = max(1, grid_h // row_h) * cols
        self.grid.border_subtitle = (f"showing {fit} of {n}: scroll, or enlarge the terminal"
                                     if fit < n else "")

    def show_panes(self, n: int, state: str = "idle") -> None:
        """Show panes 1..n (reset), hide the rest.  Panes are made once, never remounted."""
        self.pane_count = n
        for p in self.panes:
            p.display = p.number <= n
            if p.number <= n:
                p.reset(state=state)
        self.grid.border_title = f"Baristas · {self.mode}: {MODE_NOTES[self.mode]}"
        self._layout(*self.size)

    def _update_header(self) -> None:
        status = ("kitchen stopped: quit and restart chaishop" if self.kitchen_gone else
                  "" if self.ready else "kitchen warming up…")
        self.header.show(self.mode, self.recipe, self.crew, self.orders, self.machine, status,
                         compact=self.narrow)

    @property
    def orders(self) -> int:
        return self.config.orders or 2 * self.crew

    # -- the kitchen's messages ----------------------------------------------

    def _drain(self) -> None:
        msgs = self.kitchen.poll()
        if not msgs:
            return
        lines: dict[int, list[str]] = {}
        for m in msgs:
            if isinstance(m, ev.Event):
                if m.run != self.shown_run or not 1 <= m.barista <= self.pane_count:
                    continue
                if len(self.run_events) < MAX_RUN_EVENTS:
                    self.run_events.append(m)
                line = self.panes[m.barista - 1].apply(m)
                lines.setdefault(m.barista, [])
                if line:
                    lines[m.barista].append(line)
                if m.kind == ev.DONE:
                    self.stopwatch.served_one()
            elif isinstance(m, ev.RunStarted):
                lines.clear()  # the panes start afresh
                self._run_started(m)
            elif isinstance(m, ev.RunFinished):
                self._run_finished(m.result)
            elif isinstance(m, GilReading):
                self.gil.show(m, self.running)
            elif isinstance(m, KitchenReady):
                self._kitchen_ready(m)
            elif isinstance(m, Note):
                self.notify(m.text, severity=m.level if m.level in ("warning", "error") else "information")
            elif isinstance(m, KitchenGone):
                self.kitchen_gone, self.running = True, False
                self._ticker.pause()
                self.notify(f"the kitchen stopped unexpectedly (exit code {m.exitcode})",
                            severity="error", timeout=30)
                self._update_header()
        for b, batch in lines.items():
            self.panes[b - 1].flush(batch)

    def _kitchen_ready(self, m: KitchenReady) -> None:
        self.ready = m
        if self.fixed_machine is None:
            self.machine = m.machine
        self._update_header()
        self.stopwatch.waiting("ready: press t, p, a or s to start a run")
        if self.config.autostart and self.run_id == 0:
            self.start_run()

    def _run_started(self, m: ev.RunStarted) -> None:
        if m.spec.run != self.run_id:
            return  # superseded by a newer key press before it began
        self.shown_run = m.spec.run
        self.show_panes(panes_for(m.spec.mode, m.spec.baristas), state="starting")
        for p in self.panes[:self.pane_count]:
            p.t0 = m.t0
        self.run_events, self.run_t0 = [], m.t0
        self.running = True
        self.stopwatch.start(m.spec, m.t0, self.clock())
        self._ticker.resume()

    def _run_finished(self, r: ev.RunResult) -> None:
        if r.run != self.shown_run:
            return
        self.running = False
        self._ticker.pause()
        self.results.append(r)
        self.stopwatch.finish(r)
        self.scoreboard.add(r)
        self.timeline.show(self.run_events, self.run_t0, self.run_t0 + r.wall_s,
                           partial=len(self.run_events) >= MAX_RUN_EVENTS,
                           title=f"{r.mode} · {r.recipe}")

    def _tick(self) -> None:
        if self.running:
            self.stopwatch.tick(self.clock())

    def sample_cpu(self) -> None:
        self.cpu.push(self.cpu_source())

    # -- actions --------------------------------------------------------------

    def start_run(self) -> None:
        self.run_id += 1
        self.shown_run = None  # drop what is still in flight from the previous run
        self.running = False
        self._ticker.pause()
        spec = ev.RunSpec(self.mode, self.recipe, self.crew, self.orders, self.config.size,
                          self.config.order_s, run=self.run_id, timeout_s=self.config.order_timeout)
        self.kitchen.run(spec)
        self.show_panes(panes_for(self.mode, self.crew), state="idle")
        self.stopwatch.waiting(f"starting {self.mode} · {self.recipe} · crew {self.crew}…")
        self._update_header()

    def action_mode(self, mode: str) -> None:
        self.latency.mark(self, f"mode-{mode}")
        usable, why = interpreters_available()
        if mode == "interpreters" and not usable:
            self.notify(f"interpreters: {why}. Press ? to see how to try it.",
                        severity="warning", timeout=6)
            return
        self.mode = mode
        self.start_run()

    def action_recipe(self, recipe: str) -> None:
        self.latency.mark(self, f"recipe-{recipe}")
        self.recipe = recipe
        self.start_run()

    def action_crew(self, delta: int) -> None:
        self.latency.mark(self, "crew")
        new = max(1, min(MAX_CREW, self.crew + delta))
        if new == self.crew:
            self.notify(f"a crew has 1 to {MAX_CREW} baristas", severity="warning", timeout=2)
            return
        if self.running:
            self.kitchen.cancel()
        self.crew = new
        self.shown_run, self.running = None, False
        self._ticker.pause()
        self.show_panes(panes_for(self.mode, self.crew))
        self.stopwatch.waiting(f"crew of {new}: press space to run")
        self._update_header()

    def action_again(self) -> None:
        self.latency.mark(self, "again")
        self.start_run()

    def action_stop(self) -> None:
        self.latency.mark(self, "stop")
        if self.running:
            self.kitchen.cancel()
            self.stopwatch.waiting("stopping…")
        else:
            self.notify("nothing is running", timeout=2)

    def action_knock(self) -> None:
        self.latency.mark(self, "knock")
        self.kitchen.knock_out()

    def action_explain(self) -> None:
        self.latency.mark(self, "explain")
        self.push_screen("explain")

    def action_shot(self) -> None:
        self.latency.mark(self, "shot")
        folder = Path(self.config.screenshot_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            name, n = f"chaishop-{stamp}-{self.mode}.svg", 1
            while (folder / name).exists():
                n += 1
                name = f"chaishop-{stamp}-{self.mode}-{n}.svg"
            path = self.save_screenshot(filename=name, path=str(folder))
        except OSError as exc:
            self.notify(f"could not save a screenshot: {exc}", severity="error")
            return
        self.notify(f"saved {path}", title="Screenshot")

    def action_shot_to(self) -> None:
        """``--screenshot PATH --screenshot-after S``: one SVG at a chosen path."""
        try:
            self.notify(f"saved {save_svg(self, self.config.screenshot)}", title="Screenshot")
        except OSError as exc:
            self.notify(f"could not save a screenshot: {exc}", severity="error")

    def action_export(self) -> None:
        self.latency.mark(self, "export")
        start_method = self.ready.start_method if self.ready else "?"
        try:
            paths = export_scoreboard(self.results, self.machine, start_method,
                                      self.config.order_s, self.config.screenshot_dir)
        except ValueError as exc:
            self.notify(str(exc), severity="warning", timeout=3)
            return
        except OSError as exc:
            self.notify(f"could not export: {exc}", severity="error")
            return
        self.notify("\n".join(map(str, paths)), title="Scoreboard exported")

    async def action_quit(self) -> None:
        self.exit(0)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for k, m in MODE_KEYS.items():
            yield SystemCommand(f"Run {m}", f"({k}) {MODE_NOTES[m]}", lambda m=m: self.action_mode(m))
        for k, r in RECIPE_KEYS.items():
            yield SystemCommand(f"Recipe: {r}", f"({k}) switch recipe and run",
                                lambda r=r: self.action_recipe(r))
        yield SystemCommand("Bigger crew", "(+) one more barista", lambda: self.action_crew(1))
        yield SystemCommand("Smaller crew", "(-) one barista fewer", lambda: self.action_crew(-1))
        yield SystemCommand("Run again", "(space) the same run once more", self.action_again)
        yield SystemCommand("Stop the run", "(escape) cancel the run in progress", self.action_stop)
        yield SystemCommand("Knock out a barista", "(k) a random barista fails", self.action_knock)
        yield SystemCommand("Explain", "(?) concurrency, parallelism, the GIL", self.action_explain)
        yield SystemCommand("SVG screenshot", f"(S) into {self.config.screenshot_dir}/",
                            self.action_shot)
        yield SystemCommand("Export the scoreboard", f"(e) CSV, Markdown and JSON into "
                            f"{self.config.screenshot_dir}/", self.action_export)

    def close_kitchen(self) -> None:
        if not self._kitchen_closed:
            self._kitchen_closed = True
            self.kitchen.close()
            self.latency.close()

    def on_unmount(self) -> None:
        self.close_kitchen()


def run_app(args, tour: tuple = (), speed: float = 1.0, exit_after_tour: bool = True) -> int:
    """``chaishop`` (and ``chaishop demo``, with a tour): start the kitchen, then the app;
    always stop the kitchen.  ``speed`` divides the order duration and the tour's pauses."""
    import os

    from chaishop.core.kitchen import Kitchen

    config = ShopConfig.from_args(args, handle_signals=True,
                                  latency_log=os.environ.get("CHAISHOP_LATENCY_LOG") or None,
                                  screenshot=getattr(args, "screenshot", None),
                                  screenshot_after=getattr(args, "screenshot_after", None) or 0.0,
                                  tour=tuple(tour), speed=speed, exit_after_tour=exit_after_tour,
                                  autostart=not tour)
    config.order_s = args.order_seconds / speed
    # Before the app runs: under Textual sys.stderr.fileno() is -1, and the
    # resource tracker's first start would fail inside the running app.
    multiprocessing.resource_tracker.ensure_running()
    kitchen = Kitchen(order_s=config.order_s, size=args.size).start()
    app = ShopApp(config, kitchen)
    try:
        app.run()
    finally:
        app.close_kitchen()
    return app.return_code or 0
