"""What the kitchen (or, on its behalf, its client and its supervisor) tells the front of house.

    kitchen process ──KitchenReady / Note / Heartbeat──▶ Kitchen.poll() ──▶ UI
        (+ the barista events and gauges: core.protocol.events, core.protocol.gauges)
    Kitchen.poll() ──KitchenGone (the process ended unexpectedly)──▶ Supervisor / UI
    Supervisor.poll() ──KitchenDown / KitchenSilent / KitchenBack / RunLost──▶ UI

``KitchenMessage`` is what ``Kitchen.poll()`` returns (heartbeats only reset
its clock); ``Supervisor.poll()`` adds a ``SupervisorMessage`` now and then.
Small frozen dataclasses: they cross a pipe, so they pickle.  Import-light
(no psutil, no multiprocessing): the machine facts load only where used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from chaishop.core.protocol.events import ClusterReady, Event, RunFinished, RunStarted
from chaishop.core.protocol.gauges import CrewSummary, GilReading, LoopLag

if TYPE_CHECKING:
    from chaishop.core.machine import Machine


@dataclass(frozen=True)
class KitchenReady:
    """The kitchen has calibrated and takes commands: its machine and its order sizes."""

    machine: Machine
    size: int  # calibrated brew iterations for one order of the target time
    order_s: float  # that target time
    start_method: str  # how process baristas are started
    pid: int
    grind_size: int = 0  # calibrated grind steps for one order of the target time


@dataclass(frozen=True)
class Note:
    """Something worth telling the user that is not a barista event."""

    text: str
    level: str = "info"  # info | warning | error


@dataclass(frozen=True)
class Heartbeat:
    """The kitchen is alive (sent every core.kitchen.process.HEARTBEAT_EVERY_S)."""


@dataclass(frozen=True)
class KitchenGone:
    """The kitchen process ended unexpectedly (made by the client, not sent by the kitchen)."""

    exitcode: int | None

    @property
    def reason(self) -> str:
        from chaishop.core.kitchen import mp  # multiprocessing and psutil: only when asked

        return mp.exit_reason(self.exitcode)


@dataclass(frozen=True)
class KitchenDown:
    """The kitchen died: the supervisor restarts it in ``restart_in`` seconds (None: gave up)."""

    reason: str  # "kitchen crashed: killed by SIGKILL"
    restart_in: float | None  # seconds until a new kitchen starts; None: given up


@dataclass(frozen=True)
class KitchenSilent:
    """The kitchen has said nothing for ``silent_s`` seconds (hung, or starved of the CPU)."""

    silent_s: float


@dataclass(frozen=True)
class KitchenBack:
    """The kitchen speaks again after a silence."""


@dataclass(frozen=True)
class RunLost:
    """The run ``run`` ended with the kitchen it was running in."""

    run: int
    reason: str


# What Kitchen.poll() returns: everything the kitchen sends but heartbeats, and KitchenGone.
KitchenMessage: TypeAlias = (RunStarted | Event | RunFinished | ClusterReady | CrewSummary
                             | GilReading | LoopLag | KitchenReady | Note | KitchenGone)
# What Supervisor.poll() adds to them (a lost run's baristas come as FAILED Events).
SupervisorMessage: TypeAlias = KitchenDown | KitchenSilent | KitchenBack | RunLost
