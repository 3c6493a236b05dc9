"""The counter lesson in the real app (Pilot, the real kitchen): its key, its switches, the
switch-interval keys, and the lesson panel's words; the view's text from scripted events."""

from __future__ import annotations

import sys

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import counter_steps as cs
from chaishop.core.workloads.counter import CounterResult
from chaishop.ui.lessons.counter import CounterView, bar
from testkit import make_app, result, until

KITCHEN_SIZE = 100_000  # a few milliseconds of brewing per order
SIZE = (160, 45)


async def run_key(pilot, key: str):
    app = pilot.app
    before = len(app.results)
    await pilot.press(key)
    await until(pilot, lambda: len(app.results) > before, timeout=30)
    return app.results[-1]


async def test_the_counter_key_runs_it_and_the_brackets_change_the_switch_interval(kitchen):
    app = make_app(kitchen, mode="threads", baristas=2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        r = await run_key(pilot, "w")
        assert (r.recipe, r.mode, r.complete) == ("counter", "threads", True)
        default = sys.getswitchinterval() * 1000
        assert r.lesson.switch_interval_ms == default and r.lesson.alone_replies > 0
        panel = app.lesson
        assert not panel.has_class("-off") and "Counter" in str(panel.border_title)
        assert f"switch interval {default:g} ms" in str(panel.border_subtitle)
        assert "busy  p50" in str(panel.render()) and "alone p50" in str(panel.render())
        r = await run_key(pilot, "right_square_bracket")  # double: the kitchen sets it for the run
        assert r.lesson.switch_interval_ms == 2 * default
        assert f"switch {2 * default:g} ms" in str(app.header.render())
        assert f"switch interval {2 * default:g} ms" in str(panel.border_subtitle)
        await run_key(pilot, "left_square_bracket")
        r = await run_key(pilot, "left_square_bracket")
        assert r.lesson.switch_interval_ms == default / 2 and app.switch_ms == default / 2


async def test_the_blocking_switches_step_and_run_in_asyncio(kitchen):
    app = make_app(kitchen, mode="asyncio", baristas=3, recipe="counter")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        r = await run_key(pilot, "v")  # block: none -> sleep
        assert (r.lesson.block, r.lesson.unblock) == ("sleep", "none") and r.complete
        assert r.lesson.loop_lag_max_ms is not None
        r = await run_key(pilot, "u")  # unblock: none -> to_thread
        assert (r.lesson.block, r.lesson.unblock) == ("sleep", "to_thread") and r.complete
        assert "to_thread" in str(app.lesson.border_subtitle)
        r = await run_key(pilot, "n")  # io: sleep -> socket
        assert r.lesson.io == "socket" and r.complete


def late(phase: str, *ms: float) -> ev.Event:
    return ev.Event(ev.PROGRESS, 1, "t", word=(cs.LATE, phase, tuple(x / 1000 for x in ms)))


def test_the_view_shows_alone_and_busy_with_a_sparkline_then_says_why():
    spec = ev.RunSpec("threads", "counter", 3, 6, 1000, 1.0, switch_interval_ms=0.5)
    view = CounterView(spec)
    assert "switch interval 0.5 ms" in view.titles()[1]
    view.observe(late(cs.ALONE, 0.1, 0.1, 0.2))
    view.observe(late(cs.BUSY, 5, 10, 30))
    text = view.live()
    assert "alone: p50 0.10 ms" in text and "(3 replies)" in text
    assert "busy:  p50 10.0 ms" in text and "busy p50 = 100x alone (derived)" in text
    assert text.splitlines()[-1].startswith("worst per 50 ms ") and bar(0.2) in text
    lesson = CounterResult("sleep", "none", "none", 5.0, busy=(0.007, 0.017, 0.05),
                           alone=(0.0001, 0.0002, 0.0003), replies=300, alone_replies=350)
    done = view.finish(result("threads", "counter", lesson=lesson), [])
    assert "busy  p50 7.00 ms" in done and "busy 70.0x later" in done and "convoy" in done
    blocked = CounterResult("sleep", "sleep", "none", 5.0, busy=(0.0003, 0.0005, 0.4),
                            alone=(0.0003, 0.0004, 0.001), loop_lag_p50_ms=0.5,
                            loop_lag_max_ms=412.0, slow_callbacks=1,
                            slow_lines=("Barista-2 held the loop 0.400 s (asyncio debug)",))
    done = view.finish(result("asyncio", "counter", lesson=blocked), [])
    assert "max 412 ms" in done and "⚠ asyncio debug mode, 1x: Barista-2 held the loop" in done
    assert "to_thread" in done


def test_the_sparkline_is_a_log_scale_from_10_us_to_1_s():
    assert bar(0.001) == "▁" and bar(1000) == bar(5000) == "█"
    assert [bar(x) for x in (0.01, 0.1, 1, 10, 100)] == sorted(bar(x) for x in (0.01, 0.1, 1, 10, 100))
