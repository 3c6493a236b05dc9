"""The menu: the registry of modes (crews) and recipes (workloads), with every trait of each.

    MODES:   Mode(name, key, crew="module:Class", traits...)   ──▶ core/crews (make_crew),
    RECIPES_ALL: Recipe(name, key, label, traits...)                core/engine, core/kitchen,
                                                                    core/workloads, core/measure,
                                                                    ui/, cli/, scripts/, tour.py

Every layer asks a trait (``MODE[spec.mode].one_barista``, ``RECIPE[r].cpu_bound``), never
compares a mode's or a recipe's name.  A new mode is one ``Mode(...)`` line below plus its
crew (one file in ``core/crews/``); a new recipe is one ``Recipe(...)`` line plus its steps
(``core/workloads/recipes.py``).  Nothing here imports anything heavy: the CLI reads the menu
before it knows whether it will draw, and a crew's module is imported only for a run.

Whether a mode can run here (subinterpreters need Python 3.12+, Dask an extra) is asked of
the function named by ``Mode.check``, only when somebody needs to know (``mode_available``).
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
SCALE_ORDER_S = 0.25  # chaishop scale's default order: a 1,2,4 curve in about a minute here
MAX_SPEED = 100.0  # demo speed: beyond this the pauses vanish and orders are too short to see
# chaishop serve: each visitor brews in a shop and kitchen of their own on the
# same cores; past a few, every visitor's numbers mean little (and each shop with
# its kitchen takes ~100 MB).  The hard limit is a classroom.
DEFAULT_MAX_VISITORS = 4
MAX_VISITORS = 64


# -- modes (crews) ------------------------------------------------------------

@dataclass(frozen=True)
class Mode:
    """One kind of crew, with every trait the layers ask about."""

    name: str  # also its CLI name (--mode, --modes, chaishop code MODE)
    key: str  # the shop's key: switch to this crew and start a run
    crew: str  # "module:Class", imported only when a run needs it (core/crews make_crew)
    note: str  # one line: what this crew is, on a Python with the GIL on
    note_gil_off: str = ""  # the same line where the GIL is off ("": the note holds there too)
    check: str = ""  # "module:function" returning (usable, why not); "": usable everywhere
    max_crew: int = MAX_RUSH_CREW  # the biggest crew of this mode
    per_core: int = 0  # if set: at most this many baristas a core (cap_reason says why)
    cap_reason: str = ""
    bench_default: bool = True  # in `chaishop bench` without --modes (runs on every Python)
    scale_default: bool = False  # in `chaishop scale` without --modes (where available)
    barista: str = "barista"  # what one barista is, in a sentence ("each process rang...")
    one_barista: bool = False  # one barista serves every order, whatever the crew size
    baseline: bool = False  # the yardstick of every speed-up (and of the automatic baseline)
    in_process: bool = False  # baristas share the engine's objects: a till, a payload list
    os_threads: bool = False  # baristas are OS threads of the kitchen (a rush starves its beat)
    event_loop: bool = False  # baristas are tasks on one event loop, one OS thread (no lanes)
    shared_memory: bool = False  # --share puts the till or the payload in shared memory
    cluster: bool = False  # a cluster's workers: a scheduler (--scheduler), kept warm
    rush: int = 0  # a rush-hour mode (the R key): 1 its first choice, 2 the next; 0: not
    script: bool = True  # `chaishop code` has a standalone template (scripts/NAME.tmpl)
    short: str = ""  # the note in a few words, for a pane title at 120 columns ("": the note)
    short_gil_off: str = ""

    @property
    def startup_word(self) -> str:
        """The stopwatch's word for the time before the first order: warm cluster workers
        are handed their tasks; every other crew starts up."""
        return "hand-out" if self.cluster else "start-up"


MODES: tuple[Mode, ...] = (
    Mode("sequential", "s", "chaishop.core.crews.sequential:SequentialCrew",
         "one barista serves every order, one after another",
         max_crew=MAX_PANES, cap_reason="sequential is one barista: the crew size only sets "
         "the orders (two each)",
         one_barista=True, baseline=True, in_process=True, os_threads=True,
         short="one barista, one order after another"),
    # GIL off (3.13t, 3.14t): threads brew on several cores at once; tests/test_free_threading.py
    # asserts it on 3.14t in CI (a crew of 2 holds more than 1.2 cores at once).
    Mode("threads", "t", "chaishop.core.crews.threads:ThreadCrew",
         "one process, one GIL: brewing takes turns, waiting overlaps",
         "one process, no GIL here: brewing runs in parallel, waiting overlaps",
         scale_default=True, in_process=True, os_threads=True, rush=2,
         short="one GIL: brewing takes turns", short_gil_off="no GIL: brewing in parallel"),
    Mode("processes", "p", "chaishop.core.crews.processes:ProcessCrew",
         "a process each, a GIL each: brewing runs in parallel",
         "a process each: brewing runs in parallel",
         per_core=WORKERS_PER_CORE, cap_reason="each barista is a whole Python interpreter, "
         "megabytes and milliseconds to start; for thousands of waits use asyncio or threads",
         barista="process", shared_memory=True, scale_default=True,
         short="a GIL each: brewing in parallel", short_gil_off="brewing in parallel"),
    Mode("asyncio", "a", "chaishop.core.crews.tasks:TaskCrew",
         "one thread, one event loop: tasks switch only at an await",
         in_process=True, event_loop=True, rush=1,
         short="one thread: tasks switch at an await"),
    Mode("interpreters", "i", "chaishop.core.crews.interpreters:InterpreterCrew",
         # Python 3.12+ only; elsewhere the key says why
         "one process, an interpreter each, a GIL each: brewing runs in parallel",
         "one process, an interpreter each: brewing runs in parallel", scale_default=True,
         check="chaishop.core.crews.interpreter_api:interpreters_available", bench_default=False,
         per_core=WORKERS_PER_CORE, cap_reason="each barista is a whole Python interpreter "
         "with its own thread; for thousands of waits use asyncio or threads",
         barista="subinterpreter",
         short="a GIL each, in one process", short_gil_off="in parallel, in one process"),
    Mode("dask", "d", "chaishop.core.crews.dask:DaskCrew",
         # needs the optional extra chaishop[dask]; elsewhere the key says how
         "a Dask worker each (a process, a GIL each): brewing runs in parallel, here or on "
         "other machines; orders and events cross the network",
         check="chaishop.core.crews:dask_available", bench_default=False,
         per_core=WORKERS_PER_CORE, cap_reason="each barista is a Dask worker, a whole Python "
         "process; for thousands of waits use asyncio or threads",
         cluster=True, script=False, short="a Dask worker each: brewing in parallel"),
)
MODE = {m.name: m for m in MODES}
MODE_NAMES = tuple(MODE)
MODE_KEYS = {m.key: m.name for m in MODES}
BENCH_MODES = tuple(m.name for m in MODES if m.bench_default)
SCRIPT_MODES = tuple(m.name for m in MODES if m.script)  # chaishop code MODE (any Python)
RUSH_MODES = tuple(sorted((m.name for m in MODES if m.rush), key=lambda n: MODE[n].rush))
BASELINE = next(m.name for m in MODES if m.baseline)  # what speed-ups are measured against
DEFAULT_MODE = "threads"  # the crew the shop opens with


def crew_of(mode: str, crew: int) -> int:
    """How many baristas a crew of ``crew`` really has in ``mode`` (one-barista modes: 1)."""
    return 1 if MODE[mode].one_barista else crew


# What a note promising parallel brewing gets on a machine that gives chaishop one core.
ONE_CORE = " (given 2+ cores; here: 1)"


def mode_note(mode: str, machine=None, short: bool = False) -> str:
    """The mode's one-line note for this interpreter (``machine``: a core.machine.Machine,
    or None for a Python with the GIL on): the GIL on or off, and one core or more.
    ``short``: in a few words (a pane title at 120 columns)."""
    m = MODE[mode]
    gil_off = machine is not None and not getattr(machine, "gil_enabled", True)
    if short and m.short:
        note = (m.short_gil_off or m.short) if gil_off else m.short
    else:
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


def next_size(crew: int, delta: int) -> int:
    """The next crew size up (delta > 0) or down from ``crew`` on CREW_STEPS."""
    if delta > 0:
        return next((s for s in CREW_STEPS if s > crew), crew)
    return next((s for s in reversed(CREW_STEPS) if s < crew), crew)


# -- recipes (workloads) --------------------------------------------------------

# How an order's size is found when none is given (Recipe.sizing): the kitchen calibrates
# brew iterations and grind steps once at start-up (KitchenReady.size, .grind_size).
ITERATIONS = "brew iterations"  # recipes.calibrate: the loop that takes --order-seconds
HASH_STEPS = "SHA-256 steps"  # recipes.calibrate_grind: hashlib over 4 MiB, GIL released
OWN_UNIT = "own unit"  # each run sizes its orders itself (cups, ints: core/workloads/lessons.py)

# What a lesson recipe teaches beyond the rule of thumb (Recipe.lesson): its lesson panel,
# its RunResult.lesson and its bench columns (core/workloads/lessons.py, ui/lesson_panel.py).
SHARED_STATE = "shared state"  # the till: lost updates, the lock (l), a shared Value (x)
MOVING_DATA = "moving data"  # the haul: payloads copied, or shared memory (x)


@dataclass(frozen=True)
class Option:
    """A lesson's switch: a CLI flag (``--NAME CHOICE``) and a shop key stepping through its
    choices.  A run carries the chosen value in ``RunSpec.options`` (``spec.option(name)``)."""

    name: str  # RunSpec.options key; the CLI flag is --name (dashes for underscores)
    choices: tuple[str, ...]  # the first is the default
    key: str = ""  # the shop's key: the next choice, then a run ("": the CLI only)
    help: str = ""  # the CLI's help and the key's description

    @property
    def default(self) -> str:
        return self.choices[0]

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class Recipe:
    """One workload, with every trait the layers ask about."""

    name: str  # also its CLI name (--recipe)
    key: str  # the shop's key ("": not offered in the shop or the CLI)
    label: str  # how headers and tables name it
    help: str = ""  # the CLI's words for it
    sizing: str = ITERATIONS  # what an order's size counts, and how it is calibrated
    cpu_bound: bool = False  # speed-up can never beat the number of cores
    first_step_waits: bool = False  # its orders open with a wait (the rush-hour grid's colour)
    lesson: str = ""  # SHARED_STATE or MOVING_DATA: a lesson (panel, RunResult.lesson)
    script: bool = True  # `chaishop code` can print it (scripts/__init__.py has its steps)
    # A lesson of its own (core/workloads/lesson_kind.py): "module:NAME" of its LessonKind,
    # imported only for a run; its orders, barista steps, shared objects, result and panel.
    kind: str = ""
    options: tuple[Option, ...] = ()  # its switches (CLI flags, shop keys, RunSpec.options)
    speedup: bool = True  # a speed-up means something: the shop times a baseline (not forks)
    busy: str = "brewing"  # the stopwatch's word while a run is on ("brewing… 1/4 orders served")
    cpu_word: str = "brewing"  # a pane's word for an order's CPU step ("… brewing (CPU)")

    @property
    def sized(self) -> bool:
        """Whether --size (and the kitchen's calibration) sets its orders' size."""
        return self.sizing != OWN_UNIT


RECIPES_ALL: tuple[Recipe, ...] = (
    Recipe("brew", "b", "brew (CPU-bound)", "CPU-bound counting", cpu_bound=True),
    Recipe("orders", "o", "orders (I/O-bound)", "I/O-bound waiting", first_step_waits=True,
           busy="serving"),
    Recipe("mixed", "m", "mixed (half wait, half brew)", "both", first_step_waits=True,
           busy="serving"),
    # C code that lets go of the GIL (hashlib over 4 MiB): threads speed it up too.
    Recipe("grind", "g", "grind (CPU-bound in C, GIL released)",
           "CPU-bound hashing in C (releases the GIL)", sizing=HASH_STEPS, cpu_bound=True,
           busy="grinding", cpu_word="grinding"),
    # Beyond the rule of thumb (core/workloads/lessons.py): sized in their own units.
    Recipe("till", "r", "till (shared state: lost updates)",
           "ring up cups on one shared till (lost updates; --lock, --ring)", sizing=OWN_UNIT,
           lesson=SHARED_STATE, script=False, busy="ringing up", cpu_word="ringing up"),
    Recipe("haul", "h", "haul (big payloads: moving data)",
           "total a big payload each order carries (moving data; --share)", sizing=OWN_UNIT,
           lesson=MOVING_DATA, script=False, busy="hauling", cpu_word="totalling"),
    # Dining philosophers on real locks: a deadlock, found and fixed (core/workloads/forks.py).
    Recipe("forks", "f", "forks (locks: deadlock)",
           "dining philosophers: each takes its left fork, then its right (deadlock; --fix)",
           sizing=OWN_UNIT, script=False, speedup=False, busy="dining", cpu_word="eating",
           kind="chaishop.core.workloads.forks:KIND",
           options=(Option("fix", ("none", "order", "waiter", "trylock"), key="F",
                           help="how the baristas avoid the deadlock: none, a global order "
                                "(lower fork first), a waiter (N-1 seats), trylock with back-off"),)),
    # Waiting behind the GIL (core/workloads/counter.py): I/O replies beside brewing, timed.
    Recipe("counter", "w", "counter (I/O beside brewing: the convoy)", "one barista answers "
           "1 ms I/O orders while the others brew: how late are its replies?", script=False,
           kind="chaishop.core.workloads.counter:KIND", options=(
               Option("io", ("sleep", "socket"), "n", "the counter's wait: sleep, or a 127.0.0.1 round trip"),
               Option("work", ("brew", "grind"), "j", "the others: Python bytecode, or C releasing the GIL"),
               Option("block", ("none", "sleep", "cpu"), "v", "one blocking call (the others wait politely)"),
               Option("unblock", ("none", "to_thread", "process_pool"), "u", "how that call is made"))),
    # Not offered: like brew, but order #1 is spilled (raises), to show how a crew
    # copes with a barista that crashes while the others go on (tests, faults).
    Recipe("spill", "", "spill (order #1 raises)", cpu_bound=True, script=False),
)
RECIPE = {r.name: r for r in RECIPES_ALL}
RECIPES = tuple(r.name for r in RECIPES_ALL if r.key)  # offered in the shop and the CLI
RECIPE_KEYS = {r.key: r.name for r in RECIPES_ALL if r.key}
LABELS = {r.name: r.label for r in RECIPES_ALL}
SIZED_BY_RECIPE = tuple(r.name for r in RECIPES_ALL if not r.sized)  # --size: cups, ints
CPU_BOUND = tuple(r.name for r in RECIPES_ALL if r.cpu_bound)
LESSONS = tuple(r.name for r in RECIPES_ALL if r.lesson)  # with a lesson panel and result
DEFAULT_RECIPE = "brew"  # the recipe the shop and bench open with
# Every lesson switch by name (one CLI flag each; recipes sharing a name share its meaning).
OPTIONS: dict[str, Option] = {o.name: o for r in RECIPES_ALL for o in r.options}
RUSH_RECIPE = "orders"  # the R key's: one waiting order for each of RUSH_CREW baristas

# Keys of the lessons' switches (core/workloads/lessons.py): the lock around each update
# (SHARED_STATE), and shared memory instead of copies for processes (both lessons).
LOCK_KEY = "l"
SHARE_KEY = "x"


def option_of(recipe: str, name: str) -> Option | None:
    """``recipe``'s switch ``name``, or None where the recipe has no such switch."""
    return next((o for o in RECIPE[recipe].options if o.name == name), None)


def lesson_key(lesson: str) -> str:
    """The shop's key of the first recipe teaching ``lesson`` (the l key's hint)."""
    return next(r.key for r in RECIPES_ALL if r.lesson == lesson)
