"""Issue 23's done-when, measured side by side: the convoy, the switch interval, the blocked loop.

    calibrate brew once -> warm up -> R rounds, every variant once a round, order alternating
    -> medians per variant -> the checks:
       threads late p50 >= 10x alone p50;  processes late p50 <= 3x alone p50
       threads at --switch-interval 0.5: late p50 cut >= 3-fold against 5 ms; brew wall both
       asyncio block sleep: loop lag max > 100 ms; with to_thread < 10 ms (and the process pool)

A benchmark, not a test: run it by hand (say whether the machine was busy: it prints the CPU
other programs took).  On a free-threaded build (3.14t) the threads rows should show no convoy.

    python tests/perf/counter_convoy.py [--rounds N] [--order-seconds S] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from chaishop.core.engine.shop import run
from chaishop.core.kitchen import mp
from chaishop.core.protocol import events as ev
from chaishop.core.workloads.recipes import calibrate

CREW, ORDERS = 3, 6

VARIANTS = {  # name: (mode, switch interval ms or None, options)
    "threads": ("threads", None, {}),
    "processes": ("processes", None, {}),
    "threads@0.5ms": ("threads", 0.5, {}),
    "threads@0.1ms": ("threads", 0.1, {}),
    "threads@20ms": ("threads", 20.0, {}),
    "threads grind": ("threads", None, {"work": "grind"}),
    "threads socket": ("threads", None, {"io": "socket"}),
    "processes socket": ("processes", None, {"io": "socket"}),
    "asyncio block sleep": ("asyncio", None, {"block": "sleep"}),
    "asyncio block sleep to_thread": ("asyncio", None, {"block": "sleep", "unblock": "to_thread"}),
    "asyncio block cpu to_thread": ("asyncio", None, {"block": "cpu", "unblock": "to_thread"}),
    "asyncio block cpu process_pool": ("asyncio", None, {"block": "cpu", "unblock": "process_pool"}),
}
FIGURES = ("reply_late_p50_ms", "reply_late_p90_ms", "alone_p50_ms", "alone_p90_ms",
           "late_vs_alone", "work_s", "loop_lag_p50_ms", "loop_lag_max_ms")


def one(name: str, size: int, order_s: float) -> dict:
    mode, switch_ms, options = VARIANTS[name]
    spec = ev.RunSpec(mode, "counter", CREW, ORDERS, size, order_s, switch_interval_ms=switch_ms)
    for k, v in options.items():
        spec = ev.with_option(spec, k, v)
    r = run(spec)
    assert r.complete, f"{name}: the run did not complete"
    f = r.lesson.figures(r.wall_s)
    return {**{k: f[k] for k in FIGURES}, "wall_s": r.wall_s, "other_cores": r.other_cpu_cores}


def median(rows: list[dict], key: str):
    got = [r[key] for r in rows if r[key] is not None]
    return round(statistics.median(got), 3) if got else None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--order-seconds", type=float, default=0.5)
    p.add_argument("--only", default="", help="comma-separated variants (default: all)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    mp.warm_up()
    names = [n for n in VARIANTS if not args.only or n in args.only.split(",")]
    size = calibrate(args.order_seconds)
    for n in names:  # warm-up, discarded
        one(n, size // 10, args.order_seconds / 10)
    rows: dict[str, list[dict]] = {n: [] for n in names}
    for i in range(args.rounds):
        for n in (names if i % 2 == 0 else list(reversed(names))):
            rows[n].append(one(n, size, args.order_seconds))
    med = {n: {k: median(rs, k) for k in (*FIGURES, "wall_s", "other_cores")} for n, rs in rows.items()}
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    head = (f"Python {sys.version.split()[0]} ({'GIL' if gil else 'no GIL'}), crew {CREW}, "
            f"{ORDERS} orders of {args.order_seconds:g} s, {args.rounds} rounds, medians")
    if args.json:
        print(json.dumps({"conditions": head, "medians": med}, indent=1))
    else:
        print(head)
        print(f"{'variant':32} " + " ".join(f"{k[:14]:>14}" for k in (*FIGURES, 'other_cores')))
        for n, m in med.items():
            print(f"{n:32} " + " ".join(f"{'-' if m[k] is None else m[k]:>14}"
                                        for k in (*FIGURES, 'other_cores')))
    checks = []

    def check(what: str, ok: bool | None) -> None:
        checks.append(ok)
        print(f"{'PASS' if ok else 'n/a ' if ok is None else 'FAIL'}  {what}")

    g = lambda n, k: med.get(n, {}).get(k)  # noqa: E731
    if g("threads", "late_vs_alone") is not None and gil:
        check(f"threads late p50 >= 10x alone: {g('threads', 'late_vs_alone')}x",
              g("threads", "late_vs_alone") >= 10)
    elif g("threads", "late_vs_alone") is not None:  # free-threaded: no GIL, no convoy
        check(f"no GIL: threads late p50 <= 3x alone: {g('threads', 'late_vs_alone')}x",
              g("threads", "late_vs_alone") <= 3)
    if g("processes", "late_vs_alone") is not None:
        check(f"processes late p50 <= 3x alone: {g('processes', 'late_vs_alone')}x",
              g("processes", "late_vs_alone") <= 3)
    if gil and g("threads", "reply_late_p50_ms") and g("threads@0.5ms", "reply_late_p50_ms"):
        cut = g("threads", "reply_late_p50_ms") / g("threads@0.5ms", "reply_late_p50_ms")
        check(f"switch interval 0.5 ms cuts threads' p50 >= 3-fold: {cut:.1f}-fold (work s "
              f"{g('threads', 'work_s')} at 5 ms, {g('threads@0.5ms', 'work_s')} at 0.5 ms)", cut >= 3)
    if g("asyncio block sleep", "loop_lag_max_ms") is not None:
        check(f"asyncio blocked: loop lag max {g('asyncio block sleep', 'loop_lag_max_ms')} ms > 100",
              g("asyncio block sleep", "loop_lag_max_ms") > 100)
    if g("asyncio block sleep to_thread", "loop_lag_max_ms") is not None:
        check(f"to_thread: loop lag max {g('asyncio block sleep to_thread', 'loop_lag_max_ms')} ms < 10",
              g("asyncio block sleep to_thread", "loop_lag_max_ms") < 10)
    return 0 if all(c is not False for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
