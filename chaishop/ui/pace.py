"""How often the front of house wakes: at full pace while a run is on, slowly between runs.

    ShopApp.on_mount ──▶ Pace.start(): the drain, CPU-meter and lane timers, at full pace
    a run asked for (actions.start_run) ──▶ Pace.hurry(): full pace at once, and a drain now
    each drain (ShopApp._tick) ──▶ Pace.after_drain(got): back to full pace when the kitchen
        speaks or a run is on; the slow pace once nothing has run, been awaited or been
        heard for QUIET_S

Full pace: the kitchen's messages every DRAIN_EVERY_S, the CPU meter every cpu_every_s,
the lanes every lane_every_s.  Between runs: messages every IDLE_DRAIN_EVERY_S, the meter
every IDLE_CPU_EVERY_S, no lane sampling (no lane moves).  An idle shop woke about 33
times a second for nothing (drain 10, lanes 20, meter 3) and used 1.4 % of a core.
The drain and meter timers each have a slow twin with the same callback (one of the two
runs at a time); the lane timer pauses.
"""

from __future__ import annotations

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


class Pace:
    """The app's timers and which of their two paces is on (see the module docstring)."""

    def __init__(self, app, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.fast = True
        self.heard = clock()  # the last message, run or key that asked for full pace
        self._timers: list[tuple[Timer, Timer | None]] = []  # (full pace, slow) pairs

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
