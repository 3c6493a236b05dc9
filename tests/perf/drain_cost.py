"""What the front of house spends on the kitchen's events during a long threads run.

    python tests/perf/drain_cost.py [--seconds 60] [--baristas 4] [--source DIR]

The real app (headless, Textual's run_test) on a real kitchen runs brew orders with a crew of
threads for about ``--seconds`` s.  Timed in the app's own process, with time.perf_counter
around each call: the drain of the kitchen's messages (``_drain``: events to panes, the
run's state, the live timeline's step), the lane sampler's tick with the live timeline's
redraw, and the timeline widget's render.  Printed: calls, total seconds, per-call p50, p90
and max, and the share of one core the three took over the run.  ``--source DIR`` runs
another checkout (for a before/after side by side, e.g. a worktree of an older commit): run
both in one sitting, alone on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time


def timed(table: dict, name: str, fn):
    calls = table.setdefault(name, [])

    def wrapper(*a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            calls.append(time.perf_counter() - t)
    return wrapper


async def measure(seconds: float, baristas: int) -> tuple[dict, float, int]:
    from chaishop.core.kitchen.client import Kitchen
    from chaishop.ui.app import ShopApp, ShopConfig

    kitchen = Kitchen().start()
    table: dict[str, list[float]] = {}
    try:
        kitchen.wait_ready()
        orders = max(baristas, round(seconds))  # about a second each, the threads take turns
        app = ShopApp(ShopConfig(mode="threads", recipe="brew", baristas=baristas, orders=orders,
                                 order_s=1.0, autostart=False), kitchen)
        app._drain = timed(table, "drain", app._drain)
        live = getattr(app, "live_timeline", None) or app.truth  # older checkouts
        live.tick = timed(table, "lanes + live timeline", live.tick)
        app.timeline.render = timed(table, "timeline render", app.timeline.render)
        async with app.run_test(size=(160, 45)) as pilot:
            while app.ready is None:
                await pilot.pause(0.05)
            await pilot.press("space")
            t0 = time.perf_counter()
            await pilot.pause(0.5)
            state = getattr(app, "run_state", app)
            while state.running or not app.results:
                await pilot.pause(0.2)
                if time.perf_counter() - t0 > 4 * seconds + 60:
                    raise SystemExit("the run did not end")
            wall = time.perf_counter() - t0
            events = len(getattr(state, "events", None) or getattr(app, "run_events", []))
    finally:
        kitchen.close()
    return table, wall, events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--baristas", type=int, default=4)
    parser.add_argument("--source", default=None, help="import chaishop from this checkout")
    args = parser.parse_args()
    if args.source:
        sys.path.insert(0, os.path.abspath(args.source))
        os.environ["PYTHONPATH"] = os.path.abspath(args.source)  # the kitchen process too
    import chaishop

    table, wall, events = asyncio.run(measure(args.seconds, args.baristas))
    print(f"chaishop from {os.path.dirname(os.path.dirname(chaishop.__file__))}: threads brew, "
          f"{args.baristas} baristas, {wall:.1f} s, {events:,} events kept")
    total = 0.0
    print(f"{'what':<24}{'calls':>7}{'total s':>9}{'p50 ms':>8}{'p90 ms':>8}{'max ms':>8}")
    for name, calls in table.items():
        if not calls:
            continue
        ms = sorted(c * 1000 for c in calls)
        total += sum(calls)
        p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
        print(f"{name:<24}{len(calls):>7}{sum(calls):>9.3f}{statistics.median(ms):>8.2f}"
              f"{p90:>8.2f}{ms[-1]:>8.2f}")
    print(f"together: {total:.3f} s, {100 * total / wall:.2f} % of one core over the run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
