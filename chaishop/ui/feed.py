"""The feed: the kitchen's messages, each type mapped to what it updates on screen.

    every DRAIN_EVERY_S: kitchen.poll() ──▶ FeedMixin._drain ──▶ handlers[type(message)]
        Event        ──▶ BaristaPane.apply (state only; its log line is batched), timeline events
        RunStarted   ──▶ panes reset, stopwatch starts
        RunFinished  ──▶ stopwatch verdict, scoreboard row, timeline
        CrewSummary  ──▶ a rush hour's grid, served count, whole-crew timeline (ui/rush.py)
        GilReading   ──▶ GIL gauge
        LoopLag      ──▶ the GIL gauge's event-loop line (asyncio runs)
        KitchenReady ──▶ header, autostart
        Note         ──▶ a toast
        ClusterReady ──▶ the stopwatch's caption, a toast when the cluster was just started
        KitchenGone  ──▶ header, an error toast (an unsupervised kitchen: tests)
        KitchenDown, KitchenSilent, KitchenBack, RunLost ──▶ ui/supervision.py
    then, once per pane that changed: BaristaPane.flush(lines) (one Log.write_lines)

A new message type is one entry in ``handlers()``.  Messages of a type with
no handler are ignored.
"""

from __future__ import annotations

from typing import Callable

from chaishop.core.protocol import events as ev
from chaishop.ui import layout, lesson_notes
from chaishop.core.protocol.gauges import CrewSummary, GilReading, LoopLag
from chaishop.core.protocol.kitchen import KitchenGone, KitchenReady, Note
from chaishop.core.menu import MODE, RECIPE
from chaishop.ui.config import panes_for
from chaishop.core.measure.speedup import speedups

# How often the kitchen's messages are drained and the panes redrawn: lively
# enough for progress bars, and each tick carries a batch.  Every redraw is CPU
# taken from process baristas on a 2-core machine: at 25 Hz the app used 16 %
# of a core during a processes run, at 10 Hz 9 % (measured with psutil).
DRAIN_EVERY_S = 0.1
# A warm Dask cluster answers in milliseconds; one that took longer was started or
# grown for this run, which deserves a word.
CLUSTER_NEWS_S = 0.5


class FeedMixin:
    """ShopApp's half that listens to the kitchen (see the module docstring)."""

    def handlers(self) -> dict[type, Callable[[object], None]]:
        return {
            ev.Event: self._on_event,
            ev.RunStarted: self._run_started,
            ev.RunFinished: lambda m: self._run_finished(m.result),
            GilReading: lambda m: self.gil.show(m, self.run_state.running),
            CrewSummary: self._on_summary,
            LoopLag: lambda m: self.live_timeline.lag(m),
            KitchenReady: self._kitchen_ready,
            Note: lambda m: self.notify(
                m.text, severity=m.level if m.level in ("warning", "error") else "information"),
            KitchenGone: self._kitchen_gone,
            ev.ClusterReady: self._cluster_ready,
            **self.supervision_handlers(),
        }

    def _drain(self) -> bool:
        """Hand the kitchen's messages to their handlers; True if there were any."""
        msgs = self.kitchen.poll()
        if self.kitchen_status():
            self._update_header()  # the seconds of silence, a restart under way
        if not msgs:
            return False
        table = self._handlers
        self._lines = {}
        for m in msgs:
            handler = table.get(type(m))
            if handler is not None:
                handler(m)
        for b, batch in self._lines.items():
            self.panes[b - 1].flush(batch)
        return True

    def _on_event(self, m: ev.Event) -> None:
        if not self.run_state.is_shown(m.run) or not 1 <= m.barista <= self.pane_count:
            return
        self.run_state.observe(m)
        self.lesson.observe(m)
        pane = self.panes[m.barista - 1]
        line = pane.apply(m)
        if said := self.lesson.pane_word(m):  # a lesson's word in the log ("waits for fork 2")
            line = pane.word_line(m, said)
        self.live_timeline.event(m)
        batch = self._lines.setdefault(m.barista, [])
        if line:
            batch.append(line)

    def _kitchen_ready(self, m: KitchenReady) -> None:
        self.ready = m
        if self.fixed_machine is None:
            self.machine = m.machine
        self._machine_known()
        self._update_header()
        run = self.run_state
        if run.lost_reason and not run.running:
            self.stopwatch.waiting(f"run failed: {run.lost_reason} · a fresh kitchen is "
                                   "ready: press space to run again")
        else:
            self.stopwatch.waiting("ready: press t, p, a or s to start a run")
        if self.config.autostart and run.asked == 0:
            self.start_when_visible()

    def _cluster_ready(self, m: ev.ClusterReady) -> None:
        self.stopwatch.cluster = m
        if m.startup_s >= CLUSTER_NEWS_S:  # started (or grown) for this run: say so once
            how = "started" if m.started_here else "connected to"
            self.notify(f"Dask: {how} {m.scheduler} with {len(m.workers)} workers in "
                        f"{m.startup_s:.1f} s; kept warm, never counted in a run",
                        timeout=8)

    def _kitchen_gone(self, m: KitchenGone) -> None:
        self.run_state.gone()
        self.notify(f"the kitchen stopped unexpectedly (exit code {m.exitcode})",
                    severity="error", timeout=30)
        self._update_header()

    def _run_started(self, m: ev.RunStarted) -> None:
        self._lines.clear()  # the panes start afresh
        if not self.run_state.started(m.spec.run, m.t0):
            return  # superseded by a newer key press before it began
        self.show_panes(panes_for(m.spec.mode, m.spec.baristas), state="starting")
        for p in self.panes[:self.pane_count]:
            p.t0, p.counts = m.t0, self.run_state.served
            p.cpu_word = RECIPE[m.spec.recipe].cpu_word
        self.crew_samples = []
        self.stopwatch.start(m.spec, m.t0, self.clock(), self.run_state.served)
        self.lesson.gil_enabled = getattr(self.machine, "gil_enabled", True)
        self.lesson.start(m.spec)
        self.gil.solo = MODE[m.spec.mode].one_barista
        self.calm.start(m.spec.mode, m.spec.recipe, m.spec.baristas,
                        getattr(self.machine, "cores", 1))
        self.screen_stack[0].set_class(not self.lesson.has_class("-off"), "-lesson")
        self._layout(*self.size)  # a lesson panel takes rows: what gives way says so
        self.live_timeline.run_started(m)
        if m.spec.baseline:
            self.grid_titles = ("Baristas · baseline: one barista serves every order, timed "
                                "for the speed-ups", "baseline: one barista, timed for the speed-ups",
                                "Baristas · baseline")
            self.grid.border_title = layout.fit_title(self.size.width, *self.grid_titles)

    def _run_finished(self, r: ev.RunResult) -> None:
        if not self.run_state.finished(r.run):
            return
        earlier = list(self.results)
        self.results.append(r)
        self.stopwatch.finish(r, lesson_notes.stopwatch_line(r, earlier), calm=self.calm.on)
        self.lesson.finish(r, earlier)
        self.scoreboard.add(r)
        self.speedup.show(r, speedups(self.results)[-1])
        self.live_timeline.run_finished(r)  # the final timeline
        after_baseline = self.baseline.after(r)  # the run a baseline was timed for
        self._rush_finished(r)  # a rush hour's timeline draws the whole crew instead
        if after_baseline is None:  # the C key's scaling curve: its next crew
            after_baseline = self.curve_finished(r)
        if after_baseline is not None:
            self.start_run(after_baseline)
        else:  # no run follows at once (its start would share the core with the sweep)
            self.pace.after_run()  # the garbage of the run, swept (ui/pace.py)
