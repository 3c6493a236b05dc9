"""The kitchen's gauges: what it measures beside the barista events, sent a few times a second.

    GilProbe.read() (core.measure.gil)          --GilReading-->  kitchen --> UI GIL gauge
    LoopLagProbe.read() (core.measure.loop_lag)  --LoopLag----->  kitchen --> UI gauge's loop line
    Summariser (core.measure.summary)           --CrewSummary->  kitchen --> UI crew grid, timeline

Only the messages live here (and the byte code of ``CrewSummary.states``,
which its receivers read); the probes and the summariser that make them
live in core.measure.  Small frozen dataclasses of plain values: they pickle.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GilReading:
    """One look at the GIL gauge: how late the kitchen's probe thread woke, over the last window."""

    lateness_ms: float  # median GIL part of the probe's lateness over the window
    lateness_p90_ms: float  # 90th percentile
    contention: float  # 0..1: median GIL lateness / switch interval, clamped
    samples: int  # wake-ups in the window (0: no reading yet)
    t: float = 0.0  # when it was read (time.perf_counter(), the event clock)
    run: int = 0  # the run it belongs to, set by whoever sends it
    core_ms: float = 0.0  # median part of the lateness spent waiting for a core
    split: bool = False  # core waits were measured and taken out (Linux)

    @property
    def empty(self) -> bool:
        return self.samples == 0


@dataclass(frozen=True)
class LoopLag:
    """How late an asyncio crew's event loop runs a callback: asyncio's twin of the GIL gauge."""

    lateness_ms: float  # median lateness of the probe's callbacks over the window
    max_ms: float  # the worst one (a callback that waited for a whole order)
    samples: int
    t: float = 0.0
    run: int = 0


# A barista's state in a big crew's grid, one byte each in CrewSummary.states (CELL_: an
# index, not an event kind such as events.DONE nor a timeline state such as "waiting").
CELL_STARTING, CELL_IDLE, CELL_WAITING, CELL_BREWING, CELL_DONE, CELL_FAILED = range(6)
STATE_NAMES = ("starting", "idle", "waiting", "brewing", "done", "failed")


@dataclass(frozen=True)
class CrewSummary:
    """Where every barista of a big crew is, at time ``t`` (sent instead of every event)."""

    run: int
    t: float
    states: bytes  # one byte per barista (1-based barista n is states[n - 1])
    orders_done: int
    clocked_in: int  # baristas that said they were ready
    failures: tuple[tuple[str, int], ...] = ()  # (reason, how many), most common first
    events: int = 0  # barista events summarised into this one
    rss_mib: float | None = None  # the kitchen and its children now (core.measure.memory)
    os_threads: int | None = None
    final: bool = False  # the last summary of the run
    counts: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", tuple(self.states.count(s) for s in range(len(STATE_NAMES))))

    def count(self, state: int) -> int:
        return self.counts[state]
