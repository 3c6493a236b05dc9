"""Drawing less while a CPU-bound run fills the cores (issue 25, point 2): when it applies,
what it skips, and that the shop is back to full pace (and priority) after the run."""

from __future__ import annotations

import os

from chaishop.ui.calm import EVERY, Calm, can_restore
from scripted import scripted_app
from test_words import live_app
from testkit import until


def test_calm_only_when_a_cpu_bound_crew_fills_every_core():
    calm = Calm(nice=False)
    for mode, recipe, crew, cores, on in [
            ("processes", "brew", 2, 2, True), ("threads", "grind", 4, 2, True),
            ("processes", "brew", 2, 4, False),  # a free core: the screen takes nothing from them
            ("sequential", "brew", 4, 2, False),  # one barista, whatever the crew
            ("threads", "orders", 4, 2, False)]:  # waiting: the cores are free
        calm.start(mode, recipe, crew, cores)
        assert calm.on is on, (mode, recipe, crew, cores)
    assert not Calm(enabled=False, nice=False).skip("tick")
    off = Calm(enabled=False, nice=False)
    off.start("processes", "brew", 2, 2)
    assert not off.on


def test_calm_does_one_call_in_every_n_and_stops_clean():
    calm = Calm(nice=False)
    calm.start("processes", "brew", 2, 2)
    done = [not calm.skip("tick") for _ in range(3 * EVERY["tick"])]
    assert done.count(True) == 3 and done[0]  # the first call does its work
    calm.stop()
    assert not calm.on and not calm.skip("tick") and not calm.niced


def test_nice_is_raised_only_where_it_can_be_set_back():
    base = os.getpriority(os.PRIO_PROCESS, 0)
    calm = Calm(nice=True)
    calm.start("processes", "brew", 2, 2)
    try:
        assert calm.niced == can_restore(base)
        if calm.niced:
            assert os.getpriority(os.PRIO_PROCESS, 0) > base
    finally:
        calm.stop()
    assert os.getpriority(os.PRIO_PROCESS, 0) == base


async def test_the_shop_draws_less_during_a_processes_brew_and_full_pace_after():
    app = live_app()  # its runs stay on until escape
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p")
        await until(pilot, lambda: app.run_state.running)
        assert app.calm.on and not app.calm.niced  # tests never renice themselves
        await pilot.press("escape")
        app.kitchen.outbox.extend(app.kitchen.last_verdict())
        await until(pilot, lambda: not app.run_state.running, timeout=5)
        await until(pilot, lambda: not app.calm.on, timeout=2)
    app = scripted_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")  # waiting orders: full pace
        await until(pilot, lambda: app.results)
        assert not app.calm.on
