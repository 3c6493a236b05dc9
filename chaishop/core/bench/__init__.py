"""``chaishop bench``: the same orders through several crews, measured side by side.

    rounds.bench(modes, recipe, ...)   warm-up, repeats interleaved, each run through shop.Run
        -> rows.row_of: one BenchRow per mode (its medians as one RunResult + bench's own
           figures) -> rows.with_speedups (core.measure.speedup) -> rows.BenchReport
        -> tables.as_table / as_markdown / as_csv / as_json, tables.warnings

The scoreboard's exports (ui/export.py) reuse rows and tables for the shop's finished runs.
"""

from chaishop.core.bench.rounds import bench
from chaishop.core.bench.rows import (
    BARISTA_COLUMNS,
    COLUMNS,
    BenchReport,
    BenchRow,
    row_of,
    with_speedups,
)
from chaishop.core.bench.tables import (
    as_csv,
    as_json,
    as_markdown,
    as_table,
    title,
    warnings,
)

__all__ = ["BARISTA_COLUMNS", "COLUMNS", "BenchReport", "BenchRow", "as_csv", "as_json",
           "as_markdown", "as_table", "bench", "row_of", "title", "warnings", "with_speedups"]
