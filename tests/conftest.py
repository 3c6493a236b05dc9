"""Shared fixtures.  Every test must leave no child process and no stray thread."""

from __future__ import annotations

import multiprocessing.resource_tracker
import os
import threading

import psutil
import pytest

from chaishop.core.crews import close_warm
from chaishop.core.kitchen.client import Kitchen
from chaishop.tour import CAPTION_MIN_ENV
from testkit import SHARED_PIDS, wait_until

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
        try:
            cmd = " ".join(p.cmdline())
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue
        if not any(s in cmd for s in _SINGLETONS):
            out.append(p)
    return out


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
