"""The shop's scaling curve (the C key): crews of 1, 2, 4, ... of the current mode, one run
each, in the kitchen, against one sequential baseline of the same orders.

    C ──▶ (PredictScreen: the room's guess) ──▶ CurvePlan.first() ──▶ start_run(spec)
    RunFinished ──▶ CurvePlan.after(result) ──▶ a CurvePoint to the CurveScreen, and the
                                               next spec (None: the curve is done)

Strong scaling: the orders are held fixed (the shop's --orders, else two per barista of the
largest crew).  Every number on the curve is a real run's wall time; the Amdahl fit
(core.measure.amdahl) is derived from them and labelled so.  One run per crew size (the
shop has no time for repeats: ``chaishop scale`` repeats and interleaves).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from chaishop.core.measure import amdahl
from chaishop.core.measure import speedup as su
from chaishop.core.measure.curve import crews_for, default_crews, workers
from chaishop.core.protocol import events as ev


@dataclass(frozen=True)
class CurvePoint:
    crew: int
    workers: int  # Amdahl's n: min(crew, cores) on CPU-bound work
    speedup: float | None
    wall_s: float
    noisy: bool


@dataclass
class CurvePlan:
    mode: str
    recipe: str
    crews: list[int]
    orders: int
    cores: int
    template: ev.RunSpec  # size, order seconds, lock, share... of the shop's run
    prediction: float | None = None  # the room's guess for the largest crew (x)
    baseline: ev.RunResult | None = None
    points: list[CurvePoint] = field(default_factory=list)
    queue: list[ev.RunSpec] = field(default_factory=list)
    awaiting: ev.RunSpec | None = None
    active: bool = True

    @classmethod
    def for_shop(cls, spec: ev.RunSpec, cores: int, orders: int | None,
                 baseline: ev.RunResult | None = None) -> CurvePlan:
        """The curve of ``spec``'s mode and recipe; ``orders``: the shop's --orders, if any;
        ``baseline``: a sequential run of the same orders already timed this session."""
        crews = crews_for(spec.mode, default_crews(cores), cores)
        n = orders or 2 * max(crews)
        spec = dataclasses.replace(spec, orders=n, baseline=False)
        plan = cls(spec.mode, spec.recipe, crews, n, cores, spec, baseline=baseline)
        if baseline is None:
            plan.queue.append(dataclasses.replace(spec, mode=su.SEQUENTIAL, baristas=1,
                                                  baseline=True))
        plan.queue += [dataclasses.replace(spec, baristas=c) for c in crews]
        return plan

    @property
    def largest(self) -> int:
        return max(self.crews)

    def next(self) -> ev.RunSpec | None:
        """The next run to start (None: the curve is done)."""
        if not self.active or not self.queue:
            self.active, self.awaiting = False, None
            return None
        self.awaiting = self.queue.pop(0)
        return self.awaiting

    def after(self, r: ev.RunResult) -> CurvePoint | None:
        """``r`` ended: its point (None for the baseline, or a run that is not the curve's:
        then the curve stops, since a key started another run in its place)."""
        a = self.awaiting
        if not self.active or a is None:
            return None
        if (r.recipe, r.orders, r.baseline) != (a.recipe, a.orders, a.baseline) or \
                (not a.baseline and (r.mode, r.baristas) != (a.mode, a.baristas)):
            self.active = False
            return None
        if not r.complete:
            self.active = False
            return None
        if a.baseline:
            self.baseline = r
            return None
        up = su.speedups([self.baseline, r])[1] if self.baseline else None
        p = CurvePoint(r.baristas, workers(r.recipe, r.mode, r.baristas, self.cores), up,
                       r.wall_s, r.noisy)
        self.points.append(p)
        return p

    def fit(self) -> amdahl.Fit:
        """Derived: Amdahl's serial fraction over the points so far."""
        return amdahl.fit([(p.workers, p.speedup) for p in self.points if p.speedup])

    @property
    def done(self) -> bool:
        return len(self.points) == len(self.crews)

    def measured_largest(self) -> float | None:
        return next((p.speedup for p in self.points if p.crew == self.largest), None)
