"""Process baristas: one OS process each, with its own interpreter and GIL.

    engine (RemoteCrew)                      barista process (x N)
    -------------------                      ---------------------
    counter (deque of orders)  <--NEXT----   work_shift(): asks for an order
                                --Order-->   brews / waits in chunks
    events() <--Event---------------------   reports started/taken/progress/done
             --CANCEL-->                     polled between chunks
    sentinel (process exit) ----Gone-------> a barista that dies silently fails

One duplex pipe per barista: no shared locks or semaphores, so nothing for
multiprocessing's resource tracker to track, and a dead barista is seen at once
through its process sentinel.  The protocol is RemoteCrew's; this module is
only the transport (pipes, processes, signals).
"""

from __future__ import annotations

import multiprocessing.connection
import os
import signal
import time

from chaishop.core.protocol import events as ev
from chaishop.core.kitchen import mp
from chaishop.core.engine.barista import work_shift
from chaishop.core.engine.control import Cancelled, Control
from chaishop.core.crews.base import JOIN_S, join_all
from chaishop.core.protocol.remote import CANCEL, NEXT
from chaishop.core.crews.remote import Gone, Incoming, RemoteCrew
from chaishop.core.workloads.recipes import Order


def barista_process(barista: int, conn: multiprocessing.connection.Connection,
                    timeout_s: float | None, shared=None) -> None:
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
        work_shift(barista, f"{name} · pid {os.getpid()}", next_order, conn.send,
                   Control(check_cancelled, timeout_s=timeout_s), time.process_time, shared)
    except (BrokenPipeError, EOFError, OSError):
        pass  # the engine is gone: nobody to report to
    finally:
        conn.close()


def _exit_reason(p: multiprocessing.process.BaseProcess) -> str:
    code = p.exitcode
    if code == 255 and (how := mp.forkserver_gone()):
        # Not this barista's code: the forkserver that reports it is gone, and the
        # barista may still be brewing, cut off.  End it.
        try:
            os.kill(p.pid, signal.SIGKILL)
        except OSError:
            pass
        return f"the forkserver died ({how}): this barista was cut off"
    return "process " + mp.exit_reason(code) if code is not None and code >= 0 else mp.exit_reason(code)


class ProcessCrew(RemoteCrew):
    mode = "processes"
    out_of_process = True

    def _launch(self) -> None:
        ctx = mp.context()
        self._procs: dict[int, multiprocessing.process.BaseProcess] = {}
        self._conns: dict[int, multiprocessing.connection.Connection] = {}
        for b in range(1, self.baristas + 1):
            ours, theirs = ctx.Pipe(duplex=True)
            p = ctx.Process(target=barista_process, args=(b, theirs, self.timeout_s, self.shared),
                            name=f"Barista-{b}", daemon=True)
            p.start()
            self.launched[b] = time.perf_counter()
            theirs.close()
            self._procs[b] = p
            self._conns[b] = ours

    def _send(self, barista: int, msg) -> None:
        try:
            self._conns[barista].send(msg)
        except (BrokenPipeError, OSError):
            pass  # that barista is gone; its sentinel will tell

    def _send_order(self, barista: int, order: Order | None) -> None:
        self._send(barista, order)

    def _send_cancel(self, barista: int) -> None:
        self._send(barista, CANCEL)

    def _receive(self, timeout: float) -> list[Incoming]:
        live = {b: c for b, c in self._conns.items() if b not in self._ended}
        by_handle = {c: b for b, c in live.items()}
        by_sentinel = {self._procs[b].sentinel: b for b in live}
        ready = multiprocessing.connection.wait(list(by_handle) + list(by_sentinel), timeout)
        got: list[Incoming] = []
        for b in sorted(by_handle[r] for r in ready if r in by_handle):
            got.extend(self._drain(b))
        for b in sorted(by_sentinel[r] for r in ready if r in by_sentinel):
            got.extend(self._drain(b))
            p = self._procs[b]
            p.join(JOIN_S)
            got.append((b, Gone(_exit_reason(p))))
        return got

    def _drain(self, barista: int) -> list[Incoming]:
        conn = self._conns[barista]
        got: list[Incoming] = []
        try:
            while conn.poll():
                msg = conn.recv()
                if msg == NEXT or isinstance(msg, ev.Event):
                    got.append((barista, msg))
        except (EOFError, OSError):
            pass  # closed: the sentinel tells why
        return got

    def _knock(self, barista: int) -> None:
        """SIGKILL one barista process: the OS frees whatever it held."""
        try:
            self._procs[barista].kill()
        except (ProcessLookupError, ValueError):
            pass  # already gone (or already closed)

    def _abandon(self, barista: int) -> None:
        super()._abandon(barista)
        self._knock(barista)

    def _wait(self, timeout: float | None) -> bool:
        return join_all(list(self._procs.values()), timeout)

    def _stop_all(self) -> None:
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
