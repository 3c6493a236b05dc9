"""Subinterpreter baristas: one interpreter each, with its own GIL, on its own thread.

    engine (events())                          host thread "Barista-N" (x N)
    -----------------                          -----------------------------
                                               creates an isolated interpreter
                                               runs barista_main() inside it:
    counter (deque) <--NEXT---- events pipe ---  serve() asks for an order
                    --Order---> orders pipe -->  brews / waits in chunks
    events()        <--Event--- events pipe ---  started/taken/progress/done
                    --CANCEL/KNOCK--> orders pipe  polled between chunks
    EOF on the events pipe <------------------   the host closes its ends when the
                                                 interpreter is done (FAILED if silent)

Everything stays in the engine process: the interpreters share no objects, so
they talk through two ``os.pipe`` per barista carrying length-prefixed
``marshal``-ed tuples (pipes work the same on 3.12, 3.13 and 3.14).  Each interpreter has its own
GIL, so brewing runs in parallel like processes, while CPU time is this
process's (``time.thread_time`` in each host thread for per-barista CPU).

Start-up (creating the interpreter and importing ``chaishop.core.barista``
inside it, ~50-70 ms here) ends with the STARTED event, so the stopwatch
reports it in ``RunResult.startup_s``, apart from the brewing.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import marshal
import os
import select
import struct
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable

from chaishop.core import events as ev
from chaishop.core.barista import Cancelled, Control, serve
from chaishop.core.crews.base import JOIN_S, join_all, Crew
from chaishop.core.recipes import Order

NEXT = "next"  # barista -> engine: give me the next order
CANCEL = "cancel"  # engine -> barista: stop at your next chunk
KNOCK = "knock"  # engine -> barista: fail at your next chunk (the k key)

ORDER = "order"  # engine -> barista: (ORDER, fields of the Order) or (ORDER, None)
EVENT = "event"  # barista -> engine: (EVENT, fields of the Event)

_HEADER = struct.Struct(">I")  # length prefix of one message
_READ_SIZE = 65536  # one pipe's worth: drain it in one read

# CPython 3.12.1 aborts at exit ("free(): invalid pointer") once a
# subinterpreter has imported _asyncio or ssl (measured).  asyncio, which
# chaishop.core.barista imports for serve_async, works without both, and
# subinterpreter baristas never use it: block them there on 3.12.
_BLOCKED_ON_312 = ("_asyncio", "ssl")


# -- inside the subinterpreter ------------------------------------------------

def _event_msg(e: ev.Event) -> tuple:
    return (EVENT, tuple(getattr(e, f.name) for f in dataclasses.fields(e)))


def _order_msg(order: Order | None) -> tuple:
    return (ORDER, None if order is None else dataclasses.astuple(order))


class _Link:
    """Length-prefixed ``marshal`` messages over two pipe ends (one per direction).

    Messages are tuples of plain values, not pickles: on CPython 3.12.1,
    pickling strings in a subinterpreter that had imported socket (through
    multiprocessing) aborted the whole process at exit (measured); marshal
    showed no such trouble, and plain tuples are all the protocol needs.
    """

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd = read_fd
        self.write_fd = write_fd

    def send(self, msg: tuple) -> None:
        data = marshal.dumps(msg)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.write_fd, view):]

    def _read_exactly(self, n: int) -> bytes:
        chunks = []
        while n:
            chunk = os.read(self.read_fd, n)
            if not chunk:
                raise EOFError("the engine closed the pipe")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def recv(self) -> tuple:
        (size,) = _HEADER.unpack(self._read_exactly(_HEADER.size))
        return marshal.loads(self._read_exactly(size))

    def ready(self) -> bool:
        return bool(select.select([self.read_fd], [], [], 0)[0])


def barista_main(barista: int, interp_id: int, orders_fd: int, events_fd: int,
                 timeout_s: float | None) -> None:
    """What runs inside one subinterpreter: serve() with a pipe for a counter."""
    link = _Link(orders_fd, events_fd)
    flags = {CANCEL: False, KNOCK: False}

    def absorb(msg: tuple) -> None:
        if msg[0] in flags:
            flags[msg[0]] = True

    def cancelled() -> bool:
        while not flags[CANCEL] and link.ready():
            absorb(link.recv())
        return flags[CANCEL]

    def next_order() -> Order | None:
        link.send((NEXT,))
        while True:
            msg = link.recv()
            if msg[0] == ORDER:
                return None if msg[1] is None else Order(*msg[1])
            absorb(msg)
            if msg[0] == CANCEL:
                raise Cancelled()
            # a knock-out is noticed at the next chunk; the order is still coming

    who = f"Barista-{barista} · interp {interp_id} · thread {threading.get_native_id()}"
    try:
        serve(barista, who, next_order, lambda e: link.send(_event_msg(e)),
              Control(cancelled, lambda: flags[KNOCK], timeout_s), time.thread_time)
    except (EOFError, OSError):
        pass  # the engine closed our pipes: nobody to report to


def _script(barista: int, interp_id: int, orders_fd: int, events_fd: int,
            timeout_s: float | None) -> str:
    """The source run in a fresh interpreter: plain literals, nothing shared."""
    blocked = _BLOCKED_ON_312 if sys.version_info < (3, 13) else ()
    return "\n".join([
        "import sys",
        f"sys.path[:] = {[p for p in sys.path if isinstance(p, str)]!r}",
        *(f"sys.modules[{name!r}] = None" for name in blocked),
        "from chaishop.core.crews.interpreters import barista_main",
        f"barista_main({barista!r}, {interp_id!r}, {orders_fd!r}, {events_fd!r}, {timeout_s!r})",
    ])


# -- which interpreters API this Python has -------------------------------------

@dataclass(frozen=True)
class _Backend:
    name: str
    create: Callable[[], object]  # -> a handle
    ident: Callable[[object], int]
    run: Callable[[object, str], str | None]  # -> None, or what the script raised
    destroy: Callable[[object], None]


def _backend_314():
    from concurrent import interpreters  # Python 3.14+: the public API (PEP 734)

    def run(interp, script: str) -> str | None:
        try:
            interp.exec(script)
        except interpreters.ExecutionFailed as exc:
            return str(exc.excinfo.formatted)
        return None

    return _Backend("concurrent.interpreters", interpreters.create, lambda i: i.id, run,
                    lambda i: i.close())


def _backend_313():
    import _interpreters  # Python 3.13

    def run(interp, script: str) -> str | None:
        failed = _interpreters.exec(interp, script)  # None, or a snapshot of the exception
        return None if failed is None else str(failed.formatted)

    return _Backend("_interpreters", lambda: _interpreters.create("isolated"), int, run,
                    _interpreters.destroy)


def _backend_312():
    import _xxsubinterpreters  # Python 3.12: isolated (own GIL) by default

    def run(interp, script: str) -> str | None:
        try:
            _xxsubinterpreters.run_string(interp, script)
        except _xxsubinterpreters.RunFailedError as exc:
            return str(exc)
        return None

    return _Backend("_xxsubinterpreters", _xxsubinterpreters.create, int, run,
                    _xxsubinterpreters.destroy)


@functools.cache
def _backend() -> tuple[_Backend | None, str]:
    if sys.version_info < (3, 12):
        return None, (f"subinterpreters with their own GIL need Python 3.12+ "
                      f"(this is {sys.version.split()[0]})")
    for load in (_backend_314, _backend_313, _backend_312):
        try:
            backend = load()
        except ImportError:
            continue
        return backend, f"via {backend.name}"
    return None, f"this Python {sys.version.split()[0]} has no subinterpreter module"


def interpreters_available() -> tuple[bool, str]:
    """(True, which API) where subinterpreter baristas can run, else (False, why not)."""
    backend, reason = _backend()
    return backend is not None, reason


# -- in the engine ---------------------------------------------------------------

class _Lane:
    """The engine's end of one barista's pipes."""

    def __init__(self):
        self.events_r, self.events_w = os.pipe()  # barista -> engine
        self.orders_r, self.orders_w = os.pipe()  # engine -> barista
        self.buffer = bytearray()
        self.eof = False
        self.interp_id: int | None = None
        self.exit_reason = ""  # set by the host thread before it closes its ends

    def frames(self) -> list:
        out = []
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            end = _HEADER.size + size
            if len(self.buffer) < end:
                break
            out.append(marshal.loads(bytes(self.buffer[_HEADER.size:end])))
            del self.buffer[:end]
        return out

    def close_engine_ends(self) -> None:
        """Close our ends once (a second close could hit a reused fd number)."""
        for attr in ("orders_w", "events_r"):
            fd = getattr(self, attr)
            if fd >= 0:
                setattr(self, attr, -1)
                os.close(fd)


class InterpreterCrew(Crew):
    mode = "interpreters"

    def _start(self, orders: list[Order]) -> None:
        backend, reason = _backend()
        if backend is None:
            raise RuntimeError(f"subinterpreters are not available: {reason}")
        self._api = backend
        self._counter = collections.deque(orders)
        self._lanes = {b: _Lane() for b in range(1, self.baristas + 1)}
        self._names: dict[int, str] = {}
        self._told: set[int] = set()  # baristas sent a KNOCK
        self._cancel_sent = False
        self._threads = [threading.Thread(target=self._host, args=(b,), name=f"Barista-{b}",
                                          daemon=True) for b in self._lanes]
        for t in self._threads:
            t.start()

    def _host(self, barista: int) -> None:
        """One host thread: create the interpreter, run the barista in it, clean up."""
        lane = self._lanes[barista]
        interp = None
        try:
            interp = self._api.create()
            lane.interp_id = self._api.ident(interp)
            failed = self._api.run(interp, _script(barista, lane.interp_id, lane.orders_r,
                                                   lane.events_w, self.timeout_s))
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

    def interpreter_ids(self) -> dict[int, int]:
        return {b: lane.interp_id for b, lane in self._lanes.items() if lane.interp_id is not None}

    def _send(self, barista: int, msg: tuple) -> None:
        lane = self._lanes[barista]
        try:
            _Link(-1, lane.orders_w).send(msg)
        except OSError:
            pass  # that barista is gone; its EOF will tell

    def _next_events(self, timeout: float) -> list[ev.Event]:
        if self.cancelled and not self._cancel_sent:
            self._cancel_sent = True
            for b in self.working():
                self._send(b, (CANCEL,))
        for b in self._knocked - self._told:
            self._told.add(b)
            self._send(b, (KNOCK,))
        live = {lane.events_r: b for b, lane in self._lanes.items()
                if b not in self._ended and not lane.eof}
        if not live:
            time.sleep(timeout)
            return []
        ready, _, _ = select.select(list(live), [], [], timeout)
        got: list[ev.Event] = []
        for fd in ready:
            got.extend(self._drain(live[fd]))
        return got

    def _drain(self, barista: int) -> list[ev.Event]:
        lane = self._lanes[barista]
        try:
            data = os.read(lane.events_r, _READ_SIZE)
        except OSError:
            data = b""
        lane.buffer += data
        got: list[ev.Event] = []
        for msg in lane.frames():
            if msg[0] == NEXT:
                order = None if self.cancelled or not self._counter else self._counter.popleft()
                self._send(barista, _order_msg(order))
            elif msg[0] == EVENT:
                e = ev.Event(*msg[1])
                if e.kind == ev.STARTED:
                    self._names[barista] = e.who
                got.append(e)
        if not data:
            lane.eof = True
            if not any(e.kind in ev.TERMINAL_KINDS for e in got):
                got.append(ev.Event(ev.FAILED, barista, self._who(barista),
                                    detail=lane.exit_reason or "subinterpreter ended without a word"))
        return got

    def _who(self, barista: int) -> str:
        return self._names.get(barista, super()._who(barista))

    def _wait(self, timeout: float | None) -> bool:
        return join_all(self._threads, timeout)

    def _shutdown(self) -> None:
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


__all__ = ["InterpreterCrew", "barista_main", "interpreters_available"]
