"""``chaishop scale``: speed-up against crew size, per mode, with Amdahl's law fitted.

    modes x crews (+ one sequential baseline) --rounds.interleaved--> repeats, interleaved
        each run: the same RunSpec and shop.Run as bench (rounds.run_once; a rush hour fresh)
    each (mode, crew)'s repeats --rows.row_of--> medians (BenchRow)
        --> ScalePoint: median speed-up of the paired repeats (each against the baseline's
            repeat of the same round), their spread, the same without start-up, noisy flag
    each mode's points --measure.amdahl.fit--> serial fraction f +- err (derived), and
        the same with start-up excluded  --> ScaleReport (scale_tables renders it)

Strong scaling: the total work is held fixed (the same orders of the same size for every
crew and the baseline); only the crew changes.  The default orders are two per barista
of the largest crew, so every crew size divides them evenly.

Sampled runs (waiting recipes only): 2,000 half-second waits served one at a time take
over 16 minutes, for the baseline and again for each crew of one.  A run whose orders
would wait longer than ``SAMPLE_S`` in all, one round of the crew after another, serves
whole rounds lasting about ``SAMPLE_S`` instead, and its wall and CPU time beyond start-up
are scaled to every order (``sampled``): waits of a fixed length take the same time in
every round, so the scaled figure is the measured rate carried over, and it is labelled
derived in every output.  CPU-bound runs are never sampled.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from chaishop.core import crews as crew_registry
from chaishop.core.bench.rounds import interleaved, run_once
from chaishop.core.bench.rows import BenchRow, row_of
from chaishop.core.engine.rush import summarised
from chaishop.core.kitchen import mp
from chaishop.core.machine import Machine, describe
from chaishop.core.measure import amdahl
from chaishop.core.measure.curve import crews_for, default_crews, workers
from chaishop.core.measure import speedup as su
from chaishop.core.menu import BASELINE, MODES, RECIPE, crew_of, mode_available
from chaishop.core.protocol import events as ev

ORDERS_PER_BARISTA = 2  # default orders: this many per barista of the largest crew
# A waiting run longer than this, round after round, is sampled (see above): a curve of
# 1, 10, 100, 1,000 waiting baristas then takes minutes, not an hour.
SAMPLE_S = 20.0


def sample_of(recipe: str, mode: str, crew: int, orders: int, order_s: float) -> int:
    """How many of ``orders`` a run serves: all, or (a waiting recipe whose rounds would
    take longer than SAMPLE_S) whole rounds of the crew lasting about SAMPLE_S."""
    per = crew_of(mode, crew)
    rounds = -(-orders // per)
    if RECIPE[recipe].cpu_bound or rounds * order_s <= SAMPLE_S:
        return orders
    return min(orders, per * max(1, int(SAMPLE_S / order_s)))


def scaled(r: ev.RunResult, orders: int) -> ev.RunResult:
    """A sampled run carried over to ``orders``: wall beyond start-up and CPU scaled (derived)."""
    f = orders / r.orders
    return dataclasses.replace(r, orders=orders, orders_done=round(r.orders_done * f),
                               wall_s=round(r.startup_s + (r.wall_s - r.startup_s) * f, 4),
                               cpu_s=round(r.cpu_s * f, 4))


def default_modes() -> list[str]:
    """The registry's scale modes this interpreter has (interpreters from 3.12 on)."""
    return [m.name for m in MODES if m.scale_default and mode_available(m.name)[0]]


@dataclass(frozen=True)
class ScalePoint:
    """One crew size of one mode: its repeats' medians and speed-ups (measured)."""

    mode: str
    crew: int
    workers: int  # effective workers for Amdahl: min(crew, cores) on CPU-bound work
    row: BenchRow
    speedup: float | None  # median over the repeats of baseline wall / wall, same round
    spread: tuple[float, float] | None  # (min, max) over the paired repeats
    repeat_speedups: tuple[float, ...] = ()  # repeat i against the baseline's repeat i
    speedup_no_startup: float | None = None  # the same, start-up taken out of both
    repeat_no_startup: tuple[float, ...] = ()
    impossible: bool = False
    sampled: int | None = None  # orders really served when the run was sampled (derived)

    @property
    def noisy(self) -> bool:
        return self.row.result.noisy

    def to_dict(self) -> dict:
        r = self.row.result
        rnd = lambda v: None if v is None else round(v, 3)  # noqa: E731
        return {"mode": self.mode, "crew": self.crew, "effective_workers": self.workers,
                "speedup": rnd(self.speedup),
                "speedup_min": rnd(self.spread[0]) if self.spread else None,
                "speedup_max": rnd(self.spread[1]) if self.spread else None,
                "speedup_no_startup": rnd(self.speedup_no_startup),
                "speedup_impossible": self.impossible,
                "wall_s": r.wall_s, "startup_s": r.startup_s, "cpu_s": r.cpu_s,
                "runs": self.row.runs, "noisy": r.noisy, "noisy_runs": self.row.noisy_runs,
                "other_cpu_cores": r.other_cpu_cores,
                "rss_per_barista_kib": r.rss_per_barista_kib,
                "sampled_orders": self.sampled}


@dataclass(frozen=True)
class ModeCurve:
    mode: str
    points: list[ScalePoint]
    fit: amdahl.Fit  # derived: least squares over the points (wall time)
    fit_no_startup: amdahl.Fit  # derived: the same with start-up excluded

    def to_dict(self) -> dict:
        f, g = self.fit.to_dict(), self.fit_no_startup.to_dict()
        return {"points": [p.to_dict() for p in self.points],
                "serial_fraction": f["serial_fraction"],
                "serial_fraction_err": f["serial_fraction_err"],
                "serial_fraction_clamped": f["clamped"],
                "serial_fraction_raw": f["serial_fraction_raw"],  # least squares, unclamped
                "serial_fraction_no_startup": g["serial_fraction"],
                "serial_fraction_no_startup_err": g["serial_fraction_err"],
                "points_fitted": f["points_fitted"],
                "derived": ["serial_fraction", "serial_fraction_err",
                            "serial_fraction_no_startup", "serial_fraction_no_startup_err"]}


@dataclass(frozen=True)
class ScaleReport:
    machine: Machine
    start_method: str
    recipe: str
    orders: int
    size: int
    order_s: float
    repeat: int
    baseline: BenchRow
    curves: list[ModeCurve] = field(default_factory=list)
    baseline_sampled: int | None = None  # orders the baseline really served, if sampled

    def to_dict(self) -> dict:
        b = self.baseline.result
        return {"machine": self.machine.to_dict() | {"process_start_method": self.start_method},
                "cores": self.machine.cores, "recipe": self.recipe, "orders": self.orders,
                "size": self.size, "order_seconds": self.order_s, "repeat": self.repeat,
                "held_fixed": held_fixed(self),
                "baseline": {"mode": b.mode, "wall_s": b.wall_s, "startup_s": b.startup_s,
                             "runs": self.baseline.runs, "noisy": b.noisy,
                             "noisy_runs": self.baseline.noisy_runs,
                             "sampled_orders": self.baseline_sampled},
                "modes": {c.mode: c.to_dict() for c in self.curves},
                "derived": "serial fractions are fitted to the medians (Amdahl's law, least "
                           "squares in time); a run with sampled_orders served only that many "
                           "orders, its wall and CPU beyond start-up scaled to all (and so "
                           "every speed-up against a sampled baseline); every other figure is "
                           "measured"}


def held_fixed(report: ScaleReport) -> str:
    return (f"strong scaling: the same {report.orders} orders of size {report.size:,} for every "
            f"crew and the sequential baseline; only the crew changes")


def _ratios(base: list[ev.RunResult], runs: list[ev.RunResult], startup: bool) -> list[float]:
    """Each repeat's speed-up against the baseline's repeat of the same round (without
    start-up: both less their start-up; a remainder too short to time gives none)."""
    t = (lambda r: r.wall_s) if startup else (lambda r: r.wall_s - r.startup_s)
    return [t(b) / t(r) for b, r in zip(base, runs)
            if b.complete and r.complete and min(t(b), t(r)) >= su.MIN_WALL_S]


def point_of(mode: str, crew: int, cores: int, base: list[ev.RunResult],
             runs: list[ev.RunResult], sampled: int | None = None) -> ScalePoint:
    """One crew's point: the median of its repeats' paired speed-ups (so it lies within
    their spread), with and without start-up."""
    row = row_of(runs)
    ups, quiet = _ratios(base, runs, True), _ratios(base, runs, False)
    up = statistics.median(ups) if ups else None
    return ScalePoint(mode, crew, workers(row.result.recipe, mode, crew, cores), row, up,
                      (min(ups), max(ups)) if ups else None, tuple(ups),
                      statistics.median(quiet) if quiet else None, tuple(quiet),
                      su.impossible(up, row.result.recipe, crew_of(mode, crew), cores), sampled)


def curve_of(mode: str, points: list[ScalePoint]) -> ModeCurve:
    return ModeCurve(
        mode, points,
        amdahl.fit([(p.workers, p.speedup) for p in points if p.speedup],
                   [(p.workers, u) for p in points for u in p.repeat_speedups]),
        amdahl.fit([(p.workers, p.speedup_no_startup) for p in points if p.speedup_no_startup],
                   [(p.workers, u) for p in points for u in p.repeat_no_startup]))


def scale(modes: list[str], crews: dict[str, list[int]], recipe: str, orders: int, size: int,
          order_s: float, repeat: int = 3, warmup: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          on_point: Callable[[ScalePoint], None] = lambda _: None, **variant) -> ScaleReport:
    """Measure every mode at each of its ``crews`` and one sequential baseline, interleaved
    and repeated; ``on_point`` sees each point as soon as its repeats (and the baseline's)
    are in.  ``variant``: RunSpec's lock, share, ring."""
    machine = describe()
    mp.warm_up()
    base_key = (BASELINE, 1)
    keys = [base_key] + [(m, c) for c in sorted({c for m in modes for c in crews[m]})
                         for m in modes if c in crews[m]]
    done: set = set()
    results: dict = {}
    sampled: dict = {}  # key -> orders really served, where runs were sampled

    def one(key, n_orders: int = orders, measured: bool = True) -> ev.RunResult:
        mode, crew = key
        served = sample_of(recipe, mode, crew, n_orders, order_s)
        spec = ev.RunSpec(mode, recipe, crew, served, size, order_s, **variant)
        r = run_once(spec, lambda _: None, fresh=summarised(crew_of(mode, crew)))
        if served < n_orders:
            r = scaled(r, n_orders)
            if measured:
                sampled[key] = served
        if measured:
            results.setdefault(key, []).append(r)
            _emit()
        return r

    def _point(m: str, c: int, base: list, rs: list) -> ScalePoint:
        return point_of(m, c, machine.cores, base, rs, sampled.get((m, c)))

    def _emit() -> None:
        base = results.get(base_key, [])
        for k, rs in results.items():
            if k != base_key and k not in done and len(rs) == repeat == len(base):
                done.add(k)
                on_point(_point(k[0], k[1], base, rs))

    try:
        if warmup:
            for key in [base_key] + [(m, crews[m][0]) for m in modes if crews[m]]:
                progress(f"warming up {key[0]}")
                one(key, min(orders, key[1]), measured=False)
        interleaved(keys, repeat, one, progress, name=lambda k: f"{k[0]} x{k[1]}")
    finally:
        crew_registry.close_warm()
    base = results[base_key]
    curves = [curve_of(m, [_point(m, c, base, results[(m, c)]) for c in crews[m]])
              for m in modes]
    return ScaleReport(machine, mp.start_method(), recipe, orders, size, order_s, repeat,
                       row_of(base), curves, sampled.get(base_key))


__all__ = ["ModeCurve", "ScalePoint", "ScaleReport", "crews_for",
           "curve_of", "default_crews", "default_modes", "point_of", "scale"]
