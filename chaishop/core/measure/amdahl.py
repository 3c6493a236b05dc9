"""Amdahl's law fitted to measured speed-ups: the serial fraction f, with its uncertainty.

    points [(crew, speed-up)] (medians) + cores + the recipe's wall --fit()--> Fit(f, err, ...)
    Fit --speedup(n)--> the curve drawn through the points

Amdahl: a run of ``n`` workers takes f + (1 - f) / n of the sequential time, so its
speed-up is 1 / (f + (1 - f) / n).  On CPU-bound work ``n`` is min(crew, cores): a crew
larger than the cores gains nothing more, and that is the wall, not a serial part
(``workers``: the caller passes core.measure.speedup.limit, the scoreboard's rule).

The fit works in time, where the run is measured: with x = 1 - 1/n and y = 1/s - 1/n,
Amdahl reads y = f * x, a straight line through the origin, so least squares has a
closed form, f = sum(x y) / sum(x x).  A crew of one worker (x = 0) says nothing about f
(its overhead is start-up, fitted apart by the caller).  The uncertainty is the standard
error of f from the residuals: of the repeats' points when given (each repeat's speed-up
against the baseline's repeat of the same round), else of the medians.  f is clamped to
[0, 1] (a crew slower than sequential fits above 1; an impossible speed-up below 0), and
the Fit says so.  Everything here is derived from measured numbers: pure, no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

Point = tuple[float, float]  # (workers n, speed-up s)


@dataclass(frozen=True)
class Fit:
    """The serial fraction f of Amdahl's law that best fits the points (derived)."""

    serial_fraction: float | None  # None: no point with more than one worker
    serial_fraction_err: float | None  # standard error; None with one point and no repeats
    raw: float | None = None  # f before clamping to [0, 1]
    clamped: bool = False  # the least-squares f was outside [0, 1]
    points: int = 0  # points with more than one worker (the ones that say something)

    def speedup(self, workers: float) -> float | None:
        """Amdahl's predicted speed-up with ``workers`` effective workers."""
        f = self.serial_fraction
        if f is None or workers <= 0:
            return None
        return 1.0 / (f + (1.0 - f) / workers)

    def to_dict(self) -> dict:
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {"serial_fraction": r(self.serial_fraction),
                "serial_fraction_err": r(self.serial_fraction_err),
                "serial_fraction_raw": r(self.raw), "clamped": self.clamped,
                "points_fitted": self.points}


def speedup(f: float, workers: float) -> float:
    """Amdahl's law: the speed-up of ``workers`` workers when a fraction ``f`` is serial."""
    return 1.0 / (f + (1.0 - f) / workers)


def _xy(n: float, s: float) -> Point:
    return 1.0 - 1.0 / n, 1.0 / s - 1.0 / n


def fit(points: Sequence[Point], repeats: Sequence[Point] = ()) -> Fit:
    """Least squares f over ``points`` [(effective workers, median speed-up)]; its standard
    error from the residuals of ``repeats`` (every repeat's point) if given, else of
    ``points``.  Points with a speed-up of zero or less, or one worker, are left out."""
    used = [_xy(n, s) for n, s in points if n > 1 and s > 0]
    if not used:
        return Fit(None, None)
    sxx = sum(x * x for x, _ in used)
    raw = sum(x * y for x, y in used) / sxx
    f = min(1.0, max(0.0, raw))
    scatter = [_xy(n, s) for n, s in repeats if n > 1 and s > 0] or used
    return Fit(f, _stderr(scatter, raw), raw, f != raw, len(used))


def _stderr(xy: list[Point], f: float) -> float | None:
    """Standard error of the slope of a line through the origin fitted to ``xy``."""
    if len(xy) < 2:
        return None
    sxx = sum(x * x for x, _ in xy)
    rss = sum((y - f * x) ** 2 for x, y in xy)
    return math.sqrt(rss / (len(xy) - 1) / sxx)


def fit_repeats(crews: Sequence[tuple[float, Sequence[float]]]) -> Fit:
    """Fit from each crew's repeats: [(effective workers n, [speed-up of each repeat])].
    A crew's point is its repeats' median; every repeat is a point of the scatter."""
    points, repeats = [], []
    for n, ups in crews:
        ups = sorted(u for u in ups if u > 0)
        if ups:
            points.append((n, _median(ups)))
            repeats += [(n, u) for u in ups]
    return fit(points, repeats if len(repeats) > len(points) else ())


def _median(vs: list[float]) -> float:
    k = len(vs)
    return vs[k // 2] if k % 2 else (vs[k // 2 - 1] + vs[k // 2]) / 2
