"""Crews (executors): the same orders, served by different kinds of barista."""

from __future__ import annotations

from chaishop.core.crews.base import Crew
from chaishop.core.crews.processes import ProcessCrew
from chaishop.core.crews.tasks import TaskCrew
from chaishop.core.crews.threads import SequentialCrew, ThreadCrew

CREWS: dict[str, type[Crew]] = {
    "sequential": SequentialCrew,
    "threads": ThreadCrew,
    "processes": ProcessCrew,
    "asyncio": TaskCrew,
}
MODES = tuple(CREWS)


def make_crew(mode: str, baristas: int, timeout_s: float | None = None) -> Crew:
    try:
        cls = CREWS[mode]
    except KeyError:
        raise ValueError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})") from None
    return cls(baristas, timeout_s)


__all__ = ["CREWS", "MODES", "Crew", "make_crew"]
