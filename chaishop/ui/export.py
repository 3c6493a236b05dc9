"""Files the shop writes on request: the scoreboard as CSV/Markdown/JSON, the shown run
as Chrome trace JSON, SVG screenshots.

    app.results (RunResult, in order) ──rows()──▶ BenchRow (core.measure.speedup: the scoreboard's rule)
        ──▶ BenchReport ──bench.as_csv / as_markdown / as_json──▶ <dir>/chaishop-scoreboard-<stamp>.*

The formats are ``chaishop bench``'s own (chaishop.core.bench), so a scoreboard
export and a bench run can be compared or concatenated.  Speed-ups are the
scoreboard's and bench's (chaishop.core.measure.speedup).  Every row carries its
completion (orders served of ordered, stopped, failed), its noise, and the figures of its
lesson (the till's cups, the haul's moving time: RunResult.lesson), under the same names.

    the shown run's events + t0 + RunResult ──core.measure.trace──▶ <dir>/chaishop-run-<stamp>.trace.json
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import App

from chaishop.core import bench
from chaishop.core.protocol import events as ev
from chaishop.core.measure import trace
from chaishop.core.machine import Machine

FORMATS = {"csv": bench.as_csv, "md": bench.as_markdown, "json": bench.as_json}


def rows(results: list[ev.RunResult], cores: int = 1) -> list[bench.BenchRow]:
    """One BenchRow per run, rounded as bench rounds its medians."""
    return bench.with_speedups([bench.row_of([r]) for r in results], cores)


def free_stem(folder: Path, stem: str, suffixes) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... so that no file with these suffixes is overwritten."""
    name, n = stem, 1
    while any((folder / f"{name}.{s}").exists() for s in suffixes):
        n += 1
        name = f"{stem}-{n}"
    return name


def export_scoreboard(results: list[ev.RunResult], machine: Machine, start_method: str,
                      order_s: float, folder: str | Path) -> list[Path]:
    """Write the runs as CSV, Markdown and JSON into ``folder`` (created); return the paths."""
    if not results:
        raise ValueError("no finished runs to export yet")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    report = bench.BenchReport(machine, start_method, repeat=1,
                               baristas=max(r.baristas for r in results), order_s=order_s,
                               rows=rows(results, machine.cores))
    stem = free_stem(folder, f"chaishop-scoreboard-{time.strftime('%Y%m%d-%H%M%S')}", FORMATS)
    paths = []
    for suffix, render in FORMATS.items():
        path = folder / f"{stem}.{suffix}"
        path.write_text(render(report).rstrip("\n") + "\n")
        paths.append(path)
    return paths


def export_trace(events: list[ev.Event], t0: float, result: ev.RunResult, order_s: float,
                 folder: str | Path) -> Path:
    """The shown run's per-barista timeline as Chrome trace JSON (Perfetto, speedscope)."""
    r = result
    spec = ev.RunSpec(r.mode, r.recipe, r.baristas, r.orders, r.size, order_s, run=r.run)
    return trace.write_trace([trace.TracedRun(spec, t0, list(events), r)], folder, "run")


def save_svg(app: App, path: str | Path) -> Path:
    """Save the screen as an SVG at ``path`` (missing folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return Path(app.save_screenshot(filename=path.name, path=str(path.parent)))
