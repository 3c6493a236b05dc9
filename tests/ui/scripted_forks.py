"""The scripted kitchen's forks runs (tests/ui/scripted.py): a naive table that deadlocks.

Shaped after real `chaishop bench --recipe forks` runs (threads, 5 baristas, one-second meals,
Python 3.11.7 on a loaded 2-core VM): every barista held its left fork within milliseconds,
the cycle closed 0.50 s in (when the first think ended), and the kitchen ended the run 1.5 s
later.  Every time and figure here is fixed, so the picture is the same on every machine.
"""

from __future__ import annotations

from chaishop.core.protocol import events as ev
from chaishop.core.workloads.forks import forks_of
from chaishop.core.workloads.forks_result import GRACE_S, ForksResult
from chaishop.core.workloads.forks_run import table_kind

CLOSES_AFTER_S = 0.504  # when the last barista reached for its right fork (measured: 0.50 s)


def forks_script(spec: ev.RunSpec, t0: float, who) -> list[object]:
    """Every message of one naive forks run of ``spec`` that deadlocks (RunFinished last)."""
    n = spec.baristas
    out: list[object] = []

    def say(b: int, t: float, word: tuple) -> None:
        out.append(ev.Event(ev.PROGRESS, b, who(spec.mode, b), t=t, order=b, phase=ev.PHASE_WAIT,
                            run=spec.run, cpu_s=0.001, core_wait_s=0.0, word=word))

    for b in range(1, n + 1):
        start = t0 + 0.001 * b
        out.append(ev.Event(ev.STARTED, b, who(spec.mode, b), t=start, run=spec.run, cpu_s=0.0,
                            core_wait_s=0.0, pid=51100, tid=43020 + b))
        out.append(ev.Event(ev.TAKEN, b, who(spec.mode, b), t=start, order=b, run=spec.run,
                            cpu_s=0.0, core_wait_s=0.0))
        left, _ = forks_of(b, n)
        say(b, start, ("wait", left))
        say(b, start + 0.0001, ("hold", left))
    for b in range(1, n + 1):
        _, right = forks_of(b, n)
        say(b, t0 + CLOSES_AFTER_S - 0.001 * (n - b), ("wait", right))
    end = t0 + CLOSES_AFTER_S + GRACE_S + 0.05
    for b in range(1, n + 1):
        out.append(ev.Event(ev.FINISHED, b, who(spec.mode, b), t=end, run=spec.run, cpu_s=0.002,
                            core_wait_s=0.0, detail="cancelled"))
    cycle = tuple((b, forks_of(b, n)[1]) for b in range(1, n + 1))
    wait = end - (t0 + CLOSES_AFTER_S)
    lesson = ForksResult("none", table_kind(spec.mode), True, CLOSES_AFTER_S, cycle,
                         tuple((b, round(wait, 3)) for b in range(1, n + 1)), 0, 0)
    result = ev.RunResult(mode=spec.mode, recipe=spec.recipe, baristas=n, orders=spec.orders,
                          size=1, wall_s=end - t0, cpu_s=0.01, startup_s=0.005, orders_done=0,
                          failed=0, cancelled=True, run=spec.run, create_s=0.003,
                          other_cpu_cores=0.04, steal_cores=0.0, lesson=lesson)
    return [ev.RunStarted(spec, t0), *sorted(out, key=lambda m: m.t), ev.RunFinished(result)]
