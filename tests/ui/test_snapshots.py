"""SVG snapshots of the shop, from a scripted kitchen with fixed numbers.

Update the baselines with ``pytest tests/ui --snapshot-update`` and look at them.
"""

from __future__ import annotations

from scripted import scripted_app, scripted_runs

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


def test_till_lost_then_locked(snap_compare):
    """Threads lose cups on the shared till; l puts a lock around each update: 0 lost,
    and the stopwatch says what the lock cost."""
    async def before(pilot):
        await scripted_runs(pilot, "trl", "threads")
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)


def test_haul_copied_then_shared(snap_compare):
    """Processes spend most of a haul moving data (▒ on the timeline); x shares memory."""
    async def before(pilot):
        await scripted_runs(pilot, "phx", "processes")
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)


def test_forks_deadlock_cycle(snap_compare):
    """Five threads at the table, each holding its left fork: the cycle the wait-for graph
    found, drawn in words, and how the kitchen ended the run."""
    async def before(pilot):
        await scripted_runs(pilot, "f", None)  # a deadlock: the cores sit idle
    assert snap_compare(scripted_app(baristas=5), terminal_size=SIZE, run_before=before)


def test_preset_120x36_processes(snap_compare):
    """The projector preset: baseline, threads and processes side by side on the scoreboard."""
    async def before(pilot):
        await scripted_runs(pilot, "stp", "processes")
    assert snap_compare(scripted_app(), terminal_size=(120, 36), run_before=before)


def test_preset_120x36_till(snap_compare):
    """A lesson panel at 120x36: the scoreboard keeps its rows, the gauges give way (said)."""
    async def before(pilot):
        await scripted_runs(pilot, "str", "threads")
    assert snap_compare(scripted_app(), terminal_size=(120, 36), run_before=before)
