"""The share of a core each barista really got: from synthetic events, per cell and per run.

Synthetic streams stand for each kind of crew, with the CPU clocks a real one
reports (tests/test_engine.py and the bench check real runs):
two GIL-bound threads alternate 5 ms turns, two processes each own a core,
asyncio tasks brew one after the other, a waiting barista uses almost nothing.
"""

from __future__ import annotations

import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.measure import timeline as tl
from chaishop.core.measure.stopwatch import barista_stats

STEP = 0.05  # progress every 50 ms, like chaishop.core.engine.reporter


def lane(b, start, end, share, core_wait_share=0.0, phase=ev.PHASE_BREW, order=1, cpu0=0.0):
    """A barista that held one order from start to end, getting ``share`` of a core."""
    evs = [ev.Event(ev.STARTED, b, f"B{b}", t=start, cpu_s=cpu0, core_wait_s=0.0),
           ev.Event(ev.TAKEN, b, f"B{b}", t=start, order=order, cpu_s=cpu0, core_wait_s=0.0)]
    n = round((end - start) / STEP)
    for i in range(1, n + 1):
        t = start + i * STEP
        evs.append(ev.Event(ev.PROGRESS, b, f"B{b}", t=t, order=order, progress=i / n, phase=phase,
                            cpu_s=cpu0 + share * (t - start),
                            core_wait_s=core_wait_share * (t - start)))
    last = evs[-1]
    evs.append(ev.Event(ev.DONE, b, f"B{b}", t=end, order=order, cpu_s=last.cpu_s,
                        core_wait_s=last.core_wait_s))
    evs.append(ev.Event(ev.FINISHED, b, f"B{b}", t=end, cpu_s=last.cpu_s,
                        core_wait_s=last.core_wait_s))
    return evs


def shares(events, n=20):
    t = tl.build(events)
    return {b: [c.share for c in cs] for b, cs in tl.cells(t, n).items()}, tl.cells(t, n)


def test_two_gil_bound_threads_get_half_a_core_each_and_wait_for_the_gil():
    events = lane(1, 0.0, 2.0, 0.5) + lane(2, 0.0, 2.0, 0.5)
    got, cells = shares(events)
    for b in (1, 2):
        assert all(s == pytest.approx(0.5, abs=0.01) for s in got[b])
        assert {c.state for c in cells[b]} <= {tl.GIL_WAIT, tl.ON_CORE}
    assert set(tl.render_shares(tl.build(events), 10)[1]) == {"▄"}
    for s in barista_stats(events):
        assert s.cpu_share == pytest.approx(0.5, abs=0.01)
        assert s.gil_wait_s / s.busy_s == pytest.approx(0.5, abs=0.02)
        assert s.core_wait_s == 0.0


def test_processes_get_a_whole_core_each():
    events = lane(1, 0.0, 1.0, 1.0) + lane(2, 0.0, 1.0, 0.98)
    got, cells = shares(events, 10)
    assert all(s > 0.95 for b in (1, 2) for s in got[b])
    assert all(c.state == tl.ON_CORE for b in (1, 2) for c in cells[b])
    assert tl.render_shares(tl.build(events), 10)[1] == "█" * 10
    assert all(s.gil_wait_s < 0.05 * s.busy_s for s in barista_stats(events))


def test_a_busy_machine_shows_as_waiting_for_a_core_not_for_the_gil():
    events = lane(1, 0.0, 1.0, 0.4, core_wait_share=0.6)
    _, cells = shares(events, 5)
    assert all(c.state == tl.CORE_WAIT for c in cells[1])
    (s,) = barista_stats(events)
    assert s.core_wait_s == pytest.approx(0.6, abs=0.01) and s.gil_wait_s < 0.01


def test_asyncio_tasks_brew_one_at_a_time():
    # Task 1 brews from 0 to 1 (the loop is its), task 2 from 1 to 2; each idle otherwise.
    events = lane(1, 0.0, 1.0, 1.0) + [
        e for e in lane(2, 1.0, 2.0, 1.0)]
    t = tl.build(events, 0.0, 2.0)
    strips = tl.render_shares(t, 10)
    assert strips[1] == "█████     " and strips[2] == "     █████"


def test_waiting_barista_uses_almost_nothing():
    events = lane(1, 0.0, 1.0, 0.01, phase=ev.PHASE_WAIT)
    got, cells = shares(events, 5)
    assert all(s < 0.05 for s in got[1])
    assert all(c.state == tl.IO_WAIT for c in cells[1])
    assert set(tl.render_shares(tl.build(events), 5)[1]) == {"░"}
    (s,) = barista_stats(events)
    assert s.gil_wait_s == 0.0  # off a core while waiting for I/O is not the GIL


def test_cells_without_a_cpu_clock_fall_back_to_states():
    events = [ev.Event(ev.STARTED, 1, "B1", t=0.0), ev.Event(ev.TAKEN, 1, "B1", t=0.0, order=1),
              ev.Event(ev.DONE, 1, "B1", t=1.0, order=1), ev.Event(ev.FINISHED, 1, "B1", t=2.0)]
    t = tl.build(events)
    assert [c.share for c in tl.cells(t, 2)[1]] == [None, None]
    assert tl.render_shares(t, 2)[1] == "█ "
    (s,) = barista_stats(events)
    assert s.cpu_s is None and s.cpu_share is None and s.gil_wait_s is None


def test_an_outside_sampler_replaces_the_events_clock():
    events = lane(1, 0.0, 1.0, 1.0)
    samples = {1: [(i / 10, 0.5 * i / 10, 0.0) for i in range(11)]}  # it says: half a core
    t = tl.build(events, samples=samples)
    assert all(c.share == pytest.approx(0.5) for c in tl.cells(t, 5)[1])
    assert tl.mean_share(t, 1) == pytest.approx(0.5)


def test_time_before_the_first_outside_reading_is_not_called_a_gil_wait():
    # A process barista takes its order at 0; the front of house first reads its
    # counters at 0.3 s and last at 0.8 s (then the process is gone). The cells
    # outside the readings are unknown, not "waiting for the GIL".
    events = lane(1, 0.0, 1.0, 1.0)
    samples = {1: [(0.3 + i / 10, i / 10, 0.0) for i in range(6)]}
    cells = tl.cells(tl.build(events, samples=samples), 10)[1]
    outside = cells[:3] + cells[8:]
    assert all(c.share is None and c.state == tl.ON_CORE for c in outside)
    assert all(c.state != tl.GIL_WAIT for c in cells)
    assert all(c.share == pytest.approx(1.0) for c in cells[3:8])


def test_per_barista_stats_count_only_the_time_orders_were_held():
    # Held 0..1 at a full core, idle 1..3 (asleep, not the GIL), held 3..4 at half a core.
    events = lane(1, 0.0, 1.0, 1.0)[:-1] + [
        e for e in lane(1, 3.0, 4.0, 0.5, order=2, cpu0=1.0)[1:]]
    (s,) = barista_stats(events)
    assert s.busy_s == pytest.approx(2.0)
    assert s.cpu_s == pytest.approx(1.5, abs=0.01)
    assert s.cpu_share == pytest.approx(0.75, abs=0.01)
    assert s.gil_wait_s == pytest.approx(0.5, abs=0.02)
    assert s.served == 2
    assert s.to_dict()["cpu_share"] == pytest.approx(0.75, abs=0.01)
