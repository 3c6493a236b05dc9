"""One row of ``chaishop bench`` per mode: its repeats' medians as one RunResult, plus what
only bench has (the repeats, their spread, the speed-up).

    a mode's repeats [RunResult] --row_of()--> BenchRow(result: the medians as one run,
        runs, noisy runs, per-barista medians, figures: the median run's lesson figures)
    [BenchRow] --with_speedups()--> speed-up, flagged when impossible (core.measure.speedup)
    BenchRow --to_dict() / flat()--> one JSON run / one CSV line (names fixed by COLUMNS)
    BenchReport: the rows, the machine, the dask cluster (core.bench.tables renders it)

The scoreboard's exports (ui/export.py) make one row of each finished run the same way.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace

from chaishop.core.machine import Machine
from chaishop.core.measure import speedup as su
from chaishop.core.protocol import events as ev

# The flat columns (CSV); JSON rows also carry per_barista and speedup_spread.
COLUMNS = ("mode", "recipe", "baristas", "orders", "size", "wall_s", "cpu_s", "startup_s",
           "parallelism", "speedup", "speedup_impossible", "create_s", "orders_done",
           "stopped", "failed", "complete", "other_cpu_cores", "steal_cores", "noisy",
           "noisy_runs", "runs", "baseline", "peak_rss_mib", "rss_per_barista_kib",
           "os_threads_peak")
BARISTA_COLUMNS = ("barista", "cpu_s", "busy_s", "cpu_share", "gil_wait_s", "core_wait_s")


@dataclass(frozen=True)
class BenchRow:
    """One mode's repeats: their medians as one run, and the figures only bench has."""

    # The repeats' medians (rounded to 0.1 ms) as one run: orders_done the fewest, failed
    # the most, cancelled and noisy if any repeat was, os_threads_peak the highest; the
    # rest (the lesson among them) from the run with the median wall time.
    result: ev.RunResult
    parallelism: float = 0.0  # median CPU over median wall, before they were rounded
    speedup: float | None = None  # sequential wall / this wall; None without a sequential run
    speedup_impossible: bool = False  # above what the cores (or the crew) allow
    speedup_spread: tuple | None = None  # (min, max) over paired repeats
    runs: int = 1
    noisy_runs: int = 0
    per_barista: tuple = ()  # dicts: BARISTA_COLUMNS, medians over repeats
    figures: dict = field(default_factory=dict)  # the median run's LessonResult.figures

    def to_dict(self) -> dict:
        r = self.result
        return {"mode": r.mode, "recipe": r.recipe, "baristas": r.baristas, "orders": r.orders,
                "size": r.size, "wall_s": r.wall_s, "cpu_s": r.cpu_s, "startup_s": r.startup_s,
                "parallelism": self.parallelism, "speedup": self.speedup,
                "speedup_impossible": self.speedup_impossible, "create_s": r.create_s,
                "orders_done": r.orders_done, "stopped": r.cancelled, "failed": r.failed,
                "other_cpu_cores": r.other_cpu_cores, "steal_cores": r.steal_cores,
                "noisy": r.noisy, "noisy_runs": self.noisy_runs, "runs": self.runs,
                "baseline": r.baseline,
                "speedup_spread": list(self.speedup_spread) if self.speedup_spread else None,
                "per_barista": [dict(b) for b in self.per_barista],
                "peak_rss_mib": r.peak_rss_mib, "rss_per_barista_kib": r.rss_per_barista_kib,
                "os_threads_peak": r.os_threads_peak, "complete": r.complete} | self.figures

    def flat(self) -> dict:
        d = self.to_dict()
        return {c: d[c] for c in COLUMNS}


@dataclass(frozen=True)
class BenchReport:
    """The rows of one bench (or one scoreboard export), and where they were measured."""

    machine: Machine
    start_method: str
    repeat: int
    baristas: int
    order_s: float
    rows: list[BenchRow] = field(default_factory=list)
    cluster: dict | None = None  # the dask mode's cluster: its start-up, apart from every run
    # mode -> what one barista's start-up was made of, where it says where its bytecode came
    # from (subinterpreters: core/bytecode.py), in the last measured run
    bytecode: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        machine = self.machine.to_dict() | {"process_start_method": self.start_method}
        out = {"machine": machine, "runs": [r.to_dict() for r in self.rows]}
        if self.cluster is not None:
            out["cluster"] = self.cluster
        return out


def _median(values) -> float | None:
    vs = [v for v in values if v is not None]
    return round(statistics.median(vs), 4) if vs else None


def _per_barista(results: list[ev.RunResult]) -> tuple:
    by: dict[int, list[ev.BaristaStats]] = {}
    for r in results:
        for s in r.per_barista:
            by.setdefault(s.barista, []).append(s)
    out = []
    for b, stats in sorted(by.items()):
        d = {"barista": b}
        for c in BARISTA_COLUMNS[1:]:
            m = _median(s.to_dict()[c] for s in stats)
            d[c] = None if m is None else round(m, 3 if c == "cpu_share" else 4)
        out.append(d)
    return tuple(out)


def row_of(results: list[ev.RunResult]) -> BenchRow:
    """The median row of one mode's repeats (or one run's row)."""
    first = results[0]
    middle = sorted(results, key=lambda r: r.wall_s)[(len(results) - 1) // 2]  # the median run
    wall = statistics.median(r.wall_s for r in results)
    cpu = statistics.median(r.cpu_s for r in results)
    others = _median(r.other_cpu_cores for r in results)
    medians = replace(
        middle, mode=first.mode, recipe=first.recipe, baristas=first.baristas,
        orders=first.orders, size=first.size, baseline=first.baseline,
        wall_s=round(wall, 4), cpu_s=round(cpu, 4),
        startup_s=round(statistics.median(r.startup_s for r in results), 4),
        create_s=_median(r.create_s for r in results),
        orders_done=min(r.orders_done for r in results),
        cancelled=any(r.cancelled for r in results), failed=max(r.failed for r in results),
        other_cpu_cores=None if others is None else round(others, 3),
        steal_cores=_median(r.steal_cores for r in results),
        noisy=any(r.noisy for r in results),
        peak_rss_mib=_median(r.peak_rss_mib for r in results),
        rss_per_barista_kib=_median(r.rss_per_barista_kib for r in results),
        os_threads_peak=max((r.os_threads_peak for r in results if r.os_threads_peak is not None),
                            default=None),  # a peak: the highest over the repeats
        per_barista=())  # per barista: the row's medians over the repeats, below
    return BenchRow(
        medians, parallelism=round(cpu / wall if wall > 0 else 0.0, 3), runs=len(results),
        noisy_runs=sum(r.noisy for r in results), per_barista=_per_barista(results),
        # one run's figures (the median run's), so that they belong together
        figures={} if middle.lesson is None else middle.lesson.figures(middle.wall_s))


def with_speedups(rows: list[BenchRow], cores: int = 0,
                  spreads: dict[str, tuple] | None = None) -> list[BenchRow]:
    out = []
    for row, up in zip(rows, su.speedups([row.result for row in rows])):
        r = row.result
        out.append(replace(row, speedup=None if up is None else round(up, 3),
                           speedup_impossible=bool(cores) and su.impossible(
                               up, r.recipe, r.baristas, cores),
                           speedup_spread=(spreads or {}).get(r.mode)))
    return out
