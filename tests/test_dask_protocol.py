"""The Dask crew's bookkeeping, with Dask's scheduler played by the test.

A real cluster places each order on whichever worker of the run is free, not always
on the one whose barista asked for it.  These tests script such placements (no Dask
needed) and check that every barista still clocks off and every order is served.
"""

from __future__ import annotations

import dataclasses
import os
import time
from types import SimpleNamespace

from chaishop.core.protocol import events as ev
from chaishop.core.crews import dask_task
from chaishop.core.crews.dask import DaskCrew
from chaishop.core.workloads.recipes import make_orders

ADDR = {1: "tcp://127.0.0.1:4001", 2: "tcp://127.0.0.1:4002"}


class ScriptedClient:
    """Records what the crew submits; the test decides where each order runs."""

    def __init__(self):
        self.submitted: list[tuple[str, int]] = []  # (key, order number), in order

    def subscribe_topic(self, topic, handler):
        self.topic = topic

    def unsubscribe_topic(self, topic):
        pass

    def submit(self, fn, order_fields, *args, key, **kw):
        self.submitted.append((key, order_fields[0]))
        return SimpleNamespace(add_done_callback=lambda cb: None)

    def run(self, *a, **kw):
        return {}

    def cancel(self, futures):
        pass


def _crew(orders: int) -> tuple[DaskCrew, ScriptedClient]:
    crew = DaskCrew(2)
    client = ScriptedClient()
    me = os.getpid()  # "worker processes" that are alive for the liveness check
    crew._warm = SimpleNamespace(client=client, workers=[(ADDR[1], me), (ADDR[2], me)])
    crew._workers = crew._warm.workers
    crew.start(make_orders("brew", orders, 1000, 0.0))
    return crew, client


def _ran(crew: DaskCrew, key: str, order: int, on: int) -> None:
    """Worker ``on`` took and served ``order`` (its events, then its task's end)."""
    who = dask_task.who(on, ADDR[on], os.getpid())
    offset = time.time() - time.perf_counter()
    for kind in (ev.TAKEN, ev.DONE):
        e = ev.Event(kind, on, who, order=order, cpu_s=0.01)
        crew._inbox.put([dask_task.EVENT, offset, *dataclasses.astuple(e)])
    crew._inbox.put([dask_task.END, key, on, dask_task.DONE, "", 0.01])


def _pump(crew: DaskCrew, seen: list[ev.Event], rounds: int = 20) -> None:
    for _ in range(rounds):
        for e in crew._next_events(0.01):
            seen.extend(crew._track(e))


def test_a_barista_whose_order_ran_elsewhere_asks_again_and_everyone_clocks_off():
    crew, client = _crew(orders=3)
    seen: list[ev.Event] = []
    _pump(crew, seen, rounds=2)  # both baristas asked: orders 1 and 2 are submitted
    assert [n for _, n in client.submitted] == [1, 2]
    # Dask runs every order on worker 2; worker 1 stays free and runs no task at all.
    for key, n in list(client.submitted):
        _ran(crew, key, n, on=2)
    _pump(crew, seen)
    for key, n in client.submitted[2:]:  # order 3, whoever asked for it: worker 2 again
        _ran(crew, key, n, on=2)
    _pump(crew, seen)
    done = sorted(e.order for e in seen if e.kind == ev.DONE)
    assert done == [1, 2, 3]
    finished = sorted(e.barista for e in seen if e.kind == ev.FINISHED)
    assert finished == [1, 2], [(e.barista, e.kind, e.detail) for e in seen]
    crew.close()


def test_the_end_of_a_task_from_an_unmapped_worker_frees_the_barista_that_asked():
    crew, client = _crew(orders=2)
    seen: list[ev.Event] = []
    _pump(crew, seen, rounds=2)
    (k1, _), (k2, _) = client.submitted
    crew._inbox.put([dask_task.END, k1, 0, dask_task.DONE, "", 0.0])  # barista 0: unknown
    crew._inbox.put([dask_task.END, k2, 0, dask_task.DONE, "", 0.0])
    _pump(crew, seen)
    assert sorted(e.barista for e in seen if e.kind == ev.FINISHED) == [1, 2]
    crew.close()
