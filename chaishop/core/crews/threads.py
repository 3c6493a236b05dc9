"""Thread baristas: one ``threading.Thread`` each, sharing one order queue.

Under a GIL only one of them runs Python code at a time, so brewing does not
get faster with more of them; waiting does, because sleeping releases the GIL.
"""

from __future__ import annotations

import queue
import threading
import time

from chaishop.core.barista import Control, serve
from chaishop.core.crews.base import JOIN_S, join_all, InProcessCrew
from chaishop.core.recipes import Order


class ThreadCrew(InProcessCrew):
    mode = "threads"

    def _start(self, orders: list[Order]) -> None:
        self._orders: queue.SimpleQueue[Order] = queue.SimpleQueue()
        for order in orders:
            self._orders.put(order)
        self._threads = [
            threading.Thread(target=self._work, args=(b,), name=f"Barista-{b}", daemon=True)
            for b in range(1, self.baristas + 1)
        ]
        for t in self._threads:
            t.start()

    def _next_order(self) -> Order | None:
        try:
            return self._orders.get_nowait()
        except queue.Empty:
            return None

    def _identity(self) -> str:
        me = threading.current_thread()
        return f"{me.name} · thread {threading.get_native_id()}"

    def _work(self, barista: int) -> None:
        control = Control(self._cancel.is_set, lambda: barista in self._knocked, self.timeout_s)
        serve(barista, self._identity(), self._next_order, self._emit, control, time.thread_time)

    def _wait(self, timeout: float | None) -> bool:
        return join_all(self._threads, timeout)

    def _shutdown(self) -> None:
        # Threads cannot be killed: they stop at their next chunk.  A thread
        # stuck in a hung call is a daemon and is left behind by design.
        self._wait(JOIN_S * 2)
