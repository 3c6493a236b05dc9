"""Subinterpreter baristas: the Crew contract, on Python 3.12+ (and a clear 'no' on 3.11)."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from chaishop import cli
from chaishop.core.protocol import events as ev
from chaishop.core.crews import CREWS, make_crew
from chaishop.core.crews import interpreters as interp_mod
from chaishop.core.crews.interpreters import InterpreterCrew
from chaishop.core.crews.interpreter_api import interpreters_available
from chaishop.core.workloads.recipes import make_orders
from chaishop.core.engine.shop import Run, run

AVAILABLE, REASON = interpreters_available()
needs_interpreters = pytest.mark.skipif(not AVAILABLE, reason=f"no subinterpreters: {REASON}")

TINY = 200_000  # one brew chunk
BIG = 2_000_000_000  # minutes of counting: only ever cancelled, knocked out or timed out


def _spec(recipe="brew", baristas=2, orders=4, size=TINY, order_s=0.05, timeout_s=None):
    return ev.RunSpec("interpreters", recipe, baristas, orders, size, order_s, timeout_s=timeout_s)


def _record(spec):
    got: list[ev.Event] = []
    result = run(spec, lambda m: got.append(m) if isinstance(m, ev.Event) else None)
    return result, got


def _terminals(events):
    return [(e.barista, e.kind) for e in events if e.kind in ev.TERMINAL_KINDS]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_availability_matches_the_python():
    assert AVAILABLE == (sys.version_info >= (3, 12))
    assert ("interpreters" in CREWS) == AVAILABLE
    assert ("interpreters" in cli.available_modes()) == AVAILABLE
    if not AVAILABLE:
        assert "3.12" in REASON


@pytest.mark.skipif(AVAILABLE, reason="subinterpreters are available on this Python")
def test_unavailable_mode_is_refused_with_the_reason(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["bench", "--modes", "sequential,interpreters"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and REASON in err
    with pytest.raises(ValueError, match="not available"):
        make_crew("interpreters", 2)


@needs_interpreters
def test_brew_run_completes_with_one_terminal_event_each():
    fds = _open_fds()
    result, events = _record(_spec(orders=5))
    assert result.complete and result.orders_done == 5
    assert sorted(_terminals(events)) == [(1, ev.FINISHED), (2, ev.FINISHED)]
    started = {e.barista: e.who for e in events if e.kind == ev.STARTED}
    assert set(started) == {1, 2}
    for b, who in started.items():
        assert who.startswith(f"Barista-{b} · interp ") and " · thread " in who
    ids = {who.split(" · ")[1] for who in started.values()}
    assert len(ids) == 2  # one interpreter each
    assert 0 < result.startup_s < result.wall_s  # creating interpreters is measured apart
    assert all(result.barista_cpu_s.get(b, 0) > 0 for b in (1, 2))
    assert _open_fds() == fds  # every pipe end closed


@needs_interpreters
def test_mixed_orders_report_both_phases():
    result, events = _record(_spec("mixed", orders=2, size=6_000_000, order_s=0.12))
    assert result.complete
    phases = {e.phase for e in events if e.kind == ev.PROGRESS}
    assert {ev.PHASE_BREW, ev.PHASE_WAIT} <= phases


@needs_interpreters
def test_an_exception_fails_its_barista_with_a_reason():
    result, events = _record(_spec("spill", baristas=1, orders=2))
    failed = [e for e in events if e.kind == ev.FAILED]
    assert len(failed) == 1 and "Spilled" in failed[0].detail
    assert _terminals(events) == [(1, ev.FAILED)]
    assert result.failed == 1


@needs_interpreters
def test_cancel_stops_brewing_between_chunks():
    r = Run(_spec(size=BIG))
    done = threading.Event()
    seen: list[ev.Event] = []

    def sink(m):
        if isinstance(m, ev.Event):
            seen.append(m)
            if m.kind == ev.PROGRESS and not done.is_set():
                done.set()
                r.cancel()

    r.sink = sink
    t0 = time.perf_counter()
    result = r.execute()
    assert time.perf_counter() - t0 < 10  # not the minutes BIG orders take
    assert result.cancelled and result.orders_done == 0
    assert sorted(_terminals(seen)) == [(1, ev.FINISHED), (2, ev.FINISHED)]


@needs_interpreters
def test_knock_out_fails_one_barista_the_other_goes_on():
    r = Run(_spec(size=BIG))
    seen: list[ev.Event] = []

    def sink(m):
        if isinstance(m, ev.Event):
            seen.append(m)
            if m.kind == ev.PROGRESS and m.barista == 1 and r.crew.knock_out(1):
                pass
            if m.kind == ev.FAILED:
                r.cancel()

    r.sink = sink
    r.execute()
    failed = [e for e in seen if e.kind == ev.FAILED]
    assert [e.barista for e in failed] == [1] and "knocked out" in failed[0].detail
    assert sorted(_terminals(seen)) == [(1, ev.FAILED), (2, ev.FINISHED)]


@needs_interpreters
def test_order_timeout_fails_the_barista():
    result, events = _record(_spec(baristas=1, orders=1, size=BIG, timeout_s=0.2))
    failed = [e for e in events if e.kind == ev.FAILED]
    assert len(failed) == 1 and "longer than" in failed[0].detail
    assert result.failed == 1


@needs_interpreters
def test_a_failing_interpreter_script_is_reported(monkeypatch):
    monkeypatch.setattr(interp_mod, "_script", lambda *a: "raise RuntimeError('no chai today')")
    result, events = _record(_spec(orders=2))
    failed = [e for e in events if e.kind == ev.FAILED]
    assert sorted(e.barista for e in failed) == [1, 2]
    assert all("no chai today" in e.detail for e in failed)
    assert result.failed == 2


@needs_interpreters
def test_close_without_reading_events_leaves_nothing_behind():
    fds = _open_fds()
    crew = InterpreterCrew(2)
    crew.start(make_orders("brew", 50, TINY * 5, 0.0))
    time.sleep(0.2)  # baristas are blocked asking a clerk nobody runs
    crew.close()
    assert crew.wait(2.0)
    assert _open_fds() == fds


def test_what_a_subinterpreter_imports_stays_light():
    """Each subinterpreter imports (and without bytecode, compiles) the barista loop: no
    crew probing, no asyncio, no tracebacks until one is needed, no Dask."""
    import subprocess

    heavy = ("asyncio", "concurrent.interpreters", "_interpreters", "queue", "traceback",
             "distributed", "chaishop.core.crews.base")
    code = ("import sys; import chaishop.core.crews.interpreter_barista; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@needs_interpreters
def test_start_up_says_what_it_consists_of():
    _, events = _record(_spec(orders=2))
    story = [(e.barista, e.kind, e.detail) for e in events if e.kind != ev.PROGRESS]
    started = [e for e in events if e.kind == ev.STARTED]
    assert sorted(e.barista for e in started) == [1, 2], story
    for e in started:
        assert "creating the interpreter" in e.detail and "importing" in e.detail


@needs_interpreters
def test_bytecode_is_compiled_once_then_read_from_the_shops_cache(tmp_path, monkeypatch):
    """The first interpreters compile into the shop's cache folder (whatever
    PYTHONDONTWRITEBYTECODE says) and say so; the next ones compile nothing and say
    where they read from."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "chaishop" / f"pycache-{sys.implementation.cache_tag}{sys.abiflags}"

    def started_details():
        _, events = _record(_spec(orders=2))
        return [e.detail for e in events if e.kind == ev.STARTED]

    first = started_details()
    assert len(first) == 2 and all("bytecode: compiled" in d and str(folder) in d for d in first)
    cached = list(folder.rglob("*.pyc"))
    assert any(p.name.startswith("interpreter_barista.") for p in cached), cached
    assert any(p.name.startswith("dataclasses.") for p in cached)  # the stdlib it needs too
    assert [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"] == []  # no temp
    second = started_details()
    assert len(second) == 2
    for d in second:
        assert d.endswith(f"bytecode: cached in {folder}"), d


@needs_interpreters
def test_without_a_cache_folder_interpreters_compile_fresh_and_say_why(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")  # the cache home is a file: no folder can be made under it
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _, events = _record(_spec(orders=2))
    details = [e.detail for e in events if e.kind == ev.STARTED]
    assert len(details) == 2
    assert all("bytecode: compiled fresh" in d and "no cache folder" in d for d in details)


@needs_interpreters
def test_bench_says_what_an_interpreter_barista_started_from(tmp_path, monkeypatch):
    from chaishop.core import bench
    from chaishop.core.bench.tables import as_table

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    report = bench.bench(["interpreters"], "brew", 2, 2, TINY, 0.0, repeat=1, warmup=False)
    (line,) = [x for x in as_table(report).splitlines() if x.startswith("interpreters: ")]
    assert "importing" in line and "bytecode: compiled" in line and str(tmp_path) in line
