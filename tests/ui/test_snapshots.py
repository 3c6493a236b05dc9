"""SVG snapshots of the shop, from a scripted kitchen with fixed numbers.

Update the baselines with ``pytest tests/ui --snapshot-update`` and look at them.
"""

from __future__ import annotations

from chaishop.ui.scripted import scripted_app, scripted_runs

SIZE = (160, 45)


def test_idle_shop(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "", None)
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)


def test_finished_threads_run(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "st", "threads")
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)


def test_finished_processes_run(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "stp", "processes")
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)


def test_explain_screen(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "", None)
        await pilot.press("question_mark")
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)


def test_small_terminal(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "stp", "processes")
    assert snap_compare(scripted_app(), terminal_size=(80, 24), run_before=before)
