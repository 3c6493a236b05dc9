"""What the kitchen (and its client) tell the front of house besides barista events.

    kitchen process ──KitchenReady / Note / Heartbeat──▶ Kitchen.poll() ──▶ UI
    Kitchen.poll() ──KitchenGone (the process ended unexpectedly)──▶ supervisor / UI

Small frozen dataclasses: they cross a pipe, so they pickle.
"""

from __future__ import annotations

from dataclasses import dataclass

from chaishop.core.kitchen import mp
from chaishop.core.machine import Machine


@dataclass(frozen=True)
class KitchenReady:
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
    """The kitchen is alive (sent every HEARTBEAT_EVERY_S)."""


@dataclass(frozen=True)
class KitchenGone:
    """The kitchen process ended unexpectedly (sent by the client, not the kitchen)."""

    exitcode: int | None

    @property
    def reason(self) -> str:
        return mp.exit_reason(self.exitcode)
