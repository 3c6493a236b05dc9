"""Per-core CPU load from psutil, sampled at a fixed interval."""

from __future__ import annotations

import psutil

# 3 samples a second: lively enough to watch, cheap enough to leave on.
SAMPLE_EVERY_S = 0.33


def _busy_and_total(t) -> tuple[float, float]:
    total = sum(t)
    idle = t.idle + getattr(t, "iowait", 0.0)
    return total - idle, total


class CpuSampler:
    """Call :meth:`sample` every ``SAMPLE_EVERY_S``; it returns per-core percentages.

    Load is measured between two readings of the per-core CPU times, so a
    reading with nothing before it would be meaningless: the sampler takes its
    first reading when it is created and only ever reports differences.  Each
    sampler keeps its own previous reading, unlike ``psutil.cpu_percent``'s
    module-wide one, so two samplers never disturb each other.
    """

    def __init__(self) -> None:
        self._last = [_busy_and_total(t) for t in psutil.cpu_times(percpu=True)]

    def sample(self) -> list[float]:
        now = [_busy_and_total(t) for t in psutil.cpu_times(percpu=True)]
        out = []
        for (b0, t0), (b1, t1) in zip(self._last, now):
            dt = t1 - t0
            out.append(0.0 if dt <= 0 else max(0.0, min(100.0, 100.0 * (b1 - b0) / dt)))
        self._last = now
        return out
