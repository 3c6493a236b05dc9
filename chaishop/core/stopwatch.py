"""The stopwatch: turns one run's event stream into honest numbers.

Wall time runs from the moment the crew is asked to start until every barista
is gone (processes joined), like ``time.time()`` around ``start()``/``join()``
in a bare script.  CPU time is this process's CPU time over the run (it holds
thread, task and sequential baristas) plus, for process baristas, what each
process reported of its own CPU time.  Start-up is the time until the last
barista said it was ready.
"""

from __future__ import annotations

import time
from typing import Callable

from chaishop.core import events as ev


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
        self.orders_done = 0
        self.failed = 0

    def start(self) -> float:
        self.cpu0 = self.cpu_clock()
        self.t0 = self.clock()
        return self.t0

    def observe(self, e: ev.Event) -> None:
        if e.cpu_s is not None:
            self.barista_cpu[e.barista] = e.cpu_s
        if e.kind == ev.STARTED:
            self.ready[e.barista] = e.t
        elif e.kind == ev.DONE:
            self.orders_done += 1
        elif e.kind == ev.FAILED:
            self.failed += 1

    def stop(self, baristas: int, cancelled: bool) -> ev.RunResult:
        wall = self.clock() - self.t0
        cpu = self.cpu_clock() - self.cpu0
        if self.out_of_process:
            cpu += sum(self.barista_cpu.values())
        startup = (max(self.ready.values()) - self.t0) if len(self.ready) == baristas else wall
        s = self.spec
        return ev.RunResult(
            mode=s.mode, recipe=s.recipe, baristas=baristas, orders=s.orders, size=s.size,
            wall_s=wall, cpu_s=cpu, startup_s=min(max(0.0, startup), wall),
            orders_done=self.orders_done, failed=self.failed, cancelled=cancelled,
            barista_cpu_s=dict(self.barista_cpu), run=s.run)
