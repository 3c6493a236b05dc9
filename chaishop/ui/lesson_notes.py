"""What the till and haul recipes say on screen: plain words chosen from measured figures.

    RunSpec + live counts (Event.cups / till / transfer_s) --till_live / haul_live--> lines
    RunResult.lesson (till.TillResult, haul.HaulResult) + earlier results --verdict-->
        why it came out so; what the lock or sharing cost

Pure functions of the figures, so the words can be tested and never claim what was not
measured: a run that lost nothing says 0 and why; a cost is a difference of two runs.
"""

from __future__ import annotations

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import lessons
from chaishop.core.workloads.haul import HaulResult
from chaishop.core.menu import MODE, MOVING_DATA, RECIPE, SHARED_STATE
from chaishop.core.workloads.till import TillResult

GIL_LINE = "The GIL protects the interpreter's own objects, not your data."
FREE_LINE = "Free-threaded builds make that visible: even till.cups += 1 loses there."
WRONG_LOCK_LINE = ("a lock protects data only if everyone who touches the data takes the "
                   "same lock.")
CROSSING_LINE = "What crosses a process boundary is copied: pickled, sent, unpickled."


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "0 %"


def _lock(r: ev.RunResult) -> bool:
    """The run's lock setting, as its lesson recorded it (False without one)."""
    return getattr(r.lesson, "lock", False)


def _share(r: ev.RunResult) -> bool:
    return getattr(r.lesson, "share", False)


def till_live(spec: ev.RunSpec, rung: int, on_till: int, own: bool) -> str:
    if own:
        return f"rung {rung:,} · each on a till of its own · owner's till 0"
    lost = max(0, rung - on_till)
    return f"rung {rung:,} · on the till {on_till:,} · lost ≈ {lost:,} ({pct(lost, rung)})"


def till_why(r: ev.RunResult, gil_enabled: bool, ring: str = "split") -> str:
    """Why this run lost what it lost (or nothing)."""
    t: TillResult = r.lesson
    kind, mode = t.sharing, r.mode
    if kind == lessons.OWN:
        where = MODE[mode].barista
        hint = " Press x to share a multiprocessing.Value." if MODE[mode].shared_memory else ""
        return (f"Nothing shared: each {where} rang on a till of its own, so nothing was lost, "
                f"and the owner's till saw none of it.{hint}")
    if t.wrong_lock:
        return (f"{lessons.lock_name(mode, t.share, True)}: {WRONG_LOCK_LINE} Each barista "
                f"held only its own, so {t.cups_lost:,} cups were still lost.")
    if t.lock:
        return (f"{lessons.lock_name(mode, t.share)} around each update: 0 lost. "
                "The stopwatch shows what it costs.")
    if kind == lessons.VALUE:
        return ("Value.value takes its lock for the read and again for the write, never "
                "around both: two processes interleave." + ("" if t.cups_lost else
                                                             " (0 lost this time: they barely overlapped.)"))
    if MODE[mode].one_barista or r.baristas == 1:
        return "One barista: nobody to race with, so 0 lost."
    if MODE[mode].event_loop:
        if t.cups_lost:
            return ("An await between read and write: the other task rings meanwhile, and one "
                    "write overwrites the other's.")
        return "0 lost: tasks switch only at an await, and there is none between read and write."
    if t.cups_lost:
        if not gil_enabled:
            return "No GIL: both threads read and write at once. " + FREE_LINE
        return (GIL_LINE + " A call between read and write lets another thread in; "
                "its cups are overwritten.")
    if gil_enabled and ring == "plain":
        return ("0 lost, by luck of the build: this Python switches threads only at calls and "
                "loops, never inside += 1. " + FREE_LINE)
    return "0 lost this time: the threads did not interleave inside an update."


def haul_live(spec: ev.RunSpec, transfer: dict[int, float]) -> str:
    if not transfer or not any(transfer.values()):
        return lessons.haul_moves(spec.mode, spec.share)
    each = ", ".join(f"{s:.2f}" for _, s in sorted(transfer.items()))
    return f"moving data so far, per barista: {each} s"


def haul_why(r: ev.RunResult) -> str:
    moved = r.lesson.transfer_s or 0.0
    if MODE[r.mode].in_process:
        return "Nothing crossed: every barista read the same list in this process (0 s moving)."
    if _share(r) and MODE[r.mode].shared_memory:
        return (f"Shared memory, filled once: {moved:.2f} s moving ({pct(moved, r.wall_s)} of "
                "wall). Reading a memoryview makes each item a Python int: slower than a list.")
    return (f"{CROSSING_LINE} {moved:.2f} s of {r.wall_s:.2f} s wall was moving data "
            f"({pct(moved, r.wall_s)}).")


def _same_work(a: ev.RunResult, b: ev.RunResult) -> bool:
    return (a.mode, a.recipe, a.baristas, a.orders, a.size) == \
        (b.mode, b.recipe, b.baristas, b.orders, b.size) and a.complete and b.complete


def compared(r: ev.RunResult, earlier: list[ev.RunResult]) -> str:
    """The lock's (till) or sharing's (haul) cost or saving: this run against the latest
    complete run of the same work with the other setting; '' if there is none yet."""
    if RECIPE[r.recipe].lesson == SHARED_STATE:
        other = next((e for e in reversed(earlier) if _same_work(e, r) and _lock(e) != _lock(r)
                      and _share(e) == _share(r)), None)
        if other is None:
            return "" if r.lesson.sharing == lessons.OWN else \
                f"press l to run it {'without' if _lock(r) else 'with'} the lock and compare"
        locked, free = (r, other) if _lock(r) else (other, r)
        d = locked.wall_s - free.wall_s
        return (f"the lock's cost: {locked.wall_s:.2f} s with, {free.wall_s:.2f} s without "
                f"({d:+.2f} s, {d / free.wall_s:+.0%} for the same cups)" if free.wall_s else "")
    if RECIPE[r.recipe].lesson == MOVING_DATA and not MODE[r.mode].in_process:
        other = next((e for e in reversed(earlier) if _same_work(e, r) and _share(e) != _share(r)),
                     None)
        if other is None:
            return f"press x to run it {'copying' if _share(r) else 'with shared memory'} and compare"
        shared, copied = (r, other) if _share(r) else (other, r)
        return (f"moving data: {copied.lesson.transfer_s or 0:.2f} s copied, "
                f"{shared.lesson.transfer_s or 0:.2f} s "
                f"shared · wall {copied.wall_s:.2f} s vs {shared.wall_s:.2f} s")
    return ""


def lock_cost(r: ev.RunResult, earlier: list[ev.RunResult]) -> float | None:
    """Seconds the lock added: this locked run's wall minus the latest same run without it."""
    if not _lock(r) or RECIPE[r.recipe].lesson != SHARED_STATE:
        return None
    free = next((e for e in reversed(earlier) if _same_work(e, r) and not _lock(e)
                 and _share(e) == _share(r)), None)
    return None if free is None else r.wall_s - free.wall_s


def stopwatch_line(r: ev.RunResult, earlier: list[ev.RunResult]) -> str:
    """One more line (<= 30 characters) for the stopwatch's verdict; '' for other recipes."""
    t = r.lesson
    if isinstance(t, TillResult):
        if t.sharing == lessons.OWN:
            return "a till each · 0 lost"
        if not t.lock or t.wrong_lock:
            return f"{'wrong' if t.lock else 'no'} lock · {pct(t.cups_lost, t.cups_rung)} of cups lost"
        cost = lock_cost(r, earlier)
        return "lock on · 0 lost" if cost is None else f"lock cost {cost:+.2f} s · 0 lost"
    if isinstance(t, HaulResult):
        return f"moving data {t.transfer_s:.2f} s ({pct(t.transfer_s, r.wall_s)})"
    return ""
