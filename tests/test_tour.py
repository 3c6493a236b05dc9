"""The tour's words follow the interpreter and the cores it runs on, and its outcomes are measured.

Plain functions of a machine and run results: no app, no kitchen (tests/test_demo.py plays
the tour for real).
"""

from __future__ import annotations

from dataclasses import replace

from chaishop.core.machine import Machine
from chaishop.tour import TOUR, caption_for, finale, measured
from testkit import FakeClock, result

GIL_ON = Machine(2, 2, "3.14.7", "CPython", True, False, "Linux x86_64")
GIL_OFF = replace(GIL_ON, gil_enabled=False, free_threaded_build=True)
ONE_CORE = replace(GIL_ON, cores=1, physical_cores=1)
THREADS_BREW = next(s for s in TOUR if (s.mode, s.recipe) == ("threads", "brew"))
PROCESSES_BREW = next(s for s in TOUR if (s.mode, s.recipe) == ("processes", "brew"))


def test_threads_brewing_is_expected_to_take_turns_only_under_a_gil():
    with_gil, without = caption_for(THREADS_BREW, GIL_ON), caption_for(THREADS_BREW, GIL_OFF)
    assert "GIL" in with_gil and "one core" in with_gil and "no gain" in with_gil
    assert "without a GIL" in without and "two cores" in without
    assert "no gain" not in without and "one thread runs Python at a time" not in without
    for step in TOUR:  # GIL off: no caption says threads take turns at brewing
        assert "one thread runs Python at a time" not in caption_for(step, GIL_OFF)


def test_one_core_says_nothing_brews_in_parallel():
    for step in (THREADS_BREW, PROCESSES_BREW):
        assert caption_for(step, ONE_CORE).startswith("This machine gives chaishop one core")
    assert "one core" not in caption_for(PROCESSES_BREW, GIL_ON)


def test_no_caption_states_an_outcome_before_the_run():
    for step in TOUR:
        for m in (GIL_ON, GIL_OFF):
            text = caption_for(step, m)
            assert "No faster" not in text and "roughly halves" not in text


def test_after_the_run_the_caption_gives_what_was_measured():
    text = measured(THREADS_BREW, GIL_OFF, result("threads", "brew", 2.0, 3.9), 1.87)
    assert text.startswith(caption_for(THREADS_BREW, GIL_OFF))
    assert "Measured: 1.87x the sequential speed, 1.95 cores busy" in text
    cut_short = result("threads", "brew", 2.0, 2.0, orders_done=2, cancelled=True)
    unfinished = measured(THREADS_BREW, GIL_ON, cut_short, None)
    assert "did not complete" in unfinished


def test_finale_names_the_fastest_crew_per_recipe_as_measured():
    runs = [result("sequential", "brew", 4.0, 4.0), result("threads", "brew", 2.1, 4.0),
            result("processes", "brew", 2.3, 4.0), result("sequential", "orders", 4.0, 0.0),
            result("threads", "orders", 1.0, 0.0), result("asyncio", "orders", 1.05, 0.0)]
    ups = [1.0, 4.0 / 2.1, 4.0 / 2.3, 1.0, 4.0, 4.0 / 1.05]
    text = finale(runs, ups)
    assert "on brew, threads (1.90x)" in text and "on orders, threads (4.00x)" in text
    assert "Processes win" not in text
    assert finale([], []).endswith("No run finished to compare.")
    # A machine too busy (or orders too short) for any crew to beat sequential says so.
    slow = finale(runs[:3], [1.0, 0.36, 0.33])
    assert "On brew, no crew beat sequential (best: threads, 0.36x)." in slow
    assert "Fastest here on brew, threads" not in slow


# -- pacing: a caption stays readable whatever --speed (an injected clock, no waiting) ----------

def test_at_speed_4_each_caption_stays_3_s_by_default():
    from chaishop.tour import CAPTION_MIN_ENV, CAPTION_MIN_S, Pacing, caption_min_s

    assert caption_min_s({}) == CAPTION_MIN_S == 3.0  # the real default, without the test knob
    assert caption_min_s({CAPTION_MIN_ENV: "0.5"}) == 0.5
    assert caption_min_s({CAPTION_MIN_ENV: "soon"}) == 3.0  # a bad value: the default
    clock = FakeClock(100.0)
    pacing = Pacing(4.0, caption_min_s({}), clock)
    pacing.shown()
    assert pacing.hold_s() == 3.0  # not PAUSE_S / 4 = 0.75 s
    clock.now += 2.0
    assert pacing.hold_s() == 1.0  # the rest of the 3 s since it was shown
    clock.now += 5.0
    assert pacing.hold_s() == 0.0
    for speed in (1.0, 20.0, 100.0):  # whatever the speed
        p = Pacing(speed, 3.0, clock)
        p.shown()
        assert p.hold_s() >= 3.0
    slow = Pacing(0.5, 3.0, clock)  # slower than 1: the pause is longer than the minimum
    slow.shown()
    assert slow.hold_s() == 6.0
    assert Pacing(4.0, 3.0).finale_s == 15.0  # what the finale says on screen


def test_the_app_takes_the_real_minimum_unless_the_test_knob_is_set(monkeypatch):
    from chaishop.tour import CAPTION_MIN_ENV, CAPTION_MIN_S
    from chaishop.ui.config import ShopConfig

    monkeypatch.delenv(CAPTION_MIN_ENV, raising=False)
    assert ShopConfig().caption_min_s == CAPTION_MIN_S
    monkeypatch.setenv(CAPTION_MIN_ENV, "0")
    assert ShopConfig().caption_min_s == 0.0


def test_captions_say_what_to_watch_not_what_the_run_will_give():
    for step in TOUR:
        for m in (GIL_ON, GIL_OFF):
            text = caption_for(step, m)
            assert "towards half" not in text and "Expect both cores" not in text, text


def test_a_speedup_the_cores_cannot_give_is_marked_in_the_captions_too():
    # Seen in a demo on a busy 2-core VM: "Fastest here on brew, processes (3.25x)", plain.
    runs = [result("sequential", "brew", 2.31, 1.12), result("processes", "brew", 0.71, 1.15),
            result("sequential", "orders", 1.0, 0.03), result("asyncio", "orders", 0.25, 0.01,
                                                               baristas=4)]
    ups = [1.0, 2.31 / 0.71, 1.0, 4.0]
    text = finale(runs, ups, cores=2)
    assert "processes (3.25x!)" in text and "sequential run was slowed" in text
    assert "asyncio (4.00x)" in text  # a crew of 4 waiting: possible on 2 cores
    assert "!" not in finale(runs[2:], ups[2:], cores=2)
    step = PROCESSES_BREW
    said = measured(step, GIL_ON, runs[1], ups[1])
    assert "3.25x! (more than 2 cores can give" in said
    assert "!" not in measured(step, GIL_ON, result("processes", "brew", 1.2, 2.3), 1.93)
