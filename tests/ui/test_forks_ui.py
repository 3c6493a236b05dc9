"""The forks lesson in the real app on the real kitchen: the cycle appears, q ends it all.

A deadlocked run's threads sit in their locks in the kitchen process; quitting must not wait
for them.  (The words themselves: tests/ui/test_forks_view.py; the picture: test_snapshots.)
"""

from __future__ import annotations

import multiprocessing.resource_tracker
import time

import pytest

from chaishop.core.kitchen.client import Kitchen
from testkit import make_app, until

SIZE = (160, 45)


@pytest.mark.alone
async def test_the_cycle_appears_and_q_during_the_deadlock_quits_leaving_nothing():
    multiprocessing.resource_tracker.ensure_running()  # as run_app does
    k = Kitchen(size=100_000).start()
    # meals of 0.4 s: each barista thinks 0.2 s with its left fork in hand
    app = make_app(k, mode="threads", order_s=0.4, baristas=3)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.ready is not None)
        await pilot.press("f")
        await until(pilot, lambda: "deadlock after" in app.lesson._shown, timeout=30, step=0.02)
        assert app.run_state.running  # still deadlocked: the kitchen has not ended it yet
        shown = app.lesson._shown
        assert ("barista 1 waits for fork 2, held by barista 2, who waits for fork 3, held by "
                "barista 3, who waits for fork 1, held by barista 1") in shown
        assert "fix (F O W T): none" in str(app.lesson.border_subtitle)
        await until(pilot, lambda: all(any("waits for fork" in line for line in p.log_view.lines)
                                       for p in app.panes[:3]))  # each barista's log says it
        t = time.perf_counter()
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
    quit_s = time.perf_counter() - t
    assert k.process is None  # the kitchen and its deadlocked crew are gone (no_leaks checks)
    print(f"q during a deadlock: the app and kitchen gone in {quit_s:.2f} s")
    assert quit_s < 5  # ~0.1 s measured; loose: a loaded machine is slow, not wrong
