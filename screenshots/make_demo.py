"""Make screenshots/demo.cast and screenshots/demo-finale.svg from a real demo tour.

    python screenshots/make_demo.py [--out DIR] [--speed X]

    chaishop demo --speed X --record DIR/demo.cast --geometry 120x36
                  --screenshot DIR/demo-finale.svg
        └─ the real kitchen, real runs: the figures are this machine's, measured

Like make_screenshots.py, this records real runs, so the numbers are this
machine's and change from run to run: make them on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEOMETRY = "120x36"  # the recorder's headless default; fits a 1080p projector
SPEED = 4  # a ~20 s tour: short enough to watch, long enough to read the captions


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=HERE)
    p.add_argument("--speed", default=str(SPEED))
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cast, svg = args.out / "demo.cast", args.out / "demo-finale.svg"
    # Relative names, run inside --out: the recording's title shows no local paths.
    code = subprocess.call([sys.executable, "-m", "chaishop", "demo", "--speed", args.speed,
                            "--record", cast.name, "--geometry", GEOMETRY,
                            "--screenshot", svg.name], stdin=subprocess.DEVNULL, cwd=args.out)
    if code == 0:
        print(f"wrote {cast} and {svg}")
    return code


if __name__ == "__main__":
    sys.exit(main())
