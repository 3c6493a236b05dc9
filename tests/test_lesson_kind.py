"""The lesson registry: a recipe with a kind of its own (core/workloads/lesson_kind.py) runs
through the real engine and crews with nothing but its menu line and its own module."""

from __future__ import annotations

import dataclasses

import pytest

from chaishop.core import menu
from chaishop.core.engine import shop
from chaishop.core.menu import Option, Recipe
from chaishop.core.protocol import events as ev

TALLY = Recipe("tally", "", "tally (a test lesson)", sizing=menu.OWN_UNIT,
               kind="lesson_example:KIND",
               options=(Option("how", ("plain", "fancy"), help="how to tally"),))


@pytest.fixture
def tally(monkeypatch):
    monkeypatch.setitem(menu.RECIPE, "tally", TALLY)
    return TALLY


def test_a_switch_reads_its_default_until_given(tally):
    spec = ev.RunSpec("threads", "tally", 2, 4, 0, 0.1)
    assert spec.option("how") == "plain"
    assert ev.with_option(spec, "how", "fancy").option("how") == "fancy"
    assert spec.option("nothing") == ""
    assert menu.option_of("tally", "how").flag == "--how"
    assert menu.option_of("brew", "how") is None


@pytest.mark.parametrize("mode", ["sequential", "threads", "asyncio"])
def test_a_lesson_of_its_own_sizes_works_and_settles_its_orders(tally, mode):
    events: list[object] = []
    spec = ev.with_option(ev.RunSpec(mode, "tally", 2, 6, 0, 0.1), "how", "fancy")
    result = shop.run(spec, events.append)
    assert result.complete and result.orders_done == 6
    assert result.size == 7  # sized in its own unit (order_size)
    assert result.lesson.total == 42 and result.lesson.words == 6
    assert result.lesson.figures(result.wall_s) == {"tally": 42, "how": "fancy"}
    words = [e.word for e in events if isinstance(e, ev.Event) and e.word]
    assert words == [("added", 7)] * 6


def test_its_view_speaks_in_the_lesson_panel_words(tally):
    from chaishop.core.workloads.lesson_kind import kind_of
    from chaishop.ui.lessons.base import view_for

    spec = ev.RunSpec("threads", "tally", 2, 2, 7, 0.1)
    view = view_for(kind_of("tally"), spec)
    assert view.titles() == ("Tally · threads", "how: plain")
    view.observe(ev.Event(ev.PROGRESS, 1, "t", word=("added", 7)))
    assert view.live() == "added 7 so far"
    result = dataclasses.replace(shop.run(spec), run=0)
    assert view.finish(result, []) == "tally 14 from 2 words"
