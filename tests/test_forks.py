"""The forks recipe through the real engine and crews: a deadlock found and ended, fixes serve.

Asserted only what holds on a loaded machine: the naive table deadlocks (every barista holds
its left fork while it thinks, so the cycle forms in the first meal), the cycle is the whole
table, the kitchen ends the run and nothing is left; a fix serves every order.  How soon the
deadlock forms is measured by `chaishop bench --recipe forks` (README), not asserted here.
"""

from __future__ import annotations

import json

import pytest

from chaishop.cli import main
from chaishop.core import menu
from chaishop.core.engine.shop import run
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import forks, forks_result
from chaishop.core.workloads.forks_result import ForksResult

CYCLE5 = [[1, 2], [2, 3], [3, 4], [4, 5], [5, 1]]


@pytest.fixture(autouse=True)
def short_grace(monkeypatch):
    """The deadlock stands 0.3 s before the kitchen ends it (1.5 s on screen)."""
    monkeypatch.setattr(forks_result, "GRACE_S", 0.3)


def forks_run(mode: str, fix: str = "none", crew: int = 5, orders: int = 10,
              order_s: float = 0.2) -> tuple[ev.RunResult, list[ev.Event]]:
    seen: list[object] = []
    result = run(ev.with_option(ev.RunSpec(mode, "forks", crew, orders, 0, order_s), "fix", fix),
                 seen.append)
    assert isinstance(result.lesson, ForksResult)
    return result, [e for e in seen if isinstance(e, ev.Event)]


@pytest.mark.alone
@pytest.mark.parametrize("mode", ["threads", "asyncio", "processes"])
def test_the_naive_table_deadlocks_the_kitchen_finds_the_cycle_and_ends_the_run(mode):
    result, events = forks_run(mode)
    f = result.lesson.figures(result.wall_s)
    assert f["deadlocked"] and f["cycle"] == CYCLE5, f
    assert result.cancelled and result.orders_done < 10 and result.lesson.ended_run
    assert 0 < f["deadlock_after_s"] < result.wall_s
    assert all(w >= 0.3 for w in f["wait_s"].values())  # each waited at least the grace
    # every barista spoke: its waits and holds as words, and it clocked off
    words = {(e.barista, e.word[0]) for e in events if e.word}
    assert {(b, w) for b in range(1, 6) for w in ("wait", "hold")} <= words
    assert sum(e.kind in ev.TERMINAL_KINDS for e in events) == 5
    assert f["locks"] == {"threads": "threading.Lock", "asyncio": "asyncio.Lock",
                          "processes": "multiprocessing.Lock"}[mode]


@pytest.mark.parametrize("mode,fix", [("threads", "order"), ("asyncio", "waiter"),
                                      ("threads", "trylock"),
                                      ("processes", "waiter")])
def test_a_fix_serves_every_order_without_a_deadlock(mode, fix):
    result, _ = forks_run(mode, fix, order_s=0.1)
    f = result.lesson.figures(result.wall_s)
    assert result.complete and f["served"] == 10 and not f["deadlocked"] and f["cycle"] == []
    assert f["fix"] == fix and set(f["wait_s"]) == {"1", "2", "3", "4", "5"}


def test_one_barista_never_deadlocks():
    result, _ = forks_run("sequential", orders=2, order_s=0.05)
    assert result.complete and not result.lesson.deadlocked


def test_the_menu_offers_the_fixes_the_baristas_know():
    assert menu.option_of("forks", "fix").choices == forks.FIXES


def test_bench_reports_a_deadlock_as_a_row_and_exits_0(capsys):
    code = main(["bench", "--recipe", "forks", "--baristas", "3", "--modes", "threads",
                 "--repeat", "1", "--no-warmup", "--order-seconds", "0.2", "--json"])
    assert code == 0
    row = json.loads(capsys.readouterr().out)["runs"][0]
    assert row["deadlocked"] is True and row["cycle"] == [[1, 2], [2, 3], [3, 1]]
    assert row["stopped"] is True and row["complete"] is False and row["speedup"] is None


def test_the_chrome_trace_shows_each_barista_waiting_for_its_lock_until_the_end():
    from chaishop.core.measure.trace import Recorder, trace_events

    rec = Recorder()
    run(ev.RunSpec("threads", "forks", 3, 6, 0, 0.2), rec)
    waits = [e for e in trace_events(rec.runs) if e.get("cat") == "lock"]
    last = {e["tid"]: e for e in waits}  # each barista's last wait: for its right fork, to the end
    assert [last[b]["name"] for b in (1, 2, 3)] == ["waits for lock 2", "waits for lock 3",
                                                    "waits for lock 1"]
    assert all(e["dur"] >= 0.3e6 for e in last.values())  # the deadlock stood the whole grace


def test_a_deadlock_ended_by_esc_before_the_grace_is_still_a_deadlock():
    from chaishop.core.workloads.forks_run import ForksRun

    class Crew:
        cancels = 0

        def cancel(self):
            self.cancels += 1

    spec = ev.RunSpec("threads", "forks", 2, 2, 1, 1.0)
    lesson = ForksRun(spec, Crew(), [], None, t0=100.0, grace_s=60.0)
    for b, left, right in ((1, 1, 2), (2, 2, 1)):
        lesson.observe(ev.Event(ev.PROGRESS, b, "t", t=100.1, word=("hold", left)))
        lesson.observe(ev.Event(ev.PROGRESS, b, "t", t=100.4, word=("wait", right)))
    for b in (1, 2):  # esc: the kitchen cancelled the run long before the grace was up
        lesson.observe(ev.Event(ev.FINISHED, b, "t", t=100.9, detail="cancelled"))
    result = lesson.settle(ev.RunResult("threads", "forks", 2, 2, 1, 0.9, 0.0, 0.0, 0, 0, True))
    assert result.lesson.deadlocked and result.lesson.cycle == ((1, 2), (2, 1))
    assert round(result.lesson.deadlock_after_s, 3) == 0.4 and lesson.crew.cancels == 0


def test_bench_csv_gives_the_cycle_and_the_waits_as_json(capsys):
    import csv

    assert main(["bench", "--recipe", "forks", "--baristas", "2", "--modes", "asyncio",
                 "--repeat", "1", "--no-warmup", "--order-seconds", "0.2", "--csv"]) == 0
    row = next(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert row["deadlocked"] == "True" and json.loads(row["cycle"]) == [[1, 2], [2, 1]]
    assert set(json.loads(row["wait_s"])) == {"1", "2"}
