"""The run as the front of house knows it: one object, owned by the app, changed only here.

    a key (actions)      ──▶ RunState.ask()            a new run id; what was shown is dropped
    RunStarted (feed)    ──▶ RunState.started(run, t0)  the asked run is now shown and running
                                                        (until then it is awaited: ui/pace.py)
    Event (feed)         ──▶ RunState.observe(event)    orders served (counted once, here,
                                                        for every view); events kept
    RunFinished (feed)   ──▶ RunState.finished(run)     the shown run is over
    RunLost (supervision)──▶ RunState.lost(run, why)    the asked run died with its kitchen
    KitchenGone (feed)   ──▶ RunState.gone()            no kitchen any more: nothing runs
    + or - (actions)     ──▶ RunState.drop()            nothing shown until the next run

The feed, the keys, the watch over the kitchen, the live timeline, the baseline planner and
the tour player all read this one object (``app.run_state``); none of them keeps a flag of its own.
Each change returns whether the message was for the run it concerns, so a late message of
an older run is ignored in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chaishop.core.measure.served import Served
from chaishop.core.protocol import events as ev

# Events kept for the shown run's timeline; past it the timeline shows the first ones.
MAX_RUN_EVENTS = 50_000


@dataclass
class RunState:
    asked: int = 0  # the latest run asked for (0: none yet)
    shown: int | None = None  # the run the panes show (None: nothing, or not begun yet)
    running: bool = False  # the shown run is on
    t0: float = 0.0  # the shown run's start, on the kitchen's perf_counter
    events: list[ev.Event] = field(default_factory=list)  # the shown run's, in order
    served: Served = field(default_factory=Served)  # the shown run's orders served
    max_events: int = MAX_RUN_EVENTS
    lost_reason: str | None = None  # why the last run failed with its kitchen
    kitchen_gone: bool = False  # the kitchen ended and nobody restarts it (unsupervised)
    pending_start: bool = False  # a first run waits for a terminal big enough to show it
    awaiting: bool = False  # the run asked for has neither begun nor failed yet

    @property
    def partial(self) -> bool:
        """True once the shown run had more events than are kept."""
        return len(self.events) >= self.max_events

    def ask(self) -> int:
        """A new run is asked for: its id; the run on screen is dropped."""
        self.asked += 1
        self.pending_start = False
        self.lost_reason = None
        self.drop()
        self.awaiting = True
        return self.asked

    def drop(self) -> None:
        """Nothing is shown until the next run starts (what is in flight is ignored)."""
        self.shown, self.running, self.awaiting = None, False, False

    def started(self, run: int, t0: float) -> bool:
        """The kitchen began ``run``: shown and running, if it is the one asked for last."""
        if run != self.asked:
            return False  # superseded by a newer key press before it began
        self.shown, self.running, self.t0, self.events = run, True, t0, []
        self.awaiting = False
        self.served = Served()
        return True

    def is_shown(self, run: int) -> bool:
        return run == self.shown

    def observe(self, e: ev.Event) -> None:
        """One event of the shown run: counted, and kept up to ``max_events``."""
        self.served.observe(e)
        if len(self.events) < self.max_events:
            self.events.append(e)

    def finished(self, run: int) -> bool:
        """The kitchen's verdict on ``run``: True if it is the shown one (now over)."""
        if run == self.asked:
            self.awaiting = False  # over, begun or not
        if run != self.shown:
            return False
        self.running = False
        return True

    def lost(self, run: int, reason: str) -> bool:
        """``run`` died with its kitchen: True if it is the one asked for last."""
        if run != self.asked:
            return False  # an older run: the panes already show a newer one
        self.running, self.lost_reason, self.awaiting = False, reason, False
        return True

    def gone(self) -> None:
        self.kitchen_gone, self.running, self.awaiting = True, False, False
