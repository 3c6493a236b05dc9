"""Rush hour in the engine: summarised streams, memory figures, refused threads."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.engine import rush
from chaishop.core.measure.memory import MemoryWatch
from chaishop.core.engine.shop import Run
from chaishop.core.measure.summary import Summariser
from chaishop.core.protocol.gauges import CELL_BREWING, CELL_DONE, CELL_FAILED, CELL_STARTING, CELL_WAITING, CrewSummary
from testkit import FakeClock


def test_summariser_tracks_each_barista_and_reports_at_a_steady_rate():
    clock = FakeClock()
    s = Summariser(ev.RunSpec("threads", "orders", 3, 3, 1, 1.0, run=7), clock, every_s=0.1)
    assert s.add(ev.Event(ev.STARTED, 1, "a")) is None  # not due yet
    s.add(ev.Event(ev.STARTED, 2, "b"))
    s.add(ev.Event(ev.TAKEN, 1, "a", order=1))
    s.add(ev.Event(ev.PROGRESS, 2, "b", order=2, phase=ev.PHASE_BREW))
    clock.now = 0.15
    got = s.add(ev.Event(ev.FAILED, 3, "c", detail="the OS refused a thread: can't start new thread"))
    assert isinstance(got, CrewSummary) and got.run == 7 and got.events == 5
    assert list(got.states) == [CELL_WAITING, CELL_BREWING, CELL_FAILED]  # orders start with a wait
    assert got.clocked_in == 2 and got.count(CELL_FAILED) == 1 and got.count(CELL_STARTING) == 0
    assert got.failures == (("the OS refused a thread: can't start new thread", 1),)
    assert s.add(ev.Event(ev.DONE, 1, "a", order=1)) is None  # next one due at 0.25
    s.add(ev.Event(ev.FINISHED, 1, "a"))
    s.add(ev.Event(ev.PROGRESS, 3, "c", phase=ev.PHASE_WAIT))  # late word from a failed barista
    final = s.summary(final=True)
    assert list(final.states) == [CELL_DONE, CELL_BREWING, CELL_FAILED] and final.orders_done == 1
    assert final.final and final.events == 3
    assert pickle.loads(pickle.dumps(final)) == final  # crosses the kitchen's pipe


def test_a_big_crew_sends_summaries_not_events_and_its_memory():
    out: list[object] = []
    n = rush.SUMMARISE_ABOVE * 10
    result = Run(ev.RunSpec("asyncio", "orders", n, n, 1, 0.3, run=2), out.append,
                 summarise=True).execute()
    assert result.complete and result.orders_done == n
    kinds = {type(m).__name__ for m in out}
    assert kinds == {"RunStarted", "CrewSummary", "RunFinished"}  # no single Event
    summaries = [m for m in out if isinstance(m, CrewSummary)]
    assert summaries[-1].final and summaries[-1].count(CELL_DONE) == n
    assert summaries[-1].orders_done == n and summaries[-1].clocked_in == n
    # Every event was summarised: 4 per barista (started, taken, done, finished) at least.
    assert sum(s.events for s in summaries) >= 4 * n
    assert result.peak_rss_mib >= result.idle_rss_mib > 0
    assert result.rss_per_barista_kib >= 0 and result.os_threads_peak >= 2


@pytest.mark.alone
def test_a_threads_rush_hour_counts_every_thread_it_started():
    # 1,000 threads each holding a 1.5 s order: all of them are alive at once, and the
    # run's peak of OS threads must say so (it once read 2: sampled only after start-up).
    n = 1_000
    seen: list[object] = []
    result = Run(ev.RunSpec("threads", "orders", n, n, 1, 1.5), seen.append, summarise=True).execute()
    assert result.complete and result.orders_done == n
    # All n at once only if starting them takes less than an order: in CI a starved run once
    # took 27 s to start them (the first had long finished) and the peak read 791.  Half of
    # them is far from the 2 this test is for, and holds whatever the machine's load.
    assert result.os_threads_peak >= n // 2, (
        f"peak {result.os_threads_peak} OS threads; wall {result.wall_s:.1f} s, start-up "
        f"{result.startup_s:.1f} s, CPU {result.cpu_s:.1f} s, others {result.other_cpu_cores} cores")
    assert result.rss_per_barista_kib > 0


def test_a_long_start_is_sampled_while_it_happens():
    from chaishop.core.crews.threads import ThreadCrew
    from chaishop.core.workloads.recipes import make_orders

    crew = ThreadCrew(rush.SUMMARISE_ABOVE * 4)
    beats: list[int] = []
    crew.heartbeat = lambda: beats.append(len(crew.launched))
    with crew:
        crew.start(make_orders("orders", crew.baristas, 1, 0.05))
        assert all(e.kind != ev.FAILED for e in crew.events())
    assert beats == list(range(1, crew.baristas + 1))  # once per barista started


def test_a_small_crew_still_forwards_every_event():
    out: list[object] = []
    Run(ev.RunSpec("threads", "orders", 2, 2, 1, 0.1, run=1), out.append).execute()
    assert not any(isinstance(m, CrewSummary) for m in out)
    assert sum(isinstance(m, ev.Event) and m.kind == ev.DONE for m in out) == 2


def test_check_ins_thin_out_with_the_crew_but_a_cancel_is_never_far():
    assert rush.checkin_s(2) == rush.checkin_s(16) == 0.05  # small crews as before
    assert rush.checkin_s(1000) == 0.2
    assert rush.checkin_s(5000) == 1.0  # one sleep per one-second order, like a bare script
    assert rush.checkin_s(10_000) == rush.checkin_s(1_000_000) == rush.MAX_CHECKIN_S
    assert not rush.summarised(rush.SUMMARISE_ABOVE) and rush.summarised(rush.SUMMARISE_ABOVE + 1)


def test_memory_watch_sees_a_thread_and_its_memory():
    import threading

    w = MemoryWatch(every_s=0.01).start()
    gone = threading.Event()
    blob = bytearray(32 * 1024 * 1024)  # touched: resident
    t = threading.Thread(target=gone.wait)
    t.start()
    try:
        import time

        time.sleep(0.1)
    finally:
        gone.set()
        t.join()
    peaks = w.stop()
    assert peaks.peak_rss_mib - peaks.idle_rss_mib >= 30
    assert peaks.os_threads_peak >= 3  # main, the watch, the waiting thread
    assert peaks.per_barista_kib(2) >= 15 * 1024
    del blob


def test_a_thread_the_os_refuses_is_a_failed_barista_not_a_crash():
    # Huge stacks under a low address-space limit: the OS refuses most threads.
    script = textwrap.dedent("""
        import resource, threading, psutil
        from chaishop.core.protocol import events as ev
        from chaishop.core.engine.shop import run
        threading.stack_size(64 * 1024 * 1024)
        vms = psutil.Process().memory_info().vms
        resource.setrlimit(resource.RLIMIT_AS, (vms + 400 * 1024 * 1024, resource.RLIM_INFINITY))
        out = []
        r = run(ev.RunSpec("threads", "orders", 20, 20, 1, 0.1), out.append)
        reasons = {e.detail for e in out if isinstance(e, ev.Event) and e.kind == ev.FAILED}
        print(r.failed, r.orders_done, sorted(reasons))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    failed, done, reasons = out.stdout.split(" ", 2)
    assert 0 < int(failed) < 20  # some threads started, the rest were refused
    assert int(done) == 20  # those that started served every order
    assert "the OS refused a thread: can't start new thread" in reasons


def test_the_rush_hour_timeline_shows_how_many_were_in_each_state():
    from chaishop.core.measure.summary import aggregate

    crew = 8
    samples = [(0.0, (8, 0, 0, 0, 0, 0)),  # everyone starting
               (1.0, (0, 0, 8, 0, 0, 0)),  # all waiting
               (2.0, (0, 0, 4, 0, 4, 0)),  # half done
               (3.0, (0, 0, 0, 0, 7, 1))]  # done, one failed
    lanes = aggregate(samples, 0.0, 4.0, crew, 4)
    assert lanes[CELL_WAITING] == "█▄  "
    assert lanes[CELL_DONE] == " ▄▇▇"
    assert lanes[CELL_FAILED] == "  ▁▁" and lanes[CELL_BREWING] == "    "


def test_caps_threads_and_tasks_to_10000_processes_per_core_with_the_reason():
    from chaishop.core import menu

    assert menu.crew_cap("threads", 2)[0] == menu.crew_cap("asyncio", 64)[0] == 10_000
    cap, why = menu.crew_cap("processes", 2)
    assert cap == 16 and "8 per core" in why and "asyncio or threads" in why
    assert menu.crew_cap("processes", 4)[0] == 32
    assert menu.crew_cap("interpreters", 2)[0] == 16
    assert menu.crew_cap("sequential", 2)[0] == 16  # one barista; the crew only sets orders
    assert [menu.next_size(n, +1) for n in (1, 2, 8, 16, 100, 1000, 10_000)] == \
        [2, 4, 16, 100, 1000, 10_000, 10_000]
    assert [menu.next_size(n, -1) for n in (10_000, 100, 16, 3, 1)] == [1000, 16, 8, 2, 1]


def test_the_cli_says_why_a_crew_is_too_big():
    out = subprocess.run([sys.executable, "-m", "chaishop", "--mode", "processes", "--baristas",
                          "5000"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "8 per core" in out.stderr and "whole Python interpreter" in out.stderr


def test_a_rush_hour_of_threads_stopped_while_starting_ends_at_once():
    import threading
    import time

    from chaishop.core.crews.threads import ThreadCrew
    from chaishop.core.workloads.recipes import make_orders

    crew = ThreadCrew(3000)
    threading.Timer(0.2, crew.cancel).start()  # while threads are still starting
    t0 = time.perf_counter()
    with crew:
        crew.start(make_orders("orders", 3000, 1, 5.0))
        ends = [e for e in crew.events() if e.kind in ev.TERMINAL_KINDS]
    assert len(ends) == 3000 and all(e.detail == "cancelled" for e in ends)
    assert time.perf_counter() - t0 < 30  # not the 5 s orders, not thousands more starts


def test_a_rush_hour_gets_no_automatic_sequential_baseline():
    # One barista serving 5,000 one-second orders would take over an hour; a small
    # crew of the same recipe still gets its baseline first.
    from types import SimpleNamespace

    from chaishop.ui.baseline import BaselinePlanner

    truth = BaselinePlanner(SimpleNamespace(results=[], ready=None), auto=True)
    rush = ev.RunSpec("asyncio", "orders", 5000, 5000, 1, 1.0)
    assert truth.plan(rush) == rush and truth.pending is None
    small = ev.RunSpec("asyncio", "orders", 4, 8, 1, 1.0)
    first = truth.plan(small)
    assert (first.mode, first.baseline, truth.pending) == ("sequential", True, small)


def test_the_kitchen_summarises_big_crews_but_never_a_sequential_run():
    from chaishop.core.engine.shop import kitchen_run

    assert kitchen_run(ev.RunSpec("threads", "orders", 100, 100, 1, 0.01), print).summarise
    assert not kitchen_run(ev.RunSpec("threads", "orders", 16, 16, 1, 0.01), print).summarise
    assert not kitchen_run(ev.RunSpec("sequential", "orders", 100, 100, 1, 0.01), print).summarise


def test_a_threads_rush_hour_is_given_longer_before_the_kitchen_counts_as_silent():
    # 5,000 threads starting take the GIL from the kitchen's heartbeat for seconds:
    # the supervisor must not call that kitchen hung (and end it on esc).
    from chaishop.core.kitchen import supervisor as sv

    s = sv.Supervisor()  # never started: no kitchen
    assert s._limit(sv.SILENT_AFTER_S) == sv.SILENT_AFTER_S
    s.watch = sv._RunWatch(ev.RunSpec("threads", "orders", 5000, 5000, 1, 1.0))
    assert s._limit(sv.HUNG_AFTER_S) == sv.RUSH_SILENT_S
    s.watch = sv._RunWatch(ev.RunSpec("asyncio", "orders", 5000, 5000, 1, 1.0))
    assert s._limit(sv.SILENT_AFTER_S) == sv.SILENT_AFTER_S
    s.watch = sv._RunWatch(ev.RunSpec("threads", "orders", 8, 8, 1, 1.0))
    assert s._limit(sv.SILENT_AFTER_S) == sv.SILENT_AFTER_S
