"""Make screenshots/*.svg from the real app, driven by the scripted kitchen.

    python screenshots/make_screenshots.py [--out DIR]

The app is the real ShopApp; only the kitchen is scripted (fixed identities,
timestamps and figures, see chaishop/ui/scripted.py), so the pictures are the
same on every machine and can be regenerated whenever the UI changes.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from chaishop.ui.scripted import scripted_app, scripted_runs

SIZE = (160, 45)
SHOTS = [  # file name, keys pressed (one run each), CPU meter history, open the explain screen
    ("idle-shop", "", None, False),
    ("threads-run", "st", "threads", False),
    ("processes-run", "stp", "processes", False),
    ("explain", "", None, True),
]


async def shoot(out: Path, name: str, keys: str, cpu: str | None, explain: bool) -> Path:
    app = scripted_app()
    async with app.run_test(size=SIZE) as pilot:
        await scripted_runs(pilot, keys, cpu)
        if explain:
            await pilot.press("question_mark")
            await pilot.pause(0.2)
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"chaishop · {name}"))
    return path


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        print(await shoot(out, *shot))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    asyncio.run(main(parser.parse_args().out))
