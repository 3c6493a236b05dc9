"""The live timeline: what the front of house measures for itself while a run is on.

    RunStarted ──▶ LiveTimeline.run_started: lanes reset; a RunningTimeline from t0; drawn empty
    Event      ──▶ LiveTimeline.event: one step of the running timeline (core.measure.
                   running_timeline); STARTED names a barista's pid/tid ──▶ LaneSampler.watch
    every lane_every_s (ShopConfig) while a run is on ──▶ tick: LaneSampler.sample (schedstat of each
                  barista thread, read here: no GIL of the kitchen is in the way)
    every LIVE_EVERY_S while a run is on ──▶ TimelineView.show_timeline(live=True)
    RunFinished ──▶ run_finished: the final timeline, built once from the run's kept events
    LoopLag    ──▶ the GIL gauge's event-loop line (asyncio runs)

The run's state (which run is shown, whether it is on, its events) is the app's RunState.
"""

from __future__ import annotations

from chaishop.core.measure import lanes as lanes_mod
from chaishop.core.measure import timeline as tl
from chaishop.core.measure.running_timeline import RunningTimeline
from chaishop.core.menu import MODE, RECIPE
from chaishop.core.protocol import events as ev
from chaishop.core.protocol.gauges import LoopLag
from chaishop.ui.calm import EVERY
from chaishop.ui.timeline_view import METHOD_EVENTS, METHOD_SAMPLER

# The live timeline is redrawn this often (from the running timeline: no rebuild).
LIVE_EVERY_S = 0.3
# Samples kept per barista: ~8 minutes at 20 a second.
MAX_SAMPLES = 10_000


class LiveTimeline:
    def __init__(self, app, sample_lanes: bool = True) -> None:
        self.app = app  # read: app.run_state, app.clock; drawn: app.timeline, app.gil
        self.sample_lanes = sample_lanes and lanes_mod.HAVE_SCHEDSTAT
        self.lanes = lanes_mod.LaneSampler()
        self.spec: ev.RunSpec | None = None
        self.running: RunningTimeline | None = None
        self._since_live = 0.0

    def run_started(self, m: ev.RunStarted) -> None:
        self.spec = m.spec
        self.running = RunningTimeline(m.t0)
        self.lanes.reset()
        self.app.gil.show_lag(None)
        self._since_live = 0.0
        self.show(self.running.at(m.t0), live=True, sampled=False)

    def event(self, e: ev.Event) -> None:
        """One event of the shown run (the app's RunState kept it already)."""
        if self.running is not None and self.running.events < self.app.run_state.max_events:
            self.running.add(e)  # past the cap, like the kept events, the first ones only
        if (e.kind == ev.STARTED and self.sample_lanes and self.spec is not None
                and not MODE[self.spec.mode].event_loop):  # tasks share one thread: no lane each
            self.lanes.watch(e.barista, e.pid, e.tid)

    def lag(self, m: LoopLag) -> None:
        run = self.app.run_state
        if run.is_shown(m.run) and run.running:
            self.app.gil.show_lag(m)

    def tick(self, dt: float) -> None:
        """Called every ShopConfig.lane_every_s: sample the lanes; redraw the live timeline now and then."""
        if not self.app.run_state.running:
            return
        calm = self.app.calm  # a CPU-bound run fills the cores: sample and redraw less
        if calm.skip("lanes"):
            return
        if self.lanes.watched:
            self.lanes.sample()
            for series in self.lanes.series.values():
                del series[:-MAX_SAMPLES]
        self._since_live += dt * (EVERY["lanes"] if calm.on else 1)
        if self._since_live >= LIVE_EVERY_S * (EVERY["live"] if calm.on else 1) \
                and self.running is not None:
            self._since_live = 0.0
            samples = self._samples()
            self.show(self.running.at(self.app.clock(), samples), live=True, sampled=bool(samples))

    def run_finished(self, r: ev.RunResult) -> None:
        """The final timeline: built once from every kept event of the run."""
        run, samples = self.app.run_state, self._samples()
        self.show(tl.build(run.events, run.t0, run.t0 + r.wall_s, samples=samples), live=False,
                  sampled=bool(samples))

    def _samples(self) -> dict:
        return {b: list(s) for b, s in self.lanes.series.items() if len(s) >= 2}

    def show(self, timeline: tl.Timeline, live: bool, sampled: bool) -> None:
        spec = self.spec
        if spec is None:
            return
        title = f"{spec.mode} · {spec.recipe}" + (" · baseline" if spec.baseline else "")
        self.app.timeline.show_timeline(timeline, title=title, live=live,
                                        partial=self.app.run_state.partial,
                                        method=METHOD_SAMPLER if sampled else METHOD_EVENTS,
                                        waits=RECIPE[spec.recipe].waits)
