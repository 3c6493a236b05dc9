"""One run in a process of its own, for memory figures that start clean.

    bench --run_fresh(spec)--> spawned process: shop.run(spec) --pipe--> RunResult

A rush hour (a crew past ``rush.SUMMARISE_ABOVE``) is measured this way by
``chaishop bench``: after 5,000 threads, 5,000 asyncio tasks reuse the heap the
threads freed and seemed to cost 0.5 KiB each instead of 3.7 (measured), so each
rush-hour run starts from a clean idle RSS.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection

from chaishop.core.protocol import events as ev
from chaishop.core.kitchen import mp
from chaishop.core.menu import MODE
from chaishop.core.engine.shop import run

# How long a fresh run's process may take to exit after sending its result.
FRESH_EXIT_S = 5.0


def _fresh_main(conn: multiprocessing.connection.Connection, spec: ev.RunSpec) -> None:
    mp.child_init()
    try:
        if spec.mode in MODE and MODE[spec.mode].per_core:
            mp.warm_up()  # only they use it: a forkserver starting beside a run slows it
        conn.send(run(spec))
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        conn.send(RuntimeError(f"{type(exc).__name__}: {exc}"))


def run_fresh(spec: ev.RunSpec) -> ev.RunResult:
    """``shop.run(spec)`` in a new process (spawned: nothing inherited), for clean memory figures."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_fresh_main, args=(theirs, spec), name="chaishop-bench-run")
    proc.start()
    theirs.close()
    try:
        result = ours.recv()
    except EOFError:
        result = RuntimeError(f"the run's process ended without a result (exit code "
                              f"{proc.exitcode})")
    except BaseException:  # bench itself ends (ctrl+c, SIGTERM): the run goes with it, now
        proc.kill()
        raise
    finally:
        ours.close()
        proc.join(FRESH_EXIT_S)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if isinstance(result, BaseException):
        raise result
    return result
