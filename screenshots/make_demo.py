"""Make screenshots/demo.cast, demo.gif and demo-finale.svg from a real demo tour.

    python screenshots/make_demo.py [--out DIR] [--speed X] [--geometry WxH|readme]

    chaishop demo --speed X --record DIR/demo.cast --geometry readme (90x28)
                  --screenshot DIR/demo-finale.svg
        └─ the real kitchen, real runs: the figures are this machine's, measured
    chaishop convert DIR/demo.cast DIR/demo.gif      (pyte + Pillow; the README shows it)

Like make_screenshots.py, this records real runs, so the numbers are this
machine's and change from run to run: make them on an otherwise idle machine.
The README size (90 columns at 15 px, 810 px wide) keeps the GIF readable where
a README is shown, and small enough to commit (about 1 MB).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEOMETRY = "readme"  # 90x28: readable at a README's width
SPEED = 4  # a ~20 s tour: short enough to watch, long enough to read the captions


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=HERE)
    p.add_argument("--speed", default=str(SPEED))
    p.add_argument("--geometry", default=GEOMETRY)
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cast, gif, svg = args.out / "demo.cast", args.out / "demo.gif", args.out / "demo-finale.svg"
    # Relative names, run inside --out: the recording's title shows no local paths.
    chaishop = [sys.executable, "-m", "chaishop"]
    code = subprocess.call([*chaishop, "demo", "--speed", args.speed, "--record", cast.name,
                            "--geometry", args.geometry, "--screenshot", svg.name],
                           stdin=subprocess.DEVNULL, cwd=args.out)
    if code == 0:
        code = subprocess.call([*chaishop, "convert", cast.name, gif.name], cwd=args.out)
    if code == 0:
        print(f"wrote {cast}, {gif} and {svg}")
    return code


if __name__ == "__main__":
    sys.exit(main())
