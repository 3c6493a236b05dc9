"""What a subinterpreter barista's start-up consists of, on the Python that runs this.

    N host threads at once (as the interpreters crew starts them):
        create an isolated interpreter          -> "create"
        import what a barista imports in it     -> "import"  (chaishop.core.crews.interpreter_barista)
        destroy it                              (not counted)
    repeated REPEAT times; medians of the slowest thread (what the stopwatch's start-up sees),
    in wall time and in that thread's CPU time (which other programs on a busy machine
    barely change: compare builds by it)

Also says whether the standard library and chaishop have bytecode caches to load:
with ``PYTHONDONTWRITEBYTECODE=1`` nothing gets cached, so every interpreter compiles
every module it imports that has no ``.pyc``.  Run it once with caches and once
without to see what compiling costs.

    python tests/perf/interp_startup.py [--baristas 2] [--repeat 5]

Python 3.14+ only (concurrent.interpreters).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import sysconfig
import threading
import time

IMPORT = "import chaishop.core.crews.interpreter_barista"  # what barista_main's script imports


def has_bytecode(module: str) -> bool:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return False
    return os.path.exists(importlib.util.cache_from_source(spec.origin))


def one_round(n: int) -> tuple[float, float, float, float]:
    """(create wall, import wall, create CPU, import CPU) of the slowest interpreter."""
    from concurrent import interpreters

    got: list[tuple[float, float, float, float]] = [(0.0, 0.0, 0.0, 0.0)] * n
    go = threading.Barrier(n)

    def host(i: int) -> None:
        go.wait()
        t0, c0 = time.perf_counter(), time.thread_time()
        interp = interpreters.create()
        t1, c1 = time.perf_counter(), time.thread_time()
        interp.exec(f"import sys; sys.path[:] = {sys.path!r}; {IMPORT}")
        t2, c2 = time.perf_counter(), time.thread_time()
        interp.close()
        got[i] = (t1 - t0, t2 - t1, c1 - c0, c2 - c1)

    threads = [threading.Thread(target=host, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return max(got, key=lambda g: g[0] + g[1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--baristas", type=int, default=2)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    if sys.version_info < (3, 14):
        sys.exit("Python 3.14+ only (concurrent.interpreters)")
    gil = "GIL on" if getattr(sys, "_is_gil_enabled", lambda: True)() else "GIL off"
    rounds = [one_round(a.baristas) for _ in range(a.repeat)]
    create, imp, create_cpu, imp_cpu = (statistics.median(r[k] for r in rounds) for k in range(4))
    print(f"Python {sys.version.split()[0]} ({gil}{', free-threaded build' if sysconfig.get_config_var('Py_GIL_DISABLED') else ''})"
          f" · {a.baristas} interpreters at once · median of {a.repeat}")
    print(f"bytecode cache: stdlib {'yes' if has_bytecode('dataclasses') else 'NO'}, "
          f"chaishop {'yes' if has_bytecode('chaishop.core.engine.barista') else 'NO'}; "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    print(f"wall: create {create * 1000:.0f} ms · import {imp * 1000:.0f} ms · "
          f"start-up {(create + imp) * 1000:.0f} ms (slowest interpreter)")
    print(f"CPU:  create {create_cpu * 1000:.0f} ms · import {imp_cpu * 1000:.0f} ms · "
          f"start-up {(create_cpu + imp_cpu) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
