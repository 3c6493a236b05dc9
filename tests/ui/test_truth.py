"""The whole truth on screen, through the real app with Pilot.

Real kitchen (tiny orders): one key gives a measured speed-up (the baseline is
timed unasked and says so); the timeline is drawn live and names the run's
mode; a new run clears the last run's verdict; grind runs; asyncio panes show
CPU.  Scripted kitchen: a noisy run is flagged on the stopwatch and the
scoreboard.  Nothing here depends on how busy the machine is: shares and
speed-ups are checked in tests/test_shares.py and by ``chaishop bench``.
"""

from __future__ import annotations

import multiprocessing.resource_tracker

import pytest

from chaishop.core.kitchen.client import Kitchen
from chaishop.core.measure.lanes import HAVE_SCHEDSTAT
import scripted
from scripted import scripted_app, scripted_runs
from testkit import TINY_WAIT_S, make_app, until
from chaishop.ui.timeline_view import METHOD_EVENTS, METHOD_SAMPLER

SIZE = (160, 45)
ORDER_S = TINY_WAIT_S  # the kitchen's calibration target (tiny grind orders) = make_app's wait
BREW_SIZE = 300_000


@pytest.fixture
def small_kitchen():
    multiprocessing.resource_tracker.ensure_running()
    k = Kitchen(order_s=ORDER_S, size=BREW_SIZE).start()
    try:
        k.wait_ready(120)
        yield k
    finally:
        k.close()


async def test_one_key_gives_a_measured_speedup_after_a_baseline_it_names(small_kitchen):
    app = make_app(small_kitchen, mode="threads", auto_baseline=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None, timeout=60)
        await pilot.press("p")
        await until(pilot, lambda: len(app.results) >= 2, timeout=120)
        base, run = app.results
        assert (base.mode, base.baseline, base.complete) == ("sequential", True, True)
        assert (run.mode, run.baseline) == ("processes", False)
        assert (base.recipe, base.orders, base.size) == (run.recipe, run.orders, run.size)
        board = _text(app.scoreboard.render(), 70)
        assert "baseline" in board and "×" in board.split("processes", 1)[1]
        # The baseline is not run twice: the next run of the same work compares at once.
        await pilot.press("t")
        await until(pilot, lambda: len(app.results) >= 3, timeout=120)
        assert app.results[-1].mode == "threads" and len(app.results) == 3


async def test_timeline_is_live_names_the_mode_and_the_method(small_kitchen):
    app = make_app(small_kitchen, mode="sequential", size=20_000_000)  # ~0.5-1 s a order
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None, timeout=60)
        await pilot.press("t")
        await until(pilot, lambda: app.run_state.running, timeout=60)
        await until(pilot, lambda: app.timeline.timeline is not None and app.timeline.live
                    and any(app.timeline.timeline.lanes), timeout=60)
        assert "threads" in str(app.timeline.border_title)
        assert str(app.timeline.border_subtitle).startswith("live · by ")
        await pilot.press("escape")
        await until(pilot, lambda: not app.run_state.running, timeout=60)
        assert not app.timeline.live
        assert app.timeline.method == (METHOD_SAMPLER if HAVE_SCHEDSTAT else METHOD_EVENTS)
        # How it was measured is on the timeline's border (a row less for the scoreboard).
        assert app.timeline.border_subtitle == f"by {app.timeline.method}"


async def test_a_new_run_clears_the_last_verdict_and_grind_runs(small_kitchen):
    app = make_app(small_kitchen, mode="threads")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None, timeout=60)
        await pilot.press("s")
        await until(pilot, lambda: len(app.results) == 1, timeout=60)
        assert "complete" in str(app.stopwatch.stats.render())
        await pilot.press("g")
        await until(pilot, lambda: app.run_state.running or len(app.results) == 2, timeout=60)
        if app.run_state.running:  # the figures of the last run are gone while this one brews
            assert "complete" not in str(app.stopwatch.stats.render())
        await until(pilot, lambda: len(app.results) == 2, timeout=120)
        r = app.results[-1]
        assert (r.recipe, r.mode, r.complete) == ("grind", "sequential", True)
        assert r.size == small_kitchen.ready.grind_size > 0


async def test_asyncio_panes_show_their_cpu(small_kitchen):
    app = make_app(small_kitchen, mode="sequential")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None, timeout=60)
        await pilot.press("a")
        await until(pilot, lambda: len(app.results) == 1, timeout=60)
        for pane in app.panes[:app.pane_count]:
            assert pane.cpu_s is not None and "cpu" in str(pane.status.render())
        per = app.results[-1].per_barista
        assert all(s.cpu_s is not None and s.gil_wait_s is None for s in per)


async def test_noisy_runs_are_flagged_on_the_stopwatch_and_the_scoreboard(monkeypatch):
    monkeypatch.setitem(scripted.OTHERS, 1, 0.8)  # run 1: others took 0.8 cores
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        await scripted_runs(pilot, "sp", None)
        r = app.results[0]
        assert r.noisy and r.other_cpu_cores == 0.8 and not app.results[1].noisy
        assert str(app.stopwatch.noise.render()) == "quiet: other programs used 0.04 cores (< 0.25)"
        board = _text(app.scoreboard.render(), 64)
        assert "sequential*" in board and "#1 noisy: other programs used 0.80 cores" in board


def _text(renderable, width: int) -> str:
    from rich.console import Console

    console = Console(width=width, record=True)
    console.print(renderable)
    return console.export_text()
