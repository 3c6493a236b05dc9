"""Key-press-to-effect latency and idle CPU of the real ``chaishop``, in a real terminal.

    python tests/perf/ui_latency.py [--presses 20] [--idle-seconds 10]

Runs ``chaishop`` in a private tmux server (160x45) with CHAISHOP_LATENCY_LOG
set, lets it start a 4-barista threads brew (CPU-bound, in the kitchen
process), then presses ``?`` through tmux send-keys (opening and closing the
explain screen) and reads, for each press, when the app handled the key and
when the next screen refresh was done.  Both the app and this script stamp
with time.perf_counter(), one system-wide monotonic clock, so
``painted - sent`` is the latency a person sees (tmux's own delivery included).
A second check polls ``tmux capture-pane`` until the explain screen is visible.
Then it stops the run, waits, and measures the app's CPU with psutil over an
idle stretch.  Goals: key effect within 100 ms while brewing; idle CPU < 3 %.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

SOCKET = "chaishop-perf"  # a private tmux server: never touches the user's sessions
CHAISHOP = str(Path(sys.executable).with_name("chaishop"))
GOAL_MS, IDLE_GOAL_PCT = 100.0, 3.0


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=True, capture_output=True,
                          text=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", "perf")


def wait_for(predicate, timeout: float, step: float = 0.01) -> bool:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


def app_process() -> psutil.Process:
    pane_pid = int(tmux("list-panes", "-t", "perf", "-F", "#{pane_pid}").split()[0])
    root = psutil.Process(pane_pid)
    for p in [root, *root.children(recursive=True)]:
        if any(part.endswith("bin/chaishop") for part in p.cmdline()):
            return p
    raise RuntimeError("chaishop is not running in the tmux pane")


def log_entries(path: Path) -> list[tuple[str, str, float]]:
    out = []
    for line in path.read_text().splitlines():
        what, kind, t = line.split()
        out.append((what, kind, float(t)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=20)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    opts = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="chaishop-perf-"))
    log = tmp / "latency.log"
    cmd = (f"CHAISHOP_LATENCY_LOG={log} {CHAISHOP} --mode threads --recipe brew --baristas 4 "
           f"--order-seconds 4 --screenshot-dir {tmp}")
    subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
    tmux("new-session", "-d", "-s", "perf", "-x", "160", "-y", "45", cmd)
    try:
        if not wait_for(lambda: "brewing…" in screen(), 30, 0.1):
            print("the run did not start:\n" + screen())
            return 1
        time.sleep(1.0)  # let all four baristas get going
        app = app_process()
        kitchen_busy = sum(c.cpu_percent(0.5) for c in app.children(recursive=True))
        handled, painted, seen, opened, closed = [], [], [], [], []
        for i in range(opts.presses):
            opening = i % 2 == 0
            n_before = len(log.read_text().splitlines()) if log.exists() else 0
            sent = time.perf_counter()
            tmux("send-keys", "-t", "perf", "?")
            wait_for(lambda: log.exists() and len(log.read_text().splitlines()) >= n_before + 2, 5)
            ok = wait_for(lambda: ("How it works" in screen()) == opening, 5, 0.002)
            seen.append((time.perf_counter() - sent) * 1000 if ok else float("inf"))
            mine = log_entries(log)[n_before:]
            handled += [(t - sent) * 1000 for _, k, t in mine if k == "handled"][:1]
            painted += [(t - sent) * 1000 for _, k, t in mine if k == "painted"][:1]
            (opened if opening else closed).extend(painted[-1:])
            time.sleep(0.15)
        still_brewing = "brewing…" in screen()
        tmux("send-keys", "-t", "perf", "Escape")  # stop the run
        wait_for(lambda: "stopped" in screen(), 10, 0.1)
        time.sleep(2.0)
        app.cpu_percent(None)
        time.sleep(opts.idle_seconds)
        idle = app.cpu_percent(None)
        tmux("send-keys", "-t", "perf", "q")
        exited = wait_for(lambda: not psutil.pid_exists(app.pid) or
                          app.status() == psutil.STATUS_ZOMBIE, 10, 0.1)
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)  # the latency log: leave nothing behind

    def row(name: str, ms: list[float]) -> str:
        ms = sorted(ms)
        return (f"  {name:<32} median {statistics.median(ms):6.1f} ms   "
                f"p90 {ms[int(0.9 * (len(ms) - 1))]:6.1f} ms   max {ms[-1]:6.1f} ms")

    print(f"chaishop UI latency: {opts.presses} presses of '?' while 4 threads brew in the kitchen "
          f"(kitchen side {kitchen_busy:.0f} % CPU; still brewing at the end: {still_brewing})")
    print(f"  machine: {psutil.cpu_count()} logical CPUs, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(row("send-keys -> action handled", handled))
    print(row("send-keys -> screen refreshed", painted))
    print(row("  of which: open explain", opened))
    print(row("  of which: close (whole shop redrawn)", closed))
    print(row("send-keys -> visible (capture-pane)", seen))
    worst = max(painted)
    print(f"  goal: effect within {GOAL_MS:.0f} ms: "
          f"{'met' if statistics.median(painted) < GOAL_MS else 'MISSED'} at the median, "
          f"{'met' if worst < GOAL_MS else 'missed'} at the max ({worst:.0f} ms)")
    print(f"  idle CPU of the app over {opts.idle_seconds:.0f} s: {idle:.2f} % of a core "
          f"(goal < {IDLE_GOAL_PCT:.0f} %: {'met' if idle < IDLE_GOAL_PCT else 'MISSED'})")
    print(f"  app exited on q: {exited}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
