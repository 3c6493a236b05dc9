"""The haul recipe: each order carries a big payload that the barista must read (and total).

    customer: make_payload(n) -> one list of n ints, carried by every order (outside the wall)
    threads, sequential, asyncio: the order holds a reference: nothing moves
    processes: the counter stamps the order (sent_t) and sends it down the barista's pipe:
        pickle (engine) -> pipe -> unpickle (barista); arrived - sent_t = moving data
    processes --share: lessons.prepare fills one shared-memory block once (inside the wall);
        orders carry only its name; the barista maps it and reads a memoryview
    barista: PROGRESS(phase PHASE_MOVE) when the data is in hand, then sum() = brewing
    after the run: lessons.Lesson.settle --HaulResult (moving seconds)--> RunResult.lesson

Moving data is timed from the moment the counter hands an order out until the barista has
it (deserialised, or mapped), with ``time.perf_counter``, which is one system-wide clock on
Linux and macOS.  Reading a memoryview of shared memory is slower than reading a list (each
item becomes a Python int as it is read): that cost stays in brewing, where it happens.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from dataclasses import dataclass

from chaishop.core.protocol.events import LessonResult

# Ints in one payload for 1-second orders: 5,000,000 (a 40 MB list of pointers plus its
# ints, ~25 MB pickled).  Memory, not time, bounds it, so it is not calibrated; shorter
# orders (--order-seconds, demo --speed) scale it down, never below MIN_INTS.
DEFAULT_INTS = 5_000_000
MIN_INTS = 10_000
ITEM = "q"  # shared memory holds signed 64-bit ints


class Spoiled(RuntimeError):
    """The payload did not arrive intact."""


@dataclass(frozen=True)
class SharedPayload:
    """What an order carries instead of the data when the crew shares memory."""

    name: str  # of the multiprocessing.shared_memory block
    count: int  # ints in it


def make_payload(count: int) -> list[int]:
    return list(range(count))


def expected_total(count: int) -> int:
    return count * (count - 1) // 2


def stamp(order):
    """The order as the counter hands it out: stamped if it carries data, else as it is."""
    if order is None or order.payload is None:
        return order
    return dataclasses.replace(order, sent_t=time.perf_counter())


class Filled:
    """One shared-memory block filled with the payload once (in the engine); unlinked on close."""

    def __init__(self, payload: list[int]):
        from array import array
        from multiprocessing import shared_memory

        self.count = len(payload)
        self.t0 = time.perf_counter()
        itemsize = array(ITEM).itemsize
        self.shm = shared_memory.SharedMemory(create=True, size=max(1, self.count * itemsize))
        view = self.shm.buf[:self.count * itemsize].cast(ITEM)
        view[:] = array(ITEM, payload)
        view.release()
        self.t1 = time.perf_counter()
        self.handle = SharedPayload(self.shm.name, self.count)

    def close(self) -> None:
        if self.shm is not None:
            shm, self.shm = self.shm, None
            shm.close()
            shm.unlink()


def _attach(name: str):
    """Map an existing block without making this process its owner.

    Before 3.13 attaching registers the block with the resource tracker, which would
    then unlink it (and warn) when this barista exits; the engine owns and unlinks it.
    """
    from multiprocessing import resource_tracker, shared_memory

    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name, track=False)
    real = resource_tracker.register
    resource_tracker.register = lambda *args, **kw: None
    try:
        return shared_memory.SharedMemory(name)
    finally:
        resource_tracker.register = real


class Opened:
    """The payload in the barista's hands: a list, or a view of shared memory (closed after)."""

    def __init__(self, payload):
        self.shm = None
        self.view = None
        if isinstance(payload, SharedPayload):
            self.shm = _attach(payload.name)
            self.view = self.shm.buf[:payload.count * 8].cast(ITEM)
            self.data = self.view
        else:
            self.data = payload

    def close(self) -> None:
        self.data = None
        if self.view is not None:
            self.view.release()
            self.view = None
        if self.shm is not None:
            self.shm.close()
            self.shm = None


def read(data, count: int) -> int:
    """The brewing: total every number; a payload that arrived wrong fails the order."""
    total = sum(data)
    if total != expected_total(count):
        raise Spoiled(f"payload arrived wrong: total {total}, expected {expected_total(count)}")
    return total


# -- what a haul run reports: its result, and the columns it adds to chaishop bench ------

@dataclass(frozen=True)
class HaulResult(LessonResult):
    """A haul run's moving time (``RunResult.lesson``)."""

    transfer_s: float  # wall seconds during which some order's data was moving
    barista_transfer_s: dict[int, float] = dataclasses.field(default_factory=dict)
    share: bool = False  # --share: processes read the payload from shared memory

    # chaishop bench (core.bench.tables): the CSV columns and the table's headings it adds
    KEYS = ("transfer_s", "transfer_share", "share")
    HEADERS = ("moving s", "moving %")

    def figures(self, wall_s: float) -> dict:
        moved = self.transfer_s or 0.0
        return {"transfer_s": round(moved, 4),
                "transfer_share": round(moved / wall_s, 3) if wall_s else 0.0,
                "barista_transfer_s": {b: round(s, 4) for b, s in self.barista_transfer_s.items()},
                "share": self.share}

    @staticmethod
    def cells(f: dict) -> list[str]:
        """The table cells of one row, from its ``figures``."""
        return [f"{f['transfer_s']:.3f}", f"{100 * f['transfer_share']:.0f} %"]

    @staticmethod
    def work(rows) -> str:
        """The bench title's description of the orders (rows: core.bench BenchRows)."""
        r = rows[0]
        how = "shared memory for processes" if r.figures.get("share") else "copied to processes"
        return f"{r.result.orders} orders, each carrying {r.result.size:,} ints · {how}"

    @staticmethod
    def notes(rows) -> list[str]:
        return ["", ("moving = wall seconds during which an order's data was being serialised, "
                     "sent or deserialised (or shared memory filled); 0 where nothing crosses.")]
