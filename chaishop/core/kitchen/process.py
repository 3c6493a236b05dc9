"""Inside the kitchen process: the command loop, the runner thread and the reporter thread.

    front of house (core.kitchen.client.Kitchen)       this module, in the kitchen process
    --------------------------------------------       -----------------------------------
    StartRun(spec) / CancelRun() / KnockOut(n) ---->   main thread, take_commands(): one at a
                                                         time; starts/cancels the runner thread
    Quit() (or the pipe closed) ------------------->   ends the run, the warm cluster, itself
    <-- RunStarted, Event..., RunFinished ----------   runner thread: shop.Run.execute()
          (CrewSummary for a rush hour, ClusterReady)
    <-- KitchenReady (once), Note ------------------   main thread
    <-- GilReading (LoopLag for asyncio) -----------   reporter thread: every GIL_EVERY_S while
                                                         a run is on, once more when idle
    <-- Heartbeat ----------------------------------   reporter thread, every HEARTBEAT_EVERY_S

Every message is a dataclass of core.protocol (its package docstring lists them).
The kitchen is spawned (a clean interpreter, nothing inherited but the pipe)
and process baristas are its own children.  This module becomes the kitchen's
``__main__``, which every barista process re-imports: importing it loads
no crew and no engine (kitchen_main loads them once it runs).  If the front of
house dies, however it dies, the parent watchdog stops the run and exits.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from chaishop.core.crews import close_warm, no_more_restarts
from chaishop.core.kitchen import mp
from chaishop.core.menu import RECIPE
from chaishop.core.machine import describe
from chaishop.core.measure.gil import GilProbe
from chaishop.core.protocol.commands import CancelRun, KitchenCommand, KnockOut, Quit, StartRun
from chaishop.core.protocol.events import RunSpec
from chaishop.core.protocol.kitchen import Heartbeat, KitchenReady, Note
from chaishop.core.workloads.recipes import calibrate, calibrate_grind, order_size

if TYPE_CHECKING:  # the engine and its crews load in kitchen_main, not on import
    from chaishop.core.engine.shop import Run

# The kitchen (and every barista it starts) yields the CPU to the front of house when
# both want it: keys would wait behind 4 CPU-bound baristas on 2 cores (spare cores: no change).
KITCHEN_NICE = 5

# How often the GIL gauge is read and sent while a run is on: a lively
# gauge (3 a second) for one small message; the probe only runs during runs.
GIL_EVERY_S = 1 / 3

# Measuring the grind:brew proportion when the brew size is imposed: each rate for this long.
RATIO_BUDGET_S = 0.05

# The kitchen says it is alive this often, whatever it does: a hung one is told apart.
HEARTBEAT_EVERY_S = GIL_EVERY_S


class _Kitchen:
    """The kitchen's state: its end of the pipe, the run that is on, the reporter thread."""

    def __init__(self, conn: multiprocessing.connection.Connection, size: int,
                 grind_size: int = 1):
        self.conn = conn
        self.size = size
        self.grind_size = grind_size
        self.send_lock = threading.Lock()
        self.run: Run | None = None
        self.runner: threading.Thread | None = None
        self.run_id = 0  # the run the GIL readings belong to
        self.probe = GilProbe()
        self.gil_wake = threading.Event()  # a run started: read the gauge now
        self.gil_stop = threading.Event()
        self.gil_thread = threading.Thread(target=self.report, name="reporter", daemon=True)

    def send(self, msg: object) -> None:
        with self.send_lock:
            try:
                self.conn.send(msg)
            except (BrokenPipeError, OSError):
                pass  # the UI is gone; the watchdog ends us

    def start_run(self, spec: RunSpec) -> None:
        self.stop_run()
        if spec.size <= 0 and RECIPE[spec.recipe].sized:  # till, haul size themselves
            spec = replace(spec, size=order_size(spec.recipe, self.size, self.grind_size))
        try:
            from chaishop.core.engine.shop import kitchen_run

            run = kitchen_run(spec, self.send, companions=(os.getppid(),))
        except ValueError as exc:
            self.send(Note(str(exc), "error"))
            return

        def execute() -> None:
            try:
                run.execute()
            except Exception as exc:  # noqa: BLE001 - report, never die silently
                self.send(Note(f"run failed: {type(exc).__name__}: {exc}", "error"))

        self.run, self.run_id = run, spec.run
        self.runner = threading.Thread(target=execute, name="kitchen-runner", daemon=True)
        self.runner.start()
        self.gil_wake.set()

    def report(self) -> None:
        """The reporter thread: heartbeats, always; the GIL probe while a run is on,
        plus one idle window."""
        idle_since: float | None = None
        while not self.gil_stop.is_set():
            self.gil_wake.wait(GIL_EVERY_S)
            self.gil_wake.clear()
            self.send(Heartbeat())
            runner = self.runner
            if runner is not None and runner.is_alive():
                idle_since = None
                if not self.probe.running:
                    self.probe.start()
                    continue  # no samples yet: the first reading comes next time
                self.send(replace(self.probe.read(), run=self.run_id))
                lag = getattr(self.run.crew, "lag", None) if self.run is not None else None
                if lag is not None:  # an asyncio crew: how late its loop runs a callback
                    self.send(replace(lag.read(), run=self.run_id))
            elif self.probe.running:
                # Idle: once a whole window holds only idle wake-ups, send it and stop.
                now = time.perf_counter()
                idle_since = idle_since or now
                if now - idle_since >= self.probe.window_s:
                    self.send(replace(self.probe.read(), run=self.run_id))
                    self.probe.stop()
        self.probe.stop()

    def stop_run(self) -> None:
        if self.run is not None:
            self.run.cancel()
        if self.runner is not None:
            self.runner.join()
        self.run = self.runner = None

    def knock(self, barista: int | None) -> None:
        run = self.run
        who = run.knock_out(barista) if run is not None and self.runner.is_alive() else None
        if who is None:
            self.send(Note("nobody is brewing: nothing to knock out", "warning"))
        else:
            self.send(Note(f"knocked out Barista-{who}", "warning"))

    def take_commands(self) -> None:
        """The main thread's loop: one command at a time, until Quit or the pipe ends."""
        while True:
            try:
                cmd: KitchenCommand = self.conn.recv()
            except (EOFError, OSError):
                return
            if isinstance(cmd, Quit):
                return
            try:
                if isinstance(cmd, StartRun):
                    self.start_run(cmd.spec)
                elif isinstance(cmd, CancelRun):
                    self.stop_run()
                elif isinstance(cmd, KnockOut):
                    self.knock(cmd.barista)
            except Exception as exc:  # noqa: BLE001 - the kitchen outlives any one command
                self.send(Note(f"kitchen error while {cmd.doing}: {type(exc).__name__}: {exc}",
                               "error"))


def _raise_exit(signum, frame) -> None:
    raise SystemExit(128 + signum)


_tempdir: str | None = None  # the kitchen's private temp folder


def _parent_gone() -> None:
    # Nobody is watching: end the forkserver and the baristas at once (a thread barista
    # would not stop if asked), remove the temp folder nobody else will; the watchdog exits.
    no_more_restarts()  # Dask's nannies, in this process, would replace killed workers
    mp.end_family(None, mp.family(os.getpid()))
    mp.remove_tempdir(_tempdir)


def kitchen_main(conn: multiprocessing.connection.Connection, order_s: float, size: int | None,
                 tempdir: str | None = None) -> None:
    global _tempdir
    if tempdir:
        _tempdir = tempdir
        mp.use_tempdir(tempdir)
        # After multiprocessing's own finalizers (which remove pymp-* inside it).
        multiprocessing.util.Finalize(None, mp.remove_tempdir, args=(tempdir,), exitpriority=-200)
    mp.child_init(_parent_gone)
    # Every barista process re-imports its parent's __main__ module.  Here that
    # would be whatever script started the front of house (Textual and all:
    # +0.2 s of start-up per barista, measured); make this import-light module
    # the kitchen's __main__ instead.
    sys.modules["__main__"] = sys.modules[__name__]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c is the UI's to handle
    try:
        os.nice(KITCHEN_NICE)
    except OSError:
        pass  # not allowed here: run at normal priority
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGHUP, _raise_exit)
    kitchen = _Kitchen(conn, size or 0)
    kitchen.gil_thread.start()  # heartbeats from now on, calibration included
    try:
        mp.warm_up()
        import chaishop.core.engine.shop  # noqa: F401  (every crew, loaded before the first run is asked for)

        if size:  # a brew size was imposed (--size, tests): grind orders keep the same
            # proportion, a ratio of two rates that a short measurement gives (0.1 s, not 0.6 s)
            grind_size = max(1, round(calibrate_grind(order_s, RATIO_BUDGET_S) * size
                                      / calibrate(order_s, RATIO_BUDGET_S)))
        else:
            grind_size = calibrate_grind(order_s)
        kitchen.size, kitchen.grind_size = size or calibrate(order_s), grind_size
        kitchen.send(KitchenReady(describe(), kitchen.size, order_s, mp.start_method(), os.getpid(),
                                  kitchen.grind_size))
        kitchen.take_commands()
    finally:
        kitchen.stop_run()
        close_warm()  # a Dask cluster the shop started, kept warm between runs
        kitchen.gil_stop.set()
        kitchen.gil_wake.set()
        kitchen.gil_thread.join(1.0)
        conn.close()


