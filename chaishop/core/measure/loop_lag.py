"""Event-loop lag: asyncio's twin of the GIL gauge.

    the crew's event loop: call_later(EVERY_S, tick) -> tick runs late when a
        task holds the loop (a brewing coroutine never awaits) -> lateness samples
    LoopLagProbe.read() (any thread) --> LoopLag (core.protocol.gauges) --kitchen--> UI gauge

A callback scheduled every 50 ms should run every 50 ms; it runs only when
the task holding the loop awaits.  A task brewing a one-second order holds it
for the whole second: the probe is ~1 s late, and so is every other task.
"""

from __future__ import annotations

import collections
import statistics
import time

from chaishop.core.protocol.gauges import LoopLag

EVERY_S = 0.05  # like the GIL probe: 20 looks a second
WINDOW_S = 2.0  # a little longer than one order, so a blocked loop shows


def summarize(lateness_s: list[float], t: float = 0.0) -> LoopLag:
    if not lateness_s:
        return LoopLag(0.0, 0.0, 0, t)
    return LoopLag(round(statistics.median(lateness_s) * 1000, 3),
                   round(max(lateness_s) * 1000, 3), len(lateness_s), t)


class LoopLagProbe:
    """Attach to a running loop (from inside it); read() from any thread."""

    def __init__(self, every_s: float = EVERY_S, window_s: float = WINDOW_S) -> None:
        self.every_s = every_s
        self.window_s = window_s
        self._samples: collections.deque[tuple[float, float]] = collections.deque(maxlen=400)
        self._handle = None

    def attach(self, loop) -> "LoopLagProbe":
        due = time.perf_counter() + self.every_s

        def tick() -> None:
            nonlocal due
            now = time.perf_counter()
            self._samples.append((now, max(0.0, now - due)))
            due = now + self.every_s
            self._handle = loop.call_later(self.every_s, tick)

        self._handle = loop.call_later(self.every_s, tick)
        return self

    def detach(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def read(self) -> LoopLag:
        now = time.perf_counter()
        samples = [late for t, late in list(self._samples) if t >= now - self.window_s]
        # A loop blocked right now has no sample yet: its lateness so far counts too.
        last = self._samples[-1][0] if self._samples else None
        if last is not None and now - last > 2 * self.every_s and self._handle is not None:
            samples.append(now - last - self.every_s)
        return summarize(samples, now)

    def since(self, t0: float) -> LoopLag:
        """Every sample since ``t0`` (a run's start), summarised: a run's whole lag."""
        return summarize([late for t, late in list(self._samples) if t >= t0], time.perf_counter())
