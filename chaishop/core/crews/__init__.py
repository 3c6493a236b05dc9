"""Crews (executors): the same orders, served by different kinds of barista."""

from __future__ import annotations

from chaishop.core.crews.base import Crew
from chaishop.core.crews.interpreters import InterpreterCrew, interpreters_available
from chaishop.core.crews.processes import ProcessCrew
from chaishop.core.crews.tasks import TaskCrew
from chaishop.core.crews.sequential import SequentialCrew
from chaishop.core.crews.threads import ThreadCrew

CREWS: dict[str, type[Crew]] = {
    "sequential": SequentialCrew,
    "threads": ThreadCrew,
    "processes": ProcessCrew,
    "asyncio": TaskCrew,
}
if interpreters_available()[0]:  # Python 3.12+: one GIL per subinterpreter
    CREWS["interpreters"] = InterpreterCrew
MODES = tuple(CREWS)


def make_crew(mode: str, baristas: int, timeout_s: float | None = None) -> Crew:
    try:
        cls = CREWS[mode]
    except KeyError:
        usable, why = interpreters_available()
        if mode == InterpreterCrew.mode and not usable:
            raise ValueError(f"mode {mode!r} is not available: {why}") from None
        raise ValueError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})") from None
    return cls(baristas, timeout_s)


__all__ = ["CREWS", "MODES", "Crew", "interpreters_available", "make_crew"]
