"""Speed-ups without asking: the sequential baseline the shop times before a run that needs one.

    a key ──▶ start_run ──▶ BaselinePlanner.plan(spec)
                 ├─ a baseline of these orders was timed this session (or none is wanted)
                 │     ──▶ spec, sent as asked
                 └─ else ──▶ the same orders, sequential, marked baseline; spec waits (pending)
    RunFinished ──▶ BaselinePlanner.after(result) ──▶ the pending spec, once its baseline is done

The first run of a recipe and order size in a session that is not sequential is preceded by a
sequential run of the same orders, marked *baseline* on the stopwatch and the scoreboard.
Nothing is estimated: the baseline is a real run in the same kitchen, minutes, not months,
earlier.  A rush hour gets none (thousands of orders one after another would take hours;
its lesson is start-up and memory, not speed-up).
"""

from __future__ import annotations

import dataclasses

from chaishop.core.engine.rush import summarised
from chaishop.core.measure.speedup import SEQUENTIAL, baseline_key, timed
from chaishop.core.menu import HASH_STEPS, MODE, RECIPE
from chaishop.core.protocol import events as ev


class BaselinePlanner:
    def __init__(self, app, auto: bool = False) -> None:
        self.app = app  # read: app.results (the scoreboard's runs), app.ready (the calibration)
        self.auto = auto
        self.pending: ev.RunSpec | None = None  # the run to start once its baseline is done

    def has_baseline(self, spec: ev.RunSpec) -> bool:
        key = (spec.recipe, spec.orders, self.expected_size(spec))
        # A recipe sized in its own units (till, haul) is sized by the kitchen, the same way
        # each time: any baseline of its orders counts (else l or x would time a new one).
        same = len(key) if RECIPE[spec.recipe].sized else 2
        return any(MODE[r.mode].baseline and timed(r) and baseline_key(r)[:same] == key[:same]
                   for r in self.app.results)

    def expected_size(self, spec: ev.RunSpec) -> int:
        if spec.size:
            return spec.size
        ready = self.app.ready
        if ready is None:
            return 0
        hashes = RECIPE[spec.recipe].sizing == HASH_STEPS  # grind: calibrated on its own
        return ready.grind_size if hashes and ready.grind_size else ready.size

    def plan(self, spec: ev.RunSpec) -> ev.RunSpec:
        """The spec to send now: ``spec``, or its sequential baseline first."""
        self.pending = None
        if not self.auto or MODE[spec.mode].baseline or self.has_baseline(spec) \
                or not RECIPE[spec.recipe].speedup:  # forks: a deadlock has no speed-up
            return spec
        if summarised(spec.baristas):  # a rush hour: thousands of orders one after another
            return spec
        self.pending = spec
        return dataclasses.replace(spec, mode=SEQUENTIAL, baseline=True)

    def after(self, r: ev.RunResult) -> ev.RunSpec | None:
        """The run to start now that ``r`` ended: the pending one, if ``r`` was its baseline."""
        nxt, self.pending = self.pending, None
        if nxt is not None and r.baseline and r.complete:
            return nxt
        return None
