"""Running ``chaishop bench``: the same orders through each mode, repeated, interleaved.

    warm-up (each mode once, discarded)
    repeat R times, modes interleaved A B C, C B A, ... so that a machine
    that speeds up or slows down over time does not favour one mode
    -> each mode's repeats --rows.row_of--> its median row
    -> speed-up vs sequential (core.measure.speedup: the scoreboard's rule), flagged
       when it cannot be true, with the spread of the repeats --> BenchReport

Runs in this process, through the same ``shop.Run`` the kitchen uses for the
UI.  Each run also measures the CPU other programs took meanwhile
(core.measure.noise).  A rush hour runs in a fresh process of its own
(core.kitchen.fresh): clean memory figures.
"""

from __future__ import annotations

from collections.abc import Callable

from chaishop.core import crews
from chaishop.core.bench.rows import BenchReport, BenchRow, row_of, with_speedups
from chaishop.core.engine.rush import summarised
from chaishop.core.engine.shop import run
from chaishop.core.kitchen import mp
from chaishop.core.kitchen.fresh import run_fresh
from chaishop.core.machine import describe
from chaishop.core.menu import MODE
from chaishop.core.measure import speedup as su
from chaishop.core.protocol import events as ev


def bench(modes: list[str], recipe: str, baristas: int, orders: int, size: int, order_s: float,
          repeat: int = 3, warmup: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          sink: Callable[[object], None] | None = None, scheduler: str | None = None,
          **variant) -> BenchReport:
    """``sink`` (e.g. a trace.Recorder) sees every event of the measured rounds;
    ``scheduler``: the dask mode's existing cluster (None: start one here, closed at the end);
    ``variant``: RunSpec's lock, share and ring (the till and haul recipes)."""
    mp.warm_up()
    clusters: list[ev.ClusterReady] = []
    made_of: dict[str, str] = {}  # mode -> a STARTED detail that says where bytecode came from

    def one(mode: str, n_orders: int, measured: bool = True, fresh: bool = False) -> ev.RunResult:
        # dask: an existing cluster (scheduler), or our own, started once and kept warm
        spec = ev.RunSpec(mode, recipe, baristas, n_orders, size, order_s,
                          scheduler=scheduler if MODE[mode].cluster else None, **variant)

        def tee(m: object) -> None:
            if isinstance(m, ev.ClusterReady):
                clusters.append(m)
                return
            if measured and isinstance(m, ev.Event) and m.kind == ev.STARTED \
                    and "bytecode:" in m.detail:
                made_of[mode] = m.detail
            if sink is not None and measured:
                sink(m)

        return run_once(spec, tee, fresh)

    try:
        rows = _rounds(modes, orders, baristas, repeat, warmup, one, progress)
    finally:
        crews.close_warm()  # our own cluster ends here; one we only connected to never does
    return BenchReport(describe(), mp.start_method(), repeat, baristas, order_s, rows,
                       _cluster_summary(clusters), made_of)


def _cluster_summary(clusters: list[ev.ClusterReady]) -> dict | None:
    if not clusters:
        return None
    c = clusters[0]
    return {"scheduler": c.scheduler, "started_here": c.started_here,
            "workers": list(c.workers), "startup_s": round(c.first_start_s, 4),
            "ready_before_runs_s": [round(x.startup_s, 4) for x in clusters]}


def _rounds(modes, orders, baristas, repeat, warmup, one, progress) -> list[BenchRow]:
    if warmup:
        for mode in modes:
            progress(f"warming up {mode}")
            one(mode, min(orders, baristas), measured=False)
    results = interleaved(modes, repeat, lambda mode: one(mode, orders, fresh=summarised(baristas)),
                          progress)
    return with_speedups([row_of(results[m]) for m in modes], describe().cores, su.spreads(results))


def run_once(spec: ev.RunSpec, sink: Callable[[object], None], fresh: bool) -> ev.RunResult:
    """One measured run; a rush hour (``fresh``) in a fresh process (core.kitchen.fresh):
    clean memory figures.  A run that did not complete is an error."""
    result = run_fresh(spec) if fresh else run(spec, sink)
    # A run its lesson ended (forks: a deadlock found) is the lesson's verdict, not a failure.
    if not result.complete and not (result.lesson is not None and result.lesson.ended_run):
        raise RuntimeError(f"{spec.mode} run did not complete: {result.failed} barista(s) failed")
    return result


def interleaved(keys: list, repeat: int, one: Callable[[object], ev.RunResult],
                progress: Callable[[str], None], name: Callable[[object], str] = str) -> dict:
    """Each key run ``repeat`` times, interleaved A B C, C B A, ...: {key: [RunResult]}
    (bench's keys are modes; scale's are (mode, crew) pairs and the baseline)."""
    results: dict = {k: [] for k in keys}
    for i in range(repeat):
        for k in (keys if i % 2 == 0 else list(reversed(keys))):
            progress(f"round {i + 1}/{repeat}: {name(k)}")
            results[k].append(one(k))
    return results
