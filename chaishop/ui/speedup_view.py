"""The speed-up in big digits, for the projector layout: the one number a room came for.

    RunFinished ──feed──▶ show(result, its speed-up: measure.speedup) ──▶ "1.87×" (Digits)

Shown only in the projector theme (shop.tcss: Screen.-projector #speedup), where the
stopwatch's digits and this one are the two figures readable from the back of a room.
A run without a complete sequential baseline of the same work says so instead of a number.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from chaishop.core.protocol import events as ev

NO_BASELINE = "no sequential run of this work yet: press s"


class SpeedupView(Vertical):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.digits = Digits("-", id="speedup-digits")
        self.caption = Static("speed-up appears after a run", id="speedup-caption", markup=False)
        self.border_title = "Speed-up"

    def compose(self) -> ComposeResult:
        yield self.digits
        yield self.caption

    def show(self, r: ev.RunResult, speedup: float | None) -> None:
        if speedup is None:
            self.digits.update("-")
            self.caption.update(NO_BASELINE if r.complete else "this run did not complete")
            return
        self.digits.update(f"{speedup:.2f}×")
        self.caption.update(f"{r.mode} vs sequential · {r.recipe} · crew {r.baristas}")
