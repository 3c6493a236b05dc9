"""The forks lesson's words: who holds which fork, the cycle when it closes, what a fix cost.

    Event.word ("wait"/"hold"/"drop"/"retry", fork) --observe--> WaitFor (the kitchen's graph,
        rebuilt here from the same words) --live()--> a line per barista, or the cycle drawn
    RunResult.lesson (forks_result.ForksResult) + earlier runs --finish()--> served or
        deadlocked, the wait per barista, the fix's cost against the naive run

Only measured figures: the deadlock's time and cycle are the kitchen's (ForksResult), the
live cycle is the one the baristas' own words draw; a cost is a difference of two real runs.
"""

from __future__ import annotations

from chaishop.core.menu import MODE, option_of
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import forks
from chaishop.core.workloads.forks_result import GRACE_S, ForksResult
from chaishop.core.workloads.forks_run import NONE_SHARED, table_kind
from chaishop.core.workloads.waitfor import WaitFor, canonical, describe
from chaishop.ui.lessons.base import LessonView

MAX_LINES = 8  # barista lines the panel shows live (a projector's panel is small)

WHY_DEADLOCK = "Each holds one fork and waits for the next: nobody ever eats."
ENDED = ("The kitchen ended it {grace:.1f} s later: a blocked thread cannot be killed, but "
         "each barista waits in 50 ms slices, saw the cancel and let go. O, W, T: a fix.")
FIX_WHY = {
    forks.ORDER: ("One global order: everyone takes the lower-numbered fork first (barista {n} "
                  "reaches for fork 1 before fork {n}), so the last link of the cycle never forms."),
    forks.WAITER: ("A waiter (a semaphore of {seats}) seats at most {seats} of {n}: someone at "
                   "the table always has both forks within reach."),
    forks.TRYLOCK: ("Try-lock: take the left fork, try the right without waiting; if it is "
                    "taken, put the left one back and retry after a random pause. "
                    "{retries} retries for {served} meals."),
    forks.NONE: "",
}
LIVELOCK = ("Many retries per meal: the baristas keep politely putting forks back (livelock "
            "pressure); the random pause is what lets one of them through.")
PANE_WORDS = {"wait": "waits for fork {}", "hold": "holds fork {}", "drop": "puts fork {} down",
              "retry": "puts fork {} back: the next one is taken", "seat-wait": "waits for a seat",
              "seated": "seated by the waiter"}
SHARES_NOTHING = ("Nothing shared here: each {barista} set a table of its own (subinterpreters "
                  "and Dask workers get no shared lock), so nobody waited.")


class ForksView(LessonView):
    def __init__(self, spec: ev.RunSpec) -> None:
        super().__init__(spec)
        self.graph = WaitFor()
        self.first_t: float | None = None
        self.cycle: list | None = None
        self.formed_t: float | None = None
        self.fix = spec.option("fix") or forks.NONE
        self.crew = 1 if MODE[spec.mode].one_barista else spec.baristas

    def titles(self) -> tuple[str, str]:
        s = self.spec
        key = option_of(s.recipe, "fix")
        return (f"Forks · {s.mode} · {max(2, s.baristas)} forks · {table_kind(s.mode)}",
                f"fix ({' '.join(k for k in (key.key, *key.keys) if k) if key else ''}): "
                f"{self.fix} · esc ends a deadlock")

    def observe(self, e: ev.Event) -> None:
        if self.first_t is None and e.kind == ev.STARTED:
            self.first_t = e.t
        if e.kind in ev.TERMINAL_KINDS:
            self.graph.gone(e.barista, e.t)
        found = self.graph.feed(e.barista, e.word, e.t) if e.word else None
        if found and self.cycle is None:
            self.cycle, self.formed_t = canonical(found), e.t
        elif self.cycle is not None and not self.graph.still(self.cycle):
            self.cycle = self.formed_t = None

    def pane_word(self, e: ev.Event) -> str:
        what, lock = e.word[0], (e.word[1] if len(e.word) > 1 else 0)
        return PANE_WORDS.get(what, "").format(lock)

    def live(self) -> str:
        if self.cycle is not None:
            after = self.formed_t - (self.first_t or self.formed_t)
            return (f"{describe(self.cycle)}: deadlock after {after:.2f} s.\n{WHY_DEADLOCK} "
                    f"esc, or {GRACE_S:.1f} s, ends it.")
        return "\n".join(self.lines()) or "the baristas sit down at the table"

    def lines(self) -> list[str]:
        holds: dict[int, list[int]] = {}
        for fork, b in sorted(self.graph.holder.items()):
            holds.setdefault(b, []).append(fork)
        out = []
        for b in range(1, min(self.crew, MAX_LINES) + 1):
            held = holds.get(b, [])
            what = ("holds fork " + " and ".join(map(str, held))) if held else "holds nothing"
            waiting = self.graph.waiting.get(b)
            if waiting is not None:
                what += f", waits for {'a seat' if waiting == 0 else f'fork {waiting}'}"
            out.append(f"barista {b}: {what}")
        if self.crew > MAX_LINES:
            out.append(f"(and {self.crew - MAX_LINES} more)")
        return out

    def finish(self, result: ev.RunResult, earlier: list[ev.RunResult]) -> str:
        f = result.lesson
        if not isinstance(f, ForksResult):
            return ""
        waits = waits_words(f)
        if f.deadlocked:
            return "\n".join([
                f"Deadlock after {f.deadlock_after_s:.2f} s: {f.words}.",
                f"{WHY_DEADLOCK} {f.served} of {result.orders} served; {waits}.",
                ENDED.format(grace=f.grace_s)])
        head = (f"Served {f.served} of {result.orders} meals in {result.wall_s:.2f} s "
                f"({rate(f.served, result.wall_s)} meals/s) · no deadlock · fix: {f.fix} · "
                f"{waits}")
        why = FIX_WHY.get(f.fix, "").format(n=self.crew, seats=max(1, self.crew - 1),
                                            retries=f.retries, served=f.served)
        if f.fix == forks.TRYLOCK and f.retries > 3 * max(1, f.served):
            why += " " + LIVELOCK
        if f.locks == NONE_SHARED:
            why = SHARES_NOTHING.format(barista=MODE[result.mode].barista)
        elif f.fix == forks.NONE:
            why = ("No deadlock this time: " + ("one barista cannot wait for itself."
                                                if self.crew < 2 else "the cycle never closed."))
        return "\n".join(x for x in (head, why, cost(result, earlier)) if x)


def waits_words(f: ForksResult) -> str:
    """Each barista's wait for forks (or a seat): 'waited 1.6 s each' or 'waited 2.5 1.5 ... s'."""
    shown = [f"{s:.1f}" for _, s in f.wait_s]
    if len(set(shown)) == 1:
        return f"waited {shown[0]} s each"
    return f"waited {' '.join(shown)} s (barista 1..{len(shown)})"


def rate(served: int, wall_s: float) -> str:
    return f"{served / wall_s:.2f}" if wall_s > 0 else "-"


def cost(result: ev.RunResult, earlier: list[ev.RunResult]) -> str:
    """The fix against this session's latest naive run of the same mode and crew (measured)."""
    naive = next((r for r in reversed(earlier) if r.run != result.run and isinstance(
        r.lesson, ForksResult) and r.lesson.fix == forks.NONE and r.mode == result.mode
        and r.baristas == result.baristas), None)
    if naive is None:
        return "Cost: press F until fix none to run the naive table, then compare."
    n = naive.lesson
    if n.deadlocked:
        return (f"Cost: the naive table served {n.served} meals in its first "
                f"{n.deadlock_after_s:.2f} s, then none; this fix kept serving "
                f"({rate(result.lesson.served, result.wall_s)} meals/s, waits "
                f"{result.lesson.total_wait_s:.1f} s in all vs {n.total_wait_s:.1f} s).")
    return (f"Cost: the naive run served {rate(n.served, naive.wall_s)} meals/s (no deadlock "
            f"that time); this fix {rate(result.lesson.served, result.wall_s)} meals/s.")
