"""Rush hour through the real app and the real kitchen: the R key, the grid, crew steps, caps."""

from __future__ import annotations

from chaishop.core.protocol.gauges import CELL_DONE
from chaishop.core.menu import RUSH_CREW
from testkit import make_app, until

TINY_SIZE = KITCHEN_SIZE = 200_000
SIZE = (160, 45)


async def test_r_starts_a_rush_hour_on_the_grid(kitchen):
    app = make_app(kitchen, size=TINY_SIZE, mode="processes")  # R picks asyncio: processes are the wrong tool
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await pilot.press("R")
        assert (app.mode, app.recipe, app.crew, app.orders) == ("asyncio", "orders", RUSH_CREW, RUSH_CREW)
        assert app.crew_grid.display and not app.grid.display  # the grid, not 16 panes
        await until(pilot, lambda: app.results, timeout=60)
        r = app.results[-1]
        assert r.complete and r.orders_done == RUSH_CREW and r.baristas == RUSH_CREW
        assert app.crew_grid.summary is not None and app.crew_grid.counts()[CELL_DONE] == RUSH_CREW
        assert f"done {RUSH_CREW:,}" in app.crew_grid.render().plain
        assert app.crew_samples and app.timeline.crew is not None  # the whole-crew timeline
        stats = str(app.stopwatch.stats.render())
        assert "KiB each" in stats and "OS threads" in stats
        assert r.peak_rss_mib > 0 and r.rss_per_barista_kib is not None


async def test_plus_and_minus_step_through_sizes_and_the_panes_come_back(kitchen):
    app = make_app(kitchen, size=TINY_SIZE, mode="threads", baristas=8)
    async with app.run_test(size=SIZE) as pilot:
        sizes = []
        for key in ["plus", "plus", "plus", "plus", "plus", "minus", "minus", "minus"]:
            await pilot.press(key)
            sizes.append(app.crew)
            assert app.crew_grid.display == (app.crew > 16)
            assert app.grid.display == (app.crew <= 16)
        assert sizes == [16, 100, 1000, 10_000, 10_000, 1000, 100, 16]
        assert app.pane_count == 16


async def test_processes_stop_at_their_cap_with_the_reason(kitchen):
    app = make_app(kitchen, size=TINY_SIZE, mode="processes", baristas=16)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        await pilot.pause()
        assert app.crew == 16  # 8 per core on this 2-core machine
        note = [str(n.message) for n in app._notifications]
        assert any("whole Python interpreter" in n and "asyncio or threads" in n for n in note)


async def test_a_hundred_thread_baristas_on_the_grid(kitchen):
    app = make_app(kitchen, size=TINY_SIZE, mode="threads", recipe="orders", baristas=100)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await pilot.press("space")
        await until(pilot, lambda: app.results, timeout=60)
        r = app.results[-1]
        assert r.complete and r.orders == 100 and r.os_threads_peak > 2  # overlap varies: noisy host
        assert app.crew_grid.counts()[CELL_DONE] == 100 and app.pane_count == 0
