"""Soak: many live mode switches under load must leak nothing.

    Kitchen (real process) <- run(spec) every SWITCH_EVERY_S, cycling the modes,
                              each run brewing when the next one cancels it
    before/after (after a warm-up): threads, child processes, open fds, RSS
    of the kitchen and of this (front-of-house) process

``--pilot`` makes the switches as key presses in the real app (Textual's
Pilot), which also watches the front of house's own threads and fds.

Run: python tests/perf/soak.py [--switches 500] [--pilot]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import sys
import threading
import time
from pathlib import Path

import psutil

from chaishop.core.protocol import events as ev
from chaishop.core.measure.gil import WINDOW_S
from chaishop.core.kitchen.client import Kitchen
from chaishop.core.kitchen.process import GIL_EVERY_S

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from testkit import cmdline, press_key  # noqa: E402

MODES = ("sequential", "threads", "processes", "asyncio")
RECIPES = ("brew", "mixed", "orders")
# Long enough for a run to get going (processes started, orders taken), short
# enough that 500 switches take about a minute.
SWITCH_EVERY_S = 0.06
WARMUP_SWITCHES = 8
# After the last run the kitchen keeps its GIL probe thread one more window,
# to send an idle reading, and then stops it: figures are taken after that.
SETTLE_S = WINDOW_S + 2 * GIL_EVERY_S + 0.5
# After that, what is still there this much later is a leak (it is usually gone at once).
LEAK_GRACE_S = 10.0


def _snapshot(proc: psutil.Process) -> dict[str, int]:
    kids = [p for p in proc.children(recursive=True)
            if (cmd := cmdline(p)) and "resource_tracker" not in cmd]  # "": gone meanwhile
    threads = proc.num_threads()
    if proc.pid == os.getpid():
        # asyncio's default executor (used by Textual) grows lazily to a fixed
        # bound, min(32, cores + 4): a pool warming up, not a leak.
        threads = sum(not t.name.startswith("asyncio_") for t in threading.enumerate())
    return {"threads": threads, "children": len(kids), "fds": proc.num_fds(),
            "rss": proc.memory_info().rss}


def _counts(procs: dict[str, psutil.Process]) -> dict[str, dict[str, int]]:
    return {k: _snapshot(p) for k, p in procs.items()}


def _after(procs, before) -> dict[str, dict[str, int]]:
    """The figures once nothing is left over, or after LEAK_GRACE_S: what stays is a leak.

    A loaded machine (another test brewing beside this one) ends the last run's threads
    and processes later than SETTLE_S: waiting for the counts, not for a fixed time, keeps
    the soak true there."""
    deadline = time.monotonic() + LEAK_GRACE_S
    while True:
        after = _counts(procs)
        if not verdict({"before": before, "after": after}) or time.monotonic() > deadline:
            return after
        time.sleep(0.2)


async def _after_pilot(pilot, procs, before) -> dict[str, dict[str, int]]:
    """_after, pausing the app's pilot instead of this thread (the app must keep running)."""
    deadline = time.monotonic() + LEAK_GRACE_S
    while True:
        after = _counts(procs)
        if not verdict({"before": before, "after": after}) or time.monotonic() > deadline:
            return after
        await pilot.pause(0.2)


def _settle(kitchen: Kitchen, timeout: float = 10.0) -> None:
    """Cancel whatever runs and drain until the kitchen has said the run is over."""
    kitchen.cancel()
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < SETTLE_S:
        if kitchen.poll():
            quiet_since = time.monotonic()
        time.sleep(0.02)


def soak(switches: int, size: int = 3_000_000) -> dict[str, dict[str, dict[str, int]]]:
    """Make ``switches`` live switches; return before/after figures per process."""
    with Kitchen(size=size) as kitchen:
        ready = kitchen.wait_ready()
        procs = {"kitchen": psutil.Process(ready.pid), "front": psutil.Process()}
        specs = itertools.cycle(
            ev.RunSpec(m, r, b, 8, 0, 0.05)
            for r in RECIPES for m in MODES for b in (2, 3))
        run_id = itertools.count(1)

        def switch(n: int) -> None:
            for _ in range(n):
                kitchen.run(dataclasses.replace(next(specs), run=next(run_id)))
                time.sleep(SWITCH_EVERY_S)
                kitchen.poll()

        switch(WARMUP_SWITCHES)
        _settle(kitchen)
        before = _counts(procs)
        switch(switches)
        _settle(kitchen)
        after = _after(procs, before)
    return {"before": before, "after": after}


async def soak_pilot(switches: int, size: int = 3_000_000) -> dict[str, dict[str, dict[str, int]]]:
    """The same, with mode/recipe/crew keys pressed in the real app."""
    import multiprocessing.resource_tracker

    from chaishop.ui.app import ShopApp, ShopConfig

    multiprocessing.resource_tracker.ensure_running()
    kitchen = Kitchen(size=size).start()
    ready = kitchen.wait_ready()
    app = ShopApp(ShopConfig(size=size, order_s=0.05, autostart=False), kitchen)
    keys = itertools.cycle("tpasbtpaomtpa")
    procs = {"kitchen": psutil.Process(ready.pid), "front": psutil.Process()}
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            async def switch(n: int) -> None:
                for _ in range(n):
                    await press_key(pilot, next(keys))
                    await pilot.pause(SWITCH_EVERY_S)

            await switch(WARMUP_SWITCHES)
            await press_key(pilot, "escape")
            await pilot.pause(SETTLE_S)
            before = _counts(procs)
            await switch(switches)
            await press_key(pilot, "escape")
            await pilot.pause(SETTLE_S)
            after = await _after_pilot(pilot, procs, before)
    finally:
        kitchen.close()
    return {"before": before, "after": after}


def verdict(figures) -> list[str]:
    """The problems found, empty when the soak leaked nothing."""
    problems = []
    for who in figures["before"]:
        b, a = figures["before"][who], figures["after"][who]
        for key in ("threads", "children", "fds"):
            # More is a leak; fewer is something opened before the soak (an earlier test's
            # objects, collected meanwhile) that closed during it.
            if a[key] > b[key]:
                problems.append(f"{who}: {key} {b[key]} -> {a[key]}")
        if a["rss"] > b["rss"] * 1.10:
            problems.append(f"{who}: RSS grew {a['rss'] / b['rss'] - 1:.1%}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description="live mode switches under load, then look for leaks")
    ap.add_argument("--switches", type=int, default=500)
    ap.add_argument("--pilot", action="store_true", help="press keys in the real app instead")
    args = ap.parse_args()
    t0 = time.perf_counter()
    if args.pilot:
        import asyncio

        figures = asyncio.run(soak_pilot(args.switches))
    else:
        figures = soak(args.switches)
    took = time.perf_counter() - t0
    print(f"{args.switches} live switches {'(key presses in the app) ' if args.pilot else ''}"
          f"in {took:.1f} s")
    print(f"{'process':<8} {'':<7} {'threads':>7} {'children':>8} {'fds':>5} {'RSS MiB':>8}")
    for who in figures["before"]:
        for when in ("before", "after"):
            f = figures[when][who]
            print(f"{who:<8} {when:<7} {f['threads']:>7} {f['children']:>8} {f['fds']:>5} "
                  f"{f['rss'] / 2**20:>8.1f}")
    problems = verdict(figures)
    print("leaks: " + ("none" if not problems else "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
