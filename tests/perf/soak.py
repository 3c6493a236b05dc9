"""Soak: many live mode switches under load must leak nothing.

    Kitchen (real process) <- run(spec) every SWITCH_EVERY_S, cycling the modes,
                              each run brewing when the next one cancels it
    before/after (after a warm-up): threads, child processes, open fds, RSS
    of the kitchen and of this (front-of-house) process

Run: python tests/perf/soak.py [--switches 500]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import time

import psutil

from chaishop.core import events as ev
from chaishop.core.kitchen import Kitchen

MODES = ("sequential", "threads", "processes", "asyncio")
RECIPES = ("brew", "mixed", "orders")
# Long enough for a run to get going (processes started, orders taken), short
# enough that 500 switches take about a minute.
SWITCH_EVERY_S = 0.06
WARMUP_SWITCHES = 8


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return "(gone)"


def _snapshot(proc: psutil.Process) -> dict[str, int]:
    kids = [p for p in proc.children(recursive=True)
            if not any(s in _cmdline(p) for s in ("resource_tracker", "(gone)"))]
    return {"threads": proc.num_threads(), "children": len(kids), "fds": proc.num_fds(),
            "rss": proc.memory_info().rss}


def _settle(kitchen: Kitchen, timeout: float = 10.0) -> None:
    """Cancel whatever runs and drain until the kitchen has said the run is over."""
    kitchen.cancel()
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.5:
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
        before = {k: _snapshot(p) for k, p in procs.items()}
        switch(switches)
        _settle(kitchen)
        after = {k: _snapshot(p) for k, p in procs.items()}
    return {"before": before, "after": after}


def verdict(figures) -> list[str]:
    """The problems found, empty when the soak leaked nothing."""
    problems = []
    for who in figures["before"]:
        b, a = figures["before"][who], figures["after"][who]
        for key in ("threads", "children", "fds"):
            if a[key] != b[key]:
                problems.append(f"{who}: {key} {b[key]} -> {a[key]}")
        if a["rss"] > b["rss"] * 1.10:
            problems.append(f"{who}: RSS grew {a['rss'] / b['rss'] - 1:.1%}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description="live mode switches under load, then look for leaks")
    ap.add_argument("--switches", type=int, default=500)
    args = ap.parse_args()
    t0 = time.perf_counter()
    figures = soak(args.switches)
    took = time.perf_counter() - t0
    print(f"{args.switches} live switches in {took:.1f} s")
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
