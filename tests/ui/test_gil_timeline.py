"""The GIL gauge, the timeline and the interpreters key, through the real app.

Scripted kitchen: the gauge shows a reading and the timeline renders after a run.
Real kitchen: a threads brew run sends GIL readings with more contention than a
processes run (loosely: the two are far apart, ~1.0 vs ~0.02, measured).
"""

from __future__ import annotations

import multiprocessing.resource_tracker
import statistics
import time

import pytest

from chaishop.core.protocol import events as ev
from chaishop.core import machine
from chaishop.core.crews import interpreters_available
from chaishop.core.protocol.gauges import GilReading
from chaishop.core.kitchen.client import Kitchen
from scripted import scripted_app, scripted_runs
from testkit import until

SIZE = (160, 45)


async def test_gauge_and_timeline_after_a_scripted_run():
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.gil.reading is None
        assert not app.timeline.display or app.timeline.has_class("-empty")
        await scripted_runs(pilot, "t", "threads")
        await until(pilot, lambda: app.gil.reading is not None and not app.run_state.running)
        assert app.gil.last_run is not None and app.gil.last_run.contention > 0.5
        text = app.gil.render().plain
        assert "contention" in text and "ms" in text and "GIL" in text
        assert app.timeline.timeline is not None and set(app.timeline.timeline.lanes) == {1, 2}
        assert not app.timeline.has_class("-empty") and app.timeline.region.height > 0
        rendered = app.timeline.render().plain
        assert "B1" in rendered and "B2" in rendered and "share of a core" in rendered
        # Two GIL-bound threads: each lane is drawn at about half a core, and says so.
        lanes = [line for line in rendered.splitlines() if line.startswith("B")]
        assert all(line.count("▄") > 20 and "█" not in line for line in lanes), lanes
        assert all(line.rstrip().endswith(("0.47", "0.48", "0.49")) for line in lanes), lanes
        assert app.timeline.timeline.busy_s(1, "brewing") > 0


async def test_the_timeline_names_what_the_recipe_waits_for_not_always_io():
    """Off a core, a lock wait or a sleep looks like I/O to the CPU clocks: the legend
    for ░ says what the recipe's baristas wait for (core.menu's Recipe.waits)."""
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        for key, word, wrong in (("o", "░ I/O", "░ fork"), ("f", "░ fork/sleep", "░ I/O"),
                                 ("r", "░ lock", "░ I/O")):
            before = len(app.results)
            await pilot.press(key)
            await until(pilot, lambda: len(app.results) > before and app.timeline.timeline)
            legend = app.timeline.render().plain.splitlines()[-1]
            assert word in legend and wrong not in legend, (key, legend)


async def test_a_small_terminal_keeps_the_scoreboard_over_timeline_and_gauge():
    app = scripted_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scripted_runs(pilot, "t", "threads")
        assert app.screen.has_class("-short")
        assert app.timeline.region.height == 0 and app.gil.region.height == 0
        # Room for the headings, the run's row and its bar.
        assert app.scoreboard.region.height >= 6
    big = scripted_app()
    async with big.run_test(size=(160, 45)) as pilot:
        await scripted_runs(pilot, "t", "threads")
        assert big.timeline.region.height > 0 and big.gil.region.height > 0


def _readings(kitchen: Kitchen, spec: ev.RunSpec, timeout: float = 180.0) -> list[GilReading]:
    kitchen.run(spec)
    got, finished, deadline = [], False, time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in kitchen.poll():
            if isinstance(m, GilReading) and m.run == spec.run:
                got.append(m)
                if finished:  # the idle reading after the run
                    return got
            elif isinstance(m, ev.RunFinished):
                finished = True
        time.sleep(0.02)
    raise AssertionError(f"no idle GIL reading after run {spec.run}: {got}")


@pytest.mark.alone
def test_threads_contend_for_the_gil_processes_do_not():
    size = 12_000_000  # ~0.25 s per order here: a run long enough for a few readings
    multiprocessing.resource_tracker.ensure_running()
    with Kitchen(size=size) as k:
        k.wait_ready()
        threads = _readings(k, ev.RunSpec("threads", "brew", 2, 6, size, 0.05, run=1))
        processes = _readings(k, ev.RunSpec("processes", "brew", 2, 6, size, 0.05, run=2))
    brewing_threads = [r.contention for r in threads[:-1]]
    brewing_processes = [r.contention for r in processes[:-1]] or [processes[-1].contention]
    assert brewing_threads, f"no reading while threads brewed: {threads}"
    split = all(r.split for r in threads + processes)
    # What each build should show, however busy the machine: the gauge counts only the
    # part of the probe's lateness that was not spent waiting for a core (Linux), so
    # other programs cannot make processes look contended, nor hide the threads' queue.
    if machine.gil_enabled():
        # GIL on: two brewing threads make the probe wait for the GIL most of the time.
        assert max(brewing_threads) >= 0.5, (threads, processes)
        if split:  # processes never hold this interpreter's GIL
            assert statistics.median(brewing_processes) < 0.3, processes
        else:  # lateness includes waiting for a core: only the ordering is sure
            assert max(brewing_threads) > statistics.median(brewing_processes), (threads, processes)
    elif split:
        # GIL off (3.13t/3.14t): no GIL to wait for; what is left is the OS scheduler's.
        assert statistics.median(brewing_threads) < 0.3, threads


@pytest.mark.skipif(interpreters_available()[0], reason="interpreters are available here")
async def test_i_says_why_interpreters_are_unavailable():
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        why = interpreters_available()[1]
        assert any(why in n.message for n in app._notifications)
        assert app.mode != "interpreters" and not app.kitchen.runs
