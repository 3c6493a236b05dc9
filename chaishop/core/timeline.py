"""The timeline: what each barista was doing, moment by moment, from a run's events.

    [Event] of one run --build()--> Timeline: per barista [Segment(start, end, state)]
        --render(cells)--> per barista a string of `cells` glyphs
        (█ brewing, ░ waiting, space idle) for the UI to draw

A barista's lane runs from its STARTED event to its terminal event (FINISHED
or FAILED); outside it, and between a DONE and the next TAKEN, it is idle.
While it holds an order, each stretch between two of its events gets the
phase of the PROGRESS event that ends it (a PROGRESS event reports the work
since the previous one).  PROGRESS events come at most every
``barista.PROGRESS_EVERY_S``, so the last part of an order often ends with
DONE and no phase: there the barista's own CPU clock decides (it used CPU for
at least ``CPU_BREWING_SHARE`` of the stretch: brewing; else waiting), and
without one (asyncio tasks) the last known phase goes on (brewing before any
PROGRESS).  The timeline only ever shows what the events measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple

from chaishop.core import events as ev

BREWING = "brewing"
WAITING = "waiting"
IDLE = "idle"
STATES = (BREWING, WAITING, IDLE)

GLYPHS = {BREWING: "█", WAITING: "░", IDLE: " "}
_PHASES = {ev.BREWING: BREWING, ev.WAITING: WAITING}
# A barista that used CPU for this share of a stretch was brewing.  Waiting
# uses ~1 %; brewing uses ~100 %, or 1/N with N GIL-bound threads (1/16 for
# the biggest crew on a projector is still above it).
CPU_BREWING_SHARE = 0.05
# When two states cover a cell equally, the busier one is drawn.
_BUSIER_FIRST = (BREWING, WAITING, IDLE)


class Segment(NamedTuple):
    start: float
    end: float
    state: str


@dataclass(frozen=True)
class Timeline:
    t0: float  # where the run's time axis starts
    t1: float  # and ends
    lanes: dict[int, list[Segment]]  # barista -> segments in time order, covering t0..t1

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


def _lane(events: list[ev.Event], t0: float, t1: float) -> list[Segment]:
    segments: list[Segment] = []
    at = t0  # the time covered so far
    busy = False  # holding an order
    phase = BREWING  # last known phase; brewing until a PROGRESS says otherwise
    last: ev.Event | None = None
    for e in events:
        t = min(max(e.t, t0), t1)
        if not busy:
            state = IDLE
        elif e.kind == ev.PROGRESS:
            phase = _PHASES.get(e.phase, phase)
            state = phase
        else:
            state = _by_cpu(last, e, phase)
        _append(segments, at, t, state)
        if e.kind == ev.TAKEN:
            busy = True
        elif e.kind == ev.DONE or e.kind in ev.TERMINAL_KINDS:
            busy = False
        at = max(at, t)
        last = e
    _append(segments, at, t1, IDLE)
    return segments


def build(events: Iterable[ev.Event], t0: float | None = None,
          t1: float | None = None) -> Timeline:
    """Per-barista segments over [t0, t1] (default: the first to the last event)."""
    evs = [e for e in events if isinstance(e, ev.Event)]
    if not evs:
        start = t0 or 0.0
        return Timeline(start, t1 if t1 is not None else start, {})
    start = min(e.t for e in evs) if t0 is None else t0
    end = max(e.t for e in evs) if t1 is None else t1
    end = max(start, end)
    by_barista: dict[int, list[ev.Event]] = {}
    for e in evs:
        by_barista.setdefault(e.barista, []).append(e)
    lanes = {b: _lane(sorted(es, key=lambda e: e.t), start, end)
             for b, es in sorted(by_barista.items())}
    return Timeline(start, end, lanes)


def _cell_state(segments: list[Segment], a: float, b: float) -> str:
    cover = dict.fromkeys(STATES, 0.0)
    for s in segments:
        if s.end <= a or s.start >= b:
            continue
        cover[s.state] += min(s.end, b) - max(s.start, a)
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
