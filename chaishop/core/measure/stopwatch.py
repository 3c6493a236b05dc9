"""The stopwatch: turns one run's event stream into honest numbers.

    Events --observe()--> per-barista tallies (busy, CPU, waits) and counts
    crew launch times + the noise meter --stop()--> RunResult

Wall time runs from the moment the crew is asked to start until every barista
is gone (processes joined), like ``time.time()`` around ``start()``/``join()``
in a bare script.  CPU time is this process's CPU time over the run (it holds
thread, task and sequential baristas) plus, for process baristas, what each
process reported of its own CPU time.  Start-up is the time until the last
barista said it was ready, in two parts: creating the workers, then waiting
for the last one to run its first line (a thread waits for the GIL there).

Per barista (``RunResult.per_barista``), over the stretches it held an order:
busy (wall), CPU (its own clock), waiting for a core (Linux schedstat), and
waiting for the GIL: the brewing stretches' time neither on a core nor
waiting for one.  Every figure is a difference of the barista's own
cumulative counters, read by the barista itself at each event, so the totals
are exact however few events there are.
"""

from __future__ import annotations

import time
from typing import Callable

from chaishop.core.protocol import events as ev
from chaishop.core.measure.served import Served
from chaishop.core.measure.timeline import CPU_BREWING_SHARE  # a stretch with no phase: brewing if above


class _Tally:
    """One barista's running sums over the stretches it held an order."""

    def __init__(self) -> None:
        self.busy = 0.0
        self.cpu: float | None = 0.0
        self.core_wait: float | None = 0.0
        self.gil_wait: float | None = 0.0
        self.holding = False
        self.phase = ""
        self.last: ev.Event | None = None

    def add(self, e: ev.Event) -> None:
        p = self.last
        if self.holding and p is not None and e.t >= p.t:
            dt = e.t - p.t
            self.busy += dt
            dcpu = _delta(p.cpu_s, e.cpu_s)
            dwait = _delta(p.core_wait_s, e.core_wait_s)
            self.cpu = None if dcpu is None or self.cpu is None else self.cpu + dcpu
            self.core_wait = None if dwait is None or self.core_wait is None else self.core_wait + dwait
            phase = e.phase if e.kind == ev.PROGRESS and e.phase else self.phase
            if not phase and dcpu is not None and dt > 0:
                phase = ev.PHASE_BREW if dcpu / dt >= CPU_BREWING_SHARE else ev.PHASE_WAIT
            if dcpu is None or dwait is None or self.gil_wait is None:
                self.gil_wait = None
            elif phase == ev.PHASE_BREW:
                self.gil_wait += max(0.0, dt - dcpu - dwait)
        if e.kind == ev.PROGRESS and e.phase:
            self.phase = e.phase
        if e.kind == ev.TAKEN:
            self.holding, self.phase = True, ""
        elif e.kind == ev.DONE or e.kind in ev.TERMINAL_KINDS:
            self.holding = False
        self.last = e

    def stats(self, barista: int, served: Served) -> ev.BaristaStats:
        return ev.BaristaStats(barista, self.cpu, self.busy, self.core_wait, self.gil_wait,
                               served.of(barista))


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else max(0.0, b - a)


def barista_stats(events) -> tuple[ev.BaristaStats, ...]:
    """Per-barista figures from one run's events (pure: for tests and tools)."""
    tallies: dict[int, _Tally] = {}
    served = Served()
    for e in sorted(events, key=lambda e: e.t):
        tallies.setdefault(e.barista, _Tally()).add(e)
        served.observe(e)
    return tuple(t.stats(b, served) for b, t in sorted(tallies.items()))


class Stopwatch:
    def __init__(self, spec: ev.RunSpec, out_of_process: bool,
                 clock: Callable[[], float] = ev.now,
                 cpu_clock: Callable[[], float] = time.process_time):
        self.spec = spec
        self.out_of_process = out_of_process
        self.clock = clock
        self.cpu_clock = cpu_clock
        self.t0 = 0.0
        self.cpu0 = 0.0
        self.ready: dict[int, float] = {}
        self.barista_cpu: dict[int, float] = {}
        self.tallies: dict[int, _Tally] = {}
        self.served = Served()  # the run's one count of orders served
        self.failed = 0

    def start(self) -> float:
        self.cpu0 = self.cpu_clock()
        self.t0 = self.clock()
        return self.t0

    def observe(self, e: ev.Event) -> None:
        if e.cpu_s is not None:
            self.barista_cpu[e.barista] = e.cpu_s
        self.tallies.setdefault(e.barista, _Tally()).add(e)
        self.served.observe(e)
        if e.kind == ev.STARTED:
            self.ready[e.barista] = e.t
        elif e.kind == ev.FAILED:
            self.failed += 1

    def cpu_s(self) -> float:
        """The run's CPU so far: this process, plus what process baristas reported."""
        cpu = self.cpu_clock() - self.cpu0
        if self.out_of_process:
            cpu += sum(self.barista_cpu.values())
        return cpu

    def stop(self, baristas: int, cancelled: bool,
             launched: dict[int, float] | None = None) -> ev.RunResult:
        wall = self.clock() - self.t0
        cpu = self.cpu_s()
        startup = (max(self.ready.values()) - self.t0) if len(self.ready) == baristas else wall
        startup = min(max(0.0, startup), wall)
        create = None
        if launched:
            create = min(startup, max(0.0, max(launched.values()) - self.t0))
        s = self.spec
        return ev.RunResult(
            mode=s.mode, recipe=s.recipe, baristas=baristas, orders=s.orders, size=s.size,
            wall_s=wall, cpu_s=cpu, startup_s=startup,
            orders_done=self.served.total, failed=self.failed, cancelled=cancelled,
            barista_cpu_s=dict(self.barista_cpu), run=s.run,
            per_barista=tuple(t.stats(b, self.served) for b, t in sorted(self.tallies.items())),
            create_s=create, baseline=s.baseline)
