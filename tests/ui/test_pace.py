"""Between runs the shop wakes rarely (idle CPU, issue 21); a run brings full pace at once,
and nothing the kitchen says between runs is lost.  A run's end sweeps the garbage and
freezes what lives on (keys stay quick in the next run); the app leaves nothing frozen."""

from __future__ import annotations

import gc

import pytest

from chaishop.ui import pace
from scripted import scripted_app
from testkit import until


@pytest.fixture
def quick_quiet(monkeypatch):
    monkeypatch.setattr(pace, "QUIET_S", 0.3)  # the slow pace after 0.3 s of quiet, not 1.5 s


def count_drains(app) -> list[int]:
    calls = [0]
    drain = app._drain

    def counted() -> bool:
        calls[0] += 1
        return drain()

    app._drain = counted
    return calls


@pytest.mark.alone
async def test_between_runs_the_drain_slows_and_a_run_brings_full_pace(quick_quiet):
    app = scripted_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: app.results)
        await until(pilot, lambda: not app.pace.fast, timeout=5)
        calls = count_drains(app)
        await pilot.pause(1.2)
        # 2 Hz between runs (10 Hz in a run): at most three drains in 1.2 s.
        assert 1 <= calls[0] <= 3, calls
        before = len(app.results)
        await pilot.press("space")
        assert app.pace.fast  # at once, not at the next slow tick
        await until(pilot, lambda: len(app.results) > before)


async def test_the_kitchen_is_still_heard_at_the_slow_pace(quick_quiet):
    app = scripted_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await until(pilot, lambda: not app.pace.fast, timeout=5)
        await pilot.press("k")  # nothing runs: the kitchen answers with a note
        await until(pilot, lambda: any("nothing to knock out" in str(n.message)
                                       for n in app._notifications), timeout=3)
        assert app.pace.fast  # it spoke: full pace until it is quiet again
        await until(pilot, lambda: not app.pace.fast, timeout=5)


async def test_a_run_ends_with_a_sweep_and_the_app_leaves_nothing_frozen(monkeypatch):
    monkeypatch.setattr(pace, "SWEEP_EVERY_S", 0.0)  # every run's end sweeps, however young
    gc.unfreeze()  # what conftest froze for this test: only the app's doing is watched
    app = scripted_app()
    async with app.run_test(size=(160, 45)) as pilot:
        assert gc.get_freeze_count() == 0
        await pilot.press("o")
        await until(pilot, lambda: app.results)
        # Once the run's last frame is drawn: what lives on is frozen (the shop's modules
        # and widgets), so a full collection in the next run walks only what it makes.
        await until(pilot, lambda: gc.get_freeze_count() > 10_000)
        first = app.pace.swept
        await pilot.press("space")
        await until(pilot, lambda: len(app.results) == 2)
        await until(pilot, lambda: app.pace.swept > first)  # each run's end
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0  # the app's end hands everything back


async def test_runs_soon_after_the_start_or_a_sweep_are_not_swept_each():
    gc.unfreeze()  # what conftest froze for this test: only the app's doing is watched
    app = scripted_app()  # SWEEP_EVERY_S (10 s) apart at most: a series costs one sweep
    async with app.run_test(size=(160, 45)) as pilot:
        for n, key in enumerate("oa", 1):
            await pilot.press(key)
            await until(pilot, lambda: len(app.results) == n)
        await pilot.pause(0.2)
        assert gc.get_freeze_count() == 0
