"""The till recipe: every barista rings up its cups on one till, and lost updates are counted.

    lessons.prepare (engine) --Shared(till, lock, ring)--> each barista (crew.shared)
    barista, per cup, "split" form:  c = till.cups; check(c); till.cups = c + 1
                      "plain" form:  till.cups += 1
        --PROGRESS / DONE (cups = rung so far, till = what the till showed)--> lessons.Ledger
    after the run the owner reads the shared till: counted; rung - counted = lost
        --TillResult--> RunResult.lesson (its bench columns live beside it, at the end)

How each mode really shares (``lessons.till_sharing``):

- sequential, threads, asyncio: one Python object, :class:`Till`, in the engine.  The lock is
  a ``threading.Lock`` (an ``asyncio.Lock`` for tasks).  In asyncio the split form puts an
  ``await asyncio.sleep(0)`` between read and write instead of a call: tasks switch only there.
- processes with ``--share``: a ``multiprocessing.Value('q')``; its lock is ``get_lock()``.
  (Its ``.value`` takes that lock for each read and each write, but not around both.)
- processes without ``--share``, subinterpreters and any mode that shares nothing: each barista
  rings on a till of its own; nothing is lost and the owner never sees those cups.

The GIL makes each bytecode atomic, not a read-modify-write: under it, ``+= 1`` on an attribute
happens not to be interrupted (3.11 checks for a thread switch only at calls and backward
jumps), while a call between read and write lets another thread in.  Free-threaded builds run
both at once, so the plain form loses too.  Nothing here adds a sleep or a yield that a
real program would not have: ``check`` is a plain call, as a log line or a validation would be.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

from chaishop.core.protocol.events import LessonResult

SPLIT = "split"  # read, a call (threads) or an await (asyncio), write
PLAIN = "plain"  # till.cups += 1

THREAD_LOCK, TASK_LOCK = "threading.Lock", "asyncio.Lock"  # the lock a barista makes (--lock wrong)

# How a mode's baristas share the till (lessons.till_sharing): a run's TillResult.sharing.
OBJECT, VALUE, OWN = "one Python object", "multiprocessing.Value", "a till each"

# Cups rung between two progress reports (and cancel checks): a few milliseconds of
# ringing for threads (~5-10 M cups/s here), and for asyncio tasks, whose split form
# awaits once per cup (~150 k cups/s here), a smaller chunk.
RING_CHUNK = 20_000
RING_CHUNK_ASYNC = 1_000
CALIBRATION_BUDGET_S = 0.15


class Till:
    """The crew's till in one process: a plain Python object with a counter."""

    def __init__(self) -> None:
        self.cups = 0


@dataclass
class Shared:
    """What a barista rings on.  ``till`` None: a till of its own (nothing shared)."""

    till: object | None = None  # a Till, or a multiprocessing Value('q') (processes)
    lock: object | None = None  # held around each update, or None
    ring: str = SPLIT
    own: bool = False  # True once a barista made a till of its own
    # --lock wrong: each barista makes a lock of its own (THREAD_LOCK or TASK_LOCK) to hold
    # around its updates: a real lock, that nobody else ever takes.
    own_lock: str = ""


def check(cups: int) -> int:
    """What sits between read and write in the split form: one ordinary call."""
    return cups


# -- one loop per form: the bytecode between read and write is the whole point --------

def _object_split(till, n: int, lock) -> None:
    for _ in range(n):
        c = till.cups
        check(c)
        till.cups = c + 1


def _object_plain(till, n: int, lock) -> None:
    for _ in range(n):
        till.cups += 1


def _object_split_locked(till, n: int, lock) -> None:
    for _ in range(n):
        with lock:
            c = till.cups
            check(c)
            till.cups = c + 1


def _object_plain_locked(till, n: int, lock) -> None:
    for _ in range(n):
        with lock:
            till.cups += 1


def _value_split(value, n: int, lock) -> None:
    for _ in range(n):
        c = value.value
        check(c)
        value.value = c + 1


def _value_plain(value, n: int, lock) -> None:
    for _ in range(n):
        value.value += 1


def _value_split_locked(value, n: int, lock) -> None:
    for _ in range(n):
        with lock:
            c = value.value
            check(c)
            value.value = c + 1


def _value_plain_locked(value, n: int, lock) -> None:
    for _ in range(n):
        with lock:
            value.value += 1


_RINGERS = {
    (False, SPLIT, False): _object_split, (False, PLAIN, False): _object_plain,
    (False, SPLIT, True): _object_split_locked, (False, PLAIN, True): _object_plain_locked,
    (True, SPLIT, False): _value_split, (True, PLAIN, False): _value_plain,
    (True, SPLIT, True): _value_split_locked, (True, PLAIN, True): _value_plain_locked,
}


def is_value(till: object) -> bool:
    return not isinstance(till, Till)


def reading(till: object) -> int:
    """What the till shows now."""
    return till.value if is_value(till) else till.cups


def for_barista(shared: Shared | None, ring: str = SPLIT) -> Shared:
    """The barista's view: the crew's till, or (nothing shared) a till of its own.  What
    another lesson shares (core/workloads/lesson_kind.py) passes through as it is."""
    if shared is not None and not isinstance(shared, Shared):
        return shared
    if shared is None:
        shared = Shared(ring=ring)
    if shared.till is None:
        return Shared(Till(), None, shared.ring, own=True)
    if shared.own_lock:  # the wrong lock: one of its own, around the shared till
        if shared.own_lock == TASK_LOCK:
            import asyncio

            return Shared(shared.till, asyncio.Lock(), shared.ring)
        import threading

        return Shared(shared.till, threading.Lock(), shared.ring)
    return shared


def ring(shared: Shared, cups: int, report: Callable[[int], None], check_cancel: Callable[[], None]) -> None:
    """Ring up ``cups`` cups in chunks; ``report(rung_in_this_order)`` after each chunk."""
    ringer = _RINGERS[(is_value(shared.till), shared.ring, shared.lock is not None)]
    done = 0
    while done < cups:
        n = min(RING_CHUNK, cups - done)
        ringer(shared.till, n, shared.lock)
        done += n
        report(done)
        check_cancel()


def ring_async(shared: Shared, cups: int, report: Callable[[int], None],
               check_cancel: Callable[[], None]) -> Iterator[object]:
    """The asyncio form: yields 0.0 (``await asyncio.sleep(0)``) or ``lock.acquire()`` to await.

    Only what is yielded is awaited: without the split form a task never lets another in
    between read and write, and nothing is lost.
    """
    till, lock, split = shared.till, shared.lock, shared.ring == SPLIT
    done = 0
    while done < cups:
        n = min(RING_CHUNK_ASYNC, cups - done)
        for _ in range(n):
            if lock is not None:
                yield lock.acquire()
            try:
                c = till.cups
                if split:
                    yield 0.0
                till.cups = c + 1
            finally:
                if lock is not None:
                    lock.release()
        done += n
        report(done)
        check_cancel()


def _rate(ringer: Callable, budget_s: float) -> float:
    from chaishop.core.workloads.recipes import best_rate

    till = Till()
    return best_rate(lambda n: ringer(till, n, None), 20_000, budget_s)


def _rate_async(ring_form: str, budget_s: float) -> float:
    import asyncio

    async def measure() -> float:
        shared = Shared(Till(), None, ring_form)
        n, spent, best = 500, 0.0, 0.0
        while spent < budget_s:
            t0 = time.perf_counter()
            for step in ring_async(shared, n, lambda _: None, lambda: None):
                await asyncio.sleep(step) if isinstance(step, float) else await step
            dt = time.perf_counter() - t0
            spent += dt
            best = max(best, n / dt) if dt > 0 else best
            if dt < budget_s / 6:
                n *= 2
        return best

    return asyncio.run(measure())


_calibrated: dict[tuple[bool, str], float] = {}


def calibrate(order_s: float, aio: bool, ring_form: str = SPLIT,
              budget_s: float = CALIBRATION_BUDGET_S) -> int:
    """Cups one barista rings, alone and without a lock, in about ``order_s`` (measured once)."""
    key = (aio, ring_form)
    if key not in _calibrated:
        _calibrated[key] = (_rate_async(ring_form, budget_s) if aio else
                            _rate(_RINGERS[(False, ring_form, False)], budget_s))
    return max(1, int(_calibrated[key] * order_s))


# -- what a till run reports: its result, and the columns it adds to chaishop bench ------

@dataclass(frozen=True)
class TillResult(LessonResult):
    """A till run's count (``RunResult.lesson``): every cup rung, and what the till kept."""

    cups_rung: int
    cups_counted: int  # on the shared till (or the baristas' own tills)
    cups_lost: int  # rung but not counted: lost updates
    sharing: str  # how this mode's baristas share the till: OBJECT, VALUE or OWN
    lock: bool = False  # the mode's lock around each update
    share: bool = False  # --share: processes ring on a multiprocessing.Value
    wrong_lock: bool = False  # with lock: each barista held a lock of its own (--lock wrong)

    # chaishop bench (core.bench.tables): the CSV columns and the table's headings it adds
    KEYS = ("cups_rung", "cups_counted", "cups_lost", "till", "lock", "wrong_lock")
    HEADERS = ("cups rung", "counted", "lost", "till")

    def figures(self, wall_s: float) -> dict:
        return {"cups_rung": self.cups_rung, "cups_counted": self.cups_counted,
                "cups_lost": self.cups_lost, "till": self.sharing, "lock": self.lock,
                "share": self.share, "wrong_lock": self.wrong_lock}

    @staticmethod
    def cells(f: dict) -> list[str]:
        """The table cells of one row, from its ``figures``."""
        rung, lost = f["cups_rung"] or 0, f["cups_lost"] or 0
        pct = f" ({100 * lost / rung:.0f} %)" if rung else ""
        return [f"{rung:,}", f"{f['cups_counted']:,}", f"{lost:,}{pct}", f["till"]]

    @staticmethod
    def work(rows) -> str:
        """The bench title's description of the orders (rows: core.bench BenchRows)."""
        r = rows[0]
        cups = " or ".join(f"{s:,}" for s in sorted({row.result.size for row in rows}))
        lock = "with the mode's lock" if r.figures.get("lock") else "no lock"
        if r.figures.get("lock") and r.figures.get("wrong_lock"):
            lock = "the wrong lock: each barista a lock of its own"
        return f"{r.result.orders} orders of {cups} cups each (calibrated per mode) · {lock}"

    @staticmethod
    def notes(rows) -> list[str]:
        notes = ["", ("lost = cups rung but not counted: two baristas read the same count and "
                      "both wrote it back plus one.")]
        if any(row.figures.get("wrong_lock") for row in rows):
            notes.append("--lock wrong: each barista held a lock of its own; a lock protects data "
                         "only if everyone who touches the data takes the same lock.")
        if any(row.figures.get("till") == OWN for row in rows):
            notes.append("'a till each': nothing shared, so nothing lost; the owner sees none "
                         "of those cups (--share gives processes a multiprocessing.Value).")
        return notes
