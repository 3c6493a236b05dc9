"""The rush-hour summary: a crew's state at a steady rate instead of every event.

    barista Events (tens of thousands a second) --Summariser.add()--> state per barista
        every SUMMARY_EVERY_S, and once at the end --> CrewSummary (core.protocol.gauges)
        --> the UI's grid

A pane per barista cannot show 5,000 logs, and forwarding every event of
5,000 baristas would cost the kitchen and the UI more than the baristas do.
Past ``rush.SUMMARISE_ABOVE`` baristas the kitchen keeps each barista's
state here (one byte each) and sends a summary ten times a second: every
barista's state, the orders served, who clocked in, and why baristas failed
(grouped by reason).  It only ever reports what the events said.
"""

from __future__ import annotations

import collections
from typing import Callable

from chaishop.core.menu import RECIPE
from chaishop.core.protocol import events as ev
from chaishop.core.measure.served import Served
from chaishop.core.protocol.gauges import (CELL_BREWING, CELL_DONE, CELL_FAILED, CELL_IDLE,
                                           CELL_WAITING, CrewSummary)

# A summary ten times a second: the UI redraws at that rate anyway.
SUMMARY_EVERY_S = 0.1
# Distinct failure reasons carried in a summary (most common first); the
# counts always cover every failed barista.
MAX_REASONS = 5


class Summariser:
    """Turns one run's barista events into CrewSummary messages at a steady rate.

    ``add`` takes each event and returns a summary when one is due (else None);
    ``summary(final=True)`` gives the last one.  Pure: the caller sends them.
    """

    def __init__(self, spec: ev.RunSpec, clock: Callable[[], float] = ev.now,
                 every_s: float = SUMMARY_EVERY_S, served: Served | None = None):
        self.spec = spec
        self.clock = clock
        self.every_s = every_s
        self.states = bytearray(spec.baristas)  # all CELL_STARTING
        # The run's count of orders served: the stopwatch's (it sees every event first),
        # or, for a summariser on its own (tests, tools), one it keeps itself.
        self.served = served if served is not None else Served()
        self._counts = served is None
        self.clocked_in = 0
        self.reasons: collections.Counter[str] = collections.Counter()
        self.events = 0
        self.last = clock()
        # What a barista does after taking an order, until its first progress report
        # says otherwise: the recipe's first step.
        self._first = CELL_WAITING if RECIPE[spec.recipe].first_step_waits else CELL_BREWING

    def add(self, e: ev.Event) -> CrewSummary | None:
        i = e.barista - 1
        if 0 <= i < len(self.states) and self.states[i] not in (CELL_DONE, CELL_FAILED):
            self._apply(i, e)
        self.events += 1
        return self.summary() if self.clock() - self.last >= self.every_s else None

    def _apply(self, i: int, e: ev.Event) -> None:
        kind = e.kind
        if kind == ev.PROGRESS:
            self.states[i] = CELL_BREWING if e.phase == ev.PHASE_BREW else CELL_WAITING
        elif kind == ev.TAKEN:
            self.states[i] = self._first
        elif kind == ev.DONE:
            if self._counts:
                self.served.observe(e)
            self.states[i] = CELL_IDLE
        elif kind == ev.STARTED:
            self.clocked_in += 1
            self.states[i] = CELL_IDLE
        elif kind == ev.FINISHED:
            self.states[i] = CELL_DONE
        elif kind == ev.FAILED:
            self.states[i] = CELL_FAILED
            self.reasons[e.detail or "failed"] += 1

    def summary(self, final: bool = False, rss_mib: float | None = None,
                os_threads: int | None = None) -> CrewSummary:
        self.last = self.clock()
        s = CrewSummary(self.spec.run, self.last, bytes(self.states), self.served.total,
                        self.clocked_in, tuple(self.reasons.most_common(MAX_REASONS)),
                        self.events, rss_mib, os_threads, final)
        self.events = 0
        return s


# Eighths of a character cell, for the rush-hour timeline's bars.
BARS = " ▁▂▃▄▅▆▇█"
# The states the rush-hour timeline draws, one lane each.
TIMELINE_STATES = (CELL_WAITING, CELL_BREWING, CELL_DONE, CELL_FAILED)


def aggregate(samples: list[tuple[float, tuple[int, ...]]], t0: float, t1: float, crew: int,
              cells: int) -> dict[int, str]:
    """The timeline of a big crew: per state, how many baristas were in it over time.

    ``samples`` are (t, counts) from the run's summaries, in time order; each
    cell shows the last sample at or before its end as a bar of ``BARS``
    (full: the whole crew).  A lane per state in ``TIMELINE_STATES``.
    """
    cells = max(1, cells)
    width = (t1 - t0) / cells if t1 > t0 else 0.0
    lanes = {s: [] for s in TIMELINE_STATES}
    i, current = 0, None
    for c in range(cells):
        end = t0 + (c + 1) * width
        while i < len(samples) and samples[i][0] <= end:
            current = samples[i][1]
            i += 1
        for s in TIMELINE_STATES:
            share = current[s] / crew if current and crew else 0.0
            lanes[s].append(BARS[round(share * (len(BARS) - 1))])
    return {s: "".join(chars) for s, chars in lanes.items()}
