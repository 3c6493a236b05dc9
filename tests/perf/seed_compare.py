"""chaishop vs the tutorial's bare scripts, measured side by side in one run.

    bare scripts (written fresh into a temp dir): sequential, 2 threads, 2 processes
    chaishop bench --json: the same count loop, 2 orders, 2 baristas
    rounds interleaved (bare, chaishop, bare, chaishop ...), medians compared

Prints chaishop's speedups divided by the bare scripts' (goal >= 0.95 for
processes) and chaishop's wall time over the bare one for threads and
sequential (goal within 10 %).  Run: python tests/perf/seed_compare.py [--size N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

BARE = {
    "sequential": """
        import time
        def brew_chai():
            count = 0
            for _ in range({n}):
                count += 1
        start = time.perf_counter()
        brew_chai()
        brew_chai()
        print(time.perf_counter() - start)
    """,
    "threads": """
        import threading, time
        def brew_chai():
            count = 0
            for _ in range({n}):
                count += 1
        baristas = [threading.Thread(target=brew_chai, name=f"Barista-{{i}}") for i in (1, 2)]
        start = time.perf_counter()
        for t in baristas: t.start()
        for t in baristas: t.join()
        print(time.perf_counter() - start)
    """,
    "processes": """
        import multiprocessing, time
        def brew_chai():
            count = 0
            for _ in range({n}):
                count += 1
        if __name__ == "__main__":
            ctx = multiprocessing.get_context("forkserver")
            baristas = [ctx.Process(target=brew_chai) for _ in (1, 2)]
            start = time.perf_counter()
            for p in baristas: p.start()
            for p in baristas: p.join()
            print(time.perf_counter() - start)
    """,
}
MODES = list(BARE)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=30_000_000, help="iterations per order")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    bare_times: dict[str, list[float]] = {m: [] for m in MODES}
    ours: dict[str, list[float]] = {m: [] for m in MODES}
    with tempfile.TemporaryDirectory(prefix="chaishop-seed-") as tmp:
        scripts = {}
        for mode, body in BARE.items():
            path = Path(tmp) / f"bare_{mode}.py"
            path.write_text(textwrap.dedent(body.format(n=args.size)))
            scripts[mode] = path
        # Warm-up: this VM runs slower for its first seconds of CPU load.
        subprocess.run([sys.executable, str(scripts["sequential"])], capture_output=True, check=True)
        for r in range(args.rounds):
            for mode in (MODES if r % 2 == 0 else MODES[::-1]):
                out = subprocess.run([sys.executable, str(scripts[mode])], capture_output=True,
                                     text=True, check=True)
                bare_times[mode].append(float(out.stdout))
            out = subprocess.run(
                [sys.executable, "-m", "chaishop", "bench", "--json", "--recipe", "brew",
                 "--baristas", "2", "--orders", "2", "--size", str(args.size), "--repeat", "1",
                 "--no-warmup", "--modes", ",".join(MODES if r % 2 else MODES[::-1])],
                capture_output=True, text=True, check=True)
            for row in json.loads(out.stdout)["runs"]:
                ours[row["mode"]].append(row["wall_s"])
            print(f"round {r + 1}: bare {[f'{bare_times[m][-1]:.2f}' for m in MODES]} "
                  f"chaishop {[f'{ours[m][-1]:.2f}' for m in MODES]}", file=sys.stderr)
    bare = {m: statistics.median(v) for m, v in bare_times.items()}
    chai = {m: statistics.median(v) for m, v in ours.items()}
    print(f"{'mode':<11} {'bare s':>7} {'chaishop s':>10} {'time ratio':>10} "
          f"{'bare speedup':>12} {'chaishop speedup':>16} {'speedup ratio':>13}")
    for m in MODES:
        bs, cs = bare["sequential"] / bare[m], chai["sequential"] / chai[m]
        print(f"{m:<11} {bare[m]:7.3f} {chai[m]:10.3f} {chai[m] / bare[m]:10.3f} "
              f"{bs:11.2f}x {cs:15.2f}x {cs / bs:13.3f}")
    proc_ratio = (chai["sequential"] / chai["processes"]) / (bare["sequential"] / bare["processes"])
    ok = proc_ratio >= 0.95 and all(abs(chai[m] / bare[m] - 1) <= 0.10 for m in ("sequential", "threads"))
    print(f"\nprocesses speedup ratio {proc_ratio:.3f} (goal >= 0.95); "
          f"thread and sequential time within 10 % of bare: "
          f"{'yes' if ok else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
