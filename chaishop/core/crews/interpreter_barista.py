"""What runs inside one subinterpreter, and the pipe messages it speaks.

    engine (InterpreterCrew)           this module, in a fresh interpreter
    ------------------------           -----------------------------------
    orders pipe  --(ORDER, fields)-->  next_order()
                 --(CANCEL,)/(KNOCK,)  polled between chunks
    events pipe  <--(BOOT, import_s,   once, before serving: what importing cost,
                      compiled)------  and how many modules it compiled (core/bytecode.py)
                 <--(NEXT,)----------  asks for an order
                 <--(EVENT, fields)--  started/taken/progress/done/finished

Each subinterpreter imports this module and what it needs (the barista loop,
events, recipes), reading their bytecode from the shop's cache (core/bytecode.py:
compiled once per machine), and imports as little as it can: no crews
package machinery, no asyncio.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import select
import struct
import threading
import time

from chaishop.core.protocol import events as ev
from chaishop.core.engine.barista import work_shift
from chaishop.core.engine.control import Cancelled, Control
from chaishop.core.protocol.remote import CANCEL, KNOCK, NEXT
from chaishop.core.workloads.recipes import Order

ORDER = "order"  # engine -> barista: (ORDER, fields of the Order) or (ORDER, None)
EVENT = "event"  # barista -> engine: (EVENT, fields of the Event)
BOOT = "boot"  # barista -> engine: (BOOT, seconds importing, modules compiled), before STARTED

HEADER = struct.Struct(">I")  # length prefix of one message


def event_msg(e: ev.Event) -> tuple:
    return (EVENT, tuple(getattr(e, f.name) for f in dataclasses.fields(e)))


def order_msg(order: Order | None) -> tuple:
    # Shallow: a haul payload is marshalled once by Link.send, not deep-copied first.
    return (ORDER, None if order is None else
            tuple(getattr(order, f.name) for f in dataclasses.fields(order)))


class Link:
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
        view = memoryview(HEADER.pack(len(data)) + data)
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
        (size,) = HEADER.unpack(self._read_exactly(HEADER.size))
        return marshal.loads(self._read_exactly(size))

    def ready(self) -> bool:
        return bool(select.select([self.read_fd], [], [], 0)[0])


def barista_main(barista: int, interp_id: int, orders_fd: int, events_fd: int,
                 timeout_s: float | None, import_s: float = 0.0, compiled: int = 0) -> None:
    """work_shift() with a pipe for a counter; ``import_s`` is what importing took,
    ``compiled`` how many modules had no cached bytecode."""
    link = Link(orders_fd, events_fd)
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
        link.send((BOOT, import_s, compiled))
        work_shift(barista, who, next_order, lambda e: link.send(event_msg(e)),
                   Control(cancelled, lambda: flags[KNOCK], timeout_s), time.thread_time)
    except (EOFError, OSError):
        pass  # the engine closed our pipes: nobody to report to
