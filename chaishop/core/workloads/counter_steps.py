"""The counter recipe, barista side: one barista answers customers while the others brew.

    order #1  counter: waits for the others at the gate -> ALONE: replies with nobody brewing
                       -> opens the gate -> BUSY: replies until every other order is served
    orders 2+ brew (CPU-bound, the brew loop; --work grind: hashlib, C releasing the GIL),
              or with --block: #2 makes one blocking call
              (time.sleep or a CPU loop; --unblock: asyncio.to_thread or a process pool) and
              the rest wait politely; each waits at the gate first, then works

A reply is a short wait (``--io sleep``: time.sleep / asyncio.sleep; ``--io socket``: a real
round trip to core/workloads/echo.py) and its *lateness* is the wake-up measured minus the
wake-up intended.  Lateness goes out in batches (``Event.word = ("late", phase, samples)``,
about every BATCH_S), never one event per reply.

The gate (``Board``) is what the crew shares, lock-free: bytearrays for in-process crews,
multiprocessing RawArrays (shared memory) for processes, handed over at process start.
Subinterpreters get nothing shared: there the brewers start at once, and the counter has no
alone phase to show (its alone figures stay empty, and the lesson says why).
Import-light: barista processes and subinterpreters import it.
"""

from __future__ import annotations

import sys
import time

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import echo
from chaishop.core.workloads.recipes import BREW_CHUNK, GRIND, brew, grind

REPLY_S = 0.001  # each reply: a 1 ms wait, then the reply (the measurement)
ALONE_S = 0.4  # the counter alone: ~350 replies before anybody brews
BATCH_S = 0.05  # lateness goes out this often, as a tuple of samples
MAX_BATCH = 200  # ...or when a batch is this big
GATE_SLICE_S = 0.005  # how often a barista at the gate looks again
READY_WAIT_S = 20.0  # the counter waits this long at most for the others to reach the gate
GATE_MAX_S = 60.0  # a barista waits this long at most for the gate (a counter that died)
BLOCK_CHUNK = 10 * BREW_CHUNK  # a blocking CPU call's chunk: ~50 ms of counting here
BLOCK_SLICE_S = 0.05  # a blocking sleep's slice (a cancel is noticed between slices)
SLOW_CALLBACK_S = 0.1  # asyncio debug mode warns about steps holding the loop this long

# Roles (the plan each order carries as its payload: a small dict, marshal-able for
# subinterpreters) and phases of the counter's replies.
COUNTER, BREWER, BLOCKER, WAITER = "counter", "brewer", "blocker", "waiter"
ALONE, BUSY = "alone", "busy"
LATE = "late"  # Event.word's first item: ("late", phase, (seconds, ...))
OPEN = "open"  # Event.word ("open", switch s): the gate opened, the others start now


class Board:
    """What the counter's crew shares: a gate byte, and for each order a byte "at the gate"
    and a byte "over".  Lock-free on purpose: each byte has one writer (its order's barista,
    or the engine for a barista that died), so a process killed mid-write (the k key is a
    SIGKILL) holds no lock that anybody else then waits for.  In-process crews get
    bytearrays; processes get multiprocessing RawArrays (shared memory, handed over at start).

    ``pool``: a process pool for ``--unblock process_pool`` (in-process crews only: it is
    not handed to processes).
    """

    def __init__(self, gate, arrived, over, pool=None):
        self.gate, self.arrived, self.over, self.pool = gate, arrived, over, pool
        self.others = len(over) - 2  # slots 0 and 1 are unused (no order 0; #1 is the counter)

    @classmethod
    def local(cls, orders: int) -> "Board":
        return cls(bytearray(1), bytearray(orders + 1), bytearray(orders + 1))

    def __getstate__(self) -> dict:
        return {"gate": self.gate, "arrived": self.arrived, "over": self.over, "pool": None,
                "others": self.others}

    def arrive(self, order: int) -> None:
        self.arrived[order] = 1

    def arrived_count(self) -> int:
        return sum(self.arrived)

    def open(self) -> None:
        self.gate[0] = 1

    def is_open(self) -> bool:
        return bool(self.gate[0])

    def served(self, order: int) -> None:
        self.over[order] = 1

    def orders_left(self) -> int:
        return self.others - sum(self.over)


class Batch:
    """Lateness samples of one phase, sent every BATCH_S as one event."""

    def __init__(self, rep, order: int, phase: str, fraction):
        self.rep, self.order, self.phase, self.fraction = rep, order, phase, fraction
        self.samples: list[float] = []
        self.sent_t = time.perf_counter()

    def add(self, late_s: float, now: float) -> None:
        self.samples.append(round(late_s, 6))
        if now - self.sent_t >= BATCH_S or len(self.samples) >= MAX_BATCH:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self.samples:
            self.rep.progress(self.order, self.fraction(), ev.PHASE_WAIT, force=True,
                              word=(LATE, self.phase, tuple(self.samples)))
            self.samples = []
        self.sent_t = time.perf_counter() if now is None else now


class Line:
    """How the counter waits for a customer: a sleep, or a round trip to the echo server."""

    def __init__(self, io: str, port: int, aio: bool):
        self.io, self.port, self.aio = io, port, aio
        self.sock = self.reader = self.writer = None

    def open(self):
        """Connect, if the line is a socket (a generator: asyncio tasks await the connect)."""
        if self.io != "socket":
            return
        if not self.port:
            raise RuntimeError("--io socket: the kitchen's echo server is not running")
        if self.aio:
            import asyncio

            async def connect() -> None:
                self.reader, self.writer = await asyncio.open_connection(echo.HOST, self.port)

            yield connect()
        else:
            self.sock = echo.connect(self.port)

    def reply(self, wait_s: float):
        """One reply: yields what the barista waits on (seconds, or an awaitable)."""
        if self.io != "socket":
            yield wait_s
        elif self.aio:
            yield echo.ask_async(self.reader, self.writer, wait_s)
        else:
            echo.ask(self.sock, wait_s)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        if self.writer is not None:
            self.writer.close()


def replies(line: Line, batch: Batch, control, until, reply_s: float = REPLY_S):
    """Reply again and again until ``until()``; each reply's lateness goes into ``batch``."""
    while not until():
        intended = time.perf_counter() + reply_s
        yield from line.reply(reply_s)
        now = time.perf_counter()
        batch.add(now - intended, now)
        control.check()
    batch.flush()


def counter_steps(order, plan: dict, rep, control, board: Board | None, aio: bool):
    """Order #1: the counter.  Alone first (the others wait at the gate), then busy."""
    if aio:  # asyncio's own witness: debug mode names every step that held the loop
        import asyncio

        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = SLOW_CALLBACK_S
    line = Line(plan["io"], plan.get("port", 0), aio)
    others = plan["others"] if board is not None else 0
    try:
        yield from line.open()
        t0 = time.perf_counter()
        while others and board.arrived_count() < others and time.perf_counter() - t0 < READY_WAIT_S:
            yield GATE_SLICE_S
            control.check()
        if board is not None or not plan["brewers"]:  # the others wait at the gate: alone
            t0 = time.perf_counter()
            alone_s = plan["alone_s"]
            alone = Batch(rep, order.number, ALONE, lambda: min(1.0, (time.perf_counter() - t0)
                                                                 / alone_s) * plan["alone_share"])
            yield from replies(line, alone, control, lambda: time.perf_counter() - t0 >= alone_s)
        if board is not None:
            board.open()
        if plan["brewers"]:
            rep.progress(order.number, plan["alone_share"], ev.PHASE_WAIT, force=True,
                         word=(OPEN, sys.getswitchinterval()))  # its own interpreter's interval
            yield from _busy(order, plan, rep, control, board, line)
    finally:
        if board is not None:
            board.open()  # never leave the others at a closed gate
        line.close()


def _busy(order, plan: dict, rep, control, board: Board | None, line: Line):
    """Reply while the others work: until every other order is served (the board says so),
    or, with nothing shared (subinterpreters), for one order's time."""
    t0 = time.perf_counter()
    total, share = max(1, plan["brewers"]), plan["alone_share"]
    if board is not None:
        until = lambda: board.orders_left() <= 0 or time.perf_counter() - t0 > plan["cap_s"]  # noqa: E731
        fraction = lambda: share + (1 - share) * (1 - max(0, board.orders_left()) / total)  # noqa: E731
    else:
        until = lambda: time.perf_counter() - t0 >= order.order_s  # noqa: E731
        fraction = lambda: share + (1 - share) * min(1.0, (time.perf_counter() - t0) / order.order_s)  # noqa: E731
    yield from replies(line, Batch(rep, order.number, BUSY, fraction), control, until)


def at_gate(order: int, board: Board | None, control):
    """A brewer (or blocker, or waiter) waits until the counter opens the gate (it looks
    every GATE_SLICE_S: sleeping, it needs no GIL and no core meanwhile)."""
    if board is None:
        return
    board.arrive(order)
    t0 = time.perf_counter()
    while not board.is_open() and time.perf_counter() - t0 < GATE_MAX_S:
        yield GATE_SLICE_S
        control.check()


def other_steps(order, plan: dict, rep, control, board: Board | None, aio: bool):
    """Orders 2+: brew, make the blocking call, or wait politely; the gate first."""
    yield from at_gate(order.number, board, control)
    role = plan["role"]
    if role == BREWER and plan.get("work") == GRIND:  # hashlib: C code that lets go of the GIL
        _brew(order.number, order.size, rep, control, 1, grind)
    elif role == BREWER:
        _brew(order.number, order.size, rep, control)
    elif role == BLOCKER:
        yield from _block(order, plan, rep, control, board, aio)
    else:  # a polite wait: time.sleep / asyncio.sleep in slices
        end = time.perf_counter() + order.order_s
        while (left := end - time.perf_counter()) > 0:
            yield min(BLOCK_SLICE_S, left)
            rep.progress(order.number, 1 - left / order.order_s, ev.PHASE_WAIT)
            control.check()
    if board is not None:
        board.served(order.number)


def _brew(number: int, iterations: int, rep, control, chunk: int = BREW_CHUNK, work=brew) -> None:
    """The brew loop (or grind steps) in chunks; an asyncio task never awaits here (it holds
    the loop)."""
    left = total = max(1, iterations)
    while left > 0:
        n = min(chunk, left)
        work(n)
        left -= n
        rep.progress(number, 1 - left / total, ev.PHASE_BREW)
        control.check()


def nap(seconds: float) -> None:
    """The blocking sleep (a module function: a process pool pickles it by name)."""
    time.sleep(seconds)


def _block(order, plan: dict, rep, control, board: Board | None, aio: bool):
    """One barista's blocking call, made directly or handed off (``plan["unblock"]``)."""
    cpu = plan["block"] == "cpu"
    fn, total = (brew, max(1, order.size)) if cpu else (nap, order.order_s)
    step = BLOCK_CHUNK if cpu else BLOCK_SLICE_S
    pool = board.pool if board is not None else None
    how = plan["unblock"]
    phase = ev.PHASE_BREW if cpu else ev.PHASE_WAIT
    done = 0
    while done < total:
        part = min(step, total - done)
        if aio and how == "to_thread":
            import asyncio

            yield asyncio.to_thread(fn, part)
        elif how == "process_pool" and pool is not None:
            if aio:
                import asyncio

                yield asyncio.get_running_loop().run_in_executor(pool, fn, part)
            else:
                pool.submit(fn, part).result()
        else:
            fn(part)  # directly: an asyncio task holds the loop right here
        done += part
        rep.progress(order.number, done / total, phase)
        control.check()
