"""What the front of house asks of the kitchen: one command at a time, down the pipe.

    Kitchen.run(spec)     --StartRun(spec)---->  kitchen main thread: cancels the run
    Kitchen.cancel()      --CancelRun()------->    that is on, starts or stops the runner
    Kitchen.knock_out(n)  --KnockOut(n)------->  the run fails barista n (None: any brewing one)
    Kitchen.close()       --Quit()------------>  the kitchen stops its run and exits

The kitchen dispatches on the type (core.kitchen.process).  Small frozen
dataclasses: they pickle across the pipe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from chaishop.core.protocol.events import RunSpec


@dataclass(frozen=True)
class StartRun:
    """Run ``spec`` (the run that is on is cancelled first)."""

    doing: ClassVar[str] = "starting a run"  # the kitchen's words when the command fails
    spec: RunSpec


@dataclass(frozen=True)
class CancelRun:
    """Stop the run that is on, if any."""

    doing: ClassVar[str] = "stopping the run"


@dataclass(frozen=True)
class KnockOut:
    """Make barista ``barista`` of the run fail now (None: a random working one)."""

    doing: ClassVar[str] = "knocking out a barista"
    barista: int | None = None


@dataclass(frozen=True)
class Quit:
    """Stop the run and end the kitchen process."""

    doing: ClassVar[str] = "closing"


KitchenCommand: TypeAlias = StartRun | CancelRun | KnockOut | Quit
