"""The lesson panel: the till's count or the haul's moving time, live, then why.

    RunStarted.spec --start()--> shown for the till and haul recipes, hidden otherwise
    Event (cups, till, transfer_s) --observe()--> latest per barista (state only)
    10 Hz while a run is on --tick()--> one Static update if the line changed
    RunFinished.result.lesson (+ earlier results) --finish()--> counts, why, the lock's or
        sharing's cost (till.TillResult: cups; haul.HaulResult: moving seconds)

A lesson of its own (core/workloads/lesson_kind.py) brings its words: its kind's ``view``
(chaishop/ui/lessons/), which this panel asks for titles, the live line and the verdict.

The words come from chaishop.ui.lesson_notes (tested there); this widget only draws them.
"""

from __future__ import annotations

from textual.widgets import Static

from chaishop.core.protocol import events as ev
from chaishop.ui import lesson_notes as notes
from chaishop.core.workloads import lessons
from chaishop.core.workloads.haul import HaulResult
from chaishop.core.menu import RECIPE, SHARED_STATE
from chaishop.core.workloads.lesson_kind import kind_of
from chaishop.ui.lessons.base import LessonView, view_for
from chaishop.core.workloads.till import TillResult


WHY_ON_EXPLAIN = "why: press ?"


class LessonPanel(Static):
    def __init__(self, **kw) -> None:
        super().__init__("", markup=False, **kw)
        self.spec: ev.RunSpec | None = None
        self.ledger = lessons.Ledger()
        self.gil_enabled = True
        self._shown = ""
        self.view: LessonView | None = None  # a lesson of its own's words (ui/lessons/)
        self._brief = False  # a short terminal (80x24): the figures, and "why: press ?"
        self._verdict: tuple[str, str, str] | None = None  # the last run's head, cost, why
        self.add_class("-off")  # a CSS class, not .display: the tour's finale hides it too

    def start(self, spec: ev.RunSpec) -> None:
        self._verdict = None
        self.spec = spec
        self.ledger = lessons.Ledger()
        kind = kind_of(spec.recipe)
        self.view = view_for(kind, spec) if kind is not None else None
        self.set_class(not RECIPE[spec.recipe].lesson and self.view is None, "-off")
        if self.has_class("-off"):
            return
        if self.view is not None:
            self.border_title, self.border_subtitle = self.view.titles()
            self.tick()
            return
        if RECIPE[spec.recipe].lesson == SHARED_STATE:
            how = lessons.till_sharing(spec.mode, spec.share)
            lock = lessons.lock_name(spec.mode, spec.share, spec.wrong_lock) if spec.lock else "off"
            self.border_title = f"Till · {spec.mode} · {how}"
            self.border_subtitle = f"lock (l): {lock} · share (x): {'on' if spec.share else 'off'}"
        else:
            self.border_title = f"Haul · {spec.mode} · {spec.size:,} ints an order"
            self.border_subtitle = f"share (x): {'on' if spec.share else 'off'}"
        self.tick()

    def observe(self, e: ev.Event) -> None:
        if self.view is not None:
            self.view.observe(e)
        else:
            self.ledger.observe(e)

    def pane_word(self, e: ev.Event) -> str:
        """A lesson's word about ``e`` for its barista's log ("" : the pane's own line)."""
        return self.view.pane_word(e) if self.view is not None and e.word else ""

    def _live(self) -> str:
        s = self.spec
        if self.view is not None:
            return self.view.live()
        if RECIPE[s.recipe].lesson == SHARED_STATE:
            own = lessons.till_sharing(s.mode, s.share) == lessons.OWN
            on_till = self.ledger.shared_till()  # never above the cups rung
            return notes.till_live(s, sum(self.ledger.cups.values()), on_till, own)
        return notes.haul_live(s, self.ledger.transfer)

    def tick(self) -> None:
        if self.spec is not None and not self.has_class("-off"):
            self._set(self._live())

    def finish(self, r: ev.RunResult, earlier: list[ev.RunResult]) -> None:
        if self.spec is None or r.run != self.spec.run:
            return
        if self.view is not None:
            self._set(self.view.finish(r, earlier))
            return
        if not RECIPE[r.recipe].lesson:
            return
        t = r.lesson
        if isinstance(t, TillResult):
            head = (f"rung {t.cups_rung:,} · counted {t.cups_counted:,} · lost {t.cups_lost:,} "
                    f"({notes.pct(t.cups_lost, t.cups_rung)})")
            why = notes.till_why(r, self.gil_enabled, self.spec.ring)
        elif isinstance(t, HaulResult):
            each = ", ".join(f"{s:.2f}" for _, s in sorted(t.barista_transfer_s.items()))
            head = f"moving data {t.transfer_s or 0:.2f} s of {r.wall_s:.2f} s wall · per barista {each} s"
            why = notes.haul_why(r)
        else:
            return
        self._verdict = (head, notes.compared(r, earlier), why)
        self._show_verdict()

    def brief(self, on: bool) -> None:
        """On a short terminal the why gives way (it is on ?): the scoreboard keeps its rows."""
        if on != self._brief:
            self._brief = on
            self._show_verdict()

    def _show_verdict(self) -> None:
        if self._verdict is not None:
            head, cost, why = self._verdict
            self._set("\n".join(x for x in (head, cost, WHY_ON_EXPLAIN if self._brief else why) if x))

    def _set(self, text: str) -> None:
        if text != self._shown:
            self._shown = text
            self.update(text)
