"""The menu's modes (crews): every trait of each, and what a layer asks of them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from chaishop.core.menu.limits import CREW_STEPS, MAX_PANES, MAX_RUSH_CREW, WORKERS_PER_CORE


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
