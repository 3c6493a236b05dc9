"""How long `q` takes to quit the shop during a CPU-bound run, and what it leaves.

    python tests/perf/quit_time.py [--repeat 5] [--source DIR]

The app runs in a pseudo-terminal (as in a real terminal) with a brew run of
2 baristas in threads and in processes mode; once the baristas are busy, `q`
is typed and the time until the app process exits is measured, then every
process that was under it must be gone and its temp folder (TMPDIR) empty.
``--source DIR`` runs another checkout (e.g. /work/main) for a side-by-side
comparison: run both in one sitting, the machine's load drifts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_signals import PtyApp, _busy


def once(mode: str) -> tuple[float, int, int]:
    tmp = tempfile.mkdtemp(prefix="cq-", dir="/tmp")
    app = PtyApp("--start", "--mode", mode, "--recipe", "brew", "--baristas", "2", "--orders", "8",
                 "--size", "200000000", "--no-baseline", tmpdir=tmp)
    try:
        deadline = time.monotonic() + 30
        while not _busy(app, mode):
            if time.monotonic() > deadline:
                raise SystemExit("the run never started")
            app.read(0.1)
        app.read(1.0)  # brewing for a while
        family = app.family()
        t0 = time.perf_counter()
        os.write(app.master, b"q")
        while app.proc.poll() is None:
            app.read(0.01)
        took = time.perf_counter() - t0
        _, alive = psutil.wait_procs(family, timeout=2.0)
        return took, len(alive), len(os.listdir(tmp))
    finally:
        app.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", default=None, help="run the chaishop in this folder")
    args = parser.parse_args()
    if args.source:
        os.environ["PYTHONPATH"] = os.path.abspath(args.source)
    for mode in ("threads", "processes"):
        runs = [once(mode) for _ in range(args.repeat)]
        times = [r[0] for r in runs]
        print(f"{mode:10} q -> exit: median {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s over {len(times)}; survivors after 2 s: "
              f"{sum(r[1] for r in runs)}; temp entries left: {sum(r[2] for r in runs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
