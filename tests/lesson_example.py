"""A lesson of its own for tests/test_lesson_kind.py: every barista adds its order's size
to one shared list under the crew's lock, and says so with a word on its events."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

from chaishop.core.protocol import events as ev
from chaishop.core.workloads.lesson_kind import LessonKind, LessonRun
from chaishop.ui.lessons.base import LessonView


@dataclass(frozen=True)
class TallyResult(ev.LessonResult):
    total: int
    words: int
    how: str

    def figures(self, wall_s: float) -> dict:
        return {"tally": self.total, "how": self.how}


class TallyRun(LessonRun):
    def __init__(self, spec, orders, shared):
        super().__init__(orders, shared)
        self.spec = spec
        self.words = 0

    def observe(self, e: ev.Event) -> None:
        if e.word and e.word[0] == "added":
            self.words += 1

    def settle(self, result: ev.RunResult) -> ev.RunResult:
        total = sum(self.shared[1])
        return dataclasses.replace(result, lesson=TallyResult(total, self.words, self.spec.option("how")))


class Tally(LessonKind):
    result = TallyResult
    view = "lesson_example:TallyView"

    def order_size(self, spec):
        return 7  # its own unit: each order adds 7

    def prepare(self, spec, crew, orders):
        import asyncio

        from chaishop.core.menu import MODE

        lock = asyncio.Lock() if MODE[spec.mode].event_loop else threading.Lock()
        return TallyRun(spec, orders, (lock, []))

    def work(self, order, rep, control, shared, aio):
        lock, added = shared
        if aio:
            yield lock.acquire()
        else:
            lock.acquire()
        try:
            added.append(order.size)
        finally:
            lock.release()
        control.check()
        rep.progress(order.number, 1.0, ev.PHASE_BREW, force=True, word=("added", order.size))
        yield 0.001


KIND = Tally()


class TallyView(LessonView):
    def __init__(self, spec):
        super().__init__(spec)
        self.added = 0

    def titles(self):
        return f"Tally · {self.spec.mode}", f"how: {self.spec.option('how')}"

    def observe(self, e):
        if e.word and e.word[0] == "added":
            self.added += e.word[1]

    def live(self):
        return f"added {self.added} so far"

    def finish(self, result, earlier):
        return f"tally {result.lesson.total} from {result.lesson.words} words"
