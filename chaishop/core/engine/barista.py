"""A barista's shift, whatever kind of worker it is: take orders until none are left.

    shared order queue --next_order()--> work_shift() --emit(Event)--> crew
                                           | each order: core.engine.work.order_steps
                                           | between chunks: core.engine.control.Control

``work_shift`` is the synchronous loop used by sequential, thread and process
baristas (and subinterpreters); ``work_shift_async`` is the same loop for asyncio
tasks, whose waits are ``await asyncio.sleep``.  The two shifts emit exactly one terminal
event (FINISHED or FAILED) per barista, whatever happens.  ``serve_order`` does
one order, for Dask tasks (Dask's scheduler is their order queue): its caller
reports how the order ended.

This module is imported by every barista process, so it stays import-light.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable  # lighter than typing

from chaishop.core.engine import switch
from chaishop.core.engine.control import Cancelled, Control, failure_reason
from chaishop.core.engine.reporter import Emit, Reporter, TaskClock
from chaishop.core.engine.work import order_steps
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import till
from chaishop.core.measure.lanes import SelfCounters
from chaishop.core.workloads.recipes import Order


def _clock_off(rep: Reporter, exc: BaseException | None, cancelled: bool = False) -> None:
    """The one terminal event of a barista."""
    if cancelled:
        rep.send(ev.FINISHED, detail="cancelled")
    elif exc is not None:
        rep.send(ev.FAILED, detail=failure_reason(exc))
    else:
        rep.send(ev.FINISHED)


def work_shift(barista: int, who: str, next_order: Callable[[], Order | None], emit: Emit,
               control: Control, cpu_clock: Callable[[], float] | None = None,
               shared: till.Shared | None = None) -> None:
    """Take orders until the queue is empty; never raises.

    ``shared``: the till the crew shares (None: each barista rings on a till of its own).
    """
    counters = SelfCounters() if control.core_wait else None
    rep = Reporter(emit, barista, who, cpu_clock, counters, control.checkin_s)
    mine = till.for_barista(shared)
    try:
        rep.started()
        while True:
            control.check()
            order = next_order()
            if order is None:
                break
            switch.apply(order)  # --switch-interval, in a barista process of its own
            for pause in order_steps(order, rep, control, mine):
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


def serve_order(barista: int, who: str, order: Order, emit: Emit, control: Control,
                cpu_clock: Callable[[], float] | None = None) -> None:
    """One order, for crews whose own scheduler hands out orders one task at a time (Dask).

    Emits TAKEN, PROGRESS and DONE; raises what stopped the order (Cancelled,
    KnockedOut, OrderTimeout, or the recipe's own error) for the caller to report.
    """
    rep = Reporter(emit, barista, who, cpu_clock)
    for pause in order_steps(order, rep, control):
        time.sleep(pause)


async def work_shift_async(barista: int, who: str, next_order: Callable[[], Awaitable[Order | None]],
                           emit: Emit, control: Control, shared: till.Shared | None = None) -> None:
    """The same loop for an asyncio task.

    Waits are ``await asyncio.sleep`` and let other tasks run.  Brewing never
    awaits: like real CPU-bound code in a coroutine, it holds the event loop
    (and so every other task) until it is done.
    """
    import asyncio  # here, not at the top: process and subinterpreter baristas never need it

    clock = TaskClock()
    clock.resume()
    rep = Reporter(emit, barista, who, clock, every_s=control.checkin_s)
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
            for pause in order_steps(order, rep, control, mine, aio=True):
                clock.pause()
                await (asyncio.sleep(pause) if isinstance(pause, float) else pause)
                clock.resume()
    except (Cancelled, asyncio.CancelledError):
        _clock_off(rep, None, cancelled=True)
    except BaseException as exc:  # noqa: BLE001 - a barista reports every failure
        _clock_off(rep, exc)
    else:
        _clock_off(rep, None)
