"""How a bench report reads: a text table, Markdown, CSV, JSON, and the warnings.

    BenchReport --as_table / as_markdown--> the common columns + the lesson's own
        (the report's first recipe: lessons.RESULTS -> till.TillResult / haul.HaulResult
        give headings, cells, the title's words and the notes under the table)
    BenchReport --as_csv / as_json--> BenchRow.to_dict(): COLUMNS + the lesson's KEYS
    BenchReport --warnings()--> what a reader must know before trusting the table
"""

from __future__ import annotations

import csv
import io
import json

from chaishop.core.bench.rows import BARISTA_COLUMNS, COLUMNS, BenchReport, BenchRow
from chaishop.core.measure import speedup as su
from chaishop.core.workloads import lessons
from chaishop.core.workloads.recipes import LABELS, work_label

# Recipe and crew are in every row: an exported scoreboard mixes them.
HEADERS = ["mode", "recipe", "crew", "wall s", "CPU s", "parallelism", "speedup", "start-up s",
           "KiB/barista", "OS threads", "others' cores", "served"]
TEXT_COLUMNS = 2  # left-aligned; the rest are numbers, right-aligned
BARISTA_HEADERS = ["mode", "barista", "CPU s", "busy s", "share of a core", "GIL wait s",
                   "core wait s"]


def warnings(report: BenchReport) -> list[str]:
    """What a reader must know before trusting the table."""
    out = []
    for row in report.rows:
        r = row.result
        if r.noisy:
            out.append(f"{r.mode}: {row.noisy_runs} of {row.runs} runs were noisy (other programs "
                       f"used {r.other_cpu_cores or 0:.2f} cores, median): its figures are not "
                       "this machine's best")
        if row.speedup_impossible and row.speedup is not None:
            spread = (f"; the repeats ranged {row.speedup_spread[0]:.2f}x-"
                      f"{row.speedup_spread[1]:.2f}x" if row.speedup_spread else "")
            out.append(f"{r.mode}: " + su.why_impossible(row.speedup, r.recipe, r.baristas,
                                                          report.machine.cores) + spread)
    return out


def _lesson(recipe: str):
    """The lesson's result type, which knows its bench columns; None for the other recipes."""
    return lessons.result_type(recipe)


def _kinds(report: BenchReport) -> list:
    """The lessons of the report's rows, each once, in order (the app's scoreboard export may
    mix recipes: each lesson gets its columns, other rows a '-' there)."""
    kinds = []
    for row in report.rows:
        kind = _lesson(row.result.recipe)
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def _speed(row: BenchRow) -> str:
    if row.speedup is None:
        return "-"
    return f"{row.speedup:.2f}x" + ("!" if row.speedup_impossible else "")


def _lesson_cells(row: BenchRow, kinds: list) -> list[str]:
    """The row's cells under each lesson's columns ('-' where it measured none)."""
    mine = _lesson(row.result.recipe)
    return [c for kind in kinds
            for c in (kind.cells(row.figures) if kind is mine and row.figures
                      else ["-"] * len(kind.HEADERS))]


def _cells(row: BenchRow, kinds: list) -> list[str]:
    r = row.result
    others = "-" if r.other_cpu_cores is None else \
        f"{r.other_cpu_cores:.2f}" + (" noisy" if r.noisy else "")
    done = f"{r.orders_done}/{r.orders}" + (" stopped" if r.cancelled else "") + \
        (f" {r.failed} failed" if r.failed else "")
    kib = "-" if r.rss_per_barista_kib is None else f"{r.rss_per_barista_kib:,.1f}"
    threads = "-" if r.os_threads_peak is None else f"{r.os_threads_peak:,}"
    return [r.mode, r.recipe, str(r.baristas), f"{r.wall_s:.3f}", f"{r.cpu_s:.3f}",
            f"{row.parallelism:.2f}", _speed(row), f"{r.startup_s:.3f}", kib, threads, others,
            done] + _lesson_cells(row, kinds)


def _barista_cells(report: BenchReport) -> list[list[str]]:
    f = lambda v, p=3: "-" if v is None else f"{v:.{p}f}"  # noqa: E731
    return [[r.result.mode, str(b["barista"]), f(b["cpu_s"]), f(b["busy_s"]), f(b["cpu_share"], 2),
             f(b["gil_wait_s"]), f(b["core_wait_s"])] for r in report.rows for b in r.per_barista]


def title(report: BenchReport) -> str:
    r = report.rows[0].result
    m = report.machine
    kind = _lesson(r.recipe)
    work = (kind.work(report.rows) if kind else "") or \
        work_label(r.recipe, r.orders, r.size, report.order_s)
    return (f"{LABELS.get(r.recipe, r.recipe)} · {report.baristas} baristas · "
            f"{work} · median of {report.repeat}\n"
            f"{m.cores} cores · Python {m.python} ({m.gil_label}) · {m.platform} · "
            f"processes via {report.start_method}")


def aligned(headers: list[str], body: list[list[str]], text_columns: int) -> list[str]:
    """A text table: the first ``text_columns`` left-aligned, the figures right-aligned
    (bench's tables and scale's)."""
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
    return HEADERS + [h for kind in _kinds(report) for h in kind.HEADERS]


def _body(report: BenchReport) -> list[list[str]]:
    kinds = _kinds(report)
    return [_cells(r, kinds) for r in report.rows]


def as_table(report: BenchReport, per_barista: bool = False) -> str:
    lines = [title(report), ""] + aligned(_headers(report), _body(report), TEXT_COLUMNS)
    if per_barista:
        lines += ["", "per barista, while holding orders (medians):"]
        lines += aligned(BARISTA_HEADERS, _barista_cells(report), 1)
    lines += [f"! {w}" for w in warnings(report) if "cannot be true" in w]
    if report.cluster is not None:
        c = report.cluster
        how = "started here (LocalCluster)" if c["started_here"] else "an existing cluster"
        verb = "started in" if c["started_here"] else "connected in"
        lines.append(f"\ndask: {len(c['workers'])} workers at {c['scheduler']}, {how}, "
                     f"{verb} {c['startup_s']:.2f} s, kept warm: not in any wall time")
    for mode, detail in report.bytecode.items():
        lines.append(f"\n{mode}: one barista's start-up in the last run: {detail}")
    if report.machine.cores == 1:
        lines.append("\nThis machine has one core: no mode can run two baristas at once.")
    for kind in _kinds(report):
        lines += kind.notes([r for r in report.rows if _lesson(r.result.recipe) is kind])
    return "\n".join(lines)


def markdown_rows(headers: list[str], body: list[list[str]], text_columns: int) -> list[str]:
    """A Markdown table, aligned as ``aligned`` aligns it (bench's tables and scale's)."""
    align = ["---"] * text_columns + ["---:"] * (len(headers) - text_columns)
    return [f"| {' | '.join(headers)} |", f"|{'|'.join(align)}|"] + \
        [f"| {' | '.join(row)} |" for row in body]


def as_markdown(report: BenchReport, per_barista: bool = False) -> str:
    lines = markdown_rows(_headers(report), _body(report), TEXT_COLUMNS)
    if per_barista:
        lines += [""] + markdown_rows(BARISTA_HEADERS, _barista_cells(report), 1)
    return "\n".join(lines)


def as_csv(report: BenchReport, per_barista: bool = False) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if per_barista:
        w.writerow(("mode", "recipe") + BARISTA_COLUMNS)
        for r in report.rows:
            for b in r.per_barista:
                w.writerow([r.result.mode, r.result.recipe] +
                           ["" if b[c] is None else b[c] for c in BARISTA_COLUMNS])
        return out.getvalue()
    extra = tuple(dict.fromkeys(k for kind in _kinds(report) for k in kind.KEYS))  # each lesson's
    w.writerow(COLUMNS + extra)
    for r in report.rows:
        d = r.to_dict()
        w.writerow([_csv_cell(d.get(c)) for c in COLUMNS + extra])
    return out.getvalue()


def _csv_cell(v: object) -> object:
    """A CSV cell: "" for none, JSON for a lesson's list or mapping (forks: cycle, wait_s)."""
    if v is None:
        return ""
    return json.dumps(v) if isinstance(v, (list, dict, tuple)) else v


def as_json(report: BenchReport, per_barista: bool = True) -> str:
    return json.dumps(report.to_dict())
