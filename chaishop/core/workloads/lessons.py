"""Beyond the rule of thumb: the till and haul recipes, glued into a run.

    shop.Run.execute
        watch.start()
        lesson = prepare(spec, crew, orders)   the mode's shared till (crew.shared), or
                                               shared memory filled once (inside the wall)
        crew.start(lesson.orders)
        for e in crew.events(): lesson.observe(e)   cups rung, till readings, moving data
        result = lesson.settle(watch.stop(...))     RunResult.lesson: a till.TillResult (counted,
                                                    lost) or a haul.HaulResult (moving s); close()

Each lesson's result type, and the columns it adds to ``chaishop bench``, live with the
lesson (till.py, haul.py); ``RESULTS`` says which recipe reports which.

What is shared depends on the mode, never on the recipe (``till_sharing``): in-process crews
share Python objects; processes share only what is put in shared memory (``--share``);
subinterpreters and any other mode share nothing here, and each barista counts on its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import haul, till
from chaishop.core.workloads.lesson_kind import LessonRun, kind_of
from chaishop.core.menu import LESSONS, MODE, MOVING_DATA, RECIPE, SHARED_STATE

RECIPES = LESSONS  # the menu's recipes with a lesson (Recipe.lesson)
# Each lesson's RunResult.lesson; what a mode shares is the menu's (Mode.in_process: the
# engine's objects; Mode.shared_memory: --share; Mode.event_loop: an asyncio.Lock).
LESSON_RESULTS: dict[str, type] = {SHARED_STATE: till.TillResult, MOVING_DATA: haul.HaulResult}
RESULTS: dict[str, type] = {r: LESSON_RESULTS[RECIPE[r].lesson] for r in LESSONS}  # by recipe


def result_type(recipe: str) -> type | None:
    """The RunResult.lesson type ``recipe`` reports (its bench columns), None for none."""
    kind = kind_of(recipe) if recipe in RECIPE else None
    return kind.result if kind is not None else RESULTS.get(recipe)

# A till order rings for this share of --order-seconds (alone, unlocked): a lock costs
# 2-6x per cup (measured: threads 1.5 s vs 0.22 s for 2 M cups under contention), so a
# locked run still ends within seconds on a projector.
TILL_ORDER_SHARE = 0.25

OBJECT, VALUE, OWN = till.OBJECT, till.VALUE, till.OWN  # how a mode shares the till


def till_sharing(mode: str, share: bool) -> str:
    """How this mode's baristas share the till: OBJECT, VALUE or OWN (nothing shared)."""
    if MODE[mode].in_process:
        return OBJECT
    if MODE[mode].shared_memory and share:
        return VALUE
    return OWN


def lock_name(mode: str, share: bool, wrong: bool = False) -> str:
    kind = till_sharing(mode, share)
    if wrong and kind != OWN:  # --lock wrong: a real lock each, that nobody else takes
        return f"a{'n asyncio' if MODE[mode].event_loop else ' threading'}.Lock each (wrong)"
    if kind == OBJECT:
        return "asyncio.Lock" if MODE[mode].event_loop else "threading.Lock"
    return "Value.get_lock()" if kind == VALUE else "no lock: nothing is shared"


def haul_moves(mode: str, share: bool) -> str:
    """What crosses to the barista with each order, in words."""
    if MODE[mode].in_process:
        return "nothing moves: every barista reads the same list in this process"
    if MODE[mode].shared_memory and share:
        return "only a name: the data sits in shared memory, filled once"
    return "the whole list, copied (serialised, sent, deserialised) with each order"


def order_size(spec: ev.RunSpec) -> int:
    """An order's size in the recipe's own unit when none was given (``spec.size`` 0)."""
    kind = kind_of(spec.recipe)
    if kind is not None:
        return kind.order_size(spec)
    recipe, mode, brew_size, order_s = spec.recipe, spec.mode, spec.size, spec.order_s
    lesson = RECIPE[recipe].lesson
    if lesson == SHARED_STATE:
        return till.calibrate(order_s * TILL_ORDER_SHARE, MODE[mode].event_loop, spec.ring)
    if lesson == MOVING_DATA:  # shorter orders (demo --speed) carry proportionally less
        return max(haul.MIN_INTS, int(haul.DEFAULT_INTS * min(1.0, order_s)))
    return brew_size


@dataclass
class Ledger:
    """Each barista's latest word: cups rung, what its till showed, seconds spent moving data.
    The engine's Lesson keeps one to settle the run; the UI's lesson panel one to draw it live."""

    cups: dict[int, int] = dataclasses.field(default_factory=dict)
    readings: dict[int, int] = dataclasses.field(default_factory=dict)  # its till's latest
    transfer: dict[int, float] = dataclasses.field(default_factory=dict)
    read_at: dict[int, float] = dataclasses.field(default_factory=dict)  # when it read its till

    def observe(self, e: ev.Event) -> None:
        if e.cups is not None:
            self.cups[e.barista] = e.cups
        if e.till is not None:
            self.readings[e.barista] = e.till
            self.read_at[e.barista] = e.t
        if e.transfer_s is not None:
            self.transfer[e.barista] = e.transfer_s

    def shared_till(self) -> int:
        """The shared till as one reading that the cups rung (their sum) can be held against.

        Each barista's latest word is from its own instant.  The newest reading already holds
        cups the others rang after their latest word, so it can show more than the sum of the
        cups: "rung 5,812,688 · on the till 5,844,309".  The oldest latest reading cannot: by
        then every other barista had rung at most what it has reported since (an event is
        stamped after its till is read), and nobody puts on the till more than they ring.
        So: the newest reading the cups can account for; the oldest one always can (a barista
        that has finished leaves an old reading, which would overstate the loss)."""
        if not self.readings:
            return 0
        rung = sum(self.cups.values())
        newest_first = sorted(self.readings, key=lambda b: self.read_at.get(b, 0.0), reverse=True)
        return next((self.readings[b] for b in newest_first if self.readings[b] <= rung),
                    self.readings[newest_first[-1]])


class Lesson:
    """One run's till or haul bookkeeping (a no-op for every other recipe)."""

    def __init__(self, spec: ev.RunSpec, orders: list):
        self.spec = spec
        self.orders = orders
        self.active = bool(RECIPE[spec.recipe].lesson)
        self.shared: till.Shared | None = None
        self.filled: haul.Filled | None = None
        self.ledger = Ledger()
        self.taken_t: dict[int, float] = {}
        self.moving: list[tuple[float, float]] = []  # (start, end) of each move

    def observe(self, e: ev.Event) -> None:
        if not self.active:
            return
        self.ledger.observe(e)
        if e.kind == ev.TAKEN:
            self.taken_t[e.barista] = e.t
        elif e.kind == ev.PROGRESS and e.phase == ev.PHASE_MOVE and e.barista in self.taken_t:
            self.moving.append((self.taken_t.pop(e.barista), e.t))

    def settle(self, result: ev.RunResult) -> ev.RunResult:
        if not self.active:
            return result
        s = self.spec
        if RECIPE[s.recipe].lesson == SHARED_STATE:
            rung = sum(self.ledger.cups.values())
            kind = till_sharing(s.mode, s.share)
            if kind == OWN:  # each till is exact; the owner sees none of them
                counted = sum(self.ledger.readings.values())
            else:
                counted = till.reading(self.shared.till)
            lesson: ev.LessonResult = till.TillResult(rung, counted, max(0, rung - counted), kind,
                                                      lock=s.lock, share=s.share,
                                                      wrong_lock=s.lock and s.wrong_lock)
        else:
            spans = list(self.moving)
            if self.filled is not None:
                spans.append((self.filled.t0, self.filled.t1))
            lesson = haul.HaulResult(union_s(spans),
                                     {b: self.ledger.transfer.get(b, 0.0)
                                      for b in range(1, result.baristas + 1)}, share=s.share)
        return dataclasses.replace(result, lesson=lesson)

    def close(self) -> None:
        if self.filled is not None:
            self.filled.close()


def union_s(spans: list[tuple[float, float]]) -> float:
    """Seconds covered by at least one span (moves of two baristas may overlap)."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def prepare(spec: ev.RunSpec, crew, orders: list) -> Lesson | LessonRun:
    """Give the crew what its mode shares; called inside the stopwatch's window."""
    kind = kind_of(spec.recipe)
    if kind is not None:  # a lesson of its own (lesson_kind.py)
        run = kind.prepare(spec, crew, orders)
        crew.shared = run.shared
        return run
    lesson = Lesson(spec, orders)
    lesson_of = RECIPE[spec.recipe].lesson
    if lesson_of == SHARED_STATE:
        kind = till_sharing(spec.mode, spec.share)
        if kind == OBJECT:
            lock = None
            if spec.lock:
                if MODE[spec.mode].event_loop:
                    import asyncio

                    lock = asyncio.Lock()
                else:
                    import threading

                    lock = threading.Lock()
            lesson.shared = till.Shared(till.Till(), lock, spec.ring)
        elif kind == VALUE:
            from chaishop.core.kitchen import mp

            value = mp.context().Value("q", 0)
            lesson.shared = till.Shared(value, value.get_lock() if spec.lock else None, spec.ring)
        else:
            lesson.shared = till.Shared(None, None, spec.ring)
        if spec.lock and spec.wrong_lock and lesson.shared.till is not None:  # --lock wrong
            lesson.shared.lock = None
            lesson.shared.own_lock = till.TASK_LOCK if MODE[spec.mode].event_loop else till.THREAD_LOCK
        crew.shared = lesson.shared
    elif lesson_of == MOVING_DATA and spec.share and MODE[spec.mode].shared_memory and orders:
        lesson.filled = haul.Filled(orders[0].payload)
        lesson.orders = [dataclasses.replace(o, payload=lesson.filled.handle) for o in orders]
    return lesson

