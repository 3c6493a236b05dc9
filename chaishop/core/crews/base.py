"""The contract every crew (executor) keeps.

    crew.start(orders)          baristas start and take orders from one shared queue
    for e in crew.events(): ... one stream of Events until every barista clocked off
    crew.cancel()               baristas stop at their next chunk
    crew.knock_out(n)           barista n fails now (a teacher's ``k`` key)
    crew.wait(timeout)          True once every barista is gone
    crew.close()                cancel, wait, and release everything; idempotent

``with crew:`` closes it on every exit path.  ``events()`` also watches for
baristas that stop reporting (a hung order) and for processes that die without
a word, and turns both into FAILED events, so a stream always ends.
"""

from __future__ import annotations

import collections
import queue
import threading
import time
from abc import ABC, abstractmethod
from typing import Callable, ClassVar, Iterator, Sequence

from chaishop.core.protocol import events as ev
from chaishop.core.workloads.recipes import Order

# How long events() blocks before it looks at the clock again: short enough
# that a hung barista is caught soon after its timeout.
POLL_S = 0.1
# A barista that misses its own timeout check by this much is declared hung.
HUNG_GRACE_S = 0.5
# How long close() waits for baristas to stop after a cancel, before it uses force.
JOIN_S = 1.0


def join_all(workers, timeout: float | None) -> bool:
    """Join threads or processes within one shared ``timeout``; True if all are gone."""
    deadline = None if timeout is None else time.perf_counter() + timeout
    for w in workers:
        w.join(None if deadline is None else max(0.0, deadline - time.perf_counter()))
    return not any(w.is_alive() for w in workers)


class Crew(ABC):
    mode: ClassVar[str]
    # True when baristas use their own processes, whose CPU time the engine
    # process does not see: the stopwatch adds what each barista reports.
    out_of_process: ClassVar[bool] = False
    # What the baristas share for the till recipe (a till.Shared, set by
    # lessons.prepare before start); each crew hands it to its baristas.
    shared: object | None = None

    def __init__(self, baristas: int, timeout_s: float | None = None):
        if baristas < 1:
            raise ValueError("a crew needs at least one barista")
        self.baristas = baristas
        self.timeout_s = timeout_s
        self._cancel = threading.Event()
        self._knocked: set[int] = set()
        self._closed = False
        self._started = False
        self._ended: set[int] = set()  # baristas that sent a terminal event
        self._busy_since: dict[int, float] = {}  # barista -> when it took its order
        # barista -> when its worker was created (start() returned): start-up's first part
        self.launched: dict[int, float] = {}
        self._names: dict[int, str] = {}  # barista -> who it said it is (its STARTED event)
        # Called now and then by a start that takes long (thousands of threads), so the
        # run's observers (MemoryWatch.tick: peak RSS and OS threads) see it happen.
        self.heartbeat: Callable[[], None] = lambda: None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def prepare(self) -> list[object]:
        """Get warm resources ready before the stopwatch starts (a Dask cluster).

        Returns messages for the consumers (``ev.ClusterReady``); most crews
        need nothing.  What this takes is never counted in a run's times.
        """
        return []

    def start(self, orders: Sequence[Order]) -> None:
        if self._started:
            raise RuntimeError("a crew runs once; make a new one")
        self._started = True
        self._start(list(orders))

    def cancel(self) -> None:
        self._cancel.set()

    def knock_out(self, barista: int) -> bool:
        """Make barista ``barista`` fail; False if it is not working."""
        if barista in self._ended or not 1 <= barista <= self.baristas:
            return False
        self._knocked.add(barista)
        return True

    def working(self) -> list[int]:
        return [b for b in range(1, self.baristas + 1) if b not in self._ended]

    def events(self) -> Iterator[ev.Event]:
        while len(self._ended) < self.baristas:
            for e in self._next_events(POLL_S):
                yield from self._track(e)
            yield from self._check_hung()

    def _track(self, e: ev.Event) -> Iterator[ev.Event]:
        if e.barista in self._ended:
            return  # a late word from a barista already declared failed
        if e.kind == ev.STARTED:
            self._names[e.barista] = e.who
        elif e.kind == ev.TAKEN:
            self._busy_since[e.barista] = time.perf_counter()
        elif e.kind == ev.DONE:
            self._busy_since.pop(e.barista, None)
        elif e.kind in ev.TERMINAL_KINDS:
            self._ended.add(e.barista)
            self._busy_since.pop(e.barista, None)
        yield e

    def _check_hung(self) -> Iterator[ev.Event]:
        if self.timeout_s is None:
            return
        limit = self.timeout_s + HUNG_GRACE_S
        now = time.perf_counter()
        for b, since in list(self._busy_since.items()):
            if now - since > limit:
                self._abandon(b)
                yield from self._track(ev.Event(
                    ev.FAILED, b, self._who(b),
                    detail=f"hung: order took longer than {self.timeout_s:g} s"))

    def wait(self, timeout: float | None = None) -> bool:
        return self._wait(timeout)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.cancel()
        if self._started:
            self._shutdown()

    def __enter__(self) -> "Crew":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # What each kind of crew provides.
    @abstractmethod
    def _start(self, orders: list[Order]) -> None: ...

    @abstractmethod
    def _next_events(self, timeout: float) -> list[ev.Event]:
        """Events that arrived, waiting at most ``timeout`` for the first."""

    @abstractmethod
    def _wait(self, timeout: float | None) -> bool: ...

    @abstractmethod
    def _shutdown(self) -> None:
        """Stop every barista (by force if need be) and release resources."""

    def _who(self, barista: int) -> str:
        return self._names.get(barista, f"Barista-{barista}")

    def _abandon(self, barista: int) -> None:
        """Give up on a hung barista (a process is killed; a thread can only be left)."""
        self._knocked.add(barista)


class InProcessCrew(Crew):
    """Crews whose baristas live in this process and report through one queue.

    Progress reports go into a plain deque that wakes nobody; every other
    event goes into a queue that wakes the collector at once.  Under the GIL,
    each wake-up of the collecting thread takes the GIL from a brewing
    barista: waking for every progress report slowed two thread baristas by
    about 5 % (measured against bare threads), waking only for orders taken,
    served and clocked off (plus every POLL_S) costs nothing measurable.
    """

    def __init__(self, baristas: int, timeout_s: float | None = None):
        super().__init__(baristas, timeout_s)
        self._events: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
        self._progress: collections.deque[ev.Event] = collections.deque()

    def _emit(self, e: ev.Event) -> None:
        if e.kind == ev.PROGRESS:
            self._progress.append(e)  # thread-safe, and wakes nobody
            return
        self._events.put(e)

    def _next_events(self, timeout: float) -> list[ev.Event]:
        got: list[ev.Event] = []
        try:
            got.append(self._events.get(timeout=timeout))
            while True:
                got.append(self._events.get_nowait())
        except queue.Empty:
            pass
        while self._progress:
            got.append(self._progress.popleft())
        # Two channels: put each barista's events back in the order they happened.
        got.sort(key=lambda e: e.t)
        return got
