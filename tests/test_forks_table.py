"""The forks recipe's barista side on real locks, before any crew: threads and asyncio tasks.

A small harness stands in for the crew: each barista takes meals from one queue and speaks
through a reporter that feeds the wait-for graph.  What is asserted holds on a loaded machine:
the naive table deadlocks (its think step makes every barista hold its left fork first) and
the cycle is found; a cancel ends the deadlock; every fix serves every order.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time

import pytest

from chaishop.core.engine.control import Cancelled, Control
from chaishop.core.workloads import forks
from chaishop.core.workloads.recipes import Order
from chaishop.core.workloads.waitfor import WaitFor, canonical

ORDER_S = 0.1  # one meal: 0.05 s thinking with the first fork, 0.05 s eating


class Table:
    """What a crew and the engine's LessonRun would be: orders, the graph, a cancel flag."""

    def __init__(self, n: int, fix: str, aio: bool, orders: int):
        make_lock = asyncio.Lock if aio else threading.Lock
        make_sem = asyncio.Semaphore if aio else threading.Semaphore
        self.table = forks.Table([make_lock() for _ in range(n)], fix,
                                 make_sem(n - 1) if fix == forks.WAITER else None)
        self.orders = collections.deque(Order(i, "forks", 0, ORDER_S) for i in range(1, orders + 1))
        self.graph = WaitFor()
        self.cycle = None
        self.cycle_t = None
        self.served = 0
        self.cancelled = threading.Event()
        self.lock = threading.Lock()

    def reporter(self, barista: int):
        table = self

        class Rep:
            def __init__(self):
                self.barista = barista

            def send(self, kind, word=(), **kw):
                with table.lock:
                    found = table.graph.feed(barista, word, time.perf_counter())
                    if found and table.cycle is None:
                        table.cycle, table.cycle_t = canonical(found), time.perf_counter()

            def progress(self, *a, **kw):
                pass

        return Rep()

    def control(self) -> Control:
        return Control(self.cancelled.is_set)


def run_threads(h: Table, n: int, stop_on_cycle: bool) -> float:
    errors = []

    def shift(b: int) -> None:
        rep, control = h.reporter(b), h.control()
        try:
            while True:
                try:
                    order = h.orders.popleft()
                except IndexError:
                    return
                for pause in forks.meal(order, rep, control, h.table, aio=False):
                    time.sleep(pause)
                h.served += 1
        except Cancelled:
            pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=shift, args=(b,)) for b in range(1, n + 1)]
    for t in threads:
        t.start()
    deadline = t0 + 10
    while any(t.is_alive() for t in threads) and time.perf_counter() < deadline:
        if stop_on_cycle and h.cycle is not None:
            h.cancelled.set()
        time.sleep(0.01)
    h.cancelled.set()
    for t in threads:
        t.join(2)
    assert not errors and not any(t.is_alive() for t in threads)
    return t0


def run_tasks(h: Table, n: int, stop_on_cycle: bool) -> float:
    async def shift(b: int) -> None:
        rep, control = h.reporter(b), h.control()
        try:
            while h.orders:
                for pause in forks.meal(h.orders.popleft(), rep, control, h.table, aio=True):
                    await (asyncio.sleep(pause) if isinstance(pause, float) else pause)
                h.served += 1
        except Cancelled:
            pass

    async def main() -> None:
        tasks = [asyncio.create_task(shift(b)) for b in range(1, n + 1)]
        while not all(t.done() for t in tasks) and time.perf_counter() < t0 + 10:
            if stop_on_cycle and h.cycle is not None:
                h.cancelled.set()
            await asyncio.sleep(0.01)
        h.cancelled.set()
        await asyncio.gather(*tasks)

    t0 = time.perf_counter()
    asyncio.run(main())
    return t0


RUNNERS = {"threads": run_threads, "asyncio": run_tasks}


@pytest.mark.alone
@pytest.mark.parametrize("mode", RUNNERS)
def test_the_naive_table_deadlocks_in_a_five_cycle_and_a_cancel_ends_it(mode):
    h = Table(5, forks.NONE, mode == "asyncio", orders=10)
    t0 = RUNNERS[mode](h, 5, stop_on_cycle=True)
    assert h.cycle == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 1)], "the naive table served every order"
    assert h.cycle_t - t0 < 5  # forms in the first meal here (~0.1 s); loose on a loaded machine
    assert h.served < 10
    # every barista let go of its forks on the way out: the table is clear
    assert not any(lock.locked() for lock in h.table.forks)


@pytest.mark.parametrize("mode,fix", [("asyncio", forks.TRYLOCK), ("threads", forks.WAITER)])
def test_a_fix_serves_every_order_without_a_cycle(mode, fix):
    # (every fix in every mode, through the real crews: tests/test_forks.py)
    h = Table(5, fix, mode == "asyncio", orders=10)
    RUNNERS[mode](h, 5, stop_on_cycle=False)
    assert h.cycle is None and h.served == 10
    assert set(h.graph.wait_s) <= {1, 2, 3, 4, 5}
    if fix == forks.TRYLOCK:
        assert h.graph.holder == {}


def test_forks_of_each_barista_and_the_global_order():
    assert [forks.forks_of(b, 5) for b in range(1, 6)] == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 1)]
    assert forks.forks_of(5, 5, forks.ORDER) == (1, 5)  # the lower-numbered fork first
    assert forks.forks_of(1, 2) == (1, 2) and forks.forks_of(2, 2) == (2, 1)
