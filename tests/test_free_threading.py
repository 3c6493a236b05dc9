"""Free-threaded Python, checked: thread baristas brew on more than one core exactly when
the GIL is off (3.13t, 3.14t), and never do under a GIL.

Measured with the run's own clocks.  Every event a thread barista sends carries the
event clock (``t``) and that thread's CPU time (``time.thread_time``).  For any stretch
of time, each barista's CPU between its first and last event inside the stretch is a
lower bound of what it used there; summed over the crew and divided by the stretch, it
is a lower bound of the cores the crew used at once.  Under a GIL it cannot exceed one
core (only one thread runs Python at a time).  Without the GIL it comes close to two on
an idle 2-core machine.

A busy machine can honestly keep the second core from us: the free-threaded check asks
for one busy stretch of ``WINDOW_S`` where the two threads held more than ``PARALLEL``
cores together, in up to ``ATTEMPTS`` runs; it fails only if other programs kept a core
busy through all of them, and says so.  The GIL check holds on any machine: no stretch
and no run may exceed ``SERIAL`` cores.
"""

from __future__ import annotations

import collections
import os

import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.machine import describe
from chaishop.core.workloads.recipes import BREW, calibrate
from chaishop.core.engine.shop import run

# A stretch this long holds 6 progress reports per barista (one every 50 ms):
# the lower bound loses at most two report gaps of it, so two threads brewing
# side by side score about 1.6 cores, one at a time at most 1.0.
WINDOW_S = 0.3
PARALLEL = 1.2  # more than one core, clearly: only free threads reach it
SERIAL = 1.1  # one core, and a margin for the clocks' granularity
ATTEMPTS = 4
ORDER_S = 0.25  # brewing per order at this machine's measured speed
ORDERS = 6  # three per barista: about 0.75 s of brewing each


def crew_cores(seen: list[object]) -> float:
    """The most cores the crew was seen using at once over any ``WINDOW_S`` stretch (lower bound)."""
    per: dict[int, list[tuple[float, float]]] = collections.defaultdict(list)
    for e in seen:
        if isinstance(e, ev.Event) and e.cpu_s is not None:
            per[e.barista].append((e.t, e.cpu_s))
    if len(per) < 2:
        return 0.0
    lead, *others = per.values()
    best = 0.0
    for i, (a, cpu_a) in enumerate(lead):
        end = next(((b, cpu_b) for b, cpu_b in lead[i + 1:] if b - a >= WINDOW_S), None)
        if end is None:
            break
        b, cpu_b = end
        used = cpu_b - cpu_a
        for samples in others:
            inside = [c for t, c in samples if a <= t <= b]
            if len(inside) >= 2:
                used += inside[-1] - inside[0]
        best = max(best, used / (b - a))
    return best


def brew_with_two_threads(size: int) -> tuple[ev.RunResult, float]:
    seen: list[object] = []
    result = run(ev.RunSpec("threads", BREW, 2, ORDERS, size, 0.0), seen.append)
    assert result.complete, result
    return result, crew_cores(seen)


@pytest.mark.alone
def test_two_thread_baristas_brew_in_parallel_exactly_when_the_gil_is_off():
    machine = describe()
    if machine.cores < 2:
        pytest.skip("one usable core: no crew can brew on two at once here")
    size = calibrate(ORDER_S, budget_s=0.2)
    if machine.gil_enabled:
        for _ in range(2):
            result, cores = brew_with_two_threads(size)
            # The GIL lets one thread run Python at a time, whatever the load.
            assert cores <= SERIAL and result.parallelism <= SERIAL, (cores, result)
        return
    seen, others = [], []
    for _ in range(ATTEMPTS):
        result, cores = brew_with_two_threads(size)
        seen.append((round(cores, 2), round(result.parallelism, 2)))
        others.append(result.other_cpu_cores)
        if cores > PARALLEL:
            return
    if all(o is not None and o >= 0.5 for o in others):
        # The run's own noise meter saw other programs hold half a core or more in every
        # attempt: the second core was never ours to show, so nothing is shown either way.
        pytest.skip(f"machine too busy to show parallelism: other programs used "
                    f"{', '.join(f'{o:.2f}' for o in others)} cores in the {ATTEMPTS} attempts")
    pytest.fail(f"GIL off, yet two thread baristas never used more than {PARALLEL} cores at once "
                f"(per run: busiest {WINDOW_S} s stretch, whole-run parallelism: {seen}); "
                f"either something turned the GIL back on or other programs kept a core busy "
                f"throughout (load average {os.getloadavg()})")
