"""Every key, driven through the real app with Pilot.

Runs use the REAL kitchen (a separate process) with tiny orders, so what is
checked is the whole path: key -> kitchen -> events -> panes, stopwatch, scoreboard.
"""

from __future__ import annotations

import multiprocessing.resource_tracker

import pytest

from chaishop.core.kitchen.client import Kitchen
from chaishop.ui.app import ShopApp, ShopConfig
from chaishop.ui.explain import ExplainScreen
from testkit import TINY_WAIT_S, make_app, until

KITCHEN_SIZE = 200_000  # about 10 ms of brewing per order (the kitchen fixture)
SIZE = (160, 45)


async def run_key(pilot, key: str):
    app = pilot.app
    before = len(app.results)
    await pilot.press(key)
    await until(pilot, lambda: len(app.results) > before)
    return app.results[-1]


@pytest.mark.parametrize("key,mode", [("s", "sequential"), ("t", "threads"),
                                      ("p", "processes"), ("a", "asyncio")])
async def test_mode_key_runs_that_mode(kitchen, key, mode):
    app = make_app(kitchen)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        r = await run_key(pilot, key)
        assert (r.mode, r.recipe, r.complete) == (mode, "brew", True)
        assert r.orders == 4 and r.orders_done == 4
        panes = app.panes[:app.pane_count]
        assert app.pane_count == (1 if mode == "sequential" else 2)
        assert all(len(p.log_view.lines) >= 2 for p in panes)  # clocked in, clocked off
        assert any("served order #" in line for p in panes for line in p.log_view.lines)
        title = str(panes[0].border_title)
        assert ("pid" in title) if mode == "processes" else ("thread" in title)
        assert app.scoreboard.results == [r]
        assert app.stopwatch.digits.value.strip() == f"{r.wall_s:.2f}"
        assert "parallelism" in str(app.stopwatch.stats.render())


@pytest.mark.parametrize("key,recipe", [("b", "brew"), ("o", "orders"), ("m", "mixed")])
async def test_recipe_key_switches_recipe_and_runs(kitchen, key, recipe):
    app = make_app(kitchen, mode="threads")
    async with app.run_test(size=SIZE) as pilot:
        r = await run_key(pilot, key)
        assert (r.mode, r.recipe) == ("threads", recipe)


async def test_speedup_against_sequential_and_space_runs_again(kitchen):
    app = make_app(kitchen)
    async with app.run_test(size=SIZE) as pilot:
        await run_key(pilot, "s")
        again = await run_key(pilot, "space")
        assert again.mode == "sequential" and len(app.results) == 2
        await run_key(pilot, "p")
        from chaishop.core.measure.speedup import speedups
        ups = speedups(app.results)
        assert ups[0] is not None and ups[2] is not None


async def test_crew_keys_change_panes(kitchen):
    app = make_app(kitchen, mode="threads", baristas=2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus", "plus")  # 2 -> 4 -> 8: the crew steps
        assert app.crew == 8 and app.pane_count == 8
        assert sum(p.display for p in app.panes) == 8
        await pilot.press("minus")
        assert app.crew == 4 and sum(p.display for p in app.panes) == 4
        r = await run_key(pilot, "space")
        assert r.baristas == 4 and r.orders == 8
        for _ in range(5):
            await pilot.press("minus")
        assert app.crew == 1


async def test_escape_cancels_a_run(kitchen):
    app = ShopApp(ShopConfig(size=KITCHEN_SIZE * 50, order_s=TINY_WAIT_S, autostart=False,
                             orders=40), kitchen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: app.run_state.running)
        await pilot.press("escape")
        await until(pilot, lambda: app.results)
        r = app.results[-1]
        assert r.cancelled and not r.complete
        assert not app.run_state.running


async def test_explain_opens_and_closes(kitchen):
    app = make_app(kitchen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ExplainScreen)
        await pilot.press("question_mark")
        await pilot.press("question_mark")
        assert not isinstance(app.screen, ExplainScreen)


async def test_shift_s_saves_svg(kitchen, tmp_path):
    target = tmp_path / "shots" / "here"
    app = make_app(kitchen, target)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        files = list(target.glob("*.svg"))
        assert len(files) == 1 and files[0].read_text().startswith("<svg")


async def test_knock_out_shows_the_kitchens_note(kitchen):
    app = ShopApp(ShopConfig(size=KITCHEN_SIZE * 50, order_s=TINY_WAIT_S, autostart=False,
                             orders=40), kitchen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: app.run_state.running)
        await pilot.press("k")
        await until(pilot, lambda: any("knocked out" in n.message for n in app._notifications))
        await until(pilot, lambda: any(p.state == "failed" for p in app.panes))
        failed = next(p for p in app.panes if p.state == "failed")
        assert failed.has_class("-failed") and "knocked out" in failed.detail
        await pilot.press("escape")
        await until(pilot, lambda: app.results)
        assert app.results[-1].failed == 1


async def test_autostart_when_the_kitchen_is_ready(kitchen):
    app = make_app(kitchen)
    app.config.autostart = True
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.results)
        assert app.results[-1].mode == "threads"


@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c"])
async def test_quit_keys_exit_and_close_the_kitchen(key):
    multiprocessing.resource_tracker.ensure_running()
    k = Kitchen(size=KITCHEN_SIZE).start()
    app = make_app(k)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.press(key)
        await pilot.pause()
        assert app.return_code == 0
    assert k.process is None  # closed on unmount


async def test_command_palette_lists_every_action(kitchen):
    app = make_app(kitchen)
    async with app.run_test(size=SIZE):
        titles = {c.title for c in app.get_system_commands(app.screen)}
    for t in ("Run threads", "Run processes", "Run asyncio", "Run sequential", "Recipe: brew",
              "Recipe: orders", "Recipe: mixed", "Bigger crew", "Smaller crew", "Run again",
              "Stop the run", "Knock out a barista", "Explain", "SVG screenshot", "Quit"):
        assert t in titles
