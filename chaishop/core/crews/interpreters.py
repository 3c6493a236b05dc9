"""Subinterpreter baristas: one interpreter each, with its own GIL, on its own thread.

    engine (RemoteCrew)                        host thread "Barista-N" (x N)
    -------------------                        -----------------------------
                                               creates an isolated interpreter
                                               runs barista_main() inside it
    counter (deque) <--NEXT---- events pipe ---  (interpreter_barista.py)
                    --Order---> orders pipe -->  brews / waits in chunks
    events()        <--Event--- events pipe ---  started/taken/progress/done
                    --CANCEL/KNOCK--> orders pipe  polled between chunks
    EOF on the events pipe --Gone-------------   the host closes its ends when the
                                                 interpreter is done (FAILED if silent)

Everything stays in the engine process: the interpreters share no objects, so
they talk through two ``os.pipe`` per barista carrying length-prefixed
``marshal``-ed tuples (pipes work the same on 3.12, 3.13 and 3.14).  Each
interpreter has its own GIL, so brewing runs in parallel like processes, while
CPU time is this process's (``time.thread_time`` in each host thread for
per-barista CPU).  The API per Python version is in ``interpreter_api.py``.

Start-up (creating the interpreter, then importing the barista loop inside
it, which compiles it where no bytecode cache exists) ends with the STARTED
event, whose detail splits the two, so the stopwatch reports it in
``RunResult.startup_s``, apart from the brewing.
"""

from __future__ import annotations

import marshal
import os
import select
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from chaishop.core.protocol import events as ev
from chaishop.core import bytecode
from chaishop.core.crews.base import JOIN_S, join_all
from chaishop.core.crews.interpreter_api import backend, interpreters_available
from chaishop.core.crews.interpreter_barista import (BOOT, EVENT, HEADER, Link, order_msg)
from chaishop.core.protocol.remote import CANCEL, KNOCK, NEXT
from chaishop.core.crews.remote import Gone, Incoming, RemoteCrew
from chaishop.core.workloads.recipes import Order

_READ_SIZE = 65536  # one pipe's worth: drain it in one read

# CPython 3.12.1 aborts at exit ("free(): invalid pointer") once a
# subinterpreter has imported _asyncio or ssl (measured).  Subinterpreter
# baristas import neither (crews load lazily; the barista loop imports asyncio
# only for asyncio tasks); blocking them keeps it so if an import slips in.
_BLOCKED_ON_312 = ("_asyncio", "ssl")


def _script(barista: int, interp_id: int, orders_fd: int, events_fd: int,
            timeout_s: float | None, cache: Path | None = None) -> str:
    """The source run in a fresh interpreter: plain literals, nothing shared.

    ``cache`` is the shop's bytecode folder (core/bytecode.py), None where it cannot be had.
    """
    blocked = _BLOCKED_ON_312 if sys.version_info < (3, 13) else ()
    return "\n".join([
        "import sys, time",
        "_t0 = time.perf_counter()",
        f"sys.path[:] = {[p for p in sys.path if isinstance(p, str)]!r}",
        *(f"sys.modules[{name!r}] = None" for name in blocked),
        *bytecode.script_head(cache),
        "from chaishop.core.crews.interpreter_barista import barista_main",
        *bytecode.script_tail(),
        f"barista_main({barista!r}, {interp_id!r}, {orders_fd!r}, {events_fd!r}, {timeout_s!r},"
        " time.perf_counter() - _t0, len(_compiled))",
    ])


class _Lane:
    """The engine's end of one barista's pipes."""

    def __init__(self):
        self.events_r, self.events_w = os.pipe()  # barista -> engine
        self.orders_r, self.orders_w = os.pipe()  # engine -> barista
        self.buffer = bytearray()
        self.eof = False
        self.create_s = 0.0  # creating the interpreter (host thread)
        self.import_s = 0.0  # importing inside it (the BOOT message)
        self.compiled = 0  # modules it compiled from source while importing (the BOOT message)
        self.exit_reason = ""  # set by the host thread before it closes its ends

    def frames(self) -> list:
        out = []
        while len(self.buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buffer)
            end = HEADER.size + size
            if len(self.buffer) < end:
                break
            out.append(marshal.loads(bytes(self.buffer[HEADER.size:end])))
            del self.buffer[:end]
        return out

    def close_engine_ends(self) -> None:
        """Close our ends once (a second close could hit a reused fd number)."""
        for attr in ("orders_w", "events_r"):
            fd = getattr(self, attr)
            if fd >= 0:
                setattr(self, attr, -1)
                os.close(fd)


class InterpreterCrew(RemoteCrew):
    mode = "interpreters"

    def _launch(self) -> None:
        found, reason = backend()
        if found is None:
            raise RuntimeError(f"subinterpreters are not available: {reason}")
        self._api = found
        self._cache, self._no_cache = bytecode.usable_dir()
        self._lanes = {b: _Lane() for b in range(1, self.baristas + 1)}
        self._threads = [threading.Thread(target=self._host, args=(b,), name=f"Barista-{b}",
                                          daemon=True) for b in self._lanes]
        for t in self._threads:
            t.start()

    def _host(self, barista: int) -> None:
        """One host thread: create the interpreter, run the barista in it, clean up."""
        lane = self._lanes[barista]
        interp = None
        try:
            t0 = time.perf_counter()
            interp = self._api.create()
            lane.create_s = time.perf_counter() - t0
            self.launched[barista] = time.perf_counter()  # created; next: import and run
            failed = self._api.run(interp, _script(barista, self._api.ident(interp), lane.orders_r,
                                                   lane.events_w, self.timeout_s, self._cache))
            if failed:
                lane.exit_reason = f"subinterpreter failed: {failed.strip().splitlines()[-1]}"
        except BaseException as exc:  # noqa: BLE001 - reported as a FAILED event
            lane.exit_reason = f"subinterpreter failed: {type(exc).__name__}: {exc}"
        finally:
            if interp is not None:
                try:
                    self._api.destroy(interp)
                except Exception as exc:  # noqa: BLE001
                    lane.exit_reason = lane.exit_reason or f"could not destroy: {exc}"
            os.close(lane.orders_r)
            os.close(lane.events_w)  # the engine sees EOF: this barista is gone

    def _send(self, barista: int, msg: tuple) -> None:
        try:
            Link(-1, self._lanes[barista].orders_w).send(msg)
        except OSError:
            pass  # that barista is gone; its EOF will tell

    def _send_order(self, barista: int, order: Order | None) -> None:
        self._send(barista, order_msg(order))

    def _send_cancel(self, barista: int) -> None:
        self._send(barista, (CANCEL,))

    def _knock(self, barista: int) -> None:
        self._send(barista, (KNOCK,))  # a subinterpreter cannot be killed: it fails at its next chunk

    def _receive(self, timeout: float) -> list[Incoming]:
        live = {lane.events_r: b for b, lane in self._lanes.items()
                if b not in self._ended and not lane.eof}
        if not live:
            time.sleep(timeout)
            return []
        ready, _, _ = select.select(list(live), [], [], timeout)
        got: list[Incoming] = []
        for fd in ready:
            got.extend(self._drain(live[fd]))
        return got

    def _drain(self, barista: int) -> list[Incoming]:
        lane = self._lanes[barista]
        try:
            data = os.read(lane.events_r, _READ_SIZE)
        except OSError:
            data = b""
        lane.buffer += data
        got: list[Incoming] = []
        for msg in lane.frames():
            if msg[0] == NEXT:
                got.append((barista, NEXT))
            elif msg[0] == BOOT:
                lane.import_s, lane.compiled = msg[1], msg[2]
            elif msg[0] == EVENT:
                e = ev.Event(*msg[1])
                if e.kind == ev.STARTED:
                    e = replace(e, detail=(f"creating the interpreter {lane.create_s:.3f} s, "
                                           f"importing {lane.import_s:.3f} s; "
                                           + bytecode.describe(self._cache, self._no_cache,
                                                               lane.compiled)))
                got.append((barista, e))
        if not data:
            lane.eof = True
            got.append((barista, Gone(lane.exit_reason or "subinterpreter ended without a word")))
        return got

    def _wait(self, timeout: float | None) -> bool:
        return join_all(self._threads, timeout)

    def _stop_all(self) -> None:
        """Ask nicely; then close our pipe ends so a barista blocked on one gives up.

        A subinterpreter cannot be killed: one stuck inside a chunk is left
        behind (a daemon thread), like a thread barista.
        """
        for b in self._lanes:
            self._send(b, (CANCEL,))
        if not self._wait(JOIN_S):
            for lane in self._lanes.values():
                lane.close_engine_ends()
            self._wait(JOIN_S)
        for lane in self._lanes.values():
            lane.close_engine_ends()


__all__ = ["InterpreterCrew", "interpreters_available"]
