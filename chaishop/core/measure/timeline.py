"""The timeline: what each barista was doing, moment by moment, from a run's events.

    [Event] of one run --build()--> Timeline: per barista [Segment(start, end, state)]
        + per barista counters [(t, cpu_s, core_wait_s)] (from the events' CPU clocks,
          or from an outside sampler, core.measure.lanes)
        --cells(n)--> per barista n Cells: the share of a core it got, and what it
          did with the rest (waiting for the GIL, for a core, for I/O, or idle)
        --render_shares(n)--> "▄▄▄█  ░" strips (block height = share of a core)
        --render(n)--> the older state-only strips (█ brewing, ░ waiting, space idle)

The share of a core in a cell is the barista's CPU seconds over the cell's wall seconds, from
its cumulative CPU clock interpolated linearly between readings: two GIL-bound threads get
about 0.5 each, processes and subinterpreters about 1, asyncio tasks brew one at a time,
waiting is near 0. While it holds a brewing order, time neither on a core nor waiting for one
(schedstat, Linux) is time waiting for the GIL.

A barista's lane runs from its STARTED event to its terminal event (FINISHED or FAILED);
outside it, and between a DONE and the next TAKEN, it is idle. While it holds an order, each
stretch between two of its events gets the phase of the PROGRESS event that ends it (a PROGRESS
event reports the work since the previous one). PROGRESS events come at most every
``reporter.PROGRESS_EVERY_S``, so the last part of an order often ends with DONE and no phase:
there the barista's own CPU clock decides (it used CPU for at least ``CPU_BREWING_SHARE`` of
the stretch: brewing; else waiting), and without one (asyncio tasks) the last known phase goes
on (brewing before any PROGRESS). The timeline only ever shows what the events measured.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from chaishop.core.protocol import events as ev

BREWING = "brewing"
WAITING = "waiting"
MOVING = "moving"  # an order's data on its way to the barista (the haul recipe)
IDLE = "idle"
STATES = (BREWING, MOVING, WAITING, IDLE)

GLYPHS = {BREWING: "█", MOVING: "▒", WAITING: "░", IDLE: " "}
_PHASES = {ev.PHASE_BREW: BREWING, ev.PHASE_WAIT: WAITING, ev.PHASE_MOVE: MOVING}
# A barista that used CPU for this share of a stretch was brewing.  Waiting
# uses ~1 %; brewing uses ~100 %, or 1/N with N GIL-bound threads (1/16 for
# the biggest crew on a projector is still above it).
CPU_BREWING_SHARE = 0.05
# When two states cover a cell equally, the busier one is drawn.
_BUSIER_FIRST = (BREWING, MOVING, WAITING, IDLE)


# What a barista did with a cell's time, beside running on a core.
ON_CORE = "on a core"
GIL_WAIT = "waiting for the GIL"
CORE_WAIT = "waiting for a core"
IO_WAIT = "waiting for I/O"
# Block heights: a cell's share of a core in eighths (a blank below 1/16).
SHARE_GLYPHS = " ▁▂▃▄▅▆▇█"
# A cell whose share rounds to nothing shows what the barista waited for.
REST_GLYPHS = {GIL_WAIT: "·", CORE_WAIT: "·", IO_WAIT: "░", IDLE: " "}


class Cell(NamedTuple):
    share: float | None  # share of a core (CPU s / wall s); None: no CPU clock
    state: str  # ON_CORE, GIL_WAIT, CORE_WAIT, IO_WAIT or IDLE: what took most of the cell
    rest: str = IDLE  # what took most of the time off a core (GIL_WAIT ... IDLE)

    @property
    def glyph(self) -> str:
        if self.share is None:
            return GLYPHS[BREWING] if self.state in (ON_CORE, GIL_WAIT, CORE_WAIT) else \
                REST_GLYPHS.get(self.state, " ")
        eighths = round(min(1.0, self.share) * 8)
        return SHARE_GLYPHS[eighths] if eighths else REST_GLYPHS.get(self.state, " ")


Point = tuple  # (t, cpu_s, core_wait_s | None), cumulative


class Segment(NamedTuple):
    start: float
    end: float
    state: str


@dataclass(frozen=True)
class Timeline:
    t0: float  # where the run's time axis starts
    t1: float  # and ends
    lanes: dict[int, list[Segment]]  # barista -> segments in time order, covering t0..t1
    series: dict[int, list[Point]] | None = None  # barista -> cumulative counters in time order

    @property
    def duration(self) -> float:
        return max(0.0, self.t1 - self.t0)

    def busy_s(self, barista: int, state: str) -> float:
        return sum(s.end - s.start for s in self.lanes.get(barista, []) if s.state == state)


def _append(segments: list[Segment], start: float, end: float, state: str) -> None:
    if end <= start:
        return
    if segments and segments[-1].state == state and abs(segments[-1].end - start) < 1e-12:
        segments[-1] = Segment(segments[-1].start, end, state)
    else:
        segments.append(Segment(start, end, state))


def _by_cpu(since: ev.Event | None, e: ev.Event, fallback: str) -> str:
    """Brewing or waiting, from the CPU the barista used between two events."""
    if since is None or since.cpu_s is None or e.cpu_s is None or e.t <= since.t:
        return fallback
    return BREWING if (e.cpu_s - since.cpu_s) / (e.t - since.t) >= CPU_BREWING_SHARE else WAITING


class Lane:
    """One barista's segments, built event by event: build() uses it over a whole run, and
    core.measure.live_timeline keeps one per barista while the run is on."""

    __slots__ = ("segments", "at", "busy", "phase", "last")

    def __init__(self, t0: float) -> None:
        self.segments: list[Segment] = []
        self.at = t0  # the time covered so far
        self.busy = False  # holding an order
        self.phase = BREWING  # last known phase; brewing until a PROGRESS says otherwise
        self.last: ev.Event | None = None

    def add(self, e: ev.Event, t0: float, t1: float = float("inf")) -> None:
        t = min(max(e.t, t0), t1)
        if not self.busy:
            state = IDLE
        elif e.kind == ev.PROGRESS:
            self.phase = _PHASES.get(e.phase, self.phase)
            state = self.phase
        else:
            state = _by_cpu(self.last, e, self.phase)
        _append(self.segments, self.at, t, state)
        if e.kind == ev.TAKEN:
            self.busy = True
        elif e.kind == ev.DONE or e.kind in ev.TERMINAL_KINDS:
            self.busy = False
        self.at = max(self.at, t)
        self.last = e

    def until(self, t1: float) -> list[Segment]:
        """The segments, closed with idle up to ``t1`` (a new list; the lane goes on)."""
        segments = list(self.segments)
        _append(segments, self.at, t1, IDLE)
        return segments


def _lane(events: list[ev.Event], t0: float, t1: float) -> list[Segment]:
    lane = Lane(t0)
    for e in events:
        lane.add(e, t0, t1)
    return lane.until(t1)


def series_from_events(evs: list[ev.Event]) -> dict[int, list[Point]]:
    """Each barista's own CPU clock (and core wait) at each of its events."""
    out: dict[int, list[Point]] = {}
    for e in sorted(evs, key=lambda e: e.t):
        if e.cpu_s is not None:
            out.setdefault(e.barista, []).append((e.t, e.cpu_s, e.core_wait_s))
    return out


def build(events: Iterable[ev.Event], t0: float | None = None,
          t1: float | None = None, samples: dict[int, list[Point]] | None = None) -> Timeline:
    """Per-barista segments over [t0, t1] (default: the first to the last event).

    ``samples``: counters from an outside sampler (core.measure.lanes), used for
    the baristas they cover instead of the events' own clocks."""
    evs = [e for e in events if isinstance(e, ev.Event)]
    if not evs:
        start = t0 or 0.0
        return Timeline(start, t1 if t1 is not None else start, {})
    start = min(e.t for e in evs) if t0 is None else t0
    end = max(start, max(e.t for e in evs) if t1 is None else t1)
    by_barista: dict[int, list[ev.Event]] = {}
    for e in evs:
        by_barista.setdefault(e.barista, []).append(e)
    lanes = {b: _lane(sorted(es, key=lambda e: e.t), start, end)
             for b, es in sorted(by_barista.items())}
    return Timeline(start, end, lanes, with_samples(series_from_events(evs), lanes, samples))


def with_samples(series: dict[int, list[Point]], lanes: dict, samples: dict | None) -> dict:
    """``series``, with an outside sampler's counters for the lanes they cover (2+ points)."""
    return series | {b: p for b, p in (samples or {}).items() if len(p) >= 2 and b in lanes}


def _at(points: list[Point], t: float, i: int) -> float | None:
    """Counter ``i`` of a cumulative series at time ``t`` (linear between readings)."""
    if not points or points[0][i] is None:
        return None
    if t <= points[0][0]:
        return points[0][i]
    if t >= points[-1][0]:
        return points[-1][i]
    hi = bisect.bisect_right(points, t, key=lambda p: p[0])  # points[hi - 1][0] <= t < points[hi][0]
    (ta, *a), (tb, *b) = points[hi - 1], points[hi]
    va, vb = a[i - 1], b[i - 1]
    if va is None or vb is None:
        return None
    return va if tb <= ta else va + (vb - va) * (t - ta) / (tb - ta)


def _delta(points: list[Point], a: float, b: float, i: int) -> float | None:
    va, vb = _at(points, a, i), _at(points, b, i)
    return None if va is None or vb is None else max(0.0, vb - va)


def cell(segments: list[Segment], points: list[Point], a: float, b: float) -> Cell:
    """One barista's [a, b]: its share of a core and what took most of the time."""
    cover = _cover(segments, a, b)
    width = b - a
    if points and (points[0][0] > a + width / 2 or points[-1][0] < b - width / 2):
        # Most of the cell lies before the first reading or after the last (the front
        # of house reads a barista from when it hears of it until its process or thread
        # is gone): no CPU known, no wait guessed.
        cpu = wait = None
    else:
        cpu = _delta(points, a, b, 1)
        wait = _delta(points, a, b, 2) or 0.0
    if cpu is None:
        state = max(_BUSIER_FIRST, key=lambda st: cover[st])
        state = {BREWING: ON_CORE, WAITING: IO_WAIT, MOVING: IO_WAIT}.get(state, IDLE)
        return Cell(None, state, state if state != ON_CORE else IDLE)
    cpu = min(cpu, width)
    held = cover[BREWING] + cover[WAITING] + cover[MOVING]
    rest = GIL_WAIT if cover[BREWING] >= cover[WAITING] + cover[MOVING] else IO_WAIT
    parts = {ON_CORE: cpu, CORE_WAIT: wait, rest: max(0.0, held - cpu - wait),
             IDLE: cover[IDLE]}
    rest = max((k for k in parts if k != ON_CORE), key=lambda k: parts[k])
    return Cell(cpu / width if width > 0 else 0.0, max(parts, key=lambda k: parts[k]), rest)


def cells(timeline: Timeline, n: int) -> dict[int, list[Cell]]:
    """Each barista's lane as ``n`` cells of equal time."""
    if n < 1:
        raise ValueError("a timeline needs at least one cell")
    width = timeline.duration / n
    series = timeline.series or {}
    out: dict[int, list[Cell]] = {}
    for b, segments in timeline.lanes.items():
        points = series.get(b, [])
        if width <= 0:
            out[b] = [Cell(None, IDLE)] * n
            continue
        out[b] = [cell(segments, points, timeline.t0 + i * width, timeline.t0 + (i + 1) * width)
                  for i in range(n)]
    return out


def render_shares(timeline: Timeline, n: int) -> dict[int, str]:
    """Each barista's lane as ``n`` glyphs: block height = share of a core."""
    return {b: "".join(c.glyph for c in cs) for b, cs in cells(timeline, n).items()}


def mean_share(timeline: Timeline, barista: int) -> float | None:
    """A barista's share of a core over the time it held orders (None: no clock)."""
    points = (timeline.series or {}).get(barista)
    held = sum(timeline.busy_s(barista, s) for s in (BREWING, WAITING, MOVING))
    if not points or held <= 0:
        return None
    cpu = sum(_delta(points, s.start, s.end, 1) or 0.0
              for s in timeline.lanes.get(barista, []) if s.state != IDLE)
    return cpu / held


def _cover(segments: list[Segment], a: float, b: float) -> dict[str, float]:
    """Seconds of [a, b] spent in each state."""
    cover = dict.fromkeys(STATES, 0.0)
    for s in segments:
        if s.end > a and s.start < b:
            cover[s.state] += min(s.end, b) - max(s.start, a)
    return cover


def _cell_state(segments: list[Segment], a: float, b: float) -> str:
    cover = _cover(segments, a, b)
    return max(_BUSIER_FIRST, key=lambda st: cover[st])  # max keeps the first of equals


def render(timeline: Timeline, cells: int, glyphs: dict[str, str] = GLYPHS) -> dict[int, str]:
    """Each barista's lane as ``cells`` glyphs; a cell shows the state covering most of it."""
    if cells < 1:
        raise ValueError("a timeline needs at least one cell")
    width = timeline.duration / cells
    out: dict[int, str] = {}
    for b, segments in timeline.lanes.items():
        if width <= 0:
            out[b] = glyphs[IDLE] * cells
            continue
        out[b] = "".join(glyphs[_cell_state(segments, timeline.t0 + i * width,
                                            timeline.t0 + (i + 1) * width)]
                         for i in range(cells))
    return out
