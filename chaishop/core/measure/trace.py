"""A run's per-barista timeline as Chrome trace JSON (opens in Perfetto and speedscope).

    sink(RunStarted | Event | RunFinished)  ──Recorder──▶ [TracedRun(spec, t0, events, result)]
        ──trace_events()──▶ [{"ph": "X"|"i"|"M", "ts": µs, "pid": run, "tid": barista, ...}]
        ──to_json()──▶ {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}

One clock for every kind of barista: events are stamped with
``time.perf_counter()``, which on Linux and macOS reads the system-wide
monotonic clock, so stamps from threads, barista processes, subinterpreters
(and any worker on the same machine that uses it) share one axis.  Times are
microseconds from the first run's start.  Each run is a trace "process"
(``pid`` = its place in the trace, named "run N · mode · recipe · crew C");
each barista a "thread" named by its real identity (thread id, pid, task name);
track 0 holds the run itself and its start-up.  On a barista's track, "order #n"
spans TAKEN to DONE, with its brewing and waiting stretches (from
chaishop.core.measure.timeline, so the trace shows what the shop's timeline shows)
nested inside, and a lesson's waits for a lock (Event.word "wait" to its next word, forks:
core.workloads.waitfor) as "waits for lock N" slices.  A failure is an instant event with
its reason.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from chaishop.core.protocol import events as ev
from chaishop.core.measure import timeline
from chaishop.core.workloads import waitfor

US = 1e6  # trace timestamps are microseconds
RUN_TRACK = 0  # tid of a run's own track; baristas are 1..N


@dataclass
class TracedRun:
    spec: ev.RunSpec
    t0: float
    events: list[ev.Event] = field(default_factory=list)
    result: ev.RunResult | None = None  # None while the run is still on

    @property
    def t1(self) -> float:
        if self.result is not None:
            return self.t0 + self.result.wall_s
        return max([self.t0] + [e.t for e in self.events])


class Recorder:
    """A run sink that keeps what a trace needs: ``Run(spec, sink=recorder)``."""

    def __init__(self) -> None:
        self.runs: list[TracedRun] = []

    def __call__(self, item: object) -> None:
        if isinstance(item, ev.RunStarted):
            self.runs.append(TracedRun(item.spec, item.t0))
        elif isinstance(item, ev.Event) and self.runs:
            self.runs[-1].events.append(item)
        elif isinstance(item, ev.RunFinished) and self.runs:
            self.runs[-1].result = item.result


def _label(run: TracedRun, n: int) -> str:
    s = run.spec
    return f"run {n} · {s.mode} · {s.recipe} · crew {s.baristas}"


def _orders(events: list[ev.Event]) -> Iterable[tuple[int, int, float, float, str]]:
    """(barista, order, taken, ended, how) for every order a barista took."""
    held: dict[int, tuple[int, float]] = {}
    for e in sorted(events, key=lambda e: e.t):
        if e.kind == ev.TAKEN and e.order is not None:
            held[e.barista] = (e.order, e.t)
        elif (e.kind == ev.DONE or e.kind in ev.TERMINAL_KINDS) and e.barista in held:
            order, taken = held.pop(e.barista)
            yield e.barista, order, taken, e.t, "done" if e.kind == ev.DONE else e.kind


def _run_events(run: TracedRun, pid: int, base: float) -> list[dict]:
    def us(t: float) -> float:
        return round((t - base) * US, 3)

    def span(tid: int, name: str, cat: str, a: float, b: float, **args) -> dict:
        start = us(a)
        return {"ph": "X", "name": name, "cat": cat, "pid": pid, "tid": tid, "ts": start,
                "dur": max(0.0, round(us(b) - start, 3)), "args": args}

    label = _label(run, pid)
    out = [{"ph": "M", "name": "process_name", "pid": pid, "tid": RUN_TRACK, "ts": 0,
            "args": {"name": label}},
           {"ph": "M", "name": "process_sort_index", "pid": pid, "tid": RUN_TRACK, "ts": 0,
            "args": {"sort_index": pid}},
           {"ph": "M", "name": "thread_name", "pid": pid, "tid": RUN_TRACK, "ts": 0,
            "args": {"name": f"{run.spec.mode} crew"}}]
    names: dict[int, str] = {}
    for e in run.events:
        names.setdefault(e.barista, f"barista {e.barista} · {e.who}")
    for b, name in sorted(names.items()):
        out.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": b, "ts": 0,
                    "args": {"name": name}})
        out.append({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": b, "ts": 0,
                    "args": {"sort_index": b}})
    r = run.result
    args = {"orders": run.spec.orders, "size": run.spec.size}
    if r is not None:
        args |= {"wall_s": round(r.wall_s, 6), "cpu_s": round(r.cpu_s, 6),
                 "parallelism": round(r.parallelism, 3), "orders_done": r.orders_done,
                 "failed": r.failed, "cancelled": r.cancelled}
    out.append(span(RUN_TRACK, label, "run", run.t0, run.t1, **args))
    if r is not None and r.startup_s > 0:
        out.append(span(RUN_TRACK, "start-up", "startup", run.t0, run.t0 + r.startup_s,
                        startup_s=round(r.startup_s, 6)))
    for b, order, taken, ended, how in _orders(run.events):
        out.append(span(b, f"order #{order}", "order", taken, ended, order=order, ended=how))
    lanes = timeline.build(run.events, run.t0, run.t1).lanes
    for b, segments in lanes.items():
        for s in segments:
            if s.state != timeline.IDLE:
                out.append(span(b, s.state, s.state, s.start, s.end))
    words = [(e.barista, e.word or (waitfor.GONE,), e.t) for e in sorted(run.events, key=lambda e: e.t)
             if e.word or e.kind in ev.TERMINAL_KINDS]
    for b, lock, a, z in waitfor.wait_spans(words, run.t1):  # a lesson's waits for a lock (forks)
        out.append(span(b, f"waits for lock {lock}" if lock else "waits for a seat", "lock", a, z,
                        lock=lock))
    for e in run.events:
        if e.kind == ev.FAILED:
            out.append({"ph": "i", "s": "t", "name": "failed", "cat": "failure", "pid": pid,
                        "tid": e.barista, "ts": us(e.t), "args": {"reason": e.detail}})
    return out


def trace_events(runs: Iterable[TracedRun]) -> list[dict]:
    """Every run's trace events on one clock, sorted by time (outer slices first)."""
    runs = list(runs)
    if not runs:
        return []
    base = min(r.t0 for r in runs)
    out: list[dict] = []
    for pid, run in enumerate(runs, 1):
        out += _run_events(run, pid, base)
    out.sort(key=lambda e: (e["ph"] != "M", e["ts"], -e.get("dur", 0.0)))
    return out


def to_json(runs: Iterable[TracedRun], **other: object) -> str:
    """The Chrome trace "JSON object format"; ``other`` goes into ``otherData``."""
    return json.dumps({"traceEvents": trace_events(runs), "displayTimeUnit": "ms",
                       "otherData": {"producer": "chaishop", "clock": "perf_counter (monotonic)",
                                     **{k: str(v) for k, v in other.items()}}})


def write_trace(runs: list[TracedRun], folder: str | os.PathLike, what: str) -> Path:
    """Write ``runs`` as ``folder/chaishop-<what>-<stamp>.trace.json`` (folder created)."""
    if not runs:
        raise ValueError("no runs to trace yet")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"chaishop-{what}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = folder / f"{stem}.trace.json", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.trace.json"
    path.write_text(to_json(runs, run_count=len(runs)))
    return path
