"""Files the shop writes on request: the scoreboard as CSV/Markdown/JSON, SVG screenshots.

    app.results (RunResult, in order) ──rows()──▶ BenchRow (speed-up as on the scoreboard)
        ──▶ BenchReport ──bench.as_csv / as_markdown / as_json──▶ <dir>/chaishop-scoreboard-<stamp>.*

The formats are ``chaishop bench``'s own (chaishop.core.bench), so a scoreboard
export and a bench run can be compared or concatenated.  Speed-ups are the
scoreboard's: against the latest complete sequential run of the same recipe,
orders and size (bench's with_speedups assumes one recipe per report).
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import App

from chaishop.core import bench
from chaishop.core import events as ev
from chaishop.core.machine import Machine
from chaishop.ui.scoreboard import speedups

FORMATS = {"csv": bench.as_csv, "md": bench.as_markdown, "json": bench.as_json}


def rows(results: list[ev.RunResult]) -> list[bench.BenchRow]:
    """One BenchRow per run, rounded as bench rounds its medians."""
    out = []
    for r, up in zip(results, speedups(results)):
        out.append(bench.BenchRow(r.mode, r.recipe, r.baristas, r.orders, r.size,
                                  round(r.wall_s, 4), round(r.cpu_s, 4), round(r.startup_s, 4),
                                  round(r.parallelism, 3),
                                  None if up is None else round(up, 3)))
    return out


def free_stem(folder: Path, stem: str, suffixes) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... so that no file with these suffixes is overwritten."""
    name, n = stem, 1
    while any((folder / f"{name}.{s}").exists() for s in suffixes):
        n += 1
        name = f"{stem}-{n}"
    return name


def export_scoreboard(results: list[ev.RunResult], machine: Machine, start_method: str,
                      wait_s: float, folder: str | Path) -> list[Path]:
    """Write the runs as CSV, Markdown and JSON into ``folder`` (created); return the paths."""
    if not results:
        raise ValueError("no finished runs to export yet")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    report = bench.BenchReport(machine, start_method, repeat=1,
                               baristas=max(r.baristas for r in results), wait_s=wait_s,
                               rows=rows(results))
    stem = free_stem(folder, f"chaishop-scoreboard-{time.strftime('%Y%m%d-%H%M%S')}", FORMATS)
    paths = []
    for suffix, render in FORMATS.items():
        path = folder / f"{stem}.{suffix}"
        path.write_text(render(report).rstrip("\n") + "\n")
        paths.append(path)
    return paths


def save_svg(app: App, path: str | Path) -> Path:
    """Save the screen as an SVG at ``path`` (missing folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return Path(app.save_screenshot(filename=path.name, path=str(path.parent)))
