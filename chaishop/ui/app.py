"""The front of house: a Textual app that shows the kitchen at work.  It never brews.

    keys / command palette ──▶ ActionsMixin (ui/actions.py) ──▶ kitchen.run(spec) / cancel() / knock_out()
                                                          │ (a separate process, see core.kitchen)
    every 100 ms (_tick): kitchen.poll() ──▶ FeedMixin._drain (ui/feed.py): each message type to
                          its handler, then one write_lines per pane that changed;
                          while a run is on, stopwatch.tick(clock()) in the same repaint
                          (every 300 ms while a CPU-bound run fills the cores: ui/calm.py)
    3 Hz while a run is on, 1 Hz between runs: cpu_source() ──▶ CpuMeter.push
    (between runs the drain slows to 2 Hz and the lanes rest: ui/pace.py)
    resize ──▶ layout.plan() (ui/layout.py) ──▶ screen classes, grid columns and rows

This file composes the widgets and wires the timers.  Everything the app depends
on is injected (kitchen, clock, CPU source, machine facts), so tests can drive it
with a scripted kitchen and fixed numbers.
"""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Callable

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.widgets import Static

from chaishop.core.protocol import events as ev
from chaishop.core.measure.cpu import CpuSampler
from chaishop.core.protocol.kitchen import KitchenReady
from chaishop.core.machine import Machine, describe
from chaishop.core.menu import mode_note
from chaishop.ui import layout
from chaishop.ui.actions import ActionsMixin, LatencyLog
from chaishop.ui.switch_keys import SwitchKeysMixin
from chaishop.ui.barista_pane import BaristaPane
from chaishop.ui.bindings import BINDINGS
from chaishop.ui.calm import Calm
from chaishop.ui.caption import CaptionBar
from chaishop.ui.config import KitchenLike, ShopConfig, panes_for
from chaishop.ui.cpu_meter import CpuMeter
from chaishop.ui.crew_grid import CrewGrid
from chaishop.ui.curve_actions import CurveMixin
from chaishop.ui.explain import ExplainScreen
from chaishop.ui.footer import ShopFooter
from chaishop.ui.feed import DRAIN_EVERY_S, FeedMixin
from chaishop.ui.gil_gauge import GilGauge
from chaishop.ui.header import ShopHeader
from chaishop.ui.lesson_panel import LessonPanel
from chaishop.ui.pace import Pace
from chaishop.ui.run_state import RunState
from chaishop.ui.rush import RushMixin, uses_grid
from chaishop.ui.scoreboard import Scoreboard
from chaishop.ui.speedup_view import SpeedupView
from chaishop.ui.stopwatch import StopwatchPanel
from chaishop.ui.supervision import ROOM_EVERY_S, SupervisionMixin
from chaishop.ui.themes import PROJECTOR, PROJECTOR_THEME, starting_theme
from chaishop.ui.timeline_view import TimelineView
from chaishop.ui.baseline import BaselinePlanner
from chaishop.ui.live_timeline import LiveTimeline

__all__ = ["ShopApp", "ShopConfig"]


class ShopApp(SwitchKeysMixin, SupervisionMixin, RushMixin, FeedMixin, ActionsMixin, CurveMixin,
              App[int]):
    CSS_PATH = ["shop.tcss", "screens.tcss"]  # the shop; the screens ? and c open
    TITLE = "chaishop"
    BINDINGS = BINDINGS  # ui/bindings.py: every key of the shop

    def __init__(self, config: ShopConfig, kitchen: KitchenLike,
                 clock: Callable[[], float] = time.perf_counter,
                 cpu_source: Callable[[], list[float]] | None = None,
                 machine: Machine | None = None,
                 start_kitchen: Callable[[], object] | None = None) -> None:
        theme = starting_theme(config.theme)  # before App.__init__ takes NO_COLOR away
        super().__init__()
        self.register_theme(PROJECTOR_THEME)
        self.theme = theme
        self.config = config
        self.kitchen = kitchen
        self.clock = clock
        self.cpu_source = cpu_source or CpuSampler().sample
        self.fixed_machine = machine
        self.machine: Machine | None = machine or describe()
        self.mode, self.recipe, self.crew = config.mode, config.recipe, config.baristas
        self.lock, self.share = config.lock, config.share  # the till and haul switches
        self.options: dict[str, str] = dict(config.options)  # the lessons' switches (by name)
        self.switch_ms = config.switch_ms  # the GIL's switch interval ([ and ]; None: default)
        self.ready: KitchenReady | None = None
        self.run_state = RunState()  # the run asked for, the run shown, whether it runs
        self.results: list[ev.RunResult] = []
        self.latency = LatencyLog(config.latency_log)
        self.pace = Pace(self)  # full pace in a run, slow between runs
        self._kitchen_closed = False
        self._start_kitchen = start_kitchen  # called once the first frame is drawn
        self._handlers = self.handlers()
        self._lines: dict[int, list[str]] = {}  # a drain's log lines, per barista
        self.header = ShopHeader(id="header")
        self.grid = ScrollableContainer(id="baristas")
        self.crew_grid = CrewGrid(id="crew-grid")  # a rush hour's, in place of the panes
        self.crew_samples: list[tuple[float, tuple[int, ...]]] = []  # its timeline
        # Panes are made when a crew first needs them, then kept (hidden when the crew
        # shrinks, never remounted): sixteen up front cost a third of the first frame.
        # A rush hour's crew gets the grid instead, and no pane.
        first = 0 if uses_grid(self.mode, self.crew) else panes_for(self.mode, self.crew)
        self.panes = [BaristaPane(n) for n in range(1, first + 1)]
        self.pane_count = 0
        self.narrow = False
        self.grid_titles: tuple[str, ...] = ("Baristas",)  # longest first (layout.fit_title)
        self.calm = Calm(config.calm, config.calm_nice)  # drawing less while a CPU-bound run fills the cores
        self.stopwatch = StopwatchPanel(id="stopwatch")
        self.lesson = LessonPanel(id="lesson")  # the till's count / the haul's moving time
        self.speedup = SpeedupView(id="speedup")  # projector theme only
        self.cpu = CpuMeter(id="cpu")
        self.gil = GilGauge(id="gil")
        self.timeline = TimelineView(id="timeline")
        self.live_timeline = LiveTimeline(self, sample_lanes=config.lane_every_s > 0)
        self.baseline = BaselinePlanner(self, auto=config.auto_baseline)
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
            yield self.crew_grid
            with Vertical(id="side"):
                yield self.stopwatch
                yield self.speedup
                yield self.lesson
                yield self.cpu
                yield self.gil
                yield self.timeline
                yield self.scoreboard
        yield self.too_small
        yield ShopFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.watch_theme(self.theme)
        lanes = self.config.lane_every_s  # > 0: the front of house's own look at the baristas
        self.pace.start(self._tick, DRAIN_EVERY_S,
                        self.sample_cpu if self.config.cpu_every_s > 0 else None, self.config.cpu_every_s,
                        (lambda: self.live_timeline.tick(lanes)) if lanes > 0 else None, lanes)
        self._machine_known()
        if self.config.tour:
            from chaishop.ui.tour_player import play_tour

            self.run_worker(play_tour(self, self.config.tour, self.config.speed), group="tour")
        elif self.config.screenshot:
            self.set_timer(self.config.screenshot_after, self.action_shot_to)
        self.install_screen(ExplainScreen(), "explain")  # composed once, reused on every ?
        self.show_panes(panes_for(self.mode, self.crew))
        self.stopwatch.waiting("the kitchen is warming up (calibrating one order)…")
        self._update_header()
        if self._start_kitchen is not None:
            self.call_after_refresh(self._kitchen_start)
        already = getattr(self.kitchen, "ready", None)  # a caller may have waited for it
        if isinstance(already, KitchenReady):
            self._kitchen_ready(already)
        if self.room is not None:
            self.set_interval(ROOM_EVERY_S, self._room_tick)
        if self.config.handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(sig, self._stop_signal, sig)

    def _kitchen_start(self) -> None:
        """Start the kitchen now that the shop is drawn: its start-up and calibration took
        CPU the first frame needed (on 2 cores, about 40 ms of it, measured)."""
        start, self._start_kitchen = self._start_kitchen, None
        try:
            start()
        except OSError as exc:  # no process could be started (limits, memory)
            self.exit_message = f"the kitchen could not start: {exc}"
            self.exit(None, 1)
            return
        self.pace.sweep_now()  # before the first run's collections (ui/pace.py)

    def watch_theme(self, theme: str) -> None:
        if self.screen_stack:
            self.screen_stack[0].set_class(theme == PROJECTOR, "-projector")

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        screen = self.screen if not isinstance(self.screen, ExplainScreen) else self.screen_stack[0]
        p = layout.plan(width, height, self.pane_count)
        screen.set_class(p.short, "-short")
        screen.set_class(p.small, "-too-small")
        if p.small:
            self.too_small.update(layout.too_small_text(width, height))
        elif self.run_state.pending_start:
            self.call_later(self.start_run)
        screen.set_class(p.narrow, "-narrow").set_class(p.tight, "-tight")
        self.timeline.fit(layout.COMPACT_LANES if p.tight else None)
        self.scoreboard.border_subtitle = layout.hidden_note(p, screen.has_class("-lesson"))
        self.lesson.brief(p.short)
        self.stopwatch.narrow = p.narrow
        if p.narrow != self.narrow:
            self.narrow = p.narrow
            self._update_header()
        self.grid.border_title = layout.fit_title(width, *self.grid_titles)
        self.grid.styles.grid_size_columns = p.cols
        self.grid.styles.grid_rows = str(p.row_h)
        n = max(1, self.pane_count)
        self.grid.border_subtitle = (f"showing {p.fit} of {n}: scroll, or enlarge the terminal"
                                     if p.fit < n else "")

    def show_panes(self, n: int, state: str = "idle") -> None:
        """Show panes 1..n (reset), hide the rest.  Panes are made once, never remounted."""
        if self.show_crew(n):
            n = 0  # a rush hour: the grid instead
        if n > len(self.panes):
            more = [BaristaPane(k) for k in range(len(self.panes) + 1, n + 1)]
            self.panes += more
            self.grid.mount_all(more)
        self.pane_count = n
        for p in self.panes:
            p.display = p.number <= n
            if p.number <= n:
                p.reset(state=state)
        m, short = self.mode, mode_note(self.mode, self.machine, short=True)
        self.grid_titles = (f"Baristas · {m}: {mode_note(m, self.machine)}",
                            f"Baristas · {m}: {short}", f"{m}: {short}", f"Baristas · {m}")
        self._layout(*self.size)

    def _machine_known(self) -> None:
        """What the gauges need to know of the machine: GIL on or off, how many cores."""
        if self.machine is not None:
            self.gil.gil_enabled = self.machine.gil_enabled
            self.scoreboard.cores = self.machine.cores

    def _update_header(self) -> None:
        alarm = self.kitchen_status()
        status = alarm or ("kitchen stopped: quit and restart chaishop" if self.run_state.kitchen_gone else
                           "kitchen warming up…" if not self.ready else self.room_note())
        # Sequential is one barista whatever the crew size (which sets the orders).
        self.header.show(self.mode, self.recipe, panes_for(self.mode, self.crew), self.orders,
                         self.machine, status, compact=self.narrow,
                         alarm=bool(alarm or self.run_state.kitchen_gone), switch_ms=self.switch_ms)

    @property
    def orders(self) -> int:
        # A rush hour: one order each (the point is many waits at once).
        return self.config.orders or (self.crew if uses_grid(self.mode, self.crew) else 2 * self.crew)

    def _tick(self) -> None:
        """One timer for the kitchen's messages and the stopwatch's digits: one repaint a tick."""
        if self.calm.on and not self.run_state.running:
            self.calm.stop()
        if self.calm.skip("tick"):
            return
        self.pace.after_drain(self._drain())
        if self.run_state.running:
            self.stopwatch.tick(self.clock())
            self.lesson.tick()

    def sample_cpu(self) -> None:
        if self.calm.skip("cpu"):
            return
        self.cpu.push(self.cpu_source())  # three times a second in a run, once between (ui/pace.py)

    def close_kitchen(self) -> None:
        self.calm.stop()
        if not self._kitchen_closed:
            self._kitchen_closed = True
            self.kitchen.close()
            self.latency.close()

    def on_unmount(self) -> None:
        self.close_kitchen()
        self.pace.end()
