"""How often the front of house wakes (full pace in a run, slowly between runs), and when it
sweeps its garbage.

    ShopApp.on_mount ──▶ Pace.start(): the drain, CPU-meter and lane timers, at full pace
    a run asked for (actions.start_run) ──▶ Pace.hurry(): full pace at once, and a drain now
    each drain (ShopApp._tick) ──▶ Pace.after_drain(got): back to full pace when the kitchen
        speaks or a run is on; the slow pace once nothing has run, been awaited or been
        heard for QUIET_S
    the first frame drawn (ShopApp._kitchen_start) ──▶ Pace.sweep_now()
    a run's end, no run following at once (feed) ──▶ Pace.after_run(): a sweep once its
        last frame is drawn

Full pace: the kitchen's messages every DRAIN_EVERY_S, the CPU meter every cpu_every_s,
the lanes every lane_every_s.  Between runs: messages every IDLE_DRAIN_EVERY_S, the meter
every IDLE_CPU_EVERY_S, no lane sampling (no lane moves).  An idle shop woke about 33
times a second for nothing (drain 10, lanes 20, meter 3) and used 1.4 % of a core.
The drain and meter timers each have a slow twin with the same callback (one of the two
runs at a time); the lane timer pauses.

Sweeping: once the first frame is drawn, and when a run ends with none following at once
(not between a baseline and its run, or a curve's crews; at most every SWEEP_EVERY_S),
sweep() collects all cyclic garbage and freezes what survives (gc.freeze): the ~70,000
objects of Textual, Rich, psutil and the shop's modules and widgets, and what earlier
runs left on screen.  Unfrozen, they sat in the oldest generation, and each full
collection in a run walked them all: a pause of 40-70 ms about once a second while 4
threads brewed, behind most of the key presses that took over 60 ms (issue 21;
tests/perf/ui_latency.py prints the pauses).  Frozen, those collections take 3-14 ms.
Nothing stays frozen for good: each sweep first unfreezes, so the cycles that died since
the last one are collected then (what reference counting frees goes at once, frozen or
not), and the app unfreezes everything when it ends.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from textual.timer import Timer

# Between runs the kitchen sends next to nothing (a note, its GIL probe's last reading);
# half a second is soon enough for a toast, and for a kitchen that died to be named.
IDLE_DRAIN_EVERY_S = 0.5
# Between runs the CPU meter still shows the machine (another program's load): once a
# second.  Each sample is the load since the previous one, so a slower sample is exact.
IDLE_CPU_EVERY_S = 1.0
# Full pace lasts this long after the last message or run: a run's end is followed by
# its GIL probe's last readings, a baseline by its run, a tour's step by the next.
QUIET_S = 1.5
# A sweep walks every object (40-70 ms here): after a run, but not after each of a
# quick series (a scaling curve's crews, keys pressed in a row, a test's short runs).
SWEEP_EVERY_S = 10.0


def sweep() -> None:
    """Collect every generation now and freeze what survives (see the module docstring)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Pace:
    """The app's timers and which of their two paces is on (see the module docstring)."""

    def __init__(self, app, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.fast = True
        self.heard = clock()  # the last message, run or key that asked for full pace
        self._timers: list[tuple[Timer, Timer | None]] = []  # (full pace, slow) pairs
        self.swept = clock()  # the last sweep, or the app's start (a young app need not sweep)

    def start(self, drain: Callable[[], None], drain_every: float, cpu: Callable[[], None] | None,
              cpu_every: float, lanes: Callable[[], None] | None, lane_every: float) -> None:
        app = self.app
        self._pair(drain, drain_every, IDLE_DRAIN_EVERY_S)
        if cpu is not None:
            self._pair(cpu, cpu_every, max(cpu_every, IDLE_CPU_EVERY_S))
        if lanes is not None:
            self._timers.append((app.set_interval(lane_every, lanes), None))

    def _pair(self, callback: Callable[[], None], every: float, idle_every: float) -> None:
        slow = self.app.set_interval(idle_every, callback, pause=True)
        self._timers.append((self.app.set_interval(every, callback), slow))

    def sweep_now(self) -> None:
        """Sweep (see the module docstring): the first frame is drawn, or a run has ended."""
        self.swept = self.clock()
        sweep()

    def end(self) -> None:
        """The app has ended: every frozen object goes back to the collector."""
        gc.unfreeze()

    def after_run(self) -> None:
        """A run has ended: sweep once its last frame is drawn, unless one was recent."""
        if self.clock() - self.swept >= SWEEP_EVERY_S:
            self.swept = self.clock()
            self.app.call_after_refresh(self.sweep_now)

    @property
    def busy(self) -> bool:
        app = self.app
        state = app.run_state
        return bool(state.running or state.awaiting or state.pending_start or app.ready is None
                    or app.kitchen_status())

    def hurry(self) -> None:
        """Full pace now: a run was asked for (its first messages come soon)."""
        self.heard = self.clock()
        if not self.fast:
            self._switch(True)

    def after_drain(self, got: bool) -> None:
        """After a drain: ``got`` says whether the kitchen sent anything."""
        if got or self.busy:
            self.hurry()
        elif self.fast and self.clock() - self.heard >= QUIET_S:
            self._switch(False)

    def _switch(self, fast: bool) -> None:
        self.fast = fast
        for full, slow in self._timers:
            if fast:
                if slow is not None:
                    slow.pause()
                full.resume()  # a tick due while paused comes at once
            else:
                full.pause()
                if slow is not None:
                    slow.resume()
