"""Barista events (the one protocol every kind of worker speaks) and the run's records.

Data flow::

    barista (thread | process | asyncio task | subinterpreter | Dask task)
        --Event--> crew.events()  (one stream per run, in the engine process)
        --shop.Run--> ClusterReady, RunStarted, Event..., RunFinished
        --> consumers (bench, kitchen -> UI)

``RunSpec`` says what to run; ``RunResult`` (with a ``BaristaStats`` per
barista) is the stopwatch's verdict.  The rest of the kitchen's messages:
core.protocol (its package docstring lists every one).

Events are small frozen dataclasses of plain values so that they pickle
cheaply across a pipe.  Their timestamps come from ``time.perf_counter()``,
which on Linux and macOS reads a system-wide monotonic clock, so stamps taken
in different processes can be compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import ClassVar

# Event kinds, in the order one barista emits them.
STARTED = "started"  # the barista is ready to work (its thread/process/task runs)
TAKEN = "taken"  # took the next order from the shared queue
PROGRESS = "progress"  # part of the current order is done
DONE = "done"  # finished the current order
FAILED = "failed"  # the barista stopped because of an error, a kill or a timeout
FINISHED = "finished"  # no orders left (or the run was cancelled): clocked off

TERMINAL_KINDS = (FAILED, FINISHED)

# What a barista is doing during a PROGRESS event (Event.phase): drives the timeline, whose
# own states (core.measure.timeline: "brewing", "waiting", "moving", "idle") are spans of time.
PHASE_BREW = "brew"
PHASE_WAIT = "wait"
PHASE_MOVE = "move"  # moving an order's data to the barista (serialise, transfer, deserialise)


def now() -> float:
    """The event clock: system-wide monotonic seconds."""
    return time.perf_counter()


@dataclass(frozen=True)
class Event:
    """Something one barista did."""

    kind: str
    barista: int  # 1-based position in the crew
    who: str  # the worker's real identity: thread name and id, pid, task name
    t: float = field(default_factory=now)
    order: int | None = None  # order number, for TAKEN / PROGRESS / DONE
    progress: float = 0.0  # 0..1 of the current order
    phase: str = ""  # PHASE_BREW, PHASE_WAIT or PHASE_MOVE, for PROGRESS
    detail: str = ""  # human-readable reason, for FAILED
    cpu_s: float | None = None  # CPU seconds this barista used so far, where the OS tells
    run: int = 0  # the run this event belongs to
    # Cumulative seconds this barista's OS thread was runnable but waited for a
    # core (Linux schedstat run delay); None elsewhere and for asyncio tasks.
    core_wait_s: float | None = None
    # The barista's OS identity, on STARTED (0 elsewhere): observers outside the
    # kitchen find its /proc/PID/task/TID from these.
    pid: int = 0
    tid: int = 0
    # The till and haul recipes (chaishop.core.workloads.lessons), None elsewhere:
    cups: int | None = None  # cups this barista rang up so far in this run
    till: int | None = None  # what the till it rings on showed when it last looked
    transfer_s: float | None = None  # seconds this barista spent waiting for data to arrive
    # A lesson's own word about this event (core/workloads/lesson_kind.py): plain picklable
    # values whose meaning is the lesson's, e.g. ("wait", 2): waiting for fork 2.
    word: tuple = ()


@dataclass(frozen=True)
class RunSpec:
    """What to run: the same spec gives the same orders in every mode."""

    mode: str
    recipe: str
    baristas: int
    orders: int
    size: int  # brew iterations per order
    order_s: float  # the target seconds of one order (--order-seconds): an I/O order waits this long
    run: int = 0
    timeout_s: float | None = None  # an order taking longer fails its barista
    baseline: bool = False  # a sequential run the shop started by itself to measure speed-ups
    lock: bool = False  # till: the mode's lock around each update
    share: bool = False  # till, haul: share memory between processes instead of copying
    ring: str = "split"  # till: "split" (read, a call or an await, write) or "plain" (+= 1)
    scheduler: str | None = None  # dask: an existing cluster (tcp://host:port); None: our own
    # A lesson's switches (core/menu.py Recipe.options): (name, choice) pairs; see option().
    options: tuple[tuple[str, str], ...] = ()
    wrong_lock: bool = False  # till, with lock: each barista takes a lock of its own (--lock wrong)
    # The GIL's switch interval for the run (--switch-interval, core/engine/switch.py), in ms;
    # None: the interpreter's (5 ms unless changed).
    switch_interval_ms: float | None = None

    def option(self, name: str) -> str:
        """The choice of the recipe's switch ``name``: as given, else the menu's default."""
        given = dict(self.options)
        if name in given:
            return given[name]
        from chaishop.core.menu import option_of  # light; here so barista imports stay small

        opt = option_of(self.recipe, name)
        return opt.default if opt is not None else ""


def with_option(spec: RunSpec, name: str, value: str) -> RunSpec:
    """``spec`` with its switch ``name`` set to ``value``."""
    return replace(spec, options=tuple(sorted({**dict(spec.options), name: value}.items())))


@dataclass(frozen=True)
class RunStarted:
    """The run ``spec`` started at ``t0`` (the event clock): its stopwatch runs from here."""

    spec: RunSpec
    t0: float


@dataclass(frozen=True)
class BaristaStats:
    """What one barista really got while it held orders (measured, see core.measure.stopwatch)."""

    barista: int
    cpu_s: float | None  # CPU while holding orders (None: the OS gives no per-worker clock)
    busy_s: float  # wall time holding orders
    core_wait_s: float | None  # runnable, waiting for a core (Linux schedstat; else None)
    gil_wait_s: float | None  # brewing, neither on a core nor waiting for one: the GIL
    served: int = 0

    @property
    def cpu_share(self) -> float | None:
        """The share of a core this barista got while it held orders."""
        if self.cpu_s is None or self.busy_s <= 0:
            return None
        return self.cpu_s / self.busy_s

    def to_dict(self) -> dict:
        share = self.cpu_share
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {"barista": self.barista, "cpu_s": r(self.cpu_s), "busy_s": r(self.busy_s),
                "cpu_share": None if share is None else round(share, 3),
                "gil_wait_s": r(self.gil_wait_s), "core_wait_s": r(self.core_wait_s),
                "served": self.served}


@dataclass(frozen=True)
class LessonResult:
    """The base of a lesson's own figures, carried by its run as ``RunResult.lesson``.

    Each lesson defines its own beside its recipe (core.workloads.till.TillResult,
    core.workloads.haul.HaulResult): small frozen dataclasses of plain values, so they
    pickle across the kitchen's pipe as the rest of the result does.
    """

    # chaishop bench (core.bench.tables): the CSV columns (keys of figures()) and the
    # table's headings it adds; cells(), work() and notes() below say the rest.
    KEYS: ClassVar[tuple[str, ...]] = ()
    HEADERS: ClassVar[tuple[str, ...]] = ()

    def figures(self, wall_s: float) -> dict:
        """The figures as the bench and scoreboard exports name them (JSON, CSV)."""
        return {}

    @property
    def ended_run(self) -> bool:
        """Whether the lesson itself ended its run (forks: a deadlock found): a stopped run
        that is the lesson's verdict, not a failure (bench reports it as a row)."""
        return False

    @classmethod
    def cells(cls, f: dict) -> list[str]:
        """The table cells of one row (under HEADERS), from its ``figures``."""
        return ["-" if f.get(k) is None else str(f.get(k)) for k in cls.KEYS[:len(cls.HEADERS)]]

    @staticmethod
    def work(rows) -> str:
        """The bench title's words for the orders ("": the recipe's own label)."""
        return ""

    @staticmethod
    def notes(rows) -> list[str]:
        """Lines under the bench table that explain its columns."""
        return []


@dataclass(frozen=True)
class RunResult:
    """The stopwatch's verdict on one run."""

    mode: str
    recipe: str
    baristas: int
    orders: int
    size: int
    wall_s: float  # from start() until the last barista clocked off
    cpu_s: float  # engine process + barista processes
    startup_s: float  # from start() until every barista was ready
    orders_done: int
    failed: int  # baristas that failed
    cancelled: bool
    barista_cpu_s: dict[int, float] = field(default_factory=dict)
    run: int = 0
    per_barista: tuple[BaristaStats, ...] = ()
    # Start-up in two parts: creating the workers (threads/processes/interpreters
    # started) and then waiting until the last one ran its first line (a thread
    # waits for the GIL here, a process for its interpreter to load).
    create_s: float | None = None
    # CPU used meanwhile by other programs and the hypervisor, in cores (see
    # core.measure.noise); None where it was not measured.
    other_cpu_cores: float | None = None
    steal_cores: float | None = None
    noisy: bool = False
    # The front of house's own CPU meanwhile (drawing the shop), in cores: not noise, but
    # on few cores it is CPU the baristas did not get.  None outside the app.
    front_cpu_cores: float | None = None
    baseline: bool = False  # started by the shop itself, as the speed-up baseline
    # The kitchen and its children, sampled during the run (core.measure.memory);
    # None where not measured.  Per barista is derived: (peak - idle) / crew.
    idle_rss_mib: float | None = None
    peak_rss_mib: float | None = None
    rss_per_barista_kib: float | None = None
    os_threads_peak: int | None = None
    # What a lesson beyond the rule of thumb measured (the till's cups, the haul's moving
    # time: core.workloads.till.TillResult, haul.HaulResult); None for the other recipes.
    lesson: LessonResult | None = None

    @property
    def parallelism(self) -> float:
        """Average number of cores busy: CPU time over wall time."""
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def complete(self) -> bool:
        return not self.cancelled and self.failed == 0 and self.orders_done == self.orders

    @property
    def wait_to_run_s(self) -> float | None:
        return None if self.create_s is None else max(0.0, self.startup_s - self.create_s)


@dataclass(frozen=True)
class RunFinished:
    """The run ended (served, cancelled or failed): the stopwatch's verdict."""

    result: RunResult


@dataclass(frozen=True)
class ClusterReady:
    """A crew's warm cluster (Dask) is ready: sent before its run starts, never timed in it.

    ``startup_s`` is what this run waited for the cluster (starting it, or
    adding workers); 0 when it was already warm.  ``started_here`` is False
    for a cluster the shop only connected to (``--scheduler``): the shop never
    shuts that one down.
    """

    scheduler: str  # tcp://host:port
    workers: tuple[str, ...]  # the workers serving as baristas: "address · pid N"
    startup_s: float
    started_here: bool
    first_start_s: float  # what starting (or connecting to) the cluster first took
