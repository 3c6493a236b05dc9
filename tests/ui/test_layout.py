"""Layout and rendering logic with the scripted kitchen (no processes)."""

from __future__ import annotations

from chaishop.core.protocol import events as ev
from chaishop.core.measure.speedup import speedups
from chaishop.ui.scoreboard import hbar
from scripted import scripted_app, scripted_runs
from testkit import result, until


def test_speedups_use_complete_sequential_runs_of_the_same_work():
    rs = [result("threads", "brew", 2.0), result("sequential", "brew", 4.0, cancelled=True),
          result("sequential", "brew", 4.0), result("processes", "brew", 2.0),
          result("processes", "brew", 1.0, orders=8), result("threads", "brew", 1.0, cancelled=True)]
    assert speedups(rs) == [2.0, None, 1.0, 2.0, None, None]


def test_hbar_is_proportional():
    assert hbar(1.0, 1.0, 10) == "█" * 10
    assert hbar(0.5, 1.0, 10).rstrip() == "█" * 5
    assert len(hbar(0.3, 1.0, 10)) == 10


async def test_too_small_terminal_shows_a_message():
    app = scripted_app()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        assert "50×15" in str(app.too_small.render())
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")


async def test_small_terminal_shows_fewer_panes_with_a_hint():
    app = scripted_app(baristas=6, mode="threads")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        assert "showing 2 of 6" in str(app.grid.border_subtitle)


async def test_failed_barista_is_marked_while_others_finish():
    app = scripted_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await scripted_runs(pilot, "t", None)
        app.kitchen.outbox.extend([
            ev.RunStarted(ev.RunSpec("threads", "brew", 2, 4, 1, 0.1, run=2), 2000.0),
        ])
        app.run_state.asked = 2
        app.kitchen.outbox.extend([
            ev.Event(ev.STARTED, 1, "Barista-1 · thread 7", t=2000.1, run=2),
            ev.Event(ev.STARTED, 2, "Barista-2 · thread 8", t=2000.1, run=2),
            ev.Event(ev.FAILED, 1, "Barista-1 · thread 7", t=2000.5, detail="Spilled: oops", run=2),
            ev.Event(ev.FINISHED, 2, "Barista-2 · thread 8", t=2001.0, run=2),
        ])
        await pilot.pause(0.2)
        p1, p2 = app.panes[:2]
        assert p1.has_class("-failed") and p1.state == "failed" and "Spilled" in p1.detail
        assert p2.state == "done" and not p2.has_class("-failed")
        assert any("FAILED: Spilled: oops" in line for line in p1.log_view.lines)


async def test_single_core_machine_is_said_clearly():
    from dataclasses import replace

    from scripted import MACHINE
    app = scripted_app()
    app.fixed_machine = app.machine = replace(MACHINE, cores=1)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "1 core: nothing can run in parallel" in str(app.header.render())


# -- the projector preset (120x36): what the lesson needs on one screen ----------------

def _board_rows(app) -> list[str]:
    """The scoreboard's rows as a person reads them on screen (inside its region)."""
    from test_presenter import screen_lines

    r = app.scoreboard.region
    return [line[r.x:r.right] for line in screen_lines(app)[r.y:r.bottom]]


async def test_at_120x36_the_scoreboard_shows_baseline_threads_and_processes():
    app = scripted_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scripted_runs(pilot, "stp", "processes")
        rows = "\n".join(_board_rows(app))
        for mode in ("sequential", "threads", "processes"):
            assert mode in rows, rows
        assert rows.count("×") >= 3, rows  # each with its speed-up
        assert app.timeline.region.height > 0 and app.gil.region.height > 0  # not traded away


async def test_at_120x36_a_lesson_keeps_the_scoreboard_and_says_what_gave_way():
    app = scripted_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scripted_runs(pilot, "str", "threads")  # brew runs, then the till
        rows = "\n".join(_board_rows(app))
        assert rows.count("sequential") >= 1 and "threads" in rows and "till" in rows, rows
        # Nothing drawn half: the gauges gave way whole, and the scoreboard's border says so.
        assert app.gil.region.height == 0 and app.timeline.region.height == 0
        assert "timeline" in str(app.scoreboard.border_subtitle)
        assert app.lesson.region.height > 0 and app.scoreboard.region.bottom <= 35
        await pilot.resize_terminal(160, 45)  # the 160x45 preset has room: everything back
        await pilot.pause()
        assert app.gil.region.height > 0 and app.timeline.region.height > 0
        assert not app.scoreboard.border_subtitle
        assert "threads" in "\n".join(_board_rows(app)) and app.scoreboard.region.bottom <= 44


async def test_at_80x24_the_missing_gauges_are_named_in_one_line():
    app = scripted_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scripted_runs(pilot, "st", "threads")
        assert app.gil.region.height == 0 and app.timeline.region.height == 0
        assert "GIL" in str(app.scoreboard.border_subtitle)
        assert "threads" in "\n".join(_board_rows(app))


def test_pane_titles_fit_at_120_and_80_columns():
    from chaishop.core.menu import MODE_NAMES, mode_note
    from chaishop.ui import layout

    for width in (80, 120):
        room = width - (layout.SIDE_W_NARROW if width < layout.WIDE_W else layout.SIDE_W_WIDE) - 4
        for m in MODE_NAMES:
            titles = (f"Baristas · {m}: {mode_note(m)}", f"Baristas · {m}: {mode_note(m, short=True)}",
                      f"{m}: {mode_note(m, short=True)}", f"Baristas · {m}")
            shown = layout.fit_title(width, *titles)
            assert len(shown) <= room and shown in titles, (width, shown)
            if width == 120:  # the projector preset keeps what the crew is, in a few words
                assert mode_note(m, short=True) in shown, shown


async def test_the_explain_mapping_never_wraps_at_80x24():
    from chaishop.ui.explain import MAPPING
    from test_presenter import screen_lines

    app = scripted_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        for _, words in MAPPING:  # each meaning on its own line, whole
            plain = words.replace("[i]", "").replace("[/]", "")
            assert plain in text, plain


async def test_a_notice_never_covers_the_scoreboard_at_80x24():
    from textual.widgets._toast import Toast

    app = scripted_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await scripted_runs(pilot, "st", "threads")
        app.notify("rush hour: 5,000 baristas (asyncio tasks), one waiting order each", timeout=30)
        await until(pilot, lambda: list(app.screen.query(Toast)))
        await pilot.pause()
        toast = app.screen.query(Toast).first().region
        assert toast.width and not toast.overlaps(app.scoreboard.region), (toast, app.scoreboard.region)


async def test_the_code_screen_at_80x24_cuts_no_line():
    from test_presenter import screen_lines

    app = scripted_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scripted_runs(pilot, "t", "threads")
        await pilot.press("c")
        await pilot.pause()
        text = " ".join(" ".join(screen_lines(app)).split())
        # The command wraps whole: "--size 52586852 --or" was cut at the box's edge.
        for word in ("--size", "--order-seconds", "shop.py && python3 shop.py"):
            assert word in text, word
        for line in app.screen.code.splitlines()[:6]:  # long lines wrap: their ends are shown
            if line.strip():
                assert line.split()[-1] in text, line
        box = app.screen.query_one("#code-box")
        code = app.screen.query_one("#code-text")
        assert code.region.right <= box.scrollable_content_region.right  # not under the scrollbar


async def test_at_80x24_a_lesson_keeps_the_scoreboard_and_its_why_is_on_explain():
    from chaishop.ui.lesson_panel import WHY_ON_EXPLAIN

    app = scripted_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scripted_runs(pilot, "tr", "threads")  # a brew run, then the till
        rows = "\n".join(_board_rows(app))
        assert "threads" in rows and app.scoreboard.region.bottom <= 23, (rows, app.scoreboard.region)
        assert app.cpu.region.height == 0 and "CPU" in str(app.scoreboard.border_subtitle)
        said = str(app.lesson.render())
        assert "lost" in said and WHY_ON_EXPLAIN in said  # the figures stay, the why is on ?
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert WHY_ON_EXPLAIN not in str(app.lesson.render()) and app.cpu.region.height > 0
