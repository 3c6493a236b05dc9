"""The GIL gauge: how long a thread of this process waits to run Python again.

    probe thread: sleep PROBE_SLEEP_S -> wake -> wait for a core, wait for the GIL
        -> note lateness, and the part of it spent waiting for a core (its own
        schedstat run delay, Linux) -> samples (last WINDOW_S)
        --GilProbe.read()--> GilReading (core.protocol.gauges) --kitchen--> UI gauge

Sleeping releases the GIL; waking needs it back.  When baristas brew Python
code in threads of this process, the probe waits for one of them to drop the
GIL (up to ``sys.getswitchinterval()``, 5 ms by default, or longer when several
want it), so it wakes late.  Process and subinterpreter baristas do not hold
this interpreter's GIL, so the probe wakes on time.  Lateness also includes
waiting for a core when every core is busy (16 processes brewing on 2 cores
made the probe 0.4 switch intervals late with no thread wanting the GIL):
on Linux the probe's own schedstat run delay measures that part, and only the
rest counts as GIL contention.  Elsewhere the two cannot be told apart, and
``split`` says so.  On a free-threaded build there is no GIL: lateness is the
OS scheduler's alone.

``contention`` is the median GIL part of the lateness as a share of the switch
interval, clamped to 0..1: about 0 when the GIL is free, about 1 when the probe
must wait a whole switch interval every time it wants to run.
"""

from __future__ import annotations

import collections
import statistics
import sys
import threading
import time

from chaishop.core.measure.lanes import SelfCounters
from chaishop.core.protocol.gauges import GilReading

# How long the probe sleeps between looks.  Every wake-up under contention
# forces a GIL hand-over away from a brewing thread: at 5 ms (200 looks a
# second) that cost a sequential brew 7 % here, over the 2 % budget; at 50 ms
# (20 looks a second, still a steady median over the window) it is within it
# (tests/perf/gil_probe_overhead.py measures it).
PROBE_SLEEP_S = 0.05
# The gauge shows the last second: steady enough to read, quick to react.
WINDOW_S = 1.0


def summarize(lateness_s: list[float], switch_interval_s: float, t: float = 0.0,
              core_s: list[float] | None = None) -> GilReading:
    """A reading from lateness samples in seconds (pure: easy to test).

    ``core_s``: for each sample, the part of it spent waiting for a core; it is
    taken out, and only the rest counts as waiting for the GIL."""
    if not lateness_s:
        return GilReading(0.0, 0.0, 0.0, 0, t, split=core_s is not None)
    split = core_s is not None and len(core_s) == len(lateness_s)
    gil = [max(0.0, late - core) for late, core in zip(lateness_s, core_s)] if split else lateness_s
    ordered = sorted(gil)
    median = statistics.median(ordered)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    contention = min(1.0, max(0.0, median / switch_interval_s)) if switch_interval_s > 0 else 0.0
    core_ms = round(statistics.median(core_s) * 1000, 3) if split else 0.0
    return GilReading(round(median * 1000, 3), round(p90 * 1000, 3), round(contention, 3),
                      len(ordered), t, core_ms=core_ms, split=split)


class GilProbe:
    """A daemon thread that measures how late it wakes; read() at any time."""

    def __init__(self, sleep_s: float = PROBE_SLEEP_S, window_s: float = WINDOW_S):
        self.sleep_s = sleep_s
        self.window_s = window_s
        self._samples: collections.deque[tuple[float, float, float | None]] = collections.deque(
            maxlen=int(window_s / sleep_s) + 1)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "GilProbe":
        if self.running:
            return self
        self._stop.clear()
        self._samples.clear()
        self._thread = threading.Thread(target=self._loop, name="gil-probe", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
            self._thread = None

    def _loop(self) -> None:
        clock, sleep, note, sleep_s = time.perf_counter, time.sleep, self._samples.append, self.sleep_s
        counters = SelfCounters()
        waited = counters.core_wait_s
        try:
            while not self._stop.is_set():
                w0 = waited()
                t0 = clock()
                sleep(sleep_s)
                t1 = clock()  # the first bytecode after the sleep: the GIL is ours again
                w1 = waited()
                core = None if w0 is None or w1 is None else max(0.0, w1 - w0)
                note((t1, max(0.0, t1 - t0 - sleep_s), core))
        finally:
            counters.close()

    def read(self) -> GilReading:
        now = time.perf_counter()
        since = now - self.window_s
        window = [(late, core) for t, late, core in list(self._samples) if t >= since]
        core = [c for _, c in window]
        return summarize([late for late, _ in window], sys.getswitchinterval(), now,
                         core if window and all(c is not None for c in core) else None)

    def __enter__(self) -> "GilProbe":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
