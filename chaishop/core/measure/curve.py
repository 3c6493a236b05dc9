"""The scaling curve's light parts, shared by ``chaishop scale`` and the shop's C key.

    cores --default_crews()--> 1, 2, 4, ... up to twice the cores
    mode, crews, cores --crews_for()--> the crews the registry allows that mode here
    recipe, mode, crew, cores --workers()--> Amdahl's n: min(crew, cores) on CPU-bound work

Nothing heavy is imported: the front of house uses it without loading the crews.
"""

from __future__ import annotations

from chaishop.core.measure import speedup as su
from chaishop.core.menu import crew_cap, crew_of


def default_crews(cores: int) -> list[int]:
    """Powers of two up to twice the core count: past the cores, the wall shows."""
    out, n = [], 1
    while n <= 2 * max(1, cores):
        out.append(n)
        n *= 2
    return out


def crews_for(mode: str, crews: list[int], cores: int) -> list[int]:
    """The crews of ``crews`` that ``mode`` may have here (the registry's cap)."""
    cap, _ = crew_cap(mode, cores)
    return [c for c in crews if c <= cap]


def workers(recipe: str, mode: str, crew: int, cores: int) -> int:
    """Effective workers for Amdahl: the crew (one for a one-barista mode), at most the cores
    on CPU-bound work (the wall; the scoreboard's rule, core.measure.speedup.limit)."""
    return su.limit(recipe, crew_of(mode, crew), cores)
