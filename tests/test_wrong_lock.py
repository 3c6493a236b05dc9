"""The wrong lock on the till (--lock wrong): each barista holds a real lock of its own around
its updates, and cups are still lost, because nobody else ever takes that lock."""

from __future__ import annotations

import sys

from chaishop.cli.parser import build_parser, shop_argv
from chaishop.core.engine.shop import run
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import till
from chaishop.core.workloads.recipes import TILL
from chaishop.ui.lesson_notes import stopwatch_line, till_why


def wrong_lock_run(mode: str, cups: int) -> ev.RunResult:
    result = run(ev.RunSpec(mode, TILL, 2, 2, cups, 0.0, lock=True, wrong_lock=True))
    assert result.complete
    t = result.lesson
    assert t.lock and t.wrong_lock and t.cups_rung == 2 * cups
    return result


def test_threads_with_a_lock_each_still_lose_cups_and_the_panel_says_why():
    # Sized by time as the unlocked test is (tests/test_lessons.py): 0.15 s of unlocked ringing,
    # which a lock per cup makes ~0.5 s each here: some 100 switch intervals per thread.
    r = wrong_lock_run("threads", max(150_000, till.calibrate(0.15, aio=False)))
    t = r.lesson
    if getattr(sys, "_is_gil_enabled", lambda: True)():  # (free-threaded: see test_lessons)
        assert t.cups_lost > 0, f"{t.cups_rung:,} cups rung under a lock each, none lost"
    why = till_why(r, gil_enabled=True)
    assert why.startswith("a threading.Lock each (wrong): a lock protects data only if "
                          "everyone who touches the data takes the same lock.")
    assert stopwatch_line(r, []).startswith("wrong lock · ")
    assert t.figures(r.wall_s)["wrong_lock"] is True


def test_asyncio_tasks_with_a_lock_each_lose_at_the_await():
    t = wrong_lock_run("asyncio", 3_000).lesson  # each task's own asyncio.Lock is always free
    assert t.cups_lost > 0


def test_lock_keeps_working_alone_and_takes_wrong():
    p = build_parser()
    assert p.parse_args(["--lock"]).lock == "right"
    assert p.parse_args(["--lock", "wrong"]).lock == "wrong"
    assert p.parse_args([]).lock is None
    args = p.parse_args(["--recipe", "till", "--lock", "wrong"])
    assert shop_argv(args, p) == ["--recipe", "till", "--lock", "wrong"]  # a child shop gets it
