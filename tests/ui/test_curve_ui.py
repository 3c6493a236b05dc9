"""The C key: the room predicts, then the scaling curve is measured in the (scripted) kitchen
and drawn point by point; the prediction stands beside the measured value."""

from __future__ import annotations

from scripted import scripted_app, scripted_runs
from testkit import until

from chaishop.core.measure.speedup import speedups
from chaishop.tour import TourStep
from chaishop.ui.curve_screen import CurveScreen
from chaishop.ui.predict_screen import PredictScreen, parse_guess

SIZE = (160, 45)


async def _curve(pilot, guess: str = "2") -> CurveScreen:
    app = pilot.app
    await until(pilot, lambda: app.ready is not None)
    await pilot.press("C")
    await until(pilot, lambda: isinstance(app.screen, PredictScreen)
                and app.screen.query("#predict-input"))
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


async def test_demo_predict_shows_the_guess_beside_the_measured_speedup():
    """chaishop demo --predict: asked before a step with a speed-up (not before the yardstick),
    the guess stands beside what the step measured."""
    steps = (TourStep("sequential", "brew", 1, 4, "One barista: the time to beat."),
             TourStep("processes", "brew", 2, 4, "Two processes."))
    app = scripted_app(tour=steps, speed=100.0, exit_after_tour=False, predict=True)
    shown: list[str] = []  # every caption the tour showed, in order
    async with app.run_test(size=SIZE) as pilot:
        show = app.caption.show
        app.caption.show = lambda title, text: (shown.append(text), show(title, text))
        await until(pilot, lambda: isinstance(app.screen, PredictScreen)
                    and app.screen.query("#predict-input"))
        assert len(app.results) == 1  # the sequential step ran without a question
        assert "2 processes on brew on this 2-core machine" in str(
            app.screen.query_one("#predict-question").render())
        await pilot.press("2", "enter")
        await until(pilot, lambda: len(app.results) == 2 and any("You said" in t for t in shown))
        up = speedups(app.results)[-1]
        after = next(t for t in shown if "You said" in t)
        assert after.startswith("Two processes.\nMeasured: ")
        assert after.endswith(f"You said 2x, measured {up:.2f}x.")


def test_demo_asks_only_where_a_speedup_is_measured():
    from chaishop.cli import build_parser
    from chaishop.tour import TOUR, question, said
    from scripted import MACHINE

    asked = [s for s in TOUR if question(s, MACHINE)]
    assert asked and all(s.mode != "sequential" and s.recipe not in ("till", "haul") for s in asked)
    assert said(None, 1.5) == "" and said(2.0, None).endswith("You said 2x, not measured.")
    assert build_parser().parse_args(["demo", "--predict"]).predict
