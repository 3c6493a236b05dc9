"""The code behind each mode: ``chaishop code MODE`` prints a standalone script.

    MODE ──TEMPLATES[MODE] (a .tmpl file here)──▶ string.Template
        + the recipe as code (brew / wait / both, sync or async)
        + the run's numbers (baristas, orders, size, wait)  ──▶ a script, stdlib only

Each script does the work chaishop's crew of that mode does for the same
RunSpec (the same orders, one shared queue of orders, the same count loop and
waits), times it with ``time.perf_counter()`` from before the workers start
until the last one is done (as the stopwatch does), and prints
``wall time: X.XXX s`` last.  ``tests/perf/code_vs_bench.py`` compares that
time with ``chaishop bench``.  The templates are package data (``*.tmpl``).
"""

from __future__ import annotations

from importlib import resources
from string import Template

MODES = ("sequential", "threads", "processes", "asyncio", "interpreters")
WALL_PREFIX = "wall time: "  # the script's last line: "wall time: 1.234 s"

# One order of each recipe, as the body of make_chai(order), sync and async.
# The same steps as chaishop.core.workloads.recipes.steps().
_SYNC = {
    "brew": "    brew(SIZE)",
    "orders": "    time.sleep(WAIT_S)  # waiting: the GIL is free meanwhile",
    "mixed": "    time.sleep(WAIT_S / 2)  # half the order is waiting...\n"
             "    brew(SIZE // 2)  # ...and half is counting",
    "grind": "    import hashlib  # C code: hashlib lets go of the GIL while it hashes a big buffer\n    buffer = bytes(range(256)) * (4 * 1024 * 1024 // 256)  # 4 MiB, like chaishop's grind\n    for _ in range(SIZE):  # SIZE is a number of SHA-256 steps here\n        hashlib.sha256(buffer).digest()",
}
_ASYNC = {
    "brew": "    brew(SIZE)  # never awaits: holds the event loop until done",
    "orders": "    await asyncio.sleep(WAIT_S)  # waiting: other tasks run meanwhile",
    "mixed": "    await asyncio.sleep(WAIT_S / 2)  # half the order is waiting...\n"
             "    brew(SIZE // 2)  # ...and half is counting, holding the loop",
    "grind": "    import hashlib  # C code: hashlib lets go of the GIL while it hashes a big buffer\n    buffer = bytes(range(256)) * (4 * 1024 * 1024 // 256)  # 4 MiB, like chaishop's grind\n    for _ in range(SIZE):  # SIZE is a number of SHA-256 steps here\n        hashlib.sha256(buffer).digest()",
}


def render(mode: str, recipe: str, baristas: int, orders: int, size: int,
           wait_s: float) -> str:
    """The standalone script for ``mode`` doing ``orders`` orders of ``recipe``."""
    if mode not in MODES:
        raise ValueError(f"no script for mode {mode!r} (choose from {', '.join(MODES)})")
    if recipe not in _SYNC:
        raise ValueError(f"unknown recipe {recipe!r}")
    if mode == "sequential":
        baristas = 1  # one barista, by definition
    command = (f"chaishop code {mode} --recipe {recipe} --baristas {baristas} "
               f"--orders {orders} --size {size} --order-seconds {wait_s:g}")
    text = resources.files(__package__).joinpath(f"{mode}.tmpl").read_text(encoding="utf-8")
    return Template(text).substitute(
        command=command, recipe=recipe, baristas=baristas, orders=orders, size=f"{size:_}",
        wait_s=f"{wait_s:g}", make_chai=(_ASYNC if mode == "asyncio" else _SYNC)[recipe],
        wall_prefix=WALL_PREFIX)
