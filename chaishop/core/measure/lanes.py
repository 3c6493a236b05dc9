"""Per-barista lanes from the OS scheduler: time on a core, time waiting for one.

    /proc/PID/task/TID/schedstat  ("on-cpu-ns run-delay-ns timeslices", Linux)
        --read_schedstat(pid, tid)--> Counters(cpu_s, core_wait_s)  cumulative
    LaneSampler.watch(barista, pid, tid); sample() every SAMPLE_EVERY_S
        --> per barista [(t, cpu_s, core_wait_s)] for core.measure.timeline.cells() (samples=)

The counters are the kernel's own, kept per thread, so they can be read from
any process that may read /proc (the front of house reads the kitchen's
baristas: no GIL of the kitchen is in the way).  A thread that holds a
brewing order and is neither on a core nor waiting for one is asleep: on a
build with the GIL, waiting for the GIL.  Off Linux, psutil's per-thread CPU
times (10 ms ticks, no run delay) are the fallback: ``METHOD`` says which.

Measured here from a parent process on 2 GIL-bound threads: shares 0.50
each, sd 0.03 per 50 ms window; psutil's thread times step in 10 ms ticks
(sd 0.08).  One read costs ~3 µs.
"""

from __future__ import annotations

import os
import time
from typing import NamedTuple

# 20 looks a second: a steady share per 50 ms window for ~0.7 % of a core.
SAMPLE_EVERY_S = 0.05
_NS = 1e-9
HAVE_SCHEDSTAT = os.path.exists("/proc/thread-self/schedstat")
METHOD = ("schedstat: time on a core and waiting for one, per thread, 50 ms" if HAVE_SCHEDSTAT
          else "psutil per-thread CPU times (10 ms ticks, no waiting for a core): coarser")


class Counters(NamedTuple):
    cpu_s: float  # time on a core so far
    core_wait_s: float | None  # runnable but waiting for a core so far (None: not known)


def parse_schedstat(text: str) -> Counters:
    on_cpu, run_delay, *_ = text.split()
    return Counters(int(on_cpu) * _NS, int(run_delay) * _NS)


def read_schedstat(pid: int, tid: int) -> Counters | None:
    """One thread's cumulative counters, or None (gone, or not Linux)."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat", "rb") as f:
            return parse_schedstat(f.read().decode())
    except (OSError, ValueError):
        return None


class SelfCounters:
    """The calling thread's own counters, cheaply, again and again (a barista's clock).

    Only the thread that created it may read it: /proc/thread-self is per thread.
    """

    def __init__(self) -> None:
        self._f = None
        if HAVE_SCHEDSTAT:
            try:
                self._f = open(f"/proc/self/task/{_native_id()}/schedstat", "rb", buffering=0)
            except OSError:
                self._f = None

    def core_wait_s(self) -> float | None:
        f = self._f
        if f is None:
            return None
        try:
            f.seek(0)
            return parse_schedstat(f.read().decode()).core_wait_s
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None


def _native_id() -> int:
    import threading

    return threading.get_native_id()


def _psutil_counters(pid: int, tid: int) -> Counters | None:
    try:
        import psutil

        for th in psutil.Process(pid).threads():
            if th.id == tid:
                return Counters(th.user_time + th.system_time, None)
    except Exception:  # noqa: BLE001 - gone, or not allowed: no reading
        return None
    return None


def read(pid: int, tid: int) -> Counters | None:
    return read_schedstat(pid, tid) if HAVE_SCHEDSTAT else _psutil_counters(pid, tid)


class LaneSampler:
    """Samples the watched baristas' counters; keeps each barista's series."""

    def __init__(self, clock=time.perf_counter) -> None:
        self.clock = clock
        self.watched: dict[int, tuple[int, int]] = {}
        self.series: dict[int, list[tuple[float, float, float | None]]] = {}

    def reset(self) -> None:
        self.watched.clear()
        self.series = {}

    def watch(self, barista: int, pid: int, tid: int) -> None:
        if pid and tid:
            self.watched[barista] = (pid, tid)
            self.series.setdefault(barista, [])

    def sample(self) -> None:
        t = self.clock()
        for b, (pid, tid) in list(self.watched.items()):
            c = read(pid, tid)
            if c is None:
                del self.watched[b]  # gone: its series stays
                continue
            self.series[b].append((t, c.cpu_s, c.core_wait_s))
