"""Dask baristas: each barista is a Dask worker; Dask's scheduler carries the orders.

    engine (RemoteCrew)                         warm cluster (dask_cluster.py)
    -------------------                         ------------------------------
    prepare(): ensure N workers  -------------> LocalCluster, or --scheduler tcp://...
               -> ClusterReady (never timed in a run)
    NEXT (a barista is free) -> counter ------> client.submit(brew_order, order,
                                                  workers=live baristas' workers)
    _receive() <--- subscribe_topic handler --- events and each task's end (dask_task.py)
    worker process gone (pid / scheduler) ----> Gone: FAILED; Dask retries its order
                                                  on another worker (TAKEN says so)
    cancel: client.run(cancel_run) ----------> the running order stops at its next chunk
    knock-out (k): client.run(knock_out) ----> SIGKILL of that worker process

One task per order: the scheduler places each on a free worker among the
run's baristas (only one is free when it is submitted: one order in flight per
barista), and when a worker dies, Dask itself reschedules its order (up to
``distributed.scheduler.allowed-failures`` times).  A barista asks for its
next order when its task ends.  Events travel through the scheduler
(``log_event`` -> ``subscribe_topic``, about 1-2 ms on loopback).
"""

from __future__ import annotations

import dataclasses
import os
import queue
import threading
import time
import uuid
from dataclasses import replace

import psutil

from chaishop.core.protocol import events as ev
from chaishop.core.crews import dask_cluster, dask_task
from chaishop.core.crews.base import JOIN_S
from chaishop.core.protocol.remote import NEXT
from chaishop.core.crews.remote import Gone, Incoming, RemoteCrew
from chaishop.core.workloads.recipes import Order

# How often the engine checks that every barista's worker process is alive.
ALIVE_EVERY_S = 0.2
# A finished task's last events travel beside Dask's own "finished" notice; if they
# have not come this long after it, they are not coming (the barista goes on).
END_GRACE_S = 2.0
# Orders in flight and no word at all from Dask (events, task notices) for this
# long: the run ends with FAILED baristas saying what the scheduler knows.
STALL_S = 60.0


def _task_states(keys, dask_scheduler=None) -> dict:
    """Run on the scheduler: the state of each task (and where it is processing)."""
    out = {}
    for k in keys:
        ts = dask_scheduler.tasks.get(k)
        out[k] = "unknown" if ts is None else (
            f"{ts.state} on {ts.processing_on.address}" if ts.processing_on else ts.state)
    return out


class DaskCrew(RemoteCrew):
    mode = "dask"
    out_of_process = True

    def __init__(self, baristas: int, timeout_s: float | None = None,
                 scheduler: str | None = None):
        super().__init__(baristas, timeout_s)
        self.scheduler = scheduler  # None: the shop's own LocalCluster

    def prepare(self) -> list[object]:
        dask_cluster.use_scheduler(self.scheduler)
        self._warm, waited = dask_cluster.ensure(self.baristas)
        self._workers = self._warm.workers[:self.baristas]
        return [ev.ClusterReady(self._warm.scheduler,
                                tuple(f"{a} · pid {p}" for a, p in self._workers), waited,
                                self._warm.started_here, self._warm.first_start_s)]

    def _launch(self) -> None:
        if not hasattr(self, "_warm"):
            self.prepare()
        self._client = self._warm.client
        self._run_key = uuid.uuid4().hex[:12]
        self._topic = f"chaishop-{self._run_key}"
        self._inbox: queue.SimpleQueue[list] = queue.SimpleQueue()
        self._addr = {b: a for b, (a, _) in enumerate(self._workers, 1)}
        self._pid = {b: p for b, (_, p) in enumerate(self._workers, 1)}
        self._barista_of = {a: b for b, a in self._addr.items()}
        self._local = {b: self._is_local(b) for b in self._addr}
        self._futures: dict[str, object] = {}  # key -> future, while in flight
        self._order_of: dict[str, int] = {}  # key -> order number
        self._submitted: dict[str, float] = {}  # key -> when it was submitted
        self._runner: dict[str, int] = {}  # key -> barista running it (from TAKEN)
        self._asked_by: dict[str, int] = {}  # key -> the barista whose NEXT it answered
        self._settled: dict[str, float] = {}  # key -> when Dask said it finished
        self._taken_by: dict[int, int] = {}  # order number -> barista that took it
        self._cpu_done = {b: 0.0 for b in self._addr}  # CPU of each barista's finished orders
        self._started: set[int] = set()
        self._idle: set[int] = set()
        self._lost: set[int] = set()
        self._alive_checked = 0.0
        self._cancel_told = False
        self._heard = time.perf_counter()  # when the last word came from Dask
        self._client.subscribe_topic(self._topic, lambda event: self._inbox.put(event[1]))
        for b in self._addr:
            self._inbox.put([NEXT, b])

    def _is_local(self, barista: int) -> bool:
        try:
            return "python" in psutil.Process(self._pid[barista]).name().lower()
        except (psutil.Error, ValueError):
            return False

    # -- orders out -------------------------------------------------------------

    def _live(self) -> list[str]:
        return [a for b, a in self._addr.items() if b not in self._ended and b not in self._lost]

    def _send_order(self, barista: int, order: Order | None) -> None:
        if order is None:
            self._idle.add(barista)
            return
        key = f"chaishop-order-{order.number}-{self._run_key}"
        self._order_of[key], self._submitted[key] = order.number, time.perf_counter()
        self._asked_by[key] = barista
        fut = self._client.submit(dask_task.brew_order, dataclasses.astuple(order), key,
                                  self._run_key, self._topic, self._barista_of, self.timeout_s,
                                  key=key, workers=self._live(), allow_other_workers=False,
                                  pure=False)
        self._futures[key] = fut
        fut.add_done_callback(lambda f: self._inbox.put(["settled", f.key, f.status]))

    def _send_cancel(self, barista: int) -> None:
        if self._cancel_told:
            return
        self._cancel_told = True
        try:
            self._client.run(dask_task.cancel_run, self._run_key, workers=self._live(), wait=False)
            waiting = [f for k, f in self._futures.items() if k not in self._runner]
            self._client.cancel(waiting)
        except Exception:  # noqa: BLE001 - a gone worker cannot be told
            pass

    def _knock(self, barista: int) -> None:
        try:
            if self._local[barista]:
                os.kill(self._pid[barista], 9)
            else:
                self._client.run(dask_task.knock_out, workers=[self._addr[barista]], wait=False)
        except (OSError, Exception):  # noqa: BLE001 - already gone
            pass

    def _abandon(self, barista: int) -> None:
        super()._abandon(barista)
        self._knock(barista)

    # -- events in --------------------------------------------------------------

    def _receive(self, timeout: float) -> list[Incoming]:
        got: list[Incoming] = []
        msgs: list[list] = []
        try:
            msgs.append(self._inbox.get(timeout=timeout))
            while True:
                msgs.append(self._inbox.get_nowait())
        except queue.Empty:
            pass
        now = time.perf_counter()
        if msgs or not self._futures:
            self._heard = now
        elif now - self._heard > STALL_S:
            got.extend(self._stalled())
        for msg in msgs:
            got.extend(self._translate(msg))
        got.extend(self._check_alive())
        got.extend(self._overdue())
        got.extend(self._free_orphans(got))
        got.extend(self._clock_off())
        return got

    def _holder(self, key: str) -> int | None:
        """The barista an order in flight belongs to: whoever took it, else whoever asked."""
        return self._runner.get(key) or self._asked_by.get(key)

    def _free_orphans(self, got: list[Incoming]) -> list[Incoming]:
        """NEXT for a working barista that holds no order in flight.

        The scheduler places an order on any free worker of the run, not always on
        the one whose barista asked for it: the asker then holds nothing, and no
        task's end would ever ask for its next order (the run waited for ever, its
        futures all done, so the stall check never fired).  Baristas heard from in
        this round are left to what they said.
        """
        holders = {self._holder(k) for k in self._futures}
        heard = {b for b, _ in got}
        return [(b, NEXT) for b in self._addr
                if b not in self._ended and b not in self._idle and b not in self._lost
                and b not in holders and b not in heard]

    def _translate(self, msg: list) -> list[Incoming]:
        kind = msg[0]
        if kind == NEXT:
            return [(msg[1], NEXT)]
        if kind == dask_task.EVENT:
            return self._event(msg[1], ev.Event(*msg[2:]))
        if kind == dask_task.END:
            _, key, b, status, detail, cpu = msg
            if b not in self._addr:  # a worker the run did not map: the order's holder
                b = self._holder(key)
                if b not in self._addr:
                    return []
            self._futures.pop(key, None)
            self._cpu_done[b] = self._cpu_done.get(b, 0.0) + cpu
            if status == dask_task.FAILED:
                return [(b, ev.Event(ev.FAILED, b, self._who(b), detail=detail,
                                     cpu_s=self._cpu_done[b]))]
            if status == dask_task.CANCELLED:
                self._idle.add(b)
                return []
            return [(b, NEXT)]
        if kind == "settled":
            _, key, status = msg
            if status == "cancelled":
                self._futures.pop(key, None)
            elif status == "finished" and key in self._futures:
                self._settled[key] = time.perf_counter()  # its END should be on its way
            elif status == "error" and key in self._futures:
                fut = self._futures.pop(key)
                try:
                    why = f"{type(fut.exception(timeout=2)).__name__}: {fut.exception(timeout=2)}"
                except Exception as exc:  # noqa: BLE001 - the reason itself is lost
                    why = type(exc).__name__
                b = self._holder(key)
                return [(b, Gone(f"order #{self._order_of[key]} failed in Dask ({why})"))]
        return []

    def _stalled(self) -> list[Incoming]:
        """Orders in flight and not a word from Dask for STALL_S: end the run, say what Dask says."""
        states = {}
        try:
            story = self._client.run_on_scheduler(_task_states, list(self._futures))
            states = story or {}
        except Exception as exc:  # noqa: BLE001 - the scheduler itself may be gone
            states = {"scheduler": type(exc).__name__}
        self._futures.clear()
        what = ", ".join(f"#{self._order_of.get(k, '?')} {s}" for k, s in states.items())
        return [(b, Gone(f"no word from Dask for {STALL_S:g} s ({what or 'no task known'})"))
                for b in self._addr if b not in self._ended]

    def _overdue(self) -> list[Incoming]:
        """A task Dask finished whose END never came (lost events): free its barista."""
        now = time.perf_counter()
        got: list[Incoming] = []
        for key, t in list(self._settled.items()):
            if key not in self._futures:
                del self._settled[key]
            elif now - t > END_GRACE_S:
                del self._settled[key], self._futures[key]
                got.append((self._holder(key), NEXT))
        return got

    def _event(self, offset: float, e: ev.Event) -> list[Incoming]:
        b = e.barista
        if b not in self._addr:
            return []  # a worker outside this run's crew (not expected: tasks are restricted)
        # The worker's clock -> ours, through the wall clock (exact on one machine).
        t = min(ev.now(), e.t + offset - (time.time() - time.perf_counter()))
        e = replace(e, t=t, cpu_s=None if e.cpu_s is None else self._cpu_done[b] + e.cpu_s)
        out: list[Incoming] = []
        if b not in self._started:
            self._started.add(b)
            key = next((k for k, n in self._order_of.items() if n == e.order), None)
            handout = t - self._submitted.get(key, t)
            out.append((b, ev.Event(ev.STARTED, b, e.who, t=t, cpu_s=self._cpu_done[b],
                                    detail=f"task hand-out {handout * 1000:.0f} ms")))
        if e.kind == ev.TAKEN:
            key = next((k for k, n in self._order_of.items() if n == e.order), None)
            if key is not None:
                self._runner[key] = b
            before = self._taken_by.get(e.order)
            if before is not None and before != b:
                e = replace(e, detail=f"retried by Dask after Barista-{before}'s worker was lost")
            self._taken_by[e.order] = b
        out.append((b, e))
        return out

    def _check_alive(self) -> list[Incoming]:
        now = time.perf_counter()
        if now - self._alive_checked < ALIVE_EVERY_S:
            return []
        self._alive_checked = now
        known = None
        got: list[Incoming] = []
        for b in [b for b in self._addr if b not in self._ended and b not in self._lost]:
            if self._local[b]:
                alive = psutil.pid_exists(self._pid[b])
            else:
                known = known if known is not None else set(self._client.scheduler_info()["workers"])
                alive = self._addr[b] in known
            if not alive:
                self._lost.add(b)
                lost = [k for k, r in self._runner.items() if r == b and k in self._futures]
                for k in lost:
                    del self._runner[k]  # Dask will run it again elsewhere
                what = f"order #{self._order_of[lost[0]]} goes back to Dask's scheduler" \
                    if lost else "it held no order"
                got.append((b, Gone(f"worker {self._addr[b]} (pid {self._pid[b]}) lost; {what}")))
        return got

    def _clock_off(self) -> list[Incoming]:
        """FINISHED for idle baristas that no order in flight can still reach."""
        got: list[Incoming] = []
        unplaced = any(k not in self._runner for k in self._futures)
        for b in sorted(self._idle - self._ended):
            if unplaced or any(r == b for k, r in self._runner.items() if k in self._futures):
                continue
            if b not in self._started:
                self._started.add(b)
                got.append((b, ev.Event(ev.STARTED, b, dask_task.who(b, self._addr[b], self._pid[b]),
                                        cpu_s=0.0, detail="no order for this worker")))
            got.append((b, ev.Event(ev.FINISHED, b, self._who(b), cpu_s=self._cpu_done[b],
                                    detail="cancelled" if self.cancelled else "")))
        return got

    def _wait(self, timeout: float | None) -> bool:
        deadline = time.perf_counter() + (JOIN_S if timeout is None else timeout)
        while self._futures and time.perf_counter() < deadline:
            time.sleep(0.02)
        return not self._futures

    def _stop_all(self) -> None:
        """Cancel what is in flight; the cluster stays warm (dask_cluster closes it)."""
        self._send_cancel(0)
        try:
            self._client.cancel(list(self._futures.values()))
            self._client.unsubscribe_topic(self._topic)
        except Exception:  # noqa: BLE001 - workers may be gone
            pass
        self._futures.clear()


__all__ = ["DaskCrew"]
