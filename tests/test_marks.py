"""The `!` rule, and figures that must never contradict each other on screen (issue 25).

Pure functions and small objects: no kitchen, no app.
"""

from __future__ import annotations

from chaishop.core.bench import BenchRow, with_speedups
from chaishop.core.bench.tables import as_table
from chaishop.core.bench.rows import BenchReport
from chaishop.core.machine import Machine
from chaishop.core.measure import speedup as su
from chaishop.core.protocol import events as ev
from chaishop.core.workloads.lessons import Ledger
from testkit import result


def test_a_cpu_bound_speedup_shown_above_the_cores_is_marked_whatever_the_margin():
    # bench printed "2.09x" on 2 cores, plain: the README promises a "!" above the cores.
    assert su.impossible(2.09, "brew", 2, 2) and su.impossible(2.01, "brew", 4, 2)
    assert not su.impossible(2.00, "brew", 2, 2) and not su.impossible(2.004, "brew", 2, 2)
    assert not su.impossible(3.5, "orders", 4, 2)  # waiting overlaps past the cores
    assert su.impossible(4.2, "orders", 4, 2)  # but never past the crew


def test_bench_prints_the_mark_and_says_why():
    rows = [BenchRow(result("sequential", "brew", 4.18, baristas=1)),
            BenchRow(result("threads", "brew", 4.22)), BenchRow(result("processes", "brew", 2.0))]
    machine = Machine(cores=2, physical_cores=2, python="3.11.7", implementation="CPython",
                      gil_enabled=True, free_threaded_build=False, platform="Linux x86_64")
    report = BenchReport(machine, "forkserver", 1, 2, 1.0, with_speedups(rows, cores=2))
    table = as_table(report)
    assert "2.09x!" in table and "0.99x" in table and "0.99x!" not in table
    assert "! processes: 2.09x cannot be true with 2 cores" in table


def _till(barista: int, t: float, cups: int | None, till: int | None) -> ev.Event:
    return ev.Event(ev.PROGRESS, barista, f"Barista-{barista}", t=t, order=barista, cups=cups,
                    till=till, phase=ev.PHASE_BREW)


def test_the_live_till_never_shows_more_on_the_till_than_rung():
    # Barista 2 reads the shared till last: its reading holds cups barista 1 rang after its
    # own latest word, so the newest reading (5,844,309) is above the sum of cups rung.
    ledger = Ledger()
    ledger.observe(_till(1, 10.00, cups=2_900_000, till=5_700_000))
    ledger.observe(_till(2, 10.05, cups=2_912_688, till=5_844_309))
    rung = sum(ledger.cups.values())
    assert rung == 5_812_688 and max(ledger.readings.values()) > rung  # the race, as seen
    assert ledger.shared_till() == 5_700_000 <= rung
    # When the newest reading fits, it is the one shown (the freshest honest figure).
    ledger.observe(_till(1, 10.10, cups=3_000_000, till=5_900_000))
    assert ledger.shared_till() == 5_900_000 <= sum(ledger.cups.values())
    assert Ledger().shared_till() == 0
