"""The full serve stress test: 20 visits, then the server ended each way; 0 survivors in 5 s.

    python tests/perf/serve_visitors.py [--visits 20] [--ways SIGTERM,SIGINT,SIGHUP,SIGKILL]

Visits are plain websocket clients speaking textual-serve's protocol
(tests/serve_stress.py): they leave at once, or after their shop drew, a few
at a time; two stay until the server is ended.  Prints one line per way and
exits 1 if any visitor app, kitchen, barista or temp folder survived.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from serve_stress import serve_and_end


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument("--ways", default="SIGTERM,SIGINT,SIGHUP,SIGKILL")
    args = parser.parse_args()
    bad = 0
    for way in args.ways.split(","):
        t0 = time.monotonic()
        out = serve_and_end(way, visits=args.visits, stay=2, at_once=4)
        bad += bool(out.survivors or out.temp_left)
        print(f"{way:8} {args.visits} visits ({out.drew} drew, {out.full} turned away), "
              f"{time.monotonic() - t0:.0f} s: survivors after 5 s: {len(out.survivors)}, "
              f"temp entries left: {len(out.temp_left)}", flush=True)
        for s in out.survivors:
            print("   ", s)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
