"""The demo's finale stays until a key or the time it states (issue 25, point 6), played with
the scripted kitchen: one step, then the finale."""

from __future__ import annotations

from chaishop.tour import TOUR
from scripted import scripted_app
from testkit import until


async def test_the_finale_states_its_time_and_a_key_ends_it():
    # caption_min_s 0.4: the finale would stay 2 s; a key ends it at once.
    app = scripted_app(tour=TOUR[:1], speed=100, caption_min_s=0.4, exit_after_tour=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.tour_key is not None, timeout=10)
        title = str(app.caption.border_title)
        assert title.startswith("Tour done") and "ends in 2 s" in title and "key" in title
        assert app.return_code is None  # still on screen
        await pilot.press("z")  # any key
        await until(pilot, lambda: app.return_code is not None, timeout=0.5)  # not its 2 s
    assert app.return_code == 0


async def test_with_no_exit_the_finale_stays_and_says_no_time():
    app = scripted_app(tour=TOUR[:1], speed=100, caption_min_s=0.0, exit_after_tour=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: str(app.caption.border_title).startswith("Tour done"))
        await pilot.pause(0.3)
        assert app.return_code is None and "ends in" not in str(app.caption.border_title)
