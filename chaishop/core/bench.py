"""``chaishop bench``: the same orders through several crews, measured side by side.

    warm-up (each mode once, discarded)
    repeat R times, modes interleaved A B C, C B A, ... so that a machine
    that speeds up or slows down over time does not favour one mode
    -> median wall, CPU, start-up, per-barista figures and noise per mode
    -> speed-up vs sequential (core.measure.speedup: the scoreboard's rule), flagged
       when it cannot be true, with the spread of the repeats

Runs in this process, through the same ``shop.Run`` the kitchen uses for the
UI.  Each run also measures the CPU other programs took meanwhile
(core.measure.noise); ``warnings()`` says when a median came from noisy runs.
A rush hour runs in a fresh process of its own (core.kitchen.fresh): clean memory figures.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from dataclasses import asdict, dataclass, field, replace
from typing import Callable

from chaishop.core import crews
from chaishop.core.workloads import lessons
from chaishop.core.kitchen import mp
from chaishop.core.protocol import events as ev
from chaishop.core.measure import speedup as su
from chaishop.core.kitchen.fresh import run_fresh
from chaishop.core.machine import Machine, describe
from chaishop.core.workloads.recipes import LABELS, work_label
from chaishop.core.engine.rush import summarised
from chaishop.core.engine.shop import run

# The flat columns (CSV); JSON rows also carry per_barista and speedup_spread.
COLUMNS = ("mode", "recipe", "baristas", "orders", "size", "wall_s", "cpu_s", "startup_s",
           "parallelism", "speedup", "speedup_impossible", "create_s", "orders_done",
           "stopped", "failed", "complete", "other_cpu_cores", "steal_cores", "noisy",
           "noisy_runs", "runs", "baseline", "peak_rss_mib", "rss_per_barista_kib",
           "os_threads_peak")
BARISTA_COLUMNS = ("barista", "cpu_s", "busy_s", "cpu_share", "gil_wait_s", "core_wait_s")


@dataclass(frozen=True)
class BenchRow:
    mode: str
    recipe: str
    baristas: int
    orders: int
    size: int
    wall_s: float
    cpu_s: float
    startup_s: float
    parallelism: float
    speedup: float | None  # sequential wall / this wall; None without a sequential run
    speedup_impossible: bool = False  # above what the cores (or the crew) allow
    create_s: float | None = None  # start-up's first part: creating the workers
    orders_done: int | None = None  # None: not told (taken as all of them)
    stopped: bool = False
    failed: int = 0
    other_cpu_cores: float | None = None  # median over the repeats
    steal_cores: float | None = None
    noisy: bool = False  # any repeat was noisy
    noisy_runs: int = 0
    runs: int = 1
    baseline: bool = False  # a run the shop started by itself as the baseline
    speedup_spread: tuple | None = None  # (min, max) over paired repeats
    per_barista: tuple = ()  # dicts: BARISTA_COLUMNS, medians over repeats
    # Memory and OS threads of the engine and its children (core.measure.memory);
    # per barista is derived: (peak RSS - idle RSS) / crew.  None: not measured.
    peak_rss_mib: float | None = None
    rss_per_barista_kib: float | None = None
    os_threads_peak: int | None = None
    extra: dict = field(default_factory=dict)  # till / haul figures (lessons.bench_extra)

    @property
    def complete(self) -> bool:
        done = self.orders if self.orders_done is None else self.orders_done
        return not self.stopped and self.failed == 0 and done == self.orders

    def to_dict(self) -> dict:
        d = asdict(self)
        d["complete"] = self.complete
        d["per_barista"] = [dict(b) for b in self.per_barista]
        d["speedup_spread"] = list(self.speedup_spread) if self.speedup_spread else None
        return {k: v for k, v in d.items() if k != "extra"} | self.extra

    def flat(self) -> dict:
        d = self.to_dict()
        return {c: d[c] for c in COLUMNS}


@dataclass(frozen=True)
class BenchReport:
    machine: Machine
    start_method: str
    repeat: int
    baristas: int
    wait_s: float
    rows: list[BenchRow] = field(default_factory=list)
    cluster: dict | None = None  # the dask mode's cluster: its start-up, apart from every run

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
    wall = statistics.median(r.wall_s for r in results)
    cpu = statistics.median(r.cpu_s for r in results)
    others = _median(r.other_cpu_cores for r in results)
    return BenchRow(
        mode=first.mode, recipe=first.recipe, baristas=first.baristas, orders=first.orders,
        size=first.size, wall_s=round(wall, 4), cpu_s=round(cpu, 4),
        startup_s=round(statistics.median(r.startup_s for r in results), 4),
        parallelism=round(cpu / wall if wall > 0 else 0.0, 3), speedup=None,
        create_s=_median(r.create_s for r in results),
        orders_done=min(r.orders_done for r in results),
        stopped=any(r.cancelled for r in results), failed=max(r.failed for r in results),
        other_cpu_cores=None if others is None else round(others, 3),
        steal_cores=_median(r.steal_cores for r in results),
        noisy=any(r.noisy for r in results), noisy_runs=sum(r.noisy for r in results),
        runs=len(results), baseline=first.baseline, per_barista=_per_barista(results),
        peak_rss_mib=_median(r.peak_rss_mib for r in results),
        rss_per_barista_kib=_median(r.rss_per_barista_kib for r in results),
        os_threads_peak=max((r.os_threads_peak for r in results if r.os_threads_peak is not None),
                            default=None),  # a peak: the highest over the repeats
        extra=lessons.bench_extra(results))



def with_speedups(rows: list[BenchRow], cores: int = 0,
                  spreads: dict[str, tuple] | None = None) -> list[BenchRow]:
    out = []
    for r, up in zip(rows, su.speedups(rows)):
        out.append(replace(r, speedup=None if up is None else round(up, 3),
                           speedup_impossible=bool(cores) and su.impossible(
                               up, r.recipe, r.baristas, cores),
                           speedup_spread=(spreads or {}).get(r.mode)))
    return out


def bench(modes: list[str], recipe: str, baristas: int, orders: int, size: int, wait_s: float,
          repeat: int = 3, warmup: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          sink: Callable[[object], None] | None = None, scheduler: str | None = None,
          **variant) -> BenchReport:
    """``sink`` (e.g. a trace.Recorder) sees every event of the measured rounds;
    ``scheduler``: the dask mode's existing cluster (None: start one here, closed at the end);
    ``variant``: RunSpec's lock, share and ring (the till and haul recipes)."""
    mp.warm_up()
    clusters: list[ev.ClusterReady] = []

    def one(mode: str, n_orders: int, measured: bool = True, fresh: bool = False) -> ev.RunResult:
        # dask: an existing cluster (scheduler), or our own, started once and kept warm
        spec = ev.RunSpec(mode, recipe, baristas, n_orders, size, wait_s,
                          scheduler=scheduler if mode == "dask" else None, **variant)

        def tee(m: object) -> None:
            if isinstance(m, ev.ClusterReady):
                clusters.append(m)
            elif sink is not None and measured:
                sink(m)

        # A rush hour runs in a fresh process (core.kitchen.fresh): clean memory figures.
        result = run_fresh(spec) if fresh else run(spec, tee)
        if not result.complete:
            raise RuntimeError(f"{mode} run did not complete: {result.failed} barista(s) failed")
        return result

    try:
        rows = _rounds(modes, orders, baristas, repeat, warmup, one, progress)
    finally:
        crews.close_warm()  # our own cluster ends here; one we only connected to never does
    return BenchReport(describe(), mp.start_method(), repeat, baristas, wait_s, rows,
                       _cluster_summary(clusters))


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
    results: dict[str, list[ev.RunResult]] = {m: [] for m in modes}
    for i in range(repeat):
        for mode in (modes if i % 2 == 0 else list(reversed(modes))):
            progress(f"round {i + 1}/{repeat}: {mode}")
            results[mode].append(one(mode, orders, fresh=summarised(baristas)))
    return with_speedups([row_of(results[m]) for m in modes], describe().cores, su.spreads(results))


def warnings(report: BenchReport) -> list[str]:
    """What a reader must know before trusting the table."""
    out = []
    for r in report.rows:
        if r.noisy:
            out.append(f"{r.mode}: {r.noisy_runs} of {r.runs} runs were noisy (other programs "
                       f"used {r.other_cpu_cores or 0:.2f} cores, median): its figures are not "
                       "this machine's best")
        if r.speedup_impossible and r.speedup is not None:
            spread = (f"; the repeats ranged {r.speedup_spread[0]:.2f}x-{r.speedup_spread[1]:.2f}x"
                      if r.speedup_spread else "")
            out.append(f"{r.mode}: " + su.why_impossible(r.speedup, r.recipe, r.baristas,
                                                          report.machine.cores) + spread)
    return out


def _speed(row: BenchRow) -> str:
    if row.speedup is None:
        return "-"
    return f"{row.speedup:.2f}x" + ("!" if row.speedup_impossible else "")


def _cells(row: BenchRow) -> list[str]:
    others = "-" if row.other_cpu_cores is None else \
        f"{row.other_cpu_cores:.2f}" + (" noisy" if row.noisy else "")
    done = f"{row.orders_done}/{row.orders}" + (" stopped" if row.stopped else "") + \
        (f" {row.failed} failed" if row.failed else "")
    kib = "-" if row.rss_per_barista_kib is None else f"{row.rss_per_barista_kib:,.1f}"
    threads = "-" if row.os_threads_peak is None else f"{row.os_threads_peak:,}"
    return [row.mode, row.recipe, str(row.baristas), f"{row.wall_s:.3f}", f"{row.cpu_s:.3f}",
            f"{row.parallelism:.2f}", _speed(row), f"{row.startup_s:.3f}", kib, threads, others,
            done] + lessons.bench_cells(row.extra, row.recipe)


# Recipe and crew are in every row: an exported scoreboard mixes them.
HEADERS = ["mode", "recipe", "crew", "wall s", "CPU s", "parallelism", "speedup", "start-up s",
           "KiB/barista", "OS threads", "others' cores", "served"]
TEXT_COLUMNS = 2  # left-aligned; the rest are numbers, right-aligned
BARISTA_HEADERS = ["mode", "barista", "CPU s", "busy s", "share of a core", "GIL wait s",
                   "core wait s"]


def _barista_cells(report: BenchReport) -> list[list[str]]:
    f = lambda v, p=3: "-" if v is None else f"{v:.{p}f}"  # noqa: E731
    return [[r.mode, str(b["barista"]), f(b["cpu_s"]), f(b["busy_s"]), f(b["cpu_share"], 2),
             f(b["gil_wait_s"]), f(b["core_wait_s"])] for r in report.rows for b in r.per_barista]


def title(report: BenchReport) -> str:
    r = report.rows[0]
    m = report.machine
    work = lessons.bench_work(report.rows) or work_label(r.recipe, r.orders, r.size, report.wait_s)
    return (f"{LABELS.get(r.recipe, r.recipe)} · {report.baristas} baristas · "
            f"{work} · median of {report.repeat}\n"
            f"{m.cores} cores · Python {m.python} ({m.gil_label}) · {m.platform} · "
            f"processes via {report.start_method}")


def _aligned(headers: list[str], body: list[list[str]], text_columns: int) -> list[str]:
    rows = [headers] + body
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    lines = []
    for j, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i < text_columns else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths))))
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _headers(report: BenchReport) -> list[str]:
    return HEADERS + lessons.bench_headers(report.rows[0].recipe)


def as_table(report: BenchReport, per_barista: bool = False) -> str:
    lines = [title(report), ""] + _aligned(_headers(report), [_cells(r) for r in report.rows],
                                           TEXT_COLUMNS)
    if per_barista:
        lines += ["", "per barista, while holding orders (medians):"]
        lines += _aligned(BARISTA_HEADERS, _barista_cells(report), 1)
    lines += [f"! {w}" for w in warnings(report) if "cannot be true" in w]
    if report.cluster is not None:
        c = report.cluster
        how = "started here (LocalCluster)" if c["started_here"] else "an existing cluster"
        verb = "started in" if c["started_here"] else "connected in"
        lines.append(f"\ndask: {len(c['workers'])} workers at {c['scheduler']}, {how}, "
                     f"{verb} {c['startup_s']:.2f} s, kept warm: not in any wall time")
    if report.machine.cores == 1:
        lines.append("\nThis machine has one core: no mode can run two baristas at once.")
    lines += lessons.bench_notes(report.rows)
    return "\n".join(lines)


def _md(headers: list[str], body: list[list[str]], text_columns: int) -> list[str]:
    align = ["---"] * text_columns + ["---:"] * (len(headers) - text_columns)
    return [f"| {' | '.join(headers)} |", f"|{'|'.join(align)}|"] + \
        [f"| {' | '.join(row)} |" for row in body]


def as_markdown(report: BenchReport, per_barista: bool = False) -> str:
    lines = _md(_headers(report), [_cells(r) for r in report.rows], TEXT_COLUMNS)
    if per_barista:
        lines += [""] + _md(BARISTA_HEADERS, _barista_cells(report), 1)
    return "\n".join(lines)


def as_csv(report: BenchReport, per_barista: bool = False) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if per_barista:
        w.writerow(("mode", "recipe") + BARISTA_COLUMNS)
        for r in report.rows:
            for b in r.per_barista:
                w.writerow([r.mode, r.recipe] + ["" if b[c] is None else b[c] for c in BARISTA_COLUMNS])
        return out.getvalue()
    extra = lessons.bench_keys(report.rows[0].recipe)  # a tuple, like COLUMNS
    w.writerow(COLUMNS + extra)
    for r in report.rows:
        d = r.to_dict()
        w.writerow(["" if d.get(c) is None else d.get(c) for c in COLUMNS + extra])
    return out.getvalue()


def as_json(report: BenchReport, per_barista: bool = True) -> str:
    return json.dumps(report.to_dict())
