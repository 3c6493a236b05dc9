"""How a scale report reads: a text table, Markdown, CSV, JSON, and the warnings.

    ScaleReport --as_table / as_markdown--> one row per (mode, crew) + one fit line per mode
    ScaleReport --as_csv--> one line per (mode, crew), the mode's fit repeated (derived)
    ScaleReport --as_json--> ScaleReport.to_dict()
    ScaleReport --warnings()--> noisy points, impossible speed-ups, clamped fits, uneven orders
"""

from __future__ import annotations

import csv
import io
import json

from chaishop.core.bench.scale import ModeCurve, ScalePoint, ScaleReport, held_fixed
from chaishop.core.bench.tables import aligned, markdown_rows
from chaishop.core.measure import speedup as su
from chaishop.core.workloads.recipes import LABELS, work_label

HEADERS = ["mode", "crew", "speed-up", "min", "max", "w/o start-up", "wall s", "start-up s",
           "KiB/barista", "runs", "others' cores"]
CSV_COLUMNS = ("mode", "crew", "effective_workers", "speedup", "speedup_min", "speedup_max",
               "speedup_no_startup", "speedup_impossible", "wall_s", "startup_s", "cpu_s", "runs",
               "noisy", "noisy_runs", "other_cpu_cores", "rss_per_barista_kib", "sampled_orders")
FIT_COLUMNS = ("serial_fraction", "serial_fraction_err", "serial_fraction_no_startup")


def _x(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}x"


def _cells(p: ScalePoint) -> list[str]:
    r = p.row.result
    others = "-" if r.other_cpu_cores is None else \
        f"{r.other_cpu_cores:.2f}" + (" noisy" if r.noisy else "")
    return [p.mode, str(p.crew), _x(p.speedup) + ("!" if p.impossible else ""),
            _x(p.spread[0] if p.spread else None), _x(p.spread[1] if p.spread else None),
            _x(p.speedup_no_startup), f"{r.wall_s:.3f}", f"{r.startup_s:.3f}",
            "-" if r.rss_per_barista_kib is None else f"{r.rss_per_barista_kib:,.1f}",
            str(p.row.runs), others]


def fit_line(c: ModeCurve) -> str:
    f, g = c.fit, c.fit_no_startup
    if f.serial_fraction is None:
        return f"{c.mode}: no crew bigger than one worker: nothing to fit"
    err = "" if f.serial_fraction_err is None else f" ± {f.serial_fraction_err:.3f}"
    clamp = f" (least squares gave {f.raw:.3f}: clamped to [0, 1])" if f.clamped else ""
    quiet = "-" if g.serial_fraction is None else f"{g.serial_fraction:.3f}"
    return (f"{c.mode}: serial fraction f = {f.serial_fraction:.3f}{err}{clamp}; "
            f"without start-up {quiet} (derived: Amdahl's law fitted to the medians)")


def title(report: ScaleReport) -> str:
    m = report.machine
    return (f"{LABELS.get(report.recipe, report.recipe)} · "
            f"{work_label(report.recipe, report.orders, report.size, report.order_s)} · "
            f"median of {report.repeat}\n"
            f"{m.cores} cores · Python {m.python} ({m.gil_label}) · {m.platform} · "
            f"processes via {report.start_method}\n{held_fixed(report)}")


def _body(report: ScaleReport) -> list[list[str]]:
    return [_cells(p) for c in report.curves for p in c.points]


def as_table(report: ScaleReport) -> str:
    b = report.baseline.result
    lines = [title(report), f"sequential baseline: {b.wall_s:.3f} s (start-up {b.startup_s:.3f} s)",
             ""] + aligned(HEADERS, _body(report), 1) + [""] + [fit_line(c) for c in report.curves]
    lines += sampled_lines(report)
    if report.machine.cores == 1:
        lines.append("\nThis machine has one core: no mode can run two baristas at once.")
    return "\n".join(lines)


def sampled_lines(report: ScaleReport) -> list[str]:
    """Which runs were sampled: their wall and speed-up are derived (core/bench/scale.py)."""
    runs = [("the sequential baseline", report.baseline_sampled)] + \
        [(f"{p.mode} x{p.crew}", p.sampled) for c in report.curves for p in c.points]
    said = [f"{who}: {n:,} of {report.orders:,} orders" for who, n in runs if n]
    if not said:
        return []
    return ["", "sampled (derived): " + "; ".join(said) + ". Each served whole rounds of its "
            "crew and its wall beyond start-up was scaled to every order; every speed-up "
            "against a sampled baseline is derived too."]


def as_markdown(report: ScaleReport) -> str:
    lines = markdown_rows(HEADERS, _body(report), 1)
    return "\n".join(lines + [""] + [f"- {fit_line(c)}" for c in report.curves]
                     + sampled_lines(report)[1:])


def as_csv(report: ScaleReport) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS + FIT_COLUMNS)
    for c in report.curves:
        fit = c.to_dict()
        for p in c.points:
            d = p.to_dict() | {k: fit[k] for k in FIT_COLUMNS}
            w.writerow(["" if d[k] is None else d[k] for k in CSV_COLUMNS + FIT_COLUMNS])
    return out.getvalue()


def as_json(report: ScaleReport) -> str:
    return json.dumps(report.to_dict())


def warnings(report: ScaleReport) -> list[str]:
    out = []
    b = report.baseline.result
    if b.noisy:
        out.append(f"the sequential baseline: {report.baseline.noisy_runs} of "
                   f"{report.baseline.runs} runs were noisy: every speed-up leans on it")
    for c in report.curves:
        for p in c.points:
            if p.noisy:
                out.append(f"{p.mode} x{p.crew}: {p.row.noisy_runs} of {p.row.runs} runs were "
                           f"noisy (other programs used {p.row.result.other_cpu_cores or 0:.2f} "
                           "cores, median)")
            if p.impossible and p.speedup is not None:
                out.append(f"{p.mode} x{p.crew}: " + su.why_impossible(
                    p.speedup, report.recipe, p.crew, report.machine.cores))
        if c.fit.clamped:
            out.append(f"{c.mode}: the fitted serial fraction was clamped ({c.fit.raw:.3f} "
                       "outside [0, 1])")
    uneven = sorted({p.crew for c in report.curves for p in c.points if report.orders % p.crew})
    if uneven:
        out.append(f"{report.orders} orders do not divide evenly among crews of "
                   f"{', '.join(map(str, uneven))}: some baristas serve one more")
    return out
