"""The GIL gauge: how long a thread of this process waits to run Python again.

    probe thread: sleep PROBE_SLEEP_S -> wake -> wait for the GIL -> note lateness
        -> samples (last WINDOW_S) --GilProbe.read()--> GilReading (picklable)
        --kitchen--> UI gauge

Sleeping releases the GIL; waking needs it back.  When baristas brew Python
code in threads of this process, the probe waits for one of them to drop the
GIL (up to ``sys.getswitchinterval()``, 5 ms by default, or longer when several
want it), so it wakes late.  Process and subinterpreter baristas do not hold
this interpreter's GIL, so the probe wakes on time.  Lateness also includes the
OS waking the thread late when every core is busy, which is small by
comparison (a woken thread is favoured by the scheduler).

``contention`` is the median lateness as a share of the switch interval,
clamped to 0..1: about 0 when the GIL is free, about 1 when the probe must
wait a whole switch interval every time it wants to run.
"""

from __future__ import annotations

import collections
import statistics
import sys
import threading
import time
from dataclasses import dataclass

# How long the probe sleeps between looks.  Every wake-up under contention
# forces a GIL hand-over away from a brewing thread: at 5 ms (200 looks a
# second) that cost a sequential brew 7 % here, over the 2 % budget; at 50 ms
# (20 looks a second, still a steady median over the window) it is within it
# (tests/perf/gil_probe_overhead.py measures it).
PROBE_SLEEP_S = 0.05
# The gauge shows the last second: steady enough to read, quick to react.
WINDOW_S = 1.0
# At most this many samples are kept (a window's worth with no lateness).
MAX_SAMPLES = int(WINDOW_S / PROBE_SLEEP_S) + 1


@dataclass(frozen=True)
class GilReading:
    """One look at the gauge: small and picklable, for the kitchen to send to the UI."""

    lateness_ms: float  # median lateness of the probe's wake-ups over the window
    lateness_p90_ms: float  # 90th percentile
    contention: float  # 0..1: median lateness / switch interval, clamped
    samples: int  # wake-ups in the window (0: no reading yet)
    t: float = 0.0  # when it was read (time.perf_counter(), the event clock)
    run: int = 0  # the run it belongs to, set by whoever sends it

    @property
    def empty(self) -> bool:
        return self.samples == 0


def summarize(lateness_s: list[float], switch_interval_s: float, t: float = 0.0) -> GilReading:
    """A reading from lateness samples in seconds (pure: easy to test)."""
    if not lateness_s:
        return GilReading(0.0, 0.0, 0.0, 0, t)
    ordered = sorted(lateness_s)
    median = statistics.median(ordered)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    contention = min(1.0, max(0.0, median / switch_interval_s)) if switch_interval_s > 0 else 0.0
    return GilReading(round(median * 1000, 3), round(p90 * 1000, 3), round(contention, 3),
                      len(ordered), t)


class GilProbe:
    """A daemon thread that measures how late it wakes; read() at any time."""

    def __init__(self, sleep_s: float = PROBE_SLEEP_S, window_s: float = WINDOW_S):
        self.sleep_s = sleep_s
        self.window_s = window_s
        self._samples: collections.deque[tuple[float, float]] = collections.deque(
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
        while not self._stop.is_set():
            t0 = clock()
            sleep(sleep_s)
            t1 = clock()  # the first bytecode after the sleep: the GIL is ours again
            note((t1, max(0.0, t1 - t0 - sleep_s)))

    def read(self) -> GilReading:
        now = time.perf_counter()
        since = now - self.window_s
        lateness = [late for t, late in list(self._samples) if t >= since]
        return summarize(lateness, sys.getswitchinterval(), now)

    def __enter__(self) -> "GilProbe":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
