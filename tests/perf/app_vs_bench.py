"""The processes lesson in the app vs ``chaishop bench``: the same work, side by side, same order.

    one chaishop in a private tmux server at 120x36 (a real terminal, as a person sees it)
    for each round (the order of the sides rotates):
        app:   press s, wait for its verdict; press p, wait; read "this screen X" off the stopwatch
        bench: chaishop bench --json --repeat 1 --no-warmup --modes sequential,processes
        --full-pace: a second app, with CHAISHOP_CALM=0 (drawing at full pace during the run)
    app: e exports the scoreboard (JSON) -> wall times of each run
    speed-up = sequential wall / processes wall, per round; medians; app / bench (goal >= 0.90)

Run: python tests/perf/app_vs_bench.py [--rounds 3] [--size N] [--baristas 2] [--orders 4]
                                       [--full-pace]
Both sides run the same --size (no calibration differs), the same crew and orders, and the
same order of runs (sequential, then processes).  The machine's load average is printed:
on a shared machine single runs are noisy; read the medians, and rerun when others work.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOCKET = f"chaishop-avb-{os.getpid()}"  # a private tmux server: never touches anyone else's
CHAISHOP = str(Path(sys.executable).with_name("chaishop"))
GOAL = 0.90  # the app's speed-up at least 90 % of bench's
SCREEN = re.compile(r"this screen (\d+\.\d+)")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=True, capture_output=True,
                          text=True).stdout


def screen(app: str) -> str:
    return tmux("capture-pane", "-p", "-t", app)


def wait(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)


def app_run(app: str, key: str, mode: str, timeout: float) -> str:
    """Press ``key`` and wait for the run's verdict; the stopwatch's noise line after it."""
    tmux("send-keys", "-t", app, key)
    wait(lambda: "brewing…" in screen(app), timeout, f"{mode} to start")
    wait(lambda: "brewing…" not in screen(app) and f"{mode} · brew · crew" in screen(app), timeout,
         f"{mode} to finish")
    time.sleep(0.5)  # the verdict's lines painted
    return next((m.group(1) for m in [SCREEN.search(screen(app))] if m), "?")


def app_speedups(folder: Path) -> list[float]:
    """Sequential wall / processes wall of each pair of runs the app exported."""
    runs = json.loads(next(folder.glob("chaishop-scoreboard-*.json")).read_text())["runs"]
    return [a["wall_s"] / b["wall_s"] for a, b in zip(runs, runs[1:])
            if a["mode"] == "sequential" and b["mode"] == "processes"]


def bench_run(work: list[str]) -> dict[str, float]:
    out = subprocess.run([CHAISHOP, "bench", "--json", "--repeat", "1", "--no-warmup",
                          "--modes", "sequential,processes", *work],
                         capture_output=True, text=True, check=True).stdout
    return {r["mode"]: r["wall_s"] for r in json.loads(out)["runs"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--size", type=int, default=40_000_000, help="brew iterations an order")
    ap.add_argument("--baristas", type=int, default=2)
    ap.add_argument("--orders", type=int, default=4)
    ap.add_argument("--full-pace", action="store_true",
                    help="also an app drawing at full pace during runs (CHAISHOP_CALM=0)")
    args = ap.parse_args()
    work = ["--recipe", "brew", "--baristas", str(args.baristas), "--orders", str(args.orders),
            "--size", str(args.size)]
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    apps = {"app": ""} | ({"full-pace": "CHAISHOP_CALM=0 "} if args.full_pace else {})
    bench_ups: list[float] = []
    screens: dict[str, list[str]] = {a: [] for a in apps}
    ups: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="chaishop-avb-") as tmp:
        for app, env in apps.items():
            (Path(tmp) / app).mkdir()
            tmux("new-session", "-d", "-s", app, "-x", "120", "-y", "36",
                 f"env {env}{CHAISHOP} --mode processes {' '.join(work)} "
                 f"--screenshot-dir {Path(tmp) / app}")
        try:
            for app in apps:
                wait(lambda: "Stopwatch" in screen(app) and "warming" not in screen(app), 120,
                     f"the shop ({app})")
            time.sleep(1.0)
            sides = [*apps, "bench"]
            for r in range(args.rounds):
                order = sides[r % len(sides):] + sides[:r % len(sides)]
                for side in order:
                    if side == "bench":
                        b = bench_run(work)
                        bench_ups.append(b["sequential"] / b["processes"])
                    else:
                        app_run(side, "s", "sequential", 300)
                        screens[side].append(app_run(side, "p", "processes", 300))
                print(f"round {r + 1} ({' then '.join(order)}): bench {bench_ups[-1]:.2f}x; "
                      + "; ".join(f"{a} screen {screens[a][-1]} cores" for a in apps), flush=True)
            for app in apps:
                tmux("send-keys", "-t", app, "e")
                wait(lambda: list((Path(tmp) / app).glob("chaishop-scoreboard-*.json")), 30,
                     "the export")
            time.sleep(0.5)
            ups = {app: app_speedups(Path(tmp) / app) for app in apps}
        finally:
            try:
                for app in apps:
                    tmux("send-keys", "-t", app, "q")
                time.sleep(3)
            finally:
                subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
    print(f"\n{'':10} {'speed-ups, per round':<32} median")
    rows = {"bench": bench_ups} | ups
    for name, values in rows.items():
        print(f"{name:10} {' '.join(f'{u:.2f}x' for u in values):<32} "
              f"{statistics.median(values):.2f}x")
    for app in apps:
        print(f"{app}: 'this screen' after each processes run: {', '.join(screens[app])} cores")
    ratio = statistics.median(ups["app"]) / statistics.median(bench_ups)
    for app in apps:
        print(f"{app} / bench: {statistics.median(ups[app]) / statistics.median(bench_ups):.2f}")
    print(f"goal: app / bench >= {GOAL:.2f} · load average after: {os.getloadavg()[0]:.2f}")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
