"""On a free-threaded Python (GIL off) the screen says so, and says what that changes.

The real app with a scripted kitchen that reports a GIL-off machine (as the kitchen
does on 3.13t/3.14t), and one that reports a single core.  Whether threads really
brew in parallel there is measured by tests/test_free_threading.py on 3.14t.
"""

from __future__ import annotations

from dataclasses import replace

from chaishop.core.menu import MODE_NAMES, mode_note
from chaishop.ui.app import ShopApp, ShopConfig
from chaishop.ui.explain import ExplainScreen
from scripted import FIXED_CLOCK, MACHINE, ScriptedKitchen
from testkit import until

GIL_OFF = replace(MACHINE, python="3.14.7", gil_enabled=False, free_threaded_build=True)
ONE_CORE = replace(MACHINE, cores=1, physical_cores=1)
SIZE = (160, 45)


def app_on(machine) -> ShopApp:
    cfg = ShopConfig(autostart=False, cpu_every_s=0, screenshot_dir="screenshots")
    return ShopApp(cfg, ScriptedKitchen(machine), clock=lambda: FIXED_CLOCK,
                   cpu_source=lambda: [0.0, 0.0], machine=machine)


async def test_gil_off_header_threads_note_and_explain_screen_follow_the_interpreter():
    app = app_on(GIL_OFF)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await pilot.press("t")
        await until(pilot, lambda: app.results)
        assert "GIL off" in app.header.render().plain
        title = app.grid.border_title
        assert "no GIL" in title and "brewing runs in parallel" in title
        assert "takes turns" not in title and "one GIL" not in title
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, ExplainScreen))
        text = str(app.screen.query_one("#explain-text").render())
        assert "GIL off" in text and "threads brew on" in text
        assert "brewing takes turns" not in text and "threads take turns" not in text


async def test_gil_on_says_threads_take_turns():
    app = app_on(MACHINE)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await pilot.press("t")
        await until(pilot, lambda: app.results)
        assert "one GIL: brewing takes turns" in app.grid.border_title
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, ExplainScreen))
        assert "brewing takes turns" in str(app.screen.query_one("#explain-text").render())


def test_notes_promise_parallel_brewing_only_with_a_second_core():
    for mode in MODE_NAMES:
        for machine in (MACHINE, GIL_OFF):
            assert "(given 2+ cores" not in mode_note(mode, machine)
        note = mode_note(mode, ONE_CORE)
        assert ("in parallel" in note) == note.endswith("(given 2+ cores; here: 1)")
    assert "in parallel" in mode_note("processes", ONE_CORE)
