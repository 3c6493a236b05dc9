"""Plays the demo tour (chaishop.tour) in the running shop, hands-free.

    for each TourStep:  set mode/recipe/crew/orders ──▶ caption ──▶ app.start_run()
                        ──▶ wait until the app has the run's RunFinished (app.results grows)
                        ──▶ pause PAUSE_S / speed
    then:               FINALE caption, scoreboard on screen ──▶ SVG (if asked) ──▶ exit(0)

Runs as a worker of the app (ShopApp starts it when ShopConfig.tour is set), so
keys keep working: q quits mid-tour.  Every run is a real kitchen run.
"""

from __future__ import annotations

import asyncio

from chaishop.tour import FINALE, PAUSE_S, TourStep
from chaishop.ui.export import save_svg

POLL_S = 0.05  # how often the player looks for the kitchen's verdict (the app drains at 40 ms)


async def _until(predicate, app) -> bool:
    """Wait for ``predicate()``; False if the kitchen died meanwhile."""
    while not predicate():
        if app.kitchen_gone:
            return False
        await asyncio.sleep(POLL_S)
    return True


async def play_tour(app, steps: tuple[TourStep, ...], speed: float) -> None:
    cfg = app.config
    if not await _until(lambda: app.ready is not None, app):
        return
    for n, step in enumerate(steps, 1):
        app.mode, app.recipe, app.crew = step.mode, step.recipe, step.baristas
        cfg.orders = step.orders
        app.caption.show(f"Tour {n}/{len(steps)} · {step.mode} · {step.recipe} · "
                         f"{step.baristas} barista{'s' * (step.baristas > 1)}", step.caption)
        before = len(app.results)
        app.start_run()
        if not await _until(lambda: len(app.results) > before, app):
            return
        await asyncio.sleep(PAUSE_S / speed)
    app.caption.show("Tour done · the scoreboard", FINALE)
    app.screen.add_class("-finale")  # the scoreboard gets the side column's room
    await asyncio.sleep(max(PAUSE_S / speed, 0.2))  # let the finale paint before the SVG
    if cfg.screenshot:
        try:
            app.notify(f"saved {save_svg(app, cfg.screenshot)}", title="Screenshot")
        except OSError as exc:
            app.notify(f"could not save a screenshot: {exc}", severity="error")
    if cfg.exit_after_tour:
        app.exit(0)
