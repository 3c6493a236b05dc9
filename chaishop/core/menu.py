"""The menu: every mode, recipe and crew limit the shop offers, in one list every layer reads.

    core/menu.py ──▶ cli.py        choices, defaults and ranges of the options
                 ──▶ ui/           key bindings, the grid's note, the command palette, the header
                 ──▶ core/         recipe labels (bench tables), crew limits

A new mode or recipe is one entry below (plus the code that does the work: a crew
in ``core/crews/``, the steps in ``core/workloads/recipes.py``).  Nothing here imports
anything heavy: the CLI reads the menu before it knows whether it will draw.

Whether a mode can run here (subinterpreters need Python 3.12+) is asked of the
crew's module, named by ``Mode.check``, only when somebody needs to know.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

# -- crew limits --------------------------------------------------------------

# Panes the shop draws: 16 still fit a projector at 160x45; past it a pane is too
# small to show a title, a bar and a log line, and a bigger crew is drawn as a
# grid, one cell per barista (a rush hour: core/engine/rush.py, ui/crew_grid.py).
MAX_PANES = 16
# Rush hour: threads and asyncio tasks, up to 10,000 (near where Linux defaults
# start refusing threads; a refused thread is a failed barista, never a crash).
MAX_RUSH_CREW = 10_000
MAX_SHOP_CREW = MAX_BENCH_CREW = MAX_CREW = MAX_RUSH_CREW  # the biggest crew of any mode
# Process and interpreter baristas are whole interpreters: a cap per core (below).
WORKERS_PER_CORE = 8
MAX_ORDERS = 20_000  # orders per run: two each for the biggest crew
# What + and - step through: each step shows something new (2 and 4 share a
# core, 16 is the most panes, 100 and up are rush hours).
CREW_STEPS = (1, 2, 4, 8, 16, 100, 1_000, 10_000)
RUSH_CREW = 5_000  # the R key: seconds to start as threads here, well under one as tasks
MAX_SIZE = 10_000_000_000  # brew iterations per order: ~4 minutes of counting here
MAX_ORDER_S = 60.0  # target seconds of one order (--order-seconds)
MAX_REPEAT = 50  # bench rounds per mode
MAX_SPEED = 100.0  # demo speed: beyond this the pauses vanish and orders are too short to see
# chaishop serve: each visitor brews in a shop and kitchen of their own on the
# same cores; past a few, every visitor's numbers mean little (and each shop with
# its kitchen takes ~100 MB).  The hard limit is a classroom.
DEFAULT_MAX_VISITORS = 4
MAX_VISITORS = 64


# -- modes (crews) ------------------------------------------------------------

@dataclass(frozen=True)
class Mode:
    name: str
    key: str  # the shop's key: switch to this crew and start a run
    note: str  # one line: what this crew is, on a Python with the GIL on
    note_gil_off: str = ""  # the same line where the GIL is off ("": the note holds there too)
    check: str = ""  # "module:function" returning (usable, why not); "": usable everywhere
    max_crew: int = MAX_RUSH_CREW  # the biggest crew of this mode
    per_core: int = 0  # if set: at most this many baristas a core (cap_reason says why)
    cap_reason: str = ""
    bench_default: bool = True  # in `chaishop bench` without --modes (runs on every Python)


MODES: tuple[Mode, ...] = (
    Mode("sequential", "s", "one barista serves every order, one after another",
         max_crew=MAX_PANES, cap_reason="sequential is one barista: the crew size only sets "
         "the orders (two each)"),
    # GIL off (3.13t, 3.14t): threads brew on several cores at once; tests/test_free_threading.py
    # asserts it on 3.14t in CI (a crew of 2 holds more than 1.2 cores at once).
    Mode("threads", "t", "one process, one GIL: brewing takes turns, waiting overlaps",
         "one process, no GIL here: brewing runs in parallel, waiting overlaps"),
    Mode("processes", "p", "a process each, a GIL each: brewing runs in parallel",
         "a process each: brewing runs in parallel",
         per_core=WORKERS_PER_CORE, cap_reason="each barista is a whole Python interpreter, "
         "megabytes and milliseconds to start; for thousands of waits use asyncio or threads"),
    Mode("asyncio", "a", "one thread, one event loop: tasks switch only at an await"),
    Mode("interpreters", "i",  # Python 3.12+ only; elsewhere the key says why
         "one process, an interpreter each, a GIL each: brewing runs in parallel",
         "one process, an interpreter each: brewing runs in parallel",
         check="chaishop.core.crews.interpreter_api:interpreters_available", bench_default=False,
         per_core=WORKERS_PER_CORE, cap_reason="each barista is a whole Python interpreter "
         "with its own thread; for thousands of waits use asyncio or threads"),
    Mode("dask", "d",  # needs the optional extra chaishop[dask]; elsewhere the key says how
         "a Dask worker each (a process, a GIL each): brewing runs in parallel, here or on "
         "other machines; orders and events cross the network",
         check="chaishop.core.crews:dask_available", bench_default=False,
         per_core=WORKERS_PER_CORE, cap_reason="each barista is a Dask worker, a whole Python "
         "process; for thousands of waits use asyncio or threads"),
)
MODE = {m.name: m for m in MODES}
MODE_NAMES = tuple(MODE)
MODE_KEYS = {m.key: m.name for m in MODES}
BENCH_MODES = tuple(m.name for m in MODES if m.bench_default)


# What a note promising parallel brewing gets on a machine that gives chaishop one core.
ONE_CORE = " (given 2+ cores; here: 1)"


def mode_note(mode: str, machine=None) -> str:
    """The mode's one-line note for this interpreter (``machine``: a core.machine.Machine,
    or None for a Python with the GIL on): the GIL on or off, and one core or more."""
    m = MODE[mode]
    gil_off = machine is not None and not getattr(machine, "gil_enabled", True)
    note = (m.note_gil_off or m.note) if gil_off else m.note
    if machine is not None and getattr(machine, "cores", 2) < 2 and "in parallel" in note:
        note += ONE_CORE
    return note


def mode_available(mode: str) -> tuple[bool, str]:
    """Whether ``mode`` can run in this Python, and why not.  Unknown modes are not."""
    m = MODE.get(mode)
    if m is None:
        return False, f"unknown mode {mode!r} (choose from {', '.join(MODE_NAMES)})"
    if not m.check:
        return True, ""
    module, func = m.check.split(":")
    check: Callable[[], tuple[bool, str]] = getattr(importlib.import_module(module), func)
    return check()


def available_modes() -> tuple[str, ...]:
    return tuple(m for m in MODE_NAMES if mode_available(m)[0])


def crew_cap(mode: str, cores: int) -> tuple[int, str]:
    """The biggest crew of ``mode`` on a machine with ``cores`` cores, and why it is that."""
    m = MODE.get(mode)
    if m is None:
        return MAX_RUSH_CREW, ""
    if m.per_core:
        cap = min(m.max_crew, m.per_core * max(1, cores))
        return cap, (f"{mode} are capped at {m.per_core} per core ({cap} here): {m.cap_reason}")
    return m.max_crew, (f"{mode}: at most {m.max_crew:,} baristas"
                        + (f": {m.cap_reason}" if m.cap_reason else ""))


def crew_limit(mode: str, cores: int) -> int:
    return crew_cap(mode, cores)[0]


def next_size(crew: int, delta: int) -> int:
    """The next crew size up (delta > 0) or down from ``crew`` on CREW_STEPS."""
    if delta > 0:
        return next((s for s in CREW_STEPS if s > crew), crew)
    return next((s for s in reversed(CREW_STEPS) if s < crew), crew)


# -- recipes (workloads) --------------------------------------------------------

@dataclass(frozen=True)
class Recipe:
    name: str
    key: str  # the shop's key ("": not offered in the shop or the CLI)
    label: str  # how headers and tables name it
    help: str = ""  # the CLI's words for it
    sized: bool = True  # orders are brew iterations (False: the recipe sizes its own orders)


RECIPES_ALL: tuple[Recipe, ...] = (
    Recipe("brew", "b", "brew (CPU-bound)", "CPU-bound counting"),
    Recipe("orders", "o", "orders (I/O-bound)", "I/O-bound waiting"),
    Recipe("mixed", "m", "mixed (half wait, half brew)", "both"),
    # C code that lets go of the GIL (hashlib over 4 MiB): threads speed it up too.
    Recipe("grind", "g", "grind (CPU-bound in C, GIL released)",
           "CPU-bound hashing in C (releases the GIL)"),
    # Beyond the rule of thumb (core/workloads/lessons.py): sized in their own units, not brew iterations.
    Recipe("till", "r", "till (shared state: lost updates)",
           "ring up cups on one shared till (lost updates; --lock, --ring)", sized=False),
    Recipe("haul", "h", "haul (big payloads: moving data)",
           "total a big payload each order carries (moving data; --share)", sized=False),
    # Not offered: like brew, but order #1 is spilled (raises), to show how a crew
    # copes with a barista that crashes while the others go on (tests, faults).
    Recipe("spill", "", "spill (order #1 raises)"),
)
RECIPE = {r.name: r for r in RECIPES_ALL}
RECIPES = tuple(r.name for r in RECIPES_ALL if r.key)  # offered in the shop and the CLI
RECIPE_KEYS = {r.key: r.name for r in RECIPES_ALL if r.key}
LABELS = {r.name: r.label for r in RECIPES_ALL}
SIZED_BY_RECIPE = tuple(r.name for r in RECIPES_ALL if not r.sized)  # --size: cups, ints

# Keys of the till and haul recipes' switches (core/workloads/lessons.py): the lock around each
# update, and shared memory instead of copies for processes.
LOCK_KEY = "l"
SHARE_KEY = "x"


def label(recipe: str) -> str:
    return LABELS.get(recipe, recipe)
