"""The kitchen itself faults, on screen: killed (SIGKILL) or hung (SIGSTOP) from outside.

Real app, real supervised kitchen (core.kitchen.supervisor).  A killed kitchen: the
run that was on is shown failed with the reason, the scoreboard and settings
stay, and the next key runs in a fresh kitchen.  A hung one: within ~2 s the
header says the kitchen is not responding; esc then ends it and starts another.
"""

from __future__ import annotations

import gc
import multiprocessing.resource_tracker
import os
import signal
import time

import pytest

from chaishop.core.kitchen.supervisor import SILENT_AFTER_S, Supervisor
from chaishop.ui.app import ShopApp, ShopConfig
from testkit import until

SIZE = (160, 45)
ORDER_SIZE = 400_000


@pytest.fixture
def supervisor():
    multiprocessing.resource_tracker.ensure_running()
    sup = Supervisor(size=ORDER_SIZE).start()
    try:
        yield sup
    finally:
        sup.close()


def app_for(sup, **kw) -> ShopApp:
    return ShopApp(ShopConfig(size=ORDER_SIZE, autostart=False, **kw), sup)


def header(app) -> str:
    return str(app.header.render())


async def a_complete_run(pilot, key: str, mode: str):
    app = pilot.app
    before = len(app.results)
    await pilot.press(key)
    await until(pilot, lambda: len(app.results) > before, timeout=60)
    result = app.results[-1]
    assert result.complete and result.mode == mode
    return result


@pytest.mark.slow
async def test_a_killed_kitchen_fails_its_run_and_the_next_key_works(supervisor):
    app = app_for(supervisor, mode="threads", recipe="orders", order_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None, timeout=30)
        first = await a_complete_run(pilot, "t", "threads")
        app.config.order_s = 8.0  # long waiting orders: the kill lands mid-run
        await pilot.press("a")
        await until(pilot, lambda: app.run_state.running and app.panes[0].state == "working")
        os.kill(supervisor.kitchen.pid, signal.SIGKILL)
        reason = "kitchen crashed: killed by SIGKILL"
        await until(pilot, lambda: not app.run_state.running and app.run_state.lost_reason == reason)
        panes = app.panes[:app.pane_count]
        assert all(p.state == "failed" and reason in p.detail for p in panes)
        assert f"run failed: {reason}" in str(app.stopwatch.caption.render())
        assert app.scoreboard.results == [first]  # the scoreboard survives
        app.config.order_s = 0.05
        await until(pilot, lambda: app.ready is not None, timeout=30)
        result = await a_complete_run(pilot, "p", "processes")
        assert result.baristas == first.baristas and result.size == first.size
        assert app.scoreboard.results == [first, result]


@pytest.mark.alone
@pytest.mark.slow
async def test_a_hung_kitchen_is_named_in_the_header_and_esc_replaces_it(supervisor):
    app = app_for(supervisor, mode="threads", recipe="orders", order_s=8.0)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None, timeout=30)
        await pilot.press("t")
        await until(pilot, lambda: app.run_state.running and app.panes[0].state == "working")
        pid = supervisor.kitchen.pid
        os.kill(pid, signal.SIGSTOP)
        t0 = time.monotonic()
        await until(pilot, lambda: "kitchen not responding" in header(app), timeout=10)
        assert time.monotonic() - t0 < SILENT_AFTER_S + 1.5  # the UI notices at 10 Hz
        await pilot.pause(1.5)  # a few seconds of silence in all
        await pilot.press("escape")
        await until(pilot, lambda: not app.run_state.running and app.run_state.lost_reason is not None)
        assert "not responding" in app.run_state.lost_reason
        assert supervisor.kitchen.pid != pid
        await until(pilot, lambda: "not responding" not in header(app), timeout=10)
        app.config.order_s = 0.05
        await until(pilot, lambda: app.ready is not None, timeout=30)
        await a_complete_run(pilot, "space", "threads")


async def test_the_shop_starts_its_kitchen_once_drawn_and_an_early_key_still_runs():
    multiprocessing.resource_tracker.ensure_running()
    sup = Supervisor(size=ORDER_SIZE)  # not started: as `chaishop` hands it over
    seen_at_start = []

    def start():
        seen_at_start.append("Stopwatch" in app.screen.query_one("#stopwatch").border_title
                             if app.screen.query("#stopwatch") else False)
        seen_at_start.append("warming up" in header(app))  # what the first frame says
        return sup.start()

    app = ShopApp(ShopConfig(size=ORDER_SIZE, autostart=False), sup, start_kitchen=start)
    gc.unfreeze()  # what conftest froze for this test: only the app's doing is watched
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: seen_at_start)
            # Called once, after the shop was composed and refreshed, saying "warming up".
            assert seen_at_start == [True, True]
            await until(pilot, lambda: gc.get_freeze_count() > 10_000)  # then the start-up
            # objects are frozen (ui/pace.py)
            await pilot.press("t")  # before the kitchen is ready: it runs once it is
            await until(pilot, lambda: app.results, timeout=60)
            assert app.results[-1].complete and app.results[-1].mode == "threads"
    finally:
        sup.close()


async def test_a_kitchen_that_cannot_start_ends_the_shop_with_one_line():
    def start():
        raise OSError(11, "Resource temporarily unavailable")

    app = ShopApp(ShopConfig(size=ORDER_SIZE, autostart=False), Supervisor(size=ORDER_SIZE),
                  start_kitchen=start)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running, timeout=5)
    assert app.return_code == 1
    assert app.exit_message == "the kitchen could not start: [Errno 11] Resource temporarily unavailable"
