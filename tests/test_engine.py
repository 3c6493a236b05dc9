"""The engine: every crew serves every order and says so, and cleans up after itself."""

from __future__ import annotations

import collections
import threading
import time

import psutil
import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.crews import MODES as ALL_MODES
from chaishop.core.crews import make_crew
from chaishop.core.workloads.recipes import BREW, MIXED, ORDERS, SPILL, make_orders
from chaishop.core.engine.shop import Run, run
from chaishop.core.measure.stopwatch import Stopwatch
from testkit import SPEC_WAIT_S, TINY_SIZE, cmdline, spec

# dask has its own tests (tests/test_dask.py).  Known issue: under pytest, a first dask
# run now and then waits for its first tasks (never seen from the shop, bench or a script);
# the crew ends such a run after STALL_S with the scheduler's view of each task.
MODES = tuple(m for m in ALL_MODES if m != "dask")


def record(s: ev.RunSpec) -> tuple[ev.RunResult, list[object]]:
    """The run's messages (a warm cluster's ClusterReady, sent before the run, left out)."""
    seen: list[object] = []
    result = run(s, lambda m: None if isinstance(m, ev.ClusterReady) else seen.append(m))
    return result, seen


def warm(mode: str, baristas: int = 2) -> None:
    """Start what a crew keeps warm (the Dask cluster: seconds) before a timed test."""
    if mode == "dask":
        from chaishop.core.crews import dask_cluster

        dask_cluster.ensure(baristas)


def barista_events(seen: list[object]) -> dict[int, list[ev.Event]]:
    per: dict[int, list[ev.Event]] = collections.defaultdict(list)
    for e in seen:
        if isinstance(e, ev.Event):
            per[e.barista].append(e)
    return per


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("recipe", [BREW, ORDERS, MIXED])
def test_every_crew_serves_every_order_with_the_full_event_sequence(mode, recipe):
    result, seen = record(spec(mode, recipe, run=7))
    assert isinstance(seen[0], ev.RunStarted) and isinstance(seen[-1], ev.RunFinished)
    assert seen[-1].result == result
    per = barista_events(seen)
    expected_crew = 1 if mode == "sequential" else 2
    assert sorted(per) == list(range(1, expected_crew + 1))
    taken, done = [], []
    for events in per.values():
        kinds = [e.kind for e in events]
        assert kinds[0] == ev.STARTED and kinds[-1] == ev.FINISHED
        assert kinds.count(ev.STARTED) == 1 and kinds.count(ev.FINISHED) == 1
        assert ev.FAILED not in kinds
        # Between TAKEN and DONE of an order only that order's progress appears.
        current = None
        for e in events[1:-1]:
            if e.kind == ev.TAKEN:
                assert current is None
                current = e.order
                taken.append(e.order)
            elif e.kind == ev.PROGRESS:
                assert e.order == current and 0.0 <= e.progress <= 1.0
                assert e.phase in (ev.PHASE_BREW, ev.PHASE_WAIT)
            elif e.kind == ev.DONE:
                assert e.order == current
                done.append(e.order)
                current = None
        assert all(e.run == 7 for e in events)
        assert len({e.who for e in events}) == 1 and "Barista-" in events[0].who
        assert [e.t for e in events] == sorted(e.t for e in events)
    assert sorted(taken) == sorted(done) == [1, 2, 3, 4, 5]  # each order exactly once
    assert result.complete and result.orders_done == 5 and result.failed == 0
    assert result.baristas == expected_crew
    assert 0 <= result.startup_s <= result.wall_s
    assert result.cpu_s > 0


def test_identities_are_real_workers():
    _, seen = record(spec("threads"))
    whos = {e.who for e in seen if isinstance(e, ev.Event)}
    assert all("thread " in w for w in whos) and len(whos) == 2
    _, seen = record(spec("processes"))
    pids = {int(e.who.rsplit("pid ", 1)[1]) for e in seen if isinstance(e, ev.Event)}
    assert len(pids) == 2 and psutil.Process().pid not in pids
    _, seen = record(spec("asyncio"))
    assert {e.who.split(" · ")[0] for e in seen if isinstance(e, ev.Event)} == {"task Barista-1", "task Barista-2"}


def test_process_baristas_report_their_own_cpu_time():
    result, _ = record(spec("processes", size=2_000_000, orders=4))
    assert set(result.barista_cpu_s) == {1, 2}
    assert all(cpu > 0 for cpu in result.barista_cpu_s.values())
    # Each barista is one single-threaded process: its own CPU time, not its
    # parent's or the whole family's, so never more than the run's wall time.
    assert all(cpu <= result.wall_s + 0.05 for cpu in result.barista_cpu_s.values())


@pytest.mark.parametrize("out_of_process", [True, False])
def test_run_cpu_adds_the_children_only_for_process_baristas(out_of_process):
    """Engine CPU 0.25 s; baristas report 1.5 and 2.0 s (the latest report counts)."""
    ticks = iter([10.0, 10.25])  # the engine's process_time at start and stop
    watch = Stopwatch(spec("processes"), out_of_process, clock=lambda: 100.0,
                      cpu_clock=lambda: next(ticks))
    watch.start()
    for barista, cpu in ((1, 0.5), (2, 2.0), (1, 1.5)):
        watch.observe(ev.Event(ev.DONE, barista, "b", t=100.0, order=1, cpu_s=cpu))
    result = watch.stop(baristas=2, cancelled=False)
    assert result.barista_cpu_s == {1: 1.5, 2: 2.0}
    # In-process baristas' CPU is already in the engine's process_time: never counted twice.
    assert result.cpu_s == pytest.approx(3.75 if out_of_process else 0.25)


@pytest.mark.parametrize("mode", MODES)
def test_a_recipe_that_raises_fails_one_barista_and_the_others_finish(mode):
    baristas = 1 if mode == "sequential" else 2
    result, seen = record(spec(mode, SPILL, baristas=baristas, orders=4))
    failed = [e for e in seen if isinstance(e, ev.Event) and e.kind == ev.FAILED]
    assert len(failed) == 1
    assert "Spilled" in failed[0].detail and "#1" in failed[0].detail
    assert result.failed == 1 and not result.complete
    if mode != "sequential":
        # The other barista served every remaining order.
        assert result.orders_done == 3
        others = [e for e in seen if isinstance(e, ev.Event) and e.barista != failed[0].barista]
        assert others[-1].kind == ev.FINISHED


def _children_now() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)
            if "forkserver" not in cmdline(p) and "resource_tracker" not in cmdline(p)}


@pytest.mark.alone
@pytest.mark.parametrize("mode", MODES)
def test_cancel_mid_run_stops_everyone_promptly_and_leaves_nothing(mode):
    warm(mode)
    r = Run(spec(mode, MIXED, baristas=2, orders=40, size=5_000_000, order_s=1.0))
    results = []
    t = threading.Thread(target=lambda: results.append(r.execute()))
    t.start()
    time.sleep(0.5)
    before = time.perf_counter()
    r.cancel()
    t.join(5)
    assert not t.is_alive()
    assert time.perf_counter() - before < 2.0  # not a timing target: a hang guard
    (result,) = results
    assert result.cancelled and result.orders_done < 40
    assert not [th for th in threading.enumerate() if th.name.startswith(("Barista-", "asyncio-loop"))]
    if mode == "dask":  # the warm cluster stays for the next run; the order left its worker
        assert result.failed == 0
    else:
        assert not _children_now()


def test_knocking_out_a_process_barista_kills_it_and_the_others_go_on():
    r = Run(spec("processes", BREW, baristas=2, orders=6, size=3_000_000))
    seen: list[object] = []
    r.sink = seen.append
    t = threading.Thread(target=r.execute)
    t.start()
    deadline = time.monotonic() + 10
    while not any(isinstance(e, ev.Event) and e.kind == ev.TAKEN for e in seen):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    victim = r.knock_out(1)
    t.join(30)
    assert victim == 1
    failed = [e for e in seen if isinstance(e, ev.Event) and e.kind == ev.FAILED]
    assert [(e.barista, e.detail) for e in failed] == [(1, "killed by SIGKILL")]
    result = seen[-1].result
    assert result.failed == 1
    # Barista 2 served everything that was not in barista 1's hands.
    assert result.orders_done >= 5


@pytest.mark.parametrize("mode", ["threads", "asyncio"])
def test_knocking_out_an_in_process_barista_fails_only_that_one(mode):
    r = Run(spec(mode, BREW, baristas=2, orders=6, size=3_000_000))
    seen: list[object] = []
    r.sink = seen.append
    t = threading.Thread(target=r.execute)
    t.start()
    while not any(isinstance(e, ev.Event) and e.kind == ev.TAKEN for e in seen):
        time.sleep(0.01)
    assert r.knock_out(2) == 2
    t.join(30)
    failed = [e for e in seen if isinstance(e, ev.Event) and e.kind == ev.FAILED]
    assert [(e.barista, e.detail) for e in failed] == [(2, "knocked out by the k key")]


@pytest.mark.parametrize("mode", MODES)
def test_an_order_past_its_timeout_fails_its_barista(mode):
    result, seen = record(spec(mode, BREW, baristas=1, orders=2, size=50_000_000, timeout_s=0.2))
    failed = [e for e in seen if isinstance(e, ev.Event) and e.kind == ev.FAILED]
    assert len(failed) == 1 and "longer than 0.2 s" in failed[0].detail
    assert result.failed == 1


def test_crew_contract_is_a_context_manager_and_runs_once():
    with make_crew("threads", 2) as crew:
        crew.start(make_orders(BREW, 2, TINY_SIZE, SPEC_WAIT_S))
        events = list(crew.events())
        assert crew.wait(5)
        with pytest.raises(RuntimeError):
            crew.start([])
    assert sum(e.kind == ev.DONE for e in events) == 2


def test_bad_crews_and_recipes_are_refused():
    with pytest.raises(ValueError, match="unknown mode"):
        make_crew("telepathy", 2)
    with pytest.raises(ValueError):
        make_crew("threads", 0)
    with pytest.raises(ValueError, match="unknown recipe"):
        make_orders("latte", 2, 1, 0.1)
