"""Make screenshots/*.svg from the real app doing real runs on this machine.

    python screenshots/make_screenshots.py [--out DIR] [--order-seconds S]

The real kitchen calibrates one order to ``--order-seconds`` and runs every
order; the CPU meter reads psutil; so each picture shows what this machine
measured when the script ran (the snapshot tests, not these, use a scripted
kitchen to be the same everywhere).  Best run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing.resource_tracker
from pathlib import Path

from chaishop.core.kitchen import Kitchen
from chaishop.ui.app import ShopApp, ShopConfig
from chaishop.ui.scripted import until

SIZE = (160, 45)
# (file name, keys pressed one run at a time, then open the explain screen?)
SHOTS = [
    ("idle-shop", "", False),
    ("threads-run", "st", False),
    ("processes-run", "stp", False),
    ("explain", "", True),
]
# A run's CPU meter needs a few samples taken while it works.
RUN_TIMEOUT_S = 120


async def shoot(out: Path, name: str, keys: str, explain: bool, order_s: float) -> Path:
    multiprocessing.resource_tracker.ensure_running()
    kitchen = Kitchen(order_s=order_s).start()
    try:
        kitchen.wait_ready()
        app = ShopApp(ShopConfig(autostart=False, order_s=order_s, screenshot_dir=str(out)),
                      kitchen)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.ready is not None)
            for k in keys:
                before = len(app.results)
                await pilot.press(k)
                await until(pilot, lambda: len(app.results) > before, timeout=RUN_TIMEOUT_S)
            if explain:
                await pilot.press("question_mark")
            await pilot.pause(0.5)
            path = out / f"{name}.svg"
            path.write_text(app.export_screenshot(title=f"chaishop · {name}"))
    finally:
        kitchen.close()
    return path


async def main(out: Path, order_s: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        print(await shoot(out, *shot, order_s))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--order-seconds", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(main(args.out, args.order_seconds))
