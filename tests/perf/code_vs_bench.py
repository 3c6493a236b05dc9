"""``chaishop code MODE`` scripts vs ``chaishop bench``, the same work side by side.

    for each round (modes interleaved, order reversed every other round):
        python3 -I <script of MODE>          -> its "wall time: X s" line
        chaishop bench --json --modes MODE   -> wall_s of one run
    medians per mode -> script time / bench time (goal: within about 15 %)

Run: python tests/perf/code_vs_bench.py [--recipe brew] [--size N] [--rounds R]
A noisy machine spoils single runs: read the medians, and rerun when others work.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WALL = re.compile(r"^wall time: (\d+\.\d+) s$", re.M)
GOAL = 0.15


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", default="sequential,threads,processes,asyncio")
    ap.add_argument("--recipe", default="brew")
    ap.add_argument("--baristas", type=int, default=2)
    ap.add_argument("--orders", type=int, default=4)
    ap.add_argument("--size", type=int, default=10_000_000)
    ap.add_argument("--order-seconds", type=float, default=0.5)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    modes = args.modes.split(",")
    work = ["--recipe", args.recipe, "--baristas", str(args.baristas), "--orders",
            str(args.orders), "--size", str(args.size), "--order-seconds", str(args.order_seconds)]
    chaishop = [sys.executable, "-m", "chaishop"]
    script_s: dict[str, list[float]] = {m: [] for m in modes}
    bench_s: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory(prefix="chaishop-code-") as tmp:
        scripts = {}
        for mode in modes:
            text = subprocess.run([*chaishop, "code", mode, *work], capture_output=True,
                                  text=True, check=True).stdout
            scripts[mode] = Path(tmp) / f"{mode}.py"
            scripts[mode].write_text(text)
        subprocess.run([sys.executable, "-I", str(scripts[modes[0]])], capture_output=True)  # warm-up
        for r in range(args.rounds):
            for mode in (modes if r % 2 == 0 else modes[::-1]):
                out = subprocess.run([sys.executable, "-I", str(scripts[mode])], capture_output=True,
                                     text=True, check=True, cwd=tmp).stdout
                script_s[mode].append(float(WALL.findall(out)[-1]))
                out = subprocess.run([*chaishop, "bench", "--json", "--repeat", "1", "--no-warmup",
                                      "--modes", mode, *work], capture_output=True, text=True,
                                     check=True).stdout
                bench_s[mode].append(json.loads(out)["runs"][0]["wall_s"])
            print(f"round {r + 1}: " + ", ".join(
                f"{m} {script_s[m][-1]:.2f}/{bench_s[m][-1]:.2f}" for m in modes), file=sys.stderr)
    print(f"{' '.join(work)} · median of {args.rounds}")
    print(f"{'mode':<11} {'script s':>9} {'bench s':>8} {'script/bench':>12}")
    worst = 0.0
    for m in modes:
        s, b = statistics.median(script_s[m]), statistics.median(bench_s[m])
        worst = max(worst, abs(s / b - 1))
        print(f"{m:<11} {s:9.3f} {b:8.3f} {s / b:12.3f}")
    print(f"\nevery script within {GOAL:.0%} of bench: {'yes' if worst <= GOAL else 'NO'} "
          f"(worst {worst:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
