"""No key ends the shop: every key of the shop, pressed in every recipe and every mode.

A teacher presses keys in any order, mid-run too.  Each key here is taken from the app's
own bindings (so a new key is pressed too), on the real kitchen, with tiny orders; after
each one the app must still be running, with no traceback, and any screen a key opened
is closed again with escape.  Keys go in through testkit.press_key: handled one by one,
without Pilot.press's waits for an idle process (two thousand keys took over three
minutes so, most of it in those waits).  Unavailable modes (subinterpreters before 3.12, Dask
without its extra) must answer with a word, as on a user's machine.
"""

from __future__ import annotations

import pytest
from textual.binding import Binding

from chaishop.core.menu import MODE_KEYS, RECIPE_KEYS
from chaishop.ui.app import ShopApp
from testkit import make_app, press_key, until

KITCHEN_SIZE = 100_000  # a few milliseconds of brewing per order
SIZE = (160, 45)
ENDS_THE_SHOP = {"q", "ctrl+q", "ctrl+c"}
SELECTORS = set(MODE_KEYS) | set(RECIPE_KEYS)  # pressed as the loops below choose
# Keys whose effect does not depend on the recipe or the mode (the palette, rush hour with
# its own recipe and crew, + under another name): pressed once, after the loops of the
# first recipe (rush hour is seconds of 5,000 baristas: six times would say nothing more).
ONCE = {"ctrl+p", "R", "equals_sign"}


def other_keys() -> list[str]:
    keys = []
    for b in ShopApp.BINDINGS:
        key = b.key if isinstance(b, Binding) else b[0]
        if key not in ENDS_THE_SHOP | SELECTORS | ONCE and key not in keys:
            keys.append(key)
    return keys


async def press_and_survive(pilot, key: str) -> None:
    app = pilot.app
    await press_key(pilot, key)
    assert app.is_running and app._exception is None, f"{key!r} ended the shop"
    while app.screen is not app.screen_stack[0]:  # a key opened a screen: back to the shop
        await press_key(pilot, "escape")
        await pilot.pause(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("recipe_key", sorted(RECIPE_KEYS))
async def test_no_key_ends_the_shop_in_any_recipe_or_mode(kitchen, tmp_path, recipe_key):
    keys = other_keys()
    assert {"c", "question_mark", "space", "escape", "k", "l", "x"} <= set(keys)  # the list is real
    app = make_app(kitchen, tmp_path, orders=2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        for mode_key in MODE_KEYS:
            await press_and_survive(pilot, mode_key)
            await press_and_survive(pilot, recipe_key)
            for key in keys:
                await press_and_survive(pilot, key)
            await press_and_survive(pilot, "escape")  # whatever runs stops
            await until(pilot, lambda: not app.run_state.running, timeout=60)
        for key in sorted(ONCE) if recipe_key == min(RECIPE_KEYS) else ():  # once in the suite
            await press_and_survive(pilot, key)
        await press_and_survive(pilot, "escape")
        await until(pilot, lambda: not app.run_state.running, timeout=60)
        assert app.is_running and app._exception is None
