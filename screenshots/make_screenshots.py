"""Make screenshots/*.svg from the real app doing real runs on this machine.

    python screenshots/make_screenshots.py [--out DIR] [--order-seconds S] [--shots a,b] [--tag T]

``--shots threads-run --tag py314t``, run with a free-threaded Python, takes only the
threads run and saves it as ``threads-run-py314t.svg``: the same keys on another
interpreter (the header names it and says whether the GIL is on).

The real kitchen calibrates one order to ``--order-seconds`` and runs every
order; the CPU meter reads psutil; so each picture shows what this machine
measured when the script ran (the snapshot tests, not these, use a scripted
kitchen to be the same everywhere).  Best run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing.resource_tracker
import sys
from pathlib import Path

from chaishop.core.kitchen.client import Kitchen
from chaishop.ui.app import ShopApp, ShopConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from testkit import until  # noqa: E402  (test helpers live under tests/)

SIZE = (160, 45)
# (file name, keys pressed one run at a time, then open the explain screen?, options):
# options: "baseline" = the app times a sequential baseline unasked (as `chaishop` does);
# "live" = the picture is taken while the last key's run is still brewing.
SHOTS = [
    ("idle-shop", "", False, ""),
    ("threads-run", "st", False, ""),
    ("processes-run", "stp", False, ""),
    ("one-key-speedup", "p", False, "baseline"),  # launch, press p: a measured speed-up
    ("threads-live", "st", False, "live"),  # the timeline while threads take turns
    ("grind-threads", "tg", False, "baseline"),  # C code lets go of the GIL
    ("explain", "", True, ""),
]
# A run's CPU meter needs a few samples taken while it works.
RUN_TIMEOUT_S = 120


async def shoot(out: Path, name: str, keys: str, explain: bool, options: str, order_s: float,
                tag: str = "") -> Path:
    multiprocessing.resource_tracker.ensure_running()
    kitchen = Kitchen(order_s=order_s).start()
    try:
        kitchen.wait_ready()
        app = ShopApp(ShopConfig(autostart=False, order_s=order_s, screenshot_dir=str(out),
                                 mode="sequential", auto_baseline="baseline" in options),
                      kitchen)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.ready is not None)
            for i, k in enumerate(keys):
                await pilot.press(k)
                if "live" in options and i == len(keys) - 1:  # halfway through its orders
                    await until(pilot, lambda: app.running and app.stopwatch.served >= 2,
                                timeout=RUN_TIMEOUT_S)
                    await pilot.pause(0.4)  # one more redraw of the live timeline
                    continue
                # A key may bring a baseline run first: wait for the run it asked for.
                await until(pilot, lambda: app.results and not app.running
                            and app.truth.pending is None and app.shown_run == app.run_id
                            and app.results[-1].run == app.run_id, timeout=RUN_TIMEOUT_S)
            if explain:
                await pilot.press("question_mark")
            await pilot.pause(0.5)
            name = f"{name}-{tag}" if tag else name
            path = out / f"{name}.svg"
            path.write_text(app.export_screenshot(title=f"chaishop · {name}"))
    finally:
        kitchen.close()
    return path


async def main(out: Path, order_s: float, names: list[str] | None = None, tag: str = "") -> None:
    out.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        if names is None or shot[0] in names:
            print(await shoot(out, *shot, order_s, tag))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--order-seconds", type=float, default=1.0)
    parser.add_argument("--shots", help=f"comma-separated, from {', '.join(s[0] for s in SHOTS)}")
    parser.add_argument("--tag", default="", help="appended to each file name, e.g. py314t")
    args = parser.parse_args()
    names = args.shots.split(",") if args.shots else None
    if names and not set(names) <= {s[0] for s in SHOTS}:
        parser.error(f"--shots: choose from {', '.join(s[0] for s in SHOTS)}")
    asyncio.run(main(args.out, args.order_seconds, names, args.tag))
