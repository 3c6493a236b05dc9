"""The presenter's kit on screen: the code screen (c) and the projector theme."""

from __future__ import annotations

import ast

from scripted import scripted_app, scripted_runs
from testkit import until

from chaishop.core.menu import MODE_KEYS
from chaishop.ui.code_screen import CodeScreen
from chaishop.ui.themes import PROJECTOR

SIZE = (160, 45)


def test_code_screen(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "t", "threads")
        await pilot.press("c")
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)


def test_projector_theme(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "stp", "processes")
    assert snap_compare(scripted_app(theme="projector"), terminal_size=SIZE, run_before=before)


async def test_code_key_shows_the_script_of_the_current_mode_and_closes():
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        await scripted_runs(pilot, "p", "processes")
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CodeScreen)
        ast.parse(screen.code)  # a whole, valid Python script
        assert "multiprocessing" in screen.code and "crew 2" in screen.border_title_text()
        await pilot.press("escape")
        assert not isinstance(app.screen, CodeScreen)
        await pilot.press("s", "c")  # sequential: one barista, whatever the crew size
        assert "BARISTAS" not in app.screen.code and "--baristas 1" in app.screen.code


async def test_theme_option_and_no_color(monkeypatch):
    app = scripted_app(theme="projector")
    async with app.run_test(size=SIZE):
        assert app.theme == PROJECTOR and app.screen.has_class("-projector")
        app.theme = "textual-dark"  # as the palette's theme picker does
        assert not app.screen.has_class("-projector")
    monkeypatch.setenv("NO_COLOR", "1")
    app = scripted_app()
    async with app.run_test(size=SIZE):
        assert app.theme == PROJECTOR and app.no_color


def screen_lines(app) -> list[str]:
    """The text on screen, row by row (what a person reads; colours dropped)."""
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


async def test_footer_fits_from_80_columns_with_explain_and_quit_and_nothing_stray():
    for width in (80, 100, 120, 160):
        app = scripted_app()
        async with app.run_test(size=(width, 30)) as pilot:
            await scripted_runs(pilot, "", None)
            await until(pilot, lambda: "quit" in screen_lines(app)[-1])
            footer = screen_lines(app)[-1]
            modes = " ".join(MODE_KEYS) + " mode"  # every mode's key apart, one label
            for hint in (modes, "? explain", "q quit", "c code"):
                assert hint in footer, (width, footer)
            # Nothing stray after the last key, and nothing cut.
            assert footer.rstrip().endswith("q quit"), (width, footer)
            assert "recipe" in footer and "crew" in footer and "␣ run" in footer, (width, footer)


def test_explain_gives_the_readme_install_steps_and_every_key():
    import re
    from pathlib import Path

    from textual.content import Content

    from chaishop.ui.app import ShopApp
    from chaishop.ui.explain import explain_text

    plain = Content.from_markup(explain_text(True)).plain
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    installs = [c for c in re.findall(r"`([^`]*-m venv[^`]*)`", readme) if ".venv-" in c]
    assert len(installs) >= 2
    for command in installs:
        assert command in plain, command
    keys = plain.split("Keys.", 1)[1]
    for b in ShopApp.BINDINGS:
        if b.description and b.key not in ("equals_sign", "ctrl+q", "ctrl+c"):
            shown = b.key_display or b.key
            shown = {"␣": "space", "esc": "escape", "^p": "ctrl+p"}.get(shown, shown)
            assert re.search(rf"(^|\s){re.escape(shown)}(\s|$)", keys), shown


# -- what a room sees ----------------------------------------------------------------

def test_a_crew_of_16_is_seen_whole_at_160x45_and_8_keep_big_panes():
    from chaishop.ui import layout

    many = layout.plan(160, 45, 16)
    assert many.fit >= 16
    # Two columns of 45: a pane's log lines are not cut (the grid is 160 - 66 - 2 wide).
    assert (160 - layout.SIDE_W_WIDE - 2) // many.cols >= layout.PANE_MIN_W
    big = layout.plan(160, 45, 8)
    assert big.fit >= 8 and big.row_h >= layout.PANE_MIN_H and big.cols <= 3


async def test_no_run_starts_behind_the_size_message():
    app = scripted_app(autostart=True)
    async with app.run_test(size=(40, 10)) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await pilot.pause(0.2)
        assert app.screen.has_class("-too-small") and app.kitchen.runs == []
        await pilot.resize_terminal(160, 45)
        await until(pilot, lambda: len(app.kitchen.runs) == 1)  # now someone can watch it


async def test_first_screen_and_sequential_crew_say_one_thing():
    app = scripted_app(autostart=True, mode="sequential", baristas=2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.kitchen.runs) == 1)
        text = "\n".join(screen_lines(app))
        assert "no run yet" not in text  # not under "starting sequential…"
        await until(pilot, lambda: len(app.results) == 1)
        header = screen_lines(app)[0]
        assert "crew 1" in header and "crew 2" not in header  # as on the stopwatch
        assert "crew 1" in str(app.stopwatch.caption.render())


async def test_a_repeated_key_gives_one_toast():
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        await scripted_runs(pilot, "", None)
        for _ in range(4):
            await pilot.press("escape")  # "nothing is running"
        await pilot.pause()
        assert [n.message for n in app._notifications].count("nothing is running") == 1


async def test_projector_shows_the_last_speed_up_in_big_digits():
    app = scripted_app(theme="projector")
    async with app.run_test(size=SIZE) as pilot:
        await scripted_runs(pilot, "t", None)
        assert app.speedup.display and app.speedup.digits.value == "-"  # no baseline yet
        await scripted_runs(pilot, "sp", None)
        up = app.results[-1]
        assert app.speedup.digits.value == f"{app.results[-2].wall_s / up.wall_s:.2f}×"
        app.theme = "textual-dark"
        await pilot.pause()
        assert not app.speedup.display or app.speedup.region.height == 0
