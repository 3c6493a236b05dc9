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
(``log_event`` -> ``subscribe_topic``, about 1-2 ms on loopback).  Which order is
in flight as which task, who holds it, which worker is which barista: ``dask_books``.
"""

from __future__ import annotations

import dataclasses
import queue
import time
import uuid
from dataclasses import replace

from chaishop.core.protocol import events as ev
from chaishop.core.crews import dask_cluster, dask_task
from chaishop.core.crews.base import JOIN_S
from chaishop.core.crews.dask_books import OrderBook, Roster, task_states
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
        self._roster = Roster(self._workers)
        self._addr = self._roster.addr  # barista -> its worker's address: the run's crew
        self._book = OrderBook()
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

    # -- orders out -------------------------------------------------------------

    def _live(self) -> list[str]:
        return [a for b, a in self._addr.items() if b not in self._ended and b not in self._lost]

    def _send_order(self, barista: int, order: Order | None) -> None:
        if order is None:
            self._idle.add(barista)
            return
        key = f"chaishop-order-{order.number}-{self._run_key}"
        self._book.ask(key, order.number, barista)
        fut = self._client.submit(dask_task.brew_order, dataclasses.astuple(order), key,
                                  self._run_key, self._topic, self._roster.barista_of, self.timeout_s,
                                  key=key, workers=self._live(), allow_other_workers=False,
                                  pure=False)
        self._book.futures[key] = fut
        fut.add_done_callback(lambda f: self._inbox.put(["settled", f.key, f.status]))

    def _send_cancel(self, barista: int) -> None:
        if self._cancel_told:
            return
        self._cancel_told = True
        try:
            self._client.run(dask_task.cancel_run, self._run_key, workers=self._live(), wait=False)
            self._client.cancel(self._book.waiting())
        except Exception:  # noqa: BLE001 - a gone worker cannot be told
            pass

    def _knock(self, barista: int) -> None:
        self._roster.knock(barista, self._client)

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
        if msgs or not self._book.futures:
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

    def _free_orphans(self, got: list[Incoming]) -> list[Incoming]:
        """NEXT for a working barista that holds no order in flight.

        The scheduler places an order on any free worker of the run, not always on
        the one whose barista asked for it: the asker then holds nothing, and no
        task's end would ever ask for its next order (the run waited for ever, its
        futures all done, so the stall check never fired).  Baristas heard from in
        this round are left to what they said.
        """
        holders = self._book.holders()
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
                b = self._book.holder(key)
                if b not in self._addr:
                    return []
            self._book.futures.pop(key, None)
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
            book = self._book
            if status == "cancelled":
                book.futures.pop(key, None)
            elif status == "finished" and key in book.futures:
                book.settled[key] = time.perf_counter()  # its END should be on its way
            elif status == "error" and key in book.futures:
                fut = book.futures.pop(key)
                try:
                    why = f"{type(fut.exception(timeout=2)).__name__}: {fut.exception(timeout=2)}"
                except Exception as exc:  # noqa: BLE001 - the reason itself is lost
                    why = type(exc).__name__
                b = book.holder(key)
                return [(b, Gone(f"order #{book.number[key]} failed in Dask ({why})"))]
        return []

    def _stalled(self) -> list[Incoming]:
        """Orders in flight and not a word from Dask for STALL_S: end the run, say what Dask says."""
        states = {}
        try:
            story = self._client.run_on_scheduler(task_states, list(self._book.futures))
            states = story or {}
        except Exception as exc:  # noqa: BLE001 - the scheduler itself may be gone
            states = {"scheduler": type(exc).__name__}
        self._book.futures.clear()
        what = ", ".join(f"#{self._book.number.get(k, '?')} {s}" for k, s in states.items())
        return [(b, Gone(f"no word from Dask for {STALL_S:g} s ({what or 'no task known'})"))
                for b in self._addr if b not in self._ended]

    def _overdue(self) -> list[Incoming]:
        """A task Dask finished whose END never came (lost events): free its barista."""
        return [(self._book.holder(key), NEXT) for key in self._book.overdue(END_GRACE_S)]

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
            key = self._book.key_of(e.order)
            handout = t - self._book.submitted.get(key, t)
            out.append((b, ev.Event(ev.STARTED, b, e.who, t=t, cpu_s=self._cpu_done[b],
                                    detail=f"task hand-out {handout * 1000:.0f} ms")))
        if e.kind == ev.TAKEN:
            before = self._book.take(e.order, b)
            if before is not None:
                e = replace(e, detail=f"retried by Dask after Barista-{before}'s worker was lost")
        out.append((b, e))
        return out

    def _check_alive(self) -> list[Incoming]:
        now = time.perf_counter()
        if now - self._alive_checked < ALIVE_EVERY_S:
            return []
        self._alive_checked = now
        got: list[Incoming] = []
        working = [b for b in self._addr if b not in self._ended and b not in self._lost]
        for b in self._roster.gone(working, self._client):
            self._lost.add(b)
            lost = self._book.running_on(b)
            for k in lost:
                del self._book.runner[k]  # Dask will run it again elsewhere
            what = f"order #{self._book.number[lost[0]]} goes back to Dask's scheduler" \
                if lost else "it held no order"
            worker = f"worker {self._addr[b]} (pid {self._roster.pid[b]})"
            got.append((b, Gone(f"{worker} lost; {what}")))
        return got

    def _clock_off(self) -> list[Incoming]:
        """FINISHED for idle baristas that no order in flight can still reach."""
        got: list[Incoming] = []
        unplaced = self._book.unplaced()
        for b in sorted(self._idle - self._ended):
            if unplaced or self._book.running_on(b):
                continue
            if b not in self._started:
                self._started.add(b)
                got.append((b, ev.Event(ev.STARTED, b, self._roster.who(b),
                                        cpu_s=0.0, detail="no order for this worker")))
            got.append((b, ev.Event(ev.FINISHED, b, self._who(b), cpu_s=self._cpu_done[b],
                                    detail="cancelled" if self.cancelled else "")))
        return got

    def _wait(self, timeout: float | None) -> bool:
        deadline = time.perf_counter() + (JOIN_S if timeout is None else timeout)
        while self._book.futures and time.perf_counter() < deadline:
            time.sleep(0.02)
        return not self._book.futures

    def _stop_all(self) -> None:
        """Cancel what is in flight; the cluster stays warm (dask_cluster closes it)."""
        self._send_cancel(0)
        try:
            self._client.cancel(list(self._book.futures.values()))
            self._client.unsubscribe_topic(self._topic)
        except Exception:  # noqa: BLE001 - workers may be gone
            pass
        self._book.futures.clear()


__all__ = ["DaskCrew"]
