"""What a barista says: its events, each stamped with the barista's own clocks.

    work (core.engine.work) --send / progress--> Reporter --emit(Event)--> crew

``Reporter`` rate-limits progress and stamps every event with the barista's CPU
clock and its wait for a core; ``TaskClock`` is that CPU clock for an asyncio
task (tasks of one loop share one thread).  Imported by every barista process
and subinterpreter: import-light.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable  # lighter than typing

from chaishop.core.protocol import events as ev
from chaishop.core.measure.lanes import SelfCounters

# A barista reports progress at most this often: enough for smooth bars and a
# timeline, rare enough to cost nothing next to the work.
PROGRESS_EVERY_S = 0.05

Emit = Callable[[ev.Event], None]


class Reporter:
    """Emits events for one barista, rate-limiting progress.

    Every event carries the barista's CPU clock and, on Linux, its thread's
    cumulative wait for a core (schedstat, ~3 µs a read): read here, at the
    barista's own moments, they add up exactly to its totals over a run
    (core.measure.stopwatch), which no sampler outside could give for a thread that
    ends between two looks.  In a rush hour progress is sent less often
    (``every_s``, see chaishop.core.engine.rush).
    """

    def __init__(self, emit: Emit, barista: int, who: str, cpu_clock: Callable[[], float] | None,
                 counters: SelfCounters | None = None, every_s: float = PROGRESS_EVERY_S):
        self.emit = emit
        self.every_s = max(PROGRESS_EVERY_S, every_s)
        self.barista = barista
        self.who = who
        self.cpu_clock = cpu_clock
        self.counters = counters
        self.last_progress = 0.0
        self.lesson: dict = {}  # till / haul figures carried by every event: cups, till, transfer_s

    def cpu(self) -> float | None:
        return self.cpu_clock() if self.cpu_clock else None

    def core_wait(self) -> float | None:
        return self.counters.core_wait_s() if self.counters is not None else None

    def send(self, kind: str, **kw) -> None:
        self.emit(ev.Event(kind, self.barista, self.who, cpu_s=self.cpu(),
                           core_wait_s=self.core_wait(), **(self.lesson | kw)))

    def progress(self, order: int, fraction: float, phase: str, force: bool = False,
                 word: tuple = ()) -> None:
        """Progress, at most every ``every_s`` unless ``force``d (a lesson's ``word``: force it)."""
        t = time.perf_counter()
        if force or t - self.last_progress >= self.every_s:
            self.last_progress = t
            self.emit(ev.Event(ev.PROGRESS, self.barista, self.who, t=t, order=order,
                               progress=fraction, phase=phase, cpu_s=self.cpu(),
                               core_wait_s=self.core_wait(), word=word, **self.lesson))

    def started(self) -> None:
        self.send(ev.STARTED, pid=os.getpid(), tid=threading.get_native_id())

    def waited(self, order: int, done: float, share: float, end: float, amount: float) -> None:
        left = max(0.0, end - time.perf_counter())
        self.progress(order, done + share * (1 - left / amount), ev.PHASE_WAIT)


class TaskClock:
    """An asyncio task's own CPU: the loop thread's CPU time between the task's
    resume and its next await, summed (tasks of one loop share one thread)."""

    def __init__(self, thread_time: Callable[[], float] = time.thread_time) -> None:
        self.thread_time = thread_time
        self.total = 0.0
        self.mark: float | None = None

    def resume(self) -> None:
        self.mark = self.thread_time()

    def pause(self) -> None:
        if self.mark is not None:
            self.total += self.thread_time() - self.mark
            self.mark = None

    def __call__(self) -> float:
        return self.total + (self.thread_time() - self.mark if self.mark is not None else 0.0)
