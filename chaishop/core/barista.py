"""What one barista does, whatever kind of worker it is.

    shared order queue --next_order()--> serve() --emit(Event)--> crew

``serve`` is the synchronous loop used by sequential, thread and process
baristas (and subinterpreters); ``serve_async`` is the same loop for asyncio
tasks, whose waits are ``await asyncio.sleep``.  Both emit exactly one terminal
event (FINISHED or FAILED) per barista, whatever happens.

This module is imported by every barista process, so it stays import-light.
"""

from __future__ import annotations

import time
import traceback
from typing import Awaitable, Callable, Iterator

from chaishop.core import events as ev
from chaishop.core.recipes import BREW, BREW_CHUNK, WAIT, WAIT_SLICE_S, Order, Spilled, brew, steps

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
                 timeout_s: float | None = None):
        self._cancelled = cancelled
        self._knocked = knocked
        self.timeout_s = timeout_s
        self.order_started = 0.0

    def check(self) -> None:
        if self._cancelled():
            raise Cancelled()
        if self._knocked():
            raise KnockedOut("knocked out by the k key")
        if self.timeout_s is not None and time.perf_counter() - self.order_started > self.timeout_s:
            raise OrderTimeout(f"order took longer than {self.timeout_s:g} s")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (KnockedOut, OrderTimeout)):
        return str(exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {frame[0].name}:{frame[0].lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


class _Reporter:
    """Emits events for one barista, rate-limiting progress."""

    def __init__(self, emit: Emit, barista: int, who: str, cpu_clock: Callable[[], float] | None):
        self.emit = emit
        self.barista = barista
        self.who = who
        self.cpu_clock = cpu_clock
        self.last_progress = 0.0

    def cpu(self) -> float | None:
        return self.cpu_clock() if self.cpu_clock else None

    def send(self, kind: str, **kw) -> None:
        self.emit(ev.Event(kind, self.barista, self.who, cpu_s=self.cpu(), **kw))

    def progress(self, order: int, fraction: float, phase: str, force: bool = False) -> None:
        t = time.perf_counter()
        if force or t - self.last_progress >= PROGRESS_EVERY_S:
            self.last_progress = t
            self.emit(ev.Event(ev.PROGRESS, self.barista, self.who, t=t, order=order,
                               progress=fraction, phase=phase, cpu_s=self.cpu()))

    def waited(self, order: int, done: float, share: float, end: float, amount: float) -> None:
        left = max(0.0, end - time.perf_counter())
        self.progress(order, done + share * (1 - left / amount), ev.WAITING)


def _brew_step(iterations: int, order: int, done: float, share: float, rep: _Reporter,
               control: Control) -> None:
    left = iterations
    total = max(1, left)
    while left > 0:
        n = BREW_CHUNK if left > BREW_CHUNK else left
        brew(n)
        left -= n
        rep.progress(order, done + share * (1 - left / total), ev.BREWING)
        control.check()


def _fractions(order: Order) -> list[tuple[str, float, float]]:
    """Steps with the share of the order each one is (equal shares)."""
    plan = steps(order)
    share = 1.0 / len(plan)
    return [(kind, amount, share) for kind, amount in plan]


def _order_steps(order: Order, rep: _Reporter, control: Control) -> Iterator[float]:
    """Work through one order; yield each pause (seconds) for the caller to wait.

    Sync baristas ``time.sleep`` the pauses, asyncio tasks ``await
    asyncio.sleep`` them: the only difference between the two kinds of loop.
    """
    control.order_started = time.perf_counter()
    rep.send(ev.TAKEN, order=order.number)
    done = 0.0
    for kind, amount, share in _fractions(order):
        if kind == BREW:
            _brew_step(int(amount), order.number, done, share, rep, control)
        elif kind == WAIT:
            end = time.perf_counter() + amount
            while (left_s := end - time.perf_counter()) > 0:
                yield min(WAIT_SLICE_S, left_s)
                rep.waited(order.number, done, share, end, amount)
                control.check()
        else:
            raise Spilled(f"spilled order #{order.number}")
        done += share
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
          control: Control, cpu_clock: Callable[[], float] | None = None) -> None:
    """Take orders until the queue is empty; never raises."""
    rep = _Reporter(emit, barista, who, cpu_clock)
    try:
        rep.send(ev.STARTED)
        while True:
            control.check()
            order = next_order()
            if order is None:
                break
            for pause in _order_steps(order, rep, control):
                time.sleep(pause)
    except Cancelled:
        _clock_off(rep, None, cancelled=True)
    except BaseException as exc:  # noqa: BLE001 - a barista reports every failure
        _clock_off(rep, exc)
    else:
        _clock_off(rep, None)


async def serve_async(barista: int, who: str, next_order: Callable[[], Awaitable[Order | None]],
                      emit: Emit, control: Control) -> None:
    """The same loop for an asyncio task.

    Waits are ``await asyncio.sleep`` and let other tasks run.  Brewing never
    awaits: like real CPU-bound code in a coroutine, it holds the event loop
    (and so every other task) until it is done.
    """
    import asyncio  # here, not at the top: process and subinterpreter baristas never need it

    rep = _Reporter(emit, barista, who, None)
    try:
        rep.send(ev.STARTED)
        while True:
            control.check()
            order = await next_order()
            if order is None:
                break
            for pause in _order_steps(order, rep, control):
                await asyncio.sleep(pause)
    except (Cancelled, asyncio.CancelledError):
        _clock_off(rep, None, cancelled=True)
    except BaseException as exc:  # noqa: BLE001 - a barista reports every failure
        _clock_off(rep, exc)
    else:
        _clock_off(rep, None)
