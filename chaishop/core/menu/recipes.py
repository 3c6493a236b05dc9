"""The menu's recipes (workloads): every trait of each, and the lessons' switches."""

from __future__ import annotations

from dataclasses import dataclass


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
    # A key for each choice ("": none), one key each: it sets that choice and runs; pressed
    # again, it goes back to the default.  Keys belong to the recipe on screen: two recipes
    # may give one key to switches of their own.
    keys: tuple[str, ...] = ()

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
    # What its baristas wait for off a core: the timeline's legend for ░ (a lock wait or a
    # sleep looks the same to the CPU clocks and schedstat as waiting for I/O).
    waits: str = "I/O"

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
           lesson=SHARED_STATE, script=False, busy="ringing up", cpu_word="ringing up",
           waits="lock"),
    Recipe("haul", "h", "haul (big payloads: moving data)",
           "total a big payload each order carries (moving data; --share)", sizing=OWN_UNIT,
           lesson=MOVING_DATA, script=False, busy="hauling", cpu_word="totalling"),
    # Dining philosophers on real locks: a deadlock, found and fixed (core/workloads/forks.py).
    Recipe("forks", "f", "forks (locks: deadlock)",
           "dining philosophers: each takes its left fork, then its right (deadlock; --fix)",
           sizing=OWN_UNIT, script=False, speedup=False, busy="dining", cpu_word="eating",
           waits="fork/sleep",  # a fork (a lock), or thinking and eating (sleeps)
           kind="chaishop.core.workloads.forks:KIND",
           options=(Option("fix", ("none", "order", "waiter", "trylock"), key="F", keys=("", "O", "W", "T"),
                           help="how the baristas avoid the deadlock: none, a global order "
                                "(lower fork first), a waiter (N-1 seats), trylock with back-off"),)),
    # Waiting behind the GIL (core/workloads/counter.py): I/O replies beside brewing, timed.
    Recipe("counter", "w", "counter (I/O beside brewing: the convoy)", "one barista answers "
           "1 ms I/O orders while the others brew: how late are its replies?", script=False,
           kind="chaishop.core.workloads.counter:KIND", options=(
               Option("io", ("sleep", "socket"), "n", "the counter's wait: sleep, or a 127.0.0.1 round trip"),
               Option("work", ("brew", "grind"), "j", "the others: Python bytecode, or C releasing the GIL"),
               Option("block", ("none", "sleep", "cpu"), "v", "one blocking call (the others wait politely)"),
               Option("unblock", ("none", "to_thread", "process_pool"), "u", "how that call is made",
                      keys=("", "T", "P")))),
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


# Every key of a lesson switch (Option.key, Option.keys): the shop binds each once.
OPTION_KEYS: tuple[str, ...] = tuple(dict.fromkeys(
    k for o in OPTIONS.values() for k in (o.key, *o.keys) if k))


def switch_for(recipe: str, key: str) -> tuple[Option, str | None] | None:
    """What ``key`` does in ``recipe``: (its switch, the choice it sets; None: the next
    choice), or None where the recipe has no switch on that key."""
    for o in RECIPE[recipe].options:
        if key == o.key:
            return o, None
        if key in o.keys:
            return o, o.choices[o.keys.index(key)]
    return None


def option_of(recipe: str, name: str) -> Option | None:
    """``recipe``'s switch ``name``, or None where the recipe has no such switch."""
    return next((o for o in RECIPE[recipe].options if o.name == name), None)


def lesson_key(lesson: str) -> str:
    """The shop's key of the first recipe teaching ``lesson`` (the l key's hint)."""
    return next(r.key for r in RECIPES_ALL if r.lesson == lesson)
