"""The stopwatch: big digits for the batch in progress, then the verdict of the last run.

    RunStarted.t0 --start()--> tick(clock()) 10x a second --> Digits (same width: no relayout)
    RunFinished.result --finish()--> Digits = wall time; stats = wall, CPU, parallelism, start-up

Elapsed time is ``clock() - t0``: both read the system-wide monotonic clock
(``time.perf_counter``), so the kitchen's t0 means the same thing here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from chaishop.core import events as ev

# Always this many characters in the Digits, so an update never changes its width.
DIGITS_FORMAT = "{:7.2f}"


def stats_text(r: ev.RunResult) -> str:
    # A failed barista shows on its pane (and in "3/4 orders"); here the run's verdict.
    verdict = "stopped" if r.cancelled else "complete" if r.complete else "incomplete"
    # Short lines (<= 30 characters) so the narrow layout needs no other wording.
    return (f"wall {r.wall_s:.2f} s · CPU {r.cpu_s:.2f} s\n"
            f"parallelism {r.parallelism:.2f}× · {r.orders_done}/{r.orders} orders\n"
            f"start-up {r.startup_s:.3f} s · {verdict}")


class StopwatchPanel(Vertical):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.digits = Digits(DIGITS_FORMAT.format(0), id="stopwatch-digits")
        self.caption = Static("", id="stopwatch-caption", markup=False)
        self.stats = Static("no run yet: press t, p, a or s", id="stopwatch-stats", markup=False)
        self.border_title = "Stopwatch"
        self.t0: float | None = None
        self.spec: ev.RunSpec | None = None
        self.served = 0
        self._shown_caption = ""
        self.has_result = False

    def compose(self) -> ComposeResult:
        yield self.digits
        yield self.caption
        yield self.stats

    def waiting(self, text: str) -> None:
        self._set_caption(text)

    def start(self, spec: ev.RunSpec, t0: float, now: float) -> None:
        self.spec, self.t0, self.served = spec, t0, 0
        if not self.has_result:
            self.stats.update("", layout=False)
        self.add_class("-running")
        self.tick(now)

    def served_one(self) -> None:
        self.served += 1

    def tick(self, now: float) -> None:
        if self.t0 is None or self.spec is None:
            return
        value = DIGITS_FORMAT.format(max(0.0, now - self.t0))
        if value != self.digits.value:
            self.digits.update(value)
        s = self.spec
        self._set_caption(f"brewing… {self.served}/{s.orders} orders served")

    def finish(self, r: ev.RunResult) -> None:
        self.t0 = None
        self.remove_class("-running")
        self.digits.update(DIGITS_FORMAT.format(r.wall_s))
        self._set_caption(f"{r.mode} · {r.recipe} · crew {r.baristas}")
        self.stats.update(stats_text(r), layout=False)
        self.has_result = True

    def _set_caption(self, text: str) -> None:
        if text != self._shown_caption:
            self._shown_caption = text
            self.caption.update(text, layout=False)
