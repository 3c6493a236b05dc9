"""Asyncio baristas: tasks on an event loop of their own, in one thread.

    loop thread: asyncio.run(main) -> N tasks -> asyncio.Queue of orders

The loop is not the UI's: it runs in its own thread of the engine process.
Tasks take turns only where they ``await``: waiting overlaps nicely, while a
brewing task holds the loop until its order is done.
"""

from __future__ import annotations

import asyncio
import threading
import time

from chaishop.core.engine.barista import work_shift_async
from chaishop.core.engine.control import Control
from chaishop.core.crews.base import JOIN_S
from chaishop.core.crews.threads import QuietInRushHour
from chaishop.core.measure.loop_lag import LoopLagProbe
from chaishop.core.workloads.recipes import Order
from chaishop.core.engine.rush import checkin_s


class TaskCrew(QuietInRushHour):
    mode = "asyncio"

    def __init__(self, baristas: int, timeout_s: float | None = None):
        super().__init__(baristas, timeout_s)
        # Set once the loop runs; cancel() may come before that.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task] = []
        self.lag = LoopLagProbe()  # how late the loop runs a 50 ms callback (the kitchen reads it)

    def _start(self, orders: list[Order]) -> None:
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(orders),),
                                        name="asyncio-loop", daemon=True)
        self._thread.start()

    async def _main(self, orders: list[Order]) -> None:
        self._loop = asyncio.get_running_loop()
        self.lag.attach(self._loop)
        counter: asyncio.Queue[Order] = asyncio.Queue()
        for order in orders:
            counter.put_nowait(order)

        async def next_order() -> Order | None:
            # Walking to the counter is an await point: the one place where a
            # brewing task lets the others have the loop.
            await asyncio.sleep(0)
            return None if counter.empty() else counter.get_nowait()

        tid = threading.get_native_id()
        every = checkin_s(self.baristas)
        for b in range(1, self.baristas + 1):
            name = f"Barista-{b}"
            control = Control(self._cancel.is_set, lambda b=b: b in self._knocked, self.timeout_s,
                              every)
            who = f"task {name} · loop thread {tid}"
            self._tasks.append(asyncio.create_task(
                work_shift_async(b, who, next_order, self._emit, control, self.shared), name=name))
            self.launched[b] = time.perf_counter()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.lag.detach()

    def cancel(self) -> None:
        super().cancel()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._cancel_tasks)
            except RuntimeError:
                pass  # the loop closed in between: nothing left to cancel

    def _cancel_tasks(self) -> None:
        for task in self._tasks:
            task.cancel()

    def _wait(self, timeout: float | None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _shutdown(self) -> None:
        self._wait(JOIN_S * 2)
