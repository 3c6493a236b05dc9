"""The C key: the room predicts, then the scaling curve is measured in the (scripted) kitchen
and drawn point by point; the prediction stands beside the measured value."""

from __future__ import annotations

from scripted import scripted_app, scripted_runs
from testkit import until

from chaishop.ui.curve_screen import CurveScreen
from chaishop.ui.predict_screen import PredictScreen, parse_guess

SIZE = (160, 45)


async def _curve(pilot, guess: str = "2") -> CurveScreen:
    app = pilot.app
    await until(pilot, lambda: app.ready is not None)
    await pilot.press("C")
    await until(pilot, lambda: isinstance(app.screen, PredictScreen))
    await pilot.press(*guess, "enter")
    await until(pilot, lambda: isinstance(app.screen, CurveScreen))
    await until(pilot, lambda: app.curve.done)
    await pilot.pause()
    return app.screen


async def test_curve_appears_point_by_point_with_the_prediction_beside_it():
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _curve(pilot, "2")
        # a sequential baseline first, then crews 1, 2, 4 (twice the 2 cores): 8 orders each
        runs = app.kitchen.runs
        assert [(r.mode, r.baristas, r.orders, r.baseline) for r in runs] == [
            ("sequential", 1, 8, True), ("threads", 1, 8, False), ("threads", 2, 8, False),
            ("threads", 4, 8, False)]
        assert screen.drawn == [0, 1, 2, 3]  # one redraw per finished crew, in order
        text = str(screen.query_one("#curve-words").render())
        largest = app.curve.points[-1].speedup
        assert f"you said 2x for a crew of 4, measured {largest:.2f}x" in text
        assert "Amdahl fit: serial fraction" in text and "(derived)" in text
        assert app.results[-1].baristas == 4  # the runs are the shop's own, on the scoreboard


async def test_escape_skips_the_guess_and_a_bad_guess_is_asked_again():
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, PredictScreen))
        await pilot.press("x", "y", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PredictScreen)  # not a number: asked again
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CurveScreen))
        await until(pilot, lambda: app.curve.done)
        assert app.curve.prediction is None
        assert "you said" not in str(app.screen.query_one("#curve-words").render())
    assert parse_guess("1.5x") == 1.5 and parse_guess("0") is None


def test_curve_screen_snapshot(snap_compare):
    async def before(pilot):
        await scripted_runs(pilot, "", None)
        await _curve(pilot, "2")
    assert snap_compare(scripted_app(), terminal_size=SIZE, run_before=before)
