"""Faults on screen: a barista that fails is shown failed with its reason, the others
finish, the stopwatch says the run is incomplete, and the next run works.

Real kitchen, real baristas: an order that raises, a barista process killed
from outside with SIGKILL, and an order that runs past its timeout.
"""

from __future__ import annotations

import os
import signal

import pytest

from chaishop.core.workloads.recipes import SPILL
from testkit import make_app, until

SIZE = (160, 45)
KITCHEN_SIZE = 4_000_000  # the kitchen fixture's order size (tests/conftest.py)


async def finish(pilot, start) -> object:
    app = pilot.app
    before = len(app.results)
    started = start()
    if started is not None:  # pilot.press is a coroutine; app.start_run is not
        await started
    await until(pilot, lambda: len(app.results) > before, timeout=60)
    return app.results[-1]


def assert_one_failed(app, result, reason: str) -> None:
    panes = app.panes[:app.pane_count]
    failed = [p for p in panes if p.state == "failed"]
    assert len(failed) == 1 and reason in failed[0].detail
    assert failed[0].has_class("-failed")
    assert any(reason in line for line in failed[0].log_view.lines)
    assert all(p.state == "done" for p in panes if p is not failed[0])  # the others finished
    assert result.failed == 1 and not result.complete
    assert "incomplete" in str(app.stopwatch.stats.render())
    assert app.scoreboard.results[-1] is result


async def next_run_works(pilot) -> None:
    result = await finish(pilot, lambda: pilot.press("t"))
    assert result.complete and result.mode == "threads"
    assert "incomplete" not in str(pilot.app.stopwatch.stats.render())


@pytest.mark.parametrize("mode", ["threads", "processes", "asyncio"])
async def test_an_order_that_raises(kitchen, mode):
    app = make_app(kitchen, mode=mode, recipe=SPILL)
    async with app.run_test(size=SIZE) as pilot:
        result = await finish(pilot, app.start_run)
        assert_one_failed(app, result, "Spilled")
        assert result.orders_done == result.orders - 1
        app.recipe = "brew"
        await next_run_works(pilot)


async def test_a_barista_process_killed_from_outside(kitchen):
    app = make_app(kitchen, mode="processes", orders=3)  # the one killed, and two for the other
    app.config.size = 40_000_000
    async with app.run_test(size=SIZE) as pilot:
        before = len(app.results)
        app.start_run()
        await until(pilot, lambda: app.panes[0].state == "working" and "pid" in str(app.panes[0].border_title))
        pid = int(str(app.panes[0].border_title).rsplit("pid ", 1)[1].split()[0])
        os.kill(pid, signal.SIGKILL)
        await until(pilot, lambda: len(app.results) > before, timeout=60)
        assert_one_failed(app, app.results[-1], "killed by SIGKILL")
        app.config.size = 4_000_000
        await next_run_works(pilot)


async def test_an_order_past_its_timeout(kitchen):
    app = make_app(kitchen, mode="threads", order_timeout=0.3, orders=3)
    app.config.size = 400_000_000  # far longer than 0.3 s
    async with app.run_test(size=SIZE) as pilot:
        result = await finish(pilot, app.start_run)
        failed = [p for p in app.panes[:app.pane_count] if p.state == "failed"]
        assert failed and all("longer than 0.3 s" in p.detail for p in failed)
        assert not result.complete and "incomplete" in str(app.stopwatch.stats.render())
        app.config.size, app.config.order_timeout = 4_000_000, None
        await next_run_works(pilot)
