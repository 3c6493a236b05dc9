"""Thread baristas: one ``threading.Thread`` each, sharing one order queue.

Under a GIL only one of them runs Python code at a time, so brewing does not
get faster with more of them; waiting does, because sleeping releases the GIL.
"""

from __future__ import annotations

import queue
import threading
import time

from chaishop.core.protocol import events as ev
from chaishop.core.engine.barista import work_shift
from chaishop.core.engine.control import Control
from chaishop.core.crews.base import JOIN_S, join_all, InProcessCrew
from chaishop.core.workloads.recipes import Order
from chaishop.core.engine.rush import checkin_s, summarised


class QuietInRushHour(InProcessCrew):
    """In a rush hour no event wakes the collector; it looks every POLL_S.

    Each wake-up takes the GIL from the thread starting baristas (or running
    the event loop): 5,000 baristas clocking in, taking, serving and clocking
    off would be 20,000 of them, each a forced GIL switch.
    """

    def __init__(self, baristas: int, timeout_s: float | None = None):
        super().__init__(baristas, timeout_s)
        self._quiet = summarised(baristas)

    def _emit(self, e: ev.Event) -> None:
        if not self._quiet:
            super()._emit(e)
            return
        if e.kind == ev.STARTED:
            self._names[e.barista] = e.who
        self._progress.append(e)  # thread-safe, and wakes nobody


class ThreadCrew(QuietInRushHour):
    mode = "threads"

    def _start(self, orders: list[Order]) -> None:
        self._orders: queue.SimpleQueue[Order] = queue.SimpleQueue()
        for order in orders:
            self._orders.put(order)
        self._threads: list[threading.Thread] = []
        for b in range(1, self.baristas + 1):
            if self._cancel.is_set():
                # Stopped while thousands were still starting (seconds, in a rush
                # hour): the rest never start, and clock off at once.
                self._emit(ev.Event(ev.FINISHED, b, f"Barista-{b} · not started",
                                    detail="cancelled"))
                continue
            t = threading.Thread(target=self._work, args=(b,), name=f"Barista-{b}", daemon=True)
            try:
                t.start()
            except RuntimeError as exc:
                # The OS refused a thread (a process or memory limit, `ulimit -u`):
                # this barista fails, those already working serve every order.
                self._emit(ev.Event(ev.FAILED, b, f"Barista-{b} · no thread",
                                    detail=f"the OS refused a thread: {exc}"))
                continue
            self.launched[b] = time.perf_counter()
            self._threads.append(t)
            self.heartbeat()

    def _next_order(self) -> Order | None:
        try:
            return self._orders.get_nowait()
        except queue.Empty:
            return None

    def _identity(self) -> str:
        me = threading.current_thread()
        return f"{me.name} · thread {threading.get_native_id()}"

    def _work(self, barista: int) -> None:
        control = Control(self._cancel.is_set, lambda: barista in self._knocked, self.timeout_s,
                          checkin_s(self.baristas), core_wait=not self._quiet)
        work_shift(barista, self._identity(), self._next_order, self._emit, control,
                   time.thread_time, self.shared)

    def _wait(self, timeout: float | None) -> bool:
        return join_all(self._threads, timeout)

    def _shutdown(self) -> None:
        # Threads cannot be killed: they stop at their next chunk.  A thread
        # stuck in a hung call is a daemon and is left behind by design.
        self._wait(JOIN_S * 2)
