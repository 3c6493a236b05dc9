"""The forks recipe in the engine: the mode's table, the wait-for graph, and the run's end.

    prepare (inside the stopwatch)  make_table(mode, N, fix) --crew.shared--> baristas (forks.py)
    observe(every event)            Event.word --WaitFor.feed--> a cycle? --> deadlocked at t
                                    a Timer: GRACE_S later, if the cycle still stands, crew.cancel()
    settle(result)                  ForksResult: deadlocked, deadlock_after_s, the cycle, waits

A deadlocked thread cannot be killed in-process, and the shop does not need to: every barista
blocked on a fork looks for a cancel every ``forks.SLICE_S`` (threads, processes, tasks
alike), so ``crew.cancel()`` ends them all, releasing their forks on the way out; processes are
then joined as after any run.  The deadlock itself is never broken by the shop: it ends only
because the run does.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from chaishop.core.menu import MODE
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import forks
from chaishop.core.workloads.forks_result import GRACE_S, ForksResult
from chaishop.core.workloads.lesson_kind import LessonRun
from chaishop.core.workloads.waitfor import Cycle, WaitFor, canonical


NONE_SHARED = "none shared: a table each"  # subinterpreters, Dask workers (shared is None)


def table_kind(mode: str) -> str:
    """Whose locks a mode's baristas share: the lesson's words and ForksResult.locks."""
    m = MODE[mode]
    if m.in_process:
        return "asyncio.Lock" if m.event_loop else "threading.Lock"
    if m.shared_memory:
        return "multiprocessing.Lock"
    return NONE_SHARED


def make_table(mode: str, count: int, fix: str) -> forks.Table | None:
    """``count`` forks (at least 2) of the mode's own locks; None where nothing is shared."""
    m = MODE[mode]
    n = max(2, count)
    if m.in_process and m.event_loop:
        import asyncio  # its locks bind to the crew's loop at their first wait, not here

        lock, semaphore = asyncio.Lock, asyncio.Semaphore
    elif m.in_process:
        lock, semaphore = threading.Lock, threading.Semaphore
    elif m.shared_memory:
        from chaishop.core.kitchen import mp

        ctx = mp.context()
        lock, semaphore = ctx.Lock, ctx.Semaphore
    else:
        return None
    seats = semaphore(n - 1) if fix == forks.WAITER else None
    return forks.Table([lock() for _ in range(n)], fix, seats)


@dataclass
class ForksRun(LessonRun):
    """One run's graph and its end (the lesson registry's LessonRun for forks)."""

    spec: ev.RunSpec
    crew: object
    orders: list
    shared: forks.Table | None
    t0: float = field(default_factory=time.perf_counter)
    graph: WaitFor = field(default_factory=WaitFor)
    cycle: Cycle | None = None
    formed_t: float | None = None
    deadlocked: bool = False
    served: int = 0
    grace_s: float = GRACE_S
    _timer: threading.Timer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _old_timers: list = field(default_factory=list)

    def observe(self, e: ev.Event) -> None:
        with self._lock:
            if e.kind in ev.TERMINAL_KINDS:
                if self.cycle is not None and self.graph.still(self.cycle):
                    # A barista in a standing cycle can only leave by the run's end (esc, or
                    # this run's own cancel): the deadlock lasted until then.
                    self.deadlocked = True
                self.graph.gone(e.barista, e.t)
            elif e.kind == ev.DONE:
                self.served += 1
            found = self.graph.feed(e.barista, e.word, e.t) if e.word else None
            if found and self.cycle is None:
                self.cycle, self.formed_t = found, e.t
                self._timer = threading.Timer(self.grace_s, self._end)
                self._timer.daemon = True
                self._timer.start()
            elif self.cycle is not None and not self.deadlocked and not self.graph.still(self.cycle):
                self._disarm()  # events arrived out of order: the cycle was never all there

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._old_timers.append(self._timer)  # joined in close(), outside the lock
        self.cycle = self.formed_t = self._timer = None

    def _end(self) -> None:
        """GRACE_S after the cycle formed: it still stands (nothing moved), so end the run."""
        with self._lock:
            if self.cycle is None or not self.graph.still(self.cycle):
                return
            self.deadlocked = True
        self.crew.cancel()

    def settle(self, result: ev.RunResult) -> ev.RunResult:
        import dataclasses

        self.close()
        end = time.perf_counter()
        waits = self.graph.waits_at(end)
        after = None if not self.deadlocked or self.formed_t is None else self.formed_t - self.t0
        lesson = ForksResult(
            fix=self.spec.option("fix") or forks.NONE, locks=table_kind(self.spec.mode), deadlocked=self.deadlocked,
            deadlock_after_s=after, cycle=tuple(canonical(self.cycle)) if self.deadlocked and self.cycle else (),
            wait_s=tuple((b, waits.get(b, 0.0)) for b in range(1, result.baristas + 1)),
            retries=sum(self.graph.retries.values()), served=self.served, grace_s=self.grace_s)
        return dataclasses.replace(result, lesson=lesson)

    def close(self) -> None:
        for timer in [self._timer, *self._old_timers]:
            if timer is not None:
                timer.cancel()
                if timer is not threading.current_thread():
                    timer.join()
