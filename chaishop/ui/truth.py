"""What the front of house measures for itself, and the baseline it runs unasked.

    RunStarted ──▶ Truth.run_started: lanes reset; live timeline cleared and titled
    Event      ──▶ Truth.event: STARTED names a barista's pid/tid ──▶ LaneSampler.watch
    every LANE_EVERY_S while a run is on ──▶ LaneSampler.sample (schedstat of each
                  barista thread, read here: no GIL of the kitchen is in the way)
    every LIVE_EVERY_S while a run is on ──▶ TimelineView.show(live=True)
    RunFinished ──▶ Truth.run_finished: the final timeline; after a baseline, the run
                  that was asked for
    LoopLag    ──▶ the GIL gauge's event-loop line (asyncio runs)

Speed-ups without asking: the first run of a recipe and order size in a session
that is not sequential is preceded by a sequential run of the same orders,
marked *baseline* on the stopwatch and the scoreboard.  Nothing is estimated:
the baseline is a real run in the same kitchen, minutes, not months, earlier.
"""

from __future__ import annotations

import dataclasses

from chaishop.core.protocol import events as ev
from chaishop.core.menu import HASH_STEPS, MODE, RECIPE
from chaishop.core.measure import lanes as lanes_mod
from chaishop.core.protocol.gauges import LoopLag
from chaishop.core.engine.rush import summarised
from chaishop.core.measure.speedup import SEQUENTIAL, baseline_key, timed
from chaishop.ui.timeline_view import METHOD_EVENTS, METHOD_SAMPLER

LANE_EVERY_S = lanes_mod.SAMPLE_EVERY_S  # 20 looks a second: ~0.7 % of a core
# The live timeline is rebuilt this often (it re-reads every event of the run).
LIVE_EVERY_S = 0.3
# Samples kept per barista: ~8 minutes at 20 a second.
MAX_SAMPLES = 10_000


class Truth:
    def __init__(self, app, sample_lanes: bool = True, auto_baseline: bool = False) -> None:
        self.app = app
        self.sample_lanes = sample_lanes and lanes_mod.HAVE_SCHEDSTAT
        self.auto_baseline = auto_baseline
        self.lanes = lanes_mod.LaneSampler()
        self.pending: ev.RunSpec | None = None  # the run to start once its baseline is done
        self.spec: ev.RunSpec | None = None
        self._since_live = 0.0

    # -- the baseline ------------------------------------------------------------

    def has_baseline(self, spec: ev.RunSpec) -> bool:
        size = self.expected_size(spec)
        return any(MODE[r.mode].baseline and timed(r) and
                   baseline_key(r) == (spec.recipe, spec.orders, size)
                   for r in self.app.results)

    def expected_size(self, spec: ev.RunSpec) -> int:
        if spec.size:
            return spec.size
        ready = self.app.ready
        if ready is None:
            return 0
        hashes = RECIPE[spec.recipe].sizing == HASH_STEPS  # grind: calibrated on its own
        return ready.grind_size if hashes and ready.grind_size else ready.size

    def plan(self, spec: ev.RunSpec) -> ev.RunSpec:
        """The spec to send now: ``spec``, or its sequential baseline first."""
        self.pending = None
        if not self.auto_baseline or MODE[spec.mode].baseline or self.has_baseline(spec):
            return spec
        if summarised(spec.baristas):  # a rush hour: thousands of orders one after another
            return spec  # would take hours; its lesson is start-up and memory, not speed-up
        self.pending = spec
        return dataclasses.replace(spec, mode=SEQUENTIAL, baseline=True)

    # -- a run on screen ------------------------------------------------------------

    def run_started(self, m: ev.RunStarted) -> None:
        self.spec = m.spec
        self.lanes.reset()
        self.app.gil.show_lag(None)
        self._since_live = 0.0
        self.show_timeline(m.t0, m.t0, live=True)

    def event(self, e: ev.Event) -> None:
        if (e.kind == ev.STARTED and self.sample_lanes and self.spec is not None
                and not MODE[self.spec.mode].event_loop):  # tasks share one thread: no lane each
            self.lanes.watch(e.barista, e.pid, e.tid)

    def lag(self, m: LoopLag) -> None:
        if m.run == self.app.shown_run and self.app.running:
            self.app.gil.show_lag(m)

    def tick(self, dt: float) -> None:
        """Called every LANE_EVERY_S: sample the lanes; redraw the live timeline now and then."""
        if not self.app.running:
            return
        if self.lanes.watched:
            self.lanes.sample()
            for series in self.lanes.series.values():
                del series[:-MAX_SAMPLES]
        self._since_live += dt
        if self._since_live >= LIVE_EVERY_S:
            self._since_live = 0.0
            t0 = self.app.run_t0
            self.show_timeline(t0, max(t0, self.app.clock()), live=True)

    def run_finished(self, r: ev.RunResult) -> ev.RunSpec | None:
        """Draw the final timeline; return the run to start next (after a baseline)."""
        t0 = self.app.run_t0
        self.show_timeline(t0, t0 + r.wall_s, live=False, result=r)
        nxt, self.pending = self.pending, None
        if nxt is not None and r.baseline and r.complete:
            return nxt
        return None

    def show_timeline(self, t0: float, t1: float, live: bool,
                      result: ev.RunResult | None = None) -> None:
        spec = self.spec
        if spec is None:
            return
        samples = {b: list(s) for b, s in self.lanes.series.items() if len(s) >= 2}
        title = f"{spec.mode} · {spec.recipe}" + (" · baseline" if spec.baseline else "")
        app = self.app
        app.timeline.show(app.run_events, t0, t1, title=title, live=live,
                          partial=len(app.run_events) >= app.max_run_events,
                          samples=samples or None,
                          method=METHOD_SAMPLER if samples else METHOD_EVENTS)
