"""How much the GIL probe slows a sequential brew (goal: <= 2 %).

    warm up -> repeat: [plain run, run with a GilProbe] in alternating order
    -> median wall of each -> ratio (with probe / plain)

A speed goal, not a test: run it by hand on a quiet machine.

    python tests/perf/gil_probe_overhead.py [--rounds N] [--order-seconds S]
"""

from __future__ import annotations

import argparse
import statistics

from chaishop.core.protocol import events as ev
from chaishop.core.measure.gil import GilProbe
from chaishop.core.workloads.recipes import calibrate
from chaishop.core.engine.shop import run

GOAL = 1.02  # the probe may cost at most 2 % of a brewing thread
ORDERS = 4


def one(size: int, probe: bool) -> float:
    spec = ev.RunSpec("sequential", "brew", 1, ORDERS, size, 0.0)
    if not probe:
        return run(spec).wall_s
    with GilProbe() as gauge:
        wall = run(spec).wall_s
        reading = gauge.read()
    assert reading.samples > 0, "the probe took no samples"
    return wall


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--order-seconds", type=float, default=0.25)
    args = p.parse_args()
    size = calibrate(args.order_seconds)
    one(size, False), one(size, True)  # warm up: this VM runs faster after a few seconds
    plain: list[float] = []
    probed: list[float] = []
    for i in range(args.rounds):
        for probe in ((False, True) if i % 2 == 0 else (True, False)):
            (probed if probe else plain).append(one(size, probe))
    a, b = statistics.median(plain), statistics.median(probed)
    ratio = b / a
    print(f"sequential brew, {ORDERS} orders of {size:,} iterations, median of {args.rounds}")
    print(f"without probe {a:.3f} s   with probe {b:.3f} s   ratio {ratio:.3f} "
          f"({'meets' if ratio <= GOAL else 'misses'} the {GOAL:.2f} goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
