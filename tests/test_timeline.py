"""The timeline: segments and cells from synthetic and real event streams."""

from __future__ import annotations

import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.crews import CREWS
from chaishop.core.engine.shop import run
from chaishop.core.measure.timeline import BREWING, IDLE, WAITING, Segment, build, render


def E(kind, t, barista=1, **kw):
    return ev.Event(kind, barista, f"Barista-{barista}", t=t, **kw)


def recorded(spec: ev.RunSpec) -> tuple[ev.RunResult, float, list[ev.Event]]:
    """A real run: its result, its start (RunStarted.t0) and its barista events in order."""
    got: list[ev.Event] = []
    t0: list[float] = []

    def sink(m):
        if isinstance(m, ev.RunStarted):
            t0.append(m.t0)
        elif isinstance(m, ev.Event):
            got.append(m)

    result = run(spec, sink)
    return result, t0[0], got


def one_barista():
    """Started at 0, brews order 1 from 1 to 3, waits on order 2 from 4 to 6, off at 8."""
    return [
        E(ev.STARTED, 0.0),
        E(ev.TAKEN, 1.0, order=1),
        E(ev.PROGRESS, 2.0, order=1, progress=0.5, phase=ev.PHASE_BREW),
        E(ev.DONE, 3.0, order=1, progress=1.0),
        E(ev.TAKEN, 4.0, order=2),
        E(ev.PROGRESS, 5.0, order=2, progress=0.5, phase=ev.PHASE_WAIT),
        E(ev.DONE, 6.0, order=2, progress=1.0),
        E(ev.FINISHED, 8.0),
    ]


def test_segments_follow_taken_progress_done():
    tl = build(one_barista())
    assert tl.lanes[1] == [Segment(0.0, 1.0, IDLE), Segment(1.0, 3.0, BREWING),
                           Segment(3.0, 4.0, IDLE), Segment(4.0, 6.0, WAITING),
                           Segment(6.0, 8.0, IDLE)]
    assert tl.busy_s(1, BREWING) == 2.0 and tl.busy_s(1, WAITING) == 2.0


def test_segments_cover_the_whole_run_without_gaps():
    events = one_barista() + [E(ev.STARTED, 0.5, 2), E(ev.TAKEN, 0.5, 2, order=3),
                              E(ev.FAILED, 2.5, 2, detail="knocked out")]
    tl = build(events, t0=-1.0, t1=10.0)
    for segments in tl.lanes.values():
        assert segments[0].start == -1.0 and segments[-1].end == 10.0
        assert all(a.end == b.start for a, b in zip(segments, segments[1:]))
    # no PROGRESS yet: a barista holding an order counts as brewing until told otherwise
    assert Segment(0.5, 2.5, BREWING) in tl.lanes[2]


def test_mixed_order_switches_phase_at_progress_events():
    events = [E(ev.STARTED, 0.0), E(ev.TAKEN, 0.0, order=1),
              E(ev.PROGRESS, 1.0, order=1, progress=0.25, phase=ev.PHASE_WAIT),
              E(ev.PROGRESS, 2.0, order=1, progress=0.5, phase=ev.PHASE_WAIT),
              E(ev.PROGRESS, 3.0, order=1, progress=0.75, phase=ev.PHASE_BREW),
              E(ev.DONE, 4.0, order=1, progress=1.0), E(ev.FINISHED, 4.0)]
    assert [(s.start, s.end, s.state) for s in build(events).lanes[1]] == [
        (0.0, 2.0, WAITING), (2.0, 4.0, BREWING)]


def test_render_draws_cells_by_majority():
    lanes = render(build(one_barista()), 8)
    assert lanes == {1: " ██ ░░  "}
    assert render(build(one_barista()), 16)[1] == "  ████  ░░░░    "


def test_render_edge_cases():
    assert render(build([]), 5) == {}
    assert render(build([E(ev.STARTED, 1.0), E(ev.FINISHED, 1.0)]), 3) == {1: "   "}
    with pytest.raises(ValueError):
        render(build(one_barista()), 0)


@pytest.mark.parametrize("mode", ["threads", "processes", "interpreters"])
def test_a_real_run_gives_a_sensible_timeline(mode):
    if mode not in CREWS:
        pytest.skip(f"no {mode} crew on this Python")
    result, t0, got = recorded(ev.RunSpec(mode, "mixed", 2, 4, 2_000_000, 0.1))
    assert result.complete
    tl = build(got, t0=t0)
    assert set(tl.lanes) == {1, 2}
    for b in (1, 2):
        assert tl.busy_s(b, WAITING) > 0 and tl.busy_s(b, BREWING) > 0
        busy = tl.busy_s(b, WAITING) + tl.busy_s(b, BREWING)
        assert busy <= tl.duration + 1e-9
    cells = render(tl, 40)
    assert all(len(lane) == 40 for lane in cells.values())
    assert all(set(lane) <= {"█", "░", " "} and "░" in lane for lane in cells.values())


def test_a_stretch_without_a_phase_is_judged_by_the_cpu_it_used():
    events = [E(ev.STARTED, 0.0, cpu_s=0.0), E(ev.TAKEN, 0.0, order=1, cpu_s=0.0),
              E(ev.PROGRESS, 1.0, order=1, progress=0.5, phase=ev.PHASE_WAIT, cpu_s=0.01),
              E(ev.DONE, 2.0, order=1, progress=1.0, cpu_s=0.9),  # busy CPU: it brewed
              E(ev.TAKEN, 2.0, order=2, cpu_s=0.9),
              E(ev.DONE, 3.0, order=2, progress=1.0, cpu_s=0.91),  # no CPU: it waited
              E(ev.FINISHED, 3.0, cpu_s=0.91)]
    assert [(s.start, s.end, s.state) for s in build(events).lanes[1]] == [
        (0.0, 1.0, WAITING), (1.0, 2.0, BREWING), (2.0, 3.0, WAITING)]


def test_the_running_timeline_stepped_event_by_event_matches_one_built_from_all():
    # The live timeline never rebuilds: stepped through a real run's events as they come,
    # at any moment it shows what build() makes of the events so far.
    from chaishop.core.measure.running_timeline import RunningTimeline
    from chaishop.core.measure.timeline import cells

    result, t0, got = recorded(ev.RunSpec("threads", "mixed", 2, 4, 300_000, 0.03))
    assert result.complete
    live = RunningTimeline(t0)
    for i, e in enumerate(got, 1):
        live.add(e)
        if i in (len(got) // 3, len(got)):
            t1 = max(x.t for x in got[:i]) + 0.01
            now, whole = live.at(t1), build(got[:i], t0, t1)
            assert now.lanes == whole.lanes and now.series == whole.series
            assert cells(now, 30) == cells(whole, 30)
