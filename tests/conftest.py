"""Shared fixtures.  Every test must leave no child process and no stray thread.

Under pytest-xdist (the README's test command runs 4 workers) a test marked ``alone``
has the machine to itself: it measures speed-ups, lateness or parallelism, which another
test brewing beside it would spoil.  Every test holds a shared lock on a file in the
run's temp folder, an ``alone`` test an exclusive one (testkit.MachineLock), and the
``alone`` tests run one after another on one worker (an xdist group), so the others
make room once for all of them.

What a test worker has built before a test (Textual, the test modules, earlier tests'
apps) is frozen for the test (gc.freeze): the full collections in the test then walk
only what it makes.  Unfrozen, they were a third of a UI test's CPU (6.1 of 18.0 s in
two every-key tests, measured with a gc callback).  The shop does the same at start-up
and after runs (chaishop/ui/pace.py).
"""

from __future__ import annotations

import gc
import multiprocessing.resource_tracker
import os
import threading

import psutil
import pytest

from chaishop.core.crews import close_warm
from chaishop.core.kitchen.client import Kitchen
from chaishop.tour import CAPTION_MIN_ENV
from chaishop.ui.pace import sweep
from testkit import SHARED_PIDS, MachineLock, cmdline, wait_until

# The demo's captions stay up 3 s each whatever --speed (chaishop.tour.CAPTION_MIN_S): the
# tests play the whole tour several times, so theirs stay up as their speed says. Set before
# any app or `chaishop demo` subprocess is made; tests/test_tour.py checks the real minimum.
os.environ.setdefault(CAPTION_MIN_ENV, "0")

# Brew iterations per order for tests that run the real kitchen: milliseconds of
# work.  A test module can set its own KITCHEN_SIZE.
KITCHEN_SIZE = 200_000

# multiprocessing's resource tracker is a per-interpreter singleton started by
# the first spawn; it lives until this interpreter exits, by design.
_SINGLETONS = ("resource_tracker", "forkserver")


def _shared() -> set[int]:
    """SHARED_PIDS and their children: a module fixture's, not a test's."""
    pids = set(SHARED_PIDS)
    for pid in SHARED_PIDS:
        try:
            pids |= {c.pid for c in psutil.Process(pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
    return pids


def _children() -> list[psutil.Process]:
    out = []
    shared = _shared()
    for p in psutil.Process().children(recursive=True):
        if p.pid in shared:
            continue
        cmd = cmdline(p)
        if cmd and not any(s in cmd for s in _SINGLETONS):  # "": it ended meanwhile
            out.append(p)
    return out


_machine: list[MachineLock] = []
# Every this many tests a worker thaws and collects everything once: the garbage of
# earlier tests that was frozen with the rest is freed (a full collection: ~0.1 s).
THAW_EVERY_TESTS = 25
_tests_begun = [0]


def _freeze_what_was_built() -> None:
    _tests_begun[0] += 1
    if _tests_begun[0] % THAW_EVERY_TESTS == 0:
        sweep()  # thaw, collect, freeze: as the shop after a run
    else:
        gc.freeze()


def _alone(item) -> bool:
    return item.get_closest_marker("alone") is not None


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(config, items):
    """Every ``alone`` test in one xdist group: one worker runs them one after another,
    so the others make room for the batch, not once for each of them."""
    for item in items:
        if _alone(item):
            item.add_marker(pytest.mark.xdist_group("alone"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Setup, call and teardown of each test under the machine lock (xdist workers only),
    with what was built before it frozen."""
    _freeze_what_was_built()
    if not hasattr(item.config, "workerinput"):  # one process: nothing runs beside a test
        yield
        return
    if not _machine:
        # The workers' temp folders are under one folder of the run: the locks live there.
        folder = item.config._tmp_path_factory.getbasetemp().parent
        _machine.append(MachineLock(folder))
    lock = _machine[0]
    lock.take(_alone(item))
    try:
        yield
    finally:
        if not (_alone(item) and nextitem is not None and _alone(nextitem)):
            lock.give()  # the room stays ours from one alone test to the next


@pytest.fixture(autouse=True)
def no_leaks():
    """Fail any test that leaves a child process or a barista thread behind."""
    yield
    close_warm()  # what crews keep warm between runs (a Dask cluster) ends with the test
    if not wait_until(lambda: not _children(), 3.0):
        left = _children()
        for p in left:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        pytest.fail(f"test left child processes behind: {[(p.pid, p.name()) for p in left]}")
    stray = lambda: [t.name for t in threading.enumerate()  # noqa: E731
                     if t.name.startswith(("Barista-", "asyncio-loop", "kitchen-"))]
    if not wait_until(lambda: not stray(), 3.0):
        pytest.fail(f"test left barista threads behind: {stray()}")


@pytest.fixture
def kitchen(request):
    """A real, ready kitchen process (closed afterwards) with tiny orders."""
    multiprocessing.resource_tracker.ensure_running()  # as run_app does, before any app runs
    k = Kitchen(size=getattr(request.module, "KITCHEN_SIZE", KITCHEN_SIZE)).start()
    try:
        k.wait_ready()
        yield k
    finally:
        k.close()
