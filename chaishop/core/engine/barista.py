"""What one barista does, whatever kind of worker it is.

    shared order queue --next_order()--> serve() --emit(Event)--> crew

``serve`` is the synchronous loop used by sequential, thread and process
baristas (and subinterpreters); ``serve_order`` does one order, for Dask
tasks (Dask's scheduler is their order queue); ``serve_async`` is the same loop for asyncio
tasks, whose waits are ``await asyncio.sleep``.  Both emit exactly one terminal
event (FINISHED or FAILED) per barista, whatever happens.

This module is imported by every barista process, so it stays import-light.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator  # lighter than typing

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import haul, till
from chaishop.core.measure.lanes import SelfCounters
from chaishop.core.workloads.recipes import (BREW, BREW_CHUNK, GRIND, HAUL, TILL, WAIT, WAIT_SLICE_S, Order,
                                   Spilled, brew, grind, steps)

# A barista reports progress at most this often: enough for smooth bars and a
# timeline, rare enough to cost nothing next to the work.
PROGRESS_EVERY_S = 0.05

Emit = Callable[[ev.Event], None]


class Cancelled(Exception):
    """The run was cancelled: stop between chunks."""


class KnockedOut(Exception):
    """A teacher knocked this barista out (the ``k`` key)."""


class OrderTimeout(Exception):
    """An order took longer than the run's timeout."""


class Control:
    """How a crew talks to a working barista between chunks.

    ``check()`` raises :class:`Cancelled` when the run is cancelled; each crew
    provides ``cancelled`` (and optionally ``knocked``) in its own way: a
    threading.Event, a pipe poll, a flag.
    """

    def __init__(self, cancelled: Callable[[], bool], knocked: Callable[[], bool] = lambda: False,
                 timeout_s: float | None = None, checkin_s: float = WAIT_SLICE_S,
                 core_wait: bool = True):
        self._cancelled = cancelled
        self._knocked = knocked
        self.timeout_s = timeout_s
        # How often a waiting barista wakes to report progress and look for a
        # cancel: every WAIT_SLICE_S in a small crew, less often in a rush hour
        # (see chaishop.core.engine.rush.checkin_s).
        self.checkin_s = checkin_s
        # Whether the barista reads its own thread's schedstat (time waiting for a core)
        # at each report.  Not in a rush hour: with 3,000 threads each opening and
        # reading its /proc file, serving 3,000 one-second orders took 14.4 s instead
        # of 1.9 s (measured), the kernel's bookkeeping drowning the lesson.
        self.core_wait = core_wait
        self.order_started: float | None = None  # perf_counter of the order in hand, if any

    def check(self) -> None:
        if self._cancelled():
            raise Cancelled()
        if self._knocked():
            raise KnockedOut("knocked out by the k key")
        if (self.timeout_s is not None and self.order_started is not None
                and time.perf_counter() - self.order_started > self.timeout_s):
            raise OrderTimeout(f"order took longer than {self.timeout_s:g} s")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (KnockedOut, OrderTimeout)):
        return str(exc)
    import traceback  # only when a barista fails: every barista imports this module

    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {frame[0].name}:{frame[0].lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


class _Reporter:
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

    def progress(self, order: int, fraction: float, phase: str, force: bool = False) -> None:
        t = time.perf_counter()
        if force or t - self.last_progress >= self.every_s:
            self.last_progress = t
            self.emit(ev.Event(ev.PROGRESS, self.barista, self.who, t=t, order=order,
                               progress=fraction, phase=phase, cpu_s=self.cpu(),
                               core_wait_s=self.core_wait(), **self.lesson))

    def started(self) -> None:
        self.send(ev.STARTED, pid=os.getpid(), tid=threading.get_native_id())

    def waited(self, order: int, done: float, share: float, end: float, amount: float) -> None:
        left = max(0.0, end - time.perf_counter())
        self.progress(order, done + share * (1 - left / amount), ev.WAITING)


def _brew_step(iterations: int, order: int, done: float, share: float, rep: _Reporter,
               control: Control, work: Callable[[int], object] = brew,
               chunk: int = BREW_CHUNK) -> None:
    left = iterations
    total = max(1, left)
    while left > 0:
        n = chunk if left > chunk else left
        work(n)
        left -= n
        rep.progress(order, done + share * (1 - left / total), ev.BREWING)
        control.check()


def _fractions(order: Order) -> list[tuple[str, float, float]]:
    """Steps with the share of the order each one is (equal shares)."""
    plan = steps(order)
    share = 1.0 / len(plan)
    return [(kind, amount, share) for kind, amount in plan]


def _till_step(cups: int, order: int, done: float, share: float, rep: _Reporter,
               control: Control, mine: till.Shared, aio: bool) -> Iterator[object]:
    """Ring up ``cups`` on the till; asyncio tasks get the awaits to make (see till.ring_async)."""
    before = rep.lesson.get("cups", 0)

    def report(rung: int) -> None:
        rep.lesson.update(cups=before + rung, till=till.reading(mine.till))
        rep.progress(order, done + share * rung / max(1, cups), ev.BREWING)

    if aio:
        yield from till.ring_async(mine, cups, report, control.check)
    else:
        till.ring(mine, cups, report, control.check)


def _haul_step(order: Order, done: float, share: float, rep: _Reporter) -> None:
    """Get the payload in hand (moving data, if it travelled), then total it (brewing)."""
    held = haul.Opened(order.payload)
    try:
        if order.sent_t:
            moved = time.perf_counter() - order.sent_t
            rep.lesson["transfer_s"] = rep.lesson.get("transfer_s", 0.0) + moved
            rep.progress(order.number, done, ev.MOVING, force=True)
        haul.read(held.data, order.size)
    finally:
        held.close()
    rep.progress(order.number, done + share, ev.BREWING, force=True)


def _order_steps(order: Order, rep: _Reporter, control: Control,
                 mine: till.Shared | None = None, aio: bool = False) -> Iterator[object]:
    """Work through one order; yield each pause (seconds) for the caller to wait.

    Sync baristas ``time.sleep`` the pauses, asyncio tasks ``await
    asyncio.sleep`` them: the only difference between the two kinds of loop.
    (The till recipe also yields a lock's ``acquire()`` for asyncio tasks to await.)
    """
    control.order_started = time.perf_counter()
    # An order that carries data was handed out when it was stamped: from then on it is
    # this barista's, and the time until it arrived is moving data.
    rep.send(ev.TAKEN, order=order.number, **({"t": order.sent_t} if order.sent_t else {}))
    done = 0.0
    for kind, amount, share in _fractions(order):
        if kind == BREW:
            _brew_step(int(amount), order.number, done, share, rep, control)
        elif kind == GRIND:
            _brew_step(int(amount), order.number, done, share, rep, control, grind, 1)
        elif kind == TILL:
            yield from _till_step(int(amount), order.number, done, share, rep, control,
                                  mine or till.for_barista(None), aio)
        elif kind == HAUL:
            _haul_step(order, done, share, rep)
        elif kind == WAIT:
            end = time.perf_counter() + amount
            while (left_s := end - time.perf_counter()) > 0:
                yield min(control.checkin_s, left_s)
                rep.waited(order.number, done, share, end, amount)
                control.check()
        else:
            raise Spilled(f"spilled order #{order.number}")
        done += share
    control.order_started = None  # no order in hand: nothing to time out
    rep.send(ev.DONE, order=order.number, progress=1.0)


def _clock_off(rep: _Reporter, exc: BaseException | None, cancelled: bool = False) -> None:
    """The one terminal event of a barista."""
    if cancelled:
        rep.send(ev.FINISHED, detail="cancelled")
    elif exc is not None:
        rep.send(ev.FAILED, detail=_reason(exc))
    else:
        rep.send(ev.FINISHED)


def serve(barista: int, who: str, next_order: Callable[[], Order | None], emit: Emit,
          control: Control, cpu_clock: Callable[[], float] | None = None,
          shared: till.Shared | None = None) -> None:
    """Take orders until the queue is empty; never raises.

    ``shared``: the till the crew shares (None: each barista rings on a till of its own).
    """
    counters = SelfCounters() if control.core_wait else None
    rep = _Reporter(emit, barista, who, cpu_clock, counters, control.checkin_s)
    mine = till.for_barista(shared)
    try:
        rep.started()
        while True:
            control.check()
            order = next_order()
            if order is None:
                break
            for pause in _order_steps(order, rep, control, mine):
                time.sleep(pause)
    except Cancelled:
        _clock_off(rep, None, cancelled=True)
    except BaseException as exc:  # noqa: BLE001 - a barista reports every failure
        _clock_off(rep, exc)
    else:
        _clock_off(rep, None)
    finally:
        if counters is not None:
            counters.close()


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


def serve_order(barista: int, who: str, order: Order, emit: Emit, control: Control,
                cpu_clock: Callable[[], float] | None = None) -> None:
    """One order, for crews whose own scheduler hands out orders one task at a time (Dask).

    Emits TAKEN, PROGRESS and DONE; raises what stopped the order (Cancelled,
    KnockedOut, OrderTimeout, or the recipe's own error) for the caller to report.
    """
    rep = _Reporter(emit, barista, who, cpu_clock)
    for pause in _order_steps(order, rep, control):
        time.sleep(pause)


def failure_reason(exc: BaseException) -> str:
    """A one-line reason for a FAILED event."""
    return _reason(exc)


async def serve_async(barista: int, who: str, next_order: Callable[[], Awaitable[Order | None]],
                      emit: Emit, control: Control, shared: till.Shared | None = None) -> None:
    """The same loop for an asyncio task.

    Waits are ``await asyncio.sleep`` and let other tasks run.  Brewing never
    awaits: like real CPU-bound code in a coroutine, it holds the event loop
    (and so every other task) until it is done.
    """
    import asyncio  # here, not at the top: process and subinterpreter baristas never need it

    clock = TaskClock()
    clock.resume()
    rep = _Reporter(emit, barista, who, clock, every_s=control.checkin_s)
    mine = till.for_barista(shared)
    try:
        rep.started()
        while True:
            control.check()
            clock.pause()
            order = await next_order()
            clock.resume()
            if order is None:
                break
            for pause in _order_steps(order, rep, control, mine, aio=True):
                clock.pause()
                await (asyncio.sleep(pause) if isinstance(pause, float) else pause)
                clock.resume()
    except (Cancelled, asyncio.CancelledError):
        _clock_off(rep, None, cancelled=True)
    except BaseException as exc:  # noqa: BLE001 - a barista reports every failure
        _clock_off(rep, exc)
    else:
        _clock_off(rep, None)
