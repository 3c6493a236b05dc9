"""One barista's pane: who it really is, its current order, and its log.

    ShopApp._drain --apply(Event) per event--> BaristaPane (keeps the latest state)
                   --flush(lines) once a tick--> Log.write_lines + status + bar

The pane never writes line by line: the app collects each tick's lines and
hands them over in one batch (one ``Log.write_lines`` call), and the status
line and progress bar are repainted at most once per tick, only if changed.

The status shows the barista's CPU seconds (its own clock: a thread's, a
process's, or for an asyncio task the loop thread's CPU between its resumes
and its awaits) and its current share of a core: CPU over wall time across
its last readings (about half a second).
"""

from __future__ import annotations

import collections

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Log, ProgressBar, Static

from chaishop.core.measure.served import Served
from chaishop.core.protocol import events as ev

# Enough history to scroll back through a run of a few dozen orders; a bound
# keeps memory and redraw cost flat however long the shop stays open.
LOG_LINES = 300
# The current share of a core is measured over the readings of about this long.
SHARE_WINDOW_S = 0.5


class BaristaPane(Vertical):
    """A barista's station.  ``number`` is its 1-based place in the crew."""

    def __init__(self, number: int) -> None:
        super().__init__(id=f"barista-{number}", classes="pane")
        self.number = number
        self.status = Static("", classes="pane-status", markup=False)
        self.bar = ProgressBar(total=100, show_eta=False, classes="pane-bar")
        self.log_view = Log(max_lines=LOG_LINES, classes="pane-log")
        self._reset_state()

    def _reset_state(self) -> None:
        self.t0 = 0.0
        self.order: int | None = None
        self.taken_at = 0.0
        self.counts = Served()  # the run's orders served (the app's RunState sets it)
        self.cpu_word = "brewing"  # the recipe's word for an order's CPU step (core/menu.py)
        self.phase = ""
        self.progress = 0.0
        self.cpu_s: float | None = None
        self.cpu_seen: collections.deque[tuple[float, float]] = collections.deque(maxlen=32)
        self.state = "idle"  # idle | ready | working | served | done | stopped | failed
        self.detail = ""
        self._shown: tuple = ()

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.bar
        yield self.log_view

    def on_mount(self) -> None:
        self.border_title = f"Barista-{self.number}"
        self.flush([])

    # -- driven by the app -------------------------------------------------

    def reset(self, t0: float = 0.0, state: str = "idle") -> None:
        """A fresh station for a new run (or an idle shop)."""
        self._reset_state()
        self.t0 = t0
        self.state = state
        self.border_title = f"Barista-{self.number}"
        self.border_subtitle = ""
        self.set_class(False, "-failed")
        self.set_class(False, "-done")
        self.log_view.clear()
        self.flush([])

    def stamp(self, t: float) -> str:
        """A log line's time: seconds since the run started."""
        return f"{t - self.t0:6.2f}s "

    def word_line(self, e: ev.Event, said: str) -> str:
        """A log line for ``e`` in a lesson's words ("… waits for fork 2")."""
        return f"{self.stamp(e.t)}  … {said}"

    def apply(self, e: ev.Event) -> str | None:
        """Take one event into the pane's state; return a log line, if any."""
        at = self.stamp(e.t)
        if e.cpu_s is not None:
            self.cpu_s = e.cpu_s
            self.cpu_seen.append((e.t, e.cpu_s))
            while len(self.cpu_seen) > 2 and e.t - self.cpu_seen[1][0] >= SHARE_WINDOW_S:
                self.cpu_seen.popleft()
        if e.kind == ev.STARTED:
            self.border_title = e.who
            self.state = "ready"
            # The detail says what start-up was made of (interpreter, imports, hand-out).
            return f"{at}clocked in after {e.t - self.t0:.3f} s" + (f" ({e.detail})" if e.detail else "")
        if e.kind == ev.TAKEN:
            self.order, self.taken_at, self.progress, self.phase = e.order, e.t, 0.0, ""
            self.state = "working"
            return f"{at}took order #{e.order}" + (f" ({e.detail})" if e.detail else "")
        if e.kind == ev.PROGRESS:
            self.progress = e.progress
            if e.phase != self.phase:
                self.phase = e.phase
                if e.phase == ev.PHASE_MOVE:
                    return f"{at}  … data in after {e.t - self.taken_at:.2f} s"
                return self.word_line(e, f"{self.cpu_word} (CPU)" if e.phase == ev.PHASE_BREW
                                      else "waiting (I/O)")
            return None
        if e.kind == ev.DONE:
            self.progress, self.phase, self.state = 1.0, "", "served"
            cups = "" if e.cups is None else f" · {e.cups / 1e6:.2f} M cups"
            return f"{at}served order #{e.order} in {e.t - self.taken_at:.2f} s{cups}"
        if e.kind == ev.FAILED:
            self.state, self.detail = "failed", e.detail
            self.add_class("-failed")
            self.border_subtitle = "FAILED"
            return f"{at}FAILED: {e.detail}"
        if e.kind == ev.FINISHED:
            cancelled = e.detail == "cancelled"
            self.state = "stopped" if cancelled else "done"
            self.add_class("-done")
            return f"{at}{'stopped: run cancelled' if cancelled else 'clocked off'} ({self.served} served)"
        return None

    @property
    def served(self) -> int:
        return self.counts.of(self.number)

    def flush(self, lines: list[str]) -> None:
        """Write this tick's lines in one batch and repaint what changed."""
        if lines:
            self.log_view.write_lines(lines)
        share = self.share()
        shown = (self.state, self.order, self.phase, round(self.progress * 100), self.served,
                 None if self.cpu_s is None else round(self.cpu_s, 1), self.detail,
                 None if share is None else round(share, 2))
        if shown == self._shown:
            return
        self._shown = shown
        self.status.update(self._status_text(), layout=False)
        self.bar.update(progress=round(self.progress * 100))

    def share(self) -> float | None:
        """The share of a core over the last readings (None: not enough of them)."""
        if len(self.cpu_seen) < 2:
            return None
        (ta, ca), (tb, cb) = self.cpu_seen[0], self.cpu_seen[-1]
        return max(0.0, min(1.0, (cb - ca) / (tb - ta))) if tb - ta >= 0.1 else None

    def _status_text(self) -> str:
        cpu = "" if self.cpu_s is None else f"   cpu {self.cpu_s:5.2f} s"
        if self.state == "idle":
            return "off duty"
        if self.state == "starting":
            return "clocking in…"
        if self.state == "ready":
            return "ready for orders"
        if self.state == "working":
            doing = {ev.PHASE_BREW: self.cpu_word, ev.PHASE_WAIT: "waiting",
                     ev.PHASE_MOVE: "data in hand"}.get(self.phase, "on it")
            share = self.share()
            now = "" if share is None else f" · {share:4.2f} core"
            cpu = "" if self.cpu_s is None else f" · cpu {self.cpu_s:.2f} s"
            return f"#{self.order} {doing}{cpu}{now}"
        if self.state == "served":
            return f"served order #{self.order} · {self.served} so far{cpu}"
        if self.state == "failed":
            return f"FAILED: {self.detail}"
        if self.state == "stopped":
            return f"stopped · {self.served} served{cpu}"
        return f"done · {self.served} served{cpu}"
