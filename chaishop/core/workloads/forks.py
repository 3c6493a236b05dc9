"""The forks recipe: dining philosophers on the mode's real locks, a deadlock you can watch.

    engine (forks_run.prepare)                       barista b of N (each order is one meal)
    --------------------------                       ------------------------------------------
    Table(forks: N locks, fix, seats)  --shared-->   [waiter: take a seat]   ("seat-wait" / "seated")
      threads, sequential: threading.Lock            take its first fork     ("wait", f) ... ("hold", f)
      processes: mp.context().Lock(), pickled        think, that fork in hand
        at the process's start                       take its second fork    ("wait", g) ... ("hold", g)
      asyncio: asyncio.Lock (binds to the crew's       (trylock: or drop the first, "retry", back off)
        loop at its first wait)                      eat; put both down      ("drop", g) ("drop", f)

Barista b sits between fork b (its left) and fork b mod N + 1 (its right); the forks are
numbered 1..N, so the words read as the lesson says them.  Each takes its left fork, thinks a
moment with it in hand, then reaches for the right one: when every barista holds its left fork,
each waits for its neighbour's, and none ever lets go.  Thinking between forks is what makes
that interleaving likely: nothing else is slowed down, and the deadlock is the locks' own.

A blocked acquire waits in slices of ``SLICE_S`` (``acquire(timeout=...)``, ``asyncio.wait_for``)
and calls ``control.check()`` between them, so the kitchen can end a deadlocked run: a thread
blocked in a lock cannot be killed in-process, but one that looks up every 50 ms can stop.
The slices never let go of a held fork: the cycle stays until the run is cancelled.

The fixes (``--fix``): ``order``, the lower-numbered fork first (the cycle cannot close);
``waiter``, a semaphore seating at most N-1 (someone always has both neighbours' forks free);
``trylock``, take the left, try the right without blocking, on failure put the left down and
back off a random moment (retries counted: a livelock would show as retries without meals).

Imported by every barista process: standard library only (asyncio and random lazily).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from chaishop.core.protocol import events as ev
from chaishop.core.workloads.forks_result import ForksResult
from chaishop.core.workloads.lesson_kind import LessonKind
from chaishop.core.workloads.waitfor import DROP, HOLD, LEAVE, RETRY, SEAT_WAIT, SEATED, WAIT

NONE, ORDER, WAITER, TRYLOCK = "none", "order", "waiter", "trylock"  # the fix option's choices
FIXES = (NONE, ORDER, WAITER, TRYLOCK)

# A blocked acquire looks up this often for a cancel: the same slice as a waiting order's.
SLICE_S = 0.05
# One order is one meal of --order-seconds: half thinking with the first fork in hand, half
# eating with both.  Thinking that long with a fork held is what lets every barista pick up
# its left fork before anyone reaches for a right one: the deadlock forms in the first meal
# (measured with 1 s meals, 5 baristas, a loaded 2-core VM: 0.50 s threads and asyncio,
# 0.60-0.68 s processes, whose start is staggered by a few tens of ms; 3.11 and 3.14t alike).
THINK_SHARE = 0.5
EAT_SHARE = 0.5
# trylock on an asyncio.Lock: a free lock may still have a woken waiter queued for it, so the
# try waits at most this long rather than queueing behind it.
TRY_S = 0.01


@dataclass
class Table:
    """The crew's forks: ``forks[f - 1]`` is fork f; ``seats`` the waiter's semaphore."""

    forks: list
    fix: str = NONE
    seats: object | None = None
    private: bool = False  # a table of one barista's own (nothing shared): no words sent


def forks_of(barista: int, count: int, fix: str = NONE) -> tuple[int, int]:
    """The forks barista ``barista`` takes, first and second, around a table of ``count``."""
    left = (barista - 1) % count + 1
    right = left % count + 1
    return (min(left, right), max(left, right)) if fix == ORDER else (left, right)


def own_table(fix: str) -> Table:
    """A barista's own table where the mode shares nothing (subinterpreters, Dask workers)."""
    import threading

    return Table([threading.Lock(), threading.Lock()], fix, None, private=True)


async def _acquire_async(lock, box: list, timeout: float) -> None:
    """One slice of an asyncio acquire: ``box[0]`` says whether it got the lock."""
    import asyncio

    try:
        box[0] = bool(await asyncio.wait_for(lock.acquire(), timeout))
    except TimeoutError:  # asyncio.TimeoutError is TimeoutError on 3.11+
        box[0] = False


class Meal:
    """One order of one barista: the steps, and the locks it holds (released on every exit)."""

    def __init__(self, order, rep, control, table: Table, aio: bool):
        self.order, self.rep, self.control, self.table, self.aio = order, rep, control, table, aio
        self.held: list[tuple[object, int]] = []  # (lock, fork) in the order taken
        self.seated = False
        self.done = 0.0

    def say(self, what: str, fork: int) -> None:
        if not self.table.private:
            self.rep.send(ev.PROGRESS, order=self.order.number, progress=self.done,
                          phase=ev.PHASE_WAIT, word=(what, fork))

    def take(self, lock, fork: int, words: tuple[str, str] = (WAIT, HOLD)):
        """Acquire ``lock`` in slices, looking for a cancel between them."""
        self.say(words[0], fork)
        if self.aio:
            box = [False]
            while True:
                yield _acquire_async(lock, box, SLICE_S)
                if box[0]:
                    break
                self.control.check()
        else:
            while not lock.acquire(timeout=SLICE_S):
                self.control.check()
        if fork:
            self.held.append((lock, fork))
        else:
            self.seated = True
        self.say(words[1], fork)

    def try_take(self, lock, fork: int):
        """Take ``lock`` only if it is free now (``box[0]``: whether it was)."""
        box = [False]
        if self.aio:
            if not lock.locked():
                yield _acquire_async(lock, box, TRY_S)
        else:
            box[0] = lock.acquire(False)
        if box[0]:
            self.held.append((lock, fork))
            self.say(HOLD, fork)
        return box[0]

    def put_down(self, word: str = DROP) -> None:
        while self.held:
            lock, fork = self.held.pop()
            lock.release()
            self.say(word, fork)

    def pause(self, seconds: float, start: float, share: float):
        """Think or eat for ``seconds`` (yielded in slices for the caller to sleep or await);
        the order's progress goes from ``start`` by ``share``."""
        end = time.perf_counter() + seconds
        self.done = start
        while (left := end - time.perf_counter()) > 0:
            yield min(SLICE_S, left)
            self.control.check()
            gone = 1.0 - max(0.0, end - time.perf_counter()) / seconds
            self.rep.progress(self.order.number, start + share * gone, ev.PHASE_WAIT)
        self.done = start + share

    def steps(self):
        t = self.table
        first, second = forks_of(self.rep.barista, len(t.forks), t.fix)
        think_s, eat_s = self.order.order_s * THINK_SHARE, self.order.order_s * EAT_SHARE
        if t.seats is not None:
            yield from self.take(t.seats, 0, (SEAT_WAIT, SEATED))
        while True:
            yield from self.take(t.forks[first - 1], first)
            yield from self.pause(think_s, 0.0, THINK_SHARE)
            if t.fix != TRYLOCK:
                yield from self.take(t.forks[second - 1], second)
                break
            if (yield from self.try_take(t.forks[second - 1], second)):
                break
            self.put_down(RETRY)  # the left fork back on the table; try again after a moment
            import random

            yield from self.pause(random.uniform(0.0, think_s), 0.0, 0.0)
        yield from self.pause(eat_s, THINK_SHARE, EAT_SHARE)
        self.put_down()
        if self.seated:
            t.seats.release()
            self.seated = False
            self.say(LEAVE, 0)

    def release_all(self) -> None:
        """On a cancel or a failure: let go of everything, saying nothing (the barista's
        FINISHED or FAILED event tells the graph it holds nothing)."""
        while self.held:
            self.held.pop()[0].release()
        if self.seated:
            self.table.seats.release()
            self.seated = False


def meal(order, rep, control, table: Table | None, aio: bool):
    """One order's steps, a generator of pauses (seconds) or, for asyncio, awaitables."""
    m = Meal(order, rep, control, table if table is not None else own_table(NONE), aio)
    finished = False
    try:
        for _ in range(max(1, order.size)):  # meals per order (--size; one by default)
            yield from m.steps()
        finished = True
    finally:
        if not finished:
            m.release_all()


class Forks(LessonKind):
    """The recipe's hooks (core/menu.py Recipe.kind)."""

    result = ForksResult
    view = "chaishop.ui.lessons.forks:ForksView"

    def order_size(self, spec: ev.RunSpec) -> int:
        return spec.size or 1  # meals per order

    def prepare(self, spec: ev.RunSpec, crew, orders: list):
        from chaishop.core.workloads import forks_result, forks_run

        fix = spec.option("fix") or NONE
        table = forks_run.make_table(spec.mode, spec.baristas, fix)
        return forks_run.ForksRun(spec, crew, orders, table, grace_s=forks_result.GRACE_S)

    def work(self, order, rep, control, shared, aio: bool):
        return meal(order, rep, control, shared, aio)

    def script_values(self, spec: ev.RunSpec) -> dict:
        """`chaishop code MODE --recipe forks`: the numbers its template (scripts/) needs."""
        return {"think_s": f"{spec.order_s * THINK_SHARE:g}", "eat_s": f"{spec.order_s * EAT_SHARE:g}",
                "fix": spec.option("fix") or NONE}


KIND = Forks()
