"""What a forks run reports (``RunResult.lesson``), and the columns it adds to ``chaishop bench``.

    forks_run.ForksRun.settle --ForksResult--> RunResult.lesson --figures()--> bench JSON / CSV
                                                                 --cells()----> the bench table

Import-light (the kind imports it in every barista process): plain values only.
"""

from __future__ import annotations

from dataclasses import dataclass

from chaishop.core.protocol.events import LessonResult
from chaishop.core.workloads.waitfor import describe

# How long a found deadlock stays on screen before the kitchen ends the run (esc ends it
# sooner): long enough to read the cycle on a projector and see that nothing moves, short
# enough that `chaishop bench` over three modes is not a long wait.
GRACE_S = 1.5


@dataclass(frozen=True)
class ForksResult(LessonResult):
    """A forks run's verdict: deadlocked or served, the cycle, each barista's wait for locks."""

    fix: str
    locks: str  # whose locks the baristas shared (forks_run.table_kind)
    deadlocked: bool
    deadlock_after_s: float | None  # from the run's start to the wait that closed the cycle
    cycle: tuple[tuple[int, int], ...] = ()  # (barista, fork it waits for), each held by the next
    wait_s: tuple[tuple[int, float], ...] = ()  # (barista, seconds waiting for forks or a seat)
    retries: int = 0  # trylock: forks put back after a failed try
    served: int = 0  # meals served (orders done)
    grace_s: float = GRACE_S  # how long the cycle stood, seen, before the kitchen ended the run

    KEYS = ("fix", "deadlocked", "deadlock_after_s", "cycle", "wait_s", "retries", "served", "locks")
    HEADERS = ("fix", "deadlock", "cycle", "wait s (per barista)", "retries")

    def figures(self, wall_s: float) -> dict:
        return {"fix": self.fix, "deadlocked": self.deadlocked,
                "deadlock_after_s": None if self.deadlock_after_s is None
                else round(self.deadlock_after_s, 3),
                "cycle": [list(c) for c in self.cycle],
                "wait_s": {str(b): round(s, 3) for b, s in self.wait_s},
                "retries": self.retries, "served": self.served, "locks": self.locks}

    @property
    def words(self) -> str:
        """The cycle as the lesson says it ("barista 1 waits for fork 2, held by ...")."""
        return describe(list(self.cycle))

    @property
    def ended_run(self) -> bool:
        return self.deadlocked  # the kitchen ended a deadlocked run: the verdict, not a failure

    @property
    def total_wait_s(self) -> float:
        return sum(s for _, s in self.wait_s)

    @staticmethod
    def cells(f: dict) -> list[str]:
        after = f.get("deadlock_after_s")
        dead = f"yes, after {after:.2f} s" if f.get("deadlocked") and after is not None else "no"
        links = [f"b{b}" for b, _ in f.get("cycle") or []]
        if len(links) > 6:  # a big table: its ends and its length
            links = links[:3] + [f"...({len(links)})"] + links[-1:]
        cycle = " > ".join(links) or "-"
        each = list((f.get("wait_s") or {}).values())
        waits = (" ".join(f"{s:.1f}" for s in each) if len(each) <= 6 else
                 f"{min(each):.1f} to {max(each):.1f} ({len(each)})") or "-"
        return [str(f.get("fix")), dead, cycle, waits, str(f.get("retries", 0))]

    @staticmethod
    def work(rows) -> str:
        r = rows[0].result
        fixes = sorted({str(row.figures.get("fix")) for row in rows if row.figures})
        return (f"{r.orders} meals (orders) at a table of {r.baristas} forks · each: take a "
                f"fork, think, take the next, eat · fix: {', '.join(fixes) or 'none'}")

    @staticmethod
    def notes(rows) -> list[str]:
        notes = []
        if any(row.figures.get("deadlocked") for row in rows):
            notes += ["", "deadlock: found in the wait-for graph (each barista waits for a fork "
                          "held by the next, round the table); the kitchen then ended the run "
                          "(stopped): its wall time is not a speed, and it has no speed-up."]
        if any(row.figures.get("retries") for row in rows):
            notes.append("retries: trylock put its first fork back because the second was taken.")
        return notes
