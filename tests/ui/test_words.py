"""Words on screen follow what is measured (issue 25, point 8): the phase's word per
recipe, the GIL gauge when one barista runs, parallelism's reason on the stopwatch.
A scripted kitchen whose runs never finish keeps each run on screen, live."""

from __future__ import annotations

from chaishop.ui.stopwatch import stats_text
from scripted import scripted_app, script
from testkit import result, until


def live_app(**config):
    """A scripted shop whose runs stay on: every message but the verdict and after."""
    app = scripted_app(**config)
    kitchen = app.kitchen

    held: list = []

    def run(spec) -> bool:
        kitchen.runs.append(spec)
        messages = script(spec)
        kitchen.outbox.extend(messages[:-2])
        held[:] = messages[-2:]
        return True

    kitchen.run = run
    kitchen.last_verdict = lambda: list(held)  # the held-back verdict, to end the run
    return app


async def test_one_barista_has_no_gil_contention_to_show_and_words_follow_the_recipe():
    app = live_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: app.run_state.running and app.gil.reading is not None)
        gauge = str(app.gil.render())
        assert "one barista" in gauge and "contention" not in gauge, gauge
        assert app.gil.border_subtitle == "one barista"
        assert str(app.stopwatch.caption.render()).startswith("brewing…")
        await pilot.press("escape", "o")  # I/O-bound orders: served, not brewed
        await until(pilot, lambda: len(app.kitchen.runs) == 2 and app.run_state.running)
        await until(pilot, lambda: "orders served" in str(app.stopwatch.caption.render()))
        assert str(app.stopwatch.caption.render()).startswith("serving…")
        await pilot.press("escape", "t", "r")  # threads on the till: they ring up
        await until(pilot, lambda: app.kitchen.runs[-1].recipe == "till" and app.run_state.running)
        await until(pilot, lambda: any("(CPU)" in line for line in app.panes[0].log_view.lines))
        lines = "\n".join(app.panes[0].log_view.lines)
        assert "ringing up (CPU)" in lines and "brewing" not in lines, lines
        gauge = str(app.gil.render())
        assert "contention" in gauge and "one barista" not in gauge  # two threads: it is back


def test_low_parallelism_of_a_waiting_recipe_says_why_on_the_stopwatch():
    waited = result("asyncio", "orders", 1.0, cpu_s=0.03)
    assert "parallelism 0.03×: waiting, not CPU" in stats_text(waited)
    narrow = stats_text(waited, narrow=True)
    assert "waiting" in narrow and max(len(line) for line in narrow.splitlines()) <= 34
    brewed = result("threads", "brew", 1.0, cpu_s=0.03)  # CPU-bound and idle: no excuse given
    assert "waiting" not in stats_text(brewed)
    # Wide: at most four lines before memory, so the scoreboard keeps its rows at 120x36.
    assert len(stats_text(result("processes", "brew", 1.0, create_s=0.01)).splitlines()) == 3
