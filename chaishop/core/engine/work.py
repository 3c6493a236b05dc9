"""One order, worked through step by step: brew, grind, ring the till, haul, wait.

    order --recipes.steps()--> [(kind, amount)] --each step, in chunks--> progress events
                                                 +-- control.check() between chunks

``order_steps`` is a generator: it yields each pause (seconds) for its caller to
wait, so the same steps serve a sync barista (``time.sleep``) and an asyncio
task (``await asyncio.sleep``); core.engine.barista holds those two loops.
Imported by every barista process and subinterpreter: import-light.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator  # lighter than typing

from chaishop.core.engine.control import Control
from chaishop.core.engine.reporter import Reporter
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import haul, till
from chaishop.core.workloads.lesson_kind import kind_of
from chaishop.core.workloads.recipes import (BREW, BREW_CHUNK, GRIND, HAUL, LESSON, TILL, WAIT, Order,
                                             Spilled, brew, grind, steps)


def _brew_step(iterations: int, order: int, done: float, share: float, rep: Reporter,
               control: Control, work: Callable[[int], object] = brew,
               chunk: int = BREW_CHUNK) -> None:
    left = iterations
    total = max(1, left)
    while left > 0:
        n = chunk if left > chunk else left
        work(n)
        left -= n
        rep.progress(order, done + share * (1 - left / total), ev.PHASE_BREW)
        control.check()


def _fractions(order: Order) -> list[tuple[str, float, float]]:
    """Steps with the share of the order each one is (equal shares)."""
    plan = steps(order)
    share = 1.0 / len(plan)
    return [(kind, amount, share) for kind, amount in plan]


def _till_step(cups: int, order: int, done: float, share: float, rep: Reporter,
               control: Control, mine: till.Shared, aio: bool) -> Iterator[object]:
    """Ring up ``cups`` on the till; asyncio tasks get the awaits to make (see till.ring_async)."""
    before = rep.lesson.get("cups", 0)

    def report(rung: int) -> None:
        rep.lesson.update(cups=before + rung, till=till.reading(mine.till))
        rep.progress(order, done + share * rung / max(1, cups), ev.PHASE_BREW)

    if aio:
        yield from till.ring_async(mine, cups, report, control.check)
    else:
        till.ring(mine, cups, report, control.check)


def _haul_step(order: Order, done: float, share: float, rep: Reporter) -> None:
    """Get the payload in hand (moving data, if it travelled), then total it (brewing)."""
    held = haul.Opened(order.payload)
    try:
        if order.sent_t:
            moved = time.perf_counter() - order.sent_t
            rep.lesson["transfer_s"] = rep.lesson.get("transfer_s", 0.0) + moved
            rep.progress(order.number, done, ev.PHASE_MOVE, force=True)
        haul.read(held.data, order.size)
    finally:
        held.close()
    rep.progress(order.number, done + share, ev.PHASE_BREW, force=True)


def order_steps(order: Order, rep: Reporter, control: Control,
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
        elif kind == LESSON:  # a lesson of its own works the whole order (lesson_kind.py)
            shared = None if isinstance(mine, till.Shared) else mine  # a till is not its
            yield from kind_of(order.recipe).work(order, rep, control, shared, aio)
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
