"""The demo tour: what ``chaishop demo`` shows, step by step, and what to look at.

Plain data: the app plays it (chaishop.ui), tests read it.  Each step starts a
real run and waits for it to finish; nothing is pre-recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

# Seconds a caption stays up after its run, at --speed 1: time to read the screen.
PAUSE_S = 3.0


@dataclass(frozen=True)
class TourStep:
    mode: str
    recipe: str
    baristas: int
    orders: int
    caption: str


TOUR: tuple[TourStep, ...] = (
    TourStep("sequential", "brew", 1, 4,
             "One barista brews four CPU-bound orders, one after another. "
             "Watch the stopwatch: this is the time to beat."),
    TourStep("threads", "brew", 2, 4,
             "Two thread baristas. The CPU meter shows about one core busy in total: "
             "the GIL lets one thread run Python at a time. No faster."),
    TourStep("processes", "brew", 2, 4,
             "Two process baristas, each with its own interpreter and GIL. "
             "Both cores light up and the stopwatch roughly halves."),
    TourStep("sequential", "orders", 1, 4,
             "Now I/O-bound orders: each one is mostly waiting. One barista waits "
             "for each order in turn: the baseline for waiting."),
    TourStep("threads", "orders", 4, 4,
             "Four thread baristas on the same orders. Waiting releases the GIL, "
             "so they serve four orders in about the time of one."),
    TourStep("asyncio", "orders", 4, 4,
             "The same waits as asyncio tasks on one thread: they take turns at every "
             "await, and the CPU stays idle. Concurrency without parallelism."),
)

FINALE = ("The scoreboard: speedup is sequential wall time over each run's wall time. "
          "Processes win on CPU; threads and asyncio win on waiting.")
