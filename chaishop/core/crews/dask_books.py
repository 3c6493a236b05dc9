"""What the dask crew keeps track of in a run: its orders as Dask tasks, its baristas as workers.

OrderBook, one task per order (keyed ``chaishop-order-<n>-<run>``):

    _send_order: ask(key, order, barista) + futures[key]   an order leaves as one task
    TAKEN from a worker: take(order, barista)             the barista that runs it
    Dask's "finished" notice: settled[key]                its END should follow
    END / cancel / error: futures.pop(key)                 no longer in flight

The barista whose NEXT an order answered is not always the one that runs it (the
scheduler places a task on any free worker of the run), so an order's holder is
whoever took it, else whoever asked.

Roster: Barista-n is the n-th worker the cluster named; a worker on this machine
is watched and knocked out by its pid, one elsewhere through the scheduler.
``task_states`` runs on the scheduler, for the crew's stall report.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import psutil

from chaishop.core.crews import dask_task


@dataclass
class OrderBook:
    """Every order of one run sent to Dask, by task key (kept by core.crews.dask.DaskCrew)."""

    futures: dict[str, object] = field(default_factory=dict)  # key -> future, while in flight
    number: dict[str, int] = field(default_factory=dict)  # key -> order number
    submitted: dict[str, float] = field(default_factory=dict)  # key -> when it was submitted
    runner: dict[str, int] = field(default_factory=dict)  # key -> barista running it (from TAKEN)
    asked_by: dict[str, int] = field(default_factory=dict)  # key -> the barista whose NEXT it answered
    settled: dict[str, float] = field(default_factory=dict)  # key -> when Dask said it finished
    taken_by: dict[int, int] = field(default_factory=dict)  # order number -> barista that took it

    def ask(self, key: str, number: int, barista: int) -> None:
        """Order ``number`` leaves as task ``key``, answering ``barista``'s NEXT."""
        self.number[key], self.submitted[key] = number, time.perf_counter()
        self.asked_by[key] = barista

    def holder(self, key: str) -> int | None:
        """The barista an order in flight belongs to: whoever took it, else whoever asked."""
        return self.runner.get(key) or self.asked_by.get(key)

    def holders(self) -> set[int | None]:
        return {self.holder(k) for k in self.futures}

    def key_of(self, number: int) -> str | None:
        return next((k for k, n in self.number.items() if n == number), None)

    def take(self, number: int, barista: int) -> int | None:
        """``barista`` took order ``number`` (TAKEN); the barista that took it before, if another."""
        key = self.key_of(number)
        if key is not None:
            self.runner[key] = barista
        before = self.taken_by.get(number)
        self.taken_by[number] = barista
        return before if before is not None and before != barista else None

    def waiting(self) -> list[object]:
        """The futures of orders no barista has taken yet."""
        return [f for k, f in self.futures.items() if k not in self.runner]

    def unplaced(self) -> bool:
        return any(k not in self.runner for k in self.futures)

    def running_on(self, barista: int) -> list[str]:
        """Keys of the orders in flight that ``barista`` took."""
        return [k for k, r in self.runner.items() if r == barista and k in self.futures]

    def overdue(self, grace_s: float) -> list[str]:
        """Tasks Dask finished ``grace_s`` ago whose END never came: no longer in flight."""
        now = time.perf_counter()
        out = []
        for key, t in list(self.settled.items()):
            if key not in self.futures:
                del self.settled[key]
            elif now - t > grace_s:
                del self.settled[key], self.futures[key]
                out.append(key)
        return out


class Roster:
    """The run's baristas as Dask workers (``workers``: the cluster's (address, pid), in order)."""

    def __init__(self, workers: list[tuple[str, int]]):
        self.addr = {b: a for b, (a, _) in enumerate(workers, 1)}
        self.pid = {b: p for b, (_, p) in enumerate(workers, 1)}
        self.barista_of = {a: b for b, a in self.addr.items()}
        self.local = {b: _is_local(p) for b, p in self.pid.items()}

    def who(self, barista: int) -> str:
        return dask_task.who(barista, self.addr[barista], self.pid[barista])

    def gone(self, baristas: list[int], client) -> list[int]:
        """Those of ``baristas`` whose worker is gone: by pid here, else as the scheduler knows."""
        known = None
        out = []
        for b in baristas:
            if self.local[b]:
                alive = psutil.pid_exists(self.pid[b])
            else:
                known = known if known is not None else set(client.scheduler_info()["workers"])
                alive = self.addr[b] in known
            if not alive:
                out.append(b)
        return out

    def knock(self, barista: int, client) -> None:
        """Knock a barista out: SIGKILL of its worker process (through Dask if elsewhere)."""
        try:
            if self.local[barista]:
                os.kill(self.pid[barista], 9)
            else:
                client.run(dask_task.knock_out, workers=[self.addr[barista]], wait=False)
        except (OSError, Exception):  # noqa: BLE001 - already gone
            pass


def _is_local(pid: int) -> bool:
    try:
        return "python" in psutil.Process(pid).name().lower()
    except (psutil.Error, ValueError):
        return False


def task_states(keys, dask_scheduler=None) -> dict:
    """Run on the scheduler: the state of each task (and where it is processing)."""
    out = {}
    for k in keys:
        ts = dask_scheduler.tasks.get(k)
        out[k] = "unknown" if ts is None else (
            f"{ts.state} on {ts.processing_on.address}" if ts.processing_on else ts.state)
    return out
