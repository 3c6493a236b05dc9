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

from chaishop.core.menu import MODE, RECIPE, SCRIPT_MODES

MODES = SCRIPT_MODES  # the menu's modes with a template here (Mode.script)
WALL_PREFIX = "wall time: "  # the script's last line: "wall time: 1.234 s"

# One order of each recipe with a script (Recipe.script), as the body of make_chai(order),
# sync and async.  The same steps as chaishop.core.workloads.recipes.steps().
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


class NoScript(ValueError):
    """There is no standalone script for this mode and recipe; the message says why."""


def why_none(mode: str, recipe: str) -> str:
    """"" when ``chaishop code`` can print ``mode`` with ``recipe``, else one plain sentence why not."""
    if mode not in MODE or not MODE[mode].script \
            or not resources.files(__package__).joinpath(f"{mode}.tmpl").is_file():
        return (f"no standalone script for {mode}: scripts use the standard library only "
                f"(scripts exist for {', '.join(MODES)})")
    if recipe not in RECIPE:
        return f"unknown recipe {recipe!r}"
    if RECIPE[recipe].kind:  # a lesson of its own: a template of its own per mode, if any
        if _own_template(mode, recipe).is_file():
            return ""
        have = [m for m in MODES if _own_template(m, recipe).is_file()]
        return (f"no standalone script for the {recipe} recipe with {mode}"
                + (f" (scripts exist for {', '.join(have)})" if have else ""))
    if not RECIPE[recipe].script:
        scripted = ", ".join(r.name for r in RECIPE.values() if r.script and r.key)
        return f"no standalone script for the {recipe} recipe yet (scripts exist for {scripted})"
    return ""


def _own_template(mode: str, recipe: str):
    """A lesson of its own's script for ``mode``: RECIPE_MODE.tmpl (forks_threads.tmpl)."""
    return resources.files(__package__).joinpath(f"{recipe}_{mode}.tmpl")


def render(mode: str, recipe: str, baristas: int, orders: int, size: int,
           order_s: float, options: tuple = ()) -> str:
    """The standalone script for ``mode`` doing ``orders`` orders of ``recipe``.

    Raises :class:`NoScript` (its message: :func:`why_none`) where there is none.
    """
    reason = why_none(mode, recipe)
    if reason:
        raise NoScript(reason)
    if MODE[mode].one_barista:
        baristas = 1  # one barista, by definition
    command = (f"chaishop code {mode} --recipe {recipe} --baristas {baristas} "
               f"--orders {orders} --size {size} --order-seconds {order_s:g}")
    if RECIPE[recipe].kind:  # its own template, filled with the kind's own numbers
        from chaishop.core.protocol import events as ev
        from chaishop.core.workloads.lesson_kind import kind_of

        spec = ev.RunSpec(mode, recipe, baristas, orders, size, order_s, options=tuple(options))
        command += "".join(f" --{n.replace('_', '-')} {v}" for n, v in options)
        text = _own_template(mode, recipe).read_text(encoding="utf-8")
        return Template(text).substitute(command=command, baristas=baristas, orders=orders,
                                         wall_prefix=WALL_PREFIX, **kind_of(recipe).script_values(spec))
    text = resources.files(__package__).joinpath(f"{mode}.tmpl").read_text(encoding="utf-8")
    return Template(text).substitute(
        command=command, recipe=recipe, baristas=baristas, orders=orders, size=f"{size:_}",
        wait_s=f"{order_s:g}", make_chai=(_ASYNC if MODE[mode].event_loop else _SYNC)[recipe],
        wall_prefix=WALL_PREFIX)
