"""``chaishop bench``: the same orders through several crews, measured side by side.

    warm-up (each mode once, discarded)
    repeat R times, modes interleaved A B C, C B A, ... so that a machine
    that speeds up or slows down over time does not favour one mode
    -> median wall, CPU and start-up per mode -> speedup vs sequential

Runs in this process, through the same ``shop.Run`` the kitchen uses for the UI.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from dataclasses import dataclass
from typing import Callable

from chaishop.core import events as ev
from chaishop.core import mp
from chaishop.core.machine import Machine, describe
from chaishop.core.recipes import LABELS
from chaishop.core.shop import run

COLUMNS = ("mode", "recipe", "baristas", "orders", "size", "wall_s", "cpu_s", "startup_s",
           "parallelism", "speedup")


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

    def to_dict(self) -> dict:
        return {c: getattr(self, c) for c in COLUMNS}


@dataclass(frozen=True)
class BenchReport:
    machine: Machine
    start_method: str
    repeat: int
    baristas: int
    wait_s: float
    rows: list[BenchRow]

    def to_dict(self) -> dict:
        machine = self.machine.to_dict() | {"process_start_method": self.start_method}
        return {"machine": machine, "runs": [r.to_dict() for r in self.rows]}


def _median_row(results: list[ev.RunResult]) -> BenchRow:
    first = results[0]
    wall = statistics.median(r.wall_s for r in results)
    cpu = statistics.median(r.cpu_s for r in results)
    return BenchRow(first.mode, first.recipe, first.baristas, first.orders, first.size,
                    round(wall, 4), round(cpu, 4),
                    round(statistics.median(r.startup_s for r in results), 4),
                    round(cpu / wall if wall > 0 else 0.0, 3), None)


def with_speedups(rows: list[BenchRow]) -> list[BenchRow]:
    base = next((r for r in rows if r.mode == "sequential"), None)
    if base is None:
        return rows
    return [BenchRow(**(r.to_dict() | {"speedup": round(base.wall_s / r.wall_s, 3) if r.wall_s else None}))
            for r in rows]


def bench(modes: list[str], recipe: str, baristas: int, orders: int, size: int, wait_s: float,
          repeat: int = 3, warmup: bool = True,
          progress: Callable[[str], None] = lambda _: None) -> BenchReport:
    mp.warm_up()

    def one(mode: str, n_orders: int) -> ev.RunResult:
        result = run(ev.RunSpec(mode, recipe, baristas, n_orders, size, wait_s))
        if not result.complete:
            raise RuntimeError(f"{mode} run did not complete: {result.failed} barista(s) failed")
        return result

    if warmup:
        for mode in modes:
            progress(f"warming up {mode}")
            one(mode, min(orders, baristas))
    results: dict[str, list[ev.RunResult]] = {m: [] for m in modes}
    for i in range(repeat):
        for mode in (modes if i % 2 == 0 else list(reversed(modes))):
            progress(f"round {i + 1}/{repeat}: {mode}")
            results[mode].append(one(mode, orders))
    rows = with_speedups([_median_row(results[m]) for m in modes])
    return BenchReport(describe(), mp.start_method(), repeat, baristas, wait_s, rows)


def _cells(row: BenchRow) -> list[str]:
    speed = "-" if row.speedup is None else f"{row.speedup:.2f}x"
    return [row.mode, row.recipe, str(row.baristas), f"{row.wall_s:.3f}", f"{row.cpu_s:.3f}",
            f"{row.parallelism:.2f}", speed, f"{row.startup_s:.3f}"]


# Recipe and crew are in every row: an exported scoreboard mixes them.
HEADERS = ["mode", "recipe", "crew", "wall s", "CPU s", "parallelism", "speedup", "start-up s"]
TEXT_COLUMNS = 2  # left-aligned; the rest are numbers, right-aligned


def title(report: BenchReport) -> str:
    r = report.rows[0]
    m = report.machine
    work = f"{r.orders} orders of {r.size:,} iterations" if r.recipe != "orders" else \
        f"{r.orders} orders of {report.wait_s:g} s waiting"
    return (f"{LABELS.get(r.recipe, r.recipe)} · {report.baristas} baristas · {work} · "
            f"median of {report.repeat}\n"
            f"{m.cores} cores · Python {m.python} ({m.gil_label}) · {m.platform} · "
            f"processes via {report.start_method}")


def as_table(report: BenchReport) -> str:
    rows = [HEADERS] + [_cells(r) for r in report.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [title(report), ""]
    for j, row in enumerate(rows):
        cells = [c.ljust(w) if i < TEXT_COLUMNS else c.rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells))
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    if report.machine.cores == 1:
        lines.append("\nThis machine has one core: no mode can run two baristas at once.")
    return "\n".join(lines)


def as_markdown(report: BenchReport) -> str:
    align = ["---"] * TEXT_COLUMNS + ["---:"] * (len(HEADERS) - TEXT_COLUMNS)
    lines = [f"| {' | '.join(HEADERS)} |", f"|{'|'.join(align)}|"]
    lines += [f"| {' | '.join(_cells(r))} |" for r in report.rows]
    return "\n".join(lines)


def as_csv(report: BenchReport) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in report.rows:
        w.writerow(["" if v is None else v for v in r.to_dict().values()])
    return out.getvalue()


def as_json(report: BenchReport) -> str:
    return json.dumps(report.to_dict())
