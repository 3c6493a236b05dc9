"""The one speed-up rule: the scoreboard, the exports and ``chaishop bench`` all use it.

    runs (RunResult or BenchRow, in order) --speedups()--> [float | None]
    speed-up, recipe, crew, cores --impossible()--> True when it cannot be true
    each mode's repeats (bench) --spreads()--> (min, max) speed-up of paired repeats

A run's speed-up is the wall time of the latest *complete* sequential run of
the same recipe, orders and order size, over the run's own wall time.  Runs
that were stopped, failed, or too short to time get none, and are never a
baseline.  A CPU-bound speed-up above the number of cores (or any speed-up
above the crew size) cannot be true: it means the machine ran at another
speed for the baseline (other programs, a VM whose host took cycles, a core
that slowed down), and is never shown plain.
"""

from __future__ import annotations

from typing import Sequence

from chaishop.core.menu import BASELINE, CPU_BOUND, MODE

SEQUENTIAL = BASELINE  # the yardstick mode (core/menu.py: Mode.baseline)
# A wall time under this cannot be timed honestly (a run of nothing).
MIN_WALL_S = 0.01
# A speed-up is compared with the limit as shown (two decimals): "2.09x" on 2 cores is
# above the cores and is marked, as the README says (a 5 % allowance once let it pass plain).
SHOWN_DECIMALS = 2


def baseline_key(r) -> tuple:
    return (r.recipe, r.orders, r.size)


def timed(r) -> bool:
    return r.complete and r.wall_s >= MIN_WALL_S


def speedups(runs: Sequence) -> list[float | None]:
    """Each run's speed-up against the latest complete sequential run of its kind."""
    base: dict[tuple, float] = {}
    for r in runs:
        if MODE[r.mode].baseline and timed(r):
            base[baseline_key(r)] = r.wall_s
    out: list[float | None] = []
    for r in runs:
        b = base.get(baseline_key(r))
        out.append(b / r.wall_s if b and timed(r) else None)
    return out


def limit(recipe: str, crew: int, cores: int) -> int:
    """The biggest speed-up ``crew`` baristas can truly get on ``cores`` cores."""
    return max(1, min(crew, cores) if recipe in CPU_BOUND else crew)


def impossible(up: float | None, recipe: str, crew: int, cores: int) -> bool:
    return up is not None and round(up, SHOWN_DECIMALS) > limit(recipe, crew, cores)


def why_impossible(up: float, recipe: str, crew: int, cores: int) -> str:
    n = limit(recipe, crew, cores)
    what = f"{n} core{'s' if n != 1 else ''}" if recipe in CPU_BOUND and cores <= crew else \
        f"a crew of {crew}"
    return (f"{up:.2f}x cannot be true with {what}: the machine ran at another speed "
            "during the baseline (other programs, the VM's host, a core's clock)")


def spreads(results: dict[str, list]) -> dict[str, tuple]:
    """Speed-up of each mode's repeat i against the sequential repeat i: (min, max)."""
    seq = results.get(SEQUENTIAL)
    if not seq:
        return {}
    out = {}
    for mode, rs in results.items():
        ups = [b.wall_s / r.wall_s for b, r in zip(seq, rs) if r.wall_s > 0]
        if len(ups) > 1:
            out[mode] = (round(min(ups), 3), round(max(ups), 3))
    return out
