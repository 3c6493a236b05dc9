"""The kitchen: a process of its own where every crew runs, away from the UI.

    front of house (UI process)              kitchen process (no Textual)
    ---------------------------              ----------------------------
    Kitchen.run(spec)    --("run", spec)-->  main thread: one command at a time
    Kitchen.cancel()     --("cancel",)--->     starts/cancels the runner thread
    Kitchen.knock_out()  --("knock", n)-->   runner thread: shop.Run.execute()
    Kitchen.poll()       <--messages------     RunStarted, Event..., RunFinished
                                               (+ KitchenReady, Note)
                         <--GilReading----   reporter thread: GilProbe.read()
                                               every GIL_EVERY_S while a run is on,
                                               once more when idle, then the probe stops
    Kitchen.silent_s()   <--Heartbeat-----   reporter thread, every HEARTBEAT_EVERY_S, always

Why a separate process: a Textual screen refresh holds the GIL for tens of
milliseconds, which slows sequential and thread baristas running beside it by
30-60 % (measured), and CPU-bound threads beside the UI make keys lag.  Here
neither disturbs the other, and bench measures exactly what the UI shows.

The kitchen is started with ``spawn`` (a clean interpreter, nothing inherited
but the pipe) and process baristas are the kitchen's own children.  If the UI
dies, however it dies, the kitchen's parent watchdog stops the run and exits.
Its temp files live in a private folder that close() (or the watchdog) removes;
close() gives QUIT_GRACE_S, then SIGKILLs it all.  core.kitchen.supervisor heals it.
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

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import lessons
from chaishop.core.kitchen import mp
from chaishop.core.crews import close_warm, no_more_restarts
from chaishop.core.protocol.kitchen import Heartbeat, KitchenGone, KitchenReady, Note  # noqa: F401
from chaishop.core.measure.gil import GilProbe
from chaishop.core.machine import Machine, describe
from chaishop.core.workloads.recipes import DEFAULT_ORDER_S, GRIND, calibrate, calibrate_grind

if TYPE_CHECKING:  # the front of house imports this module for Kitchen and its messages only:
    from chaishop.core.engine.shop import Run  # crews load in the kitchen process (a faster first frame)

RUN, CANCEL, KNOCK, QUIT = "run", "cancel", "knock", "quit"

# The kitchen (and every barista it starts) yields the CPU to the front of house when
# both want it: keys would wait behind 4 CPU-bound baristas on 2 cores (spare cores: no change).
KITCHEN_NICE = 5

# How often the GIL gauge is read and sent while a run is on: a lively
# gauge (3 a second) for one small message; the probe only runs during runs.
GIL_EVERY_S = 1 / 3

# The kitchen says it is alive this often, whatever it does: a hung one is told apart.
HEARTBEAT_EVERY_S = GIL_EVERY_S
# How long close() lets the kitchen stop cleanly before SIGKILL for all of it: a
# quit must feel immediate (thread baristas held it 2.6-2.9 s), nothing is worth more.
QUIT_GRACE_S = 0.25


class _Kitchen:
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

    def start_run(self, spec: ev.RunSpec) -> None:
        self.stop_run()
        if spec.size <= 0 and spec.recipe not in lessons.RECIPES:  # those size themselves
            spec = replace(spec, size=self.grind_size if spec.recipe == GRIND else self.size)
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

    def serve(self) -> None:
        while True:
            try:
                cmd, *args = self.conn.recv()
            except (EOFError, OSError):
                return
            if cmd == QUIT:
                return
            try:
                if cmd == RUN:
                    self.start_run(args[0])
                elif cmd == CANCEL:
                    self.stop_run()
                elif cmd == KNOCK:
                    self.knock(args[0])
            except Exception as exc:  # noqa: BLE001 - the kitchen outlives any one command
                self.send(Note(f"kitchen error on {cmd}: {type(exc).__name__}: {exc}", "error"))


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

        grind_size = calibrate_grind(order_s)
        if size:  # a brew size was imposed (--size, tests): grind orders keep the same proportion
            grind_size = max(1, round(grind_size * size / calibrate(order_s)))
        kitchen.size, kitchen.grind_size = size or calibrate(order_s), grind_size
        kitchen.send(KitchenReady(describe(), kitchen.size, order_s, mp.start_method(), os.getpid(),
                                  kitchen.grind_size))
        kitchen.serve()
    finally:
        kitchen.stop_run()
        close_warm()  # a Dask cluster the shop started, kept warm between runs
        kitchen.gil_stop.set()
        kitchen.gil_wake.set()
        kitchen.gil_thread.join(1.0)
        conn.close()


class Kitchen:
    """The front of house's handle on the kitchen process.

    ``poll()`` never blocks: the UI calls it on a timer and renders what it gets.
    """

    def __init__(self, order_s: float = DEFAULT_ORDER_S, size: int | None = None):
        self.order_s = order_s
        self.size = size
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: multiprocessing.connection.Connection | None = None
        self.ready: KitchenReady | None = None
        self.tempdir: str | None = None
        self.last_heard = time.monotonic()
        self._gone_reported = False

    def start(self) -> "Kitchen":
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe(duplex=True)
        self.tempdir = mp.private_tempdir()
        self.process = ctx.Process(target=kitchen_main, name="chaishop-kitchen",
                                   args=(theirs, self.order_s, self.size, self.tempdir))
        # Not a daemon: daemonic processes may not have children, and process
        # baristas are the kitchen's children.  close() always ends it.
        self.process.start()
        theirs.close()
        self.conn = ours
        self._gone_reported = False
        self.last_heard = time.monotonic()
        return self

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def silent_s(self) -> float:
        """Seconds since the kitchen last said anything (it heartbeats 3 times a second)."""
        return time.monotonic() - self.last_heard

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def _send(self, *cmd) -> bool:
        if self.conn is None:
            return False
        try:
            self.conn.send(cmd)
            return True
        except (BrokenPipeError, OSError):
            return False

    def run(self, spec: ev.RunSpec) -> bool:
        return self._send(RUN, spec)

    def cancel(self) -> bool:
        return self._send(CANCEL)

    def knock_out(self, barista: int | None = None) -> bool:
        return self._send(KNOCK, barista)

    def poll(self, limit: int = 5000) -> list[object]:
        """Everything the kitchen said since the last call (at most ``limit``)."""
        got: list[object] = []
        if self.conn is None:
            return got
        try:
            while len(got) < limit and self.conn.poll():
                msg = self.conn.recv()
                self.last_heard = time.monotonic()
                if isinstance(msg, KitchenReady):
                    self.ready = msg
                if not isinstance(msg, Heartbeat):
                    got.append(msg)
        except (EOFError, OSError):
            if not self._gone_reported:
                self._gone_reported = True
                if self.process is not None:
                    self.process.join(0.5)
                got.append(KitchenGone(self.process.exitcode if self.process else None))
        return got

    def wait_ready(self, timeout: float = 30.0) -> KitchenReady:
        """Block until the kitchen has calibrated (for headless callers and tests)."""
        deadline = time.monotonic() + timeout
        while self.ready is None:
            if self.conn is None or not self.conn.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError("the kitchen did not get ready")
            for msg in self.poll(limit=1):  # a pipe at its end polls ready for ever: never spin
                if isinstance(msg, KitchenGone):
                    raise RuntimeError(f"the kitchen ended before it was ready: {msg.reason}")
        return self.ready

    def close(self, timeout: float = QUIT_GRACE_S) -> None:
        """Stop the kitchen and everything under it: ask, then SIGKILL them all;
        remove its temp folder.  Idempotent."""
        p = self.process
        if p is None:
            return
        under = mp.family(p.pid)  # the forkserver and baristas, while we can still see them
        self._send(QUIT)
        p.join(timeout)
        if p.is_alive():
            under = mp.family(p.pid) or under
        mp.end_family(p.pid if p.is_alive() else None, under, skip=p.pid)
        p.join(mp.REAP_S)
        if self.conn is not None:
            self.conn.close()
        mp.remove_tempdir(self.tempdir)
        self.process = self.conn = self.tempdir = None

    def kill(self) -> None:  # a hung kitchen: SIGKILL for it and all under it, at once
        self.close(timeout=0)

    def __enter__(self) -> "Kitchen":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
