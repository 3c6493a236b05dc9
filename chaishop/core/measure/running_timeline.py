"""The timeline of a run that is still on, kept up to date event by event.

    RunStarted ──▶ RunningTimeline(t0)
    Event      ──▶ add(e): its barista's timeline.Lane takes one step; its CPU clock, if any,
                   joins the barista's series (the work is the same for the 10th event and
                   the 10,000th: nothing is rebuilt)
    a redraw   ──▶ at(t1, samples) ──▶ Timeline over [t0, t1], each lane closed with idle

``timeline.build`` gives the same segments from the whole list of events (the final timeline,
drawn once when the run ends, and the trace export use it): both step the same ``Lane``.
Events of one barista arrive in the order it emitted them (one queue per kitchen); an event
that comes late is clamped to the time its lane already covers, as ``build`` does.
"""

from __future__ import annotations

from chaishop.core.measure.timeline import Lane, Point, Timeline, with_samples
from chaishop.core.protocol import events as ev


class RunningTimeline:
    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.lanes: dict[int, Lane] = {}
        self.series: dict[int, list[Point]] = {}
        self.events = 0

    def add(self, e: ev.Event) -> None:
        lane = self.lanes.get(e.barista)
        if lane is None:
            lane = self.lanes[e.barista] = Lane(self.t0)
        lane.add(e, self.t0)
        if e.cpu_s is not None:
            points = self.series.setdefault(e.barista, [])
            if not points or e.t >= points[-1][0]:
                points.append((e.t, e.cpu_s, e.core_wait_s))
        self.events += 1

    def at(self, t1: float, samples: dict[int, list[Point]] | None = None) -> Timeline:
        """The timeline so far, up to ``t1``; ``samples`` as in ``timeline.build``."""
        t1 = max(self.t0, t1)
        return Timeline(self.t0, t1, {b: self.lanes[b].until(t1) for b in sorted(self.lanes)},
                        with_samples(self.series, self.lanes, samples))
