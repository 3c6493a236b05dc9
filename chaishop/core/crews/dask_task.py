"""What runs on a Dask worker: one order per task, reported live.

    engine (DaskCrew)                         Dask worker (one thread)
    -----------------                         ------------------------
    client.submit(brew_order, ...) -------->  serve_order(): brews / waits in chunks
    subscribe_topic(topic) <--log_event-----  ("event", offset, fields of the Event)
                           <--log_event-----  ("end", key, barista, status, detail, cpu)
    client.run(cancel_run) ---------------->  _CANCELLED: polled between chunks
    client.run(knock_out) ----------------->  SIGKILL of this worker process

Events travel as plain lists (log_event carries msgpack, not pickles) through
the scheduler.  Timestamps are this process's ``perf_counter`` plus its offset
to the wall clock, so the engine can place them on its own clock even when the
worker runs on another machine (exact on one machine; NTP-close across them).
CPU is this worker process's own clock (``process_time``) over the order.

Imported by each worker when the first task arrives (and as a preload by the
workers of the shop's own LocalCluster, to silence their stdio): import-light.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time

from chaishop.core.protocol import events as ev
from chaishop.core.engine.barista import serve_order
from chaishop.core.engine.control import Cancelled, Control, failure_reason
from chaishop.core.workloads.recipes import Order

EVENT, END = "event", "end"
DONE, CANCELLED, FAILED = "done", "cancelled", "failed"  # how a task ended

_CANCELLED: set[str] = set()  # runs cancelled on this worker (set through client.run)


def who(barista: int, address: str, pid: int) -> str:
    return f"Barista-{barista} · {address} · pid {pid}"


def brew_order(order_fields: tuple, key: str, run_key: str, topic: str,
               baristas: dict[str, int], timeout_s: float | None) -> str:
    """One order on this worker; every outcome is reported on ``topic``, never raised."""
    from distributed import get_worker

    worker = get_worker()
    barista = baristas.get(worker.address, 0)
    offset = time.time() - time.perf_counter()

    def emit(e: ev.Event) -> None:
        worker.log_event(topic, [EVENT, offset, *dataclasses.astuple(e)])

    cpu0 = time.process_time()
    control = Control(lambda: run_key in _CANCELLED, timeout_s=timeout_s)
    status, detail = DONE, ""
    try:
        serve_order(barista, who(barista, worker.address, os.getpid()), Order(*order_fields),
                    emit, control, lambda: time.process_time() - cpu0)
    except Cancelled:
        status = CANCELLED
    except BaseException as exc:  # noqa: BLE001 - reported to the engine as a failure
        status, detail = FAILED, failure_reason(exc)
    worker.log_event(topic, [END, key, barista, status, detail, time.process_time() - cpu0])
    return status


# Coroutines: client.run(..., wait=False) sends them without waiting for an answer
# (Dask allows that only for coroutines); they run on the worker's event loop.
async def cancel_run(run_key: str) -> None:
    """Run on each worker (client.run): its current order stops at the next chunk."""
    _CANCELLED.add(run_key)


async def knock_out() -> None:
    """Run on one worker (client.run): the worker process dies at once (the k key)."""
    os.kill(os.getpid(), signal.SIGKILL)


def dask_setup(worker) -> None:
    """Preload of the shop's own LocalCluster workers: they never write to the terminal."""
    from chaishop.core.kitchen import mp

    mp.silence_stdio()
