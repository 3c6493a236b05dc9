"""The one event protocol every barista speaks, whatever kind of worker it is.

Data flow::

    barista (thread | process | asyncio task | subinterpreter)
        --Event--> crew.events()  (one stream per run, in the engine process)
        --Event / RunStarted / RunFinished--> consumers (bench, kitchen -> UI)

Events are small frozen dataclasses of plain values so that they pickle
cheaply across a pipe.  Their timestamps come from ``time.perf_counter()``,
which on Linux and macOS reads a system-wide monotonic clock, so stamps taken
in different processes can be compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# Event kinds, in the order one barista emits them.
STARTED = "started"  # the barista is ready to work (its thread/process/task runs)
TAKEN = "taken"  # took the next order from the shared queue
PROGRESS = "progress"  # part of the current order is done
DONE = "done"  # finished the current order
FAILED = "failed"  # the barista stopped because of an error, a kill or a timeout
FINISHED = "finished"  # no orders left (or the run was cancelled): clocked off

KINDS = (STARTED, TAKEN, PROGRESS, DONE, FAILED, FINISHED)
TERMINAL_KINDS = (FAILED, FINISHED)

# What a barista is doing during a PROGRESS event: drives the timeline.
BREWING = "brew"
WAITING = "wait"


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
    phase: str = ""  # BREWING or WAITING, for PROGRESS
    detail: str = ""  # human-readable reason, for FAILED
    cpu_s: float | None = None  # CPU seconds this barista used so far, where the OS tells
    run: int = 0  # the run this event belongs to


@dataclass(frozen=True)
class RunSpec:
    """What to run: the same spec gives the same orders in every mode."""

    mode: str
    recipe: str
    baristas: int
    orders: int
    size: int  # brew iterations per order
    wait_s: float  # I/O wait per order, in seconds
    run: int = 0
    timeout_s: float | None = None  # an order taking longer fails its barista


@dataclass(frozen=True)
class RunStarted:
    spec: RunSpec
    t0: float


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

    @property
    def work_s(self) -> float:
        return max(0.0, self.wall_s - self.startup_s)

    @property
    def parallelism(self) -> float:
        """Average number of cores busy: CPU time over wall time."""
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def complete(self) -> bool:
        return not self.cancelled and self.failed == 0 and self.orders_done == self.orders


@dataclass(frozen=True)
class RunFinished:
    result: RunResult
