"""A lesson's switches in the shop, one key each (core/menu Option.keys): the key of a
choice sets it and runs; pressed again it goes back to the default; the switch's own key
steps through the choices; in a recipe without that switch the key says whose it is."""

from __future__ import annotations

import pytest

from chaishop.core.menu import OPTION_KEYS, RECIPES, switch_for
from testkit import make_app, until

KITCHEN_SIZE = 100_000
SIZE = (160, 45)


def test_every_switch_key_means_one_thing_in_each_recipe():
    for recipe in RECIPES:
        mine = [k for k in OPTION_KEYS if switch_for(recipe, k) is not None]
        assert len(mine) == len(set(mine)), recipe
    assert switch_for("forks", "O")[1] == "order" and switch_for("forks", "F")[1] is None
    assert switch_for("counter", "T")[1] == "to_thread" and switch_for("forks", "T")[1] == "trylock"
    assert switch_for("brew", "O") is None


@pytest.mark.alone
async def test_a_fix_has_its_own_key_and_a_second_press_takes_it_back(kitchen):
    app = make_app(kitchen, mode="threads", recipe="forks", baristas=3, orders=3, order_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)

        async def press(key: str):
            before = len(app.results)
            await pilot.press(key)
            await until(pilot, lambda: len(app.results) > before, timeout=30)
            return app.results[-1]

        r = await press("W")  # the waiter: N-1 seats, every meal served
        assert app.options["fix"] == "waiter" and r.complete and not r.lesson.deadlocked
        assert "waiter" in str(app.lesson.border_subtitle)
        r = await press("W")  # again: back to no fix, and the table deadlocks
        assert app.options["fix"] == "none" and r.lesson.deadlocked
        r = await press("F")  # the fix key steps: none -> order
        assert app.options["fix"] == "order" and r.complete

        await pilot.press("b")  # brew has no fixes: O says whose key it is, and runs nothing
        await until(pilot, lambda: not app.run_state.running, timeout=30)
        await pilot.press("escape")
        shown = len(app.results)
        await pilot.press("O")
        await pilot.pause(0.2)
        assert len(app.results) == shown and app.options["fix"] == "order"
        assert any("forks" in n.message for n in app._notifications)
