"""Plays the demo tour (chaishop.tour) in the running shop, hands-free.

    for each TourStep:  set mode/recipe/crew/orders ──▶ caption_for(machine) ──▶ app.start_run()
                        ──▶ wait until the app has the run's RunFinished (app.results grows)
                        ──▶ caption + what the run measured ──▶ pause PAUSE_S / speed
    then:               finale (fastest crew per recipe, measured), scoreboard on screen
                        ──▶ SVG (if asked) ──▶ exit(0)
                        (an SVG that cannot be saved: exit(1), run_app prints why)

Runs as a worker of the app (ShopApp starts it when ShopConfig.tour is set), so
keys keep working: q quits mid-tour.  Every run is a real kitchen run.
"""

from __future__ import annotations

import asyncio

from chaishop.recordings.markers import mark
from chaishop.tour import PAUSE_S, Pacing, TourStep, caption_for, finale, measured, question, said
from chaishop.ui.export import save_svg
from chaishop.core.measure.speedup import speedups

POLL_S = 0.05  # how often the player looks for the kitchen's verdict (the app drains every 100 ms)


async def _until(predicate, app) -> bool:
    """Wait for ``predicate()``; False if the kitchen died meanwhile (or lost the run)."""
    while not predicate():
        run = app.run_state
        if run.kitchen_gone or run.lost_reason:
            app.caption.show("Tour stopped", f"{run.lost_reason or 'the kitchen stopped'}: "
                             "press space to run again, q to quit")
            return False
        await asyncio.sleep(POLL_S)
    return True


async def _predict(app, step: TourStep) -> float | None:
    """demo --predict: the room's guess before the step (None: not asked, or skipped)."""
    ask = question(step, app.machine) if app.config.predict else None
    if ask is None:
        return None
    from chaishop.ui.predict_screen import PredictScreen

    cores = app.machine.cores if app.machine else 1
    return await app.push_screen(PredictScreen(ask, (1.0, float(min(step.baristas, cores)),
                                                     float(step.baristas))),
                                 wait_for_dismiss=True)


async def play_tour(app, steps: tuple[TourStep, ...], speed: float) -> None:
    cfg = app.config
    pacing = Pacing(speed, cfg.caption_min_s)
    if not await _until(lambda: app.ready is not None, app):
        return
    for n, step in enumerate(steps, 1):
        app.mode, app.recipe, app.crew = step.mode, step.recipe, step.baristas
        app.lock, app.share = step.lock, step.share
        cfg.orders = step.orders
        title = (f"Tour {n}/{len(steps)} · {step.mode} · {step.recipe} · "
                 f"{step.baristas} barista{'s' * (step.baristas > 1)}")
        app.caption.show(title, caption_for(step, app.machine))
        mark(title)  # a marker in the recording, if one is being made
        guess = await _predict(app, step)
        before = len(app.results)
        app.start_run()
        if not await _until(lambda: len(app.results) > before, app):
            return
        up = speedups(app.results)[-1]
        app.caption.show(title, measured(step, app.machine, app.results[-1], up) + said(guess, up))
        pacing.shown()
        await asyncio.sleep(pacing.hold_s())  # readable at any --speed
    ends = (f" · a key ends the tour, or it ends in {pacing.finale_s:.0f} s"
            if cfg.exit_after_tour and pacing.finale_s else "")
    cores = getattr(app.machine, "cores", 0)
    app.caption.show("Tour done · the scoreboard" + ends,
                     finale(app.results, speedups(app.results), cores))
    mark("Tour done · the scoreboard")
    app.screen.add_class("-finale")  # the scoreboard gets the side column's room
    await asyncio.sleep(max(PAUSE_S / speed, 0.2))  # let the finale paint before the SVG
    if cfg.screenshot:
        try:
            app.notify(f"saved {save_svg(app, cfg.screenshot)}", title="Screenshot")
        except OSError as exc:
            app.exit_message = f"could not save a screenshot: {exc}"  # printed after the app
            app.notify(app.exit_message, severity="error")
            if cfg.exit_after_tour:
                app.exit(return_code=1)  # headless callers (CI) must see it failed
                return
    if cfg.exit_after_tour:
        app.tour_key = asyncio.Event()  # set by any key (ShopApp.on_key)
        try:
            await asyncio.wait_for(app.tour_key.wait(), max(0.0, pacing.finale_s - PAUSE_S / speed))
        except asyncio.TimeoutError:
            pass
        app.exit(0)
