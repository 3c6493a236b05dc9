"""Kitchen faults from outside, in every mode: SIGKILL and SIGSTOP of the kitchen process.

The supervisor (chaishop.core.kitchen.supervisor) must report the run that was on as
failed with the reason, start a fresh kitchen with the same calibrated size,
run the next order to the end, and leave no process or temp folder behind.
"""

from __future__ import annotations

import os
import signal
import time
from functools import partial

import psutil
import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.kitchen import mp
from chaishop.core.crews import MODES
from chaishop.core.protocol.kitchen import KitchenBack, KitchenDown, KitchenReady, KitchenSilent, RunLost
from chaishop.core.kitchen.supervisor import MAX_CRASHES, SILENT_AFTER_S, Supervisor
import testkit

SIZE = 200_000  # brew iterations: tiny orders; the long runs wait instead
LONG_WAIT_S = 6.0  # an I/O order long enough to fault it mid-run


spec = partial(testkit.spec, recipe="orders", orders=2, size=SIZE, order_s=LONG_WAIT_S)  # 2 baristas


def drive(sup: Supervisor, until, timeout: float = 30.0) -> list[object]:
    """Poll like the UI does until ``until(messages)``; returns every message."""
    got: list[object] = []
    deadline = time.monotonic() + timeout
    while not until(got):
        assert time.monotonic() < deadline, f"timed out; got {[type(m).__name__ for m in got][-20:]}"
        got += sup.poll()
        time.sleep(0.05)
    return got


def started(run: int):
    return lambda got: any(isinstance(m, ev.Event) and m.kind == ev.TAKEN and m.run == run
                           for m in got)


def finished(run: int):
    return lambda got: any(isinstance(m, ev.RunFinished) and m.result.run == run for m in got)


def ready(got):
    return any(isinstance(m, KitchenReady) for m in got)


def kitchen_of(sup: Supervisor) -> tuple[int, list[psutil.Process], str]:
    k = sup.kitchen
    return k.pid, mp.family(k.pid), k.tempdir


def assert_all_gone(pid: int, family: list[psutil.Process], tempdir: str) -> None:
    gone, alive = psutil.wait_procs([psutil.Process(pid)] if psutil.pid_exists(pid) else [], 0)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and any(mp._gone(p) is False for p in family):
        time.sleep(0.05)
    assert all(mp._gone(p) for p in family), f"survivors of the old kitchen: {family}"
    assert not os.path.exists(tempdir), f"temp folder left: {os.listdir(tempdir)}"


def next_run_completes(sup: Supervisor, mode: str, run: int) -> None:
    sup.run(spec(mode, run=run, order_s=0.05))
    got = drive(sup, finished(run))
    result = next(m.result for m in got if isinstance(m, ev.RunFinished))
    assert (result.orders_done, result.failed) == (2, 0)


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_kitchen_sigkill_mid_run_fails_the_run_and_heals(mode):
    with Supervisor(size=SIZE) as sup:
        drive(sup, ready)
        first_ready = sup.ready
        sup.run(spec(mode, run=1))
        drive(sup, started(1))
        pid, family, tempdir = kitchen_of(sup)
        assert any(os.path.basename(d).startswith("pymp-") for d in os.listdir(tempdir)) or \
            mode != "processes", "the forkserver's temp folder is not in the kitchen's own"
        os.kill(pid, signal.SIGKILL)
        got = drive(sup, lambda g: any(isinstance(m, RunLost) for m in g))
        reason = "kitchen crashed: killed by SIGKILL"
        assert RunLost(1, reason) in got
        failed = [m for m in got if isinstance(m, ev.Event) and m.kind == ev.FAILED]
        assert failed and all(m.detail == reason for m in failed)
        assert any(isinstance(m, KitchenDown) and m.restart_in is not None for m in got)
        assert_all_gone(pid, family, tempdir)
        got = drive(sup, ready)
        assert sup.ready.size == first_ready.size  # not calibrated again
        assert sup.ready.pid != pid
        next_run_completes(sup, mode, 2)


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("then", ["SIGCONT", "esc"])
def test_kitchen_sigstop_says_not_responding(mode, then):
    with Supervisor(size=SIZE) as sup:
        drive(sup, ready)
        sup.run(spec(mode, run=1, order_s=1.5))
        drive(sup, started(1))
        pid, family, tempdir = kitchen_of(sup)
        os.kill(pid, signal.SIGSTOP)
        t0 = time.monotonic()
        drive(sup, lambda g: any(isinstance(m, KitchenSilent) for m in g), timeout=10)
        assert time.monotonic() - t0 < SILENT_AFTER_S + 1.0
        assert "not responding" in sup.status
        if then == "SIGCONT":
            os.kill(pid, signal.SIGCONT)
            got = drive(sup, finished(1))
            assert any(isinstance(m, KitchenBack) for m in got)
            assert sup.status == "" and sup.kitchen.pid == pid
            next_run_completes(sup, mode, 2)
            return
        time.sleep(1.2)  # "a few seconds" of silence in all
        sup.cancel()
        got = drive(sup, lambda g: any(isinstance(m, RunLost) for m in g))
        lost = next(m for m in got if isinstance(m, RunLost))
        assert lost.run == 1 and "not responding" in lost.reason
        assert_all_gone(pid, family, tempdir)
        drive(sup, ready)
        next_run_completes(sup, mode, 2)


@pytest.mark.slow
def test_three_crashes_in_30_s_stop_the_restarts():
    with Supervisor(size=SIZE) as sup:
        for _ in range(MAX_CRASHES):
            drive(sup, ready)
            os.kill(sup.kitchen.pid, signal.SIGKILL)
            got = drive(sup, lambda g: any(isinstance(m, KitchenDown) for m in g))
        down = next(m for m in got if isinstance(m, KitchenDown))
        assert down.restart_in is None and "3 times in 30 s" in down.reason
        assert "killed by SIGKILL" in sup.status
        assert sup.run(spec("threads", run=9)) is False
        assert RunLost(9, down.reason) in sup.poll()


@pytest.mark.alone
def test_close_is_quick_during_a_cpu_bound_threads_run():
    """A thread barista cannot be stopped from outside: the kitchen is ended instead."""
    with Supervisor(size=SIZE) as sup:
        drive(sup, ready)
        sup.run(ev.RunSpec("threads", "brew", 2, 4, 10**9, 0.0, run=1))
        drive(sup, started(1))
        pid, family, tempdir = kitchen_of(sup)
        t0 = time.perf_counter()
        sup.close()
        # Not a speed target (tests/perf has those): far below the old 2 s grace.
        assert time.perf_counter() - t0 < 1.5
        assert_all_gone(pid, family, tempdir)
