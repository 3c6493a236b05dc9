"""The demo tour: what ``chaishop demo`` shows, step by step, and what to look at.

    TourStep --caption_for(step, machine)--> caption before the run (what to watch,
        what this interpreter and these cores let you expect)
    RunResult + its speed-up --measured(...)--> the same caption after the run: the outcome
    results + speed-ups --finale(...)--> the last caption: who won here, as measured

Plain data and text: the app plays it (chaishop.ui), tests read it.  Each step
starts a real run and waits for it to finish; nothing is pre-recorded.  No text
states an outcome as fact before it is measured: expectations follow the
interpreter (GIL on or off) and the number of cores, and each step ends with the
numbers the run really produced.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Protocol, Sequence

from chaishop.core.measure import speedup as su
from chaishop.core.menu import MODE, RECIPE

# Seconds a caption stays up after its run, at --speed 1: time to read the screen.
PAUSE_S = 3.0
# Whatever --speed, a caption stays up at least this long: --speed shortens the orders and
# the pauses, never the time to read (at --speed 4 a caption was up for 1-1.5 s).
CAPTION_MIN_S = 3.0
# Without --no-exit the finale stays until a key, or this many caption minimums (said on it).
FINALE_CAPTIONS = 5
# Tests only: a shorter minimum (and finale), so that tours played several times stay fast.
CAPTION_MIN_ENV = "CHAISHOP_CAPTION_MIN_S"


def caption_min_s(env: Mapping[str, str] = os.environ) -> float:
    """The caption minimum: CAPTION_MIN_S, unless a test set CAPTION_MIN_ENV (seconds >= 0)."""
    try:
        return max(0.0, float(env.get(CAPTION_MIN_ENV, CAPTION_MIN_S)))
    except ValueError:
        return CAPTION_MIN_S


@dataclass
class Pacing:
    """How long the tour's captions stay up: the pause divided by the speed, but never less
    than ``min_s`` since the caption was shown.  ``clock`` is injected by tests."""

    speed: float
    min_s: float = CAPTION_MIN_S
    clock: Callable[[], float] = time.monotonic
    shown_at: float | None = field(default=None, init=False)

    def shown(self) -> None:
        self.shown_at = self.clock()

    def hold_s(self) -> float:
        """Seconds the caption on screen must stay before the next one replaces it."""
        since = 0.0 if self.shown_at is None else self.clock() - self.shown_at
        return max(PAUSE_S / self.speed - since, self.min_s - since, 0.0)

    @property
    def finale_s(self) -> float:
        return FINALE_CAPTIONS * self.min_s


class MachineLike(Protocol):  # chaishop.core.machine.Machine, or a test's stand-in
    cores: int
    gil_enabled: bool


class ResultLike(Protocol):  # chaishop.core.protocol.events.RunResult
    mode: str
    recipe: str
    baristas: int
    complete: bool
    parallelism: float


@dataclass(frozen=True)
class TourStep:
    mode: str
    recipe: str
    baristas: int
    orders: int
    caption: str  # with the GIL on, or whatever the interpreter
    free_caption: str = ""  # instead, when the GIL is off ("": the same)
    lock: bool = False  # till: the mode's lock around each update
    share: bool = False  # haul, till: processes share memory instead of copying


TOUR: tuple[TourStep, ...] = (
    TourStep("sequential", "brew", 1, 4,
             "One barista brews four CPU-bound orders, one after another. "
             "Watch the stopwatch: this is the time to beat."),
    TourStep("threads", "brew", 2, 4,
             "Two thread baristas. This Python has a GIL: one thread runs Python at a time, "
             "so expect about one core busy in total on the CPU meter, and no gain.",
             "Two thread baristas. This Python runs without a GIL: threads can brew at the "
             "same instant, so expect two cores busy on the CPU meter and a shorter time."),
    TourStep("threads", "till", 2, 2,
             "Beyond the rule of thumb: two threads ring up cups on one till (read the count, "
             "make a call, write it plus one). The GIL protects the interpreter's own objects, "
             "not your data: expect cups to go missing. Press l later for a lock.",
             "Beyond the rule of thumb: two threads ring up cups on one till (read the count, "
             "make a call, write it plus one). With no GIL they do it at the same instant: "
             "expect cups to go missing. Press l later for a lock."),
    TourStep("processes", "brew", 2, 4,
             "Two process baristas, each with its own interpreter and GIL: they can brew at "
             "the same instant. Watch the CPU meter (are both cores busy?) and the stopwatch: "
             "how close does it come to half the sequential time on this machine?"),
    TourStep("sequential", "grind", 1, 4,
             "The exception to the rule: grind hashes big buffers in C (hashlib). "
             "One barista first: the time to beat."),
    TourStep("threads", "grind", 2, 4,
             "The GIL guards Python bytecode; C code can let go of it. hashlib does, "
             "so watch the CPU meter (two threads, both cores?) and the GIL gauge (low?)."),
    TourStep("processes", "haul", 2, 4,
             "Each order now carries a list of millions of numbers. A process gets a copy: "
             "pickled, piped, unpickled (▒ on the timeline). Watch how much of their time "
             "goes to moving data; press x later to share memory instead."),
    TourStep("sequential", "orders", 1, 4,
             "Now I/O-bound orders: each one is mostly waiting. One barista waits "
             "for each order in turn: the baseline for waiting."),
    TourStep("threads", "orders", 4, 4,
             "Four thread baristas on the same orders. Waiting releases the GIL, "
             "so expect four orders served in about the time of one.",
             "Four thread baristas on the same orders. Waiting needs no core at all, "
             "so expect four orders served in about the time of one."),
    TourStep("asyncio", "orders", 4, 4,
             "The same waits as asyncio tasks on one thread: they take turns at every "
             "await, and the CPU should stay idle. Concurrency without parallelism."),
)

# A speed-up above what the cores allow (core.measure.speedup): said, never stated plain.
IMPOSSIBLE = "more than {what} can give: the sequential run was slowed, see the scoreboard"
ONE_CORE = ("This machine gives chaishop one core: nothing can brew in parallel here, "
            "whatever the crew. ")


def caption_for(step: TourStep, machine: MachineLike | None) -> str:
    """What to watch in this step, as this interpreter and these cores let you expect."""
    text = step.free_caption if machine is not None and not machine.gil_enabled and \
        step.free_caption else step.caption
    if machine is not None and machine.cores < 2 and RECIPE[step.recipe].cpu_bound \
            and step.baristas > 1:
        text = ONE_CORE + text
    return text


def measured(step: TourStep, machine: MachineLike | None, result: ResultLike | None,
             speedup: float | None) -> str:
    """The step's caption once its run is over: the expectation, then what happened."""
    text = caption_for(step, machine)
    if result is None or not result.complete:
        return f"{text}\nMeasured: the run did not complete."
    lesson = getattr(result, "lesson", None)  # the till's or the haul's own figures
    if getattr(lesson, "cups_rung", None):  # a till.TillResult
        lost, rung = lesson.cups_lost, lesson.cups_rung
        return f"{text}\nMeasured: {lost:,} of {rung:,} cups lost ({100 * lost / rung:.0f} %)."
    if getattr(lesson, "transfer_s", None) is not None:  # a haul.HaulResult
        wall, moved = result.wall_s, lesson.transfer_s
        return (f"{text}\nMeasured: {moved:.2f} s of {wall:.2f} s moving data "
                f"({100 * moved / wall if wall else 0:.0f} %).")
    if MODE[step.mode].baseline:  # its own speed-up is 1 by definition
        return f"{text}\nMeasured: {result.parallelism:.2f} cores busy on average."
    gain = "" if speedup is None else f"{speedup:.2f}x the sequential speed, "
    if machine is not None and su.impossible(speedup, step.recipe, step.baristas, machine.cores):
        n = su.limit(step.recipe, step.baristas, machine.cores)
        what = f"{n} cores" if RECIPE[step.recipe].cpu_bound else f"a crew of {step.baristas}"
        gain = f"{speedup:.2f}x! ({IMPOSSIBLE.format(what=what)}), "
    return f"{text}\nMeasured: {gain}{result.parallelism:.2f} cores busy on average."


def question(step: TourStep, machine: MachineLike | None) -> str | None:
    """``chaishop demo --predict``: what the room is asked before the step (None: nothing
    to predict: a sequential step is the yardstick, a lesson step measures other things)."""
    if MODE[step.mode].baseline or RECIPE[step.recipe].lesson:
        return None
    cores = "" if machine is None else f" on this {machine.cores}-core machine"
    return (f"{step.baristas} {step.mode} on {step.recipe}{cores}: how many times the "
            "speed of one barista alone?")


def said(guess: float | None, speedup: float | None) -> str:
    """"You said 2x, measured 1.03x." beside the step's measured caption."""
    if guess is None:
        return ""
    got = "not measured" if speedup is None else f"measured {speedup:.2f}x"
    return f"\nYou said {guess:g}x, {got}."


def finale(results: Sequence[ResultLike], speedups: Sequence[float | None], cores: int = 0) -> str:
    """The last caption: the fastest crew here for each recipe, as measured in the tour.
    ``cores``: a speed-up the cores cannot give is marked "!" (the scoreboard says why)."""
    best: dict[str, tuple[float, str]] = {}
    marked: set[str] = set()
    for r, up in zip(results, speedups):
        if up is not None and not MODE[r.mode].baseline and up > best.get(r.recipe, (0.0, ""))[0]:
            best[r.recipe] = (up, r.mode)
            if cores and su.impossible(up, r.recipe, r.baristas, cores):
                marked.add(r.recipe)
            else:
                marked.discard(r.recipe)
    won = "; ".join(f"on {recipe}, {mode} ({up:.2f}x{'!' if recipe in marked else ''})"
                    for recipe, (up, mode) in best.items() if up > 1.0)
    if marked:
        won += f" (! {IMPOSSIBLE.format(what='the cores or the crew')})"
    lost = " ".join(f"On {recipe}, no crew beat sequential (best: {mode}, {up:.2f}x)."
                    for recipe, (up, mode) in best.items() if up <= 1.0)
    said = " ".join(filter(None, [f"Fastest here {won}." if won else "", lost]))
    return ("The scoreboard: speedup is sequential wall time over each run's wall time. "
            + (said or "No run finished to compare."))
