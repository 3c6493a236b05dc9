"""Process baristas: one OS process each, with its own interpreter and GIL.

    engine                                   barista process (x N)
    ------                                   ---------------------
    counter (deque of orders)  <--NEXT----   serve(): asks for an order
                                --Order-->   brews / waits in chunks
    events() <--Event---------------------   reports started/taken/progress/done
             --CANCEL-->                     polled between chunks
    sentinel (process exit) ----------------> a barista that dies silently fails

One duplex pipe per barista: no shared locks or semaphores, so nothing for
multiprocessing's resource tracker to track, and a dead barista is seen at once
through its process sentinel.  The counter hands out the next order on request:
a shared queue with the engine as its clerk.
"""

from __future__ import annotations

import collections
import multiprocessing.connection
import os
import signal
import time

from chaishop.core import events as ev
from chaishop.core import mp
from chaishop.core.barista import Cancelled, Control, serve
from chaishop.core.crews.base import JOIN_S, join_all, Crew
from chaishop.core.recipes import Order

NEXT = "next"  # barista -> engine: give me the next order
CANCEL = "cancel"  # engine -> barista: stop at your next chunk


def barista_process(barista: int, conn: multiprocessing.connection.Connection,
                    timeout_s: float | None) -> None:
    """Entry point of a barista process."""
    mp.child_init()
    name = multiprocessing.current_process().name
    cancelled = False

    def check_cancelled() -> bool:
        nonlocal cancelled
        while not cancelled and conn.poll():
            if conn.recv() == CANCEL:
                cancelled = True
        return cancelled

    def next_order() -> Order | None:
        conn.send(NEXT)
        msg = conn.recv()  # the next Order, None when there is none, or CANCEL
        if msg == CANCEL:
            raise Cancelled()
        return msg

    try:
        serve(barista, f"{name} · pid {os.getpid()}", next_order, conn.send,
              Control(check_cancelled, timeout_s=timeout_s), time.process_time)
    except (BrokenPipeError, EOFError, OSError):
        pass  # the engine is gone: nobody to report to
    finally:
        conn.close()


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "vanished"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"process exited with code {code}"


class ProcessCrew(Crew):
    mode = "processes"
    out_of_process = True

    def _start(self, orders: list[Order]) -> None:
        ctx = mp.context()
        self._counter = collections.deque(orders)
        self._procs: dict[int, multiprocessing.process.BaseProcess] = {}
        self._conns: dict[int, multiprocessing.connection.Connection] = {}
        self._names: dict[int, str] = {}
        self._cancel_sent = False
        self._killed: set[int] = set()
        for b in range(1, self.baristas + 1):
            ours, theirs = ctx.Pipe(duplex=True)
            p = ctx.Process(target=barista_process, args=(b, theirs, self.timeout_s),
                            name=f"Barista-{b}", daemon=True)
            p.start()
            theirs.close()
            self._procs[b] = p
            self._conns[b] = ours

    def _send(self, barista: int, msg) -> None:
        try:
            self._conns[barista].send(msg)
        except (BrokenPipeError, OSError):
            pass  # that barista is gone; its sentinel will tell

    def _next_events(self, timeout: float) -> list[ev.Event]:
        if self.cancelled and not self._cancel_sent:
            self._cancel_sent = True
            for b in self.working():
                self._send(b, CANCEL)
        for b in self._knocked - self._ended - self._killed:
            self._kill(b)
        live = {b: c for b, c in self._conns.items() if b not in self._ended}
        by_handle = {c: b for b, c in live.items()}
        by_sentinel = {self._procs[b].sentinel: b for b in live}
        ready = multiprocessing.connection.wait(list(by_handle) + list(by_sentinel), timeout)
        got: list[ev.Event] = []
        for b in sorted(by_handle[r] for r in ready if r in by_handle):
            got.extend(self._drain(b))
        for b in sorted(by_sentinel[r] for r in ready if r in by_sentinel):
            got.extend(self._drain(b))
            if not any(e.barista == b and e.kind in ev.TERMINAL_KINDS for e in got):
                p = self._procs[b]
                p.join(JOIN_S)
                got.append(ev.Event(ev.FAILED, b, self._names.get(b, p.name),
                                    detail=_exit_reason(p.exitcode)))
        return got

    def _drain(self, barista: int) -> list[ev.Event]:
        conn = self._conns[barista]
        got: list[ev.Event] = []
        try:
            while conn.poll():
                msg = conn.recv()
                if msg == NEXT:
                    order = None if self.cancelled or not self._counter else self._counter.popleft()
                    self._send(barista, order)
                elif isinstance(msg, ev.Event):
                    if msg.kind == ev.STARTED:
                        self._names[barista] = msg.who
                    got.append(msg)
        except (EOFError, OSError):
            pass  # closed: the sentinel tells why
        return got

    def _who(self, barista: int) -> str:
        return self._names.get(barista, super()._who(barista))

    def _kill(self, barista: int) -> None:
        """SIGKILL one barista process: the OS frees whatever it held."""
        self._killed.add(barista)
        try:
            self._procs[barista].kill()
        except (ProcessLookupError, ValueError):
            pass  # already gone (or already closed)

    def _abandon(self, barista: int) -> None:
        super()._abandon(barista)
        self._kill(barista)

    def _wait(self, timeout: float | None) -> bool:
        return join_all(list(self._procs.values()), timeout)

    def _shutdown(self) -> None:
        """Ask nicely, then terminate, then kill; always join and close the pipes."""
        for b in self._procs:
            self._send(b, CANCEL)
        if not self._wait(JOIN_S):
            for p in self._procs.values():
                if p.is_alive():
                    p.terminate()
            if not self._wait(JOIN_S):
                for p in self._procs.values():
                    if p.is_alive():
                        p.kill()
                self._wait(JOIN_S)
        for p in self._procs.values():
            if not p.is_alive():
                p.close()
        for c in self._conns.values():
            c.close()
